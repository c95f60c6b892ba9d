#!/usr/bin/env bash
# pin: cloud-guest-utils
# needs: busybox util-linux
# image: tools
# growpart from Debian's cloud-guest-utils (a shell script: the binary package
# is the source), for a disk that grew: the partition is extended to the end,
# then resize2fs, xfs_growfs or btrfs filesystem resize grows the filesystem.
#   build/components/growpart.sh SRC BUILD STAGE
# Installs STAGE/bin/growpart. It runs under busybox sh and edits the table
# with util-linux's sfdisk (resize_sfdisk: sfdisk >= 2.26 does both MBR and
# GPT, sgdisk is used only without sfdisk). Patch build/patches/growpart:
# busybox has no partx, so where sfdisk's re-read of the table fails (a
# partition in use) growpart says so and fails instead of a quiet "CHANGED".
set -euo pipefail
. "$(dirname "$0")/lib.sh" growpart "$@"

copy_src
mkdir -p "$STAGE/bin"
install -m 755 "$TREE/usr/bin/growpart" "$STAGE/bin/growpart"
clamp_up "$STAGE/bin/growpart"

# Smoke test with the image's own shell and tools only: PATH holds busybox's
# applets and util-linux's sfdisk, nothing of the host's.
smoke_dir
bb=$(needed busybox)/src/busybox
mkdir -p "$CHECK/bin"
for a in $("$bb" --list); do ln -s "$bb" "$CHECK/bin/$a"; done
ln -sf "$(needed util-linux)/util-linux" "$CHECK/bin/sfdisk"
img=$CHECK/disk.img
imgrun() { env -i PATH="$CHECK/bin" "$@" >"$CHECK/out" 2>&1 || die "$* failed: $(cat "$CHECK/out")"; }
for label in gpt dos; do
	rm -f "$img"
	truncate -s 16M "$img"
	printf 'label: %s\nstart=2048, size=8192, type=L\n' "$label" >"$CHECK/table"
	imgrun sh -c 'sfdisk -q "$1" <"$2"' sfdisk "$img" "$CHECK/table"
	truncate -s 32M "$img"
	imgrun sh "$STAGE/bin/growpart" "$img" 1
	smoke_expect "^CHANGED: partition=1 start=2048 old: size=8192" "growpart of a grown $label disk"
	# To the end but 33 sectors: GPT's backup table (kept on MBR too, as Debian's does).
	imgrun sfdisk -d "$img"
	smoke_expect "start= *2048, size= *63455," "sfdisk -d after growpart ($label)"
	env -i PATH="$CHECK/bin" sh "$STAGE/bin/growpart" "$img" 1 >"$CHECK/out" 2>&1 &&
		die "growpart of a partition that fills its disk succeeded: $(cat "$CHECK/out")"
	smoke_expect "^NOCHANGE: partition 1 " "growpart of a partition that fills its disk ($label)"
done
rm -rf "$CHECK"
msg "installed bin/growpart=$(stat -c %s "$STAGE/bin/growpart")"

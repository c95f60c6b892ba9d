#!/usr/bin/env bash
# Print the bytes of every component and artifact.
#   build/size.sh BUILD_DIR OUT_DIR
set -euo pipefail
b=$1 out=$2
printf '%-40s %12s\n' "what" "bytes"
row() { printf '%-40s %12s\n' "$1" "$2"; }
for f in "$out/lifeboat.iso" "$out/vmlinuz"; do row "$(basename "$f")" "$(stat -c %s "$f")"; done
raw=0
while read -r kind path src mode _; do
	[ "$kind" = file ] || continue
	raw=$((raw + $(stat -c %s "$src")))
done < <(grep -v '^#' "$b/initramfs.list")
row "initramfs (uncompressed files)" "$raw"
row "initramfs cpio" "$(stat -c %s "$b/kernel/lifeboat-initramfs.cpio")"
row "initramfs cpio.zst (as built in)" "$(stat -c %s "$b/kernel/lifeboat-initramfs.cpio.zst")"
row "kernel alone (bzImage minus initramfs)" "$(( $(stat -c %s "$out/vmlinuz") - $(stat -c %s "$b/kernel/lifeboat-initramfs.cpio.zst") ))"
echo
printf '%-40s %12s\n' "component (in the initramfs)" "bytes"
for f in /init /bin/busybox /usr/bin/dropbearmulti /usr/lib/sftp-server /sbin/e2fsprogs \
	/sbin/util-linux /usr/bin/lifeboat; do
	src=$(awk -v p="$f" '$1 == "file" && $2 == p { print $3 }' "$b/initramfs.list")
	[ -n "$src" ] && row "$f" "$(stat -c %s "$src")"
done

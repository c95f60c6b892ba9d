#!/usr/bin/env bash
# pin: dosfstools
# image: tools
# Static musl dosfstools (BUILD-NOTES section 8): check, repair and make FAT
# filesystems (every UEFI machine's ESP).
#   build/components/dosfstools.sh SRC BUILD STAGE
# Installs STAGE/sbin/dosfstools, one static binary (lib.sh's multicall_link)
# holding fsck.fat, mkfs.fat and fatlabel with one copy of their common code
# and musl, and as links to it in STAGE/sbin: those three, fsck.vfat,
# fsck.msdos, dosfsck, mkfs.vfat, mkfs.msdos, mkdosfs, dosfslabel. busybox's
# mkfs.vfat and mkdosfs are left out of build/busybox.config (one copy of each).
set -euo pipefail
. "$(dirname "$0")/lib.sh" dosfstools "$@"

copy_src
comp_configure --host=x86_64-linux-musl --prefix=/usr --without-udev --without-iconv LDFLAGS=-static
# V=1: the link commands in the log name each program's objects (multicall_link).
comp_make -C src V=1 "${NO_AUTOTOOLS[@]}" fsck.fat mkfs.fat fatlabel

msg "linking the multi-call binary"
s=$TREE/src
multicall_link "$BUILD/dosfstools" "$BUILD/build.log" \
	"$s:fsck.fat:fsck.vfat:fsck.msdos:dosfsck" \
	"$s:mkfs.fat:mkfs.vfat:mkfs.msdos:mkdosfs" \
	"$s:fatlabel:dosfslabel"
install_bin "$BUILD/dosfstools" sbin/dosfstools
for p in fsck.fat fsck.vfat fsck.msdos dosfsck mkfs.fat mkfs.vfat mkfs.msdos mkdosfs fatlabel dosfslabel; do
	install_link sbin/dosfstools "sbin/$p"
done

# Each name must run its own program: a mkfs + check round trip on a scratch file.
smoke_dir
img=$CHECK/fat.img
for p in fsck.fat fsck.vfat fsck.msdos dosfsck; do
	"$STAGE/sbin/$p" --help >"$CHECK/out" 2>&1 || true
	smoke_expect "^Usage: .*/$p " "$p --help"
	smoke_expect "^  -a  " "$p --help (fsck.fat's?)"
done
for p in mkfs.fat mkfs.vfat mkfs.msdos mkdosfs; do
	"$STAGE/sbin/$p" --help >"$CHECK/out" 2>&1 || true
	smoke_expect "^Usage: .*/$p " "$p --help"
	smoke_expect "Select FAT size" "$p --help (mkfs.fat's?)"
done
truncate -s 40M "$img"
smoke_run mkfs.vfat -F 32 -n LIFEBOAT -i 1234abcd "$img" && smoke_expect "^mkfs.fat 4\." "mkfs.vfat"
smoke_run fsck.vfat -n "$img" && smoke_expect ": 1 files, 1/" "fsck.vfat -n"
smoke_run fatlabel "$img" && smoke_expect "^LIFEBOAT" "fatlabel"
smoke_run dosfslabel "$img" RESCUE
smoke_run fatlabel "$img" && smoke_expect "^RESCUE" "fatlabel after dosfslabel"
smoke_run fsck.fat -n -v "$img" && smoke_expect "32 bit entries" "fsck.fat -n -v (of mkfs.vfat -F 32)"
rm -rf "$CHECK"
msg "installed sbin/dosfstools=$(stat -c %s "$STAGE/sbin/dosfstools")"

#!/usr/bin/env bash
# pin: gdisk
# needs: popt
# image: tools
# GPT fdisk: gdisk and sgdisk, static (BUILD-NOTES section 8), for GPT repair
# (a zeroed primary header rebuilt from the backup, `sgdisk -e` after a disk
# grew).
#   build/components/gdisk.sh SRC BUILD STAGE
# Installs STAGE/sbin/gptfdisk, one static binary (lib.sh's multicall_link)
# holding gdisk and sgdisk, and as links to it STAGE/sbin/gdisk and
# STAGE/sbin/sgdisk. C++, so static glibc like
# ddrescue (see gddrescue.sh and lib.sh's check_no_nss), with popt's glibc
# build. Patches: build/patches/gdisk (popt 1.19's freed device name; GUIDs
# from getrandom(2) instead of libuuid). cgdisk (ncurses) and fixparts are
# left out.
set -euo pipefail
. "$(dirname "$0")/lib.sh" gdisk "$@"

popt=$(needed popt)/prefix-glibc
copy_src
# The Makefile's own CXXFLAGS and LDLIBS (-luuid) are replaced, not added to.
comp_make CXX="$CXX_GLIBC" \
	CXXFLAGS="$CFLAGS_COMMON -ffile-prefix-map=$TREE=. -Wall -D_FILE_OFFSET_BITS=64 -I$popt/include" \
	LDFLAGS=-static LDLIBS= SGDISK_LDLIBS="$popt/lib/libpopt.a" gdisk sgdisk
# One binary for both: glibc and libstdc++ (most of each) once, not twice.
MULTICALL_CC="$CXX_GLIBC" multicall_link "$BUILD/gptfdisk" "$BUILD/build.log" "$TREE:gdisk" "$TREE:sgdisk"
check_no_nss "$BUILD/gptfdisk" "$TREE"/*.o "$popt/lib/libpopt.a"
install_bin "$BUILD/gptfdisk" sbin/gptfdisk
for p in gdisk sgdisk; do install_link sbin/gptfdisk "sbin/$p"; done

# The repairs this is here for, on an image the recipe makes with sgdisk
# itself (the boot tests use disks made by Debian's tools).
smoke_dir
t=$CHECK
img=$t/disk.img
smoke_run sgdisk --version && smoke_expect "^GPT fdisk (sgdisk) version 1\.0\.9" "sgdisk --version"
truncate -s 8M "$img"
smoke_run sgdisk -o -n 1:2048:+4M -t 1:8300 -c 1:lifeboat "$img"
smoke_run sgdisk -v "$img" && smoke_expect "No problems found" "sgdisk -v of a new GPT"
smoke_run sgdisk -i 1 "$img" && smoke_expect "Partition name: 'lifeboat'" "sgdisk -i 1"
clean() { # after a repair: sgdisk -v finds no problem and reads the primary header
	smoke_run sgdisk -v "$img" && smoke_expect "No problems found" "sgdisk -v after $1"
	! grep -q "invalid main GPT header" "$t/out" || die "the primary header is still invalid after $1: $(cat "$t/out")"
	smoke_run sgdisk -i 1 "$img" && smoke_expect "Partition name: 'lifeboat'" "sgdisk -i 1 after $1"
}
zero_primary() { dd if=/dev/zero of="$img" bs=512 seek=1 count=1 conv=notrunc status=none; }
# The primary header zeroed: sgdisk loads the backup, -e writes both again.
zero_primary
smoke_run sgdisk -v "$img" && smoke_expect "invalid main GPT header, but valid backup" "sgdisk -v, primary header zeroed"
smoke_run sgdisk -e "$img"
clean "sgdisk -e (primary header zeroed)"
# The same with gdisk's recovery menu: r, b (rebuild main header from backup), w.
zero_primary
printf 'r\nb\nw\ny\n' | "$STAGE/sbin/gdisk" "$img" >"$t/out" 2>&1 || die "gdisk's recovery (r b w) failed: $(cat "$t/out")"
clean "gdisk r b w (primary header zeroed)"
# The disk grew: the backup header is no longer at the end until -e moves it.
truncate -s 16M "$img"
smoke_run sgdisk -v "$img" && smoke_expect "secondary header's self-pointer" "sgdisk -v of a grown disk"
smoke_run sgdisk -e "$img"
clean "sgdisk -e (grown disk)"
rm -rf "$t"
msg "installed sbin/gptfdisk=$(stat -c %s "$STAGE/sbin/gptfdisk")"

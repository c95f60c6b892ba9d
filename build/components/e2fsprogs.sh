#!/usr/bin/env bash
# pin: e2fsprogs
# needs: mimalloc
# Static musl e2fsprogs (BUILD-NOTES section 4).
#   build/components/e2fsprogs.sh SRC BUILD STAGE
# Installs STAGE/sbin/e2fsprogs, one static binary (lib.sh's multicall_link)
# holding e2fsck, mke2fs, tune2fs, resize2fs, debugfs and dumpe2fs with one
# copy of libext2fs and musl, and as links to it in STAGE/sbin: those six,
# fsck.ext2/3/4, mkfs.ext2/3/4, e2label; and STAGE/etc/mke2fs.conf.
# CRC32C by SSE4.2's crc32 instruction where the CPU has it (0001-*): it
# checksums every inode and metadata block, and the table code was 15% of
# e2fsck -fn's samples on make bench's ext4 image.
set -euo pipefail
. "$(dirname "$0")/lib.sh" e2fsprogs "$@"

copy_src
b=$TREE
comp_configure BUILD_CC=gcc LDFLAGS=-static PKG_CONFIG=false \
	--disable-nls --disable-fuse2fs --enable-libblkid --enable-libuuid --disable-uuidd \
	--disable-fsck --disable-e2initrd-helper
# Without kernel headers configure silently drops features (BUILD-NOTES section 1).
for h in HAVE_LINUX_FD_H HAVE_LINUX_LOOP_H HAVE_LINUX_FSMAP_H HAVE_LINUX_FALLOC_H HAVE_LINUX_MAJOR_H HAVE_LINUX_TYPES_H; do
	grep -q "^#define $h 1" "$b/lib/config.h" || die "configure did not find <${h#HAVE_}> ($h); kernel headers?"
done

# V=1: the link commands in the log name each program's objects (multicall_link).
comp_make V=1 libs
comp_make V=1 progs
# upstream's CRC32C test vectors, through the SSE4.2 path where this CPU has
# it (build/patches/e2fsprogs/0001-*)
comp_make V=1 -C lib/ext2fs tst_crc32c
"$b/lib/ext2fs/tst_crc32c" >"$BUILD/crc32c.out" 2>&1 || die "tst_crc32c failed: $(cat "$BUILD/crc32c.out")"

msg "linking the multi-call binary (with mimalloc: mimalloc.sh says why)"
MULTICALL_OBJS=$(needed mimalloc)/mimalloc.o multicall_link "$BUILD/e2fsprogs" "$BUILD/build.log" \
	"$b/e2fsck:e2fsck:fsck.ext2:fsck.ext3:fsck.ext4" \
	"$b/misc:mke2fs:mkfs.ext2:mkfs.ext3:mkfs.ext4" \
	"$b/misc:tune2fs:e2label" \
	"$b/resize:resize2fs" \
	"$b/debugfs:debugfs" \
	"$b/misc:dumpe2fs"
if [ "$(uname -m)" = x86_64 ]; then
	nm "$BUILD/e2fsprogs" >"$BUILD/symbols"
	grep -q " t crc32c_le_sse42\$" "$BUILD/symbols" || die "e2fsprogs has no crc32c_le_sse42 (patch 0001)"
fi
install_bin "$BUILD/e2fsprogs" sbin/e2fsprogs
for p in e2fsck fsck.ext2 fsck.ext3 fsck.ext4 mke2fs mkfs.ext2 mkfs.ext3 mkfs.ext4 \
	tune2fs e2label resize2fs debugfs dumpe2fs; do
	install_link sbin/e2fsprogs "sbin/$p"
done

mkdir -p "$STAGE/etc"
install -m 644 "$b/misc/mke2fs.conf" "$STAGE/etc/mke2fs.conf"
clamp_up "$STAGE/etc/mke2fs.conf"

# Each name must run its own program, with argv[0] as given: mkfs.ext3 takes
# the filesystem type and e2label its job from it.
smoke_dir
img=$CHECK/fs.img
smoke_run e2fsck -V && smoke_expect "^e2fsck 1\." "e2fsck -V"
smoke_run fsck.ext4 -V && smoke_expect "^e2fsck 1\." "fsck.ext4 -V"
smoke_run mke2fs -V && smoke_expect "^mke2fs 1\." "mke2fs -V"
smoke_run debugfs -V && smoke_expect "^debugfs 1\." "debugfs -V"
smoke_run dumpe2fs -V && smoke_expect "^dumpe2fs 1\." "dumpe2fs -V"
truncate -s 8M "$img"
MKE2FS_CONFIG=$STAGE/etc/mke2fs.conf smoke_run mkfs.ext3 -q -F -L lifeboat "$img" 4M
smoke_run dumpe2fs -h "$img" && smoke_expect "has_journal" "dumpe2fs -h of a new ext3 (mkfs.ext3)"
! grep -q extent "$CHECK/out" || die "mkfs.ext3 made an ext4 filesystem (argv[0] lost?): $(cat "$CHECK/out")"
smoke_run e2label "$img" && smoke_expect "^lifeboat\$" "e2label"
smoke_run tune2fs -L rescue "$img" && smoke_expect "^tune2fs 1\." "tune2fs -L"
smoke_run fsck.ext4 -fn "$img" && smoke_expect "^rescue: " "fsck.ext4 -fn"
smoke_run resize2fs "$img" && smoke_expect "is now 8192 (1k) blocks long" "resize2fs"
smoke_run debugfs -R stats "$img" && smoke_expect "Block count: *8192" "debugfs -R stats"
rm -rf "$CHECK"
msg "installed sbin/e2fsprogs=$(stat -c %s "$STAGE/sbin/e2fsprogs")"

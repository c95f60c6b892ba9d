#!/usr/bin/env bash
# Static musl e2fsprogs (BUILD-NOTES section 4).
#   build/components/e2fsprogs.sh SRC BUILD STAGE
# Installs into STAGE/sbin: e2fsck (+ fsck.ext2/3/4), mke2fs (+ mkfs.ext2/3/4),
# tune2fs (+ e2label), resize2fs, debugfs, dumpe2fs; and STAGE/etc/mke2fs.conf.
# Each binary carries its own copy of libext2fs (there is no multicall build).
set -euo pipefail
. "$(dirname "$0")/lib.sh" e2fsprogs "$@"

b=$BUILD/src
msg "copying source to $b"
copy_src "$b"

msg "configuring"
(cd "$b" && ./configure CC="$CC" BUILD_CC=gcc CFLAGS="$CFLAGS_COMMON -ffile-prefix-map=$b=." \
	LDFLAGS=-static PKG_CONFIG=false \
	--disable-nls --disable-fuse2fs --enable-libblkid --enable-libuuid --disable-uuidd \
	--disable-fsck --disable-e2initrd-helper) >"$BUILD/configure.log" 2>&1 ||
	{ tail -30 "$BUILD/configure.log" >&2; die "configure failed (log: $BUILD/configure.log)"; }
# Without kernel headers configure silently drops features (BUILD-NOTES section 1).
for h in HAVE_LINUX_FD_H HAVE_LINUX_LOOP_H HAVE_LINUX_FSMAP_H HAVE_LINUX_FALLOC_H HAVE_LINUX_MAJOR_H HAVE_LINUX_TYPES_H; do
	grep -q "^#define $h 1" "$b/lib/config.h" || die "configure did not find <${h#HAVE_}> ($h); kernel headers?"
done

msg "building (-j$JOBS)"
if ! { make -C "$b" -j"$JOBS" libs && make -C "$b" -j"$JOBS" progs; } >"$BUILD/build.log" 2>&1; then
	grep -B2 -A5 -i 'error' "$BUILD/build.log" | tail -40 >&2
	die "build failed (log: $BUILD/build.log)"
fi

install_bin "$b/e2fsck/e2fsck" sbin/e2fsck
install_bin "$b/misc/mke2fs" sbin/mke2fs
install_bin "$b/misc/tune2fs" sbin/tune2fs
install_bin "$b/resize/resize2fs" sbin/resize2fs
install_bin "$b/debugfs/debugfs" sbin/debugfs
install_bin "$b/misc/dumpe2fs" sbin/dumpe2fs
for t in ext2 ext3 ext4; do
	install_link sbin/e2fsck "sbin/fsck.$t"
	install_link sbin/mke2fs "sbin/mkfs.$t"
done
install_link sbin/tune2fs sbin/e2label

mkdir -p "$STAGE/etc"
install -m 644 "$b/misc/mke2fs.conf" "$STAGE/etc/mke2fs.conf"
clamp_up "$STAGE/etc/mke2fs.conf"

"$STAGE/sbin/e2fsck" -V >/dev/null 2>&1 || die "e2fsck -V does not run"
msg "installed $(cd "$STAGE/sbin" && for f in e2fsck mke2fs tune2fs resize2fs debugfs dumpe2fs; do printf '%s=%s ' $f "$(stat -c %s $f)"; done)"

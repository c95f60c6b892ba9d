#!/usr/bin/env bash
# pin: libzstd
# image: tools
# Static musl zstd (BUILD-NOTES section 8): to compress a disk stream over SSH
# (`ssh root@rescue 'zstd -c </dev/sda' > sda.img.zst`).
#   build/components/zstd.sh SRC BUILD STAGE
# Installs STAGE/bin/zstd and the links unzstd and zstdcat to it; and for
# btrfs-progs BUILD/prefix/{lib/libzstd.a,include/zstd.h,include/zstd_errors.h,include/zdict.h}
# and BUILD/prefix/lib/pkgconfig/libzstd.pc (prefix= points at BUILD/prefix).
set -euo pipefail
. "$(dirname "$0")/lib.sh" zstd "$@"

prefix=$BUILD/prefix
copy_src
flags="$CFLAGS_COMMON -ffile-prefix-map=$TREE=."
# No zlib, lzma or lz4 formats: zstd's own is the one asked for.
comp_make -C lib CC="$CC" CFLAGS="$flags" libzstd.a
comp_make -C lib PREFIX="$prefix" libzstd.pc
comp_make -C programs CC="$CC" CFLAGS="$flags" LDFLAGS=-static HAVE_ZLIB=0 HAVE_LZMA=0 HAVE_LZ4=0 zstd
rm -rf "$prefix"
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
cp "$TREE/lib/libzstd.a" "$prefix/lib/"
cp "$TREE/lib/libzstd.pc" "$prefix/lib/pkgconfig/"
cp "$TREE/lib/zstd.h" "$TREE/lib/zstd_errors.h" "$TREE/lib/zdict.h" "$prefix/include/"

install_bin "$TREE/programs/zstd" bin/zstd
for p in unzstd zstdcat; do install_link bin/zstd "bin/$p"; done

# Each name must do its own job: a round trip through a scratch file.
t=$BUILD/check
rm -rf "$t"
mkdir -p "$t"
"$STAGE/bin/zstd" -V | grep -q "v1\.5\." || die "zstd -V does not say v1.5"
head -c 1000000 "$STAGE/bin/zstd" >"$t/data"
"$STAGE/bin/zstd" -q -3 -c "$t/data" >"$t/data.zst" || die "zstd -c failed"
"$STAGE/bin/zstdcat" "$t/data.zst" | cmp -s - "$t/data" || die "zstdcat did not give back what zstd compressed"
"$STAGE/bin/unzstd" -q "$t/data.zst" -o "$t/back" || die "unzstd failed"
cmp -s "$t/back" "$t/data" || die "unzstd did not give back what zstd compressed"
rm -rf "$t"
msg "installed bin/zstd=$(stat -c %s "$STAGE/bin/zstd")"

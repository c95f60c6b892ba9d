#!/usr/bin/env bash
# pin: zlib
# Static musl zlib, a library only (btrfs-progs reads zlib-compressed extents).
#   build/components/zlib.sh SRC BUILD STAGE
# Installs nothing into STAGE; BUILD/prefix/{lib/libz.a,include/zlib.h,include/zconf.h},
# BUILD/prefix/lib/pkgconfig/zlib.pc (prefix= points at BUILD/prefix).
set -euo pipefail
. "$(dirname "$0")/lib.sh" zlib "$@"

prefix=$BUILD/prefix
copy_src
# zlib's own configure (not autoconf) takes CC and CFLAGS from the environment.
msg "configuring"
run_logged configure configure sh -c 'cd "$1" && CC="$2" CFLAGS="$3" ./configure --static --prefix="$4"' \
	configure "$TREE" "$CC" "$CFLAGS_COMMON -ffile-prefix-map=$TREE=." "$prefix"
comp_make libz.a
rm -rf "$prefix"
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
cp "$TREE/libz.a" "$prefix/lib/"
cp "$TREE/zlib.pc" "$prefix/lib/pkgconfig/"
cp "$TREE/zlib.h" "$TREE/zconf.h" "$prefix/include/"
msg "installed BUILD/prefix/lib/libz.a=$(stat -c %s "$prefix/lib/libz.a")"

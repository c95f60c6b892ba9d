#!/usr/bin/env bash
# pin: libaio
# image: tools
# Static musl libaio for lvm2 (BUILD-NOTES section 8): a library only, nothing
# installed into the image.
#   build/components/libaio.sh SRC BUILD STAGE
# Provides BUILD/prefix/lib/libaio.a and BUILD/prefix/include/libaio.h.
set -euo pipefail
. "$(dirname "$0")/lib.sh" libaio "$@"

prefix=$BUILD/prefix
copy_src
comp_make -C src CC="$CC" CFLAGS="$CFLAGS_COMMON -ffile-prefix-map=$TREE=. -Wall" ENABLE_SHARED=0 libaio.a
rm -rf "$prefix"
mkdir -p "$prefix/lib" "$prefix/include"
cp "$TREE/src/libaio.a" "$prefix/lib/"
cp "$TREE/src/libaio.h" "$prefix/include/"
nm "$prefix/lib/libaio.a" | grep " T io_submit$" >/dev/null || die "libaio.a defines no io_submit"
msg "built prefix/lib/libaio.a=$(stat -c %s "$prefix/lib/libaio.a")"

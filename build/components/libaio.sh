#!/usr/bin/env bash
# pin: libaio
# image: tools
# Static musl libaio for lvm2 (BUILD-NOTES section 8): a library only, nothing
# installed into the image.
#   build/components/libaio.sh SRC BUILD STAGE
# Provides BUILD/prefix/lib/libaio.a and BUILD/prefix/include/libaio.h.
set -euo pipefail
. "$(dirname "$0")/lib.sh" libaio "$@"

copy_src
comp_make -C src CC="$CC" CFLAGS="$CFLAGS_COMMON -ffile-prefix-map=$TREE=. -Wall" ENABLE_SHARED=0 libaio.a
prefix_lib "$TREE/src/libaio.a" io_submit "$TREE/src/libaio.h"

#!/usr/bin/env bash
# pin: popt
# image: tools
# Static musl libpopt for cryptsetup's command line (BUILD-NOTES section 8):
# a library only, nothing installed into the image.
#   build/components/popt.sh SRC BUILD STAGE
# Provides BUILD/prefix/lib/libpopt.a and BUILD/prefix/include/popt.h.
set -euo pipefail
. "$(dirname "$0")/lib.sh" popt "$@"

copy_src
comp_configure --host=x86_64-linux-musl --prefix=/usr --enable-static --disable-shared --disable-nls \
	--without-libiconv-prefix
# Debian's patches leave the autotools stamps stale (BUILD-NOTES section 8).
comp_make ACLOCAL=true AUTOMAKE=true AUTOCONF=true AUTOHEADER=true MAKEINFO=true -C src libpopt.la
prefix_lib "$TREE/src/.libs/libpopt.a" poptGetContext "$TREE/src/popt.h"

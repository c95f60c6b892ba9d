#!/usr/bin/env bash
# pin: popt
# image: tools
# Static libpopt, a library only, nothing installed into the image:
# musl for cryptsetup's command line (BUILD-NOTES section 8), and glibc for
# sgdisk (C++, linked static against glibc: lib.sh's CXX_GLIBC, gdisk.sh).
#   build/components/popt.sh SRC BUILD STAGE
# Provides BUILD/prefix/lib/libpopt.a and BUILD/prefix/include/popt.h (musl),
# BUILD/prefix-glibc/lib/libpopt.a and BUILD/prefix-glibc/include/popt.h.
set -euo pipefail
. "$(dirname "$0")/lib.sh" popt "$@"

copy_src
comp_configure --host=x86_64-linux-musl --prefix=/usr --enable-static --disable-shared --disable-nls \
	--without-libiconv-prefix
# Debian's patches leave the autotools stamps stale (BUILD-NOTES section 8).
comp_make "${NO_AUTOTOOLS[@]}" -C src libpopt.la
prefix_lib "$TREE/src/.libs/libpopt.a" poptGetContext "$TREE/src/popt.h"

# glibc: gcc, given after comp_configure's musl CC, wins. No iconv (help text
# is printed as is: in the C locale static glibc would open gconv modules
# for it) and no glob (which expands ~user through NSS): lib.sh's
# check_no_nss. sgdisk reads no popt configuration files anyway.
copy_src "$BUILD/src-glibc"
comp_configure CC="${CXX_GLIBC%g++}gcc" --prefix=/usr --disable-shared --enable-static --disable-nls \
	ac_cv_func_iconv=no am_cv_func_iconv=no ac_cv_header_glob_h=no
for h in HAVE_ICONV HAVE_GLOB_H; do
	! grep -q "^#define $h 1" "$TREE/config.h" || die "configure still set $h"
done
comp_make "${NO_AUTOTOOLS[@]}" -C src libpopt.la
prefix=$BUILD/prefix-glibc
rm -rf "$prefix"
mkdir -p "$prefix/lib" "$prefix/include"
cp "$TREE/src/.libs/libpopt.a" "$prefix/lib/"
cp "$TREE/src/popt.h" "$prefix/include/"
msg "built $prefix/lib/libpopt.a=$(stat -c %s "$prefix/lib/libpopt.a")"

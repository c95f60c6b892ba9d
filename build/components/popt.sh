#!/usr/bin/env bash
# pin: popt
# popt 1.19, the option parser of sgdisk, as a static glibc library.
#   build/components/popt.sh SRC BUILD STAGE
# Installs nothing into STAGE. Provides BUILD/prefix-glibc/lib/libpopt.a and
# BUILD/prefix-glibc/include/popt.h for the C++ tools linked static against
# glibc (lib.sh's CXX_GLIBC; gdisk): objects for musl would not link there.
set -euo pipefail
. "$(dirname "$0")/lib.sh" popt "$@"

prefix=$BUILD/prefix-glibc
copy_src
# gcc (glibc): this CC= comes after comp_configure's musl one, and wins.
comp_configure CC="${CXX_GLIBC%g++}gcc" \
	--prefix=/usr --disable-shared --enable-static --disable-nls \
	ac_cv_func_iconv=no am_cv_func_iconv=no ac_cv_header_glob_h=no
# No iconv (help text is printed as is: in the C locale static glibc would
# open gconv modules for it) and no glob (which expands ~user through NSS):
# lib.sh's check_no_nss. sgdisk reads no popt configuration files anyway.
for h in HAVE_ICONV HAVE_GLOB_H; do
	! grep -q "^#define $h 1" "$TREE/config.h" || die "configure still set $h"
done
# Debian's patches leave autotools stamps stale; autotools are not installed (BUILD-NOTES section 8).
stale="ACLOCAL=true AUTOMAKE=true AUTOCONF=true AUTOHEADER=true MAKEINFO=true"
# shellcheck disable=SC2086 # a list of assignments
comp_make -C src $stale libpopt.la
rm -rf "$prefix"
mkdir -p "$prefix/lib" "$prefix/include"
cp "$TREE/src/.libs/libpopt.a" "$prefix/lib/"
cp "$TREE/src/popt.h" "$prefix/include/"
msg "built $prefix/lib/libpopt.a=$(stat -c %s "$prefix/lib/libpopt.a")"

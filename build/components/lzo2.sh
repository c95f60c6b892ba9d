#!/usr/bin/env bash
# pin: lzo2
# Static musl liblzo2, a library only (btrfs-progs reads lzo-compressed extents).
#   build/components/lzo2.sh SRC BUILD STAGE
# Installs nothing into STAGE; BUILD/prefix/{lib/liblzo2.a,include/lzo/*.h}.
set -euo pipefail
. "$(dirname "$0")/lib.sh" lzo2 "$@"

prefix=$BUILD/prefix
copy_src
comp_configure --host=x86_64-linux-musl --prefix=/usr --enable-static --disable-shared
comp_make src/liblzo2.la
dest=$BUILD/destdir
rm -rf "$dest" "$prefix"
comp_install DESTDIR="$dest" install-libLTLIBRARIES install-pkgincludeHEADERS
mkdir -p "$prefix/lib"
cp -a "$dest/usr/include" "$prefix/include"
cp "$dest/usr/lib/liblzo2.a" "$prefix/lib/"
[ -r "$prefix/include/lzo/lzo1x.h" ] || die "missing $prefix/include/lzo/lzo1x.h"
msg "installed BUILD/prefix/lib/liblzo2.a=$(stat -c %s "$prefix/lib/liblzo2.a")"

#!/usr/bin/env bash
# pin: liburcu
# Static musl liburcu, a library only (xfsprogs' xfs_repair and mkfs.xfs use RCU).
#   build/components/liburcu.sh SRC BUILD STAGE
# Installs nothing into STAGE; BUILD/prefix/{lib/liburcu*.a,include/urcu*}.
set -euo pipefail
. "$(dirname "$0")/lib.sh" liburcu "$@"

prefix=$BUILD/prefix
copy_src
comp_configure --host=x86_64-linux-musl --prefix=/usr --enable-static --disable-shared
comp_make "${NO_AUTOTOOLS[@]}" -C src
dest=$BUILD/destdir
rm -rf "$dest" "$prefix"
comp_install "${NO_AUTOTOOLS[@]}" DESTDIR="$dest" -C src install
comp_install "${NO_AUTOTOOLS[@]}" DESTDIR="$dest" -C include install
mkdir -p "$prefix/lib"
cp -a "$dest/usr/include" "$prefix/include"
cp -a "$dest"/usr/lib/liburcu*.a "$prefix/lib/"
for f in lib/liburcu.a lib/liburcu-common.a include/urcu.h include/urcu/urcu-memb.h; do
	[ -r "$prefix/$f" ] || die "missing $prefix/$f"
done
msg "installed BUILD/prefix/lib/liburcu.a=$(stat -c %s "$prefix/lib/liburcu.a")"

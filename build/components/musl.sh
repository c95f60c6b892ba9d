#!/usr/bin/env bash
# pin: musl
# libcrypt.a + crypt.h from the musl source (Debian's musl-dev has no crypt()).
#   build/components/musl.sh SRC BUILD STAGE
# Produces BUILD/lib/libcrypt.a and BUILD/include/crypt.h; installs nothing
# into STAGE (accepted for a uniform interface): it is only linked into
# dropbear, which `needs: musl`.
# The musl source must be the version of the installed musl-dev (1.2.3).
set -euo pipefail
. "$(dirname "$0")/lib.sh" musl "$@"

want=$(cat "$SRC/VERSION")
have=$(dpkg-query -W -f '${Version}' musl-dev 2>/dev/null || echo unknown)
case "$have" in "$want"-*) ;; *) msg "warning: musl source $want but musl-dev $have installed" ;; esac

obj=$BUILD/obj
rm -rf "$obj" "${BUILD:?}/lib" "${BUILD:?}/include"
mkdir -p "$obj" "$BUILD/lib" "$BUILD/include"
msg "compiling src/crypt ($want)"
for f in "$SRC"/src/crypt/*.c; do
	# shellcheck disable=SC2086
	$CC $CFLAGS_COMMON -std=c99 -D_XOPEN_SOURCE=700 -I"$SRC/src/include" -I"$SRC/src/internal" \
		-I"$SRC/include" -c "$f" -o "$obj/$(basename "${f%.c}").o"
done
# D: deterministic archive (zero timestamps/uids); sorted member order.
(cd "$obj" && ar rcsD "$BUILD/lib/libcrypt.a" ./*.o) # LC_ALL=C: sorted glob
install -m 644 "$SRC/include/crypt.h" "$BUILD/include/crypt.h"
nm "$BUILD/lib/libcrypt.a" | grep -c " T crypt$" >/dev/null || die "libcrypt.a has no crypt()"
msg "built $BUILD/lib/libcrypt.a ($(stat -c %s "$BUILD/lib/libcrypt.a") bytes)"

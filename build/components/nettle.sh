#!/usr/bin/env bash
# pin: nettle
# image: tools
# Static musl libnettle (no hogweed: no GMP) for cryptsetup's crypto backend
# and dropbear's AES-CTR, AES-GCM, SHA-256 and Poly1305 (dropbear.sh): a
# library only, nothing installed into the image. A fat build: AES-NI, PCLMUL and SHA-NI
# chosen at run time where the CPU has them; GHASH with PCLMUL four blocks
# at a time (build/patches/nettle/0001-*), checked by nettle's own gcm-test.
#   build/components/nettle.sh SRC BUILD STAGE
# Provides BUILD/prefix/lib/libnettle.a, BUILD/prefix/include/nettle/*.h and
# BUILD/prefix/lib/pkgconfig/nettle.pc (prefix= points at BUILD/prefix).
set -euo pipefail
. "$(dirname "$0")/lib.sh" nettle "$@"

prefix=$BUILD/prefix
copy_src
comp_configure --host=x86_64-linux-musl --prefix="$prefix" --libdir="$prefix/lib" \
	--disable-shared --enable-static --disable-public-key --disable-openssl --disable-documentation \
	--enable-x86-aesni --enable-x86-sha-ni --enable-fat
comp_make libnettle.a
comp_make -C testsuite gcm-test
"$TREE/testsuite/gcm-test" >"$BUILD/gcm-test.log" 2>&1 || die "nettle's gcm-test failed (log: $BUILD/gcm-test.log)"
rm -rf "$prefix"
comp_install install-static install-headers install-pkgconfig
for f in lib/libnettle.a include/nettle/sha2.h include/nettle/pbkdf2.h lib/pkgconfig/nettle.pc; do
	[ -r "$prefix/$f" ] || die "missing $prefix/$f"
done
msg "built prefix/lib/libnettle.a=$(stat -c %s "$prefix/lib/libnettle.a")"

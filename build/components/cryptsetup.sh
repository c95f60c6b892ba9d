#!/usr/bin/env bash
# pin: cryptsetup
# needs: lvm2 json-c nettle popt util-linux
# image: tools
# Static musl cryptsetup: LUKS1, LUKS2 (argon2id from the bundled SSE argon2),
# plain, BitLocker/TrueCrypt reading. Crypto backend: nettle for hashes and
# PBKDF2 (luksDump and the digests work with no AF_ALG: 53 KB more than the
# kernel backend); ciphers for keyslots through AF_ALG skcipher (or, without
# CONFIG_CRYPTO_USER_API_SKCIPHER, a temporary dm-crypt mapping). An open of a
# read-only device is read-only by itself (lib/utils_device.c, BLKROGET).
#   build/components/cryptsetup.sh SRC BUILD STAGE
# Installs STAGE/sbin/cryptsetup. The source has no configure: autogen.sh
# makes it (build/deps.txt: autoconf, automake, libtool, autopoint, gettext).
set -euo pipefail
. "$(dirname "$0")/lib.sh" cryptsetup "$@"

dm=$(needed lvm2)/prefix
json=$(needed json-c)/prefix
nettle=$(needed nettle)/prefix
popt=$(needed popt)/prefix
ul=$(needed util-linux)/prefix
copy_src
b=$TREE
msg "autogen.sh (log: autogen.log)"
run_logged autogen autogen.sh sh -c 'cd "$1" && NOCONFIGURE=1 ./autogen.sh' autogen "$b"
# Several checks ignore CPPFLAGS: the include paths go into CC (BUILD-NOTES section 8).
comp_configure CC="$CC -I$popt/include -I$dm/include -I$ul/include -I$json/include -I$nettle/include" LDFLAGS="-L$popt/lib -L$dm/lib -L$ul/lib -L$nettle/lib" \
	PKG_CONFIG_PATH="$json/lib/pkgconfig:$nettle/lib/pkgconfig:$ul/lib/pkgconfig" \
	DEVMAPPER_CFLAGS="-I$dm/include" DEVMAPPER_LIBS="-L$dm/lib -ldevmapper" \
	DEVMAPPER_STATIC_CFLAGS="-I$dm/include" DEVMAPPER_STATIC_LIBS="-L$dm/lib -ldevmapper" \
	--host=x86_64-linux-musl --prefix=/usr --sbindir=/sbin --with-tmpfilesdir=no --with-luks2-lock-path=/run/cryptsetup \
	--enable-static-cryptsetup --disable-shared --enable-static --with-crypto_backend=nettle \
	--enable-internal-sse-argon2 --disable-ssh-token --disable-asciidoc --disable-external-tokens \
	--disable-nls --disable-udev --disable-selinux --disable-veritysetup --disable-integritysetup \
	--disable-cryptsetup-reencrypt --disable-fips --disable-pwquality --disable-passwdqc --disable-keyring \
	--enable-blkid
comp_make V=1 cryptsetup.static
install_bin "$b/cryptsetup.static" sbin/cryptsetup

out=$("$STAGE/sbin/cryptsetup" --version 2>&1) || die "cryptsetup --version failed: $out"
grep -q "^cryptsetup 2\\.6\\.1" <<<"$out" || die "cryptsetup --version printed: $out"
out=$("$STAGE/sbin/cryptsetup" --help 2>&1) || die "cryptsetup --help failed: $out"
for want in "Default PBKDF for LUKS2: argon2id" "luksFormat" "luksAddKey" "luksHeaderBackup"; do
	grep -q -- "$want" <<<"$out" || die "cryptsetup --help does not say '$want'"
done
msg "installed sbin/cryptsetup=$(stat -c %s "$STAGE/sbin/cryptsetup")"

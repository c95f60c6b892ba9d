#!/usr/bin/env bash
# pin: libgcrypt20
# needs: libgpg-error
# Static musl libgcrypt, a library only, with just the algorithms gpgv needs
# for Debian's archive (gpgv.sh): RSA (the archive signing keys, 4096 bits)
# and ECC (EdDSA: the stable release keys are ed25519); SHA-256 and SHA-512
# (the signatures' digests; ed25519 hashes with SHA-512, SHA-384 comes with
# it) and SHA-1 (v4 key fingerprints, and the CSPRNG's mixing). gpgv decrypts
# nothing: AES only because configure takes no empty list. BLAKE2 and ChaCha20
# only because 1.10.1's kdf.c (argon2) and cipher-poly1305.c call them
# whatever is configured: a static link fails without them. MD5 because gpgv
# marks it weak at start and fails when it is unknown. No assembler (C only):
# the SIMD variants of every algorithm cost about a third of gpgv's size, and
# gpgv hashes one InRelease file and checks a few signatures.
#   build/components/libgcrypt20.sh SRC BUILD STAGE
# Installs nothing into STAGE; BUILD/prefix/{lib/libgcrypt.a,include/gcrypt.h,
# bin/libgcrypt-config,lib/pkgconfig/libgcrypt.pc} for gnupg's configure.
set -euo pipefail
. "$(dirname "$0")/lib.sh" libgcrypt20 "$@"

gpgerr=$(needed libgpg-error)/prefix
prefix=$BUILD/prefix
copy_src
# gpgv links with --gc-sections (gpgv.sh)
CFLAGS_COMMON+=" -ffunction-sections -fdata-sections"
# libgpg-error's gpgrt-config, named: configure looks in --prefix first, and
# the host's would hand it glibc's paths (BUILD-NOTES section 8).
comp_configure --host=x86_64-linux-musl --prefix="$prefix" --enable-static --disable-shared --disable-doc \
	GPGRT_CONFIG="$gpgerr/bin/gpgrt-config" --with-libgpg-error-prefix="$gpgerr" --disable-jent-support \
	--enable-ciphers="aes chacha20" --enable-pubkey-ciphers="rsa ecc" \
	--enable-digests="md5 sha1 sha256 sha512 blake2" \
	--enable-kdfs=s2k --enable-random=linux --disable-asm \
	--enable-build-timestamp="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M+0000)"
for d in compat mpi cipher random; do comp_make "${NO_AUTOTOOLS[@]}" -C "$d"; done
comp_make "${NO_AUTOTOOLS[@]}" -C src libgcrypt.la libgcrypt-config libgcrypt.pc
rm -rf "$prefix"
comp_install "${NO_AUTOTOOLS[@]}" -C src install-libLTLIBRARIES install-nodist_includeHEADERS \
	install-binSCRIPTS install-pkgconfigDATA
nm "$prefix/lib/libgcrypt.a" | grep ' T gcry_check_version$' >/dev/null || die "libgcrypt.a defines no gcry_check_version"
msg "installed BUILD/prefix/lib/libgcrypt.a=$(stat -c %s "$prefix/lib/libgcrypt.a")"

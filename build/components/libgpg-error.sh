#!/usr/bin/env bash
# pin: libgpg-error
# Static musl libgpg-error, a library only: the error codes and runtime of
# libgcrypt, libassuan and gpgv (gpgv.sh).
#   build/components/libgpg-error.sh SRC BUILD STAGE
# Installs nothing into STAGE; BUILD/prefix/{lib/libgpg-error.a,include/
# gpg-error.h,include/gpgrt.h} and the config scripts the other configures
# ask (bin/gpgrt-config, bin/gpg-error-config, lib/pkgconfig/gpg-error.pc).
set -euo pipefail
. "$(dirname "$0")/lib.sh" libgpg-error "$@"

prefix=$BUILD/prefix
copy_src
# gpgv links with --gc-sections (gpgv.sh)
CFLAGS_COMMON+=" -ffunction-sections -fdata-sections"
# --enable-install-gpg-error-config: libassuan's configure asks it for the flags
comp_configure --host=x86_64-linux-musl --prefix="$prefix" --enable-static --disable-shared \
	--disable-nls --disable-doc --disable-tests --disable-languages --enable-install-gpg-error-config \
	--enable-build-timestamp="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M+0000)"
comp_make "${NO_AUTOTOOLS[@]}"
rm -rf "$prefix"
comp_install "${NO_AUTOTOOLS[@]}" install
nm "$prefix/lib/libgpg-error.a" | grep " T _gpg_strerror$" >/dev/null || die "libgpg-error.a defines no _gpg_strerror"
msg "installed BUILD/prefix/lib/libgpg-error.a=$(stat -c %s "$prefix/lib/libgpg-error.a")"

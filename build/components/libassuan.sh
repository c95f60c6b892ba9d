#!/usr/bin/env bash
# pin: libassuan
# needs: libgpg-error
# Static musl libassuan, a library only: gnupg's configure and its common/
# code need it (gpgv.sh); gpgv talks to no agent.
#   build/components/libassuan.sh SRC BUILD STAGE
# Installs nothing into STAGE; BUILD/prefix/{lib/libassuan.a,include/assuan.h,
# bin/libassuan-config,lib/pkgconfig/libassuan.pc} for gnupg's configure.
set -euo pipefail
. "$(dirname "$0")/lib.sh" libassuan "$@"

gpgerr=$(needed libgpg-error)/prefix
prefix=$BUILD/prefix
copy_src
# libgpg-error's gpgrt-config, named (see libgcrypt20.sh).
comp_configure --host=x86_64-linux-musl --prefix="$prefix" --enable-static --disable-shared --disable-doc \
	GPGRT_CONFIG="$gpgerr/bin/gpgrt-config" --with-libgpg-error-prefix="$gpgerr" \
	--enable-build-timestamp="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M+0000)"
# all, not libassuan.la: assuan.h is generated (BUILT_SOURCES)
comp_make "${NO_AUTOTOOLS[@]}" -C src
rm -rf "$prefix"
comp_install "${NO_AUTOTOOLS[@]}" -C src install-libLTLIBRARIES install-nodist_includeHEADERS \
	install-binSCRIPTS install-pkgconfigDATA
nm "$prefix/lib/libassuan.a" | grep ' T assuan_new$' >/dev/null || die "libassuan.a defines no assuan_new"
msg "installed BUILD/prefix/lib/libassuan.a=$(stat -c %s "$prefix/lib/libassuan.a")"

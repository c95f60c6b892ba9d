#!/usr/bin/env bash
# pin: gnupg2
# needs: libgpg-error libgcrypt20 libassuan debian-archive-keyring
# image: tools
# gpgv from GnuPG (Debian's gnupg2), static musl (BUILD-NOTES section 8): the
# OpenPGP verifier apt uses for the archive's InRelease and Release.gpg.
#   build/components/gpgv.sh SRC BUILD STAGE
# Installs STAGE/bin/gpgv and the link usr/bin/gpgv (Debian's path, apt's).
# gnupg's configure insists on libksba and npth, which gpgv uses neither of:
# stub config scripts answer for them, and only what gpgv links is built
# (common, kbx, regexp, g10/gpgv). No zlib or bzip2: signatures over the
# archive's files and the keyring are not compressed.
set -euo pipefail
. "$(dirname "$0")/lib.sh" gpgv "$@"

gpgerr=$(needed libgpg-error)/prefix
gcrypt=$(needed libgcrypt20)/prefix
assuan=$(needed libassuan)/prefix
needed debian-archive-keyring >/dev/null # its keyring, in STAGE too, for the check
copy_src

# stub_config NAME VERSION: BUILD/stub/NAME-config, answering configure's
# questions for a library nothing we build links.
stub_config() {
	mkdir -p "$BUILD/stub"
	printf '#!/bin/sh\ncase $1 in --version) echo %s ;; --api-version) echo 1 ;; --host) exit 1 ;; esac\n' "$2" \
		>"$BUILD/stub/$1-config"
	chmod 755 "$BUILD/stub/$1-config"
}
stub_config ksba 1.6.3
stub_config npth 1.6

# --prefix=/usr --sysconfdir=/etc: the paths gpgv embeds are Debian's. Each
# library's own config script, named: the host's (gpgrt-config) would hand
# glibc's paths. LIFEBOAT_NO_ICONV: build/patches/gpgv. Sections per function,
# so that the link keeps only what gpgv calls of libgcrypt and libcommon.
CFLAGS_COMMON+=" -ffunction-sections -fdata-sections"
comp_configure --host=x86_64-linux-musl --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
	CPPFLAGS=-DLIFEBOAT_NO_ICONV \
	GPGRT_CONFIG="$gpgerr/bin/gpgrt-config" --with-libgpg-error-prefix="$gpgerr" \
	LIBGCRYPT_CONFIG="$gcrypt/bin/libgcrypt-config" --with-libgcrypt-prefix="$gcrypt" \
	LIBASSUAN_CONFIG="$assuan/bin/libassuan-config" --with-libassuan-prefix="$assuan" \
	KSBA_CONFIG="$BUILD/stub/ksba-config" NPTH_CONFIG="$BUILD/stub/npth-config" \
	--disable-gpgsm --disable-scdaemon --disable-dirmngr --disable-doc --disable-gpgtar --disable-wks-tools \
	--disable-g13 --disable-sqlite --disable-ntbtls --disable-gnutls --disable-ldap --disable-nls \
	--disable-zip --disable-bzip2 --disable-card-support --disable-ccid-driver --disable-libdns \
	--disable-tofu --disable-exec --disable-photo-viewers --without-readline --disable-tests \
	--enable-build-timestamp="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M+0000)"
grep -q -- "-L$gpgerr/lib" "$TREE/g10/Makefile" || die "configure did not take libgpg-error from $gpgerr"
# libcommon.a without its two libksba users (the audit log and the ksba I/O
# helpers, gpgsm's): gpgv calls neither, and the link below proves it.
objs=$(make -s -C "$TREE/common" -f Makefile -f - print-objs <<<'print-objs: ; @echo $(libcommon_a_OBJECTS)')
objs=$(tr ' ' '\n' <<<"$objs" | grep -v -e '^libcommon_a-audit\.o$' -e '^libcommon_a-ksba-io-support\.o$' | tr '\n' ' ')
comp_make "${NO_AUTOTOOLS[@]}" -C common libcommon_a_OBJECTS="$objs" libcommon.a libgpgrl.a
comp_make "${NO_AUTOTOOLS[@]}" -C kbx libkeybox.a
comp_make "${NO_AUTOTOOLS[@]}" -C regexp libregexp.a
comp_make "${NO_AUTOTOOLS[@]}" -C g10 gpgv LDFLAGS="-static -Wl,--gc-sections"
! nm "$TREE/g10/gpgv" | grep -w iconv_open >/dev/null || die "gpgv still links musl's iconv"
install_bin "$TREE/g10/gpgv" bin/gpgv
install_link bin/gpgv usr/bin/gpgv

# This machine's archive index, as apt fetched it, is good with the pinned
# keyring; with one byte changed it is not.
smoke_dir
ring=$STAGE/usr/share/keyrings/debian-archive-keyring.gpg
[ -s "$ring" ] || die "no keyring $ring (debian-archive-keyring.sh installs it into the same image)"
n=0
for f in /var/lib/apt/lists/*_InRelease; do
	[ -e "$f" ] || die "no /var/lib/apt/lists/*_InRelease to check gpgv with (run apt-get update)"
	smoke_run gpgv --keyring "$ring" "$f"
	smoke_expect '^gpgv: Good signature from "Debian' "gpgv of $f"
	# the middle of the signed text: its first line after the header
	cp "$f" "$CHECK/bad"
	off=$(grep -b -m1 '^Origin: ' "$CHECK/bad" | cut -d: -f1)
	[ -n "$off" ] || die "$f has no Origin: line"
	printf 'o' | dd of="$CHECK/bad" bs=1 seek="$off" conv=notrunc status=none
	! "$STAGE/bin/gpgv" --keyring "$ring" "$CHECK/bad" >"$CHECK/out" 2>&1 ||
		die "gpgv accepted $f with one byte changed: $(cat "$CHECK/out")"
	smoke_expect '^gpgv: BAD signature from "Debian' "gpgv of $f with one byte changed"
	n=$((n + 1))
done
rm -rf "$CHECK"
msg "installed bin/gpgv=$(stat -c %s "$STAGE/bin/gpgv"): $n InRelease files of this machine good, and BAD with a byte changed"

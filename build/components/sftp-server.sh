#!/usr/bin/env bash
# pin: openssh
# Static musl OpenSSH sftp-server (BUILD-NOTES section 6), for dropbear's
# SFTPSERVER_PATH (Debian's localoptions.h): STAGE/usr/lib/sftp-server.
#   build/components/sftp-server.sh SRC BUILD STAGE      (SRC: the openssh source)
# No OpenSSL, no zlib: sftp-server needs neither.
set -euo pipefail
. "$(dirname "$0")/lib.sh" sftp-server "$@"

copy_src
# Debian's patches touch configure.ac; its changes only matter for sshd/systemd.
touch "$TREE/configure"

comp_configure --host=x86_64-linux-musl --prefix=/usr --sysconfdir=/etc/ssh --libexecdir=/usr/lib \
	--without-openssl --without-zlib --with-ldflags=-static --without-pam --without-selinux \
	--without-libedit --without-kerberos5 --disable-security-key --without-sandbox \
	--disable-lastlog --disable-utmp --disable-utmpx --disable-wtmp --disable-wtmpx \
	--disable-pututline --disable-pututxline
comp_make sftp-server

install_bin "$TREE/sftp-server" usr/lib/sftp-server
# Smoke test: speak the SFTP protocol's INIT (type 1, version 3); expect VERSION (type 2).
reply=$( (printf '\0\0\0\5\1\0\0\0\3'; sleep 1) | "$STAGE/usr/lib/sftp-server" 2>/dev/null | od -An -tx1 | tr -d ' \n' || true)
[ "${reply:8:10}" = 0200000003 ] || die "sftp-server did not answer SSH_FXP_INIT with VERSION 3 (got '${reply:0:20}')"
msg "installed usr/lib/sftp-server ($(stat -c %s "$STAGE/usr/lib/sftp-server") bytes)"

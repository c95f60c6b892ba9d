#!/usr/bin/env bash
# Static musl OpenSSH sftp-server (BUILD-NOTES section 6), for dropbear's
# SFTPSERVER_PATH (Debian's localoptions.h): STAGE/usr/lib/sftp-server.
#   build/components/sftp-server.sh SRC BUILD STAGE      (SRC: the openssh source)
# No OpenSSL, no zlib: sftp-server needs neither.
set -euo pipefail
. "$(dirname "$0")/lib.sh" sftp-server "$@"

b=$BUILD/src
msg "copying source to $b"
copy_src "$b"
# Debian's patches touch configure.ac; its changes only matter for sshd/systemd.
touch "$b/configure"

msg "configuring"
(cd "$b" && ./configure CC="$CC" CFLAGS="$CFLAGS_COMMON -ffile-prefix-map=$b=." \
	--host=x86_64-linux-musl --prefix=/usr --sysconfdir=/etc/ssh --libexecdir=/usr/lib \
	--without-openssl --without-zlib --with-ldflags=-static --without-pam --without-selinux \
	--without-libedit --without-kerberos5 --disable-security-key --without-sandbox \
	--disable-lastlog --disable-utmp --disable-utmpx --disable-wtmp --disable-wtmpx \
	--disable-pututline --disable-pututxline) >"$BUILD/configure.log" 2>&1 ||
	{ tail -30 "$BUILD/configure.log" >&2; die "configure failed (log: $BUILD/configure.log)"; }

msg "building (-j$JOBS)"
make -C "$b" -j"$JOBS" sftp-server >"$BUILD/build.log" 2>&1 ||
	{ grep -B2 -A5 -i 'error' "$BUILD/build.log" | tail -40 >&2; die "build failed (log: $BUILD/build.log)"; }

install_bin "$b/sftp-server" usr/lib/sftp-server
# Smoke test: speak the SFTP protocol's INIT (type 1, version 3); expect VERSION (type 2).
reply=$( (printf '\0\0\0\5\1\0\0\0\3'; sleep 1) | "$STAGE/usr/lib/sftp-server" 2>/dev/null | od -An -tx1 | tr -d ' \n' || true)
[ "${reply:8:10}" = 0200000003 ] || die "sftp-server did not answer SSH_FXP_INIT with VERSION 3 (got '${reply:0:20}')"
msg "installed usr/lib/sftp-server ($(stat -c %s "$STAGE/usr/lib/sftp-server") bytes)"

#!/usr/bin/env bash
# Static musl dropbear multi-binary: dropbear, dbclient, dropbearkey, scp.
#   build/components/dropbear.sh SRC BUILD STAGE
# Password auth needs crypt(), which Debian's musl-dev lacks:
#   LIFEBOAT_CRYPT=DIR   use DIR/lib/libcrypt.a and DIR/include/crypt.h
#                        (as made by build/components/musl.sh SRC BUILD STAGE);
#   otherwise            build it here into BUILD/crypt with musl.sh from the musl
#                        source in $LIFEBOAT_MUSL_SRC (default: SRC/../musl,
#                        unpacked from build/pins/musl.pin if missing).
# Bundled libtom, no zlib, Debian's localoptions.h (SFTPSERVER_PATH
# /usr/lib/sftp-server) plus: no DSS, no SHA-1 MACs or SHA-1/group1 kex.
# Host keys stay at the defaults /etc/dropbear/dropbear_{rsa,ecdsa,ed25519}_host_key,
# so `dropbear -R` creates them there on first connection.
# Installs usr/bin/dropbearmulti with links usr/sbin/dropbear, usr/bin/dbclient,
# usr/bin/ssh, usr/bin/dropbearkey, usr/bin/scp.
set -euo pipefail
. "$(dirname "$0")/lib.sh" dropbear "$@"

if [ -n "${LIFEBOAT_CRYPT:-}" ]; then
	crypt=$(cd "$LIFEBOAT_CRYPT" && pwd)
else
	crypt=$BUILD/crypt
	msrc=${LIFEBOAT_MUSL_SRC:-$(dirname "$SRC")/musl}
	if [ ! -r "$msrc/src/crypt/crypt.c" ]; then
		msrc=$BUILD/musl-src
		msg "unpacking the musl source into $msrc"
		"$COMP_DIR/../source.sh" unpack "$COMP_DIR/../pins/musl.pin" "$msrc"
	fi
	"$COMP_DIR/musl.sh" "$msrc" "$crypt" "$STAGE"
fi
[ -r "$crypt/lib/libcrypt.a" ] && [ -r "$crypt/include/crypt.h" ] ||
	die "no libcrypt.a / crypt.h under $crypt"

b=$BUILD/src
msg "copying source to $b"
copy_src "$b"
cp "$b/debian/localoptions.h" "$b/localoptions.h"
cat >>"$b/localoptions.h" <<'EOF'

/* Lifeboat */
#define DROPBEAR_DSS 0
#define DROPBEAR_SHA1_HMAC 0
#define DROPBEAR_SHA1_96_HMAC 0
#define DROPBEAR_DH_GROUP1 0
#define DROPBEAR_DH_GROUP14_SHA1 0
#define DROPBEAR_RSA 1
#define DROPBEAR_ECDSA 1
#define DROPBEAR_ED25519 1
#define DROPBEAR_CURVE25519 1
#define DROPBEAR_SVR_PASSWORD_AUTH 1
EOF

# 2022.83's sysoptions.h forces DROPBEAR_DSS to 1 unconditionally (meant only for
# fuzzing), so DROPBEAR_DSS 0 above would be ignored and -R would make a DSS key.
patch -s -p1 -d "$b" <<'EOF' || die "could not patch sysoptions.h"
--- a/sysoptions.h
+++ b/sysoptions.h
@@ -383,9 +383,11 @@
 #endif
 
 /* Fuzzing expects all key types to be enabled */
+#if DROPBEAR_FUZZ
 #if defined(DROPBEAR_DSS)
 #undef DROPBEAR_DSS
 #endif
 #define DROPBEAR_DSS 1
+#endif
 
 /* no include guard for this file */
EOF

msg "configuring"
(cd "$b" && ./configure CC="$CC" CFLAGS="$CFLAGS_COMMON -ffile-prefix-map=$b=." \
	CPPFLAGS="-I$crypt/include" LDFLAGS="-L$crypt/lib" --host=x86_64-linux-musl \
	--enable-static --enable-bundled-libtom --disable-zlib \
	--disable-lastlog --disable-utmp --disable-utmpx --disable-wtmp --disable-wtmpx \
	--disable-pututline --disable-pututxline) >"$BUILD/configure.log" 2>&1 ||
	{ tail -30 "$BUILD/configure.log" >&2; die "configure failed (log: $BUILD/configure.log)"; }
grep -q '^#define HAVE_CRYPT 1' "$b/config.h" || die "configure did not find crypt() in $crypt"

msg "building (-j$JOBS)"
make -C "$b" -j"$JOBS" PROGRAMS="dropbear dbclient dropbearkey scp" MULTI=1 STATIC=1 \
	>"$BUILD/build.log" 2>&1 || { grep -B2 -A5 -i 'error' "$BUILD/build.log" | tail -40 >&2; die "build failed (log: $BUILD/build.log)"; }

install_bin "$b/dropbearmulti" usr/bin/dropbearmulti
install_link usr/bin/dropbearmulti usr/sbin/dropbear
install_link usr/bin/dropbearmulti usr/bin/dbclient
install_link usr/bin/dbclient usr/bin/ssh
install_link usr/bin/dropbearmulti usr/bin/dropbearkey
install_link usr/bin/dropbearmulti usr/bin/scp

out=$("$STAGE/usr/bin/dropbearmulti" dropbear -h 2>&1 || true)
case "$out" in *"Dropbear server"*"-R"*) ;; *) die "dropbearmulti dropbear -h did not print the usage: $out" ;; esac
if "$STAGE/usr/bin/dropbearkey" -t dss -f /dev/null >/dev/null 2>&1; then die "DSS is still enabled"; fi
msg "installed usr/bin/dropbearmulti ($(stat -c %s "$STAGE/usr/bin/dropbearmulti") bytes)"

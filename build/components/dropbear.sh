#!/usr/bin/env bash
# pin: dropbear
# needs: musl mimalloc nettle
# Static musl dropbear multi-binary: dropbear, dbclient, dropbearkey, scp.
#   build/components/dropbear.sh SRC BUILD STAGE
# Password auth needs crypt(), which Debian's musl-dev lacks: it links the
# musl component's BUILD/../musl/lib/libcrypt.a and include/crypt.h.
# Bundled libtom, no zlib, Debian's localoptions.h (SFTPSERVER_PATH
# /usr/lib/sftp-server) plus: no DSS (and build/patches/dropbear/0002-*), no
# SHA-1 MACs or SHA-1/group1 kex.
# Disk copies over SSH (issue 21; make bench's ssh_bench.py rows measure them):
# ChaCha20 several blocks at once (build/patches/dropbear/0003-*); packets of
# 32 KiB (TRANS_MAX_PAYLOAD_LEN; OpenSSH's size, which every client accepts)
# instead of 16, half the reads, writes and MACs; and mimalloc
# (build/components/mimalloc.sh) instead of musl's malloc, which gave each
# 32 KiB packet buffer fresh pages (300,000 page faults per GiB sent). A
# receive window of 2 MiB (OpenSSH's) instead of 24 KiB for data sent to the
# rescue (`ssh rescue 'dd of=/dev/sda' < disk.img`): 133 -> 415 MiB/s on the
# host, where sshd does 387.
# AES-CTR and AES-GCM (aes128/256-gcm@openssh.com, on here) from nettle's fat
# build, AES-NI and PCLMUL where the CPU has them
# (build/patches/dropbear/0004-*): libtomcrypt's table AES made aes128-ctr
# a quarter of sshd's rate; and SHA-256's block function, SHA-NI where the CPU
# has it (0005-*, LIFEBOAT_NETTLE_SHA256): hmac-sha2-256, AES-CTR's MAC, then
# held it at half. Host-side ssh_bench.py, under load: aes128-ctr 1.00x sshd,
# aes128-gcm 0.91x. AES-GCM's GHASH four blocks at a time (the nettle
# component's build/patches/nettle/0001-*): one at a time it was 45% of
# dropbear's user CPU serving aes256-gcm, 1.3x sshd's per byte in all.
# chacha20-poly1305's MAC from nettle (0006-*, LIFEBOAT_NETTLE_POLY1305):
# x86-64 assembly with 64-bit multiplies, 2.5x libtomcrypt's 32-bit Poly1305,
# which held the cipher at 0.90x sshd.
# Host keys stay at the defaults /etc/dropbear/dropbear_{rsa,ecdsa,ed25519}_host_key,
# so `dropbear -R` creates them there on first connection.
# Installs usr/bin/dropbearmulti with links usr/sbin/dropbear, usr/bin/dbclient,
# usr/bin/ssh, usr/bin/dropbearkey, usr/bin/scp.
set -euo pipefail
. "$(dirname "$0")/lib.sh" dropbear "$@"

crypt=$(needed musl)
mimalloc=$(needed mimalloc)/mimalloc.o
nettle=$(needed nettle)/prefix
[ -r "$crypt/lib/libcrypt.a" ] && [ -r "$crypt/include/crypt.h" ] ||
	die "no libcrypt.a / crypt.h under $crypt (build/components/musl.sh)"

copy_src
cp "$TREE/debian/localoptions.h" "$TREE/localoptions.h"
cat >>"$TREE/localoptions.h" <<'OPTIONS'

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
#define TRANS_MAX_PAYLOAD_LEN 32768
#define DEFAULT_RECV_WINDOW 2097152
#define DROPBEAR_ENABLE_GCM_MODE 1
OPTIONS

comp_configure CPPFLAGS="-I$crypt/include -I$nettle/include -DLIFEBOAT_NETTLE_SHA256 -DLIFEBOAT_NETTLE_POLY1305" LDFLAGS="-L$crypt/lib" --host=x86_64-linux-musl \
	--enable-static --enable-bundled-libtom --disable-zlib \
	--disable-lastlog --disable-utmp --disable-utmpx --disable-wtmp --disable-wtmpx \
	--disable-pututline --disable-pututxline
grep -q '^#define HAVE_CRYPT 1' "$TREE/config.h" || die "configure did not find crypt() in $crypt"

comp_make PROGRAMS="dropbear dbclient dropbearkey scp" MULTI=1 STATIC=1 LIBS="$mimalloc $nettle/lib/libnettle.a"

install_bin "$TREE/dropbearmulti" usr/bin/dropbearmulti
install_link usr/bin/dropbearmulti usr/sbin/dropbear
install_link usr/bin/dropbearmulti usr/bin/dbclient
install_link usr/bin/dbclient usr/bin/ssh
install_link usr/bin/dropbearmulti usr/bin/dropbearkey
install_link usr/bin/dropbearmulti usr/bin/scp

out=$("$STAGE/usr/bin/dropbearmulti" dropbear -h 2>&1 || true)
case "$out" in *"Dropbear server"*"-R"*) ;; *) die "dropbearmulti dropbear -h did not print the usage: $out" ;; esac
# nettle's AES, SHA-256 and Poly1305 are what the AES modes, libtomcrypt's
# SHA-256 and chacha20-poly1305 call
nm "$TREE/dropbearmulti" >"$BUILD/symbols"
for sym in nettle_gcm_aes128_encrypt nettle_ctr_crypt lifeboat_sha256_compress lifeboat_poly1305 \
	_nettle_poly1305_block; do
	grep -q " T $sym\$" "$BUILD/symbols" || die "dropbearmulti has no $sym"
done
if "$STAGE/usr/bin/dropbearkey" -t dss -f /dev/null >/dev/null 2>&1; then die "DSS is still enabled"; fi
msg "installed usr/bin/dropbearmulti ($(stat -c %s "$STAGE/usr/bin/dropbearmulti") bytes)"

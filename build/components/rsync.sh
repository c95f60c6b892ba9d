#!/usr/bin/env bash
# pin: rsync
# image: tools
# Static musl rsync (BUILD-NOTES section 8): the client and, started by an
# rsync on the other end through dropbear, the server, so that both
# `rsync -a root@rescue:/media/sda/ .` and pushing into the image work.
#   build/components/rsync.sh SRC BUILD STAGE
# Installs STAGE/bin/rsync (on PATH of the shell dropbear runs the remote
# rsync in). Bundled zlib and popt; no ACLs (libacl), no xxhash, zstd, lz4 or
# openssl (the peers negotiate md5/md4 and zlib, which every rsync >= 3.0 has).
set -euo pipefail
. "$(dirname "$0")/lib.sh" rsync "$@"

copy_src
# Debian's patches leave configure.ac newer than configure.sh and config.h.in;
# rsync's Makefile would then run autoconf and autoheader (twice at once under
# -j, and they fail), so the generated files are made newer than their inputs.
touch -d @1 "$TREE/configure.ac" "$TREE"/m4/*.m4
touch "$TREE/aclocal.m4"
touch "$TREE/configure.sh" "$TREE/config.h.in"
# --disable-roll-simd: configure builds the SIMD rolling checksum with the
# host's g++ (glibc), and the musl binary then segfaults on a delta transfer.
comp_configure LDFLAGS=-static --host=x86_64-linux-musl --prefix=/usr \
	--disable-roll-simd --disable-md5-asm --disable-roll-asm \
	--disable-xxhash --disable-zstd --disable-lz4 --disable-openssl --disable-md2man \
	--disable-acl-support --disable-locale --disable-iconv --disable-iconv-open \
	--with-included-zlib --with-included-popt
grep -q '^#define USE_ROLL_SIMD' "$TREE/config.h" && die "configure enabled the SIMD rolling checksum"
comp_make rsync
install_bin "$TREE/rsync" bin/rsync

# A delta transfer (the case the SIMD code broke) and rsync as its own remote
# end (the server side, started as over SSH, here through a local shell).
smoke_dir
t=$CHECK
mkdir -p "$t/src" "$t/dst"
r=$STAGE/bin/rsync
"$r" --version >"$t/out" 2>&1 || die "rsync --version failed: $(cat "$t/out")"
grep -q '^rsync  version 3\.' "$t/out" || die "rsync --version says no version 3: $(cat "$t/out")"
head -c 3000000 /dev/urandom >"$t/src/big"
"$r" -a "$t/src/" "$t/dst/" >"$t/out" 2>&1 || die "rsync -a (a copy) failed: $(cat "$t/out")"
printf 'changed' | dd of="$t/src/big" bs=1 seek=1500000 conv=notrunc status=none
touch -d @1 "$t/src/big"
"$r" -a --no-whole-file --stats "$t/src/" "$t/dst/" >"$t/out" 2>&1 || die "rsync delta transfer failed: $(cat "$t/out")"
grep -q '^Matched data: [1-9]' "$t/out" || die "rsync matched no data in a delta transfer: $(cat "$t/out")"
printf '#!/bin/sh\nshift\nexec "$@"\n' >"$t/rsh" # HOST COMMAND...: runs COMMAND here
chmod +x "$t/rsh"
"$r" -a --rsync-path="$r" -e "$t/rsh" "$t/src/" "remote:$t/dst2/" >"$t/out" 2>&1 ||
	die "rsync to itself as the remote end failed: $(cat "$t/out")"
for d in dst dst2; do cmp -s "$t/src/big" "$t/$d/big" || die "rsync's copy in $d differs from the source"; done
rm -rf "$t"
msg "installed bin/rsync=$(stat -c %s "$STAGE/bin/rsync")"

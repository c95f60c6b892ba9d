#!/usr/bin/env bash
# pin: gddrescue
# image: tools
# GNU ddrescue, static (BUILD-NOTES section 8).
#   build/components/gddrescue.sh SRC BUILD STAGE
# Installs STAGE/sbin/ddrescue. It is C++ and Debian's musl-gcc has no C++
# library, so it is linked static against glibc, which the issue allows for a
# tool that uses no NSS: lib.sh's check_no_nss checks that. (dd_rescue, the C
# equivalent, is a different tool with another mapfile format; users and
# guides know GNU ddrescue's.) ddrescuelog is left out: 1 MB for a log tool.
set -euo pipefail
. "$(dirname "$0")/lib.sh" gddrescue "$@"

copy_src
# --enable-non-posix: Linux ioctls that name the rescued device's model and serial.
# (Its configure takes CC and CFLAGS too, and ignores them.)
comp_configure CXX="$CXX_GLIBC" CXXFLAGS="$CFLAGS_COMMON -ffile-prefix-map=$TREE=." LDFLAGS=-static --enable-non-posix
comp_make ddrescue
check_no_nss "$TREE/ddrescue" "$TREE"/*.o
install_bin "$TREE/ddrescue" sbin/ddrescue

# A copy with a mapfile, then a second run that finds the job done.
smoke_dir
t=$CHECK
d=$STAGE/sbin/ddrescue
"$d" --version >"$t/out" 2>&1 || die "ddrescue --version failed: $(cat "$t/out")"
grep -q '^GNU ddrescue 1\.' "$t/out" || die "ddrescue --version: $(cat "$t/out")"
head -c 4000000 /dev/urandom >"$t/disk"
"$d" -q "$t/disk" "$t/copy" "$t/map" >"$t/out" 2>&1 || die "ddrescue copying a file failed: $(cat "$t/out")"
cmp -s "$t/disk" "$t/copy" || die "ddrescue's copy differs from the source"
grep -q '^0x00000000  0x003D0900  +$' "$t/map" || die "ddrescue's mapfile does not say all is rescued: $(cat "$t/map")"
"$d" "$t/disk" "$t/copy" "$t/map" >"$t/out" 2>&1 || die "ddrescue resuming from its mapfile failed: $(cat "$t/out")"
grep -q 'Finished' "$t/out" || die "ddrescue resuming a finished copy did not say Finished: $(cat "$t/out")"
rm -rf "$t"
msg "installed sbin/ddrescue=$(stat -c %s "$STAGE/sbin/ddrescue")"

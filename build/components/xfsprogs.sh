#!/usr/bin/env bash
# pin: xfsprogs
# image: tools
# needs: util-linux liburcu busybox mimalloc
# Static musl xfsprogs (BUILD-NOTES section 8): check, repair and make XFS
# (the root of RHEL, Rocky, Alma and Amazon Linux).
#   build/components/xfsprogs.sh SRC BUILD STAGE
# Installs STAGE/sbin/xfsprogs, one static binary (lib.sh's multicall_link)
# holding xfs_repair, mkfs.xfs, xfs_db, xfs_growfs and xfs_spaceman with one
# copy of libxfs, liburcu and musl, links to it by those names in STAGE/sbin,
# and xfsprogs' shell scripts on xfs_db/xfs_spaceman: xfs_admin, xfs_info,
# xfs_metadump and fsck.xfs (they run under busybox sh: the build checks them
# with busybox's, hence `needs: busybox`).
# Without libinih (not on the archive): mkfs.xfs reads no config files
# (build/patches/xfsprogs/0001-*).
# CRC32C by SSE4.2's crc32 instruction where the CPU has it (0002-*): it
# checksums every metadata block, and the table code was 20% of xfs_repair -n's
# user time (1.05x Debian's CPU time on make bench's XFS; with it 0.97x).
set -euo pipefail
. "$(dirname "$0")/lib.sh" xfsprogs "$@"

ul=$(needed util-linux)/prefix
urcu=$(needed liburcu)/prefix
copy_src
b=$TREE
# The patch edits configure and m4 together; configure.ac, which make would
# regenerate configure from, stays older.
touch "$b/configure"
# xfsprogs' configure reads LOCAL_CONFIGURE_OPTIONS only through make; run it
# directly. Several checks ignore CPPFLAGS: the include paths go into CFLAGS.
# OPTIMIZER and DEBUG replace xfsprogs' default "-g -O2" and -DDEBUG (ASSERTs
# that abort), as Debian's build does (DEBUG=-DNDEBUG).
comp_configure CPPFLAGS="-I$ul/include -I$urcu/include" LDFLAGS="-L$ul/lib -L$urcu/lib" \
	PKG_CONFIG_LIBDIR="$ul/lib/pkgconfig" PKG_CONFIG_PATH= \
	CFLAGS="$CFLAGS_COMMON -ffile-prefix-map=$TREE=. -D_LARGEFILE64_SOURCE -I$ul/include -I$urcu/include" \
	OPTIMIZER=-Os DEBUG=-DNDEBUG \
	--host=x86_64-linux-musl --prefix=/usr \
	--enable-shared=no --enable-gettext=no --enable-scrub=no --enable-libicu=no --enable-editline=no
grep -q '^LIBINIH = *$' "$b/include/builddefs" || die "configure found a libinih (the build expects none)"
progs="repair mkfs db growfs spaceman"
# V=1: the link commands in the log name each program's objects (multicall_link).
# LLDFLAGS=-all-static: libtool's flag for fully static programs.
comp_make V=1 headers
# LTLINK without --quiet: libtool prints the commands that link, with the .a files.
# shellcheck disable=SC2086,SC2016 # a list of targets; $(...) is make's
comp_make V=1 LLDFLAGS=-all-static LTLINK='$(LIBTOOL) --tag=CC --mode=link $(CC)' $progs

msg "linking the multi-call binary (with mimalloc: musl's malloc cost xfs_repair -n 1.36x Debian's CPU time)"
# libxlog calls back into its program; xfs_repair and xfs_db define it alike (a stub).
MULTICALL_OBJS=$(needed mimalloc)/mimalloc.o MULTICALL_SHARED=xlog_recover_do_trans multicall_link "$BUILD/xfsprogs" "$BUILD/build.log" \
	"$b/repair:xfs_repair" "$b/mkfs:mkfs.xfs" "$b/db:xfs_db" "$b/growfs:xfs_growfs" \
	"$b/spaceman:xfs_spaceman"
install_bin "$BUILD/xfsprogs" sbin/xfsprogs
for p in xfs_repair mkfs.xfs xfs_db xfs_growfs xfs_spaceman; do install_link sbin/xfsprogs "sbin/$p"; done
for s in db/xfs_admin.sh db/xfs_metadump.sh spaceman/xfs_info.sh fsck/xfs_fsck.sh:fsck.xfs; do
	f=${s%%:*} n=${s#*:}
	[ "$n" != "$s" ] || n=$(basename "$f" .sh)
	install -m 755 "$b/$f" "$STAGE/sbin/$n"
	clamp_up "$STAGE/sbin/$n"
done

# Each name must run its own program (argv[0] picks it and names it in -V),
# and a mkfs + repair round trip on a scratch file, the scripts under busybox
# sh (what the image runs them with) with this stage first on PATH.
smoke_dir
img=$CHECK/xfs.img
bb=$(needed busybox)/src/busybox
[ -x "$bb" ] || die "no $bb to run xfsprogs' scripts with"
export PATH="$STAGE/sbin:$PATH"
for p in xfs_repair mkfs.xfs xfs_db xfs_growfs xfs_spaceman; do
	smoke_run "$p" -V && smoke_expect "^$p version 6\.1\.0" "$p -V"
done
truncate -s 300M "$img"
smoke_run mkfs.xfs -q -L lifeboat "$img"
smoke_run xfs_repair -n "$img"
smoke_run "$bb" sh "$STAGE/sbin/xfs_admin" -l "$img" && smoke_expect 'label = "lifeboat"' "xfs_admin -l"
smoke_run "$bb" sh "$STAGE/sbin/xfs_admin" -u "$img" && smoke_expect "^UUID = " "xfs_admin -u"
old=$(cat "$CHECK/out")
smoke_run "$bb" sh "$STAGE/sbin/xfs_admin" -U generate "$img"
smoke_run "$bb" sh "$STAGE/sbin/xfs_admin" -u "$img"
[ "$(cat "$CHECK/out")" != "$old" ] || die "xfs_admin -U generate left the UUID as it was: $old"
smoke_run "$bb" sh "$STAGE/sbin/xfs_info" "$img" && smoke_expect "^meta-data=" "xfs_info"
smoke_run "$bb" sh "$STAGE/sbin/xfs_metadump" "$img" "$CHECK/dump"
[ -s "$CHECK/dump" ] || die "xfs_metadump wrote nothing"
smoke_run "$bb" sh "$STAGE/sbin/fsck.xfs" -f "$img" </dev/null # not a tty: -f runs xfs_repair -e
smoke_run xfs_repair "$img"
smoke_run xfs_repair -n "$img"
rm -rf "$CHECK"
msg "installed sbin/xfsprogs=$(stat -c %s "$STAGE/sbin/xfsprogs")"

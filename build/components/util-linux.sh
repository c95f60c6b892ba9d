#!/usr/bin/env bash
# pin: util-linux
# needs: busybox
# Static musl util-linux (BUILD-NOTES section 5).
#   build/components/util-linux.sh SRC BUILD STAGE
# Libraries for linking our own C code: BUILD/prefix, i.e.
#   BUILD/prefix/lib/libmount.a, BUILD/prefix/lib/libblkid.a, BUILD/prefix/lib/libuuid.a
#   BUILD/prefix/include/libmount/libmount.h, BUILD/prefix/include/blkid/blkid.h,
#   BUILD/prefix/include/uuid/uuid.h
#   BUILD/prefix/lib/pkgconfig/{mount,blkid,uuid}.pc   (prefix= points at BUILD/prefix)
# e.g. PKG_CONFIG_PATH=BUILD/prefix/lib/pkgconfig pkg-config --static --cflags --libs mount
#   or musl-gcc -static -IBUILD/prefix/include/libmount -IBUILD/prefix/include/blkid \
#        t.c -LBUILD/prefix/lib -lmount -lblkid
# The libraries are configured for the target's paths (--prefix=/usr: /etc/fstab,
# /run/mount, /etc/blkid.conf), not for BUILD/prefix.
# Programs: STAGE/sbin/util-linux, one static binary (lib.sh's multicall_link)
# holding blkid, fdisk, sfdisk, wipefs, lsblk and findmnt with one copy of the
# libraries and musl; links to it: STAGE/sbin/{blkid,fdisk,sfdisk,wipefs},
# STAGE/bin/{lsblk,findmnt} (replacing busybox's blkid and fdisk links: so
# `needs: busybox`).
set -euo pipefail
. "$(dirname "$0")/lib.sh" util-linux "$@"

prefix=$BUILD/prefix
copy_src
b=$TREE
# Debian's patches touch configure.ac and *.am; without this make wants aclocal-1.16.
find "$b" \( -name Makefile.am -o -name Makemodule.am -o -name configure.ac -o -name '*.m4' \) \
	-exec touch -d 2000-01-01 {} +

comp_configure PKG_CONFIG=false \
	--host=x86_64-linux-musl --prefix=/usr --sysconfdir=/etc --localstatedir=/var --runstatedir=/run \
	--enable-libmount --enable-libblkid --enable-libuuid --enable-static --disable-shared --disable-nls \
	--enable-fdisks=check \
	--without-systemd --without-udev --without-selinux --without-python --without-cryptsetup \
	--without-libz --without-libmagic --without-econf --without-tinfo --without-ncursesw \
	--without-ncurses --without-readline --without-user --without-btrfs \
	--disable-asciidoc --disable-bash-completion --disable-pylibmount \
	--disable-makeinstall-chown --disable-makeinstall-setuid

progs="lsblk findmnt blkid sfdisk fdisk wipefs"
# -all-static is libtool's flag for fully static programs (not for configure).
# V=1: the link commands in the log name each program's objects (multicall_link).
# shellcheck disable=SC2086 # a list of targets
comp_make V=1 LDFLAGS=-all-static $progs libmount.la libblkid.la libuuid.la

dest=$BUILD/destdir
rm -rf "$dest" "$prefix"
comp_install LDFLAGS=-all-static DESTDIR="$dest" install-usrlib_execLTLIBRARIES \
	install-nodist_blkidincHEADERS install-nodist_mountincHEADERS install-uuidincHEADERS install-pkgconfigDATA
mkdir -p "$prefix/lib/pkgconfig"
cp -a "$dest/usr/include" "$prefix/include"
cp -a "$dest"/usr/lib/libmount.a "$dest"/usr/lib/libblkid.a "$dest"/usr/lib/libuuid.a "$prefix/lib/"
for pc in "$dest"/usr/lib/pkgconfig/mount.pc "$dest"/usr/lib/pkgconfig/blkid.pc "$dest"/usr/lib/pkgconfig/uuid.pc; do
	sed -e "s|^prefix=.*|prefix=$prefix|" -e 's|^exec_prefix=.*|exec_prefix=${prefix}|' \
		-e 's|^libdir=.*|libdir=${exec_prefix}/lib|' -e 's|^includedir=.*|includedir=${prefix}/include|' \
		"$pc" >"$prefix/lib/pkgconfig/$(basename "$pc")"
done
for f in lib/libmount.a lib/libblkid.a lib/libuuid.a include/libmount/libmount.h include/blkid/blkid.h \
	include/uuid/uuid.h lib/pkgconfig/mount.pc lib/pkgconfig/blkid.pc lib/pkgconfig/uuid.pc; do
	[ -r "$prefix/$f" ] || die "missing $prefix/$f"
done

msg "linking the multi-call binary"
spec=()
for p in $progs; do spec+=("$b:$p"); done
multicall_link "$BUILD/util-linux" "$BUILD/build.log" "${spec[@]}"
install_bin "$BUILD/util-linux" sbin/util-linux
for p in blkid fdisk sfdisk wipefs; do install_link sbin/util-linux "sbin/$p"; done
for p in lsblk findmnt; do install_link sbin/util-linux "bin/$p"; done
# Only one copy of each: drop busybox links of the same name elsewhere on PATH.
for p in blkid fdisk sfdisk wipefs lsblk findmnt; do
	for d in bin sbin usr/bin usr/sbin; do
		f=$STAGE/$d/$p
		if [ -L "$f" ] && [ "$(basename "$(readlink "$f")")" = busybox ]; then rm -f "$f" && clamp "$STAGE/$d"; fi
	done
done
# Each name must run its own program: "--help" names the program by argv[0]
# in every one of them, so look for a line only that program's help has.
names="sbin/blkid sbin/fdisk sbin/sfdisk sbin/wipefs bin/lsblk bin/findmnt"
for check in "blkid|--probe" "fdisk|change partition table" "sfdisk|--dump" "wipefs|Wipe signatures from a device" \
	"lsblk|List information about block devices" "findmnt|Find a (mounted) filesystem"; do
	p=${check%%|*} want=${check#*|} n=0
	for q in $names; do
		out=$("$STAGE/$q" --help 2>&1) || die "$q --help failed: $out"
		if grep -q -- "$want" <<<"$out"; then
			n=$((n + 1))
		elif [ "${q#*/}" = "$p" ]; then
			die "$q --help does not say '$want' (not $p?): $out"
		fi
	done
	[ $n = 1 ] || die "'$want' is in the help of $n programs, so it does not tell $p apart"
done
"$STAGE/sbin/blkid" -V >/dev/null || die "blkid -V does not run"
msg "installed sbin/util-linux=$(stat -c %s "$STAGE/sbin/util-linux")"

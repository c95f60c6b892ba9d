#!/usr/bin/env bash
# pin: lvm2
# needs: libaio util-linux
# image: tools
# Static musl lvm2 without udev, lvmetad, lvmpolld, lvmlockd or dmeventd
# (BUILD-NOTES section 8; musl patches in build/patches/lvm2).
#   build/components/lvm2.sh SRC BUILD STAGE
# Installs STAGE/sbin/lvm with its command names as links to it (pvs, vgs,
# lvs, vgchange, lvcreate, ...: lvm runs the command its argv[0] names) and
# STAGE/sbin/dmsetup (dmstats a link to it). /etc/lvm/lvm.conf is in
# rootfs-overlay (lvm creates its own /dev nodes: no udev in the image).
# Library for cryptsetup: BUILD/prefix/lib/libdevmapper.a and
# BUILD/prefix/include/libdevmapper.h.
set -euo pipefail
. "$(dirname "$0")/lib.sh" lvm2 "$@"

aio=$(needed libaio)/prefix
ul=$(needed util-linux)/prefix
# Debian's names for lvm's commands (links to lvm), without the obsolete lvmsadc/lvmsar.
LVM_NAMES="lvchange lvconvert lvcreate lvdisplay lvextend lvmconfig lvmdevices lvmdiskscan lvreduce lvremove
	lvrename lvresize lvs lvscan pvchange pvck pvcreate pvdisplay pvmove pvremove pvresize pvs pvscan
	vgcfgbackup vgcfgrestore vgchange vgck vgconvert vgcreate vgdisplay vgexport vgextend vgimport
	vgimportclone vgmerge vgmknodes vgreduce vgremove vgrename vgs vgscan vgsplit"
copy_src
b=$TREE
# configure takes no CPPFLAGS for libaio; the blkid flags come from util-linux's .pc.
comp_configure CFLAGS="$CFLAGS_COMMON -ffile-prefix-map=$TREE=. -I$aio/include" \
	LDFLAGS="-L$aio/lib" PKG_CONFIG_PATH="$ul/lib/pkgconfig" PKG_CONFIG="pkg-config --static" \
	--host=x86_64-linux-musl --prefix=/usr --exec-prefix= --sysconfdir=/etc --with-confdir=/etc \
	--with-default-system-dir=/etc/lvm --with-default-run-dir=/run/lvm --with-default-locking-dir=/run/lock/lvm \
	--with-default-pid-dir=/run --with-default-dm-run-dir=/run --with-optimisation=-Os \
	--enable-static_link --disable-shared --disable-udev_sync --disable-udev_rules --disable-readline \
	--disable-selinux --disable-systemd-journal --disable-app-machineid --disable-use-lvmlockd \
	--disable-use-lvmpolld --disable-nls --disable-dmeventd --disable-cmdlib --disable-fsadm \
	--disable-lvmimportvdo --disable-blkdeactivate --disable-notify-dbus --enable-blkid_wiping \
	--with-thin-check= --with-thin-dump= --with-thin-repair= --with-thin-restore= \
	--with-cache-check= --with-cache-dump= --with-cache-repair= --with-cache-restore= --with-vdo-format=
# `lvm version` prints the configure line: no build paths in the binary.
sed -i 's|^#define LVM_CONFIGURE_LINE .*|#define LVM_CONFIGURE_LINE "Lifeboat: build/components/lvm2.sh"|' "$b/include/configure.h"
comp_make V=1

install_bin "$b/tools/lvm.static" sbin/lvm
for p in $LVM_NAMES; do install_link sbin/lvm "sbin/$p"; done
install_bin "$b/libdm/dm-tools/dmsetup.static" sbin/dmsetup
install_link sbin/dmsetup sbin/dmstats

prefix_lib "$b/libdm/ioctl/libdevmapper.a" dm_task_create "$b/libdm/libdevmapper.h"

# Each name runs its own command (lvm dispatches on argv[0]); the host's
# kernel may have no device-mapper, so only what needs none is run here.
export LVM_SUPPRESS_FD_WARNINGS=1 LVM_SYSTEM_DIR=$BUILD/noconf
for p in lvm $LVM_NAMES; do
	out=$("$STAGE/sbin/$p" --help 2>&1) || true
	if [ "$p" = lvm ]; then want="Use 'lvm help <command>'"; else want="  $p - "; fi
	grep -q -- "$want" <<<"$out" || die "sbin/$p --help does not say '$want' (not $p?): $out"
done
out=$("$STAGE/sbin/lvm" version 2>&1) || die "lvm version failed: $out"
grep -q "LVM version: *2\.03\." <<<"$out" || die "lvm version printed: $out"
# This lvm, not a /sbin/lvm it would once have run instead (05-no-re-exec patch).
grep -q "Configuration: *Lifeboat: build/components/lvm2.sh" <<<"$out" || die "lvm version is not this lvm's: $out"
for p in dmsetup dmstats; do
	out=$("$STAGE/sbin/$p" --version 2>&1) || true
	grep -q "Library version: *1\.02\." <<<"$out" || die "$p --version printed: $out"
	out=$("$STAGE/sbin/$p" --help 2>&1) || true
	if ! grep -q "^Usage:" <<<"$out" || ! grep -q "^$p\( \|\$\)" <<<"$out"; then
		die "$p --help does not name $p: $out"
	fi
done
msg "installed sbin/lvm=$(stat -c %s "$STAGE/sbin/lvm") sbin/dmsetup=$(stat -c %s "$STAGE/sbin/dmsetup")"

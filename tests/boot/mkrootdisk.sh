#!/usr/bin/env bash
# Make test disks holding a real installed Debian system (bookworm, minbase).
# Usage: tests/boot/mkrootdisk.sh OUTDIR
#        tests/boot/mkrootdisk.sh --tarball   (make the cached tarball only;
#        print its path: mklayouts.sh and fx_xfslvm.py lay it out on other layouts)
#        tests/boot/mkrootdisk.sh --tarball boot   (the same root plus a kernel
#        (linux-image-cloud-amd64), initramfs-tools, grub2-common, grub-pc-bin,
#        grub-efi-amd64-bin and efibootmgr, for mkbootdisk.sh: update-initramfs
#        and grub-install run in lifeboat chroot; a tarball of its own, the
#        other one and its key stay as they are)
# Writes OUTDIR/root.img (ext4 on the whole disk, slot 0: /dev/sda),
# OUTDIR/extra.img (ext4, slot 1, mounted by UUID=) and OUTDIR/data.img (ext4,
# slot 2: /dev/sdc at /srv/data). The debootstrap result is cached in
# $LIFEBOAT_CACHE/debian-rootfs/ keyed by suite, variant and package list; the
# mirror is read from the machine's apt configuration (no host names here).
# Needs root (debootstrap, and mkfs.ext4 -d keeps ownership only as root).
set -euo pipefail
out=$1
suite=bookworm
variant=minbase
include=mount,passwd,e2fsprogs
name=$suite-$variant
if [ "$out" = --tarball ] && [ "${2-}" = boot ]; then
	# the -bin packages, not grub-pc or grub-efi-amd64: their postinst
	# would run grub-install and update-grub inside debootstrap's chroot,
	# which is on no disk
	include=$include,linux-image-cloud-amd64,initramfs-tools,grub2-common
	include=$include,grub-pc-bin,grub-efi-amd64-bin,efibootmgr
	name=$suite-$variant-boot
fi
# fixed so that the installed fstab can name them
extra_uuid=5a1e0e2a-7e57-4d15-9c0e-0000000000e1
root_uuid=5a1e0e2a-7e57-4d15-9c0e-0000000000a0
cache=${LIFEBOAT_CACHE:-$HOME/.cache/lifeboat}/debian-rootfs
key=$(printf '%s %s %s v1' "$suite" "$variant" "$include" | sha256sum | cut -c1-12)
tarball=$cache/$name-$key.tar

mirror() {
	# the first archive (not -security) that serves $suite, deb822 then one-line
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		awk -v s="$suite" '
		/^[ \t]*$/ { if (u != "" && su ~ ("(^| )" s "( |$)")) { print u; exit } u = su = ""; next }
		/^URIs:/ { u = $2 }
		/^Suites:/ { su = $0; sub(/^Suites:[ \t]*/, "", su) }
		END { if (u != "" && su ~ ("(^| )" s "( |$)")) print u }' "$f"
	done
	[ -e /etc/apt/sources.list ] &&
		awk -v s="$suite" '$1 == "deb" && $3 == s { print $2 }' /etc/apt/sources.list
	true
}

if [ ! -s "$tarball" ]; then
	url=$(mirror | grep -v security | head -n1)
	if [ -z "$url" ]; then
		echo "mkrootdisk: no Debian $suite archive in /etc/apt" >&2
		exit 111
	fi
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	debootstrap --variant="$variant" --include="$include" "$suite" "$tmp/root" "$url" \
		>"$tmp/log" 2>&1 || { tail -n 20 "$tmp/log" >&2; exit 1; }
	rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"*_*
	tar -C "$tmp/root" --numeric-owner -cf "$tarball.new" .
	mv "$tarball.new" "$tarball"
	rm -rf "$tmp"
	trap - EXIT
fi

if [ "$out" = --tarball ]; then
	echo "$tarball"
	exit 0
fi
mkdir -p "$out"
work=$(mktemp -d "$out/root.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -C "$work" --numeric-owner -xpf "$tarball"
cat >"$work/etc/fstab" <<EOF
# /etc/fstab of the test system
/dev/sda	/	ext4	errors=remount-ro	0	1
/dev/sdc	/srv/data	ext4	defaults	0	2
UUID=$extra_uuid	/mnt/extra	ext4	defaults,nofail	0	2
/dev/sdd	none	swap	sw	0	0
server:/export	/mnt/nfs	nfs	defaults	0	0
/dev/sde	/mnt/later	ext4	noauto	0	0
LABEL=nowhere	/mnt/nowhere	ext4	defaults,nofail	0	2
proc	/proc	proc	defaults	0	0
EOF
mkdir -p "$work/srv/data" "$work/mnt/extra" "$work/mnt/nfs" "$work/mnt/later" "$work/mnt/nowhere"
echo lifeboat-test >"$work/etc/hostname"
# as on an installed system: DNS through a dangling link into /run
ln -sf ../run/systemd/resolve/stub-resolv.conf "$work/etc/resolv.conf"
rm -f "$out/root.img" "$out/extra.img" "$out/data.img"
truncate -s 512M "$out/root.img"
mkfs.ext4 -q -F -U "$root_uuid" -L debroot -d "$work" "$out/root.img"
truncate -s 64M "$out/extra.img"
mkfs.ext4 -q -F -U "$extra_uuid" -L extra "$out/extra.img"
mkdir -p "$work/data"
echo "data disk" >"$work/data/README"
truncate -s 64M "$out/data.img"
mkfs.ext4 -q -F -L data -d "$work/data" "$out/data.img"

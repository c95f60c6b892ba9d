#!/usr/bin/env bash
# The disk of issue 16's boot loader test: the cached Debian root with a
# kernel, initramfs-tools and GRUB (BIOS and EFI) (mkrootdisk.sh --tarball
# boot) laid out as Debian's cloud image is (GPT p1 ext4 root, p14 BIOS
# boot, p15 ESP, fstab by PARTUUID=), with Debian's own tools only, never
# the image's binaries. No boot loader is installed: the test runs
# grub-install, update-grub and update-initramfs in lifeboat chroot.
# Usage: tests/boot/mkbootdisk.sh OUTDIR
#
# OUTDIR/boot.img  the disk (sparse)
# OUTDIR/facts     name=value: boot_pN_offset and boot_pN_size of p1, p14
#                  and p15 in bytes; kver, the installed kernel's version
# Needs root (losetup, mkfs.ext4 -d keeps ownership only as root).
set -euo pipefail
mkdir -p "$1"
out=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
tarball=$("$here/mkrootdisk.sh" --tarball boot)
# fixed, so that fstab can name them
p1=5a1e0e2a-7e57-4d16-9c0e-0000000000d1
p15=5a1e0e2a-7e57-4d16-9c0e-0000000000df
esp_id=5A1E0E09

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkbootdisk.XXXXXX")
loop=
cleanup() {
	[ -z "$loop" ] || losetup -d "$loop" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# partition IMG N: "OFFSET SIZE" in bytes of partition N (sgdisk -i)
partition() {
	local first last
	first=$(sgdisk -i "$2" "$1" | awk '/^First sector:/ { print $3 }')
	last=$(sgdisk -i "$2" "$1" | awk '/^Last sector:/ { print $3 }')
	echo "$((first * 512)) $(((last - first + 1) * 512))"
}

fact() { printf '%s=%s\n' "$1" "$2" >>"$out/facts"; }

img=$out/boot.img
rm -f "$img"
: >"$out/facts"
truncate -s 1600M "$img"
sgdisk -n 14:2048:+3M -t 14:ef02 -n 15:0:+124M -t 15:ef00 -u 15:$p15 \
	-n 1:0:0 -t 1:8300 -u 1:$p1 "$img" >/dev/null
for n in 1 14 15; do
	read -r off size < <(partition "$img" "$n")
	fact "boot_p${n}_offset" "$off"
	fact "boot_p${n}_size" "$size"
done

read -r off size < <(partition "$img" 15)
loop=$(losetup -f --show -o "$off" --sizelimit "$size" "$img")
mkfs.vfat -F 32 -i "$esp_id" -n UEFI "$loop" >/dev/null
blockdev --flushbufs "$loop"
losetup -d "$loop"
loop=

root=$tmp/root
mkdir -p "$root"
tar -C "$root" --numeric-owner -xpf "$tarball"
kver=$(find "$root/boot" -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | tail -n1)
if [ -z "$kver" ] || [ ! -s "$root/boot/initrd.img-$kver" ]; then
	echo "mkbootdisk: no kernel and initrd in $tarball" >&2
	exit 1
fi
fact kver "$kver"
mkdir -p "$root/boot/efi"
echo lifeboat-boot >"$root/etc/hostname"
cat >"$root/etc/fstab" <<EOT
PARTUUID=$p1 / ext4 rw,discard,errors=remount-ro,x-systemd.growfs 0 1
PARTUUID=$p15 /boot/efi vfat defaults 0 0
EOT
# as grub-pc's postinst does (grub2-common ships the file, grub-pc copies it)
cp "$root/usr/share/grub/default/grub" "$root/etc/default/grub"
read -r off size < <(partition "$img" 1)
loop=$(losetup -f --show -o "$off" --sizelimit "$size" "$img")
mkfs.ext4 -q -F -L cloudimg-rootfs -d "$root" "$loop"
blockdev --flushbufs "$loop"
losetup -d "$loop"
loop=

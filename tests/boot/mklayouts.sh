#!/usr/bin/env bash
# Lay the cached debootstrapped Debian root (mkrootdisk.sh --tarball) out on
# the disk layouts distributions install (issue 16), with Debian's own tools
# only (sgdisk, mkfs.vfat + mtools, mkfs.xfs, mkfs.ext4, lvm2; mdadm
# in a Debian VM, mdvm.sh), never with the image's binaries.
# Usage: tests/boot/mklayouts.sh OUTDIR
#
# OUTDIR/rhel.img    the RHEL/Rocky installer default: GPT p1 ESP (vfat),
#                    p2 /boot (XFS), p3 LVM PV of VG rl: LVs root (XFS, the
#                    Debian root) and swap; fstab as anaconda writes it
# OUTDIR/ubuntu.img  the Ubuntu server installer: GPT p1 ESP, p2 /boot
#                    (ext4), p3 PV of ubuntu-vg: LV ubuntu-lv (ext4 root);
#                    fstab as curtin writes it (/dev/disk/by-id, by-uuid)
# OUTDIR/fedora.img  Fedora: GPT p1 ESP, p2 /boot (ext4), p3 btrfs with
#                    subvolumes root (the Debian root) and home,
#                    compress=zstd:1
# OUTDIR/cloud.img   Debian's cloud image: GPT p1 ext4 root, p14 BIOS
#                    boot, p15 ESP; fstab by PARTUUID=
# OUTDIR/amazon.img  Amazon Linux 2023's image: GPT p1 XFS root, p127 BIOS
#                    boot, p128 ESP; fstab by UUID=
# OUTDIR/subvolat.img  Ubuntu's btrfs naming: p1 ESP, p2 btrfs with
#                    subvolumes @ (root) and @home; fstab subvol=@
# OUTDIR/opensuse.img  openSUSE's: p3 btrfs whose default subvolume is the
#                    root (@/.snapshots/1/snapshot); fstab's / has no subvol=
# OUTDIR/ubuntu24.img  Ubuntu 24.04's cloud image: p1 root, p14 BIOS boot,
#                    p15 ESP, p16 /boot; fstab by LABEL=
# OUTDIR/md12-a.img, md12-b.img    a server: md raid1 (metadata 1.2) of
#                    both disks' p2 holding the ext4 root; fstab /dev/md0
# OUTDIR/md090-a.img, md090-b.img  an older one: metadata 0.90 on MBR p1
# OUTDIR/ubuntucrypt.img  the Ubuntu installer with encryption: GPT p1 ESP,
#                    p2 /boot (ext4), p3 LUKS2 (argon2id, its memory capped
#                    at 128 MiB so that a 512 MiB VM opens it) holding the
#                    PV of ubuntu-vg: LVs ubuntu-lv (ext4 root) and swap;
#                    p4 LUKS2 holding ext4 "data" for /srv; crypttab
#                    dm_crypt-0 (p3) and data (p4) by UUID=, fstab as curtin
#                    writes it plus /dev/mapper/data on /srv. Keyslot 0: the
#                    key file OUTDIR/ubuntucrypt.key, keyslot 1: the
#                    passphrase in facts (ubuntucrypt_passphrase). Its LVs'
#                    offsets in facts are into p3's decrypted data, which
#                    starts at ubuntucrypt_luks_offset in p3.
# OUTDIR/facts       name=value: each LV's offset and size in its image,
#                    each partition's offset and size (LAYOUT_pN_offset),
#                    each array's member partition and its data in member
#                    a (md12_member_offset, md12_root_offset)
# Each filesystem holds /lifeboat-layout.txt saying "LAYOUT MOUNTPOINT".
#
# This host has no device-mapper (BUILD-NOTES section 9): an LV is written
# through a loop device at its extents' offset. Needs root (losetup, mount).
set -euo pipefail
mkdir -p "$1"
out=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
tarball=$("$here/mkrootdisk.sh" --tarball)
# shellcheck source=tests/boot/mdvm.sh
. "$here/mdvm.sh"
export LVM_SUPPRESS_FD_WARNINGS=1
# fixed, so that fstab can name them; set by each layout (its own: the
# tests boot several layouts at once)
esp_id=
boot_uuid=

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mklayouts.XXXXXX")
loops=()
mnts=()
cleanup() {
	local m l
	for m in "${mnts[@]}"; do umount "$m" 2>/dev/null || true; done
	for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

attach() {
	local -n dev_=$1
	shift
	dev_=$(losetup -f --show "$@")
	loops+=("$dev_")
}

detach() {
	local i
	blockdev --flushbufs "$1"
	losetup -d "$1"
	for i in "${!loops[@]}"; do [ "${loops[$i]}" != "$1" ] || unset "loops[$i]"; done
}

# partition IMG N: "OFFSET SIZE" in bytes of partition N (sgdisk -i)
partition() {
	local first last
	first=$(sgdisk -i "$2" "$1" | awk '/^First sector:/ { print $3 }')
	last=$(sgdisk -i "$2" "$1" | awk '/^Last sector:/ { print $3 }')
	echo "$((first * 512)) $(((last - first + 1) * 512))"
}

fact() { printf '%s=%s\n' "$1" "$2" >>"$out/facts"; }

# part_facts IMG LAYOUT N...: each partition's offset and size in facts
part_facts() {
	local img=$1 layout=$2 n off size
	shift 2
	for n; do
		read -r off size < <(partition "$img" "$n")
		fact "${layout}_p${n}_offset" "$off"
		fact "${layout}_p${n}_size" "$size"
	done
}

# make_esp IMG LAYOUT N LABEL [FATBITS]: FAT32 (or FATBITS) of id $esp_id
# on partition N, marked
make_esp() {
	local img=$1 off size dev
	read -r off size < <(partition "$img" "$3")
	attach dev -o "$off" --sizelimit "$size" "$img"
	mkfs.vfat -F "${5:-32}" -i "$esp_id" ${4:+-n "$4"} "$dev" >/dev/null
	detach "$dev"
	echo "$2 /boot/efi" >"$tmp/marker"
	mcopy -i "$img@@$off" "$tmp/marker" ::lifeboat-layout.txt
}

# gpt IMG LAYOUT SIZE BOOTFS [P3...]: p1 ESP 64M, p2 /boot 320M, p3 the rest
# (LVM), or the partitions P3 says (sgdisk arguments);
# the ESP and /boot made and marked, their offsets in facts
gpt() {
	local img=$1 layout=$2 off size dev
	rm -f "$img"
	truncate -s "$3" "$img"
	# shellcheck disable=SC2086  # the rest's sgdisk arguments, split
	sgdisk -n 1:2048:+64M -t 1:ef00 -c "1:EFI System Partition" \
		-n 2:0:+320M -t 2:8300 ${5:--n 3:0:0 -t 3:8e00} "$img" >/dev/null
	part_facts "$img" "$layout" 1 2 3
	make_esp "$img" "$layout" 1 ESP
	read -r off size < <(partition "$img" 2)
	attach dev -o "$off" --sizelimit "$size" "$img"
	mkdir -p "$tmp/boot-$layout/efi"
	echo "$layout /boot" >"$tmp/boot-$layout/lifeboat-layout.txt"
	if [ "$4" = xfs ]; then
		mkfs.xfs -q -f -m uuid="$boot_uuid" -L boot "$dev"
		mount "$dev" "$tmp/mnt" && mnts+=("$tmp/mnt")
		cp -a "$tmp/boot-$layout/." "$tmp/mnt/"
		umount "$tmp/mnt"
	else
		mkfs.ext4 -q -F -U "$boot_uuid" -L boot -d "$tmp/boot-$layout" "$dev"
	fi
	detach "$dev"
}

# make_vg IMG LAYOUT VG LV:SIZE...: the VG on p3 (or at $pv_span, "OFFSET
# SIZE" in IMG) and its LVs (inactive, no
# device-mapper); each LV's offset and size in facts as LAYOUT_LV_offset
make_vg() {
	local img=$1 layout=$2 vg=$3 off size pv spec lv range first last pe_start extent
	shift 3
	if [ -n "${pv_span:-}" ]; then
		read -r off size <<<"$pv_span"
	else
		read -r off size < <(partition "$img" 3)
	fi
	attach pv -o "$off" --sizelimit "$size" "$img"
	lvm=(--devices "$pv" --config 'devices { obtain_device_list_from_udev = 0 }
		activation { udev_sync = 0 udev_rules = 0 } backup { backup = 0 archive = 0 }')
	pvcreate -q "${lvm[@]}" "$pv"
	vgcreate -q "${lvm[@]}" "$vg" "$pv"
	for spec in "$@"; do
		lvcreate -q "${lvm[@]}" --driverloaded n -an -Zn -L "${spec#*:}" -n "${spec%%:*}" \
			"$vg" 2>/dev/null
	done
	pe_start=$(pvs "${lvm[@]}" --noheadings --units b --nosuffix -o pe_start "$pv" | tr -d ' ')
	extent=$(vgs "${lvm[@]}" --noheadings --units b --nosuffix -o vg_extent_size "$vg" | tr -d ' ')
	for spec in "$@"; do
		lv=${spec%%:*}
		range=$(lvs "${lvm[@]}" --driverloaded n --noheadings -o seg_pe_ranges "$vg/$lv" \
			2>/dev/null | tr -d ' ')
		first=${range##*:}
		first=${first%-*}
		last=${range##*-}
		fact "${layout}_${lv//-/_}_offset" $((off + pe_start + first * extent))
		fact "${layout}_${lv//-/_}_size" $(((last - first + 1) * extent))
	done
	vgs "${lvm[@]}" --noheadings -o vg_uuid "$vg" | tr -d ' -' >"$tmp/vg_uuid"
	for spec in "$@"; do
		lv=${spec%%:*}
		lvs "${lvm[@]}" --driverloaded n --noheadings -o lv_uuid "$vg/$lv" 2>/dev/null |
			tr -d ' -' >"$tmp/lv_uuid_$lv"
	done
	detach "$pv"
}

# lv_dev VAR IMG LAYOUT LV: a loop device on the LV's extents
lv_dev() {
	local -n d_=$1
	local key=${3}_${4//-/_} off size
	off=$(awk -F= -v k="${key}_offset" '$1 == k { print $2 }' "$out/facts")
	size=$(awk -F= -v k="${key}_size" '$1 == k { print $2 }' "$out/facts")
	attach d_ -o "$off" --sizelimit "$size" "$2"
}

# unpack DIR LAYOUT: the Debian root into DIR, marked
unpack() {
	tar -C "$1" --numeric-owner -xpf "$tarball"
	echo "$2 /" >"$1/lifeboat-layout.txt"
	mkdir -p "$1/boot/efi"
	echo "lifeboat-$2" >"$1/etc/hostname"
}

make_rhel() {
	local img=$out/rhel.img dev
	esp_id=5A1E0E01 boot_uuid=5a1e0e2a-7e57-4d16-9c0e-0000000000b1
	gpt "$img" rhel 1100M xfs
	make_vg "$img" rhel rl root:640M swap:16M
	lv_dev dev "$img" rhel swap
	mkswap -q -L swap "$dev" >/dev/null
	detach "$dev"
	lv_dev dev "$img" rhel root
	mkfs.xfs -q -f -L root "$dev"
	mount "$dev" "$tmp/mnt" && mnts+=("$tmp/mnt")
	unpack "$tmp/mnt" rhel
	cat >"$tmp/mnt/etc/fstab" <<EOT

#
# /etc/fstab
# Created by anaconda on Tue Dec  1 12:00:00 2026
#
# Accessible filesystems, by reference, are maintained under '/dev/disk/'.
# See man pages fstab(5), findfs(8), mount(8) and/or blkid(8) for more info.
#
# After editing this file, run 'systemctl daemon-reload' to update systemd
# units generated from this file.
#
/dev/mapper/rl-root     /                       xfs     defaults        0 0
UUID=$boot_uuid /boot                   xfs     defaults        0 0
UUID=${esp_id:0:4}-${esp_id:4:4}          /boot/efi               vfat    umask=0077,shortname=winnt 0 2
/dev/mapper/rl-swap     none                    swap    defaults        0 0
EOT
	umount "$tmp/mnt"
	detach "$dev"
}

make_ubuntu() {
	local img=$out/ubuntu.img dev
	esp_id=5A1E0E03 boot_uuid=5a1e0e2a-7e57-4d16-9c0e-0000000000b3
	gpt "$img" ubuntu 1100M ext4
	make_vg "$img" ubuntu ubuntu-vg ubuntu-lv:640M
	mkdir -p "$tmp/root-ubuntu"
	unpack "$tmp/root-ubuntu" ubuntu
	cat >"$tmp/root-ubuntu/etc/fstab" <<EOT
# /etc/fstab: static file system information.
#
# Use 'blkid' to print the universally unique identifier for a
# device; this may be used with UUID= as a more robust way to name devices
# that works even if disks are added and removed. See fstab(5).
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
# / was on /dev/ubuntu-vg/ubuntu-lv during curtin installation
/dev/disk/by-id/dm-uuid-LVM-$(cat "$tmp/vg_uuid")$(cat "$tmp/lv_uuid_ubuntu-lv") / ext4 defaults 0 1
# /boot was on /dev/sda2 during curtin installation
/dev/disk/by-uuid/$boot_uuid /boot ext4 defaults 0 1
# /boot/efi was on /dev/sda1 during curtin installation
/dev/disk/by-uuid/${esp_id:0:4}-${esp_id:4:4} /boot/efi vfat defaults 0 1
EOT
	lv_dev dev "$img" ubuntu ubuntu-lv
	mkfs.ext4 -q -F -L root -d "$tmp/root-ubuntu" "$dev"
	detach "$dev"
}

# Fedora: p3 btrfs, subvolumes root and home (the top is the default
# subvolume and holds no system), fstab as anaconda writes it
make_fedora() {
	local img=$out/fedora.img dev off size uuid=5a1e0e2a-7e57-4d16-9c0e-0000000000f5
	esp_id=5A1E0E05 boot_uuid=5a1e0e2a-7e57-4d16-9c0e-0000000000b5
	gpt "$img" fedora 1100M ext4
	read -r off size < <(partition "$img" 3)
	attach dev -o "$off" --sizelimit "$size" "$img"
	mkfs.btrfs -q -f -U "$uuid" -L fedora "$dev" >/dev/null
	mount -o compress=zstd:1 "$dev" "$tmp/mnt" && mnts+=("$tmp/mnt")
	btrfs -q subvolume create "$tmp/mnt/root" >/dev/null
	btrfs -q subvolume create "$tmp/mnt/home" >/dev/null
	echo "fedora /home" >"$tmp/mnt/home/lifeboat-layout.txt"
	unpack "$tmp/mnt/root" fedora
	cat >"$tmp/mnt/root/etc/fstab" <<EOT

#
# /etc/fstab
# Created by anaconda on Tue Dec  1 12:00:00 2026
#
UUID=$uuid /                       btrfs   subvol=root,compress=zstd:1 0 0
UUID=$boot_uuid /boot                   ext4    defaults        1 2
UUID=${esp_id:0:4}-${esp_id:4:4}          /boot/efi               vfat    umask=0077,shortname=winnt 0 2
UUID=$uuid /home                   btrfs   subvol=home,compress=zstd:1 0 0
EOT
	umount "$tmp/mnt"
	detach "$dev"
}

# Debian's cloud image: GPT p1 ext4 root (the rest), p14 BIOS boot, p15
# ESP, fstab by PARTUUID= as Debian's image writes it
make_cloud() {
	local img=$out/cloud.img dev off size p1=5a1e0e2a-7e57-4d16-9c0e-0000000000c1
	local p15=5a1e0e2a-7e57-4d16-9c0e-0000000000cf
	rm -f "$img"
	truncate -s 1100M "$img"
	sgdisk -n 14:2048:+3M -t 14:ef02 -n 15:0:+124M -t 15:ef00 -u 15:$p15 \
		-n 1:0:0 -t 1:8300 -u 1:$p1 "$img" >/dev/null
	part_facts "$img" cloud 1 15
	esp_id=5A1E0E07
	make_esp "$img" cloud 15 UEFI
	mkdir -p "$tmp/root-cloud"
	unpack "$tmp/root-cloud" cloud
	cat >"$tmp/root-cloud/etc/fstab" <<EOT
PARTUUID=$p1 / ext4 rw,discard,errors=remount-ro,x-systemd.growfs 0 1
PARTUUID=$p15 /boot/efi vfat defaults 0 0
EOT
	read -r off size < <(partition "$img" 1)
	attach dev -o "$off" --sizelimit "$size" "$img"
	mkfs.ext4 -q -F -L cloudimg-rootfs -d "$tmp/root-cloud" "$dev"
	detach "$dev"
}

# Amazon Linux 2023's image: GPT p1 XFS root (label /), p127 BIOS boot,
# p128 ESP (10 MiB, FAT16), fstab by UUID= as that image writes it
make_amazon() {
	local img=$out/amazon.img dev uuid=5a1e0e2a-7e57-4d16-9c0e-0000000000a2
	rm -f "$img"
	truncate -s 1100M "$img"
	sgdisk -n 128:2048:+10M -t 128:ef00 -c "128:EFI System Partition" \
		-n 127:0:+1M -t 127:ef02 -c "127:BIOS Boot Partition" \
		-n 1:0:0 -t 1:8300 -c 1:Linux "$img" >/dev/null
	part_facts "$img" amazon 1 128
	esp_id=5A1E0E02
	make_esp "$img" amazon 128 "" 16
	attach_part dev "$img" 1
	mkfs.xfs -q -f -m uuid="$uuid" -L / "$dev"
	mount "$dev" "$tmp/mnt" && mnts+=("$tmp/mnt")
	unpack "$tmp/mnt" amazon
	cat >"$tmp/mnt/etc/fstab" <<EOT
#
UUID=$uuid     /           xfs    defaults,noatime  1   1
UUID=${esp_id:0:4}-${esp_id:4:4}        /boot/efi       vfat    defaults,noatime,uid=0,gid=0,umask=0077,shortname=winnt,x-systemd.automount 0 2
EOT
	umount "$tmp/mnt"
	detach "$dev"
}

# attach_part VAR IMG N: a loop device on partition N of IMG
attach_part() {
	local -n p_=$1
	local off size
	read -r off size < <(partition "$2" "$3")
	attach p_ -o "$off" --sizelimit "$size" "$2"
}

# Ubuntu's (and openSUSE's older) btrfs naming: GPT p1 ESP, p2 btrfs with
# subvolumes @ (the root) and @home at the top, which is the default
# subvolume; fstab by UUID= with subvol=@ and subvol=@home
make_subvolat() {
	local img=$out/subvolat.img dev uuid=5a1e0e2a-7e57-4d16-9c0e-0000000000a5
	rm -f "$img"
	truncate -s 1100M "$img"
	sgdisk -n 1:2048:+64M -t 1:ef00 -n 2:0:0 -t 2:8300 "$img" >/dev/null
	part_facts "$img" subvolat 1 2
	esp_id=5A1E0E0A
	make_esp "$img" subvolat 1 ""
	attach_part dev "$img" 2
	mkfs.btrfs -q -f -U "$uuid" "$dev" >/dev/null
	mount "$dev" "$tmp/mnt" && mnts+=("$tmp/mnt")
	btrfs -q subvolume create "$tmp/mnt/@" >/dev/null
	btrfs -q subvolume create "$tmp/mnt/@home" >/dev/null
	echo "subvolat /home" >"$tmp/mnt/@home/lifeboat-layout.txt"
	unpack "$tmp/mnt/@" subvolat
	cat >"$tmp/mnt/@/etc/fstab" <<EOT
# /etc/fstab: static file system information.
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
# / was on /dev/sda2 during installation
UUID=$uuid /               btrfs   defaults,subvol=@ 0       1
# /boot/efi was on /dev/sda1 during installation
UUID=${esp_id:0:4}-${esp_id:4:4}  /boot/efi       vfat    umask=0077      0       1
# /home was on /dev/sda2 during installation
UUID=$uuid /home           btrfs   defaults,subvol=@home 0       2
EOT
	umount "$tmp/mnt"
	detach "$dev"
}

# openSUSE's: GPT p1 BIOS boot, p2 ESP, p3 btrfs whose default subvolume
# (btrfs subvolume set-default) is the root, @/.snapshots/1/snapshot; fstab
# mounts / with no subvol= and the others by subvol=/@/...
make_opensuse() {
	local img=$out/opensuse.img dev uuid=5a1e0e2a-7e57-4d16-9c0e-0000000000a6 root
	rm -f "$img"
	truncate -s 1100M "$img"
	sgdisk -n 1:2048:+8M -t 1:ef02 -n 2:0:+64M -t 2:ef00 -n 3:0:0 -t 3:8300 "$img" >/dev/null
	part_facts "$img" opensuse 2 3
	esp_id=5A1E0E0B
	make_esp "$img" opensuse 2 ""
	attach_part dev "$img" 3
	mkfs.btrfs -q -f -U "$uuid" "$dev" >/dev/null
	mount "$dev" "$tmp/mnt" && mnts+=("$tmp/mnt")
	btrfs -q subvolume create "$tmp/mnt/@" >/dev/null
	btrfs -q subvolume create "$tmp/mnt/@/.snapshots" >/dev/null
	mkdir "$tmp/mnt/@/.snapshots/1"
	btrfs -q subvolume create "$tmp/mnt/@/.snapshots/1/snapshot" >/dev/null
	btrfs -q subvolume create "$tmp/mnt/@/home" >/dev/null
	echo "opensuse /home" >"$tmp/mnt/@/home/lifeboat-layout.txt"
	echo "opensuse /.snapshots" >"$tmp/mnt/@/.snapshots/lifeboat-layout.txt"
	root=$tmp/mnt/@/.snapshots/1/snapshot
	unpack "$root" opensuse
	mkdir -p "$root/.snapshots"
	cat >"$root/etc/fstab" <<EOT
UUID=$uuid  /                       btrfs  defaults                      0  0
UUID=$uuid  /.snapshots             btrfs  subvol=/@/.snapshots          0  0
UUID=$uuid  /home                   btrfs  subvol=/@/home                0  0
UUID=${esp_id:0:4}-${esp_id:4:4}                             /boot/efi               vfat   utf8                          0  2
EOT
	btrfs -q subvolume set-default "$root"
	umount "$tmp/mnt"
	detach "$dev"
}

# Ubuntu 24.04's cloud image: GPT p1 ext4 root (LABEL=cloudimg-rootfs),
# p14 BIOS boot, p15 ESP (LABEL=UEFI), p16 /boot ext4 (LABEL=BOOT); fstab
# by LABEL= as that image writes it
make_ubuntu24() {
	local img=$out/ubuntu24.img dev
	rm -f "$img"
	truncate -s 1100M "$img"
	sgdisk -n 14:2048:+4M -t 14:ef02 -n 15:0:+106M -t 15:ef00 \
		-n 16:0:+128M -t 16:ea00 -n 1:0:0 -t 1:8300 "$img" >/dev/null
	part_facts "$img" ubuntu24 1 15 16
	esp_id=5A1E0E0C
	make_esp "$img" ubuntu24 15 UEFI
	mkdir -p "$tmp/boot-ubuntu24/efi" "$tmp/root-ubuntu24"
	echo "ubuntu24 /boot" >"$tmp/boot-ubuntu24/lifeboat-layout.txt"
	attach_part dev "$img" 16
	mkfs.ext4 -q -F -L BOOT -d "$tmp/boot-ubuntu24" "$dev"
	detach "$dev"
	unpack "$tmp/root-ubuntu24" ubuntu24
	cat >"$tmp/root-ubuntu24/etc/fstab" <<EOT
LABEL=cloudimg-rootfs	/	 ext4	discard,commit=30,errors=remount-ro	0 1
LABEL=BOOT	/boot	ext4	defaults	0 2
LABEL=UEFI	/boot/efi	vfat	umask=0077	0 1
EOT
	attach_part dev "$img" 1
	mkfs.ext4 -q -F -L cloudimg-rootfs -d "$tmp/root-ubuntu24" "$dev"
	detach "$dev"
}

# The servers: md raid1 over two disks holding the ext4 root, fstab naming
# /dev/md0. md12: GPT members (p1 BIOS boot, p2 Linux RAID), metadata 1.2,
# made as Debian's installer does (mdadm --create /dev/md0 on host
# server12: the array's name is server12:0); md090, an older one: MBR
# members (p1 type fd), metadata 0.90. The arrays are made in a Debian VM
# (mdvm.sh) over zeroed members with --assume-clean, then the host writes
# the same ext4 at each member's data offset: raid1 keeps its data there on
# every member, so the array is as a resync leaves it.
# shellcheck disable=SC2016 # the VM's shell expands it
md_vm_script='
mk() {
	mdadm --create "$1" --run --assume-clean --level=1 --raid-devices=2 \
		--metadata="$2" --homehost="$3" "$4" "$5" </dev/null || fail "create $1"
	echo "MKMD: $6 conf $(mdadm --detail --brief "$1")"
	echo "MKMD: $6 size $(blockdev --getsize64 "$1")"
	mdadm --stop "$1" || fail "stop $1"
	echo "MKMD: $6 offset $(mdadm --examine "$4" | awk "/Data Offset/ { print \$4 * 512 }")"
	mdadm --examine "$4" "$5" | grep -E "^/dev|Events|State :"
}
mk /dev/md0 1.2 server12 /dev/vda2 /dev/vdb2 md12
mk /dev/md0 0.90 server090 /dev/vdc1 /dev/vdd1 md090
'

# md_fact LOG LAYOUT WHAT: what the VM said of the array
md_fact() {
	sed -n "s/^MKMD: $2 $3 //p" "$1" | tr -d '\r' | head -n1
}

make_md() {
	local layout n off size dataoff conf tree part dev
	for n in md12-a md12-b md090-a md090-b; do
		rm -f "$out/$n.img"
		truncate -s 700M "$out/$n.img"
	done
	for n in md12-a md12-b; do
		sgdisk -n 1:2048:+1M -t 1:ef02 -n 2:0:0 -t 2:fd00 "$out/$n.img" >/dev/null
	done
	for n in md090-a md090-b; do
		# an MBR (sgdisk -m: the GPT made into one), p1 of type fd
		sgdisk -n 1:2048:0 -t 1:fd00 -m 1 "$out/$n.img" >/dev/null 2>&1
	done
	md_vm "$out/md-vm.log" "$md_vm_script" "$out/md12-a.img" "$out/md12-b.img" \
		"$out/md090-a.img" "$out/md090-b.img"
	for layout in md12 md090; do
		part=2
		[ "$layout" = md12 ] || part=1
		read -r off size < <(partition "$out/$layout-a.img" "$part")
		dataoff=$(md_fact "$out/md-vm.log" "$layout" offset)
		size=$(md_fact "$out/md-vm.log" "$layout" size)
		conf=$(md_fact "$out/md-vm.log" "$layout" conf)
		if [ -z "$size" ] || [ -z "$conf" ]; then
			echo "mklayouts: the md VM said nothing of $layout" >&2
			exit 1
		fi
		fact "${layout}_member_offset" "$off"
		fact "${layout}_member_size" "$(partition "$out/$layout-a.img" "$part" | cut -d' ' -f2)"
		fact "${layout}_root_offset" $((off + ${dataoff:-0}))
		fact "${layout}_root_size" "$size"
		tree=$tmp/root-$layout
		mkdir -p "$tree"
		unpack "$tree" "$layout"
		cat >"$tree/etc/fstab" <<EOT
# /etc/fstab: static file system information.
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
/dev/md0        /               ext4    errors=remount-ro 0       1
EOT
		mkdir -p "$tree/etc/mdadm"
		cat >"$tree/etc/mdadm/mdadm.conf" <<EOT
# mdadm.conf
#
# Please refer to mdadm.conf(5) for information about this file.
#

# automatically tag new arrays as belonging to the local system
HOMEHOST <system>

# instruct the monitoring daemon where to send mail alerts
MAILADDR root

# definitions of existing MD arrays
$conf
EOT
		truncate -s "$size" "$tmp/$layout.ext4"
		mkfs.ext4 -q -F -L root -d "$tree" "$tmp/$layout.ext4"
		for n in a b; do
			dd if="$tmp/$layout.ext4" of="$out/$layout-$n.img" bs=1M \
				seek=$((off + ${dataoff:-0})) oflag=seek_bytes conv=notrunc,sparse status=none
		done
		rm -f "$tmp/$layout.ext4"
	done
}

# encrypt FILE UUID: LUKS2 in place on FILE, whose data ends 32 MiB before
# its end (cryptsetup reencrypt in user space: no device-mapper here);
# argon2id with 128 MiB and 4 iterations, so that a small VM under TCG
# opens it in seconds; keyslot 0 the key file, 1 the passphrase
encrypt() {
	local pbkdf=(--pbkdf argon2id --pbkdf-memory 131072 --pbkdf-force-iterations 4)
	cryptsetup reencrypt -q --encrypt --type luks2 "${pbkdf[@]}" --uuid "$2" \
		--reduce-device-size 32M --key-file "$out/ubuntucrypt.key" --batch-mode "$1"
	cryptsetup luksAddKey -q "${pbkdf[@]}" --batch-mode --key-file "$out/ubuntucrypt.key" \
		"$1" "$tmp/passphrase"
	cryptsetup open --test-passphrase --key-file "$tmp/passphrase" "$1"
}

# place IMG N FILE: FILE written over partition N of IMG
place() {
	local off size
	read -r off size < <(partition "$1" "$2")
	dd if="$3" of="$1" bs=1M oflag=seek_bytes seek="$off" conv=notrunc,sparse status=none
}

# The Ubuntu installer's "encrypt the LVM group": LUKS2 -> LVM -> ext4 root
make_ubuntucrypt() {
	local img=$out/ubuntucrypt.img dev off size luks=5a1e0e2a-7e57-4d16-9c0e-0000000000e3
	local data=5a1e0e2a-7e57-4d16-9c0e-0000000000e4 plain=$tmp/p3.img
	esp_id=5A1E0E04 boot_uuid=5a1e0e2a-7e57-4d16-9c0e-0000000000b4
	printf '%s' lifeboat-16-key >"$out/ubuntucrypt.key"
	printf '%s' rescue-me-16 >"$tmp/passphrase"
	fact ubuntucrypt_passphrase rescue-me-16
	gpt "$img" ubuntucrypt 900M ext4 "-n 3:0:+400M -t 3:8309 -n 4:0:+64M -t 4:8309"
	part_facts "$img" ubuntucrypt 4
	read -r off size < <(partition "$img" 3)
	rm -f "$plain"
	truncate -s "$size" "$plain"
	pv_span="0 $((size - 32 * 1024 * 1024))" make_vg "$plain" ubuntucrypt ubuntu-vg \
		ubuntu-lv:320M swap:16M
	lv_dev dev "$plain" ubuntucrypt swap
	mkswap -q -L swap "$dev" >/dev/null
	detach "$dev"
	mkdir -p "$tmp/root-ubuntucrypt"
	unpack "$tmp/root-ubuntucrypt" ubuntucrypt
	local vg_uuid
	vg_uuid=$(cat "$tmp/vg_uuid")
	cat >"$tmp/root-ubuntucrypt/etc/fstab" <<EOT
# /etc/fstab: static file system information.
#
# Use 'blkid' to print the universally unique identifier for a
# device; this may be used with UUID= as a more robust way to name devices
# that works even if disks are added and removed. See fstab(5).
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
# / was on /dev/ubuntu-vg/ubuntu-lv during curtin installation
/dev/disk/by-id/dm-uuid-LVM-$vg_uuid$(cat "$tmp/lv_uuid_ubuntu-lv") / ext4 defaults 0 1
# /boot was on /dev/sda2 during curtin installation
/dev/disk/by-uuid/$boot_uuid /boot ext4 defaults 0 1
# /boot/efi was on /dev/sda1 during curtin installation
/dev/disk/by-uuid/${esp_id:0:4}-${esp_id:4:4} /boot/efi vfat defaults 0 1
# swap was on /dev/ubuntu-vg/swap during curtin installation
/dev/disk/by-id/dm-uuid-LVM-$vg_uuid$(cat "$tmp/lv_uuid_swap") none swap sw 0 0
/dev/mapper/data /srv ext4 defaults 0 2
EOT
	cat >"$tmp/root-ubuntucrypt/etc/crypttab" <<EOT
dm_crypt-0 UUID=$luks none luks
data UUID=$data none luks
EOT
	lv_dev dev "$plain" ubuntucrypt ubuntu-lv
	mkfs.ext4 -q -F -L root -d "$tmp/root-ubuntucrypt" "$dev"
	detach "$dev"
	encrypt "$plain" "$luks"
	fact ubuntucrypt_luks_offset "$(cryptsetup luksDump --dump-json-metadata "$plain" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["segments"]["0"]["offset"])')"
	place "$img" 3 "$plain"
	# p4: ext4 "data" (/srv), encrypted alike
	read -r off size < <(partition "$img" 4)
	rm -f "$plain"
	truncate -s "$size" "$plain"
	mkdir -p "$tmp/data"
	echo "ubuntucrypt /srv" >"$tmp/data/lifeboat-layout.txt"
	mkfs.ext4 -q -F -L data -d "$tmp/data" "$plain" "$((size / 1048576 - 32))M"
	encrypt "$plain" "$data"
	place "$img" 4 "$plain"
	rm -f "$plain"
}

mkdir -p "$tmp/mnt"
: >"$out/facts"
make_rhel
make_ubuntu
make_fedora
make_cloud
make_amazon
make_subvolat
make_opensuse
make_ubuntu24
make_md
make_ubuntucrypt

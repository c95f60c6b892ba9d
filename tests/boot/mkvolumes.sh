#!/usr/bin/env bash
# Make the LVM, LUKS and md test disks of tests/boot/test_volumes.py, with
# Debian's own lvm2, cryptsetup and mdadm, never with the image's binaries.
# Usage: tests/boot/mkvolumes.sh OUTDIR
#
# OUTDIR/lvm.img     PV of VG rl: LVs root (ext4) and swap
# OUTDIR/luks2.img   LUKS2, cryptsetup's defaults (argon2id), ext4 inside
# OUTDIR/luks2-1g.img  LUKS2, argon2id with 1 GiB of memory cost, ext4 inside
# OUTDIR/luks1.img   LUKS1 (pbkdf2), ext4 inside
# OUTDIR/md12-a.img, md12-b.img    md raid1, metadata 1.2, ext4 inside
# OUTDIR/md090-a.img, md090-b.img  md raid1, metadata 0.90, ext4 inside
# OUTDIR/key         the key file of both LUKS volumes (keyslot 0)
# OUTDIR/facts       name=value: the passphrase (keyslot 1), where the LVs
#                    lie, each LUKS2 keyslot's argon2 memory cost
# Every ext4 holds /lifeboat-fixture.txt saying "fixture NAME".
#
# This host's kernel has no device-mapper and no md (BUILD-NOTES section 9):
# the LVs are written through loop devices at their extents' offsets, the
# LUKS volumes are encrypted in place in user space (cryptsetup reencrypt;
# LUKS1 by converting a pbkdf2 LUKS2 header, as LUKS1's own reencrypt needs
# dm), and the md arrays are made in a Debian VM (mdvm.sh). Needs root
# (losetup).
set -euo pipefail
mkdir -p "$1"
out=$(realpath "$1")
# shellcheck source=tests/boot/mdvm.sh
. "$(dirname "$(realpath "$0")")/mdvm.sh"
passphrase='lifeboat rescue 15'
keyfile_text='fixture-key-file-0123456789abcdef'
export LVM_SUPPRESS_FD_WARNINGS=1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkvolumes.XXXXXX")
loops=()
cleanup() {
	local l
	for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# fs_image IMG NAME [SIZE]: ext4 (of SIZE, else the whole of IMG) holding
# /lifeboat-fixture.txt
fs_image() {
	local tree=$tmp/tree-$2
	mkdir -p "$tree"
	echo "fixture $2" >"$tree/lifeboat-fixture.txt"
	mkfs.ext4 -q -F -L "$2" -d "$tree" "$1" ${3:+"$3"}
}

# attach VAR LOSETUP-ARGS...: a loop device into VAR, detached at exit if
# still attached
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

make_lvm() {
	local img=$out/lvm.img pv lvm pe_start extent lv range first last offset size dev
	truncate -s 64M "$img"
	attach pv "$img"
	# only this PV, no udev, no metadata backups in the host's /etc/lvm
	lvm=(--devices "$pv" --config 'devices { obtain_device_list_from_udev = 0 }
		activation { udev_sync = 0 udev_rules = 0 } backup { backup = 0 archive = 0 }')
	pvcreate -q "${lvm[@]}" "$pv"
	vgcreate -q "${lvm[@]}" rl "$pv"
	lvcreate -q "${lvm[@]}" --driverloaded n -an -Zn -L 40M -n root rl 2>/dev/null
	lvcreate -q "${lvm[@]}" --driverloaded n -an -Zn -L 8M -n swap rl 2>/dev/null
	pe_start=$(pvs "${lvm[@]}" --noheadings --units b --nosuffix -o pe_start "$pv" | tr -d ' ')
	extent=$(vgs "${lvm[@]}" --noheadings --units b --nosuffix -o vg_extent_size rl | tr -d ' ')
	for lv in root swap; do
		# one linear segment: "/dev/loop0:0-9"
		range=$(lvs "${lvm[@]}" --driverloaded n --noheadings -o seg_pe_ranges "rl/$lv" 2>/dev/null |
			tr -d ' ')
		first=${range##*:}
		first=${first%-*}
		last=${range##*-}
		offset=$((pe_start + first * extent))
		size=$(((last - first + 1) * extent))
		printf 'lvm_%s_offset=%s\nlvm_%s_size=%s\n' "$lv" "$offset" "$lv" "$size" >>"$out/facts"
		attach dev -o "$offset" --sizelimit "$size" "$img"
		if [ "$lv" = root ]; then fs_image "$dev" lvm; else mkswap -q -L rlswap "$dev"; fi
		detach "$dev"
	done
	detach "$pv"
}

# make_luks IMG NAME TYPE [PBKDF-OPTION...]: ext4 encrypted in place;
# keyslot 0 the key file, keyslot 1 the passphrase
make_luks() {
	local img=$1 name=$2 type=$3
	shift 3
	truncate -s 64M "$img"
	fs_image "$img" "$name" 32M
	if [ "$type" = luks2 ]; then
		cryptsetup reencrypt -q --encrypt --type luks2 "$@" --reduce-device-size 32M \
			--key-file "$out/key" --batch-mode "$img"
	else
		cryptsetup reencrypt -q --encrypt --type luks2 --pbkdf pbkdf2 --reduce-device-size 16M \
			--key-file "$out/key" --batch-mode "$img"
		cryptsetup convert -q --type luks1 --batch-mode "$img"
	fi
	printf '%s' "$passphrase" >"$tmp/passphrase"
	cryptsetup luksAddKey -q "$@" --batch-mode --key-file "$out/key" "$img" "$tmp/passphrase"
	cryptsetup open --test-passphrase --key-file "$tmp/passphrase" "$img"
	# the argon2 memory cost of each keyslot, KiB (cryptsetup's choice)
	echo "${name//-/_}_memory_kib=$(cryptsetup luksDump "$img" |
		awk '/Memory:/ { printf "%s%s", s, $2; s = "," }')" >>"$out/facts"
}

# the arrays: each made as Debian's installer does, the ext4 image written
# through the array
# shellcheck disable=SC2016 # the VM's shell expands it
md_script='
# mkmd MD METADATA MEMBER-A MEMBER-B EXT4-IMAGE [NAME]
mkmd() {
	mdadm --create "$1" --run --level=1 --raid-devices=2 --metadata="$2" \
		--homehost=fixture ${6:+--name=$6} "$3" "$4" </dev/null || fail "create $1"
	mdadm --wait "$1"
	[ "$(blockdev --getsize64 "$1")" -ge "$(blockdev --getsize64 "$5")" ] || fail "$1 too small"
	dd if="$5" of="$1" bs=1M conv=fsync 2>/dev/null || fail "dd $1"
	mdadm --wait "$1"
	mdadm --detail "$1"
	mdadm --stop "$1" || fail "stop $1"
	mdadm --examine "$3" "$4" | grep -E "^/dev|Events"
}
mkmd /dev/md0 1.2 /dev/vda /dev/vdb /dev/vde md12
mkmd /dev/md1 0.90 /dev/vdc /dev/vdd /dev/vdf
'

make_md() {
	local n
	for n in md12-a md12-b md090-a md090-b; do truncate -s 48M "$out/$n.img"; done
	truncate -s 32M "$tmp/md12.ext4" "$tmp/md090.ext4"
	fs_image "$tmp/md12.ext4" md12
	fs_image "$tmp/md090.ext4" md090
	md_vm "$out/md-vm.log" "$md_script" "$out/md12-a.img" "$out/md12-b.img" \
		"$out/md090-a.img" "$out/md090-b.img" "$tmp/md12.ext4,readonly=on" \
		"$tmp/md090.ext4,readonly=on"
}

: >"$out/facts"
printf '%s' "$keyfile_text" >"$out/key"
echo "passphrase=$passphrase" >>"$out/facts"
make_lvm
make_luks "$out/luks2.img" luks2 luks2
# what cryptsetup's defaults choose on a big machine: argon2id with 1 GiB
make_luks "$out/luks2-1g.img" luks2-1g luks2 --pbkdf argon2id --pbkdf-memory 1048576 \
	--pbkdf-force-iterations 4 --pbkdf-parallel 4
make_luks "$out/luks1.img" luks1 luks1
make_md

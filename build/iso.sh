#!/usr/bin/env bash
# Make the hybrid BIOS/UEFI ISO around the kernel (initramfs built in).
#   build/iso.sh VMLINUZ TOOLS_IMAGE MEDIUM_ID_FILE WORKDIR OUT_ISO
# VMLINUZ is the ISO's kernel, whose initramfs lacks the tools image:
# TOOLS_IMAGE is /lifeboat/tools.squashfs in the ISO's tree, where /init
# mounts it from the medium (init/tools.h).
# BIOS: isolinux (El Torito, and from the isohybrid MBR when written to a disk).
# UEFI: an El Torito EFI image, also exposed as a GPT/MBR partition, holding
# the kernel as \EFI\BOOT\BOOTX64.EFI (the kernel's EFI stub; the built-in
# command line puts the console on tty0 and ttyS0).
set -euo pipefail
[ $# = 5 ] || { echo "usage: build/iso.sh VMLINUZ TOOLS_IMAGE MEDIUM_ID_FILE WORKDIR OUT_ISO" >&2; exit 100; }
vmlinuz=$1 tools=$2 idfile=$3 work=$4 out=$5
: "${SOURCE_DATE_EPOCH:=0}"
export SOURCE_DATE_EPOCH
label=$(cat "$idfile")
syslinux_bios=/usr/lib/syslinux/modules/bios
rm -rf "$work"
mkdir -p "$work/root/isolinux" "$work/root/boot" "$work/root/lifeboat"
cp "$tools" "$work/root/lifeboat/tools.squashfs"
cp /usr/lib/ISOLINUX/isolinux.bin "$syslinux_bios/ldlinux.c32" "$work/root/isolinux/"
cp "$vmlinuz" "$work/root/boot/vmlinuz"
cat >"$work/root/isolinux/isolinux.cfg" <<CFG
SERIAL 0 115200
DEFAULT lifeboat
PROMPT 0
TIMEOUT 0
LABEL lifeboat
  KERNEL /boot/vmlinuz
CFG

# The EFI system partition image: FAT, just big enough for the kernel, with
# 2 KiB clusters whose data area starts on a 2 KiB boundary: the kernel's
# clusters are then whole ISO sectors, and isodedup.py points /boot/vmlinuz
# at them, so the ISO carries the kernel once for BIOS and UEFI alike.
kib=$(( ($(stat -c %s "$vmlinuz") + 1023) / 1024 + 128 ))
efi=$work/root/boot/efiboot.img
export MTOOLS_SKIP_CHECK=1
touch -d "@$SOURCE_DATE_EPOCH" "$work/root/boot/vmlinuz"
for reserved in 1 2 3 4; do
	rm -f "$efi"
	mkfs.fat -C -n LIFEBOAT -i 4C494645 --invariant -s 4 -R $reserved "$efi" "$kib" >/dev/null
	mmd -i "$efi" ::/EFI ::/EFI/BOOT
	mcopy -m -i "$efi" "$work/root/boot/vmlinuz" ::/EFI/BOOT/BOOTX64.EFI # touched: mcopy -m keeps its mtime
	python3 - "$efi" "$vmlinuz" <<'PY' && break
import sys
img, k = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
off = img.find(k[:4096])
sys.exit(0 if off >= 0 and off % 2048 == 0 and img[off:off + len(k)] == k else 1)
PY
done
# a one-sector placeholder; isodedup.py points the record at the FAT's copy
head -c 2048 "$vmlinuz" >"$work/root/boot/vmlinuz"

find "$work/root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
# No padding to whole cylinders or 300 KiB of tail: the ISO stays small, and
# firmware and dd do not need either.
xorriso -as mkisofs -quiet -o "$out.tmp" -V "$label" -r -J -no-pad -partition_cyl_align off \
	-isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
	-c isolinux/boot.cat -b isolinux/isolinux.bin -no-emul-boot -boot-load-size 4 -boot-info-table \
	-eltorito-alt-boot -e boot/efiboot.img -no-emul-boot -isohybrid-gpt-basdat \
	"$work/root" >"$work/xorriso.log" 2>&1 ||
	{ cat "$work/xorriso.log" >&2; rm -f "$out.tmp"; echo "iso: error: xorriso failed (log above)" >&2; exit 1; }
grep -v '^xorriso : NOTE' "$work/xorriso.log" >&2 || true
python3 "$(dirname "$0")/isodedup.py" "$out.tmp" "$vmlinuz"
mv "$out.tmp" "$out"

#!/usr/bin/env bash
# Make the hybrid BIOS/UEFI ISO around the kernel (initramfs built in).
#   build/iso.sh VMLINUZ MEDIUM_ID_FILE WORKDIR OUT_ISO
# BIOS: isolinux (El Torito, and from the isohybrid MBR when written to a disk).
# UEFI: an El Torito EFI image, also exposed as a GPT/MBR partition, holding
# the kernel as \EFI\BOOT\BOOTX64.EFI (the kernel's EFI stub; the built-in
# command line puts the console on tty0 and ttyS0).
set -euo pipefail
vmlinuz=$1 idfile=$2 work=$3 out=$4
: "${SOURCE_DATE_EPOCH:=0}"
export SOURCE_DATE_EPOCH
label=$(cat "$idfile")
syslinux_bios=/usr/lib/syslinux/modules/bios
rm -rf "$work"
mkdir -p "$work/root/isolinux" "$work/root/boot"
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

# The EFI system partition image: FAT12/16, just big enough for the kernel.
kib=$(( ($(stat -c %s "$vmlinuz") + 1023) / 1024 + 256 ))
efi=$work/root/boot/efiboot.img
mkfs.fat -C -n LIFEBOAT -i 4C494645 --invariant "$efi" "$kib" >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$efi" ::/EFI ::/EFI/BOOT
touch -d "@$SOURCE_DATE_EPOCH" "$work/root/boot/vmlinuz"
mcopy -m -i "$efi" "$work/root/boot/vmlinuz" ::/EFI/BOOT/BOOTX64.EFI

find "$work/root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
xorriso -as mkisofs -quiet -o "$out.tmp" -V "$label" -r -J \
	-isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
	-c isolinux/boot.cat -b isolinux/isolinux.bin -no-emul-boot -boot-load-size 4 -boot-info-table \
	-eltorito-alt-boot -e boot/efiboot.img -no-emul-boot -isohybrid-gpt-basdat \
	"$work/root" 2>&1 | grep -v '^xorriso : NOTE' >&2 || true
mv "$out.tmp" "$out"

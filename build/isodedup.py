#!/usr/bin/python3
"""Point the ISO 9660 (and Joliet) record of /boot/vmlinuz at the kernel's
bytes inside the EFI boot image, so the ISO carries the kernel once.

usage: isodedup.py ISO KERNEL

isolinux (BIOS) reads /boot/vmlinuz through the ISO 9660 directory; UEFI
reads \\EFI\\BOOT\\BOOTX64.EFI from the FAT image. iso.sh lays the FAT image
out with 2 KiB clusters aligned to 2 KiB, and the one file in it is
contiguous, so the same sectors can serve both. The ISO is built with a
one-sector placeholder for /boot/vmlinuz; this rewrites its extent and size
after checking, byte for byte, that the new extent holds the kernel.
"""
import struct
import sys

SECTOR = 2048


def records(iso, lba, size, joliet, path=""):
    """Yield (path, offset of the record, extent, size, is_dir), recursively."""
    end = lba * SECTOR + size
    off = lba * SECTOR
    while off < end:
        length = iso[off]
        if length == 0:  # records do not span sectors: go to the next one
            off = (off // SECTOR + 1) * SECTOR
            continue
        extent = struct.unpack_from("<I", iso, off + 2)[0]
        dsize = struct.unpack_from("<I", iso, off + 10)[0]
        flags = iso[off + 25]
        nlen = iso[off + 32]
        raw = bytes(iso[off + 33:off + 33 + nlen])
        if raw not in (b"\x00", b"\x01"):
            name = raw.decode("utf-16-be") if joliet else raw.decode("ascii")
            name = name.split(";")[0].rstrip(".").lower()
            full = path + "/" + name
            yield full, off, extent, dsize, bool(flags & 2)
            if flags & 2:
                yield from records(iso, extent, dsize, joliet, full)
        off += length


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        sys.exit(100)
    iso_path, kernel_path = sys.argv[1:]
    iso = bytearray(open(iso_path, "rb").read())
    kernel = open(kernel_path, "rb").read()
    trees = []
    for vd in range(16, 32):
        d = iso[vd * SECTOR:(vd + 1) * SECTOR]
        if d[1:6] != b"CD001" or d[0] == 255:
            if d[0] == 255:
                break
            continue
        if d[0] == 1:
            trees.append((d, False))
        elif d[0] == 2 and d[88:91] in (b"%/@", b"%/C", b"%/E"):
            trees.append((d, True))
    image_lba = None
    targets = []
    for d, joliet in trees:
        root = d[156:156 + 34]
        rlba = struct.unpack_from("<I", root, 2)[0]
        rsize = struct.unpack_from("<I", root, 10)[0]
        for path, off, extent, dsize, is_dir in records(iso, rlba, rsize, joliet):
            if path == "/boot/efiboot.img":
                image_lba = extent
            elif path == "/boot/vmlinuz":
                targets.append(off)
    if image_lba is None or not targets:
        sys.exit("isodedup: error: /boot/efiboot.img or /boot/vmlinuz not found in " + iso_path)
    image = iso[image_lba * SECTOR:]
    found = None
    for off in range(0, len(image) - len(kernel) + 1, SECTOR):
        if image[off:off + 512] == kernel[:512] and image[off:off + len(kernel)] == kernel:
            found = image_lba + off // SECTOR
            break
    if found is None:
        sys.exit("isodedup: error: the kernel is not contiguous and 2 KiB aligned in the EFI image")
    for off in targets:
        struct.pack_into("<I", iso, off + 2, found)
        struct.pack_into(">I", iso, off + 6, found)
        struct.pack_into("<I", iso, off + 10, len(kernel))
        struct.pack_into(">I", iso, off + 14, len(kernel))
    open(iso_path, "wb").write(iso)


main()

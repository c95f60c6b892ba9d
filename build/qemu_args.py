#!/usr/bin/python3
"""QEMU arguments for disks at slots, shared by the boot tests
(tests/boot/lifeboat_vm.py), `make run` (build/run.sh) and `make bench`
(build/bench/bench.py): one virtio-scsi controller, a disk at SCSI target id
SLOT (channel 0, LUN 0), which Lifeboat names sd + a+SLOT.

Other controllers and NICs (issue 18): other_disks() hangs disks on NVMe
(namespaces of one controller), AHCI, LSI, MegaRAID SAS, PVSCSI, USB sticks on
xHCI or virtio-blk; nic() is a user-network NIC of a given model.

As a program, for shell scripts: the arguments, each ended by a NUL byte.
    build/qemu_args.py [--disk slot=N,file=PATH[,serial=S][,kind=K][,readonly][,boot]]...
                       [--controller KIND --other FILE]... [--nic MODEL]
Exit 0, 100 on a usage error.
"""
import sys

CONTROLLER = "scsi0"


class Disk:
    """A disk on the virtio-scsi controller at a SCSI target id (= slot).
    serial None: QEMU's default (none); boot: the first boot device."""

    def __init__(self, path, slot, serial=None, kind="scsi-hd", readonly=False, boot=False):
        if not 0 <= slot <= 255:
            raise ValueError("slot %r: not a SCSI target id" % slot)
        self.path, self.slot, self.serial, self.kind = path, slot, serial, kind
        self.readonly, self.boot = readonly, boot


def slot_disks(disks):
    """The controller and each disk's -drive and -device; [] for no disks."""
    disks = list(disks)
    if not disks:
        return []
    args = ["-device", "virtio-scsi-pci,id=" + CONTROLLER]
    for d in disks:
        drive = "if=none,id=d%d,format=raw,file=%s" % (d.slot, d.path)
        if d.readonly:
            drive += ",readonly=on"
        dev = "%s,bus=%s.0,channel=0,scsi-id=%d,lun=0,drive=d%d,id=disk%d" % (
            d.kind, CONTROLLER, d.slot, d.slot, d.slot)
        if d.serial:
            dev += ",serial=" + d.serial
        if d.boot:
            dev += ",bootindex=0"
        args += ["-drive", drive, "-device", dev]
    return args


# KIND: (QEMU's controller device or None, the disk's device)
CONTROLLERS = {
    "nvme": ("nvme", "nvme-ns"),
    "ahci": ("ahci", "ide-hd"),
    "ich9": (None, "ide-hd"),  # q35's own AHCI (its ports are bus ide.0-5)
    "lsi": ("lsi53c895a", "scsi-hd"),
    "megasas": ("megasas", "scsi-hd"),
    "pvscsi": ("pvscsi", "scsi-hd"),
    "usb": ("qemu-xhci", "usb-storage"),
    "virtio-blk": (None, "virtio-blk-pci"),
}
NICS = {"virtio": "virtio-net-pci", "e1000": "e1000", "e1000e": "e1000e",
        "rtl8139": "rtl8139", "vmxnet3": "vmxnet3"}


def other_disks(kind, paths, serial="lbdisk"):
    """The disks at paths on one controller of kind (CONTROLLERS), in order:
    -drive and -device arguments; disk i has serial SERIAL-i."""
    if kind not in CONTROLLERS:
        raise ValueError("controller %r: not one of %s" % (kind, ", ".join(sorted(CONTROLLERS))))
    ctrl, dev = CONTROLLERS[kind]
    cid = "c" + kind.replace("-", "")
    args = []
    if ctrl == "nvme":
        args += ["-device", "nvme,id=%s,serial=%s" % (cid, serial)]
    elif ctrl:
        args += ["-device", "%s,id=%s" % (ctrl, cid)]
    for i, path in enumerate(paths):
        drv = "o%s%d" % (cid, i)
        args += ["-drive", "if=none,id=%s,format=raw,file=%s" % (drv, path)]
        if kind == "nvme":
            d = "nvme-ns,drive=%s,bus=%s,nsid=%d" % (drv, cid, i + 1)
        elif kind in ("ahci", "ich9"):
            d = "ide-hd,drive=%s,bus=%s.%d,serial=%s-%d" % (drv, cid if kind == "ahci" else "ide", i,
                                                              serial, i)
        elif kind == "usb":
            d = "usb-storage,drive=%s,bus=%s.0,serial=%s-%d" % (drv, cid, serial, i)
        elif kind == "virtio-blk":
            d = "virtio-blk-pci,drive=%s,serial=%s-%d" % (drv, serial, i)
        else:
            d = "scsi-hd,drive=%s,bus=%s.0,scsi-id=%d,serial=%s-%d" % (drv, cid, i, serial, i)
        args += ["-device", d]
    return args


def nic(model):
    """A NIC of model (NICS) on QEMU's user network."""
    if model not in NICS:
        raise ValueError("NIC %r: not one of %s" % (model, ", ".join(sorted(NICS))))
    return ["-netdev", "user,id=n0", "-device", "%s,netdev=n0" % NICS[model]]


def parse_disk(spec):
    """slot=N,file=PATH[,serial=S][,kind=K][,readonly][,boot] -> Disk"""
    kw, flags = {}, set()
    for item in spec.split(","):
        key, eq, value = item.partition("=")
        if eq:
            kw[key] = value
        else:
            flags.add(key)
    unknown = (set(kw) - {"slot", "file", "serial", "kind"}) | (flags - {"readonly", "boot"})
    if unknown or "slot" not in kw or "file" not in kw:
        raise ValueError("bad --disk %r" % spec)
    return Disk(kw["file"], int(kw["slot"]), serial=kw.get("serial"), kind=kw.get("kind", "scsi-hd"),
                readonly="readonly" in flags, boot="boot" in flags)


def main(argv):
    disks, others, extra, kind = [], [], [], "virtio-blk"
    try:
        if len(argv) % 2:
            raise ValueError("arguments come in pairs")
        for opt, value in zip(argv[::2], argv[1::2]):
            if opt == "--disk":
                disks.append(parse_disk(value))
            elif opt == "--controller":
                if value not in CONTROLLERS:
                    raise ValueError("controller %r: not one of %s" % (value, ", ".join(sorted(CONTROLLERS))))
                kind = value
            elif opt == "--other":
                others.append(value)
            elif opt == "--nic":
                extra += nic(value)
            else:
                raise ValueError("unknown option %s" % opt)
        if others:
            extra = other_disks(kind, others) + extra
    except ValueError as e:
        sys.stderr.write("qemu_args: error: %s\nusage: build/qemu_args.py [--disk slot=N,file=PATH"
                         "[,serial=S][,kind=K][,readonly][,boot]]... [--controller KIND --other FILE]..."
                         " [--nic MODEL]\n" % e)
        return 100
    sys.stdout.write("".join(a + "\0" for a in slot_disks(disks) + extra))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

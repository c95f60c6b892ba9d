#!/usr/bin/python3
"""QEMU arguments for disks at slots, shared by the boot tests
(tests/boot/lifeboat_vm.py), `make run` (build/run.sh) and `make bench`
(build/bench/bench.py): one virtio-scsi controller, a disk at SCSI target id
SLOT (channel 0, LUN 0), which Lifeboat names sd + a+SLOT.

As a program, for shell scripts: the arguments, each ended by a NUL byte.
    build/qemu_args.py [--disk slot=N,file=PATH[,serial=S][,kind=K][,readonly][,boot]]...
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
        dev = "%s,bus=%s.0,channel=0,scsi-id=%d,lun=0,drive=d%d" % (d.kind, CONTROLLER, d.slot, d.slot)
        if d.serial:
            dev += ",serial=" + d.serial
        if d.boot:
            dev += ",bootindex=0"
        args += ["-drive", drive, "-device", dev]
    return args


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
    disks = []
    try:
        if len(argv) % 2:
            raise ValueError("arguments come in pairs")
        for opt, value in zip(argv[::2], argv[1::2]):
            if opt != "--disk":
                raise ValueError("unknown option %s" % opt)
            disks.append(parse_disk(value))
    except ValueError as e:
        sys.stderr.write("qemu_args: error: %s\nusage: build/qemu_args.py [--disk slot=N,file=PATH"
                         "[,serial=S][,kind=K][,readonly][,boot]]...\n" % e)
        return 100
    sys.stdout.write("".join(a + "\0" for a in slot_disks(disks)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

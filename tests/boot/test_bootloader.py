"""Issue 16: the installed system's own boot tools run in `lifeboat chroot`.
On Debian's cloud image layout (p1 ext4 root, p14 BIOS boot, p15 ESP;
mkbootdisk.sh) with a kernel, initramfs-tools and GRUB (BIOS and EFI)
installed but no boot loader: update-initramfs -u, grub-install /dev/sda and
update-grub run inside the chroot found with no disk named. The host then
finds a new, valid initramfs, GRUB's boot.img in sector 0 pointing at
core.img in the BIOS boot partition, a grub.cfg for that kernel and clean
filesystems; and the disk itself, booted by SeaBIOS, starts GRUB, the
kernel and the new initramfs."""
import gzip
import hashlib
import lzma
import re
import subprocess
import tempfile

from fx_layouts import assert_clean, bootdisk, bootdisk_cache, check, read_file  # noqa: F401
from fx_volumes import host_loop
from lifeboat_vm import Disk
from test_guide import enter, inside

SERIAL_GRUB = ("GRUB_TERMINAL=serial\n"
               "GRUB_SERIAL_COMMAND=\"serial --unit=0 --speed=115200\"\n"
               "GRUB_TIMEOUT=1\n"
               "GRUB_CMDLINE_LINUX=\"console=ttyS0,115200\"\n"
               "GRUB_CMDLINE_LINUX_DEFAULT=\"\"\n")


def ins(vm, cmd, seconds=60):
    """inside() without bash's bracketed-paste switches (ESC [?2004l)."""
    out, rc = inside(vm, cmd, seconds)
    return re.sub(r"\x1b\[[?0-9;]*[a-zA-Z]", "", out).strip(), rc


def dump(disk, img, part, path):
    """A file's bytes from an ext4 partition, read by the host's debugfs."""
    off, size = disk.span("boot", part)
    with host_loop(img, off, size) as dev, tempfile.TemporaryDirectory() as d:
        check(["debugfs", "-R", "dump %s %s/f" % (path, d), dev])
        with open(d + "/f", "rb") as f:
            return f.read()


def decompress(data):
    """One compressed cpio archive of an initramfs, decompressed."""
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    if data[:4] == b"\x28\xb5\x2f\xfd":
        return subprocess.run(["zstd", "-dc"], input=data, capture_output=True,
                              check=True).stdout
    if data[:6] == b"\xfd7zXZ\x00":
        return lzma.decompress(data)
    raise AssertionError("initramfs: unknown compression %r" % data[:8])


def cpio_names(data):
    """The names in an initramfs: newc cpio archives (uncompressed early
    ones, then compressed ones), as the kernel unpacks them."""
    names, pos = [], 0
    while pos < len(data):
        if data[pos:pos + 1] == b"\0":  # padding between archives
            pos += 1
            continue
        if data[pos:pos + 6] != b"070701":
            return names + cpio_names(decompress(data[pos:]))
        size = int(data[pos + 54:pos + 62], 16)
        namesize = int(data[pos + 94:pos + 102], 16)
        name = data[pos + 110:pos + 110 + namesize - 1].decode()
        pos = (pos + 110 + namesize + 3) & ~3
        pos = (pos + size + 3) & ~3
        if name != "TRAILER!!!":
            names.append(name)
    return names


def test_bios_update_initramfs_grub_install_update_grub_in_chroot(vm_factory, bootdisk):
    """Lifeboat booted by BIOS, the system found with no disk named:
    update-initramfs -u rewrites the initrd, grub-install /dev/sda puts
    boot.img in sector 0 and core.img in the BIOS boot partition (p14),
    update-grub writes a grub.cfg for the kernel and the serial console.
    The host sees all that and clean filesystems; SeaBIOS then boots the
    disk through GRUB into the kernel and its initramfs."""
    img = bootdisk.copy("boot")
    kver = bootdisk.facts["kver"]
    initrd = "/boot/initrd.img-" + kver
    before = hashlib.sha256(dump(bootdisk, img, "p1", initrd)).hexdigest()
    with open(img, "rb") as f:
        assert b"GRUB" not in f.read(512)  # no boot loader yet
    vm = vm_factory(boot="kernel", disks=[Disk(img, 0)], nic=None, mem=1024).up()
    vm.child.sendline("lifeboat chroot")
    vm.expect(r"lifeboat: found 1: /dev/sda1  Debian GNU/Linux 12\r*\n", 120)
    enter(vm, "", 120)
    out, rc = ins(vm, "update-initramfs -u", 1200)
    assert rc == 0 and "Generating %s" % initrd in out, out
    out, rc = ins(vm, "mkdir -p /etc/default/grub.d && printf '%s' > "
                      "/etc/default/grub.d/serial.cfg" % SERIAL_GRUB.replace("\n", "\\n"))
    assert rc == 0, out
    out, rc = ins(vm, "grub-install /dev/sda", 600)
    assert rc == 0 and "Installing for i386-pc platform." in out, out
    assert "Installation finished. No error reported." in out and "warning" not in out, out
    out, rc = ins(vm, "update-grub", 600)
    assert rc == 0 and "Found linux image: /boot/vmlinuz-" + kver in out, out
    assert "Found initrd image: " + initrd in out, out
    vm.child.sendline("exit")
    vm.expect(r"lifeboat: /dev/sda1 unmounted, clean for e2fsck -f ", 60)
    vm.set_prompt()
    assert vm.poweroff() == 0

    new = dump(bootdisk, img, "p1", initrd)
    assert hashlib.sha256(new).hexdigest() != before
    names = cpio_names(new)
    for want in ("init", "conf/initramfs.conf", "lib/modules/%s/modules.dep" % kver):
        assert want in names or "./" + want in names or "usr/" + want in names, (want, names[:40])
    p14 = bootdisk.span("boot", "p14")[0]
    with open(img, "rb") as f:
        mbr = f.read(512)
        f.seek(p14)
        core = f.read(512)
    # boot.img: its message strings, and the sector of core.img (at 0x5c)
    assert b"GRUB \0" in mbr and mbr[510:] == b"\x55\xaa", mbr
    assert int.from_bytes(mbr[0x5c:0x64], "little") == p14 // 512, mbr[0x5c:0x64]
    # diskboot.img, core.img's first sector, in the BIOS boot partition
    assert b"loading" in core, core
    cfg = read_file(bootdisk, img, "boot", "p1", "ext4", "/boot/grub/grub.cfg")
    assert re.search(r"^\s*linux\s+/boot/vmlinuz-%s root=\S+ ro console=ttyS0" % re.escape(kver),
                     cfg, re.M), cfg
    assert re.search(r"^\s*initrd\s+%s$" % re.escape(initrd), cfg, re.M), cfg
    assert "terminal_output serial" in cfg, cfg
    assert_clean(bootdisk, img, "boot", "p1", "ext4")
    assert_clean(bootdisk, img, "boot", "p15", "vfat")

    # the disk itself: SeaBIOS, GRUB on the serial console, the kernel, the
    # new initramfs (no init in a minbase root: it stops there)
    vm = vm_factory(boot="disk", disks=[Disk(img, 0, boot=True)], nic=None, mem=1024).start()
    vm.expect(r"Booting `Debian GNU/Linux'", 300)
    vm.expect(r"Loading Linux %s \.\.\." % re.escape(kver), 120)
    vm.expect(r"Linux version %s" % re.escape(kver), 300)
    vm.expect(r"Loading, please wait\.\.\.", 600)


def test_grub_install_under_uefi_registers_its_boot_entry(vm_factory, bootdisk):
    """Lifeboat booted by UEFI (OVMF): grub-install in lifeboat chroot takes
    the x86_64-efi platform, writes GRUB to the ESP (/boot/efi, fstab's
    PARTUUID=) and registers its boot entry with efibootmgr, which needs the
    firmware's variables (efivarfs) in the chroot. The host finds grubx64.efi
    on a clean ESP and the entry in the variable store; the firmware then
    boots the disk by that entry into GRUB and the kernel."""
    img = bootdisk.copy("boot")
    kver = bootdisk.facts["kver"]
    vm = vm_factory(boot="kernel", firmware="uefi", disks=[Disk(img, 0)], nic=None,
                    mem=1024).up(300)
    vm.ok("test -d /sys/firmware/efi/efivars")
    vm.child.sendline("lifeboat chroot")
    vm.expect(r"lifeboat: found 1: /dev/sda1  Debian GNU/Linux 12\r*\n", 120)
    enter(vm, "", 120)
    out, rc = ins(vm, "mkdir -p /etc/default/grub.d && printf '%s' > "
                      "/etc/default/grub.d/serial.cfg" % SERIAL_GRUB.replace("\n", "\\n"))
    assert rc == 0, out
    out, rc = ins(vm, "grub-install", 600)
    assert rc == 0 and "Installing for x86_64-efi platform." in out, out
    # without the variables it only warns, and the firmware never hears of it
    assert "Installation finished. No error reported." in out and "warning" not in out, out
    out, rc = ins(vm, "efibootmgr -v")
    assert rc == 0 and re.search(r"(?i)^Boot[0-9A-F]{4}\* debian\s.*\\EFI\\debian\\grubx64\.efi",
                                 out, re.M), out
    out, rc = ins(vm, "update-grub", 600)
    assert rc == 0 and "Found linux image: /boot/vmlinuz-" + kver in out, out
    vm.child.sendline("exit")
    vm.expect(r"lifeboat: /dev/sda1 unmounted, clean for e2fsck -f ", 60)
    vm.set_prompt()
    assert vm.run("grep efivarfs /proc/mounts")[1] == 1  # unmounted too
    assert vm.poweroff() == 0

    esp = bootdisk.span("boot", "p15")[0]
    efi = subprocess.run(["mtype", "-i", "%s@@%d" % (img, esp), "::/EFI/debian/grubx64.efi"],
                         capture_output=True, check=True).stdout
    assert efi[:2] == b"MZ", efi[:16]
    efivars = vm.tmpdir + "/OVMF_VARS.fd"
    with open(efivars, "rb") as f:
        store = f.read()
    assert "\\EFI\\debian\\grubx64.efi".encode("utf-16-le") in store
    assert_clean(bootdisk, img, "boot", "p1", "ext4")
    assert_clean(bootdisk, img, "boot", "p15", "vfat")

    # no bootindex: the firmware follows its own BootOrder, the new entry
    vm = vm_factory(boot="disk", firmware="uefi", efivars=efivars, disks=[Disk(img, 0)],
                    nic=None, mem=1024).start()
    vm.expect(r"Booting `Debian GNU/Linux'", 600)
    vm.expect(r"Linux version %s" % re.escape(kver), 300)

"""Issue 21: the ISO's kernel carries no tools image; /init mounts the medium's.

The ISO boots a kernel whose initramfs lacks tools.squashfs (booting no longer
unpacks 7 MB a rescue may never use); the image is /lifeboat/tools.squashfs in
the ISO's own tree. /init mounts the medium read-only once the disk table has
found it: the disk at sdh with this build's label, else a CD drive with it.
A copy of the ISO on another slot is a customer's disk and stays unmounted; a
missing or broken image is a warning and the prompt still comes. The test
media are made on the host with Debian's xorriso, or are byte copies of the
ISO with the tools image's superblock overwritten here.
"""
import os
import re
import shutil
import subprocess

import pytest

import qemu_args
from lifeboat_vm import ISO, ISO_KERNEL, TOP, Disk, make_disk

TOOLS = "/usr/lib/lifeboat/tools"
MEDIUM = "/run/lifeboat/medium"
MISSING = "missing: lvm, mdadm, cryptsetup, xfs and btrfs tools and the kernel modules"


def medium_id():
    with open(os.path.join(TOP, "_build", "medium-id")) as f:
        return f.read().strip()


def mounts(vm):
    return [line.split() for line in vm.ok("cat /proc/mounts").splitlines()]


def assert_tools_from(vm, dev):
    """The medium DEV read-only on MEDIUM, its tools image on TOOLS, working."""
    m = mounts(vm)
    medium = [x for x in m if x[1] == MEDIUM]
    assert medium and medium[0][0] == "/dev/" + dev and medium[0][2] == "iso9660", m
    assert "ro" in medium[0][3].split(","), medium
    tools = [x for x in m if x[1] == TOOLS]
    assert tools and tools[0][2] == "squashfs" and tools[0][0].startswith("/dev/loop"), m
    # the kernel's initramfs did not carry the image: this is the ISO's kernel
    assert vm.ok("[ -e /usr/lib/lifeboat/tools.squashfs ] && echo built-in || echo medium") == "medium"
    assert "mounted the medium %s on %s" % (dev, MEDIUM) in vm.ok("cat /run/lifeboat/boot.log")
    # the tools run, and a module loads from it on demand
    for cmd in ("lvm version", "xfs_repair -V", "btrfs --version", "mdadm --version",
                "cryptsetup --version"):
        vm.ok(cmd)
    vm.ok("modprobe dm-mod && grep -q '^dm_mod ' /proc/modules")


@pytest.mark.parametrize("boot,firmware", [("iso-disk", "bios"), ("iso-disk", "uefi"),
                                           ("cdrom", "bios")])
def test_iso_boot_mounts_the_tools_image_from_its_medium(vm_factory, tmp_path, boot, firmware):
    disk = Disk(make_disk(str(tmp_path / "a.img"), 8), 0)
    vm = vm_factory(boot=boot, firmware=firmware, disks=[disk], nic=None).up(seconds=240)
    assert_tools_from(vm, "sdh" if boot == "iso-disk" else "sr0")
    # the medium stays out of the user's way: read-only, and no disk was mounted
    assert not [x for x in mounts(vm) if x[0].startswith("/dev/sd") and x[0] != "/dev/sdh"]
    assert vm.poweroff() == 0


def test_iso_kernel_reaches_the_prompt_with_tools_in_48_mib(vm_factory):
    """The ISO's kernel (ISO at sdh) at -m 48: the prompt, and lvm works."""
    vm = vm_factory(boot="kernel", kernel=ISO_KERNEL, mem=48, nic=None,
                    disks=[Disk(ISO, 7, serial="LIFEBOAT-MEDIUM", readonly=True)]).up()
    assert_tools_from(vm, "sdh")
    assert vm.poweroff() == 0


def test_the_iso_written_to_a_usb_stick_is_the_medium(vm_factory, tmp_path):
    """dd'ed to a stick: no slot, the only disk with the label: its tools."""
    stick = str(tmp_path / "stick.img")
    shutil.copyfile(ISO, stick)
    machine = Disk(make_disk(str(tmp_path / "a.img"), 8), 0)
    vm = vm_factory(boot="kernel", kernel=ISO_KERNEL, nic=None, disks=[machine],
                    extra=qemu_args.other_disks("usb", [stick])).up()
    # usb-storage scans a second after the stick shows up: after the disk
    # table, so /init looks for it in the background
    log = vm.ok("cat /run/lifeboat/boot.log")
    assert "looking for one for 15 s in the background" in log, log
    for _ in range(60):
        log = vm.ok("cat /run/lifeboat/boot.log")
        m = re.search(r"mounted the medium (\w+) on", log)
        if m:
            break
        vm.sleep(0.5)
    assert m and m.group(1) != "sda", "the stick was not mounted as the medium:\n" + log
    assert_tools_from(vm, m.group(1))
    assert vm.poweroff() == 0


def boot_warns(vm_factory, disks, warning, late=False):
    """The ISO's kernel with DISKS: WARNING on the console, then the prompt
    (LATE: the prompt, then the background search's WARNING), and nothing of
    the medium's mounted."""
    vm = vm_factory(boot="kernel", kernel=ISO_KERNEL, nic=None, disks=disks).start()
    if late:
        vm.wait_boot_prompt()
        vm.expect(r"init: warning: [^\n]*" + warning, seconds=60)
    else:
        vm.expect(r"init: warning: [^\n]*" + warning)
        vm.wait_boot_prompt()
    vm.set_prompt()
    log = vm.ok("cat /run/lifeboat/boot.log")
    assert MISSING in log, log
    m = mounts(vm)
    assert not [x for x in m if x[1] in (MEDIUM, TOOLS) or x[2] == "iso9660"], m
    # the shell and the base tools work without it
    vm.ok("e2fsck -V && mke2fs -V")
    assert vm.poweroff() == 0
    return log


def test_a_copy_of_the_iso_on_a_machine_disk_is_not_mounted(vm_factory, tmp_path):
    copy = str(tmp_path / "copy.iso")
    shutil.copyfile(ISO, copy)
    boot_warns(vm_factory, [Disk(copy, 2, readonly=True)],
               r"the Lifeboat medium is sdc, not sdh: its tools image is not used")


def test_a_foreign_iso_at_sdh_is_not_mounted(vm_factory, tmp_path):
    """An ISO labelled otherwise at sdh, with a tools image: not the medium."""
    tree = tmp_path / "tree"
    (tree / "lifeboat").mkdir(parents=True)
    shutil.copyfile(os.path.join(TOP, "_build", "tools.squashfs"), tree / "lifeboat" / "tools.squashfs")
    iso = str(tmp_path / "foreign.iso")
    subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-V", "LIFEBOAT_00000000", "-r",
                    "-o", iso, str(tree)], check=True)
    log = boot_warns(vm_factory, [Disk(iso, 7, readonly=True)],
                     r"no Lifeboat medium at sdh, in a CD drive or on a USB stick after 15 s",
                     late=True)
    assert "disk sdh is in the medium's slot, not the medium" in log, log


def test_a_medium_without_the_tools_image_warns(vm_factory, tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "README").write_text("no tools image here\n")
    iso = str(tmp_path / "bare.iso")
    subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-V", medium_id(), "-r",
                    "-o", iso, str(tree)], check=True)
    boot_warns(vm_factory, [Disk(iso, 7, readonly=True)],
               r"no tools image %s/lifeboat/tools.squashfs on the medium sdh" % MEDIUM)


def test_a_broken_tools_image_on_the_medium_warns(vm_factory, tmp_path):
    """The ISO with its tools image's superblock overwritten (a bad copy)."""
    broken = str(tmp_path / "broken.iso")
    shutil.copyfile(ISO, broken)
    with open(os.path.join(TOP, "_build", "tools.squashfs"), "rb") as f:
        head = f.read(4096)
    with open(broken, "r+b") as f:
        data = f.read()
        at = data.find(head)
        assert at > 0 and at % 2048 == 0, "the tools image is not in the ISO"
        f.seek(at)
        f.write(b"\0" * 4096)
    boot_warns(vm_factory, [Disk(broken, 7, readonly=True)],
               r"cannot mount the tools image %s/lifeboat/tools.squashfs" % MEDIUM)

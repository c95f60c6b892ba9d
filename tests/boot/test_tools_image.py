"""Issue 15: the tools image and the kernel's modules.

The large tools and the kernel modules are in a squashfs inside the
initramfs, mounted read-only at boot (/usr/lib/lifeboat/tools) and linked from
their usual paths; no module is loaded until a disk or a command needs one.
Test disks are made on the host with Debian's mkfs.xfs, mkfs.btrfs and
mke2fs; the device-mapper case uses tests/boot/helpers/dmlinear.c, a
test-only dmsetup built here with musl-gcc.
"""
import os
import shutil
import subprocess

import pytest

from lifeboat_vm import Disk, make_disk, sha256

TOOLS = "/usr/lib/lifeboat/tools"
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def need(tool):
    if shutil.which(tool) is None:
        pytest.skip("%s not found on the host (make deps: build/deps.txt)" % tool)


def modules(vm):
    """The names of the loaded modules (/proc/modules)."""
    return [line.split()[0] for line in vm.ok("cat /proc/modules").splitlines() if line.strip()]


def test_tools_image_mounted_read_only_and_linked(vm_factory, tmp_path):
    disk = Disk(make_disk(str(tmp_path / "a.img"), 8), 0)
    vm = vm_factory(boot="kernel", disks=[disk], nic=None).up()
    mounts = [line.split() for line in vm.ok("cat /proc/mounts").splitlines()]
    tools = [m for m in mounts if m[1] == TOOLS]
    assert tools and tools[0][2] == "squashfs", mounts
    assert "ro" in tools[0][3].split(","), tools
    assert tools[0][0].startswith("/dev/loop"), tools
    # nothing is loaded at the prompt
    assert modules(vm) == []
    release = vm.ok("uname -r")
    # the modules are linked from /lib/modules, and the links resolve
    dep = "/lib/modules/%s/modules.dep" % release
    assert vm.ok("readlink %s" % dep) == TOOLS + dep
    assert "xfs.ko" in vm.ok("cat %s" % dep)
    # every link into the mount resolves
    assert vm.ok("find / -xdev -type l | while read l; do case $(readlink $l) in %s/*)"
                 " [ -e $l ] || echo BROKEN $l;; esac; done; echo checked" % TOOLS) == "checked"
    # the loop device is no disk: not in the disk table
    table = vm.ok("lifeboat disks")
    assert "loop" not in table and "sda" in table, table
    # read-only for real
    out, rc = vm.run("touch %s/x" % TOOLS)
    assert rc != 0
    assert modules(vm) == []
    assert vm.poweroff() == 0


def test_modules_load_on_demand(vm_factory, tmp_path):
    need("mkfs.xfs")
    need("mkfs.btrfs")
    xfs = make_disk(str(tmp_path / "xfs.img"), 320)
    subprocess.run(["mkfs.xfs", "-q", "-f", "-L", "lbxfs", xfs], check=True)
    btrfs = make_disk(str(tmp_path / "btrfs.img"), 160)
    subprocess.run(["mkfs.btrfs", "-q", "-f", "-L", "lbbtrfs", btrfs], check=True)
    vm = vm_factory(boot="kernel", disks=[Disk(xfs, 0), Disk(btrfs, 1)], nic=None).up()
    assert modules(vm) == []
    vm.ok("mkdir -p /media/sda /media/sdb")
    vm.ok("mount /dev/sda /media/sda", 120)
    assert "xfs" in modules(vm)
    assert "btrfs" not in modules(vm)
    assert vm.ok("awk '$2 == \"/media/sda\" { print $3 }' /proc/mounts") == "xfs"
    vm.ok("umount /media/sda")
    vm.ok("mount -t btrfs /dev/sdb /media/sdb", 180)
    assert "btrfs" in modules(vm)
    vm.ok("umount /media/sdb")
    # opening device-mapper's control node loads dm-mod
    assert "dm_mod" not in modules(vm)
    vm.ok("exec 3<>/dev/mapper/control; exec 3<&-")
    assert "dm_mod" in modules(vm)
    assert vm.poweroff() == 0


def test_nvme_disk_in_the_table(vm_factory, tmp_path):
    img = make_disk(str(tmp_path / "nvme.img"), 16)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-L", "nvmedisk", img], check=True)
    vm = vm_factory(boot="kernel", nic=None, extra=[
        "-drive", "if=none,id=nv0,format=raw,file=" + img,
        "-device", "nvme,drive=nv0,serial=NVME0"]).up()
    table = vm.ok("lifeboat disks")
    assert "nvme0n1" in table and "nvmedisk" in table, table
    assert modules(vm) == []
    assert vm.poweroff() == 0


def dm_helper_disk(tmp_path):
    """An ext4 disk holding the test-only dmlinear, built here."""
    need("musl-gcc")
    kinc = str(tmp_path / "kinc")
    subprocess.run([os.path.join(TOP, "build/components/kinc.sh"), kinc], check=True)
    d = tmp_path / "helper"
    d.mkdir()
    subprocess.run(["musl-gcc", "-static", "-Os", "-isystem", kinc, "-o", str(d / "dmlinear"),
                    os.path.join(HERE, "helpers", "dmlinear.c")], check=True)
    img = make_disk(str(tmp_path / "helper.img"), 8)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", str(d), img], check=True)
    return img


def test_dm_table_over_read_only_disk_is_read_only(vm_factory, tmp_path):
    helper = dm_helper_disk(tmp_path)
    data = make_disk(str(tmp_path / "data.img"), 16, fill="random")
    before = sha256(data)
    vm = vm_factory(boot="kernel", append="readonly",
                    disks=[Disk(data, 0), Disk(helper, 1)], nic=None).up()
    vm.ok("blockdev --setrw /dev/sdb && mkdir -p /media/sdb && mount -o ro /dev/sdb /media/sdb")
    assert vm.ok("cat /sys/block/sda/ro") == "1"
    # a read-write linear table asked for, over the read-only sda
    out = vm.ok("/media/sdb/dmlinear lin /dev/sda 32768")
    dm, mode = out.split()[-2:]
    assert mode == "ro", out
    assert vm.ok("cat /sys/block/%s/ro" % dm) == "1"
    out, rc = vm.run("dd if=/dev/zero of=/dev/%s bs=4096 count=16 conv=fsync" % dm)
    assert rc != 0, out
    assert vm.poweroff() == 0
    assert sha256(data) == before


def test_dm_table_over_writable_disk_stays_writable(vm_factory, tmp_path):
    """The other side: without readonly the mapping is writable."""
    helper = dm_helper_disk(tmp_path)
    data = make_disk(str(tmp_path / "data.img"), 16)
    vm = vm_factory(boot="kernel", disks=[Disk(data, 0), Disk(helper, 1)], nic=None).up()
    vm.ok("mkdir -p /media/sdb && mount -o ro /dev/sdb /media/sdb")
    out = vm.ok("/media/sdb/dmlinear lin /dev/sda 32768")
    dm, mode = out.split()[-2:]
    assert mode == "rw", out
    vm.ok("dd if=/dev/zero of=/dev/%s bs=4096 count=16 conv=fsync" % dm)
    assert vm.poweroff() == 0

"""Issue 16: the guide's mount spellings (`-o barrier=0`, `-o exec,barrier=0`,
`-o remount,exec,barrier=0`) mount XFS and btrfs, which reject barrier=0
(XFS has no barrier options since Linux 4.19, btrfs takes only `barrier` and
`nobarrier`): mount drops the option with a one-line note. ext4 still gets
it, with no note; a genuinely bad option still fails. Disks made on the host
by Debian's mkfs.xfs, mkfs.btrfs and mkfs.ext4 (mkfsdisks.py, fx_fs.py)."""
import re
import subprocess

import pytest

import mkfsdisks as mk
from fx_fs import assert_clean, copy_disk, fs_disks, module_vm  # noqa: F401
from lifeboat_vm import Disk

NOTE = "mount: note: %s does not apply to %s; %s without it"
# (disk, filesystem, what the guest's /proc/mounts shows of barrier=0)
DISKS = (("sda", "xfs", None), ("sdb", "btrfs", None), ("sdc", "ext4", "nobarrier"))


@pytest.fixture(scope="module")
def disks(fs_disks, tmp_path_factory):  # noqa: F811
    """sda XFS, sdb btrfs (issue 15's cached disks, copied), sdc ext4."""
    where = tmp_path_factory.mktemp("barrier")
    ext4 = str(where / "ext4.img")
    subprocess.run(["truncate", "-s", "64M", ext4], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "lbext4", ext4], check=True)
    return [copy_disk(fs_disks, "xfs", where), copy_disk(fs_disks, "btrfs", where), ext4]


@pytest.fixture(scope="module")
def vm(request, tmp_path_factory, disks):
    vm = module_vm(request, tmp_path_factory, [Disk(p, n) for n, p in enumerate(disks)], nic=None)
    vm.up()
    vm.ok("mkdir -p /media/sda /media/sdb /media/sdc")
    return vm


def mounted(vm, disk):
    """The options of /dev/DISK on /media/DISK in /proc/mounts, or None."""
    m = re.search(r"^/dev/%s /media/%s (\S+) (\S+) " % (disk, disk), vm.ok("cat /proc/mounts"), re.M)
    return (m.group(1), m.group(2).split(",")) if m else None


def assert_note(out, fstype, fs, verb):
    notes = [line for line in out.splitlines() if "note:" in line]
    if fstype == "ext4":
        assert notes == [], out
    else:
        assert notes == [NOTE % ("barrier=0", fs, verb)], out


@pytest.mark.parametrize("disk,fs,shown", DISKS)
def test_guide_mount_spellings(vm, disk, fs, shown):
    dev, mnt = "/dev/" + disk, "/media/" + disk
    for opts in ("barrier=0", "exec,barrier=0"):
        out = vm.ok("mount -o %s %s %s 2>&1" % (opts, dev, mnt))
        assert_note(out, fs, fs, "mounted")
        got = mounted(vm, disk)
        assert got and got[0] == fs and "rw" in got[1], (opts, got)
        assert (shown in got[1]) if shown else not any("barrier" in o for o in got[1]), got
        if opts == "exec,barrier=0":
            out = vm.ok("mount -o remount,exec,barrier=0 %s 2>&1" % mnt)
            assert_note(out, fs, fs, "remounted")
            got = mounted(vm, disk)
            assert got and got[0] == fs and "rw" in got[1], got
        vm.ok("umount " + mnt)
    assert mounted(vm, disk) is None


@pytest.mark.parametrize("disk,fs,shown", DISKS)
def test_bad_option_still_fails(vm, disk, fs, shown):
    dev, mnt = "/dev/" + disk, "/media/" + disk
    for opts in ("barrier=0,nosuchoption", "nosuchoption"):
        out, rc = vm.run("mount -o %s %s %s 2>&1" % (opts, dev, mnt))
        assert rc != 0 and "note:" not in out, (opts, out)
        assert "mount: mounting %s on %s failed" % (dev, mnt) in out, out
        assert mounted(vm, disk) is None
    # a remount with a bad option fails and leaves the mount as it was
    vm.ok("mount -o barrier=0 %s %s" % (dev, mnt))
    out, rc = vm.run("mount -o remount,barrier=0,nosuchoption %s 2>&1" % mnt)
    assert rc != 0 and "note:" not in out, out
    assert mounted(vm, disk)[0] == fs
    vm.ok("umount " + mnt)


def test_disks_clean_on_the_host(vm, disks):
    """Last: power off; the host's checkers find what the guest mounted
    read-write clean."""
    assert vm.poweroff() == 0
    xfs, btrfs, ext4 = disks
    assert_clean(["xfs_repair", "-n", xfs], "XFS")
    assert_clean(["btrfs", "check", btrfs], "btrfs")
    assert_clean(["e2fsck", "-fn", ext4], "ext4")
    assert mk.XFS["label"] in assert_clean(["xfs_admin", "-l", xfs], "XFS label")

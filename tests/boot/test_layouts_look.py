"""Issue 16: a boot that only looked at the distributions' layouts (the
banner's table, `lifeboat disks`, blkid) changes no byte of any disk: no VG
activated, no log replayed, no superblock touched."""
from fx_layouts import layout_cache, layouts  # noqa: F401
from lifeboat_vm import Disk, sha256

NAMES = ("rhel", "ubuntu", "fedora", "cloud")


def test_a_boot_that_only_looked_leaves_every_layout_byte_identical(vm_factory, layouts):  # noqa: F811
    paths = [layouts.copy(name) for name in NAMES]
    want = [sha256(p) for p in paths]
    vm = vm_factory(boot="kernel", disks=[Disk(p, n) for n, p in enumerate(paths)], nic=None).up()
    table = vm.ok("lifeboat disks")
    # what each layout holds is seen: both VGs, the btrfs, the XFS /boot
    for seen in ("VG rl", "VG ubuntu-vg", "btrfs", "xfs", "vfat"):
        assert seen in table, (seen, table)
    vm.ok("blkid")
    assert vm.ok("ls /dev/mapper | cat") == "control"  # nothing activated
    assert vm.poweroff() == 0
    assert [sha256(p) for p in paths] == want

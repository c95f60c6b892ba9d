"""Issue 15: an LVM VG, md raid1 arrays and LUKS volumes made by Debian's own
tools (fx_volumes.py), opened in the guest with Lifeboat's; nothing on them
written unless asked, and nothing at all under `readonly`."""
import re

import pytest

from fx_volumes import (FIXTURE_FILE, PASSPHRASE_PROMPT, assert_luks_holds, assert_lv_holds,
                        assert_md_holds, md_arrays, run_typing, volumes, volume_cache)  # noqa: F401
from lifeboat_vm import BOOT_PROMPT, Disk, sha256

WRITTEN = {"/written.txt": "written in lifeboat"}
SMALL_VM_MIB = 256  # far below the 1 GiB argon2 cost of luks2-1g


def booted(vm_factory, disks, **kw):
    return vm_factory(boot="kernel", disks=disks, nic=None, **kw).up()


def write_file_and_umount(vm, mnt):
    vm.ok("echo '%s' > %s/written.txt && umount %s" % (WRITTEN["/written.txt"], mnt, mnt))


def assert_reads_fixture(vm, dev, name, opts="ro"):
    """Mount dev on /media/NAME (opts), read the fixture's file; the mount
    point, left mounted."""
    mnt = "/media/" + name
    vm.ok("mkdir -p %s && mount -o %s %s %s" % (mnt, opts, dev, mnt))
    assert vm.ok("cat %s%s" % (mnt, FIXTURE_FILE)) == "fixture " + name
    return mnt


def assert_read_only(vm, dev):
    assert vm.ok("blockdev --getro " + dev) == "1", dev
    out, rc = vm.run("dd if=/dev/zero of=%s bs=4096 count=1 conv=fsync" % dev)
    assert rc != 0, (dev, out)


def test_lvm_vg_activated_lv_mounted_written_then_clean_on_host(vm_factory, volumes):
    img = volumes.copy("lvm")
    vm = booted(vm_factory, [Disk(img, 0)])
    out = vm.ok("vgchange -ay rl", 120)
    assert re.search(r'2 logical volume\(s\) in volume group "rl" now active', out), out
    for node in ("/dev/mapper/rl-root", "/dev/rl/root", "/dev/mapper/rl-swap", "/dev/rl/swap"):
        out, rc = vm.run("test -b " + node)
        assert rc == 0, "%s is not a block device:\n%s" % (node, vm.ok("ls -l /dev/mapper /dev/rl 2>&1; true"))
    assert vm.ok("blkid -s TYPE -o value /dev/rl/swap") == "swap"
    mnt = assert_reads_fixture(vm, "/dev/rl/root", "lvm", "rw")
    write_file_and_umount(vm, mnt)
    vm.ok("vgchange -an rl", 120)
    assert vm.run("test -e /dev/mapper/rl-root")[1] == 1
    assert vm.poweroff() == 0
    assert_lv_holds(img, volumes.facts, WRITTEN)


def test_md_raid1_assembled_by_scan_written_then_consistent_on_host(vm_factory, volumes):
    """Metadata 1.2 and 0.90, both found by mdadm --assemble --scan."""
    members = {name: [volumes.copy(name + "-a"), volumes.copy(name + "-b")]
               for name in ("md12", "md090")}
    disks = [Disk(members["md12"][0], 0), Disk(members["md12"][1], 1),
             Disk(members["md090"][0], 2), Disk(members["md090"][1], 3)]
    vm = booted(vm_factory, disks)
    out = vm.ok("mdadm --assemble --scan", 120)
    arrays = {tuple(m): md for md, m in md_arrays(vm).items()}
    assert set(arrays) == {("sda", "sdb"), ("sdc", "sdd")}, (out, vm.ok("cat /proc/mdstat"))
    for name, pair in (("md12", ("sda", "sdb")), ("md090", ("sdc", "sdd"))):
        md = "/dev/" + arrays[pair]
        detail = vm.ok("mdadm --detail " + md)
        assert re.search(r"State : (clean|active)\s*$", detail, re.M), detail
        write_file_and_umount(vm, assert_reads_fixture(vm, md, name, "rw"))
        vm.ok("mdadm --stop " + md)
    assert vm.ok("cat /proc/mdstat | grep -c ^md; true") == "0"
    assert vm.poweroff() == 0
    for name, pair in members.items():
        assert_md_holds(pair, name, WRITTEN)


def test_md_raid1_degraded_one_member_missing(vm_factory, volumes):
    disks = [Disk(volumes.copy("md12-a"), 0), Disk(volumes.copy("md090-b"), 1)]
    vm = booted(vm_factory, disks)
    for md, member, name in (("/dev/md0", "/dev/sda", "md12"), ("/dev/md1", "/dev/sdb", "md090")):
        out = vm.ok("mdadm --assemble --run %s %s" % (md, member), 120)
        assert re.search(r"started with 1 drive \(out of 2\)", out), out
        assert "[2/1]" in vm.ok("cat /proc/mdstat")
        assert re.search(r"State : \S+, degraded", vm.ok("mdadm --detail " + md)), md
        vm.ok("umount " + assert_reads_fixture(vm, md, name))
        vm.ok("mdadm --stop " + md)
    assert vm.poweroff() == 0


@pytest.mark.parametrize("name", ["luks2", "luks1"])
def test_luks_opened_with_typed_passphrase_and_key_file(vm_factory, volumes, name):
    """LUKS2 with cryptsetup's defaults (argon2id; the VM gets the RAM its
    memory cost needs) and LUKS1; then the host finds the volume intact."""
    img = volumes.copy(name)
    mem = max(512, volumes.memory_mib(name) + 256) if name == "luks2" else 512
    vm = booted(vm_factory, [Disk(img, 0)], mem=mem)
    dump = vm.ok("cryptsetup luksDump /dev/sda")
    assert re.search(r"^Version:\s*%s$" % name[-1], dump, re.M), dump
    if name == "luks2":
        assert "argon2id" in dump, dump
        table = vm.ok("lifeboat disks")
        assert "MiB of RAM to open" not in table, (mem, table)
    out, rc = run_typing(vm, "cryptsetup open /dev/sda " + name, PASSPHRASE_PROMPT,
                         volumes.passphrase, 900)
    assert rc == 0, out
    vm.ok("umount " + assert_reads_fixture(vm, "/dev/mapper/" + name, name))
    vm.ok("cryptsetup close " + name)
    assert vm.run("test -e /dev/mapper/" + name)[1] == 1
    vm.ok("printf '%%s' '%s' > /tmp/key" % volumes.key)
    vm.ok("cryptsetup open --key-file /tmp/key /dev/sda " + name, 900)
    write_file_and_umount(vm, assert_reads_fixture(vm, "/dev/mapper/" + name, name, "rw"))
    vm.ok("cryptsetup close " + name)
    assert vm.poweroff() == 0
    assert_luks_holds(img, volumes.keyfile, name, WRITTEN)


def test_luks2_needing_more_ram_than_the_vm_has_says_so(vm_factory, volumes):
    """argon2id with 1 GiB of memory cost (cryptsetup's default on a big
    machine) on a small VM: the disk table says how much RAM it needs,
    cryptsetup fails with a clear message, and the shell lives on."""
    img = volumes.copy("luks2-1g")
    vm = vm_factory(boot="kernel", disks=[Disk(img, 0)], nic=None, mem=SMALL_VM_MIB).start()
    vm.expect("Welcome to Lifeboat!", 120)
    vm.expect(re.escape(BOOT_PROMPT), 120)
    banner = vm.child.before
    vm.set_prompt()
    assert "MiB of RAM to open" in banner, banner
    table = vm.ok("lifeboat disks")
    assert re.search(r"^\s*sda\s.*crypto_LUKS", table, re.M), table
    assert "MiB of RAM to open" in table, table
    vm.ok("printf '%%s' '%s' > /tmp/key" % volumes.key)
    out, rc = vm.run("cryptsetup open --key-file /tmp/key /dev/sda big 2>&1", 900)
    # failed, and said why itself: not killed by the OOM killer (137), whose
    # kernel lines on the console do not count
    assert rc not in (0, 137), (rc, out)
    said = [line for line in out.splitlines() if not re.match(r"\[\s*\d+\.\d+\]|Out of memory", line)]
    assert any(re.search(r"memory|RAM", line, re.I) for line in said), out
    assert vm.run("test -e /dev/mapper/big")[1] == 1
    assert vm.ok("echo still here") == "still here"
    assert vm.poweroff() == 0


ALL_VOLUMES = ["lvm", "luks2", "luks1", "md12-a", "md12-b", "md090-a", "md090-b"]


def test_looking_leaves_every_volume_byte_identical(vm_factory, volumes):
    """The banner's table and `lifeboat disks`, nothing else: no VG is
    activated, no array assembled, no mapping made, no byte written."""
    disks = [Disk(volumes.copy(name), slot) for slot, name in enumerate(ALL_VOLUMES)]
    before = [sha256(d.path) for d in disks]
    vm = vm_factory(boot="iso-disk", disks=disks, nic=None).up()
    table = vm.ok("lifeboat disks")
    mapper = vm.ok("ls /dev/mapper 2>/dev/null | cat").split()  # a pipe: no colours
    arrays = md_arrays(vm)
    assert vm.poweroff() == 0
    assert [sha256(d.path) for d in disks] == before
    assert set(mapper) <= {"control"}, mapper
    assert arrays == {}, arrays
    # what the table shows of each (libblkid's names; the FS column holds 11
    # characters, so a longer name is cut there and given whole in the note
    # line below the row)
    for slot, kind in enumerate(["LVM2_member", "crypto_LUKS", "crypto_LUKS"] + ["linux_raid_member"] * 4):
        row = r"^\s*sd%s\s+%d\s.*%s" % (chr(97 + slot), slot, kind[:11])
        whole = "" if len(kind) <= 11 else r".*\n\s+%s" % kind
        assert re.search(row + whole, table, re.M), (kind, table)


def test_readonly_covers_lv_luks_mapping_and_md_array(vm_factory, volumes):
    """Under `readonly`, what is activated later is read-only too."""
    disks = [Disk(volumes.copy(name), slot)
             for slot, name in enumerate(["lvm", "luks1", "md12-a", "md12-b"])]
    before = [sha256(d.path) for d in disks]
    vm = booted(vm_factory, disks, append="readonly")
    vm.ok("vgchange -ay rl", 120)
    vm.ok("printf '%%s' '%s' > /tmp/key" % volumes.key)
    vm.ok("cryptsetup open --key-file /tmp/key /dev/sdb luks1", 300)
    vm.ok("mdadm --assemble /dev/md0 /dev/sdc /dev/sdd", 120)
    for dev, name in (("/dev/mapper/rl-root", "lvm"), ("/dev/mapper/luks1", "luks1"),
                      ("/dev/md0", "md12")):
        assert_read_only(vm, dev)
        vm.ok("umount " + assert_reads_fixture(vm, dev, name))
    assert_read_only(vm, "/dev/mapper/rl-swap")
    vm.ok("vgchange -an rl && cryptsetup close luks1 && mdadm --stop /dev/md0", 120)
    assert vm.poweroff() == 0
    assert [sha256(d.path) for d in disks] == before


def table_entry(table, name):
    """(the row of NAME, the lines below it): a row whose name is too long
    for its column stands on the line after the name."""
    lines = table.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^  %s(\s|$)" % re.escape(name), line):
            if line.strip() == name:  # the name alone, the row after it
                i += 1
            below = []
            for nxt in lines[i + 1:]:
                if not nxt.startswith(" " * 10):
                    break
                below.append(nxt.strip())
            return lines[i], below
    raise AssertionError("no row for %s:\n%s" % (name, table))


def test_disk_table_shows_active_stacks(vm_factory, volumes):
    """Issue 16: a LUKS volume locked, then open (as which /dev/mapper name);
    once active, the LV, the open volume and the assembled md array are rows
    of their own with the filesystem, label and UUID found on each."""
    disks = [Disk(volumes.copy(name), slot)
             for slot, name in enumerate(["lvm", "luks1", "md12-a", "md12-b"])]
    vm = booted(vm_factory, disks)
    table = vm.ok("lifeboat disks")
    assert "locked" in table_entry(table, "sdb")[1], table
    for member in ("sdc", "sdd"):
        assert "not in an active array" in table_entry(table, member)[1], table
    for absent in ("rl/root", "mapper/luks1", "md0"):
        assert not re.search(r"^  %s(\s|$)" % re.escape(absent), table, re.M), (absent, table)

    vm.ok("vgchange -ay rl", 120)
    vm.ok("printf '%%s' '%s' > /tmp/key" % volumes.key)
    vm.ok("cryptsetup open --key-file /tmp/key /dev/sdb luks1", 300)
    vm.ok("mdadm --assemble /dev/md0 /dev/sdc /dev/sdd", 120)
    vm.ok("mkdir -p /media/lvm && mount -o ro /dev/rl/root /media/lvm")
    table = vm.ok("lifeboat disks")
    for line in table.splitlines():
        assert len(line) <= 80 or re.match(r"^\s*(sd[a-g]|DISK|rl/root)\s", line), (line, table)
    uuid = {dev: vm.ok("blkid -s UUID -o value " + dev)[:8]
            for dev in ("/dev/mapper/rl-root", "/dev/mapper/luks1", "/dev/md0")}
    for name, dev, label, state in (
            ("rl/root", "/dev/mapper/rl-root", "lvm", "LV of VG rl on sda"),
            ("mapper/luks1", "/dev/mapper/luks1", "luks1", "dm-crypt, open on sdb"),
            ("md0", "/dev/md0", "md12", "md raid1 of sdc, sdd (clean)")):
        line, below = table_entry(table, name)
        assert re.search(r"\sext4\s+%s\s+%s\s" % (label, uuid[dev]), line), (name, table)
        assert state in below, (name, table)
    assert re.search(r"\s/media/lvm$", table_entry(table, "rl/root")[0]), table
    assert "open as /dev/mapper/luks1" in table_entry(table, "sdb")[1], table
    for member in ("sdc", "sdd"):
        assert "in md0" in table_entry(table, member)[1], table
    # the swap LV too, with what is on it
    assert re.search(r"\sswap\s+rlswap\s", table_entry(table, "rl/swap")[0]), table
    vm.ok("umount /media/lvm")
    vm.ok("vgchange -an rl && cryptsetup close luks1 && mdadm --stop /dev/md0", 120)
    assert vm.poweroff() == 0

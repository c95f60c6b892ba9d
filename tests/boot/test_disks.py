"""Issue 4: /dev/sda-/dev/sdg by slot, /dev/sdh for the image, nothing touched."""
import os
import random
import re
import shutil
import subprocess

import pytest
import qemu_args

from lifeboat_vm import BOOT_PROMPT, ISO, TOP, Disk, make_disk, sha256

SCRAMBLED = [4, 0, 6, 2, 5, 1, 3]


def sizes_by_name(vm):
    """{name: (bytes, serial)}: sizes from lsblk (the tool a user would
    ask), serials from the disk table (lsblk needs udev for them)."""
    serials = {}
    for line in vm.ok("lifeboat disks").splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 4 and parts[0].startswith(("sd", "vd")):
            serials[parts[0]] = parts[3]
    table = {}
    for line in vm.ok("lsblk -dbno NAME,SIZE").splitlines():
        parts = line.split()
        if parts and parts[0].startswith(("sd", "vd")):
            table[parts[0]] = (int(parts[1]), serials.get(parts[0], "?"))
    return table


def slot_disks(tmp_path, slots):
    # slot N: (N + 1) MiB, serial slotN: each disk can be told apart
    return [Disk(make_disk(str(tmp_path / ("slot%d.img" % s)), s + 1), s, serial="slot%d" % s)
            for s in slots]



def test_names_follow_slots_scrambled_smp4_ten_boots(vm_factory, tmp_path):
    disks = slot_disks(tmp_path, SCRAMBLED)
    for boot in range(10):
        order = list(disks)
        random.Random(boot).shuffle(order)
        vm = vm_factory(boot="kernel", smp=4, disks=order, nic=None).up()
        table = sizes_by_name(vm)
        for s in range(7):
            name = "sd" + chr(ord("a") + s)
            assert table.get(name) == ((s + 1) << 20, "slot%d" % s), (boot, name, table)
        # every tool agrees: /dev nodes, blkid's view, /proc/partitions
        parts = vm.ok("cat /proc/partitions")
        for s in range(7):
            assert re.search(r"\s%d sd%s$" % ((s + 1) * 1024, chr(97 + s)), parts, re.M), parts
        assert vm.poweroff() == 0
        vm.close()


def test_gaps_keep_slot_names(vm_factory, tmp_path):
    vm = vm_factory(boot="kernel", disks=slot_disks(tmp_path, [5, 0, 2]), nic=None).up()
    table = sizes_by_name(vm)
    assert sorted(table) == ["sda", "sdc", "sdf"]
    assert table["sdc"][0] == 3 << 20 and table["sdf"][0] == 6 << 20
    assert vm.poweroff() == 0


def test_iso_at_slot_7_is_sdh_and_the_medium(vm_factory, tmp_path):
    vm = vm_factory(boot="iso-disk", disks=slot_disks(tmp_path, [0, 1]), nic=None).start()
    vm.expect("Welcome to Lifeboat!", 120)
    vm.expect(r"sdh\s+7 [^\n]*lifeboat-medium", 30)
    vm.expect(re.escape(BOOT_PROMPT), 120)
    # the medium is one row: its partitions (the ISO image, the EFI image)
    # are Lifeboat's, neither probed nor shown
    assert not re.search(r"^\s*sdh\d", vm.child.before, re.M), vm.child.before
    vm.set_prompt()
    assert vm.ok("blkid -s LABEL -o value /dev/sdh") == vm.ok("cat /etc/lifeboat/medium-id")
    assert vm.ok("echo /dev/sdh[0-9]*").split() == ["/dev/sdh1", "/dev/sdh2"]
    table = vm.ok("lifeboat disks")
    assert re.search(r"^\s*sdh\s+7\s.*lifeboat-medium", table, re.M), table
    assert not re.search(r"^\s*sdh\d", table, re.M), table
    assert not re.search(r"^\s*sda\s.*medium", table, re.M), table
    assert vm.poweroff() == 0


def test_foreign_disk_at_slot_7_is_flagged(vm_factory, tmp_path):
    disks = slot_disks(tmp_path, [0, 7])
    # a customer's disk at sdh: its partitions are probed and shown, after it
    subprocess.run(["sfdisk", "-q", disks[1].path], input="label: gpt\nstart=2048, size=8192\n",
                   text=True, check=True)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "custpart", "-E", "offset=%d" % (2048 * 512),
                    disks[1].path, "4M"], check=True)
    vm = vm_factory(boot="kernel", disks=disks, nic=None).start()
    vm.expect("Welcome to Lifeboat!", 120)
    vm.expect(r"sdh\s+7 [^\n]*not-the-medium", 30)
    vm.expect(r"sdh1\s+4\.0M\s+ext4\s+custpart", 10)
    vm.wait_boot_prompt()
    table = vm.ok("lifeboat disks")
    assert re.search(r"^\s*sdh\s+7\s.*gpt.*not-the-medium", table, re.M), table
    assert re.search(r"^\s*sdh1\s+4\.0M\s+ext4\s+custpart", table, re.M), table
    assert "lifeboat-medium" not in table
    assert vm.poweroff() == 0


def test_virtio_blk_disks_get_slot_names(vm_factory, tmp_path):
    paths = [make_disk(str(tmp_path / ("vblk%d.img" % n)), 10 + n) for n in range(3)]
    vm = vm_factory(boot="kernel", extra=qemu_args.other_disks("virtio-blk", paths, serial="vblk"),
                    nic=None).up()
    table = sizes_by_name(vm)
    assert table == {"sda": (10 << 20, "vblk-0"), "sdb": (11 << 20, "vblk-1"),
                     "sdc": (12 << 20, "vblk-2")}, table
    assert vm.poweroff() == 0


def test_no_disks(vm_factory):
    vm = vm_factory(boot="kernel", nic=None).start()
    vm.expect("Welcome to Lifeboat!", 120)
    vm.expect("no disks found", 10)
    vm.wait_boot_prompt()
    assert vm.poweroff() == 0


def test_zero_size_and_garbage_disks_do_not_break_boot(vm_factory, tmp_path):
    empty = str(tmp_path / "empty.img")
    open(empty, "wb").close()
    garbage = make_disk(str(tmp_path / "garbage.img"), 8, fill="random")
    good = make_disk(str(tmp_path / "good.img"), 16)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "customer", good], check=True)
    disks = [Disk(empty, 0), Disk(garbage, 1), Disk(good, 2)]
    vm = vm_factory(boot="kernel", disks=disks, nic=None).up()
    table = vm.ok("lifeboat disks")
    assert re.search(r"^\s*sdc\s+2\s.*ext4\s+customer", table, re.M), table
    assert re.search(r"^\s*sdb\s+1\s", table, re.M), table
    assert vm.poweroff() == 0


def test_disks_are_not_touched(vm_factory, tmp_path):
    disks = slot_disks(tmp_path, range(7))
    subprocess.run(["mkfs.ext4", "-q", "-F", disks[0].path], check=True)
    subprocess.run(["mkfs.vfat", disks[1].path], check=True, capture_output=True)
    with open(disks[2].path, "r+b") as f:
        f.write(os.urandom(1 << 20))
    before = {d.path: sha256(d.path) for d in disks}
    vm = vm_factory(boot="iso-disk", disks=disks).up()
    vm.ok("lifeboat disks")
    assert vm.poweroff() == 0
    assert {d.path: sha256(d.path) for d in disks} == before


def test_readonly_option(vm_factory, tmp_path):
    disks = slot_disks(tmp_path, [0, 1])
    subprocess.run(["mkfs.ext4", "-q", "-F", disks[0].path], check=True)
    before = sha256(disks[0].path)
    vm = vm_factory(boot="kernel", disks=disks, append="readonly", nic=None).start()
    vm.expect("Welcome to Lifeboat!", 120)
    # the banner's table (scanned before the disks were set read-only) says
    # so; [^\n], not ".": pexpect matches with DOTALL
    vm.expect(r"sda +0 [^\n]*read-only", 10)
    vm.expect(r"sdb +1 [^\n]*read-only", 10)
    vm.wait_boot_prompt()
    assert vm.ok("cat /sys/block/sda/ro") == "1"
    assert vm.ok("blockdev --getro /dev/sdb") == "1"
    out, rc = vm.run("dd if=/dev/zero of=/dev/sda bs=512 count=1 conv=fsync")
    assert rc != 0, out
    vm.ok("mkdir -p /media/sda")
    # a read-write mount is refused: the kernel cannot open the disk for
    # writing (-w: busybox mount does not fall back to read-only)
    out, rc = vm.run("mount -w /dev/sda /media/sda")
    assert rc == 255, out
    assert "mount: mounting /dev/sda on /media/sda failed: Permission denied" in out, out
    assert " /media/sda " not in vm.ok("cat /proc/mounts")
    # without -w, busybox mount falls back to read-only (silently)
    out, rc = vm.run("mount -o rw /dev/sda /media/sda")
    assert rc == 0, out
    assert re.search(r"^/dev/sda /media/sda ext4 ro[,\s]", vm.ok("cat /proc/mounts"), re.M)
    vm.ok("umount /media/sda")
    # blockdev --setrw undoes it
    vm.ok("blockdev --setrw /dev/sdb")
    vm.ok("dd if=/dev/zero of=/dev/sdb bs=512 count=1 conv=fsync")
    assert vm.poweroff() == 0
    assert sha256(disks[0].path) == before


def test_readonly_disk_lifeboat_mount_rw_says_it_cannot(vm_factory, tmp_path):
    disk = make_disk(str(tmp_path / "sda.img"), 16)
    subprocess.run(["mkfs.ext4", "-q", "-F", disk], check=True)
    # sdb: GPT, one partition holding ext4
    parted = make_disk(str(tmp_path / "sdb.img"), 16)
    subprocess.run(["sfdisk", "-q", parted], input="label: gpt\nstart=2048, size=16384\n",
                   text=True, check=True)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-E", "offset=%d" % (2048 * 512), parted, "8M"],
                   check=True)
    vm = vm_factory(boot="kernel", disks=[Disk(disk, 0), Disk(parted, 1)], append="readonly",
                    nic=None).up()
    out, rc = vm.run("lifeboat mount sda --rw")
    mounts = vm.ok("cat /proc/mounts")
    # README: exit 1 when the job fails (cannot mount); the user must learn
    # the disk is read-only, never be told it was mounted read-write
    assert "mounted read-write" not in out, (out, mounts)
    assert rc == 1, out
    assert "read-only" in out, out
    # how to lift it, for the disk and for what is stacked on it
    for howto in ("blockdev --setrw /dev/sda", "mdadm --readwrite /dev/mdN",
                  "vgchange -an VG, then vgchange -ay VG",
                  "cryptsetup close NAME, then cryptsetup open DEVICE NAME"):
        assert howto in out, out
    assert max(len(line) for line in out.splitlines()) <= 80, out
    # a partition is read-only while its disk is: the disk is named
    out, rc = vm.run("lifeboat mount sdb1 --rw")
    assert rc == 1, out
    assert "To write: blockdev --setrw /dev/sdb (the disk sdb1 is on)" in out, out
    assert not re.search(r"^/dev/sda /media/sda \S+ rw[,\s]", mounts, re.M), mounts
    assert vm.poweroff() == 0


def test_banner_table_probed_once_then_live_after_exit(vm_factory, tmp_path):
    """The first banner's table is probed once by /init for every console
    (boot.log says so) and shows what is on the disks; a shell started later
    shows the table as it is then (a disk mounted meanwhile)."""
    part = make_disk(str(tmp_path / "data.img"), 32)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "data", part], check=True)
    blank = make_disk(str(tmp_path / "blank.img"), 8)
    vm = vm_factory(boot="kernel", disks=[Disk(part, 0), Disk(blank, 1)], nic=None).start()
    vm.expect("Welcome to Lifeboat!", 120)
    vm.expect(r"sda\s+0\s+32M\s+\S+\s+ext4\s+data", 10)
    vm.wait_boot_prompt()
    log = vm.ok("cat /run/lifeboat/boot.log")
    assert re.search(r"disk table probed in \d+ ms", log), log
    vm.ok("mkdir -p /media/sda && mount -o ro /dev/sda /media/sda")
    vm.child.sendline("exit")
    vm.expect("Welcome to Lifeboat!", 30)
    vm.expect(r"sda\s+0\s+32M\s+\S+\s+ext4\s+data\s+\S+\s+/media/sda", 10)
    vm.wait_boot_prompt()
    vm.ok("umount /media/sda")
    assert vm.poweroff() == 0


# Issue 15: what is stacked on a disk, as the host's Debian tools made it,
# shown by the table and left as it was (nothing activated, opened or written).
LAYERED_TOOLS = ("losetup", "pvcreate", "vgcreate", "lvcreate", "cryptsetup", "mkfs.xfs",
                 "mkfs.btrfs", "mkfs.vfat", "mkswap", "blkid")
LUKS2_ARGON2_MIB = 256


def host(*cmd):
    env = dict(os.environ, LVM_SUPPRESS_FD_WARNINGS="1")
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout


def make_lvm_pv(path, vg):
    """A PV and its VG (with an LV, not activated: the host has no
    device-mapper) made by Debian's lvm2 on a loop device (BUILD-NOTES 9)."""
    loop = host("losetup", "-f", "--show", path).strip()
    try:
        host("pvcreate", "-q", loop)
        host("vgcreate", "-q", vg, loop)
        host("lvcreate", "-q", "--driverloaded", "n", "-an", "-Zn", "-L", "8M", "-n", "root", vg)
    finally:
        host("losetup", "-d", loop)


def layered_disks(tmp_path):
    for tool in LAYERED_TOOLS:
        if shutil.which(tool) is None:
            pytest.skip("%s not found (apt-get install lvm2 cryptsetup xfsprogs btrfs-progs "
                        "dosfstools util-linux)" % tool)
    if os.geteuid() != 0:
        pytest.skip("making an LVM PV needs a loop device: run as root")
    img = lambda name, mib: make_disk(str(tmp_path / name), mib)  # noqa: E731
    lvm, luks1, luks2 = img("lvm.img", 32), img("luks1.img", 20), img("luks2.img", 20)
    xfs, btrfs, fat, swap = img("xfs.img", 320), img("btrfs.img", 128), img("fat.img", 33), img("swap.img", 8)
    make_lvm_pv(lvm, "vg15")
    key = str(tmp_path / "key")
    with open(key, "w") as f:
        f.write("rescue-passphrase")
    host("cryptsetup", "luksFormat", "-q", "--type", "luks1", "--iter-time", "10",
         "--key-file", key, luks1)
    # a fixed argon2id memory cost, so that a small VM is short of it
    host("cryptsetup", "luksFormat", "-q", "--type", "luks2", "--pbkdf", "argon2id",
         "--pbkdf-memory", str(LUKS2_ARGON2_MIB * 1024), "--pbkdf-force-iterations", "4",
         "--label", "cust2", "--key-file", key, luks2)
    host("mkfs.xfs", "-q", "-L", "xfsroot", xfs)
    host("mkfs.btrfs", "-q", "-L", "btrdata", btrfs)
    host("mkfs.vfat", "-n", "ESP", fat)
    host("mkswap", "-L", "swap0", swap)
    return [lvm, luks1, luks2, xfs, btrfs, fat, swap]


def uuid8(path):
    return host("blkid", "-p", "-s", "UUID", "-o", "value", path).strip()[:8]


def row(table, disk):
    """The row of disk and its note line ("" when none)."""
    lines = table.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^\s*%s\s" % disk, line):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            return line, (nxt.strip() if nxt.startswith(" " * 10) else "")
    raise AssertionError("no row for %s:\n%s" % (disk, table))


def test_layered_disks_shown_and_untouched(vm_factory, tmp_path):
    """LVM2 PV with its VG, LUKS1 and LUKS2 with their versions (and on a
    VM short of RAM, what argon2id needs to open it), XFS, btrfs, FAT and
    swap with label and UUID; two boots only looked, every disk is
    byte-identical after them."""
    paths = layered_disks(tmp_path)
    before = [sha256(p) for p in paths]
    disks = [Disk(p, slot) for slot, p in enumerate(paths)]
    # 256 MiB: MemTotal is under what a 256 MiB argon2id needs with the rest
    vm = vm_factory(boot="kernel", disks=disks, mem=256, nic=None).start()
    vm.expect("Welcome to Lifeboat!", 120)
    vm.expect(r"sdc +2 [^\n]*crypto_LUKS +cust2 [^\n]*\n +LUKS2 argon2id needs \d+ MiB of RAM "
              r"to open; this VM has \d+ MiB", 30)
    vm.wait_boot_prompt()
    table = vm.ok("lifeboat disks")
    for line in table.splitlines():
        assert len(line) <= 80 or re.match(r"^\s*(sd[a-g]|DISK)\s", line), (line, table)
    line, note = row(table, "sda")
    assert re.search(r"\sLVM2_member\s+vg15\s+%s\s" % uuid8(paths[0]), line), table
    assert note == "LVM2 PV of VG vg15", table
    line, note = row(table, "sdb")
    assert re.search(r"\scrypto_LUKS\s+-\s+%s\s" % uuid8(paths[1]), line), table
    assert note == "LUKS1", table
    line, note = row(table, "sdc")
    assert re.search(r"\scrypto_LUKS\s+cust2\s+%s\s" % uuid8(paths[2]), line), table
    mem = int(vm.ok("sed -n 's/^MemTotal: *\\([0-9]*\\) kB/\\1/p' /proc/meminfo")) // 1024
    assert note == "LUKS2 argon2id needs %d MiB of RAM to open; this VM has %d MiB" % (
        LUKS2_ARGON2_MIB + 48, mem), table
    for disk, slot, fs, label in (("sdd", 3, "xfs", "xfsroot"), ("sde", 4, "btrfs", "btrdata"),
                                  ("sdf", 5, "vfat", "ESP"), ("sdg", 6, "swap", "swap0")):
        line, note = row(table, disk)
        assert re.search(r"\s%s\s+%s\s+%s\s" % (fs, label, uuid8(paths[slot])), line), table
        assert note == "", table
    # nothing was activated, assembled or opened: the one other block device
    # is the loop device that holds the tools image
    blocks = vm.ok("ls /sys/block | cat").split()
    assert blocks == ["loop0", "sda", "sdb", "sdc", "sdd", "sde", "sdf", "sdg"], blocks
    assert vm.ok("cat /sys/block/loop0/loop/backing_file") == "/usr/lib/lifeboat/tools.squashfs"
    assert vm.poweroff() == 0

    # enough RAM: the volume's cost, no warning
    vm = vm_factory(boot="kernel", disks=disks, mem=512, nic=None).up()
    line, note = row(vm.ok("lifeboat disks"), "sdc")
    assert note == "LUKS2, argon2id with %d MiB" % LUKS2_ARGON2_MIB, line + "\n" + note
    assert vm.poweroff() == 0
    assert [sha256(p) for p in paths] == before


# Issue 21: the banner's probe reads little of a disk that holds nothing (it
# used to read 1 MiB of each for libblkid's ZFS prober: under TCG most of the
# table's time), and still names ZFS and an external XFS log. The ZFS pool and
# the XFS log are util-linux's own test images, from Debian's source package
# (made upstream with ZFS and xfsprogs), never by the image's binaries.
BLKID_IMAGES = os.path.join(TOP, "_build", "src", "util-linux", "tests", "ts", "blkid", "images-fs")
# the kernel's partition scan and the table's probe of a blank disk: 712
# sectors (356 KiB) measured, 2088 before; at most 512 KiB
BLANK_READ_MAX_SECTORS = 1024


def unxz(name, out):
    src = os.path.join(BLKID_IMAGES, name + ".img.xz")
    assert os.path.exists(src), "%s is missing: util-linux's source (make) holds it" % src
    with open(out, "wb") as f:
        subprocess.run(["xz", "-dc", src], check=True, stdout=f)
    return out


def test_probe_reads_little_of_a_blank_disk_and_still_finds_zfs(vm_factory, tmp_path):
    zfs = unxz("zfs", str(tmp_path / "zfs.img"))
    log = unxz("xfs-log", str(tmp_path / "xfs-log.img"))
    blank = make_disk(str(tmp_path / "blank.img"), 1024)
    paths = [zfs, log, blank]
    before = [sha256(p) for p in paths]
    vm = vm_factory(boot="kernel", disks=[Disk(p, slot) for slot, p in enumerate(paths)],
                    nic=None).up()
    # what the boot read of the blank disk: the kernel's partition scan and
    # the banner's probe (before `lifeboat disks` reads it again)
    stat = vm.ok("cat /sys/block/sdc/stat")
    sectors = int(stat.split()[2])
    assert sectors <= BLANK_READ_MAX_SECTORS, "the boot read %d sectors of a blank disk: %s" % (sectors, stat)
    table = vm.ok("lifeboat disks")
    line, _ = row(table, "sda")
    assert re.search(r"\szfs_member\s+tank\s", line), table
    line, _ = row(table, "sdb")
    assert re.search(r"\sxfs_externa\s", line), table  # the column is 11 wide
    line, _ = row(table, "sdc")
    assert re.search(r"\s1\.0G\s+LBDISK2\s+-\s", line), table
    assert vm.poweroff() == 0
    assert [sha256(p) for p in paths] == before

"""Issue 19: failing disks. QEMU's fault injection stands in for a dying disk:
blkdebug fails reads (every read, or the reads that touch given sectors),
null-co answers each read after 30 s, and device_del (QMP) pulls a disk out
while it is mounted. Whatever the disks do, the prompt comes, the console is
not flooded with kernel messages, PID 1 lives on, and nothing the user had is
lost. The disks are made by the host's own mkfs.ext4, sfdisk and dumpe2fs."""
import json
import os
import re
import socket
import subprocess
import time

import pytest

from lifeboat_vm import BOOT_PROMPT, Disk, free_port, make_disk, pause, sha256, timeout
from test_ssh import SSH_OPTS, keygen, scan

MIB = 1 << 20
SECTOR = 512
STALL_S = 30  # each read of the stalled disk
# kernel lines about a failed read; none may reach the console by default
KERNEL_IO_ERROR = re.compile(r"I/O error, dev sd|Buffer I/O error on dev|Sense Key|tag#\d+ CDB")


def blkdebug(tmp, name, img, sectors=None):
    """A -drive file= that fails every read of img with EIO, or (sectors)
    every read that touches one of them."""
    conf = tmp / (name + ".blkdebug")
    rules = ['[inject-error]\nevent = "read_aio"\nerrno = "5"\nonce = "off"\n'
             + ('sector = "%d"\n' % s if s is not None else "") for s in (sectors or [None])]
    conf.write_text("\n".join(rules))
    return "blkdebug:%s:%s" % (conf, img)


def stalled(size_mib, seconds=STALL_S):
    """A -drive file= for a disk whose every read answers (zeroes) after seconds."""
    return "null-co://,file.size=%d,file.latency-ns=%d,file.read-zeroes=on" % (
        size_mib * MIB, seconds * 10**9)


def host(cmd, **kw):
    got = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert got.returncode == 0, "host %s exited %d:\n%s%s" % (cmd, got.returncode, got.stdout, got.stderr)
    return got.stdout


def ext4(path, size_mib, label, files=(), extra=()):
    """An ext4 disk made by the host's mke2fs, with files written by its
    debugfs (no mount needed)."""
    make_disk(path, size_mib)
    host(["mkfs.ext4", "-q", "-F", "-b", "4096", "-L", label] + list(extra) + [path])
    for name, data in files:
        src = path + "." + name.replace("/", "_")
        with open(src, "wb") as f:
            f.write(data)
        host(["debugfs", "-w", "-R", "write %s %s" % (src, name), path])
        os.unlink(src)
    return path


def table_row(out, name):
    """The disk table's row of name, split on blanks."""
    for line in out.splitlines():
        cols = line.split()
        if cols and cols[0] == name:
            return cols
    raise AssertionError("no row for %s in:\n%s" % (name, out))


def row_below(out, name):
    """The note line right below name's row."""
    lines = out.splitlines()
    for i, line in enumerate(lines):
        cols = line.split()
        if cols and cols[0] == name and i + 1 < len(lines):
            return lines[i + 1].strip()
    return ""


def ioerrs(cols):
    m = [int(c.split(":")[1]) for c in cols if c.startswith("ioerr:")]
    return m[0] if m else 0


def test_failing_disks_at_boot_prompt_comes_console_quiet(vm_factory, tmp_path):
    """sda fails every read, sdb fails reads of one sector in its data,
    sdc answers each read after 30 s, sdd is a healthy partitioned disk."""
    a = make_disk(str(tmp_path / "a.img"), 64, fill="random")
    b = ext4(str(tmp_path / "b.img"), 64, "lbrange")
    d = make_disk(str(tmp_path / "d.img"), 64)
    host(["sfdisk", "-q", d], input="label: gpt\nstart=2048, size=40960\nstart=43008\n")
    host(["mkfs.ext4", "-q", "-F", "-L", "lbpart1", "-E", "offset=%d" % (2048 * SECTOR), d, "20M"])
    d_sum = sha256(d)
    bad = range(40 * MIB // SECTOR, 40 * MIB // SECTOR + 16)  # in sdb's data, far from its metadata
    disks = [Disk(blkdebug(tmp_path, "a", a), 0), Disk(blkdebug(tmp_path, "b", b, bad), 1),
             Disk(stalled(64), 2), Disk(d, 3)]
    vm = vm_factory(disks=disks)
    vm.start()
    vm.expect("Welcome to Lifeboat!", 180)
    vm.expect(re.escape(BOOT_PROMPT), 60)
    boot_text = open(vm.log_path, encoding="utf-8", errors="replace", newline="").read().replace("\r", "")
    vm.set_prompt()
    # The firmware (SeaBIOS) reads each disk's first sector before the kernel
    # starts and waits its 30 s too; from the kernel's start, by the guest's
    # own clock (init's boot.log: ms since boot), the stalled disk's first
    # read alone would take 30 s: the prompt did not wait for it.
    took = int(re.search(r"\[ *(\d+) ms\] init: prompt", vm.ok("cat /run/lifeboat/boot.log")).group(1))
    print("prompt %d ms after the kernel started" % took)
    assert took < STALL_S * 1000, "the prompt took %d ms with a stalled disk (log: %s)" % (took, vm.log_path)
    flood = [line for line in boot_text.splitlines() if KERNEL_IO_ERROR.search(line)]
    assert not flood, "kernel I/O errors on the console at boot:\n" + "\n".join(flood[:10])
    banner = boot_text[boot_text.index("Welcome to Lifeboat!"):]
    sda = table_row(banner, "sda")
    assert sda[4] == "?" and ioerrs(sda) > 0, banner
    assert "I/O error at sector 0" in row_below(banner, "sda"), banner
    assert table_row(banner, "sdb")[4:6] == ["ext4", "lbrange"], banner
    sdc = table_row(banner, "sdc")
    assert sdc[4] == "?" and "no-answer" in sdc, banner
    assert "does not answer" in row_below(banner, "sdc"), banner
    # the healthy disk's partitions are there, read while the others failed
    assert table_row(banner, "sdd1")[2:4] == ["ext4", "lbpart1"], banner
    table_row(banner, "sdd2")

    # reading sdb's bad sector fails at once, quietly, and is counted
    out, rc = vm.run("dd if=/dev/sdb of=/dev/null bs=1M 2>&1", 120)
    assert rc != 0 and "I/O error" in out, out
    assert not KERNEL_IO_ERROR.search(out), out
    out = vm.ok("lifeboat disks", 60)
    assert ioerrs(table_row(out, "sdb")) > 0, out
    assert table_row(out, "sdc")[4] == "?", out
    assert int(vm.ok("dmesg | grep -c 'I/O error, dev sd'")) > 0
    assert vm.ok("kill -0 1 && echo init-alive") == "init-alive"
    assert "getting started" in vm.ok("lifeboat | head -3")
    assert "ddrescue" in vm.ok("lifeboat | grep -i 'failing disk' -A2")
    assert vm.poweroff(120) == 0
    assert sha256(d) == d_sum, "the healthy disk changed"


def test_loglevel_on_the_boot_line_keeps_the_kernel_messages(vm_factory, tmp_path):
    """loglevel= is the user's: then the I/O errors do reach the console."""
    a = make_disk(str(tmp_path / "a.img"), 16, fill="random")
    vm = vm_factory(disks=[Disk(blkdebug(tmp_path, "a", a), 0)], append="loglevel=4")
    vm.up(180)
    vm.ok("dd if=/dev/sda of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null; true")
    text = open(vm.log_path, encoding="utf-8", errors="replace").read()
    assert KERNEL_IO_ERROR.search(text), "no kernel I/O error on the console with loglevel=4"
    vm.close()


@pytest.fixture(scope="module")
def rescue(request, tmp_path_factory):
    """One boot for the copies and the checks: sda 32 MiB of random bytes
    with two bad sectors, sdb blank (ddrescue's target disk), sdc ext4 with a
    bad block in its inode table, sdd ext4 whose superblock cannot be read,
    sde ext4 (the image file's disk); SSH by key."""
    tmp = tmp_path_factory.mktemp("failing")
    src = make_disk(str(tmp / "src.img"), 32, fill="random")
    bad = [10000, 10001, 10002, 50001]  # a range of three sectors and one alone
    c = ext4(str(tmp / "c.img"), 64, "lbinodes", files=[("f%d" % i, b"x" * 100) for i in range(20)])
    itable = int(re.search(r"Inode table at (\d+)-", host(["dumpe2fs", c])).group(1))
    d = ext4(str(tmp / "d.img"), 64, "lbsuper")
    e = ext4(str(tmp / "e.img"), 128, "lbimage")
    key, pub = keygen(tmp)
    port = free_port()
    from lifeboat_vm import VM
    vm = VM("test_failing_disks-rescue", tmpdir=str(tmp / "vm"), mem=256,
            disks=[Disk(blkdebug(tmp, "src", src, bad), 0), Disk(make_disk(str(tmp / "dst.img"), 32), 1),
                   Disk(blkdebug(tmp, "c", c, [itable * 8 + 8]), 2),
                   Disk(blkdebug(tmp, "d", d, [2]), 3), Disk(e, 4)],
            append='sshd ssh_key="%s"' % pub)
    request.addfinalizer(vm.close)
    vm.hostfwd = [(port, 22)]
    vm.up(180)
    deadline = time.monotonic() + timeout(180)
    while not scan(port):
        assert time.monotonic() < deadline, "sshd never came up (log: %s)" % vm.log_path
        pause(2)
    vm.ssh = ["ssh", "-p", str(port), "-i", key, "-o", "BatchMode=yes"] + SSH_OPTS + ["root@127.0.0.1"]
    vm.files = {"src": src, "dst": str(tmp / "dst.img"), "c": c, "d": d, "e": e, "tmp": tmp}
    vm.bad = bad
    return vm


def bad_areas(mapfile):
    """ddrescue's mapfile: the (pos, size) of every area not rescued."""
    areas, seen_header = [], False
    for line in mapfile.splitlines():
        if line.startswith("#") and "pos" in line and "size" in line:
            seen_header = True
            continue
        cols = line.split()
        if seen_header and len(cols) == 3 and not line.startswith("#"):
            if cols[2] != "+":
                areas.append((int(cols[0], 16), int(cols[1], 16)))
    assert seen_header, mapfile
    return areas


def runs(sectors):
    """(pos, size) in bytes of each run of consecutive sectors, as ddrescue
    maps them."""
    out = []
    for s in sorted(sectors):
        if out and out[-1][0] + out[-1][1] == s * SECTOR:
            out[-1] = (out[-1][0], out[-1][1] + SECTOR)
        else:
            out.append((s * SECTOR, SECTOR))
    return out


def assert_copy(copy, src, bad):
    """copy equals src everywhere but the bad sectors, which are zero."""
    with open(src, "rb") as f:
        want = bytearray(f.read())
    with open(copy, "rb") as f:
        got = f.read()
    for s in bad:
        want[s * SECTOR:(s + 1) * SECTOR] = bytes(SECTOR)
    assert len(got) >= len(want), "the copy is %d bytes, the source %d" % (len(got), len(want))
    assert got[:len(want)] == bytes(want), "the copy differs from the source outside the bad sectors"


def test_ddrescue_to_another_disk_maps_exactly_the_bad_sectors(rescue):
    out = rescue.ok("ddrescue -d -f /dev/sda /dev/sdb /tmp/sdb.map 2>&1", 900)
    areas = bad_areas(rescue.ok("cat /tmp/sdb.map"))
    assert areas == runs(rescue.bad), "%s\n%s" % (areas, out)
    rescue.ok("sync")
    rescue.copied_disk = True


def test_ddrescue_to_a_file_over_ssh(rescue, tmp_path):
    """Driven from the host over SSH: ddrescue to a file on another disk with
    its mapfile, then both pulled over SSH."""
    cmd = rescue.ssh + ["mkdir -p /media/sde && mount /dev/sde /media/sde && "
                        "ddrescue -d /dev/sda /media/sde/sda.img /media/sde/sda.map >/dev/null 2>&1; "
                        "echo rc=$?"]
    out = host(cmd, timeout=timeout(900))
    assert "rc=0" in out, out
    img = tmp_path / "sda.img"
    with open(img, "wb") as f:
        subprocess.run(rescue.ssh + ["cat /media/sde/sda.img"], stdout=f, check=True, timeout=timeout(600))
    mapfile = host(rescue.ssh + ["cat /media/sde/sda.map"], timeout=timeout(60))
    assert bad_areas(mapfile) == runs(rescue.bad), mapfile
    assert_copy(str(img), rescue.files["src"], rescue.bad)
    rescue.ok("umount /media/sde")


def test_e2fsck_of_a_bad_inode_table_ends_and_says_so(rescue):
    out, rc = rescue.run("e2fsck -fn /dev/sdc 2>&1", 600)
    assert rc not in (0, 1), "e2fsck -fn exited %d on a disk with a bad inode table:\n%s" % (rc, out)
    assert "Error reading block" in out or "Input/output error" in out, out
    assert rescue.ok("kill -0 1 && echo init-alive") == "init-alive"
    # the other console's shell (tty1) lives on
    assert rescue.ok("ls -l /proc/[0-9]*/fd/0 2>/dev/null | grep -c '/dev/tty1$'") != "0"


def test_lifeboat_mount_of_an_unreadable_superblock_says_so(rescue):
    out, rc = rescue.run("lifeboat mount sdd 2>&1", 120)
    assert rc == 1, out
    assert "cannot read the start of /dev/sdd" in out and "I/O error" in out, out
    assert "ddrescue" in out, out
    assert rescue.ok("grep -c ' /media/sdd ' /proc/mounts || true") == "0"


def test_after_poweroff_the_copy_matches_and_nothing_else_changed(rescue):
    src_sum = sha256(rescue.files["src"])
    assert rescue.poweroff(120) == 0
    assert getattr(rescue, "copied_disk", False), "the disk copy test did not run"
    assert_copy(rescue.files["dst"], rescue.files["src"], rescue.bad)
    assert sha256(rescue.files["src"]) == src_sum
    for k in ("c", "d", "e"):
        host(["e2fsck", "-fn", rescue.files[k]])


class QMP:
    """QEMU's machine protocol on a unix socket: device_del and friends."""

    def __init__(self, path):
        self.path = path
        self.sock = None

    def connect(self, seconds=30):
        deadline = time.monotonic() + seconds
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(self.path)
                break
            except OSError:
                assert time.monotonic() < deadline, "no QMP socket at " + self.path
                time.sleep(0.2)
        self.file = self.sock.makefile("rw")
        json.loads(self.file.readline())  # the greeting
        return self.cmd("qmp_capabilities")

    def cmd(self, name, **args):
        self.file.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        self.file.flush()
        while True:
            msg = json.loads(self.file.readline())
            if "return" in msg or "error" in msg:
                assert "error" not in msg, "QMP %s: %s" % (name, msg)
                return msg["return"]


def test_disk_pulled_out_while_mounted(vm_factory, tmp_path):
    """sda vanishes (device_del) while mounted read-write with a file open:
    the shell lives, lifeboat umount and poweroff work, sdb's data is kept."""
    a = ext4(str(tmp_path / "a.img"), 64, "lbgone")
    b = ext4(str(tmp_path / "b.img"), 64, "lbstays")
    sock = str(tmp_path / "qmp.sock")
    vm = vm_factory(disks=[Disk(a, 0), Disk(b, 1)], extra=["-qmp", "unix:%s,server=on,wait=off" % sock])
    vm.up(180)
    vm.ok("lifeboat mount sda --rw && lifeboat mount sdb --rw")
    vm.ok("echo kept > /media/sdb/kept.txt && sync")
    vm.ok("echo before > /media/sda/before.txt && sync")
    qmp = QMP(sock)
    qmp.connect()
    qmp.cmd("device_del", id="disk0")  # qemu_args names each slot's disk
    # the kernel notices; the shell does not hang on the gone disk
    deadline = time.monotonic() + timeout(60)
    while "sda" in vm.ok("ls /sys/block"):
        assert time.monotonic() < deadline, "sda never went away"
        vm.sleep(1)
    out, rc = vm.run("echo after > /media/sda/after.txt && sync; echo shell-alive", 120)
    assert "shell-alive" in out, out
    out, rc = vm.run("lifeboat umount sda 2>&1", 120)
    assert rc == 0, out
    assert vm.ok("grep -c ' /media/sda ' /proc/mounts || true") == "0"
    out = vm.ok("lifeboat disks")
    assert not [line for line in out.splitlines() if line.split()[:1] == ["sda"]], out
    assert table_row(out, "sdb")[5] == "lbstays"
    assert vm.ok("cat /media/sdb/kept.txt") == "kept"
    assert vm.ok("kill -0 1 && echo init-alive") == "init-alive"
    assert vm.poweroff(120) == 0
    host(["e2fsck", "-fn", b])
    got = host(["debugfs", "-R", "cat /kept.txt", b])
    assert got.strip() == "kept", got


def test_e2fsck_of_2_million_inodes_at_the_memory_floor_and_a_swap_file(vm_factory, tmp_path):
    """64 MiB of RAM (the 48 MiB floor + 16): e2fsck -f of an ext4 with 2
    million inodes and 20,000 files ends; a swap partition on a customer disk
    stays off; swapon of a swap file on a mounted disk works."""
    big = make_disk(str(tmp_path / "big.img"), 2048)
    host(["mkfs.ext4", "-q", "-F", "-b", "4096", "-N", "2000000", "-L", "lbbig", big])
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    host(["mount", "-o", "loop", big, str(mnt)])
    try:
        for d in range(200):
            os.mkdir(mnt / ("d%03d" % d))
            for f in range(100):
                (mnt / ("d%03d" % d) / ("f%03d" % f)).write_bytes(b"%d/%d\n" % (d, f))
    finally:
        host(["umount", str(mnt)])
    inodes = int(re.search(r"Inode count:\s+(\d+)", host(["dumpe2fs", "-h", big])).group(1))
    assert inodes >= 2000000, inodes
    swap = make_disk(str(tmp_path / "swap.img"), 32)
    host(["mkswap", swap])
    vm = vm_factory(disks=[Disk(big, 0), Disk(swap, 1)], mem=64, nic=None)
    vm.up(240)
    assert vm.ok("tail -n +2 /proc/swaps") == "", "a swap area was enabled by itself"
    out, rc = vm.run("e2fsck -f -n /dev/sda 2>&1", 1800)
    assert rc == 0, "e2fsck -f -n of 2 million inodes in 64 MiB exited %d:\n%s" % (rc, out)
    used, total = map(int, re.search(r"(\d+)/(\d+) files", out).groups())
    assert total >= 2000000 and used >= 20200, out
    assert vm.ok("kill -0 1 && echo init-alive") == "init-alive"
    vm.ok("lifeboat mount sda --rw")
    vm.ok("dd if=/dev/zero of=/media/sda/swapfile bs=1M count=16 2>/dev/null && chmod 600 /media/sda/swapfile"
          " && mkswap /media/sda/swapfile >/dev/null && swapon /media/sda/swapfile", 120)
    assert "/media/sda/swapfile" in vm.ok("cat /proc/swaps")
    vm.ok("swapoff /media/sda/swapfile && rm /media/sda/swapfile && lifeboat umount sda", 120)
    assert vm.poweroff(120) == 0
    host(["e2fsck", "-fn", big])

#!/usr/bin/python3
"""Test disks for issue 15's filesystem and transfer tests, made on the host
with Debian's own tools (xfsprogs, btrfs-progs, dosfstools, mtools, gdisk,
ntfs-3g, exfatprogs, exfat-fuse, e2fsprogs), never with the image's binaries,
and the damage the repair tests make on a copy of one.

Usage: tests/boot/mkfsdisks.py OUTDIR
makes every disk in OUTDIR and checks each with the host's own checker.
tests/boot/fx_fs.py caches OUTDIR keyed on this file's sha256. Needs root
(btrfs and exFAT are filled through loop mounts). Exit 0, 1 (a tool failed),
100 (usage), 111 (a tool or root is missing).
"""
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile

MIB = 1 << 20
SECTOR = 512

# Debian package of each host tool the disks and their checks need.
HOST_TOOLS = {
    "mkfs.xfs": "xfsprogs", "xfs_repair": "xfsprogs", "xfs_admin": "xfsprogs",
    "mkfs.btrfs": "btrfs-progs", "btrfs": "btrfs-progs",
    "mkfs.fat": "dosfstools", "fsck.fat": "dosfstools", "mcopy": "mtools", "mmd": "mtools",
    "sgdisk": "gdisk", "mkntfs": "ntfs-3g", "ntfscp": "ntfs-3g",
    "mkfs.exfat": "exfatprogs", "mount.exfat-fuse": "exfat-fuse",
    "mkfs.ext4": "e2fsprogs", "e2fsck": "e2fsprogs", "debugfs": "e2fsprogs",
    "losetup": "mount", "rsync": "rsync", "zstd": "zstd",
}


def blob(seed, size=MIB):
    """A file's content the tests can recompute: seeded pseudo-random bytes."""
    return random.Random(seed).randbytes(size)


# What is on each disk, for the tests to compare with.
XFS = {"size": 320 * MIB, "label": "lbxfs", "files": {"note": b"xfs: the root of a RHEL guest\n",
                                                       "blob": blob(1501)}}
BTRFS = {"size": 256 * MIB, "label": "lbbtrfs", "subvolumes": ("root", "home", "@", "@home"),
         "files": {"root/note": b"btrfs: subvolume root\n", "root/blob": blob(1502),
                   "home/user/note": b"btrfs: subvolume home\n", "@/note": b"btrfs: subvolume @\n",
                   "@home/note": b"btrfs: subvolume @home\n"}}
# (number, name, type code, first sector, size in MiB; 0: to the disk's end)
ESP = {"size": 80 * MIB, "label": "ESP", "parts": [(1, "EFI System", "EF00", 2048, 64)],
       "files": {"EFI/debian/note.txt": b"fat: written by mtools\n",
                 "EFI/BOOT/BOOTX64.EFI": blob(1503, 256 << 10)}}
GPT = {"size": 96 * MIB, "parts": [(1, "bios", "EF02", 2048, 1), (2, "esp", "EF00", 0, 16),
                                   (3, "boot", "8300", 0, 24), (4, "root", "8300", 0, 0)],
       "files": {"etc/hostname": b"gpt-root\n", "blob": blob(1504)}}
NTFS = {"size": 32 * MIB, "label": "lbntfs", "files": {"note.txt": b"ntfs: a Windows guest's file\n"}}
EXFAT = {"size": 32 * MIB, "label": "lbexfat", "files": {"note.txt": b"exfat: a card's file\n"}}
TRANSFER = {"size": 64 * MIB, "label": "lbdata",
            "files": {"docs/readme.txt": b"rsync: out of the image\n", "docs/blob.bin": blob(1505),
                      "secret/key.txt": b"mode 0600 in a 0700 directory\n"},
            "modes": {"secret": 0o700, "secret/key.txt": 0o600},
            "links": {"latest": "docs/readme.txt"}, "mtime": 1700000000}

DISKS = ("xfs", "btrfs", "esp", "gpt", "ntfs", "exfat", "transfer")


class Missing(Exception):
    """A host tool or privilege these disks need is not there."""


def run(cmd, **kw):
    """Run a host tool; on failure raise naming the command and its output."""
    got = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if got.returncode != 0:
        raise RuntimeError("%s exited %d:\n%s%s" % (" ".join(cmd), got.returncode, got.stdout, got.stderr))
    return got.stdout


def missing_tools():
    """'tool (package)' for each host tool that is not installed."""
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    return ["%s (%s)" % (t, p) for t, p in sorted(HOST_TOOLS.items()) if shutil.which(t, path=path) is None]


def check_host():
    if os.geteuid() != 0:
        raise Missing("the btrfs and exFAT test disks are filled through loop mounts: run as root")
    missing = missing_tools()
    if missing:
        raise Missing("host tools missing: %s (make deps)" % ", ".join(missing))


def write_tree(top, files, modes=None, links=None, mtime=None):
    for rel, data in files.items():
        path = os.path.join(top, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    for rel, target in (links or {}).items():
        os.symlink(target, os.path.join(top, rel))
    for rel, mode in (modes or {}).items():
        os.chmod(os.path.join(top, rel), mode)
    if mtime is not None:
        for dirpath, dirnames, filenames in os.walk(top, topdown=False):
            for name in filenames + dirnames:
                os.utime(os.path.join(dirpath, name), (mtime, mtime), follow_symlinks=False)


def blank(path, size):
    with open(path, "wb") as f:
        f.truncate(size)


class LoopMount:
    """A loop mount of an image on a fresh directory, undone on exit."""

    def __init__(self, img, mount_cmd=("mount",)):
        self.img, self.mount_cmd = img, list(mount_cmd)

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="lbfs.")
        self.loop = run(["losetup", "-f", "--show", self.img]).strip()
        try:
            run(self.mount_cmd + [self.loop, self.dir])
        except Exception:
            run(["losetup", "-d", self.loop])
            os.rmdir(self.dir)
            raise
        return self.dir

    def __exit__(self, *exc):
        run(["umount", self.dir])
        run(["losetup", "-d", self.loop])
        os.rmdir(self.dir)


def make_xfs(path):
    """XFS filled by mkfs.xfs's prototype file (no mount)."""
    blank(path, XFS["size"])
    with tempfile.TemporaryDirectory() as src:
        write_tree(src, XFS["files"])
        proto = os.path.join(src, "proto")
        with open(proto, "w") as f:
            f.write("/dev/null\n0 0\nd--755 0 0\n")
            for name in sorted(XFS["files"]):
                f.write("%s ---644 0 0 %s\n" % (name, os.path.join(src, name)))
            f.write("$\n")
        run(["mkfs.xfs", "-q", "-f", "-L", XFS["label"], "-p", proto, path])
    # Mounted once, as every installed system's root has been: the first mount
    # writes the superblock (mkfs leaves the quota inodes 0, the kernel makes
    # them NULLFSINO), even a read-only one in the guest's 6.1 kernel.
    with LoopMount(path):
        pass


def make_btrfs(path):
    blank(path, BTRFS["size"])
    run(["mkfs.btrfs", "-q", "-f", "-L", BTRFS["label"], path])
    with LoopMount(path) as top:
        for sub in BTRFS["subvolumes"]:
            run(["btrfs", "subvolume", "create", os.path.join(top, sub)])
        write_tree(top, BTRFS["files"])


def partition(path, spec):
    """A fresh GPT on the image, partitions as in spec['parts']."""
    args = []
    for num, name, code, first, mib in spec["parts"]:
        args += ["-n", "%d:%d:%s" % (num, first, "+%dM" % mib if mib else "0"),
                 "-t", "%d:%s" % (num, code), "-c", "%d:%s" % (num, name)]
    run(["sgdisk", "-o"] + args + [path])


def part_range(path, num):
    """(first sector, sector count) of partition num, as sgdisk reads it."""
    info = run(["sgdisk", "-i", str(num), path])
    first = int(re.search(r"^First sector: (\d+)", info, re.M).group(1))
    last = int(re.search(r"^Last sector: (\d+)", info, re.M).group(1))
    return first, last - first + 1


def make_esp(path):
    """A GPT disk whose one partition is a FAT32 ESP, filled with mtools."""
    blank(path, ESP["size"])
    partition(path, ESP)
    first, count = part_range(path, 1)
    run(["mkfs.fat", "-F", "32", "-n", ESP["label"], "--offset", str(first), path,
         str(count * SECTOR // 1024)])
    img = "%s@@%d" % (path, first * SECTOR)
    with tempfile.TemporaryDirectory() as src:
        write_tree(src, ESP["files"])
        for rel in sorted(ESP["files"]):
            parts = rel.split("/")
            for i in range(1, len(parts)):
                subprocess.run(["mmd", "-D", "s", "-i", img, "::/" + "/".join(parts[:i])],
                               capture_output=True)
            run(["mcopy", "-i", img, os.path.join(src, rel), "::/" + rel])


def make_gpt(path):
    """A cloud disk's GPT: BIOS boot, ESP, /boot and root, the last two ext4
    (mkfs.ext4 at the partition's offset, filled with -d)."""
    blank(path, GPT["size"])
    partition(path, GPT)
    for num, label in ((3, "boot"), (4, "root")):
        first, count = part_range(path, num)
        with tempfile.TemporaryDirectory() as src:
            if num == 4:
                write_tree(src, GPT["files"])
            run(["mkfs.ext4", "-q", "-F", "-L", label, "-E", "offset=%d" % (first * SECTOR), "-d", src,
                 path, "%dk" % (count * SECTOR // 1024)])


def make_ntfs(path):
    blank(path, NTFS["size"])
    run(["mkntfs", "-q", "-F", "-f", "-L", NTFS["label"], path])
    with tempfile.TemporaryDirectory() as src:
        write_tree(src, NTFS["files"])
        for rel in NTFS["files"]:
            run(["ntfscp", "-q", path, os.path.join(src, rel), rel])


def make_exfat(path):
    blank(path, EXFAT["size"])
    run(["mkfs.exfat", "-L", EXFAT["label"], path])
    with LoopMount(path, ["mount.exfat-fuse"]) as top:
        write_tree(top, EXFAT["files"])


def make_transfer(path):
    """ext4 holding a tree for rsync: modes, a symlink, fixed mtimes."""
    blank(path, TRANSFER["size"])
    with tempfile.TemporaryDirectory() as src:
        write_tree(src, TRANSFER["files"], TRANSFER["modes"], TRANSFER["links"], TRANSFER["mtime"])
        run(["mkfs.ext4", "-q", "-F", "-L", TRANSFER["label"], "-d", src, path])


# --- damage, made on the host on a test's copy ---------------------------

def zero_xfs_primary_superblock(path):
    with open(path, "r+b") as f:
        f.write(bytes(SECTOR))


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


CRC32C = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = CRC32C[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


BTRFS_SUPER = 64 << 10  # the primary superblock's offset


def metadata_chunk_end(path):
    """Logical address just past the first METADATA chunk (btrfs's chunk tree)."""
    tree = run(["btrfs", "inspect-internal", "dump-tree", "-t", "chunk", path])
    m = re.search(r"CHUNK_ITEM (\d+)\) itemoff \d+ itemsize \d+\n\s+length (\d+) .*type METADATA", tree)
    if not m:
        raise RuntimeError("no METADATA chunk in %s:\n%s" % (path, tree))
    return int(m.group(1)) + int(m.group(2))


def break_btrfs_log(path):
    """Point the superblock's log tree root at a never-written block of the
    metadata chunk, checksum fixed: what a crash can leave when the log's
    blocks did not reach the disk. The kernel's mount fails ("failed to read
    log tree"); `btrfs rescue zero-log` is the documented fix."""
    nodesize = int(re.search(r"^nodesize\s+(\d+)", run(["btrfs", "inspect-internal", "dump-super", path]),
                             re.M).group(1))
    log_root = metadata_chunk_end(path) - nodesize
    with open(path, "r+b") as f:
        f.seek(BTRFS_SUPER)
        sb = bytearray(f.read(4096))
        if sb[0x40:0x48] != b"_BHRfS_M" or struct.unpack_from("<I", sb, 0)[0] != crc32c(sb[0x20:]):
            raise RuntimeError("%s: no valid btrfs superblock" % path)
        struct.pack_into("<Q", sb, 0x60, log_root)  # log_root
        sb[0xc8] = 0  # log_root_level
        sb[0:32] = bytes(32)
        struct.pack_into("<I", sb, 0, crc32c(sb[0x20:]))
        f.seek(BTRFS_SUPER)
        f.write(sb)
    got = subprocess.run(["btrfs", "check", path], capture_output=True, text=True)
    if got.returncode == 0 or "log root" not in got.stdout + got.stderr:
        raise RuntimeError("btrfs check did not see the broken log of %s:\n%s%s" % (path, got.stdout, got.stderr))
    return log_root


BTRFS_HEADER = 101  # a tree block's header: csum, fsid, bytenr, ..., nritems, level
BTRFS_ITEM = 25  # a leaf's item: key (17 bytes), data offset, data size


def _leaf_free_byte(block):
    """Offset of a byte in a leaf's free space (between its item headers and
    its item data), or None."""
    n = struct.unpack_from("<I", block, 96)[0]
    # each item's data offset, from the end of the header; the data grows down
    offsets = [struct.unpack_from("<I", block, BTRFS_HEADER + BTRFS_ITEM * i + 17)[0] for i in range(n)]
    first_free, data = BTRFS_HEADER + BTRFS_ITEM * n, BTRFS_HEADER + min(offsets, default=len(block) - BTRFS_HEADER)
    return first_free if first_free < data else None


def stale_btrfs_block(path):
    """Write a second version of one of the filesystem's leaves (the same
    logical address and generation, one byte of its free space changed, its
    checksum right) into never-used space at the end of the disk: what a
    device's stale copy can look like. The filesystem stays clean (nothing
    refers to that space); `btrfs rescue chunk-recover`, which scans the whole
    device for tree blocks, finds two differing blocks at one address and
    gives up ("scan chunk headers error"). Returns the copy's offset."""
    with open(path, "r+b") as f:
        f.seek(BTRFS_SUPER)
        sb = f.read(4096)
        if sb[0x40:0x48] != b"_BHRfS_M":
            raise RuntimeError("%s: no btrfs superblock" % path)
        fsid, nodesize = sb[0x20:0x30], struct.unpack_from("<I", sb, 0x94)[0]
        f.seek(0)
        disk = f.read()
        at = disk.find(fsid, 1 << 20)
        while at >= 0:
            start = at - 0x20
            block = bytearray(disk[start:start + nodesize])
            if (start % 4096 == 0 and len(block) == nodesize and block[100] == 0 and
                    struct.unpack_from("<I", block, 0)[0] == crc32c(block[0x20:])):
                free = _leaf_free_byte(block)
                if free is not None:
                    break
            at = disk.find(fsid, at + 1)
        else:
            raise RuntimeError("%s: no btrfs leaf with free space found" % path)
        block[free] ^= 0xFF
        block[0:32] = bytes(32)
        struct.pack_into("<I", block, 0, crc32c(block[0x20:]))
        dest = (len(disk) - 2 * nodesize) // nodesize * nodesize
        if disk[dest:dest + nodesize] != bytes(nodesize):
            raise RuntimeError("%s: the space at %d is in use" % (path, dest))
        f.seek(dest)
        f.write(block)
    return dest


def fat_dirty_offset(boot_sector):
    """Byte of the boot sector holding the dirty bit: 0x41 on FAT32 (its
    16-bit FAT size is 0), 0x25 on FAT12/16."""
    return 0x41 if struct.unpack_from("<H", boot_sector, 22)[0] == 0 else 0x25


def set_fat_dirty(path, first_sector):
    with open(path, "r+b") as f:
        f.seek(first_sector * SECTOR)
        boot = bytearray(f.read(SECTOR))
        off = fat_dirty_offset(boot)
        boot[off] |= 1
        f.seek(first_sector * SECTOR)
        f.write(boot)


def zero_gpt_primary_header(path):
    with open(path, "r+b") as f:
        f.seek(SECTOR)
        f.write(bytes(SECTOR))


# --- the host's own checkers ----------------------------------------------

def host(cmd):
    """(exit status, stdout + stderr) of a host tool."""
    got = subprocess.run(cmd, capture_output=True, text=True)
    return got.returncode, got.stdout + got.stderr


def extract(path, first, count, dest):
    """Copy sectors [first, first + count) of an image to dest, sparse."""
    with open(path, "rb") as src, open(dest, "wb") as out:
        src.seek(first * SECTOR)
        left = count * SECTOR
        while left:
            chunk = src.read(min(left, MIB))
            if not chunk:
                break
            if chunk.count(0) == len(chunk):
                out.seek(len(chunk), 1)
            else:
                out.write(chunk)
            left -= len(chunk)
        out.truncate(count * SECTOR)
    return dest


def gpt_verdict(path):
    """(clean, sgdisk -v's output). sgdisk -v exits 0 whatever it finds:
    clean is its "No problems found" with no warning of a damaged table."""
    rc, out = host(["sgdisk", "-v", path])
    bad = re.search(r"ERROR|Problem|[Cc]orrupt|CRC|[Ii]nvalid|Warning", out)
    return rc == 0 and "No problems found" in out and not bad, out


def check_disks(outdir):
    """Every disk is clean by the host's own checker."""
    d = lambda name: os.path.join(outdir, name + ".img")  # noqa: E731
    checks = [["xfs_repair", "-n", d("xfs")], ["btrfs", "check", d("btrfs")],
              ["e2fsck", "-fn", d("transfer")], ["fsck.exfat", "-n", d("exfat")],
              ["ntfsfix", "-n", d("ntfs")]]
    with tempfile.TemporaryDirectory() as tmp:
        first, count = part_range(d("esp"), 1)
        checks.append(["fsck.fat", "-n", extract(d("esp"), first, count, os.path.join(tmp, "esp1"))])
        for num in (3, 4):
            first, count = part_range(d("gpt"), num)
            checks.append(["e2fsck", "-fn", extract(d("gpt"), first, count, os.path.join(tmp, "gpt%d" % num))])
        for cmd in checks:
            rc, out = host(cmd)
            if rc != 0:
                raise RuntimeError("%s: not clean (exit %d):\n%s" % (" ".join(cmd), rc, out))
    clean, out = gpt_verdict(d("gpt"))
    if not clean:
        raise RuntimeError("sgdisk -v %s: not clean:\n%s" % (d("gpt"), out))


def make_all(outdir):
    check_host()
    os.makedirs(outdir, exist_ok=True)
    for name in DISKS:
        globals()["make_" + name](os.path.join(outdir, name + ".img"))
    check_disks(outdir)


def main(argv):
    if len(argv) != 2:
        print("usage: mkfsdisks.py OUTDIR", file=sys.stderr)
        return 100
    try:
        make_all(argv[1])
    except Missing as e:
        print("mkfsdisks: %s" % e, file=sys.stderr)
        return 111
    except RuntimeError as e:
        print("mkfsdisks: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

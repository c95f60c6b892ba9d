"""Issue 16's distribution layouts (mklayouts.sh): the debootstrapped Debian
root of mkrootdisk.sh laid out the way installers and cloud images do (md
arrays made in a Debian VM, mdvm.sh), with Debian's own tools; cached in $LIFEBOAT_CACHE/fixtures/layouts-KEY,
KEY from the sha256 of mklayouts.sh and the root tarball's name; each test
works on copies. The host's checks after a boot use the host's tools only,
through loop devices at each partition's or LV's offset (no device-mapper
here)."""
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from fx_volumes import CACHE, cached, host_loop
from lifeboat_vm import sha256

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "mklayouts.sh")
HOST_TOOLS = {"losetup": "mount", "sgdisk": "gdisk", "mkfs.vfat": "dosfstools",
              "fsck.vfat": "dosfstools", "mcopy": "mtools", "mkfs.xfs": "xfsprogs",
              "xfs_repair": "xfsprogs", "pvcreate": "lvm2", "mkfs.ext4": "e2fsprogs",
              "debugfs": "e2fsprogs", "debootstrap": "debootstrap", "mkfs.btrfs": "btrfs-progs",
              "mdadm": "mdadm", "depmod": "kmod", "cpio": "cpio", "dpkg-deb": "dpkg",
              "apt-get": "apt", "qemu-system-x86_64": "qemu-system-x86",
              "cryptsetup": "cryptsetup-bin", "dd": "coreutils"}


class Layouts:
    def __init__(self, src, dst):
        self.src, self.dst = src, dst
        with open(os.path.join(src, "facts")) as f:
            self.facts = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)

    def copy(self, name):
        path = os.path.join(self.dst, name + ".img")
        subprocess.run(["cp", "--sparse=always", os.path.join(self.src, name + ".img"), path],
                       check=True)
        return path

    @staticmethod
    def boot_fs(layout):
        return "xfs" if layout == "rhel" else "ext4"

    def members(self, layout):
        """The two member images of an array layout (md12, md090)."""
        return [self.copy("%s-%s" % (layout, n)) for n in "ab"]

    def span(self, layout, part):
        """(offset, size) in bytes of a partition ("p2") or an LV ("root")."""
        key = "%s_%s" % (layout, part.replace("-", "_"))
        return int(self.facts[key + "_offset"]), int(self.facts[key + "_size"])


@pytest.fixture(scope="session")
def layout_cache():
    if os.geteuid() != 0:
        pytest.fail("mklayouts.sh needs root (losetup, mount, debootstrap)")
    missing = sorted({pkg for tool, pkg in HOST_TOOLS.items() if shutil.which(tool) is None})
    if missing:
        pytest.fail("host packages missing: %s (make deps)" % " ".join(missing))
    try:
        import cryptography  # noqa: F401  (the LUKS layout is read with it)
    except ImportError:
        pytest.fail("python3-cryptography missing on the host (make deps)")
    tarball = subprocess.run([os.path.join(HERE, "mkrootdisk.sh"), "--tarball"], check=True,
                             capture_output=True, text=True).stdout.strip()
    key = sha256(SCRIPT)[:8] + os.path.basename(tarball)[-16:-4]
    return cached(os.path.join(CACHE, "layouts-" + key), SCRIPT)


@pytest.fixture
def layouts(layout_cache, tmp_path):
    return Layouts(layout_cache, str(tmp_path))


def check(cmd):
    got = subprocess.run(cmd, capture_output=True, text=True)
    assert got.returncode == 0, "%s exited %d:\n%s%s" % (" ".join(cmd), got.returncode,
                                                        got.stdout, got.stderr)
    return got.stdout


def assert_clean(layouts, img, layout, part, fstype):
    """The host's fsck of that type finds the partition or LV clean."""
    off, size = layouts.span(layout, part)
    with host_loop(img, off, size) as dev:
        if fstype == "xfs":
            check(["xfs_repair", "-n", dev])
        elif fstype == "btrfs":
            check(["btrfs", "check", "--readonly", dev])
        elif fstype == "vfat":
            check(["fsck.vfat", "-n", dev])
        else:
            check(["e2fsck", "-fn", dev])


def assert_md_clean(layouts, members, layout):
    """The host's mdadm --examine finds both members of the array clean, in
    sync and with the same event count; e2fsck -fn the ext4 on it clean."""
    off, size = layouts.span(layout, "member")
    dumps = []
    for img in members:
        with host_loop(img, off, size) as dev:
            dumps.append(check(["mdadm", "--examine", dev]))
    events = [re.search(r"^\s*Events : (\S+)", d, re.M).group(1) for d in dumps]
    assert len(set(events)) == 1, dumps
    for d in dumps:
        assert re.search(r"^\s*State : clean$", d, re.M), d
        assert re.search(r"^\s*Array State : AA ", d, re.M) or \
            re.search(r"Active Devices : 2", d), d
    for img in members:
        assert_clean(layouts, img, layout, "root", "ext4")


def read_file(layouts, img, layout, part, fstype, path):
    """A file's text from the partition or LV, read by the host."""
    off, size = layouts.span(layout, part)
    with host_loop(img, off, size) as dev:
        if fstype == "ext4":
            return check(["debugfs", "-R", "cat " + path, dev])
        mnt = tempfile.mkdtemp()
        try:
            opts = "ro,norecovery" if fstype == "xfs" else "ro"
            check(["mount", "-o", opts, "-t", fstype, dev, mnt])
            try:
                with open(mnt + path) as f:
                    return f.read()
            finally:
                check(["umount", mnt])
        finally:
            os.rmdir(mnt)


BOOT_SCRIPT = os.path.join(HERE, "mkbootdisk.sh")


@pytest.fixture(scope="session")
def bootdisk_cache():
    """mkbootdisk.sh's disk (the Debian root with a kernel, initramfs-tools
    and GRUB (BIOS and EFI), as Debian's cloud image lays it out), cached in
    $LIFEBOAT_CACHE/fixtures/bootdisk-KEY like the layouts."""
    if os.geteuid() != 0:
        pytest.fail("mkbootdisk.sh needs root (losetup, debootstrap)")
    missing = sorted({pkg for tool, pkg in HOST_TOOLS.items() if shutil.which(tool) is None})
    if missing:
        pytest.fail("host packages missing: %s (make deps)" % " ".join(missing))
    tarball = subprocess.run([os.path.join(HERE, "mkrootdisk.sh"), "--tarball", "boot"],
                             check=True, capture_output=True, text=True).stdout.strip()
    key = sha256(BOOT_SCRIPT)[:8] + os.path.basename(tarball)[-16:-4]
    return cached(os.path.join(CACHE, "bootdisk-" + key), BOOT_SCRIPT)


@pytest.fixture
def bootdisk(bootdisk_cache, tmp_path):
    return Layouts(bootdisk_cache, str(tmp_path))

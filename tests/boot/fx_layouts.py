"""Issue 16's distribution layouts (mklayouts.sh): the debootstrapped Debian
root of mkrootdisk.sh laid out the way RHEL's and Ubuntu's installers do,
with Debian's own tools; cached in $LIFEBOAT_CACHE/fixtures/layouts-KEY,
KEY from the sha256 of mklayouts.sh and the root tarball's name; each test
works on copies. The host's checks after a boot use the host's tools only,
through loop devices at each partition's or LV's offset (no device-mapper
here)."""
import os
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
              "debugfs": "e2fsprogs", "debootstrap": "debootstrap",
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

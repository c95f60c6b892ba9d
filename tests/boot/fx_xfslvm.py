"""Issue 16's RHEL-installer-like disk: a PV of VG rl whose LV root is XFS
holding the debootstrapped Debian root the tests cache (mkrootdisk.sh
--tarball), and an LV swap. Made on the host with Debian's lvm2 and xfsprogs
(no device-mapper here: the LV is written through a loop device at its
extents, BUILD-NOTES section 9), cached in
$LIFEBOAT_CACHE/fixtures/xfslvm-KEY (KEY: this file's and the tarball's
names' sha256); each test works on a copy. The host reads it back the same
way."""
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(os.environ.get("LIFEBOAT_CACHE", os.path.expanduser("~/.cache/lifeboat")),
                     "fixtures")
MIB = 1 << 20
ROOT_MIB = 400  # mkfs.xfs of xfsprogs 6.1 makes no XFS under 300 MiB
LVM_CONFIG = ("devices { obtain_device_list_from_udev = 0 } activation { udev_sync = 0 "
              "udev_rules = 0 } backup { backup = 0 archive = 0 }")
HOST_TOOLS = {"pvcreate": "lvm2", "mkfs.xfs": "xfsprogs", "xfs_repair": "xfsprogs",
              "losetup": "mount", "debootstrap": "debootstrap"}
FSTAB = """# /etc/fstab of the test system (as Anaconda writes it)
/dev/mapper/rl-root	/	xfs	defaults	0 0
/dev/mapper/rl-swap	none	swap	defaults	0 0
"""


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True,
                          env=dict(os.environ, LVM_SUPPRESS_FD_WARNINGS="1"), **kw).stdout.strip()


@contextlib.contextmanager
def loop(img, offset=0, size=None, readonly=False):
    cmd = ["losetup", "-f", "--show", "-o", str(offset)] + (["-r"] if readonly else [])
    dev = sh(cmd + (["--sizelimit", str(size)] if size else []) + [img])
    try:
        yield dev
    finally:
        subprocess.run(["blockdev", "--flushbufs", dev])
        subprocess.run(["losetup", "-d", dev], check=True)


@contextlib.contextmanager
def mounted(dev, opts):
    top = tempfile.mkdtemp(prefix="xfslvm.")
    sh(["mount", "-t", "xfs", "-o", opts, dev, top])
    try:
        yield top
    finally:
        subprocess.run(["umount", top], check=True)
        os.rmdir(top)


def lv_extents(pv):
    """{lv: (offset, size)} in bytes of VG rl's linear LVs on pv."""
    lvm = ["--devices", pv, "--config", LVM_CONFIG]
    pe_start = int(sh(["pvs"] + lvm + ["--noheadings", "--units", "b", "--nosuffix", "-o", "pe_start", pv]))
    extent = int(sh(["vgs"] + lvm + ["--noheadings", "--units", "b", "--nosuffix", "-o",
                                     "vg_extent_size", "rl"]))
    where = {}
    for lv in ("root", "swap"):
        rng = sh(["lvs"] + lvm + ["--driverloaded", "n", "--noheadings", "-o", "seg_pe_ranges", "rl/" + lv])
        first, last = (int(n) for n in rng.rsplit(":", 1)[1].split("-"))
        where[lv] = (pe_start + first * extent, (last - first + 1) * extent)
    return where


def make(outdir, tarball):
    img = os.path.join(outdir, "rl-xfs.img")
    with open(img, "wb") as f:
        f.truncate((ROOT_MIB + 40) * MIB)
    with loop(img) as pv:
        lvm = ["-q", "--devices", pv, "--config", LVM_CONFIG]
        sh(["pvcreate"] + lvm + [pv])
        sh(["vgcreate"] + lvm + ["rl", pv])
        for lv, mib in (("root", ROOT_MIB), ("swap", 16)):
            sh(["lvcreate"] + lvm + ["--driverloaded", "n", "-an", "-Zn", "-L", "%dM" % mib, "-n", lv, "rl"])
        where = lv_extents(pv)
    with loop(img, *where["swap"]) as swap:
        sh(["mkswap", "-q", "-L", "rlswap", swap])
    with loop(img, *where["root"]) as root:
        sh(["mkfs.xfs", "-q", "-L", "rlroot", root])
        with mounted(root, "rw") as top:
            sh(["tar", "-C", top, "--numeric-owner", "-xpf", tarball])
            with open(os.path.join(top, "etc/fstab"), "w") as f:
                f.write(FSTAB)
            with open(os.path.join(top, "etc/hostname"), "w") as f:
                f.write("rocky-like\n")
    with loop(img, *where["root"], readonly=True) as root:
        sh(["xfs_repair", "-n", root])
    with open(os.path.join(outdir, "facts.json"), "w") as f:
        json.dump({"root": where["root"], "swap": where["swap"]}, f)


def cached(tarball):
    os.makedirs(CACHE, exist_ok=True)
    with open(__file__, "rb") as f:
        key = hashlib.sha256(f.read() + os.path.basename(tarball).encode()).hexdigest()[:12]
    done = os.path.join(CACHE, "xfslvm-" + key)
    with open(os.path.join(CACHE, ".xfslvm.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.isdir(done):
            tmp = tempfile.mkdtemp(prefix="tmp.xfslvm.", dir=CACHE)
            try:
                make(tmp, tarball)
                os.rename(tmp, done)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    return done


@pytest.fixture(scope="session")
def xfslvm_cache():
    if os.geteuid() != 0:
        pytest.fail("the XFS-on-LVM disk needs root (losetup, mount)")
    missing = sorted({pkg for tool, pkg in HOST_TOOLS.items() if shutil.which(tool) is None})
    if missing:
        pytest.fail("host packages missing: %s (make deps)" % " ".join(missing))
    tarball = sh([os.path.join(HERE, "mkrootdisk.sh"), "--tarball"])
    return cached(tarball)


@pytest.fixture
def xfslvm(xfslvm_cache, tmp_path):
    """(path of a fresh copy of the PV image, {lv: (offset, size)})."""
    img = str(tmp_path / "rl-xfs.img")
    subprocess.run(["cp", "--sparse=always", os.path.join(xfslvm_cache, "rl-xfs.img"), img], check=True)
    with open(os.path.join(xfslvm_cache, "facts.json")) as f:
        return img, {k: tuple(v) for k, v in json.load(f).items()}


def host_root_check(img, facts):
    """The host's xfs_repair -n on LV rl/root (exit status, output), and the
    root line of its /etc/shadow, read through a read-only loop mount."""
    with loop(img, *facts["root"], readonly=True) as root:
        rep = subprocess.run(["xfs_repair", "-n", root], capture_output=True, text=True)
        with mounted(root, "ro,norecovery") as top:
            with open(os.path.join(top, "etc/shadow")) as f:
                shadow = [line for line in f.read().splitlines() if line.startswith("root:")][0]
    return rep.returncode, rep.stdout + rep.stderr, shadow

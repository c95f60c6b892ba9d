"""Fixtures of issue 15's filesystem and transfer tests: the disks of
mkfsdisks.py, made once and cached in $LIFEBOAT_CACHE/fs-disks/KEY (KEY: the
sha256 of mkfsdisks.py), each test on its own sparse copy; a VM shared by a
test module; the host's own checks after the guest has powered off."""
import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile

import pytest

import mkfsdisks
from lifeboat_vm import VM, sha256

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(os.environ.get("LIFEBOAT_CACHE", os.path.expanduser("~/.cache/lifeboat")), "fs-disks")


def cache_key():
    with open(os.path.join(HERE, "mkfsdisks.py"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:12]


KEEP = 3  # disk sets kept in the cache (checkouts with other versions of mkfsdisks.py)


def prune(keep):
    sets = [os.path.join(CACHE, d) for d in os.listdir(CACHE) if not d.startswith((".", "tmp."))]
    sets.sort(key=os.path.getmtime, reverse=True)
    for old in sets[keep:]:
        shutil.rmtree(old, ignore_errors=True)


def cached_disks():
    """The cache directory holding every disk, made first when missing.
    Checkouts take turns (a lock); a half-made directory is never used; the
    KEEP sets used last are kept."""
    os.makedirs(CACHE, exist_ok=True)
    done = os.path.join(CACHE, cache_key())
    with open(os.path.join(CACHE, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.isdir(done):
            tmp = tempfile.mkdtemp(prefix="tmp.", dir=CACHE)
            try:
                mkfsdisks.make_all(tmp)
                os.rename(tmp, done)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        os.utime(done)
        prune(KEEP)
    return done


@pytest.fixture(scope="session")
def fs_disks():
    """Directory of the cached disks (NAME.img for mkfsdisks.DISKS)."""
    try:
        return cached_disks()
    except mkfsdisks.Missing as e:
        pytest.skip(str(e))


def copy_disk(fs_disks, name, where, as_name=None):
    """A sparse copy of cached disk NAME in directory where."""
    dest = os.path.join(str(where), (as_name or name) + ".img")
    subprocess.run(["cp", "--sparse=always", os.path.join(fs_disks, name + ".img"), dest], check=True)
    return dest


def module_vm(request, tmp_path_factory, disks, **kw):
    """One VM for a whole test module, up at the prompt; killed at its end.
    Its log is _build/test-logs/MODULE.log."""
    name = request.module.__name__
    vm = VM(name, tmpdir=str(tmp_path_factory.mktemp(name + "-vm")), boot="kernel", disks=disks, **kw)
    request.addfinalizer(vm.close)
    return vm


def digests(paths):
    return {p: sha256(p) for p in paths}


def assert_clean(cmd, what):
    """A host checker exits 0 on the image."""
    rc, out = mkfsdisks.host(cmd)
    assert rc == 0, "%s: the host's %s exited %d:\n%s" % (what, cmd[0], rc, out)
    return out


def host_read(img, rel, fstype, options="ro"):
    """A file's bytes, read on the host through a read-only loop mount."""
    with mkfsdisks.LoopMount(img, ["mount", "-t", fstype, "-o", options]) as top:
        with open(os.path.join(top, rel), "rb") as f:
            return f.read()


def guest_sha256(vm, path, seconds=120):
    return vm.ok("sha256sum %s" % path, seconds).split()[0]


def data_sha256(data):
    return hashlib.sha256(data).hexdigest()

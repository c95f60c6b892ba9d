"""Issue 2: same inputs, same bytes. A second build from a copy of the tree,
in another directory, gives a byte-identical initramfs, kernel and ISO. The
second build's kernel is built afresh in that tree (LIFEBOAT_KERNEL_CACHE=off),
the first one's in the kernel cache: a cached tree gives the same bytes."""
import hashlib
import os
import shutil
import subprocess
import sys

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARTIFACTS = ["out/vmlinuz", "out/lifeboat.iso", "_build/vmlinuz-iso", "_build/kernel/lifeboat-initramfs.cpio.zst",
             "_build/kernel/lifeboat-initramfs.cpio"]


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def build_vars():
    out = subprocess.run(["make", "-s", "-C", TOP, "print-build-vars"], capture_output=True,
                         text=True, check=True).stdout
    return dict(line.split("=", 1) for line in out.split())


def test_two_builds_give_the_same_bytes(tmp_path):
    subprocess.run(["make", "-s", "-C", TOP, "image"], check=True)
    first = {a: sha256(os.path.join(TOP, a)) for a in ARTIFACTS}
    tree = tmp_path / "second-tree"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=TOP,
                           capture_output=True, check=True).stdout.split(b"\0")
    for f in files:
        if not f:
            continue
        src = os.path.join(TOP, f.decode())
        if not os.path.lexists(src):
            continue
        dst = tree / f.decode()
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst, follow_symlinks=False)
    v = build_vars()
    cmd = ["make", "-s", "-C", str(tree), "image"]
    env = dict(os.environ, VERSION=v["VERSION"], SOURCE_DATE_EPOCH=v["SOURCE_DATE_EPOCH"],
               LIFEBOAT_KERNEL_CACHE="off")
    print("second build: VERSION=%s SOURCE_DATE_EPOCH=%s LIFEBOAT_KERNEL_CACHE=off %s" % (
        v["VERSION"], v["SOURCE_DATE_EPOCH"], " ".join(cmd)))
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    if r.returncode != 0:
        # The reason first and short: CI's log keeps the head of a failure.
        tail = "\n".join(r.stderr.splitlines()[-60:])
        free = {d: shutil.disk_usage(d).free >> 20 for d in (str(tree), os.path.expanduser("~"))}
        sys.stderr.write(r.stderr)
        pytest.fail("second build failed (exit %d; MiB free: %s; its tree: %s, a component's log in "
                    "_build/comp/NAME/build.log); "
                    "the end of what it printed:\n%s" % (r.returncode, free, tree, tail), pytrace=False)
    second = {a: sha256(str(tree / a)) for a in ARTIFACTS}
    assert first == second
    # 3-4 GB the rest of the suite can use (pytest keeps a passed test's tmp_path)
    shutil.rmtree(tree)

"""e2fsprogs' own test suite (the 380-odd cases of its tests/) run against the
image's e2fsprogs: the one static multi-call binary (musl, mimalloc:
build/components/e2fsprogs.sh) in _build/stage/sbin/e2fsprogs, the bytes
that go into the initramfs, as e2fsck, mke2fs, tune2fs, dumpe2fs, debugfs and
resize2fs. The suite runs in a copy of the component's build tree (configured
for the image), those six programs replaced by links to the image's binary;
what the image does not ship (e2image, e2undo, chattr, the suite's helpers)
stays that tree's own. Slow cases are skipped, as in Debian's `make check`.
"As before" is Debian's glibc build of the same version, the host's
/sbin programs (e2fsprogs 1.47.0-2): a case that fails with the image's
binaries is run again with those in their place, and must fail there too.
One does, here: m_assume_storage_prezeroed, run only as root, counts the
blocks a loop device leaves allocated in its sparse backing file, which
depends on the host kernel (232 here, 224 expected). One case runs with
Debian's build and is skipped here: f_detect_junk ("no magic"), which needs
libmagic, and the image has none (it would only name a non-ext filesystem's
contents in e2fsck's message)."""
import os
import re
import shutil
import subprocess

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TREE = os.path.join(TOP, "_build", "comp", "e2fsprogs", "src")
BINARY = os.path.join(TOP, "_build", "stage", "sbin", "e2fsprogs")
# the suite's names for the programs (tests/test_config), each a link to BINARY
SHIPPED = ["e2fsck/e2fsck", "misc/mke2fs", "misc/tune2fs", "misc/dumpe2fs",
           "debugfs/debugfs", "resize/resize2fs"]
# fewer than this many cases run would mean the suite did not run as it should
LEAST_CASES = 350
DEBIAN_VERSION = "1.47.0-2"


def run(cmd, log, **kw):
    with open(log, "a") as f:
        f.write("$ %s\n" % " ".join(cmd))
        f.flush()
        return subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, **kw)


def relink(tree, target_of):
    for rel in SHIPPED:
        path = os.path.join(tree, rel)
        if os.path.lexists(path):
            os.remove(path)
        os.symlink(target_of(rel), path)


def debian_version():
    r = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "e2fsprogs"], capture_output=True, text=True)
    return r.stdout.strip()


def test_the_suite_passes_with_the_images_binaries(tmp_path):
    assert os.path.isdir(os.path.join(TREE, "tests")), "no e2fsprogs build tree %s: make image first" % TREE
    assert os.access(BINARY, os.X_OK), "no %s: make image first" % BINARY
    tree = str(tmp_path / "e2fsprogs")
    # -a keeps the times: make rebuilds nothing of the tree, only the suite's own helpers
    subprocess.run(["cp", "-a", TREE, tree], check=True)
    relink(tree, lambda rel: BINARY)
    for stale in os.listdir(os.path.join(tree, "tests")):
        if stale.endswith((".failed", ".ok", ".log")):
            os.remove(os.path.join(tree, "tests", stale))
    log = os.path.join(tree, "suite.log")
    print("e2fsprogs suite: %s (log %s)" % (tree, log))
    for rel in SHIPPED:
        v = subprocess.run([os.path.join(tree, rel), "-V"], capture_output=True, text=True)
        assert "1.47.0" in v.stdout + v.stderr, (rel, v.stdout, v.stderr)

    r = run(["make", "-C", os.path.join(tree, "tests", "progs")], log, timeout=600)
    assert r.returncode == 0, "building the suite's helpers failed: see %s" % log
    r = run(["make", "-j%d" % max(2, os.cpu_count() or 2), "-C", os.path.join(tree, "tests"), "check"],
            log, timeout=2400)
    with open(log) as f:
        out = f.read()
    print("\n".join(out.splitlines()[-15:]))
    m = re.search(r"(\d+) tests succeeded\s+(\d+) tests failed", out)
    assert m, "the suite printed no summary (exit %d): see %s" % (r.returncode, log)
    passed, failed = int(m.group(1)), int(m.group(2))
    failures = sorted(n[:-len(".failed")] for n in os.listdir(os.path.join(tree, "tests"))
                      if n.endswith(".failed"))
    assert failed == len(failures), (failed, failures)
    if failures:
        # the same cases with Debian's own programs in place of the image's
        assert debian_version() == DEBIAN_VERSION, \
            "the host's e2fsprogs is %r, not %s: no Debian build to compare with" % (
                debian_version(), DEBIAN_VERSION)
        details = ""
        for name in failures:
            with open(os.path.join(tree, "tests", name + ".failed"), errors="replace") as f:
                details += "\n== %s (image)\n%s" % (name, f.read()[-1500:])
        relink(tree, lambda rel: os.path.join("/sbin", os.path.basename(rel)))
        for name in failures:
            run(["./test_one", "--skip-slow-tests", name], log, cwd=os.path.join(tree, "tests"))
        relink(tree, lambda rel: BINARY)
        also = [n for n in failures if os.path.exists(os.path.join(tree, "tests", n + ".failed"))]
        only_image = sorted(set(failures) - set(also))
        print("failed with the image's binaries: %s; also with Debian's: %s" % (failures, also))
        assert not only_image, "%d cases failed with the image's binaries but pass with Debian's %s: %s%s" % (
            len(only_image), DEBIAN_VERSION, " ".join(only_image), details)
    assert passed >= LEAST_CASES, "only %d cases ran (at least %d expected): see %s" % (
        passed, LEAST_CASES, log)
    # make check exits 2 when a case fails, also one that fails with Debian's build
    assert r.returncode == 0 or failures, "make check exited %d: see %s" % (r.returncode, log)
    # the links were what ran: the suite's e2fsck is the image's binary
    assert os.path.realpath(os.path.join(tree, "e2fsck", "e2fsck")) == os.path.realpath(BINARY)
    shutil.rmtree(tree, ignore_errors=True)

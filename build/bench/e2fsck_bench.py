#!/usr/bin/python3
"""make bench's e2fsck section (issue 21): the CPU time of Lifeboat's static
musl e2fsck (with mimalloc, build/components/mimalloc.sh) against Debian's own
glibc e2fsck of the same version, `e2fsck -fn` of the same image, on the host,
runs alternated, medians of user + system time. Target: at most 1.0x.

The image is generated once and cached in ~/.cache/lifeboat/bench (keyed on
its shape): mke2fs -d of a tree TOPS x FANOUT^DEPTH leaf directories deep,
FILES files in each leaf (0-3 KiB each, so most take a block), all inodes of
the filesystem in use or nearly: about a million by default. BENCH_E2FSCK_SHAPE
("TOPS,FANOUT,DEPTH,FILES") gives a smaller one (bench-smoke).
"""
import os
import re
import shutil
import statistics
import subprocess
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.path.join(os.environ.get("LIFEBOAT_CACHE") or os.path.expanduser("~/.cache/lifeboat"), "bench")
SHAPE = (2, 4, 7, 30)  # 32,768 leaf directories, 983,040 files, 43,690 directories
DEBIAN = "/sbin/e2fsck"
LIFEBOAT = os.path.join(TOP, "_build", "stage", "sbin", "e2fsck")


def shape(env="BENCH_E2FSCK_SHAPE", default=SHAPE):
    s = os.environ.get(env)
    return tuple(int(x) for x in s.split(",")) if s else default


def counts(tops, fanout, depth, files):
    leaves = tops * fanout ** depth
    dirs = tops * sum(fanout ** d for d in range(depth + 1))
    return dirs, leaves * files


def image(log):
    """The cached image for the shape: made by the host's mke2fs -d."""
    s = shape()
    dirs, nfiles = counts(*s)
    inodes = dirs + nfiles + 64
    path = os.path.join(CACHE, "e2fsck-%s.img" % "x".join(map(str, s)))
    if os.path.exists(path):
        return path, dirs, nfiles
    os.makedirs(CACHE, exist_ok=True)
    log("bench: e2fsck: making %s (%d directories, %d files; once)" % (path, dirs, nfiles))
    tmp = tempfile.mkdtemp(prefix="e2fsck-tree-", dir=CACHE)
    try:
        tree = os.path.join(tmp, "root")
        os.mkdir(tree)
        make_tree(tree, *s)
        size_mib = max(64, (nfiles * 4096 + inodes * 256) // 2**20 * 5 // 4)
        part = path + ".tmp"
        subprocess.run(["truncate", "-s", "%dM" % size_mib, part], check=True)
        subprocess.run(["mkfs.ext4", "-q", "-F", "-b", "4096", "-N", str(inodes), "-d", tree, part], check=True)
        os.rename(part, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path, dirs, nfiles


def make_tree(root, tops, fanout, depth, files):
    for t in range(tops):
        sub = os.path.join(root, "t%d" % t)
        os.mkdir(sub)
        for i in range(fanout):
            _mk(os.path.join(sub, "d%d" % i), depth - 1, fanout, files)


def _mk(path, d, fanout, files):
    os.mkdir(path)
    if d == 0:
        for f in range(files):
            with open(os.path.join(path, "f%d" % f), "wb") as fh:
                fh.write(b"x" * (f * 37 % 3000))
        return
    for i in range(fanout):
        _mk(os.path.join(path, "d%d" % i), d - 1, fanout, files)


def cpu_seconds(cmd, env=None):
    """(user + system seconds, exit status) of one run of cmd, with env's
    variables added to the environment."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env=dict(os.environ, **env) if env else None)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return ru.ru_utime + ru.ru_stime, p.returncode


def version(prog, opt="-V", pattern=r"e2fsck (\S+)"):
    out = subprocess.run([prog, opt], capture_output=True, text=True)
    m = re.search(pattern, out.stdout + out.stderr)
    return m.group(1) if m else "?"


def alternate(log, label, progs, args, runs, res):
    """Fill res[name] with the CPU seconds of `prog args` for each (name, prog)
    or (name, prog, env) in progs, runs alternated after one untimed run to
    fill the page cache; runs that fail are logged and left out. None when a
    program is missing."""
    for prog in progs:
        if not os.path.exists(prog[1]):
            log("bench: %s: %s missing; section skipped" % (label, prog[1]))
            return None
    cpu_seconds([progs[0][1]] + args)
    for r in range(runs):
        for name, prog, *env in progs:
            s, rc = cpu_seconds([prog] + args, *env)
            log("%s run %d: %-8s %.3f s CPU%s" % (label, r + 1, name, s, "" if rc == 0 else " (exit %d)" % rc))
            res.setdefault(name, [])
            if rc == 0:
                res[name].append(s)
    return res


def ratio_row(what, res, more=""):
    """One summary row: Lifeboat's median CPU time against Debian's, met or
    missed against 1.0x, then the text MORE."""
    if not res or not res.get("debian") or not res.get("lifeboat"):
        return "| %s CPU time vs Debian's glibc build | not measured |" % what
    d, lb = statistics.median(res["debian"]), statistics.median(res["lifeboat"])
    r = lb / d
    return ("| %s CPU time (host, %s; %s vs Debian's %s) | Lifeboat %.2f s, Debian %.2f s: "
            "%.2fx (target 1.0x): %s%s |" % (what, res["shape"], res["versions"][1], res["versions"][0], lb, d, r,
                                            "met" if r <= 1.0 else "missed", more))


def run(log, runs):
    """{"debian": [s...], "lifeboat": [s...], "shape": text, ...}, or None
    when a program is missing."""
    for prog in (DEBIAN, LIFEBOAT):
        if not os.path.exists(prog):
            log("bench: e2fsck: %s missing; section skipped" % prog)
            return None
    path, dirs, nfiles = image(log)
    res = {"versions": ["e2fsck " + version(p) for p in (DEBIAN, LIFEBOAT)],
           "shape": "%d directories %d deep, %d files (mke2fs -d)" % (dirs, shape()[2] + 1, nfiles)}
    return alternate(log, "e2fsck", (("debian", DEBIAN), ("lifeboat", LIFEBOAT)), ["-fn", path], runs, res)


def rows(res):
    """Markdown table rows for the summary."""
    return [ratio_row("`e2fsck -fn`", res)]

#!/usr/bin/python3
"""make bench's xfs_repair and btrfs check section (issue 21): the CPU time of
Lifeboat's static musl `xfs_repair -n` and `btrfs check` (from the tools image,
_build/stage-tools) against Debian's own glibc builds of the same versions
(xfsprogs 6.1.0, btrfs-progs 6.2), on the host, same image, runs alternated,
medians of user + system time (e2fsck_bench.py does the same for e2fsck and
provides the shared pieces). Target: at most 1.0x.

Both images hold the same tree (e2fsck_bench.make_tree: TOPS x FANOUT^DEPTH
leaf directories, FILES files of 0-3 KiB in each) and are made once by the
host's own tools and cached in ~/.cache/lifeboat/bench keyed on the shape:
btrfs by mkfs.btrfs --rootdir, XFS by mkfs.xfs, a loop mount and a copy.
BENCH_REPAIR_SHAPE ("TOPS,FANOUT,DEPTH,FILES") gives another shape (bench-smoke
uses a tiny one).
"""
import glob
import os
import shutil
import statistics
import subprocess
import tempfile

import e2fsck_bench as eb

SHAPE = eb.SHAPE  # e2fsck's: 32,768 leaf directories, 983,040 files, 43,690 directories
TOOLS = os.path.join(eb.TOP, "_build", "stage-tools", "sbin")
# name, Debian's binary, Lifeboat's, arguments before the image, version option and pattern, mkfs
CHECKS = (
    ("xfs_repair -n", "/usr/sbin/xfs_repair", os.path.join(TOOLS, "xfs_repair"), ["-n", "-f"],
     ("-V", r"version (\S+)"), "xfs"),
    ("btrfs check", "/usr/bin/btrfs", os.path.join(TOOLS, "btrfs"), ["check", "--readonly"],
     ("--version", r"(v\S+)"), "btrfs"),
)
# Lifeboat's btrfs asks for 2 MiB transparent huge pages (mimalloc-thp.o); the
# same binary with them off runs beside it, for the CPU time they save or
# cost on this host (README, "How it is built").
HUGE_OFF = "lifeboat, huge pages off"
HUGE_OFF_ENV = {"MIMALLOC_LARGE_OS_PAGES": "0"}
BALLOON = "/sys/bus/virtio/drivers/virtio_balloon"
REPORTING_BIT = 5  # VIRTIO_BALLOON_F_REPORTING


def shape():
    return eb.shape("BENCH_REPAIR_SHAPE", SHAPE)


def images(log):
    """{fs: path} of the cached images for the shape, made if missing."""
    s = shape()
    dirs, nfiles = eb.counts(*s)
    paths = {fs: os.path.join(eb.CACHE, "%s-%s.img" % (fs, "x".join(map(str, s)))) for fs in ("xfs", "btrfs")}
    if all(os.path.exists(p) for p in paths.values()):
        return paths
    os.makedirs(eb.CACHE, exist_ok=True)
    log("bench: repair: making %s (%d directories, %d files; once)" % (" and ".join(paths.values()), dirs, nfiles))
    size_mib = max(320, (nfiles * 4096 + (dirs + nfiles) * 1024) // 2**20 * 3 // 2)
    tmp = tempfile.mkdtemp(prefix="repair-tree-", dir=eb.CACHE)
    try:
        tree = os.path.join(tmp, "root")
        os.mkdir(tree)
        eb.make_tree(tree, *s)
        for fs, path in paths.items():
            part = path + ".tmp"
            subprocess.run(["truncate", "-s", "0", part], check=True)
            subprocess.run(["truncate", "-s", "%dM" % size_mib, part], check=True)
            if fs == "btrfs":
                subprocess.run(["mkfs.btrfs", "-q", "-f", "--rootdir", tree, part], check=True)
            else:
                subprocess.run(["mkfs.xfs", "-q", "-f", part], check=True)
                mnt = os.path.join(tmp, "mnt")
                os.makedirs(mnt, exist_ok=True)
                subprocess.run(["mount", "-o", "loop", part, mnt], check=True)
                try:
                    subprocess.run(["cp", "-a", tree + "/.", mnt], check=True)
                finally:
                    subprocess.run(["umount", mnt], check=True)
            os.rename(part, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return paths


def run(log, runs):
    """{check: e2fsck_bench-style result}; a check whose program is missing
    is left out."""
    for _, deb, lb, _, _, _ in CHECKS:
        if not os.path.exists(deb) or not os.path.exists(lb):
            log("bench: repair: %s or %s missing; section skipped" % (deb, lb))
            return {}
    paths = images(log)
    dirs, nfiles = eb.counts(*shape())
    out = {}
    for what, deb, lb, args, (opt, pat), fs in CHECKS:
        res = {"versions": [os.path.basename(p) + " " + eb.version(p, opt, pat) for p in (deb, lb)],
               "shape": "%d directories %d deep, %d files (%s)" % (
                   dirs, shape()[2] + 1, nfiles, "mkfs.btrfs --rootdir" if fs == "btrfs" else "mkfs.xfs + cp -a")}
        progs = (("debian", deb), ("lifeboat", lb)) + (((HUGE_OFF, lb, HUGE_OFF_ENV),) if fs == "btrfs" else ())
        out[what] = eb.alternate(log, what, progs, args + [paths[fs]], runs, res)
    return out


def free_page_reporting(balloon=BALLOON):
    """True when the host is a virtual machine whose balloon hands freed
    memory back to its hypervisor (free page reporting: each 2 MiB block a
    program frees is dropped, and the next huge page there is faulted in
    afresh); False otherwise."""
    for path in glob.glob(os.path.join(balloon, "virtio*", "features")):
        with open(path) as f:
            bits = f.read().strip()
        if len(bits) > REPORTING_BIT and bits[REPORTING_BIT] == "1":
            return True
    return False


def huge_off_note(r):
    """The btrfs row's words on the huge pages: Lifeboat's time with them off,
    its ratio, and whether this host reports free pages; "" without runs."""
    off, deb = (r or {}).get(HUGE_OFF), (r or {}).get("debian")
    if not off or not deb:
        return ""
    return (". With mimalloc's huge pages off (`MIMALLOC_LARGE_OS_PAGES=0`, same binary, same rounds): %.2f s, "
            "%.2fx. This host's memory balloon %s free pages to its hypervisor." % (
                statistics.median(off), statistics.median(off) / statistics.median(deb),
                "reports" if free_page_reporting() else "does not report"))


def rows(res):
    """Markdown table rows for the summary."""
    return [eb.ratio_row("`%s`" % what, r, huge_off_note(r)) for what, r in (res or {}).items()]


def results(res, runs):
    """results.md's section: each run, then the summary rows."""
    if not res:
        return []
    md = ["", "## xfs_repair -n and btrfs check against Debian's (issue 21)", "",
          "On the host, the same image for both; CPU time (user + system), %d alternated runs after one to fill "
          "the page cache." % runs, "", "| check | median CPU (s) | runs (s) |", "|---|---|---|"]
    for what, r in res.items():
        for n in ("lifeboat", HUGE_OFF, "debian"):
            if n == HUGE_OFF and n not in (r or {}):
                continue
            v = (r or {}).get(n) or []
            md.append("| `%s`, %s | %s | %s |" % (what, n, "%.3f" % statistics.median(v) if v else "-",
                                                 ", ".join("%.3f" % x for x in v)))
    return md + rows(res)

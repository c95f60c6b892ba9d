#!/usr/bin/python3
"""make bench: boot speed, memory floor and size of Lifeboat, side by side
with what users would pick instead, measured in one run on one QEMU machine.

Every system boots on the same machine: TCG, -smp 2, 7 blank virtio-scsi disks
and the ISO at sdh (the rescue layout: the reference row mounts its tools
image from it), one virtio NIC, -m 512 (except in the memory search). Runs alternate between the
systems (round robin) so that a noisy machine hurts them alike; medians and
ratios are reported. Writes out/bench/results.md and out/bench/boot.svg.
Targets are benchmarks, not tests: a missed one is reported, not failed.

Environment: BENCH_RUNS (default 5), BENCH_BOOT_RUNS (Lifeboat's and the
floor's boots, default 2 * BENCH_RUNS - 1), BENCH_MEMORY=0 skips the memory search,
BENCH_PEERS=0 boots only Lifeboat and the floor (not Debian's peers),
BENCH_SSH=0 skips the SSH login timing and the SSH throughput against
Debian's sshd (build/bench/ssh_bench.py), BENCH_APT=0 skips the apt timing (issue
17: `apt update` + `apt install -y nmon` from the boot tests' local Debian
mirror, tests/boot/fx_aptmirror.py; BENCH_APT=N: N runs, default 1), BENCH_E2FSCK=0 skips
the e2fsck CPU time against Debian's (build/bench/e2fsck_bench.py; BENCH_E2FSCK_SHAPE for a
smaller image), BENCH_REPAIR=0 skips xfs_repair -n and btrfs check against Debian's
(build/bench/repair_bench.py; BENCH_REPAIR_SHAPE), BENCH_OUT (default out/bench) is where
results.md, boot.svg and bench.log go. `make check` runs it as a smoke test:
one round, no memory search, no peers, into _build/bench-smoke.
"""
import glob
import hashlib
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time

import pexpect

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "build"))
sys.path.insert(0, os.path.join(TOP, "build", "bench"))
import qemu_args  # noqa: E402  (build/qemu_args.py: shared with make run and the boot tests)
import e2fsck_bench  # noqa: E402  (build/bench/e2fsck_bench.py: issue 21's e2fsck rows)
import repair_bench  # noqa: E402  (build/bench/repair_bench.py: xfs_repair -n and btrfs check rows)
import ssh_bench  # noqa: E402  (build/bench/ssh_bench.py: issue 21's SSH throughput rows)

OUT = os.environ.get("BENCH_OUT") or os.path.join(TOP, "out", "bench")
WORK = os.path.join(TOP, "_build", "bench")
# issue 21's boot targets: Lifeboat's time to the prompt over the peer's
FLOOR_TARGET, DEBIAN_TARGET = 1.05, 0.15
# The row the targets compare: the ISO's kernel (no tools image in its
# initramfs, build/iso.sh) booted with -kernel like the floor, the ISO at sdh.
LB = "lifeboat (ISO's kernel, ISO at sdh)"
FLOOR = "floor (busybox sh only)"
DEBIAN = "Debian initramfs-tools"
INSTALLER = "Debian installer"
ISO_KERNEL = os.path.join(TOP, "_build", "vmlinuz-iso")
MEM_LB = "lifeboat, ISO's kernel, ISO at sdh (prompt + e2fsck -f of 1 GiB ext4)"
MEM_LB_BUILT_IN = "lifeboat, vmlinuz with the tools built in (prompt + e2fsck -f of 1 GiB ext4)"
STARTED = time.time()


def machine_line():
    """The host the figures come from: CPU, cores, memory, OS, QEMU, and the
    load when the run started (other work on the machine skews the times)."""
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 2**20
    osname = "Linux"
    if os.path.exists("/etc/os-release"):
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                osname = line.split("=", 1)[1].strip().strip('"')
    qemu = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    return "%s, %d cores, %.0f GiB, %s, %s, load %.1f at the start" % (
        cpu, os.cpu_count(), mem, osname, qemu.replace("QEMU emulator version", "QEMU").strip(), START_LOAD)


START_LOAD = os.getloadavg()[0]
# 5 rounds: a floor and a Lifeboat boot differ by less than this machine's noise
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
# Lifeboat and the floor boot in more rounds than the peers (about 8 s a boot
# against 20): with 5, the same image's ratio to the floor read 1.00x in one
# run and 1.08x in another; 9 rounds of the two read 1.10x
BOOT_RUNS = int(os.environ.get("BENCH_BOOT_RUNS", str(2 * RUNS - 1)))
PEERS = os.environ.get("BENCH_PEERS", "1") != "0"
LOG = None

DI = "/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64"


def log(msg):
    print(msg, flush=True)
    LOG.write(msg + "\n")
    LOG.flush()


def blank_disks(count=7, size="1G", prefix="blank"):
    """count sparse disks at slots 0..count-1 (qemu_args.Disk)."""
    out = []
    for slot in range(count):
        img = os.path.join(WORK, "%s%d.img" % (prefix, slot))
        if not os.path.exists(img):
            subprocess.run(["truncate", "-s", size, img], check=True)
        out.append(qemu_args.Disk(img, slot))
    return out


def disks(count=7, medium=False):
    """COUNT blank disks from sda on; MEDIUM: the ISO at sdh too."""
    iso = [qemu_args.Disk(os.path.join(TOP, "out", "lifeboat.iso"), 7, readonly=True)] if medium else []
    return qemu_args.slot_disks(blank_disks(count) + iso)


def machine(mem=512, extra_net=""):
    return ["qemu-system-x86_64", "-accel", "tcg", "-nodefaults", "-no-reboot", "-display", "none",
            "-serial", "stdio", "-smp", "2", "-m", str(mem),
            "-netdev", "user,id=n0" + extra_net, "-device", "virtio-net-pci,netdev=n0"]


def debian_kernel():
    kernels = sorted(glob.glob("/boot/vmlinuz-*-amd64"))
    if not kernels:
        return None, None
    k = kernels[-1]
    ver = k.split("vmlinuz-", 1)[1]
    initrd = os.path.join(WORK, "debian-initrd-%s.img" % ver)
    if not os.path.exists(initrd):
        subprocess.run(["mkinitramfs", "-o", initrd, ver], check=True)
    return k, initrd


def systems():
    """name -> (qemu arguments without the machine, prompt pattern)."""
    s = {}
    iso = os.path.join(TOP, "out", "lifeboat.iso")
    # the reference: the kernel the ISO boots, given to QEMU directly like the
    # floor's, with the ISO at sdh where /init mounts its tools image from
    s[LB] = (["-kernel", ISO_KERNEL, "-append", "console=ttyS0 panic=-1"] + disks(medium=True),
             r"root@lifeboat:~# ")
    s["lifeboat (vmlinuz, tools built in)"] = (["-kernel", os.path.join(TOP, "out", "vmlinuz"),
                                                "-append", "console=ttyS0 panic=-1"] + disks(medium=True),
                                               r"root@lifeboat:~# ")
    s["lifeboat (ISO at sdh, SeaBIOS boots it)"] = (qemu_args.slot_disks(
        blank_disks(7) + [qemu_args.Disk(iso, 7, readonly=True, boot=True)]), r"root@lifeboat:~# ")
    s[FLOOR] = (["-kernel", os.path.join(OUT, "floor-vmlinuz"), "-append", "console=ttyS0 panic=-1"]
                + disks(medium=True), r"floor# ")
    if not PEERS:
        return s
    k, initrd = debian_kernel()
    if k:
        # no panic=: initramfs-tools would reboot instead of giving its shell
        s[DEBIAN] = (["-kernel", k, "-initrd", initrd, "-append", "console=ttyS0 break=premount"]
                     + disks(medium=True), r"\(initramfs\) ")
    if os.path.exists(DI + "/linux"):
        s[INSTALLER] = (["-kernel", DI + "/linux", "-initrd", DI + "/initrd.gz", "-append", "console=ttyS0 panic=-1"]
                        + disks(medium=True), r"<Tab> moves")  # the footer of its first dialog
    return s


def boot(name, args, pattern, mem=512, timeout=240, after=None):
    """Seconds from QEMU's start to the prompt (None on failure)."""
    cmd = machine(mem) + args
    t0 = time.monotonic()
    child = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8", codec_errors="replace",
                          timeout=timeout, dimensions=(50, 200))
    try:
        # a panic (too little memory for the kernel or the initramfs) fails
        # at once instead of waiting for the timeout
        if child.expect([pattern, r"Kernel panic - not syncing"]) == 1:
            return None, None
        took = time.monotonic() - t0
        result = after(child) if after else None
        return took, result
    except (pexpect.TIMEOUT, pexpect.EOF):
        return None, None
    finally:
        child.terminate(force=True)


def lifeboat_timeline(child):
    """boot.log of the booted system: init start, prompt, network lease."""
    child.sendline("stty -echo; PS1='@B''@ '")
    child.expect("@B@ ")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        child.sendline("grep -c 'net: eth0' /run/lifeboat/boot.log")
        child.expect("@B@ ")
        if re.search(r"^[1-9]", child.before.strip(), re.M):
            break
        time.sleep(0.5)
    child.sendline("cat /run/lifeboat/boot.log; echo @END@")
    child.expect("@END@")
    text = child.before
    ms = {}
    for line in text.splitlines():
        m = re.match(r"\[\s*(\d+) ms\] (.*)", line.strip())
        if not m:
            continue
        t, what = int(m.group(1)), m.group(2)
        ms.setdefault("init start", t)
        if what.startswith("init: prompt"):
            ms["prompt"] = t
        if what.startswith("net: eth0"):
            ms["network lease"] = t
        m = re.match(r"init: disks: \d+ found in (\d+) ms(?: \(named (\d+), partition tables (\d+)\))?", what)
        if m:
            ms["disk step"] = int(m.group(1))
            if m.group(2):
                ms["disks named"], ms["partition tables"] = int(m.group(2)), int(m.group(3))
        m = re.match(r"init: disk table probed in (\d+) ms", what)
        if m:
            ms["disk table"] = int(m.group(1))
    return ms


# how the key reaches the guest before `service ssh start`: ssh_timeline's at_prompt
SSH_STARTS = (("key as ssh_key= at boot", False), ("key typed at the prompt, no boot option", True))


COPY_MIB = 256


def copy_source():
    """WORK/copy-src.img: COPY_MIB MiB the guest copies out over SSH, made
    here (not by the image): 1 MiB runs alternating between random bytes and
    text (this script's own source, repeated), so zstd has something to do and
    something it cannot squeeze."""
    img = os.path.join(WORK, "copy-src.img")
    if not os.path.exists(img):
        rnd = random.Random(21)
        text = open(os.path.abspath(__file__), "rb").read()
        text = (text * (1 + (1 << 20) // len(text)))[:1 << 20]
        with open(img + ".tmp", "wb") as f:
            for i in range(COPY_MIB):
                f.write(rnd.randbytes(1 << 20) if i % 2 else text)
        os.rename(img + ".tmp", img)
    return img


def guest_copy_rates(port, key):
    """MiB/s of `ssh root@rescue 'dd if=/dev/sda bs=1M' > sda.img` and of the
    same through `zstd -1` in the guest, the output to a file on the host;
    the copy's sha256 is checked against the source."""
    src = copy_source()
    want = hashlib.sha256(open(src, "rb").read()).hexdigest()
    out = os.path.join(WORK, "copy-dst.img")
    rates = {}
    for what, remote, local in (("dd", "dd if=/dev/sda bs=1M status=none", "cat"),
                                ("zstd -1", "zstd -1 -c < /dev/sda", "zstd -d -c")):
        t0 = time.monotonic()
        with open(out, "wb") as f:
            r = subprocess.run("ssh -p %d -i %s -o BatchMode=yes -o StrictHostKeyChecking=no "
                               "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR root@127.0.0.1 '%s' | %s"
                               % (port, key, remote, local), shell=True, stdout=f, timeout=900)
        took = time.monotonic() - t0
        got = hashlib.sha256(open(out, "rb").read()).hexdigest()
        ok = r.returncode == 0 and got == want
        log("guest copy over ssh, %s: %s" % (what, "%.1f MiB/s" % (COPY_MIB / took) if ok else
                                             "FAILED (rc %d, sha256 %s)" % (r.returncode, got == want)))
        rates[what] = COPY_MIB / took if ok else None
    os.unlink(out)
    return rates


def ssh_timeline(at_prompt=False, after_login=None):
    """Wall seconds from `service ssh start` to a successful SSH login. The
    key comes as ssh_key= at boot, as it would for a fleet, or with at_prompt
    typed at the prompt by the user, with no boot option. Either way /init
    has got the kernel's random generator ready after the prompt (without
    that, the first host key would wait about half a second for it under
    TCG)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    key = os.path.join(WORK, "id_ed25519")
    if not os.path.exists(key):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
    pub = open(key + ".pub").read().strip()
    append = "console=ttyS0 panic=-1" + ("" if at_prompt else ' ssh_key="%s"' % pub)
    slots = blank_disks()
    if after_login:
        slots[0] = qemu_args.Disk(copy_source(), 0)
    cmd = machine(512, ",hostfwd=tcp:127.0.0.1:%d-:22" % port) + [
        "-kernel", os.path.join(TOP, "out", "vmlinuz"), "-append", append] + qemu_args.slot_disks(slots)
    child = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8", timeout=240)
    try:
        child.expect("root@lifeboat:~# ")
        if at_prompt:
            child.sendline("mkdir -p /root/.ssh && echo '%s' > /root/.ssh/authorized_keys" % pub)
            child.expect("root@lifeboat:~# ")
        time.sleep(2)  # ssh_key= is applied in the background
        t0 = time.monotonic()
        child.sendline("service ssh start")
        while True:
            r = subprocess.run(["ssh", "-p", str(port), "-i", key, "-o", "BatchMode=yes",
                                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                                "-o", "LogLevel=ERROR", "root@127.0.0.1", "echo ok"],
                               capture_output=True, text=True, timeout=60)
            if r.stdout.strip() == "ok":
                took = time.monotonic() - t0
                return (took, after_login(port, key)) if after_login else took
            if time.monotonic() - t0 > 120:
                return (None, None) if after_login else None
            time.sleep(0.1)
    finally:
        child.terminate(force=True)


def memory_floor(name, args, pattern, check=None):
    """Smallest -m (8 MiB steps) at which the system reaches its prompt (and
    passes check)."""
    def ok(mem):
        took, res = boot(name, args, pattern, mem=mem, timeout=120, after=check)
        good = took is not None and (check is None or res)
        log("  memory %s: %d MiB: %s" % (name, mem, "ok" if good else "no"))
        return good
    lo, hi = 8, 1024
    if not ok(hi):
        return None
    while hi - lo > 8:
        mid = (lo + hi) // 2 // 8 * 8
        if mid in (lo, hi):
            break
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


APT_STEPS = (("apt update", "apt update"), ("apt install -y nmon", "apt install -y nmon"))
# what the peers can do at their prompt (the apt row's peer column)
APT_PEERS = ("Debian initramfs-tools: no apt at its (initramfs) prompt (busybox only); Debian installer: "
             "apt only in the target system after debootstrap, not at its prompt; the floor: none. "
             "Not comparable: the row is Lifeboat's alone.")


def apt_timing():
    """Wall seconds of each APT_STEPS command in a booted Lifeboat (-m 1024,
    mirror= the local mirror, its clock where the InRelease files are
    valid): ({step: seconds or None}, note)."""
    sys.path.insert(0, os.path.join(TOP, "tests", "boot"))
    import fx_aptmirror  # noqa: E402 (the boot tests' mirror, built once and cached)
    why = fx_aptmirror.host_ready()
    if why:
        return {}, why
    try:
        mirror = fx_aptmirror.Mirror(fx_aptmirror.cached())
    except fx_aptmirror.MirrorError as e:
        return {}, "the local Debian mirror: %s" % e
    cmd = machine(1024) + ["-kernel", os.path.join(TOP, "out", "vmlinuz"), "-append",
                           "console=ttyS0 panic=-1 mirror=" + mirror.url()] + mirror.rtc(mirror.facts["clock"])
    child = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8", codec_errors="replace", timeout=240,
                          dimensions=(50, 200))
    took = {}
    try:
        child.expect("root@lifeboat:~# ")
        child.sendline("stty -echo; PS1='@B''@ '")
        child.expect("@B@ ")
        child.sendline("until ip route | grep -q '^default '; do sleep 0.2; done")
        child.expect("@B@ ", timeout=120)
        for name, line in APT_STEPS:
            t0 = time.monotonic()
            child.sendline("%s >/dev/null 2>&1; echo @RC$?@" % line)
            child.expect(r"@RC(\d+)@", timeout=1800)
            rc = child.match.group(1)
            took[name] = time.monotonic() - t0 if rc == "0" else None
            child.expect("@B@ ")
            if took[name] is None:
                return took, "`%s` exited %s" % (line, rc)
        child.sendline("apt list --installed 2>/dev/null | grep -c /now; du -sk / 2>/dev/null | tail -1")
        child.expect("@B@ ")
        return took, "packages installed: %s" % " ".join(child.before.split())
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        return took, "no answer (%s)" % type(e).__name__
    finally:
        child.terminate(force=True)
        mirror.close()


def e2fsck_check(child):
    child.sendline("stty -echo; PS1='@B''@ '")
    child.expect("@B@ ")
    child.sendline("e2fsck -f -n /dev/sda >/dev/null 2>&1; echo @RC$?@")
    child.expect(r"@RC(\d+)@", timeout=300)
    return child.match.group(1) == "0"


def svg(medians, path):
    items = [(k, v) for k, v in medians.items() if v]
    if not items:
        return
    w, bar, gap, left = 720, 26, 10, 230
    top = max(v for _, v in items)
    h = 40 + len(items) * (bar + gap)
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="13">' % (w, h),
           '<text x="10" y="20" font-weight="bold">Boot to prompt, QEMU TCG, median of %s (seconds)</text>' % runs_text()]
    for i, (k, v) in enumerate(items):
        y = 34 + i * (bar + gap)
        width = (w - left - 80) * v / top
        color = "#2a7ab0" if k.startswith("lifeboat") else "#999999"
        out.append('<text x="10" y="%d">%s</text>' % (y + 18, k))
        out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>' % (left, y, width, bar, color))
        out.append('<text x="%.1f" y="%d">%.2f s</text>' % (left + width + 6, y + 18, v))
    out.append("</svg>")
    open(path, "w").write("\n".join(out) + "\n")


def apt_medians(apt):
    """{step: median seconds} over the runs where every step worked, and
    "total" (update + install)."""
    good = [t for t, _ in apt if len(t) == len(APT_STEPS) and all(t.values())]
    for t in good:
        t["total"] = sum(t[name] for name, _ in APT_STEPS)
    return {k: statistics.median(t[k] for t in good) for k in good[0]} if good else {}


# each system's boot time by round (alternated rounds: a round's systems
# booted one after the other, so they met the same moment of the host)
ROUNDS = {}


def round_spread(name):
    """Lifeboat's time over NAME's, round by round: " (rounds: LO-HIx)", or ""."""
    ours_, theirs = ROUNDS.get(LB, {}), ROUNDS.get(name, {})
    ratios = [ours_[r] / theirs[r] for r in ours_ if r in theirs]
    if len(ratios) < 2:
        return ""
    return " (rounds: %.2f-%.2fx)" % (min(ratios), max(ratios))


def summary(times, med, mem, timelines, ssh, iso, apt_med=None, e2=None, ssh_rates=None, guest=None, rp=None):
    """OUT/summary.md: the figures README's measured section shows
    (build/measured.py puts it there)."""
    lb = med.get(LB)
    md = ["`make bench` of %s on %s: %s per system, alternated, medians (QEMU TCG, -smp 2, 7 blank virtio-scsi disks and the ISO at sdh, "
          "one virtio NIC, -m 512); absolute times vary from run to run, the ratios within a run "
          "are what counts." % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(STARTED)), machine_line(), runs_text()),
          "", "| system | QEMU start to prompt | vs Lifeboat | target |", "|---|---|---|---|"]
    targets = {FLOOR: ("floor", FLOOR_TARGET), DEBIAN: ("Debian", DEBIAN_TARGET)}
    for n in times:
        ratio = med[n] / lb if med[n] and lb else None
        target = "-"
        if n in targets and ratio:
            # the target is Lifeboat's time over the peer's
            inv = lb / med[n]
            target = "%.2fx of it%s (target %gx): %s" % (inv, round_spread(n), targets[n][1],
                                                        "met" if inv <= targets[n][1] else "missed")
        md.append("| %s | %s | %s | %s |" % (n, "%.2f s" % med[n] if med[n] else "failed",
                                            "%.2fx" % ratio if ratio else "-", target))
    md += ["", "| what | measured |", "|---|---|"]
    md.append("| ISO (target 12 MiB) | %.2f MiB: %s |" % (iso / 2**20, "met" if iso <= 12 << 20 else "missed"))
    for n, v in mem.items():
        md.append("| memory floor: %s | %s |" % (n, "%d MiB" % v if v else "did not boot at 1024 MiB"))
    if timelines:
        def mid(key):
            v = [tl[key] for _, tl in timelines if key in tl]
            return statistics.median(v) if v else None
        start, prompt = mid("init start"), mid("prompt")
        if start is not None:
            md.append("| kernel to `/init` (guest uptime) | %.2f s |" % (start / 1000))
        if start is not None and prompt is not None:
            md.append("| `/init` to prompt | %.0f ms (disks %s ms, the banner's disk table %s ms) |" % (
                prompt - start, "%.0f" % mid("disk step") if mid("disk step") is not None else "?",
                "%.0f" % mid("disk table") if mid("disk table") is not None else "?"))
        if mid("network lease") is not None:
            md.append("| DHCP lease (guest uptime) | %.2f s |" % (mid("network lease") / 1000))
    for how, v in ssh.items():
        md.append("| `service ssh start` to a successful login, %s (target 1 s) | %.2f s: %s |" % (
            how, statistics.median(v), "met" if statistics.median(v) <= 1 else "missed"))
    if apt_med:
        md.append("| `apt update` + `apt install -y nmon` from a local mirror (-m 1024) | %.1f s (%.1f + %.1f) |" % (
            apt_med["total"], apt_med["apt update"], apt_med["apt install -y nmon"]))
    if e2 is not None:
        md += e2fsck_bench.rows(e2)
    md += repair_bench.rows(rp)
    if ssh_rates:
        md += ssh_bench.rows(ssh_rates)
    if guest:
        md += ssh_bench.guest_rows(guest, COPY_MIB)
    open(os.path.join(OUT, "summary.md"), "w").write("\n".join(md) + "\n")


def ours(name):
    """Lifeboat's rows and the floor: the boots that get BOOT_RUNS rounds."""
    return name.startswith("lifeboat") or name.startswith("floor")


def runs_text():
    """How many boots each system had, for the tables' headers."""
    runs = "%d run%s" % (RUNS, "s" if RUNS > 1 else "")
    return runs if BOOT_RUNS == RUNS else "%s (Lifeboat and the floor: %d)" % (runs, BOOT_RUNS)


def main():
    global LOG
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(WORK, exist_ok=True)
    LOG = open(os.path.join(OUT, "bench.log"), "w")
    systems_ = systems()
    missing = [n for n in (DEBIAN, INSTALLER) if n not in systems_]
    for n in missing:
        if PEERS:
            log("bench: warning: %s not installed (build/bench/bench-deps.txt); skipped" % n)
        else:
            log("bench: %s not booted (BENCH_PEERS=0)" % n)
    times = {name: [] for name in systems_}
    timelines = []
    for r in range(max(RUNS, BOOT_RUNS)):
        for name, (args, pattern) in systems_.items():
            if r >= (BOOT_RUNS if ours(name) else RUNS):
                continue
            after = lifeboat_timeline if name == LB else None
            took, res = boot(name, args, pattern, after=after)
            log("run %d: %-26s %s" % (r + 1, name, "%.2f s" % took if took else "FAILED"))
            if took:
                times[name].append(took)
                ROUNDS.setdefault(name, {})[r] = took
            if res:
                timelines.append((took, res))
    med = {n: statistics.median(v) if v else None for n, v in times.items()}
    never = [n for n, v in times.items() if not v and ours(n)]
    ssh, ssh_rates, guest = {}, None, None
    if os.environ.get("BENCH_SSH", "1") != "0":
        for _ in range(min(RUNS, 2)):
            for how, at_prompt in SSH_STARTS:
                took = ssh_timeline(at_prompt)
                log("ssh start to login, %s: %s" % (how, "%.2f s" % took if took else "FAILED"))
                if took:
                    ssh.setdefault(how, []).append(took)
        # BENCH_RUNS alternated rounds, as the peers' boots: single rounds of
        # one cipher spread up to 30% here, and three left the medians 10% apart
        ssh_rates = ssh_bench.run(log, RUNS)
        if ssh_rates:
            ssh_rates["start"] = ssh_bench.start_to_login(log, min(RUNS, 3))
        guest = ssh_timeline(after_login=guest_copy_rates)[1]

    apt = []  # ({step: seconds}, note) per run
    for r in range(int(os.environ.get("BENCH_APT", "1"))):
        apt.append(apt_timing())
        log("apt run %d: %s (%s)" % (r + 1, ", ".join("%s %s" % (k, "%.1f s" % v if v else "FAILED")
                                                      for k, v in apt[-1][0].items()) or "FAILED", apt[-1][1]))

    e2 = e2fsck_bench.run(log, RUNS) if os.environ.get("BENCH_E2FSCK", "1") != "0" else None
    rp = repair_bench.run(log, RUNS) if os.environ.get("BENCH_REPAIR", "1") != "0" else None

    mem = {}
    if os.environ.get("BENCH_MEMORY", "1") != "0":
        ext4 = os.path.join(WORK, "ext4-1g.img")
        if not os.path.exists(ext4):
            subprocess.run(["truncate", "-s", "1G", ext4], check=True)
            subprocess.run(["mkfs.ext4", "-q", "-F", ext4], check=True)
        pattern = systems_[LB][1]
        medium = qemu_args.Disk(os.path.join(TOP, "out", "lifeboat.iso"), 7, readonly=True)
        for name, kernel, extra in ((MEM_LB, ISO_KERNEL, [medium]),
                                    (MEM_LB_BUILT_IN, os.path.join(TOP, "out", "vmlinuz"), [])):
            args = ["-kernel", kernel, "-append", "console=ttyS0 panic=-1"
                    ] + qemu_args.slot_disks([qemu_args.Disk(ext4, 0)] + extra)
            mem[name] = memory_floor("lifeboat", args, pattern, e2fsck_check)
        for name in (DEBIAN, INSTALLER):
            if name in systems_:
                mem[name + " (prompt)"] = memory_floor(name, *systems_[name])

    sizes = subprocess.run([os.path.join(TOP, "build", "size.sh"), os.path.join(TOP, "_build"),
                            os.path.join(TOP, "out")], capture_output=True, text=True).stdout
    timing = ""
    tf = os.path.join(TOP, "_build", "timings.txt")
    if os.path.exists(tf):
        timing = open(tf).read()

    lb, deb, floor = med.get(LB), med.get(DEBIAN), med.get(FLOOR)
    md = ["# Lifeboat benchmark", "",
          "One run of `make bench`, %s, on %s: QEMU TCG, -smp 2, 7 blank virtio-scsi disks and the ISO at sdh, one virtio NIC, -m 512; "
          "%s per system, alternated; medians. Absolute times are only comparable within one run." % (
              time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(STARTED)), machine_line(), runs_text()), "",
          "## Boot to prompt", "", "| system | median (s) | runs (s) | vs " + LB + " |", "|---|---|---|---|"]
    for n, v in times.items():
        ratio = "%.2fx" % (med[n] / lb) if med[n] and lb else "-"
        md.append("| %s | %s | %s | %s |" % (n, "%.2f" % med[n] if med[n] else "failed",
                                           ", ".join("%.2f" % x for x in v), ratio))
    md += ["", "## Targets", "", "| target | measured | verdict |", "|---|---|---|"]

    def verdict(ok, miss):
        return "met" if ok else "missed by " + miss
    if lb and deb:
        r = lb / deb
        md.append("| boot at most %gx of Debian initramfs-tools | %.2fx | %s |" % (
            DEBIAN_TARGET, r, verdict(r <= DEBIAN_TARGET, "%.0f%%" % ((r / DEBIAN_TARGET - 1) * 100))))
    else:
        md.append("| boot at most %gx of Debian initramfs-tools | not measured (peer missing) | - |" % DEBIAN_TARGET)
    if lb and floor:
        r = lb / floor
        md.append("| boot within %gx of the busybox-only floor | %.2fx%s | %s |" % (
            FLOOR_TARGET, r, round_spread(FLOOR), verdict(r <= FLOOR_TARGET, "%.0f%%" % ((r / FLOOR_TARGET - 1) * 100))))
    mf = mem.get(MEM_LB)
    if mf:
        md.append("| memory floor at most 48 MiB | %d MiB | %s |" % (mf, verdict(mf <= 48, "%d MiB" % (mf - 48))))
    iso = os.path.getsize(os.path.join(TOP, "out", "lifeboat.iso"))
    md.append("| ISO at most 12 MiB | %.2f MiB | %s |" % (iso / 2**20, verdict(iso <= 12 << 20, "%.2f MiB" % (iso / 2**20 - 12))))

    if timelines:
        md += ["", "## Lifeboat's boot timeline (median over runs)", "", "| step | ms |", "|---|---|"]
        wall = statistics.median(t for t, _ in timelines) * 1000
        def mid(key):
            v = [tl[key] for _, tl in timelines if key in tl]
            return statistics.median(v) if v else None
        start, prompt, lease = mid("init start"), mid("prompt"), mid("network lease")
        md.append("| QEMU start to prompt (wall) | %.0f |" % wall)
        if start is not None:
            md.append("| firmware + kernel (guest uptime at /init) | %.0f |" % start)
        if prompt is not None and start is not None:
            md.append("| /init: start to prompt (includes the bounded disk wait) | %.0f |" % (prompt - start))
        for key, what in (("disk step", "of which: disks named, slots checked, medium found"),
                          ("disks named", "of which, in it: every disk named (a look through sysfs)"),
                          ("partition tables", "of which, in it: the kernel's partition scans waited for"),
                          ("disk table", "of which: the banner's disk table (libblkid, a disk a child)")):
            if mid(key) is not None:
                md.append("| %s | %.0f |" % (what, mid(key)))
        if lease is not None:
            md.append("| network lease (guest uptime) | %.0f |" % lease)
        for how, v in ssh.items():
            md.append("| `service ssh start` to a successful SSH login, %s (wall) | %.0f |" % (
                how, statistics.median(v) * 1000))
    if ssh_rates:
        md += ["", "## SSH throughput against Debian's sshd (issue 21)"] + ssh_bench.rows(ssh_rates)
    if guest:
        md += ssh_bench.guest_rows(guest, COPY_MIB)
    apt_med = apt_medians(apt)
    if apt:
        md += ["", "## apt from a local Debian mirror (issue 17)", "",
               "Lifeboat (-m 1024, `mirror=` the boot tests' local mirror: the real InRelease files, the "
               "uncompressed Packages of bookworm, -updates and -security, 53 MB, and the real .debs), "
               "%d run%s, median; wall time at the console." % (len(apt), "s" if len(apt) > 1 else ""), "",
               "| step | median (s) | runs |", "|---|---|---|"]
        for name, _ in APT_STEPS + (("total", None),):
            v = apt_med.get(name)
            md.append("| `%s` | %s | %s |" % (name, "%.1f" % v if v else "failed", "; ".join(
                "%.1f" % t[name] if t.get(name) else "failed: " + note for t, note in apt)))
        md += ["", "Peers: " + APT_PEERS]
    if e2 is not None:
        md += ["", "## e2fsck against Debian's (issue 21)", "",
               "`e2fsck -fn` on the host, the same image: %s; CPU time (user + system), %d alternated "
               "runs after one to fill the page cache." % (e2["shape"] if e2 else "-", RUNS), "",
               "| e2fsck | median CPU (s) | runs (s) |", "|---|---|---|"]
        for n in ("lifeboat", "debian"):
            v = e2[n] if e2 else []
            md.append("| %s | %s | %s |" % (n, "%.3f" % statistics.median(v) if v else "-",
                                            ", ".join("%.3f" % x for x in v)))
        md += e2fsck_bench.rows(e2)
    md += repair_bench.results(rp, RUNS)
    if mem:
        md += ["", "## Memory floor (smallest -m in 8 MiB steps)", "", "| system | MiB |", "|---|---|"]
        for n, v in mem.items():
            md.append("| %s | %s |" % (n, v if v else "did not boot at 1024"))
    md += ["", "## Sizes", "", "```", sizes.rstrip(), "```"]
    md += ["", "## Build times (recorded by the last clean builds)", ""]
    if timing:
        md += ["```", timing.rstrip(), "```"]
    else:
        md.append("No clean build recorded in _build/timings.txt: a fresh clone's first build, or `make distclean image`, records one.")
    open(os.path.join(OUT, "results.md"), "w").write("\n".join(md) + "\n")
    summary(times, med, mem, timelines, ssh, iso, apt_med, e2, ssh_rates, guest, rp)
    svg(med, os.path.join(OUT, "boot.svg"))
    log("\n".join(md))
    if never:
        log("bench: error: never reached the prompt: %s (logs: %s)" % (", ".join(never), OUT))
        sys.exit(1)


if __name__ == "__main__":
    main()

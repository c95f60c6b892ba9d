"""Boot Lifeboat in QEMU and drive its serial console (pexpect).

Shaped after Buildroot's runtime-test emulator and u-root's vmtest: the exact
QEMU command line opens each test's log, the shell gets a unique prompt, and
run(cmd) returns the command's output and exit status. Timeouts and fixed
waits (pause, VM.sleep) scale with LIFEBOAT_TIMEOUT_MULT (default 1) for slow
machines. A guest's kernel panic fails the expect that sees it at once.
"""
import hashlib
import os
import random
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time

import pexpect

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "build"))
import qemu_args  # noqa: E402  (build/qemu_args.py: shared with make run and make bench)

OUT = os.path.join(TOP, "out")
VMLINUZ = os.path.join(OUT, "vmlinuz")
# the ISO's kernel: no tools image in its initramfs, it mounts the medium's
ISO_KERNEL = os.path.join(TOP, "_build", "vmlinuz-iso")
ISO = os.path.join(OUT, "lifeboat.iso")
LOG_DIR = os.path.join(TOP, "_build", "test-logs")
MULT = float(os.environ.get("LIFEBOAT_TIMEOUT_MULT", "1"))
ACCEL = os.environ.get("LIFEBOAT_ACCEL", "tcg")
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"

BOOT_PROMPT = "root@lifeboat:~# "
NOTICE = re.compile(r"^lifeboat: (eth\d+ \S+|no network interface found|ssh: .*|  .*|warning: .*)$")
PROMPT = "@LB@# "  # set once the shell answers; nothing else prints it
PANIC = "Kernel panic - not syncing"
BOOT_KINDS = ("kernel", "cdrom", "iso-disk", "pxe", "disk")
FIRMWARES = ("bios", "uefi")


class GuestPanic(AssertionError):
    """The guest's kernel panicked while a test waited for something else."""


def timeout(seconds):
    return seconds * MULT


def pause(seconds):
    """A fixed wait on the host, scaled like every timeout."""
    time.sleep(timeout(seconds))


def free_port():
    """A free TCP port on the host's loopback (for hostfwd and socket NICs).
    Under pytest-xdist (make boot runs two workers) each worker takes ports of
    its own residue, so that two workers never pick the same free port before
    either QEMU binds it. The port is chosen here and tried, not left to
    bind(0): Linux hands bind(0) odd ports only, which starved worker gw0."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    base = 20000
    slots = 30000 // count
    start = random.randrange(slots)
    for i in range(slots):
        port = base + ((start + i) % slots) * count + index % count
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            s.close()
        return port
    raise RuntimeError("no free port of this worker's residue on 127.0.0.1")


class Disk(qemu_args.Disk):
    """A disk on the virtio-scsi controller at a SCSI target id (= slot);
    its serial is LBDISK<slot> unless given."""

    def __init__(self, path, slot, serial=None, kind="scsi-hd", readonly=False, boot=False):
        super().__init__(path, slot, serial or "LBDISK%d" % slot, kind, readonly, boot)


def make_disk(path, size_mib, fill=None):
    """Create a raw disk image: sparse zeroes, or random bytes with fill='random'."""
    with open(path, "wb") as f:
        if fill == "random":
            f.write(os.urandom(size_mib << 20))
        else:
            f.truncate(size_mib << 20)
    return path


class VM:
    def __init__(self, name, boot="kernel", disks=(), nic="user", smp=2, mem=512,
                 append="", firmware="bios", extra=(), tmpdir=None, efivars=None,
                 machine="pc", nic_model="virtio", console="ttyS0", kernel=None):
        if boot not in BOOT_KINDS:
            raise ValueError("boot=%r: not one of %s" % (boot, ", ".join(BOOT_KINDS)))
        if firmware not in FIRMWARES:
            raise ValueError("firmware=%r: not one of %s" % (firmware, ", ".join(FIRMWARES)))
        self.name = name
        self.boot = boot
        self.disks = list(disks)
        self.nic = nic
        self.smp, self.mem = smp, mem
        self.append = append
        self.firmware = firmware
        # UEFI: this OVMF variable store, used as it is (an earlier VM's
        # boot entries), instead of a fresh copy in tmpdir
        self.efivars = efivars
        self.extra = list(extra)
        # QEMU's machine (pc, q35), the NIC's model (qemu_args.NICS) and the
        # console the test talks to: ttyS0, or hvc0 (a virtio console)
        self.machine, self.nic_model, self.console = machine, nic_model, console
        # boot="kernel": this kernel (VMLINUZ, the one with the tools image)
        self.kernel = kernel or VMLINUZ
        self.hostfwd = []  # (host port, guest port) on 127.0.0.1
        self.tmpdir = tmpdir or os.path.join(TOP, "_build", "test-tmp", name)
        os.makedirs(self.tmpdir, exist_ok=True)
        os.makedirs(LOG_DIR, exist_ok=True)
        self.log_path = os.path.join(LOG_DIR, re.sub(r"[^\w.-]", "_", name) + ".log")
        self.child = None
        self.log = None
        self.started = None  # time.monotonic() at start()
        self.exitstatus = None

    def command(self):
        cmd = ["qemu-system-x86_64", "-accel", ACCEL, "-nodefaults", "-no-reboot",
               "-display", "none", "-machine", self.machine, "-smp", str(self.smp),
               "-m", str(self.mem)]
        if self.console == "hvc0":
            cmd += ["-serial", "null", "-chardev", "stdio,id=hvc,signal=off",
                    "-device", "virtio-serial-pci", "-device", "virtconsole,chardev=hvc"]
        else:
            cmd += ["-serial", "mon:stdio"]
        if self.firmware == "uefi":
            vars_copy = self.efivars or os.path.join(self.tmpdir, "OVMF_VARS.fd")
            if not self.efivars:
                shutil.copyfile(OVMF_VARS, vars_copy)
            cmd += ["-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
                    "-drive", "if=pflash,format=raw,unit=1,file=" + vars_copy]
        if self.boot == "kernel":
            cmd += ["-kernel", self.kernel]
            cmd += ["-append", ("console=%s panic=-1 %s" % (self.console, self.append)).strip()]
        elif self.boot == "cdrom":
            cmd += ["-drive", "if=none,id=cd0,media=cdrom,readonly=on,file=" + ISO,
                    "-device", "ide-cd,drive=cd0,bootindex=0"]
        # iso-disk: the ISO is attached as a disk below; pxe: not at all;
        # disk: neither, the firmware boots the disk given boot=True
        disks = list(self.disks)
        if self.boot == "iso-disk":
            disks.append(Disk(ISO, 7, serial="LIFEBOAT-MEDIUM", readonly=True, boot=True))
        cmd += qemu_args.slot_disks(disks)
        if self.nic == "user":
            netdev = "user,id=n0" + "".join(",hostfwd=tcp:127.0.0.1:%d-:%d" % f for f in self.hostfwd)
            if self.boot == "pxe":
                netdev += ",tftp=%s,bootfile=boot.ipxe" % self.pxe_dir()
            dev = qemu_args.NICS[self.nic_model] + ",netdev=n0"
            if self.boot == "pxe":
                dev += ",bootindex=0"
            cmd += ["-netdev", netdev, "-device", dev]
        return cmd + self.extra

    def pxe_dir(self):
        d = os.path.join(self.tmpdir, "tftp")
        os.makedirs(d, exist_ok=True)
        shutil.copyfile(VMLINUZ, os.path.join(d, "vmlinuz"))
        with open(os.path.join(d, "boot.ipxe"), "w") as f:
            f.write("#!ipxe\nkernel vmlinuz console=ttyS0 panic=-1 %s\nboot\n" % self.append)
        return d

    def start(self):
        cmd = self.command()
        self.log = open(self.log_path, "w", encoding="utf-8", errors="replace")
        line = " ".join(shlex.quote(c) for c in cmd)
        self.log.write("# QEMU command line:\n# %s\n" % line)
        self.log.flush()
        print("QEMU: " + line)
        self.started = time.monotonic()
        self.child = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8",
                                   codec_errors="replace", timeout=timeout(60),
                                   dimensions=(50, 200))
        self.child.logfile_read = self.log
        return self

    def expect(self, pattern, seconds=60):
        """Like pexpect's expect (pattern: one or a list); a kernel panic in
        the guest fails it at once (unless a pattern is waiting for it)."""
        patterns = pattern if isinstance(pattern, list) else [pattern]
        if any(p == PANIC or (isinstance(p, str) and "Kernel panic" in p) for p in patterns):
            return self.child.expect(pattern, timeout=timeout(seconds))
        i = self.child.expect(patterns + [PANIC], timeout=timeout(seconds))
        if i == len(patterns):
            try:  # the panic's message and trace, for the assertion
                self.child.expect(pexpect.EOF, timeout=timeout(5))
            except pexpect.TIMEOUT:
                pass
            raise GuestPanic("the guest's kernel panicked while waiting for %r (log: %s):\n%s%s" % (
                pattern, self.log_path, PANIC, self.child.before[-3000:]))
        return i

    def up(self, seconds=120):
        """Start, see the banner, get the prompt."""
        self.start()
        self.expect("Welcome to Lifeboat!", seconds)
        return self.wait_boot_prompt()

    def wait_boot_prompt(self, seconds=120):
        """Wait for the root prompt, then switch to a unique one without echo."""
        self.expect(re.escape(BOOT_PROMPT), seconds)
        return self.set_prompt()

    def set_prompt(self):
        """Unique prompt, no echo. The quotes keep the echoed command itself
        from matching the prompt."""
        self.child.sendline("stty -echo; PS1='%s''%s'" % (PROMPT[:2], PROMPT[2:]))
        self.expect(re.escape(PROMPT), 30)
        return self

    def sleep(self, seconds):
        """A fixed wait in the guest (the console is busy meanwhile), scaled
        like every timeout."""
        return self.ok("sleep %g" % timeout(seconds), seconds + 60)

    def run(self, cmd, seconds=60):
        """Run cmd in the console shell; return (output, exit status)."""
        self.child.sendline("%s; echo \"@RC@$?@\"" % cmd)
        self.expect(r"@RC@(\d+)@\r*\n", seconds)
        out = self.child.before
        rc = int(self.child.match.group(1))
        # the prompt follows at once, unless the guest is starved (a fork
        # bomb): then it may take as long as the command was given
        self.expect(re.escape(PROMPT), max(30, seconds))
        out = out.replace("\r\n", "\n").replace("\r", "")
        # Console notices ("lifeboat: eth0 10.0.2.15/24") arrive whenever
        # the event happens, also in the middle of a command's output.
        out = "\n".join(line for line in out.split("\n") if not NOTICE.match(line))
        return out.strip("\n"), rc

    def ok(self, cmd, seconds=60):
        out, rc = self.run(cmd, seconds)
        assert rc == 0, "%r exited %d:\n%s" % (cmd, rc, out)
        return out

    def wait_exit(self, seconds=60):
        """Wait for QEMU to exit (after poweroff/halt/reboot); return its status."""
        self.expect(pexpect.EOF, seconds)
        self.child.close()
        self.exitstatus = self.child.exitstatus
        return self.exitstatus

    def poweroff(self, seconds=60):
        self.child.sendline("poweroff")
        self.expect("lifeboat: power off", seconds)
        return self.wait_exit(seconds)

    def close(self):
        if self.child is not None and self.child.isalive():
            self.child.terminate(force=True)
        if self.child is not None:
            try:
                self.child.expect(pexpect.EOF, timeout=1)
            except Exception:
                pass
        if self.log is not None:
            self.log.close()


def sha256(path):
    """sha256 of a host file, read a MiB at a time."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def assert_disk_kept(img, note, digest):
    """On the host after poweroff: the ext4 image is clean and holds /note
    (its text) and /blob (its sha256), as written in the guest."""
    fsck = subprocess.run(["e2fsck", "-fn", img], capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    got = subprocess.run(["debugfs", "-R", "cat /note", img], capture_output=True, text=True)
    assert got.stdout.strip() == note
    blob = subprocess.run("debugfs -R 'cat /blob' %s 2>/dev/null | sha256sum" % img, shell=True,
                          capture_output=True, text=True).stdout.split()[0]
    assert blob == digest

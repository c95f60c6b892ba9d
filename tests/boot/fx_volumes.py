"""Issue 15's layered test disks (LVM, LUKS, md raid1) and the host's checks
of them after a boot.

mkvolumes.sh makes them once with Debian's own lvm2, cryptsetup and mdadm
(md arrays in a Debian VM: this host has no md driver), cached in
$LIFEBOAT_CACHE/fixtures/volumes-KEY, KEY from the script's sha256; each test
works on copies. The host's checks use the host's tools only: e2fsck through
a loop device at the LV's or the array's data offset, mdadm --examine, and
cryptsetup luksDump plus the volume key it dumps to read the encrypted
filesystem in user space (this host has no device-mapper to open it).
"""
import contextlib
import json
import os
import re
import shutil
import subprocess

import pytest

from lifeboat_vm import PROMPT, pause, sha256

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "mkvolumes.sh")
CACHE = os.path.join(os.environ.get("LIFEBOAT_CACHE", os.path.expanduser("~/.cache/lifeboat")),
                     "fixtures")
FIXTURE_FILE = "/lifeboat-fixture.txt"  # in every filesystem: "fixture NAME"
HOST_TOOLS = {"losetup": "mount", "pvcreate": "lvm2", "cryptsetup": "cryptsetup-bin",
              "mdadm": "mdadm", "mkfs.ext4": "e2fsprogs", "debugfs": "e2fsprogs",
              "depmod": "kmod", "cpio": "cpio", "dpkg-deb": "dpkg", "apt-get": "apt",
              "qemu-system-x86_64": "qemu-system-x86"}
PASSPHRASE_PROMPT = r"Enter passphrase for [^\r\n]*: "


class Volumes:
    """The cached images, copied into a test's directory on demand."""

    def __init__(self, src, dst):
        self.src, self.dst = src, dst
        with open(os.path.join(src, "facts")) as f:
            self.facts = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
        self.passphrase = self.facts["passphrase"]
        self.keyfile = os.path.join(src, "key")
        with open(self.keyfile) as f:
            self.key = f.read()

    def copy(self, name):
        path = os.path.join(self.dst, name + ".img")
        subprocess.run(["cp", "--sparse=always", os.path.join(self.src, name + ".img"), path],
                       check=True)
        return path

    def memory_mib(self, name):
        """The largest argon2 memory cost of a LUKS2 volume's keyslots, MiB."""
        costs = self.facts[name.replace("-", "_") + "_memory_kib"].split(",")
        return max(int(c) for c in costs) // 1024


def cached(d, script):
    """Directory d, made by script (its one argument) when it is not there
    yet, in a temporary directory renamed into place once complete."""
    if not os.path.exists(os.path.join(d, "done")):
        tmp = "%s.tmp%d" % (d, os.getpid())
        shutil.rmtree(tmp, ignore_errors=True)
        made = subprocess.run([script, tmp], capture_output=True, text=True)
        if made.returncode != 0:
            name = os.path.basename(script)
            pytest.fail("%s failed (exit %d):\n%s" % (name, made.returncode, made.stderr[-3000:]))
        open(os.path.join(tmp, "done"), "w").close()
        try:
            os.rename(tmp, d)
        except OSError:  # another run made it meanwhile
            shutil.rmtree(tmp)
    return d


@pytest.fixture(scope="session")
def volume_cache():
    """The directory of the cached images; made now when missing (a few
    minutes: two argon2 volumes, a Debian VM under TCG)."""
    if os.geteuid() != 0:
        pytest.skip("mkvolumes.sh needs root (losetup for the LVs)")
    missing = sorted({pkg for tool, pkg in HOST_TOOLS.items() if shutil.which(tool) is None})
    try:
        import cryptography  # noqa: F401  (the LUKS checks read the volumes with it)
    except ImportError:
        missing.append("python3-cryptography")
    if missing:
        pytest.skip("host packages missing: %s (make deps)" % " ".join(missing))
    return cached(os.path.join(CACHE, "volumes-" + sha256(SCRIPT)[:12]), SCRIPT)


@pytest.fixture
def volumes(volume_cache, tmp_path):
    return Volumes(volume_cache, str(tmp_path))


def at_passphrase_prompt(vm, seconds=60):
    """Wait for cryptsetup's passphrase prompt, then a moment more: it writes
    the prompt before it turns echo off with TCSAFLUSH, which throws away
    what was typed in between (a test, unlike a user, types at once)."""
    vm.expect(PASSPHRASE_PROMPT, seconds)
    pause(0.5)


def run_typing(vm, cmd, prompt, answer, seconds=60):
    """Run cmd in the console shell and type answer at its prompt (as a user
    does a passphrase); (output, exit status). A command that ends without
    asking returns what it said."""
    vm.child.sendline(cmd)
    if vm.expect([prompt, re.escape(PROMPT)], 60) == 0:
        pause(0.5)  # see at_passphrase_prompt
        vm.child.sendline(answer)
        vm.expect(re.escape(PROMPT), seconds)
    out = vm.child.before.replace("\r", "").strip("\n")
    return out, int(vm.ok("echo $?"))


def md_arrays(vm):
    """{array: sorted member names} from the guest's /proc/mdstat."""
    arrays = {}
    for line in vm.ok("cat /proc/mdstat 2>/dev/null; true").splitlines():
        m = re.match(r"^(md\w+) : \w+ (?:\(\S+\) )?raid1 (.*)$", line)
        if m:
            arrays[m.group(1)] = sorted(re.sub(r"\[.*$", "", d) for d in m.group(2).split())
    return arrays


@contextlib.contextmanager
def host_loop(img, offset, size=None):
    """A read-only loop device of the host at offset (bytes) into img."""
    cmd = ["losetup", "-f", "--show", "-r", "-o", str(offset)]
    cmd += ["--sizelimit", str(size)] if size else []
    dev = subprocess.run(cmd + [img], check=True, capture_output=True, text=True).stdout.strip()
    try:
        yield dev
    finally:
        subprocess.run(["losetup", "-d", dev], check=True)


def assert_ext4_holds(target, name, written=None):
    """The host's e2fsck -fn finds the ext4 at target clean, and debugfs reads
    the fixture's file and each {path: text} of written there."""
    fsck = subprocess.run(["e2fsck", "-fn", target], capture_output=True, text=True)
    assert fsck.returncode == 0, "e2fsck -fn %s (%s):\n%s%s" % (target, name, fsck.stdout, fsck.stderr)
    files = {FIXTURE_FILE: "fixture " + name}
    files.update(written or {})
    for path, text in files.items():
        got = subprocess.run(["debugfs", "-R", "cat " + path, target], capture_output=True, text=True)
        assert got.stdout.strip() == text, (name, path, got.stdout, got.stderr)


def assert_lv_holds(img, facts, written=None):
    """LV rl/root of the PV img: LVM's metadata still names both LVs, and its
    ext4 is clean and holds what was written."""
    with host_loop(img, 0) as pv:
        lvs = subprocess.run(["lvs", "--devices", pv, "--readonly", "--noheadings",
                              "-o", "lv_name", "rl"], capture_output=True, text=True,
                             env=dict(os.environ, LVM_SUPPRESS_FD_WARNINGS="1"))
    assert lvs.returncode == 0 and lvs.stdout.split() == ["root", "swap"], lvs.stdout + lvs.stderr
    with host_loop(img, facts["lvm_root_offset"], facts["lvm_root_size"]) as lv:
        assert_ext4_holds(lv, "lvm", written)


def examine(member):
    out = subprocess.run(["mdadm", "--examine", member], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def assert_md_holds(members, name, written=None):
    """The host's mdadm --examine finds every member clean with the same event
    count; the ext4 at the data offset is clean and holds what was written."""
    dumps = [examine(m) for m in members]
    events = [re.search(r"^\s*Events : (\S+)", d, re.M).group(1) for d in dumps]
    assert len(set(events)) == 1, dict(zip(members, dumps))
    for d in dumps:
        assert re.search(r"^\s*State : clean", d, re.M), d
    offset = re.search(r"^\s*Data Offset : (\d+) sectors", dumps[0], re.M)
    with host_loop(members[0], int(offset.group(1)) * 512 if offset else 0) as data:
        assert_ext4_holds(data, name, written)


def luks_segment(img):
    """(offset in bytes, cipher) of the volume's data from the host's
    cryptsetup luksDump, which also says the header is still valid."""
    dump = subprocess.run(["cryptsetup", "luksDump", img], capture_output=True, text=True)
    assert dump.returncode == 0, dump.stdout + dump.stderr
    if re.search(r"^Version:\s*1$", dump.stdout, re.M):
        fields = dict(re.findall(r"^(Payload offset|Cipher name|Cipher mode):\s*(\S+)", dump.stdout, re.M))
        return int(fields["Payload offset"]) * 512, fields["Cipher name"] + "-" + fields["Cipher mode"]
    meta = json.loads(subprocess.run(["cryptsetup", "luksDump", "--dump-json-metadata", img],
                                     check=True, capture_output=True, text=True).stdout)
    seg = meta["segments"]["0"]
    assert seg["sector_size"] == 512, seg
    return int(seg["offset"]), seg["encryption"]


def luks_decrypt(img, keyfile, plain):
    """Write the plaintext of img's data (aes-xts-plain64) to plain: the
    volume key from the host's cryptsetup, AES-XTS in user space."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    offset, cipher = luks_segment(img)
    assert cipher == "aes-xts-plain64", cipher
    dump = subprocess.run(["cryptsetup", "luksDump", "--dump-volume-key", "--batch-mode",
                           "--key-file", keyfile, img], capture_output=True, text=True)
    assert dump.returncode == 0, dump.stdout + dump.stderr
    key = bytes.fromhex("".join(re.search(r"MK dump:\s*((?:[0-9a-f]{2}\s+)+)", dump.stdout).group(1).split()))
    sector = 0
    with open(img, "rb") as src, open(plain, "wb") as dst:
        src.seek(offset)
        for block in iter(lambda: src.read(1 << 20), b""):
            out = bytearray()
            for i in range(0, len(block), 512):
                dec = Cipher(algorithms.AES(key), modes.XTS(sector.to_bytes(16, "little"))).decryptor()
                out += dec.update(block[i:i + 512]) + dec.finalize()
                sector += 1
            dst.write(out)


def assert_luks_holds(img, keyfile, name, written=None):
    """The host's cryptsetup finds the header valid and the key file still
    opens a keyslot; the ext4 inside is clean and holds what was written."""
    test = subprocess.run(["cryptsetup", "open", "--test-passphrase", "--key-file", keyfile, img],
                          capture_output=True, text=True)
    assert test.returncode == 0, test.stdout + test.stderr
    plain = img + ".plain"
    luks_decrypt(img, keyfile, plain)
    try:
        assert_ext4_holds(plain, name, written)
    finally:
        os.unlink(plain)

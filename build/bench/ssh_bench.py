#!/usr/bin/python3
"""make bench's SSH throughput rows (issue 21): how fast a disk image leaves
Lifeboat's dropbear, against Debian's OpenSSH sshd, on the host.

Both servers run on the host as children on loopback ports: the image's own
static dropbear (_build/stage) and Debian's /usr/sbin/sshd (openssh-server,
build/bench/bench-deps.txt), each with its own host key and authorized key in
a temporary directory. The same OpenSSH client, with one cipher forced at a
time, runs `head -c 1G /dev/zero` and throws the output away; runs alternate
between the servers, medians in MiB/s. Target: dropbear at least 0.9x sshd.

Dropbear takes a user's keys from the home in /etc/passwd and sshd needs its
privilege separation directory /run/sshd: each server runs in a private mount
namespace (unshare -m; -r as well when not root) in which a temporary home is
bound over /root and a tmpfs over /run, so the host's own files stay as they are.
Standalone: build/bench/ssh_bench.py [RUNS [DROPBEAR-OPTION...]]; BENCH_DROPBEAR names
another dropbearmulti (to measure a build variant).
"""
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DROPBEAR = os.environ.get("BENCH_DROPBEAR") or os.path.join(TOP, "_build", "stage", "usr", "bin", "dropbearmulti")
SSHD = "/usr/sbin/sshd"
CIPHERS = ("chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr")
# the other way, into the server (`ssh rescue 'dd of=/dev/sda' < disk.img`): a row of its own
UPLOAD = " upload"
ROWS = CIPHERS[:1] + (CIPHERS[0] + UPLOAD,) + CIPHERS[1:]
SIZE_MIB = 1024
# in the private namespace: $1 becomes /root, a tmpfs /run holds /run/sshd
NAMESPACE = 'mount --bind "$1" /root && mount -t tmpfs tmpfs /run && mkdir -m 755 /run/sshd && shift && exec "$@"'
SSHD_CONFIG = """{hostkeys}
AuthorizedKeysFile {tmp}/home/.ssh/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile none
ListenAddress 127.0.0.1
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_listening(port, proc, secs=10):
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


class Servers:
    """The two servers, each on its own port, and a client key both accept."""

    def __init__(self, tmp, dropbear_args=(), names=("dropbear", "sshd")):
        self.tmp = tmp
        home = os.path.join(tmp, "home")
        os.makedirs(os.path.join(home, ".ssh"), mode=0o700)
        self.key = os.path.join(tmp, "id_ed25519")
        keygen = ["ssh-keygen", "-q", "-t", "ed25519", "-N", ""]
        subprocess.run(keygen + ["-f", self.key], check=True)
        shutil.copy(self.key + ".pub", os.path.join(home, ".ssh", "authorized_keys"))
        self.ports, self.procs, self.started = {}, {}, {}
        # the host keys each server's start makes: Lifeboat's `service ssh
        # start` ed25519 and ecdsa (RSA on first need, dropbear -R), Debian's
        # openssh-server RSA 3072, ecdsa and ed25519 (its postinst)
        types = {"dropbear": ("ed25519", "ecdsa"), "sshd": ("rsa", "ecdsa", "ed25519")}
        argvs = {"dropbear": [DROPBEAR, "dropbear", "-F", "-E", "-R"] + list(dropbear_args),
                 "sshd": [SSHD, "-D", "-e", "-f", os.path.join(tmp, "sshd_config")]}
        for name in names:
            self.started[name] = time.monotonic()
            keys = []
            for t in types[name]:
                path = os.path.join(tmp, "%s_%s_host_key" % (name, t))
                keys.append(path)
                if name == "dropbear":
                    subprocess.run([DROPBEAR, "dropbearkey", "-t", t, "-f", path], check=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                else:
                    subprocess.run(keygen[:3] + [t, "-N", ""] + (["-b", "3072"] if t == "rsa" else []) +
                                   ["-f", path], check=True)
            if name == "dropbear":
                argvs[name] += [a for k in keys for a in ("-r", k)]
            else:
                with open(argvs[name][-1], "w") as f:
                    f.write(SSHD_CONFIG.format(tmp=tmp, hostkeys="\n".join("HostKey " + k for k in keys)))
            argv = argvs[name]
            port = free_port()
            argv += ["-p", ("127.0.0.1:%d" if name == "dropbear" else "%d") % port]
            unshare = ["unshare", "-m", "--propagation", "private"] + (["-r"] if os.geteuid() else [])
            log = open(os.path.join(tmp, name + ".log"), "w")
            proc = subprocess.Popen(unshare + ["sh", "-c", NAMESPACE, "sh", home] + argv,
                                    stdout=log, stderr=subprocess.STDOUT)
            self.procs[name], self.ports[name] = proc, port
            if not wait_listening(port, proc):
                raise RuntimeError("%s did not start (log: %s)" % (name, log.name))

    def ssh(self, name, cipher, command, **kw):
        return subprocess.run(["ssh", "-p", str(self.ports[name]), "-i", self.key, "-c", cipher,
                               "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                               "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                               "root@127.0.0.1", command], **kw)

    def rate(self, name, cipher):
        """MiB/s of SIZE_MIB zeros from the server to the client (to the
        server when cipher ends with UPLOAD), or None when the server does
        not offer the cipher."""
        t0 = time.monotonic()
        if cipher.endswith(UPLOAD):
            with subprocess.Popen(["head", "-c", "%dM" % SIZE_MIB, "/dev/zero"], stdout=subprocess.PIPE) as src:
                r = self.ssh(name, cipher[:-len(UPLOAD)], "cat > /dev/null", stdin=src.stdout,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
        else:
            r = self.ssh(name, cipher, "head -c %dM /dev/zero" % SIZE_MIB, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, timeout=600)
        took = time.monotonic() - t0
        return SIZE_MIB / took if r.returncode == 0 else None

    def login_secs(self, name):
        """Seconds from the start of the server's host-key generation to a
        first successful login (the client polls every 20 ms)."""
        while True:
            r = self.ssh(name, CIPHERS[0], "echo ok", capture_output=True, text=True, timeout=60)
            if r.stdout.strip() == "ok":
                return time.monotonic() - self.started[name]
            if time.monotonic() - self.started[name] > 60:
                return None
            time.sleep(0.02)

    def close(self):
        for proc in self.procs.values():
            proc.terminate()
            proc.wait(10)


def run(log, runs, dropbear_args=()):
    """{cipher: {"dropbear": [MiB/s...], "sshd": [...]}} (None: not offered)."""
    missing = [p for p in (DROPBEAR, SSHD) if not os.access(p, os.X_OK)]
    if missing:
        log("bench: warning: ssh throughput skipped: missing %s (make image; build/bench/bench-deps.txt)"
            % ", ".join(missing))
        return None
    tmp = tempfile.mkdtemp(prefix="lifeboat-ssh-bench-")
    res = {c: {"dropbear": [], "sshd": []} for c in ROWS}
    servers = None
    try:
        servers = Servers(tmp, dropbear_args)
        for r in range(runs):
            for cipher in ROWS:
                for name in ("dropbear", "sshd"):
                    got = servers.rate(name, cipher)
                    res[cipher][name].append(got)
                    log("ssh run %d: %-8s %-30s %s" % (r + 1, name, cipher,
                                                       "%.0f MiB/s" % got if got else "not offered"))
    finally:
        if servers:
            servers.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return res


def start_to_login(log, runs):
    """{server: [seconds]}: host keys made as each one's start makes them,
    the server started, a first login; a fresh directory each run."""
    res = {"dropbear": [], "sshd": []}
    for r in range(runs):
        for name in res:
            tmp = tempfile.mkdtemp(prefix="lifeboat-ssh-start-")
            servers = None
            try:
                servers = Servers(tmp, names=(name,))
                took = servers.login_secs(name)
            finally:
                if servers:
                    servers.close()
                shutil.rmtree(tmp, ignore_errors=True)
            res[name].append(took)
            log("ssh start run %d: %-8s %s" % (r + 1, name, "%.3f s" % took if took else "FAILED"))
    return res


def start_rows(res):
    """Markdown rows: start to first login on the host, dropbear against sshd."""
    d, s = median(res["dropbear"]), median(res["sshd"])
    return ["", "On the host, fresh host keys as each server's start makes them (Lifeboat: ed25519 and ecdsa, "
            "RSA on first need; Debian's openssh-server: RSA 3072, ecdsa, ed25519), the server started, "
            "a first login:", "", "| Lifeboat's dropbear | Debian's sshd |", "|---|---|",
            "| %s | %s |" % ("%.0f ms" % (d * 1000) if d else "failed", "%.0f ms" % (s * 1000) if s else "failed")]


def median(rates):
    rates = [r for r in rates if r]
    return statistics.median(rates) if rates else None


def rows(res):
    """Markdown rows: per cipher, dropbear's and sshd's median and the ratio."""
    md = ["", "SSH throughput on the host (same OpenSSH client, `ssh -c CIPHER ... 'head -c 1G /dev/zero' "
          "> /dev/null`, loopback; target: dropbear at least 0.9x sshd):", "",
          "| cipher | Lifeboat's dropbear | Debian's sshd | ratio |", "|---|---|---|---|"]
    for cipher, by in res.items():
        if cipher == "start":
            continue
        d, s = median(by["dropbear"]), median(by["sshd"])
        ratio = "-"
        if d and s:
            ratio = "%.2fx: %s" % (d / s, "met" if d / s >= 0.9 else "missed")
        md.append("| %s | %s | %s | %s |" % (cipher, "%.0f MiB/s" % d if d else "not offered",
                                             "%.0f MiB/s" % s if s else "not offered", ratio))
    return md + (start_rows(res["start"]) if "start" in res else [])


def guest_rows(rates, mib):
    """Markdown rows: a disk copied out of the TCG guest over SSH (bench.py's
    guest_copy_rates)."""
    md = ["", "A disk copied out of the guest over SSH (TCG, -smp 2; %d MiB, half random, half text; "
          "the copy checked by sha256):" % mib, "", "| command on the host | rate |", "|---|---|"]
    for what, cmd in (("dd", "ssh root@rescue 'dd if=/dev/sda bs=1M' > sda.img"),
                      ("zstd -1", "ssh root@rescue 'zstd -1 < /dev/sda' > sda.img.zst")):
        r = rates.get(what)
        md.append("| `%s` | %s |" % (cmd, "%.1f MiB/s" % r if r else "failed"))
    return md


if __name__ == "__main__":
    say = lambda m: print(m, flush=True)  # noqa: E731
    got = run(say, int(sys.argv[1]) if len(sys.argv) > 1 else 3, sys.argv[2:])
    if got:
        got["start"] = start_to_login(say, 3)
        print("\n".join(rows(got)))

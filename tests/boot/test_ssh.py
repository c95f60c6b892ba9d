"""Issue 6: SSH and SFTP on demand, with the host's own OpenSSH client."""
import hashlib
import os
import re
import shlex
import subprocess
import time

import pexpect

from lifeboat_vm import TOP, Disk, free_port, make_disk, pause, timeout

SSH_OPTS = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=30"]
# SHA-1 in every form an OpenSSH client still knows
SHA1_KEX = "diffie-hellman-group14-sha1,diffie-hellman-group1-sha1,diffie-hellman-group-exchange-sha1"
SHA1_MACS = "hmac-sha1,hmac-sha1-96,hmac-sha1-etm@openssh.com,hmac-sha1-96-etm@openssh.com"



def booted(vm_factory, port, **kw):
    vm = vm_factory(boot="kernel", **kw)
    vm.hostfwd = [(port, 22)]
    vm.start()
    vm.expect("Welcome to Lifeboat!", 120)
    return vm.wait_boot_prompt()


def listening_tcp(vm):
    """Listening TCP sockets in the guest (state 0A in /proc/net/tcp*)."""
    return vm.ok("cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$4 == \"0A\"' | wc -l")


def ssh_password(port, password, command, timeout=120):
    child = pexpect.spawn("ssh", ["-p", str(port)] + SSH_OPTS + [
        "-o", "PreferredAuthentications=password,keyboard-interactive",
        "-o", "PubkeyAuthentication=no", "root@127.0.0.1", command],
        encoding="utf-8", timeout=timeout)
    child.expect("[Pp]assword:")
    child.sendline(password)
    i = child.expect(["[Pp]assword:", pexpect.EOF])
    out = child.before
    if i == 0:
        child.terminate(force=True)
        return None
    child.close()
    return out.strip() if child.exitstatus == 0 else None


def keygen(tmp_path):
    key = str(tmp_path / "id_ed25519")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "lifeboat test", "-f", key],
                   check=True)
    return key, open(key + ".pub").read().strip()


def scan(port, kind=None):
    cmd = ["ssh-keyscan", "-T", "30", "-p", str(port)] + (["-t", kind] if kind else []) + ["127.0.0.1"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout
    return sorted(line.split(None, 1)[1] for line in out.splitlines() if line and not line.startswith("#"))


def host_keys(port):
    """The server's host keys, one type at a time: a slow guest (TCG) may turn
    away some of ssh-keyscan's parallel connections, so each type gets a few
    tries before it counts as not offered."""
    keys = []
    for kind in ("ed25519", "ecdsa", "rsa", "dsa"):
        for attempt in range(3 if kind != "dsa" else 1):
            found = scan(port, kind)
            if found:
                keys += found
                break
            if not scan(port, "ed25519"):  # nothing listens at all
                return keys
            pause(1)
    return sorted(keys)


def test_nothing_listens_and_no_login_without_credentials(vm_factory):
    port = free_port()
    vm = booted(vm_factory, port)
    assert listening_tcp(vm) == "0"
    assert scan(port) == []
    out, rc = vm.run("service ssh start")
    assert rc == 1
    assert "root has no password and no authorized key" in out
    assert "passwd" in out
    assert listening_tcp(vm) == "0"
    assert vm.ok("stat -c %a /etc/shadow") == "600"
    assert vm.ok("find / -xdev -perm -4000 -type f | wc -l") == "0"
    assert vm.poweroff() == 0


def test_passwd_then_service_ssh_start(vm_factory):
    port = free_port()
    vm = booted(vm_factory, port)
    vm.child.sendline("passwd")
    vm.expect("[Nn]ew password:", 30)
    vm.child.sendline("rescue-Pass-1")
    vm.expect("[Rr]etype", 30)
    vm.child.sendline("rescue-Pass-1")
    vm.expect(re.escape("@LB@# "), 30)
    out = vm.ok("service ssh start", 180)
    assert "listening on port 22" in out and "ed25519" in out and "SHA256:" in out
    assert "10.0.2.15" in out or "no network address yet" in out
    assert ssh_password(port, "rescue-Pass-1", "echo hello from $(hostname)") == "hello from lifeboat"
    assert ssh_password(port, "wrong-password", "true") is None
    assert vm.ok("service sshd status").startswith("ssh: running")
    vm.ok("service ssh stop")
    assert listening_tcp(vm) == "0"
    assert vm.poweroff() == 0


def test_ssh_key_option_sftp_scp_and_dd_of_a_disk(vm_factory, tmp_path):
    port = free_port()
    key, pub = keygen(tmp_path)
    disk = make_disk(str(tmp_path / "sda.img"), 256, fill="random")
    want_disk = hashlib.sha256(open(disk, "rb").read()).hexdigest()
    vm = booted(vm_factory, port, disks=[Disk(disk, 0)], mem=768,
                append='sshd ssh_key="%s"' % pub)
    # sshd starts in the background; wait for it
    deadline = time.monotonic() + timeout(180)
    while not scan(port):
        assert time.monotonic() < deadline, "sshd never came up"
        pause(2)
    ssh = ["ssh", "-p", str(port), "-i", key, "-o", "BatchMode=yes"] + SSH_OPTS + ["root@127.0.0.1"]
    assert subprocess.run(ssh + ["id -u"], capture_output=True, text=True, timeout=120).stdout.strip() == "0"
    # no password is set: password logins get nowhere
    assert vm.ok("awk -F: '$1 == \"root\" { print $2 }' /etc/shadow") in ("*", "!", "")

    vm.ok("dd if=/dev/urandom of=/tmp/big bs=1M count=64 2>/dev/null", 120)
    want = vm.ok("sha256sum /tmp/big | cut -d' ' -f1", 120)
    local = tmp_path / "big"
    t0 = time.monotonic()
    subprocess.run(["sftp", "-P", str(port), "-i", key, "-b", "-"] + SSH_OPTS + ["root@127.0.0.1"],
                   input="get /tmp/big %s\n" % local, text=True, check=True, timeout=600,
                   capture_output=True)
    took = time.monotonic() - t0
    assert hashlib.sha256(local.read_bytes()).hexdigest() == want
    print("sftp get 64 MiB: %.1f s, %.1f MiB/s" % (took, 64 / took))

    for mode in (["-O"], []):  # legacy scp protocol, then SFTP-based scp
        out = tmp_path / ("scp%d" % len(mode))
        subprocess.run(["scp"] + mode + ["-P", str(port), "-i", key] + SSH_OPTS +
                       ["root@127.0.0.1:/etc/passwd", str(out)], check=True, timeout=120)
        assert out.read_text().startswith("root:")

    t0 = time.monotonic()
    with open(tmp_path / "sda.copy", "wb") as f:
        subprocess.run(ssh + ["dd if=/dev/sda bs=1M 2>/dev/null"], stdout=f, check=True, timeout=900)
    took = time.monotonic() - t0
    got = hashlib.sha256(open(tmp_path / "sda.copy", "rb").read()).hexdigest()
    assert got == want_disk
    print("ssh dd of a 256 MiB disk: %.1f s, %.1f MiB/s" % (took, 256 / took))
    assert vm.poweroff(120) == 0


def ssh_key_login(port, key, opts, log_level):
    """ssh with a key, our options first (for ssh the first value of an
    option wins, so they override SSH_OPTS' LogLevel)."""
    return subprocess.run(["ssh", "-p", str(port), "-i", key, "-o", "BatchMode=yes",
                           "-o", "LogLevel=" + log_level] + opts + SSH_OPTS
                          + ["root@127.0.0.1", "true"], capture_output=True, text=True,
                          timeout=timeout(60))


def refused_with_offer(port, key, opts, what):
    """A client that offers only opts' algorithms gives up at negotiation and
    says why: "no matching WHAT found. Their offer: A,B,..." (an INFO line,
    hidden by LogLevel=ERROR). Returns the server's list."""
    got = ssh_key_login(port, key, opts, "INFO")
    assert got.returncode == 255, got
    m = re.search(r"Unable to negotiate with \S+ port \d+: no matching %s found\. "
                  r"Their offer: (\S+)" % re.escape(what), got.stderr)
    assert m, got.stderr
    return m.group(1).split(",")


def check_algorithms(port, key):
    """What the server negotiates, read from the OpenSSH client's side."""
    # an old client that offers only SHA-1 key exchange is refused, and
    # the server's list holds no SHA-1 key exchange at all
    offer = refused_with_offer(port, key, ["-o", "KexAlgorithms=" + SHA1_KEX],
                               "key exchange method")
    assert "curve25519-sha256" in offer, offer
    assert not [k for k in offer if "sha1" in k], offer
    # nor a SHA-1 MAC: the ciphers are fixed to non-AEAD ones, since with
    # chacha20-poly1305 or AES-GCM no MAC is negotiated at all
    offer = refused_with_offer(port, key, ["-o", "Ciphers=aes128-ctr,aes256-ctr",
                                           "-o", "MACs=" + SHA1_MACS], "MAC")
    assert "hmac-sha2-256" in offer, offer
    assert not [m for m in offer if "sha1" in m], offer
    # a default OpenSSH client logs in with curve25519 (9.2 would prefer
    # sntrup761x25519, which dropbear does not have)
    got = ssh_key_login(port, key, ["-v"], "DEBUG1")
    assert got.returncode == 0, got.stderr
    m = re.search(r"^debug1: kex: algorithm: (\S+)$", got.stderr, re.M)
    assert m and m.group(1) == "curve25519-sha256", got.stderr


AES_MODES = ("aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr", "aes256-ctr")


def check_aes_modes(vm, port, key):
    """Issue 21: AES-GCM is offered, and each AES mode (nettle's code: its
    portable path here, as TCG's CPU has no AES-NI; test_dropbear_host.py runs
    the AES-NI one) carries data both ways byte for byte with OpenSSH's
    client; with AES-CTR a MAC (hmac-sha2-256) is negotiated too."""
    vm.ok("head -c 3000000 /dev/urandom > /root/aes.src")
    want = vm.ok("sha256sum < /root/aes.src").split()[0]
    for cipher in AES_MODES:
        ssh = ["ssh", "-p", str(port), "-i", key, "-o", "BatchMode=yes", "-c", cipher] + SSH_OPTS + [
            "root@127.0.0.1"]
        got = subprocess.run(ssh + ["cat /root/aes.src"], capture_output=True, timeout=timeout(300))
        assert got.returncode == 0, (cipher, got.stderr)
        assert hashlib.sha256(got.stdout).hexdigest() == want, "%s: the download differs" % cipher
        up = subprocess.run(ssh + ["sha256sum"], input=got.stdout, capture_output=True, timeout=timeout(300))
        assert up.returncode == 0, (cipher, up.stderr)
        assert up.stdout.split()[0].decode() == want, "%s: the upload differs" % cipher
        # the cipher really was the one asked for (the client's debug log says so)
        v = ssh_key_login(port, key, ["-v", "-c", cipher], "DEBUG1")
        assert v.returncode == 0, v.stderr
        assert re.search(r"^debug1: kex: server->client cipher: %s " % re.escape(cipher), v.stderr, re.M), v.stderr


def test_host_keys_differ_between_boots_and_modern_algorithms(vm_factory, tmp_path):
    key, pub = keygen(tmp_path)
    seen = []
    for boot in range(2):
        port = free_port()
        vm = booted(vm_factory, port, append='sshd ssh_key="%s"' % pub)
        deadline = time.monotonic() + timeout(180)
        while not scan(port):
            assert time.monotonic() < deadline, "sshd never came up"
            pause(2)
        keys = host_keys(port)
        assert len(keys) == 3, keys
        assert not any(k.startswith("ssh-dss") for k in keys)
        seen.append(keys)
        check_algorithms(port, key)
        if boot == 0:
            check_aes_modes(vm, port, key)
        assert vm.ok("ls /etc/dropbear | wc -l") == "3"
        assert vm.poweroff() == 0
        vm.close()
    assert not set(seen[0]) & set(seen[1])


def test_rsa_host_key_is_made_on_first_need(vm_factory, tmp_path):
    """Issue 21: `service ssh start` makes ed25519 and ecdsa only (RSA takes
    seconds under emulation); a modern client logs in without an RSA key
    ever being made; a client that asks for RSA gets one, made then, and it
    is kept for the next."""
    key, pub = keygen(tmp_path)
    port = free_port()
    vm = booted(vm_factory, port, append='ssh_key="%s"' % pub)
    out = vm.ok("service ssh start", 180)
    assert "generating a new rsa" not in out, out
    assert "rsa      (made when a client first asks for it)" in out, out
    assert vm.ok("ls -1 /etc/dropbear | cat") == "dropbear_ecdsa_host_key\ndropbear_ed25519_host_key"
    got = ssh_key_login(port, key, [], "ERROR")
    assert got.returncode == 0, got.stderr
    assert vm.ok("ls /etc/dropbear | wc -l") == "2"
    first = scan(port, "rsa")
    assert first and first[0].startswith("ssh-rsa "), first
    assert vm.ok("ls /etc/dropbear | wc -l") == "3"
    assert scan(port, "rsa") == first, "the RSA key changed between two connections"
    assert vm.poweroff() == 0


def test_random_generator_is_ready_soon_after_the_prompt(vm_factory, tmp_path):
    """Issue 21: under TCG (no RDRAND) the kernel's random generator is not
    ready until someone waits for it (not in the first 25 s of an idle
    guest), so the first host key of `service ssh start` would wait about
    half a second. /init gets it ready in the background once the prompt is
    up, with no boot option at all (the key typed at the prompt); no host key
    is made before the user asks, and none is in the image."""
    listed = open(os.path.join(TOP, "_build", "initramfs.list")).read()
    assert not re.search(r"^\S+ /etc/dropbear\b", listed, re.M), "host keys in the image"
    key, pub = keygen(tmp_path)
    port = free_port()
    vm = booted(vm_factory, port)
    assert vm.ok("ls -A /etc/dropbear 2>/dev/null | wc -l") == "0"
    deadline = time.monotonic() + timeout(30)
    while "random: crng init done" not in vm.ok("dmesg"):
        assert time.monotonic() < deadline, "the random generator is not ready 30 s after the prompt"
        pause(1)
    assert vm.ok("ps -o comm | grep -c '^init$'") == "1", "the warm-up child of /init did not end"
    vm.ok("mkdir -p /root/.ssh && echo '%s' > /root/.ssh/authorized_keys" % pub)
    out = vm.ok("service ssh start", 120)
    assert "listening on port 22" in out, out
    assert ssh_key_login(port, key, [], "ERROR").returncode == 0
    assert vm.poweroff() == 0

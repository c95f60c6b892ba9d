"""Issue 13: nobody logs in without a credential. An empty rescue password is
refused at every door (passwd, chpasswd, a hand-written hash, dropbear);
passwd= works as plain text and as a hash and stays off /proc/1/environ;
`service ssh` says "listening" only when it is, and restarts cleanly.

Hashes are made on the host with Debian's mkpasswd (package whois), never with
the image's own tools."""
import re
import subprocess

from lifeboat_vm import PROMPT, free_port
from test_ssh import SSH_OPTS, booted, keygen, ssh_password


def host_hash(password, salt="lbsalt12"):
    out = subprocess.run(["mkpasswd", "-m", "sha-512", "-S", salt, password],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def root_hash(vm):
    return vm.ok("awk -F: '$1 == \"root\" { print $2 }' /etc/shadow")


def ssh_empty_password(port):
    """Log in with an empty password from OpenSSH (sshpass-free: pexpect);
    True if it got in."""
    return ssh_password(port, "", "echo in") == "in"


def test_empty_password_refused_at_every_door(vm_factory, tmp_path):
    port = free_port()
    vm = booted(vm_factory, port)
    before = root_hash(vm)

    # passwd, as root, with an empty new password
    vm.child.sendline("passwd; echo \"@PW@$?@\"")
    vm.expect("[Nn]ew password:", 30)
    vm.child.sendline("")
    vm.expect(r"an empty password is refused[^\n]*\n", 30)
    vm.expect(r"@PW@(\d+)@", 30)
    assert vm.child.match.group(1) != "0"
    vm.expect(re.escape(PROMPT), 30)
    assert root_hash(vm) == before

    # a short one is only a warning for root
    vm.child.sendline("passwd; echo \"@PW@$?@\"")
    vm.expect("[Nn]ew password:", 30)
    vm.child.sendline("ab")
    vm.expect("[Bb]ad password", 30)
    vm.expect("[Rr]etype", 30)
    vm.child.sendline("ab")
    vm.expect(r"@PW@(\d+)@", 30)
    assert vm.child.match.group(1) == "0"
    vm.expect(re.escape(PROMPT), 30)
    assert root_hash(vm).startswith("$")
    vm.ok("sed -i 's/^root:[^:]*:/root:*:/' /etc/shadow")

    # chpasswd: an empty field, and (-e) a hash of ""
    empty = host_hash("")
    out, rc = vm.run("printf 'root:\\n' | chpasswd")
    assert rc == 1 and "refusing an empty password for 'root'" in out, out
    out, rc = vm.run("printf 'root:%s\\n' '%s' | chpasswd -e" % ("%s", empty))
    assert rc == 1 and "refusing an empty password for 'root'" in out, out
    assert root_hash(vm) == "*"
    # a hash of a real password still goes through chpasswd -e
    vm.ok("printf 'root:%%s\\n' '%s' | chpasswd -e" % host_hash("Real-Pass-9"))
    assert root_hash(vm) == host_hash("Real-Pass-9")

    # written by hand: service ssh start crypts "" with its salt and refuses
    vm.ok("sed -i 's|^root:[^:]*:|root:%s:|' /etc/shadow" % empty.replace("$", "\\$"))
    assert root_hash(vm) == empty
    out, rc = vm.run("service ssh start", 120)
    assert rc == 1 and "root's password is empty" in out, out
    assert "listening" not in out
    # an empty hash field too
    vm.ok("sed -i 's|^root:[^:]*:|root::|' /etc/shadow")
    out, rc = vm.run("service ssh start", 120)
    assert rc == 1 and "root's password is empty" in out, out

    # with a key, the server starts; the hash of "" stays in /etc/shadow,
    # and dropbear still turns an empty password away
    key, pub = keygen(tmp_path)
    vm.ok("sed -i 's|^root:[^:]*:|root:%s:|' /etc/shadow" % empty.replace("$", "\\$"))
    vm.ok("mkdir -p /root/.ssh && echo '%s' > /root/.ssh/authorized_keys" % pub)
    assert "listening on port 22" in vm.ok("service ssh start", 180)
    assert not ssh_empty_password(port)
    got = subprocess.run(["ssh", "-p", str(port), "-i", key] + SSH_OPTS +
                         ["-o", "BatchMode=yes", "root@127.0.0.1", "echo key-in"],
                         capture_output=True, text=True, timeout=120)
    assert got.stdout.strip() == "key-in", got.stderr
    # the same password path takes a real password (so the refusal above
    # is the empty one's, not a broken password login)
    vm.ok("printf 'root:%%s\\n' '%s' | chpasswd -e" % host_hash("Real-Pass-9"))
    assert ssh_password(port, "Real-Pass-9", "echo in") == "in"
    assert ssh_password(port, "", "echo in") is None
    assert vm.poweroff() == 0


def passwd_login(vm_factory, option, good):
    port = free_port()
    vm = booted(vm_factory, port, append="sshd passwd=%s" % option)
    # ssh-boot applies passwd= and starts the server in the background
    vm.ok("for i in $(seq 600); do service ssh status >/dev/null 2>&1 && break; sleep 0.2; done;"
          " service ssh status", 180)
    assert ssh_password(port, good, "echo in as $(id -un)") == "in as root"
    assert ssh_password(port, good + "x", "true") is None
    assert ssh_password(port, "", "true") is None
    return vm


def test_passwd_option_plain_text(vm_factory):
    vm = passwd_login(vm_factory, "Plain-Pass-7", "Plain-Pass-7")
    # the kernel hands passwd= to /init as environment: scrubbed there
    assert vm.ok("tr '\\0' '\\n' < /proc/1/environ | grep -c Plain-Pass-7 || true") == "0"
    assert vm.ok("tr '\\0' '\\n' < /proc/1/environ | grep -c '^passwd=' || true") == "1"
    # /proc/cmdline cannot be scrubbed: README says so, and recommends a hash
    assert "Plain-Pass-7" in vm.ok("cat /proc/cmdline")
    assert vm.ok("grep -rc Plain-Pass-7 /run/lifeboat/boot.log || true") == "0"
    assert vm.poweroff() == 0


def test_passwd_option_hash(vm_factory):
    hashed = host_hash("Hashed-Pass-8", salt="bootsalt")
    vm = passwd_login(vm_factory, hashed, "Hashed-Pass-8")
    assert root_hash(vm) == hashed
    assert vm.poweroff() == 0


def test_passwd_option_empty_is_a_warning(vm_factory):
    vm = vm_factory(boot="kernel", append="passwd=").start()
    vm.expect(r"init: warning: boot option passwd= is empty", 120)
    vm.expect("Welcome to Lifeboat!", 60)
    vm.wait_boot_prompt()
    assert root_hash(vm) == "*"
    assert vm.poweroff() == 0


def test_ssh_says_listening_only_when_it_is_and_restarts(vm_factory):
    port = free_port()
    vm = booted(vm_factory, port)
    vm.ok("printf 'root:%%s\\n' '%s' | chpasswd -e" % host_hash("Real-Pass-9"))
    # the check follows in the same command line: no time for a late bind
    out = vm.ok("service ssh start && awk '$2 ~ /:0016$/ && $4 == \"0A\"' "
                "/proc/net/tcp /proc/net/tcp6 | wc -l", 180)
    assert "listening on port 22" in out and out.splitlines()[-1] != "0", out
    for _ in range(3):
        old = vm.ok("cat /run/dropbear.pid")
        out = vm.ok("service ssh restart && kill -0 %s 2>/dev/null; echo old=$?; "
                    "awk '$2 ~ /:0016$/ && $4 == \"0A\"' /proc/net/tcp /proc/net/tcp6 | wc -l"
                    % old, 60)
        assert "ssh: stopped" in out and "listening on port 22" in out, out
        assert "old=1" in out, out  # the old server had ended before the new one
        assert out.splitlines()[-1] != "0", out
        assert vm.ok("cat /run/dropbear.pid") != old
        assert ssh_password(port, "Real-Pass-9", "echo in") == "in"
    # an old server slow to end (stopped: SIGTERM waits): restart waits,
    # then kills it, and the new one gets the port
    old = vm.ok("cat /run/dropbear.pid")
    vm.ok("kill -STOP %s" % old)
    out = vm.ok("service ssh restart", 60)
    assert "ssh: stopped" in out and "listening on port 22" in out, out
    assert vm.run("kill -0 %s" % old)[1] != 0
    assert ssh_password(port, "Real-Pass-9", "echo in") == "in"
    vm.ok("service ssh stop")
    assert vm.ok("awk '$2 ~ /:0016$/ && $4 == \"0A\"' /proc/net/tcp /proc/net/tcp6 | wc -l") == "0"
    assert vm.poweroff() == 0

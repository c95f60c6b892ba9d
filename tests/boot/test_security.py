"""Issue 9: what an attacker on the network or a curious user finds in a
freshly booted image (test_ssh.py covers dropbear's algorithms and logins)."""
import re
import subprocess

import pytest

from lifeboat_vm import BOOT_PROMPT, free_port, timeout

LISTENER = re.compile(r"^(tcp|udp|raw)6?\s")
# busybox netstat: Proto Recv-Q Send-Q Local-Address Foreign-Address [State] PID/Program
UDHCPC_CLIENT = re.compile(r"^udp\s+\d+\s+\d+\s+0\.0\.0\.0:68\s+0\.0\.0\.0:\*\s+\d+/udhcpc\s*$")


def boot_ms(log, event):
    m = re.search(r"^\[ *(\d+) ms\] [^\n]*%s" % re.escape(event), log, re.M)
    assert m, "no %r in boot.log:\n%s" % (event, log)
    return int(m.group(1))


def listeners(vm):
    """Every socket that waits for anyone: TCP in LISTEN, UDP and raw sockets
    with no peer, IPv4 and IPv6, as busybox netstat (the image's only such
    tool: busybox has no ss) and /proc/net say. The one allowed is udhcpc's
    client socket on UDP 68: busybox udhcpc listens on a packet socket while
    it looks for a server (not an IP socket; not a port), but renewing a
    lease it opens UDP 68, which takes only a DHCP server's unicast answer
    to its own request; it is the client side of DHCP, not a service."""
    # both families are really looked at: the kernel has IPv6
    assert vm.ok("ls /proc/net/tcp6 /proc/net/udp6 /proc/net/raw6 | wc -l") == "3"
    out = vm.ok("netstat -lntuwp")
    found = [line for line in out.splitlines() if LISTENER.match(line)
             and not UDHCPC_CLIENT.match(line)]
    # /proc/net directly too, in case netstat missed a family: TCP state
    # 0A is LISTEN; UDP's only allowed local port is 68 (0044)
    tcp = vm.ok("cat /proc/net/tcp /proc/net/tcp6 | awk '$4 == \"0A\"'")
    udp = vm.ok("cat /proc/net/udp /proc/net/udp6 /proc/net/raw /proc/net/raw6"
                " | awk '$1 != \"sl\" && $2 !~ /:0044$/'")
    return found + [line for line in (tcp + "\n" + udp).splitlines() if line.strip()]


@pytest.mark.parametrize("network", ["dhcp-lease", "no-dhcp-server"])
def test_image_secrets_setuid_and_listeners(vm_factory, tmp_path, network):
    key = str(tmp_path / "id_ed25519")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
    pub = open(key + ".pub").read().strip()
    # an authorized key but no sshd: the SSH script runs and must start nothing
    append = 'ssh_key="%s"' % pub
    if network == "dhcp-lease":
        vm = vm_factory(boot="kernel", append=append).start()
    else:
        # a NIC whose cable leads nowhere: udhcpc keeps trying
        vm = vm_factory(boot="kernel", nic=None, append=append,
                        extra=["-netdev", "socket,id=s0,listen=127.0.0.1:%d" % free_port(),
                               "-device", "virtio-net-pci,netdev=s0"]).start()
    vm.expect("Welcome to Lifeboat!", 120)
    vm.expect("Network: DHCP on eth0", 10)
    vm.expect(re.escape(BOOT_PROMPT), 30)
    vm.set_prompt()
    # the password hashes are root's alone
    assert vm.ok("stat -c '%a %u %g' /etc/shadow") == "600 0 0"
    assert vm.ok("stat -c '%a' /etc/passwd") == "644"
    # no setuid or setgid file anywhere in the image: root needs none, and
    # nobody else should gain anything
    assert vm.ok("find / -xdev -perm /6000 -print") == ""
    # host keys are made at first start of the SSH server, never shipped:
    # every copy of the image would share them
    assert vm.ok("ls -A /etc/dropbear 2>/dev/null || true") == ""
    assert vm.ok("find / -xdev \\( -name '*host*key*' -o -name 'ssh_host_*' \\) -print") == ""
    # nothing listens after boot (SSH only on request: `service ssh`, sshd)
    assert listeners(vm) == []
    assert vm.run("pidof dropbear")[1] != 0

    # ... nor once the background scripts are done: 30 s after the prompt
    log = vm.ok("cat /run/lifeboat/boot.log")
    assert "started /usr/libexec/lifeboat/ssh-boot" in log, log
    due = boot_ms(log, "prompt") / 1000 + timeout(30)
    uptime = float(vm.ok("cut -d' ' -f1 /proc/uptime"))
    if uptime < due:
        vm.ok("sleep %d" % (due - uptime + 1), due - uptime + 30)
    assert vm.ok("pgrep -f '/usr/libexec/lifeboat/' || true") == ""
    assert vm.ok("cat /root/.ssh/authorized_keys") == pub
    if network == "dhcp-lease":
        assert "10.0.2.15/24" in vm.ok("ip -4 addr show dev eth0")
    else:
        assert "inet " not in vm.ok("ip -4 addr show dev eth0")
    assert vm.ok("pgrep udhcpc | wc -l") == "1"
    assert listeners(vm) == []
    assert vm.run("pidof dropbear")[1] != 0
    assert vm.poweroff() == 0

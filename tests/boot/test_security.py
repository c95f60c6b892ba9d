"""Issue 9: what an attacker on the network or a curious user finds in a
freshly booted image (test_ssh.py covers dropbear's algorithms and logins)."""


def test_image_secrets_setuid_and_listeners(vm_factory):
    vm = vm_factory(boot="kernel").start()
    vm.expect("Welcome to Lifeboat!", 120)
    vm.wait_boot_prompt()
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
    tcp = vm.ok("cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$4 == \"0A\"'")
    assert tcp == "", tcp
    udp = vm.ok("cat /proc/net/udp /proc/net/udp6 2>/dev/null | awk 'NR > 1 && $2 !~ /:0044$/ && $1 != \"sl\"'")
    assert udp == "", udp
    assert vm.ok("netstat -ln 2>/dev/null | grep -E 'LISTEN' || true") == ""
    assert vm.run("pidof dropbear")[1] != 0
    assert vm.poweroff() == 0

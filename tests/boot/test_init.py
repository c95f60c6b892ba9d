"""Issue 3: /init as PID 1: consoles, respawn, reaping, signals, clean shutdown."""
import os
import re
import socket
import subprocess

import pexpect
import pytest

from lifeboat_vm import BOOT_PROMPT, Disk, make_disk, assert_disk_kept, timeout



def test_banner_prompt_and_early_mounts(vm_factory):
    vm = vm_factory(boot="kernel").start()
    vm.expect("Welcome to Lifeboat!", 120)
    vm.expect(re.escape(BOOT_PROMPT), 30)
    vm.set_prompt()
    mounts = vm.ok("cat /proc/mounts")
    for target, fstype in [("/proc", "proc"), ("/sys", "sysfs"), ("/dev", "devtmpfs"),
                           ("/dev/pts", "devpts"), ("/dev/shm", "tmpfs"), ("/run", "tmpfs"),
                           ("/tmp", "tmpfs")]:
        assert re.search(r"^\S+ %s %s " % (re.escape(target), fstype), mounts, re.M), (target, mounts)
    assert vm.ok("readlink /etc/mtab") == "/proc/self/mounts"
    assert vm.ok("hostname") == "lifeboat"
    log = vm.ok("cat /run/lifeboat/boot.log")
    assert "prompt" in log and "ms]" in log
    assert vm.ok("cat /proc/1/oom_score_adj") == "-1000"
    assert vm.ok("cat /proc/self/oom_score_adj") == "0"
    # the prompt shows the working directory in place of ~ elsewhere
    vm.child.sendline("cd /tmp; PS1='\\u@\\h:\\w\\$ '")
    vm.expect(re.escape("root@lifeboat:/tmp# "), 10)
    vm.set_prompt()
    assert vm.poweroff() == 0


def test_hostname_option(vm_factory):
    vm = vm_factory(boot="kernel", append="hostname=rescue-7")
    vm.start()
    vm.expect(re.escape("root@rescue-7:~# "), 120)
    vm.set_prompt()
    assert vm.ok("hostname") == "rescue-7"
    assert vm.poweroff() == 0


def test_exit_and_kill_give_a_fresh_prompt(vm_factory):
    vm = vm_factory(boot="kernel").up()
    vm.child.sendline("exit")
    vm.expect(re.escape(BOOT_PROMPT), 30)
    vm.child.sendline("kill -9 $$")
    vm.expect(re.escape(BOOT_PROMPT), 30)
    vm.set_prompt()
    assert vm.ok("echo alive") == "alive"
    assert vm.poweroff() == 0


def test_orphaned_zombies_are_reaped(vm_factory):
    vm = vm_factory(boot="kernel").up()
    vm.ok("sh -c 'i=0; while [ $i -lt 500 ]; do sleep 0 & i=$((i+1)); done; exit 0'", 120)
    vm.sleep(2)
    zombies = vm.ok("cat /proc/[0-9]*/stat 2>/dev/null | awk '$3 == \"Z\"' | wc -l")
    assert zombies == "0"
    assert vm.poweroff() == 0


def _signal_test(vm_factory, command, final_line):
    vm = vm_factory(boot="kernel").up()
    vm.child.sendline(command)
    vm.expect(re.escape(final_line), 60)
    return vm


def test_poweroff(vm_factory):
    vm = _signal_test(vm_factory, "poweroff", "lifeboat: power off")
    assert vm.wait_exit(30) == 0


def test_reboot(vm_factory):
    # -no-reboot turns the guest's reboot into QEMU exiting
    vm = _signal_test(vm_factory, "reboot", "lifeboat: reboot")
    assert vm.wait_exit(30) == 0


def test_kill_term_1_reboots(vm_factory):
    vm = _signal_test(vm_factory, "kill -TERM 1", "lifeboat: reboot")
    assert vm.wait_exit(30) == 0


@pytest.mark.parametrize("signal", ["USR2", "PWR"])
def test_kill_usr2_1_and_pwr_power_off(vm_factory, signal):
    # one boot per signal: the first would end the boot
    vm = _signal_test(vm_factory, "kill -%s 1" % signal, "lifeboat: power off")
    assert vm.wait_exit(30) == 0


def monitor_command(path, command, seconds=30):
    """One command on QEMU's human monitor at a unix socket; its answer."""
    sock = socket.socket(socket.AF_UNIX)
    sock.settimeout(timeout(seconds))
    sock.connect(path)
    answer = b""
    try:
        for send in (None, command):
            if send is not None:
                sock.sendall(send.encode() + b"\n")
            answer = b""
            while not answer.endswith(b"(qemu) "):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
    finally:
        sock.close()
    return answer.decode(errors="replace")


def test_ctrl_alt_del_unmounts_then_reboots(vm_factory, tmp_path):
    img = make_disk(str(tmp_path / "sda.img"), 64)
    subprocess.run(["mkfs.ext4", "-q", "-F", img], check=True)
    mon = str(tmp_path / "monitor.sock")
    # lifeboat.debug: /init's log lines (the unmounts) on the console too
    vm = vm_factory(boot="kernel", disks=[Disk(img, 0)], nic=None, append="lifeboat.debug",
                    extra=["-monitor", "unix:%s,server=on,wait=off" % mon]).up()
    # the key press comes from the pc machine's i8042, there with -nodefaults
    assert "AT Translated Set 2 keyboard" in vm.ok("cat /proc/bus/input/devices")
    vm.ok("mkdir -p /media/sda && mount /dev/sda /media/sda")
    vm.ok("dd if=/dev/urandom of=/media/sda/blob bs=64k count=64 2>/dev/null")
    digest = vm.ok("sha256sum /media/sda/blob | cut -d' ' -f1")
    vm.ok("echo precious > /media/sda/note")
    monitor_command(mon, "sendkey ctrl-alt-delete")
    # the kernel hands the keys to PID 1 as SIGINT (RB_DISABLE_CAD): a
    # clean reboot, not the kernel's immediate one
    vm.expect("init: unmounted /media/sda", 30)
    vm.expect("lifeboat: reboot", 30)
    # -no-reboot turns the guest's reboot into QEMU exiting
    assert vm.wait_exit(30) == 0
    assert_disk_kept(img, "precious", digest)


def test_halt(vm_factory):
    vm = _signal_test(vm_factory, "halt", "lifeboat: halt")
    vm.expect("System halted", 30)
    # halted, not powered off: QEMU is still there
    try:
        vm.child.expect(pexpect.EOF, timeout=3)
        assert False, "QEMU exited on halt"
    except pexpect.TIMEOUT:
        pass


def test_poweroff_without_umount_keeps_data(vm_factory, tmp_path):
    img = make_disk(str(tmp_path / "sda.img"), 64)
    subprocess.run(["mkfs.ext4", "-q", "-F", img], check=True)
    vm = vm_factory(boot="kernel", disks=[Disk(img, 0)]).up()
    vm.ok("mkdir -p /media/sda && mount /dev/sda /media/sda")
    vm.ok("dd if=/dev/urandom of=/media/sda/blob bs=64k count=64 2>/dev/null")
    digest = vm.ok("sha256sum /media/sda/blob | cut -d' ' -f1")
    vm.ok("echo precious > /media/sda/note")
    assert vm.poweroff() == 0
    assert_disk_kept(img, "precious", digest)

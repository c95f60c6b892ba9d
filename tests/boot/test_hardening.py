"""Issue 13: values from outside stay values, `readonly` covers every customer
disk, PID 1's own protections stay its own, and shutdown unmounts however many
mounts there are."""
import re
import shutil
import subprocess
import time

from lifeboat_vm import ISO, Disk, assert_disk_kept, make_disk, timeout


def wait_for(vm, cmd, want, seconds=60):
    deadline = time.monotonic() + timeout(seconds)
    while True:
        out, _ = vm.run(cmd)
        if out == want:
            return out
        assert time.monotonic() < deadline, "%r gave %r, never %r" % (cmd, out, want)
        vm.run("sleep 0.5")


def test_hostname_from_the_network_is_never_an_option(vm_factory):
    """A host name that looks like an option (ip='s field, as DHCP's would)
    is set as a name: `hostname -- NAME`, not taken as `hostname -l...`."""
    vm = vm_factory(boot="kernel", nic=None,
                    append="ip=192.168.77.5:::255.255.255.0:-lbtest:eth0:off",
                    extra=["-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0"]).up()
    wait_for(vm, "hostname", "-lbtest", 30)
    assert vm.poweroff() == 0


def test_readonly_covers_a_disk_with_a_copy_of_the_medium(vm_factory, tmp_path):
    """The medium's label is public: a customer's disk holding a copy of the
    ISO (here at slot 1) is a customer disk, set read-only like the rest;
    only the medium in its own slot is spared and flagged."""
    copy = str(tmp_path / "copy.img")
    shutil.copyfile(ISO, copy)
    vm = vm_factory(boot="kernel", nic=None, append="readonly",
                    disks=[Disk(copy, 1, serial="copy"),
                           Disk(ISO, 7, serial="LIFEBOAT-MEDIUM", readonly=True)]).up()
    assert vm.ok("blockdev --getro /dev/sdb") == "1"
    out, rc = vm.run("dd if=/dev/zero of=/dev/sdb bs=512 count=1 conv=fsync")
    assert rc != 0, out
    table = vm.ok("lifeboat disks")
    assert re.search(r"^\s*sdh\s+7\s.*lifeboat-medium", table, re.M), table
    assert not re.search(r"^\s*sdb\s.*lifeboat-medium", table, re.M), table
    assert re.search(r"^\s*sdb\s+1\s.*read-only", table, re.M), table
    log = vm.ok("cat /run/lifeboat/boot.log")
    assert "the Lifeboat medium is sdb" not in log, log
    assert vm.poweroff() == 0


def test_console_shell_is_not_oom_protected(vm_factory):
    vm = vm_factory(boot="kernel", nic=None).up()
    assert vm.ok("cat /proc/1/oom_score_adj") == "-1000"
    assert vm.ok("cat /proc/$$/oom_score_adj") == "0"
    # nor does it inherit PID 1's blocked signals
    assert vm.ok("awk '/^SigBlk/ { print $2 }' /proc/$$/status") == "0000000000000000"
    assert vm.poweroff() == 0


def test_shutdown_unmounts_300_mounts(vm_factory, tmp_path):
    """More mounts than one plan holds (256): all of them go, then the disk,
    and the disk is clean on the host afterwards."""
    img = make_disk(str(tmp_path / "sda.img"), 64)
    subprocess.run(["mkfs.ext4", "-q", "-F", img], check=True)
    vm = vm_factory(boot="kernel", nic=None, disks=[Disk(img, 0)]).up()
    vm.ok("mkdir -p /media/sda && mount /dev/sda /media/sda && echo kept > /media/sda/note"
          " && head -c 65536 /dev/urandom > /media/sda/blob")
    digest = vm.ok("sha256sum /media/sda/blob | cut -d' ' -f1")
    # the disk first, 300 tmpfs mounts on it: each one keeps it busy
    vm.ok("for i in $(seq 300); do mkdir -p /media/sda/m$i && mount -t tmpfs t /media/sda/m$i"
          " || exit 1; done", 120)
    assert vm.ok("grep -c ' /media/sda/m' /proc/self/mounts") == "300"
    vm.child.sendline("poweroff")
    vm.expect("lifeboat: power off", 120)
    assert vm.wait_exit(60) == 0
    log = open(vm.log_path, errors="replace").read()
    assert "not unmounted" not in log and "may not be clean" not in log
    assert_disk_kept(img, "kept", digest)


def slow_disk_args(slot, latency_s):
    """A 1 GiB disk at slot whose every read takes latency_s seconds
    (QEMU's null-co driver: no data, just the wait)."""
    return ["-blockdev", "driver=null-co,node-name=slow%d,size=1073741824,latency-ns=%d,"
            "read-zeroes=on" % (slot, latency_s * 10**9),
            "-device", "scsi-hd,bus=scsi0.0,channel=0,scsi-id=%d,lun=0,drive=slow%d,serial=slow"
            % (slot, slot)]


def test_hung_disk_probe_children_and_respawned_banner(vm_factory, tmp_path):
    """A disk whose reads take 10 s: the first banner shows ? for it after
    the bounded probe; the probe children PID 1 left behind (still waiting
    on the disk) carry neither its OOM shield nor its blocked signals; and a
    shell started after `exit` probes with the same bound, so its banner
    and prompt come too, with ? again."""
    ok = make_disk(str(tmp_path / "sda.img"), 16)
    vm = vm_factory(boot="kernel", nic=None, disks=[Disk(ok, 0)],
                    extra=slow_disk_args(1, 10)).start()
    vm.expect("Welcome to Lifeboat!", 240)
    vm.expect(r"sdb +1 +1\.0G +slow +\? ", 10)
    vm.wait_boot_prompt(60)
    # the listing's own short-lived processes may vanish under it: 2>/dev/null
    procs = vm.ok("for p in /proc/[0-9]*; do { read -r pid comm rest < $p/stat; } 2>/dev/null || continue;"
                  " [ \"$comm\" = '(init)' ] && [ $pid != 1 ] &&"
                  " echo \"$pid $(cat $p/oom_score_adj) $(awk '/^SigBlk/ { print $2 }' $p/status)\";"
                  " done 2>/dev/null; true")
    rows = [line.split() for line in procs.splitlines() if line.strip()]
    assert rows, "no probe child of PID 1 left to look at (the disk answered too soon?)"
    for row in rows:
        assert row[1:] == ["0", "0000000000000000"], procs
    assert vm.ok("cat /proc/1/oom_score_adj") == "-1000"
    vm.child.sendline("exit")
    vm.expect("Welcome to Lifeboat!", 30)
    vm.expect(r"sdb +1 +1\.0G +slow +\? ", 15)
    vm.wait_boot_prompt(30)
    assert vm.ok("echo alive") == "alive"
    vm.close()

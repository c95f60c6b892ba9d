"""Issue 20: jobs at boot without a console (fw_cfg, a disk labelled
LIFEBOAT, a URL, the boot line), their output and exit status back on the
host (isa-debug-exit), failures that leave the prompt, and the --json state.
Test disks are made with the host's mkfs.ext4, mkfs.vfat and mcopy."""
import http.server
import json
import os
import re
import subprocess
import threading
import time

from lifeboat_vm import TOP, Disk, free_port, make_disk, sha256, timeout

DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0x501,iosize=2"]


def fw_cfg(name, path):
    return ["-fw_cfg", "name=opt/lifeboat/%s,file=%s" % (name, path)]


def write(path, text, mode=0o755):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def ext4_disk(path, label, files, mode=0o755):
    """A whole-disk ext4 (the host's mkfs.ext4 -d) holding files {name: text}."""
    top = path + ".d"
    os.makedirs(top, exist_ok=True)
    for name, text in files.items():
        write(os.path.join(top, name), text, mode)
    make_disk(path, 32)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-L", label, "-d", top, path], check=True)
    return path


def vfat_disk(path, label, files):
    """A whole-disk FAT (mkfs.vfat; mtools' mcopy writes without mounting)."""
    make_disk(path, 32)
    subprocess.run(["mkfs.vfat", "-n", label, path], check=True, capture_output=True)
    for name, text in files.items():
        src = write(path + "." + name, text)
        subprocess.run(["mcopy", "-i", path, src, "::" + name], check=True)
    return path


def console(vm):
    """The console so far, one line a line (say's \\r starts a line too)."""
    vm.log.flush()
    with open(vm.log_path, encoding="utf-8", errors="replace", newline="") as f:
        return re.sub(r"\r+\n", "\n", f.read()).replace("\r", "\n")


def last_line(vm):
    lines = [l for l in console(vm).split("\n") if l.strip()]
    return lines[-1]


def serve(directory):
    handler = lambda *a, **kw: http.server.SimpleHTTPRequestHandler(  # noqa: E731
        *a, directory=directory, **kw)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_fwcfg_job_status_is_qemus(vm_factory, tmp_path):
    job = write(str(tmp_path / "job.sh"), "#!/bin/sh\n"
                'echo "job-says: job $LIFEBOAT_JOB as $(id -u) in $PWD, $(command -v lifeboat)"\n'
                "grep LB_SSH_KEY_2= /run/lifeboat/options | sed 's/^/job-key: /'\n"
                "grep -c job-says /run/lifeboat/jobs/1.log | sed 's/^/job-logged: /'\n"
                # ssh-boot sets the password beside the job
                "i=0; until grep -q '^root:[$]6[$]' /etc/shadow || [ $i = 100 ]; do sleep 0.1; i=$((i+1)); done\n"
                "echo \"job-shadow: $(grep '^root:' /etc/shadow | cut -d: -f2)\"\n"
                "exit 3\n")
    keys = write(str(tmp_path / "keys"), "ssh-ed25519 AAAAC3Nza-test one@host\n"
                 "ssh-ed25519 AAAAC3Nza-test two@host\n", 0o644)
    digest = subprocess.run(["openssl", "passwd", "-6", "-salt", "lbjobs", "s3cret"], capture_output=True,
                            text=True, check=True).stdout.strip()
    hashed = write(str(tmp_path / "hash"), digest + "\n", 0o600)
    vm = vm_factory(boot="kernel", nic=None, append="lifeboat.then=poweroff",
                    extra=fw_cfg("run", job) + fw_cfg("ssh_key", keys) + fw_cfg("passwd_hash", hashed)
                    + DEBUG_EXIT).start()
    vm.expect("Welcome to Lifeboat!", 120)
    # 2 * 3 + 1: isa-debug-exit's (value << 1) | 1
    assert vm.wait_exit(120) == 7
    out = console(vm)
    assert "Jobs: 1 at boot (fw_cfg); then poweroff.\nRunning now: output here" in out
    assert "job-says: job 1 as 0 in /root, /usr/bin/lifeboat" in out
    assert "job-key: LB_SSH_KEY_2='ssh-ed25519 AAAAC3Nza-test two@host'" in out
    assert "job-logged: 1" in out
    assert "job-shadow: " + digest in out
    # the secrets came through fw_cfg: none is on the boot line or the console
    assert "lbjobs" not in out.replace("job-shadow: " + digest, "")
    assert re.search(r"lifeboat: job 1 exited 3\n.*lifeboat: power off\n+lifeboat: job 1 exited 3\n*$",
                     out, re.S), out[-600:]
    assert last_line(vm) == "lifeboat: job 1 exited 3"


def test_vfat_disk_then_inline_job(vm_factory, tmp_path):
    img = vfat_disk(str(tmp_path / "lb.img"), "LIFEBOAT", {"lifeboat-run": (
        "#!/bin/sh\n"
        'echo "disk-job: in $PWD: $(ls)"\n'
        "grep -q ' /media/LIFEBOAT vfat ro' /proc/mounts && echo disk-job: read-only\n")})
    before = sha256(img)
    vm = vm_factory(boot="kernel", nic=None, disks=[Disk(img, 1)],
                    append='lifeboat.then=poweroff lifeboat.run="echo inline-job $LIFEBOAT_JOB; exit 5"',
                    extra=DEBUG_EXIT).start()
    vm.expect("Welcome to Lifeboat!", 120)
    assert vm.wait_exit(120) == 11
    out = console(vm)
    assert "Jobs: 2 at boot (disk LIFEBOAT, lifeboat.run)" in out
    disk = out.index("disk-job: in /media/LIFEBOAT: lifeboat-run")
    assert "disk-job: read-only" in out
    assert out.index("lifeboat: job 1 exited 0") > disk
    assert out.index("inline-job 2") > out.index("lifeboat: job 1 exited 0")
    assert last_line(vm) == "lifeboat: job 2 exited 5"
    assert sha256(img) == before, "the LIFEBOAT disk was written to"


def test_ext4_disk_then_url_job(vm_factory, tmp_path):
    img = ext4_disk(str(tmp_path / "lb.img"), "LIFEBOAT", {
        "lifeboat-run": "#!/bin/sh\necho ext4-job $LIFEBOAT_JOB\n"})
    before = sha256(img)
    www = tmp_path / "www"
    www.mkdir()
    write(str(www / "job.sh"), "#!/bin/sh\necho url-job $LIFEBOAT_JOB; exit 4\n")
    server = serve(str(www))
    try:
        url = "http://10.0.2.2:%d/job.sh" % server.server_address[1]
        vm = vm_factory(boot="kernel", disks=[Disk(img, 2)],
                        append="lifeboat.then=poweroff lifeboat.run=" + url, extra=DEBUG_EXIT).start()
        vm.expect("Welcome to Lifeboat!", 120)
        assert vm.wait_exit(120) == 9
    finally:
        server.shutdown()
    out = console(vm)
    assert out.index("ext4-job 1") < out.index("lifeboat: job 1 exited 0") < out.index("url-job 2")
    assert last_line(vm) == "lifeboat: job 2 exited 4"
    assert sha256(img) == before, "the LIFEBOAT disk was written to"



def test_dirty_journal_on_the_job_disk_is_not_replayed(vm_factory, tmp_path):
    """An ext4 LIFEBOAT disk whose journal needs recovery (the flag set by
    the host's debugfs): a read-only mount would still replay it and write;
    Lifeboat mounts it noload, says so, runs the job, writes nothing."""
    img = ext4_disk(str(tmp_path / "lb.img"), "LIFEBOAT", {
        "lifeboat-run": "#!/bin/sh\necho dirty-disk-job; exit 5\n"})
    subprocess.run(["debugfs", "-w", "-R", "feature needs_recovery", img], check=True, capture_output=True)
    before = sha256(img)
    vm = vm_factory(boot="kernel", disks=[Disk(img, 3)], append="lifeboat.then=poweroff",
                    extra=DEBUG_EXIT).start()
    vm.expect("Welcome to Lifeboat!", 120)
    assert vm.wait_exit(120) == 11
    out = console(vm)
    assert "has a dirty journal: mounted without replaying it" in out, out
    assert "dirty-disk-job" in out
    assert sha256(img) == before, "the LIFEBOAT disk was written to (its journal replayed?)"

def test_failed_jobs_say_why_and_leave_the_prompt(vm_factory, tmp_path):
    not_script = write(str(tmp_path / "notes.txt"), "e2fsck -fy /dev/sda\n", 0o644)
    img = ext4_disk(str(tmp_path / "lb.img"), "LIFEBOAT", {
        "lifeboat-run": "#!/bin/sh\necho should-not-run\n"}, mode=0o644)
    url = "http://10.0.2.2:%d/job.sh" % free_port()  # nothing listens there
    vm = vm_factory(boot="kernel", disks=[Disk(img, 1)], extra=fw_cfg("run", not_script),
                    append="lifeboat.then=bogus lifeboat.timeout=soon lifeboat.timeout=3 lifeboat.run=%s "
                    'lifeboat.run="echo failing; exit 2" lifeboat.run="sleep 1000"' % url).start()
    vm.expect(r"init: warning: boot option lifeboat.then=bogus is not valid, "
              r"expected poweroff, reboot or shell; ignored", 120)
    vm.expect(r"init: warning: boot option lifeboat.timeout=soon is not valid", 10)
    vm.expect("Welcome to Lifeboat!", 120)
    vm.wait_boot_prompt()
    started = time.monotonic()
    vm.expect("lifeboat: job 5 exited 124", 120)
    # the prompt answered while the jobs ran, and still does
    assert vm.ok("echo alive") == "alive"
    out = console(vm)
    assert "Jobs: 5 at boot (fw_cfg, disk LIFEBOAT, lifeboat.run); then shell." in out
    for said in ["job 1: fw_cfg opt/lifeboat/run is not a script (it must start with #!, "
                 "e.g. #!/bin/sh); not run",
                 "job 1 exited 126",
                 "job 2: lifeboat-run on /dev/sdb is not executable (chmod +x it); not run",
                 "job 2 exited 126",
                 "job 3: cannot fetch %s (3 tries):" % url,
                 "job 3 exited 126",
                 "job 4 exited 2",
                 "job 5: timed out after 3 s (lifeboat.timeout=); ended it",
                 "job 5 exited 124"]:
        assert "lifeboat: " + said in out, said
    assert "should-not-run" not in out
    assert out.index("lifeboat: job 3 exited 126") < out.index("\nfailing\n")
    assert time.monotonic() - started < timeout(60)
    # the first failure is the result; the log holds each job's output
    assert vm.ok("cat /run/lifeboat/jobs/result") == "1 126"
    assert "failing" in vm.ok("cat /run/lifeboat/jobs/4.log")
    assert vm.run("pgrep -f 'sleep 1000'")[1] == 1, "the timed-out job still runs"
    assert vm.run("pgrep -x sleep")[1] == 1, "the timeout's own timer still runs"
    assert vm.run("grep -q LIFEBOAT /proc/mounts")[1] == 1, "the job's disk is still mounted"
    # a new shell's banner says how the jobs ended
    vm.child.sendline("exit")
    vm.expect(r"Jobs: done; the result: job 1 exited 126 \(output in /run/lifeboat/jobs/N.log\)", 60)
    vm.wait_boot_prompt()
    assert vm.poweroff() == 0


def test_json_state_and_no_job_writes_nothing(vm_factory, tmp_path):
    data = ext4_disk(str(tmp_path / "data.img"), "data", {"hello": "hi\n"}, mode=0o644)
    uuid = subprocess.run(["blkid", "-o", "value", "-s", "UUID", data], capture_output=True,
                          text=True, check=True).stdout.strip()
    parted = make_disk(str(tmp_path / "parted.img"), 64)
    subprocess.run(["sfdisk", "-q", parted], input="label: gpt\n,16M\n,16M\n", text=True, check=True)
    fat = vfat_disk(str(tmp_path / "fat.img"), "TOOLS", {})
    images = [data, parted, fat]
    before = [sha256(i) for i in images]
    vm = vm_factory(boot="kernel", disks=[Disk(data, 0), Disk(parted, 1), Disk(fat, 2)]).start()
    vm.expect("Welcome to Lifeboat!", 120)
    vm.wait_boot_prompt()
    # the address first: its console notice would cut a line of JSON in two
    deadline = time.monotonic() + timeout(60)
    while vm.run("ip -4 addr show dev eth0 | grep -q 10.0.2.15")[1]:
        assert time.monotonic() < deadline, "no DHCP lease"
        vm.sleep(1)
    vm.sleep(1)
    assert "Jobs:" not in console(vm)
    assert vm.run("test -e /run/lifeboat/jobs")[1] == 1
    vm.ok("lifeboat mount sda")
    doc = json.loads(vm.ok("lifeboat disks --json"))
    assert doc["schema"] == 1
    rows = {d["name"]: d for d in doc["disks"]}
    assert {"sda", "sdb", "sdb1", "sdb2", "sdc"} <= set(rows), rows.keys()
    sda = rows["sda"]
    assert (sda["dev"], sda["type"], sda["slot"], sda["size"], sda["serial"]) == (
        "/dev/sda", "disk", 0, 32 << 20, "LBDISK0")
    assert (sda["fs"], sda["label"], sda["uuid"], sda["mounts"]) == ("ext4", "data", uuid, ["/media/sda"])
    assert rows["sdb"]["children"] == ["sdb1", "sdb2"] and rows["sdb"]["fs"] == "gpt"
    assert rows["sdb1"]["parents"] == ["sdb"] and rows["sdb1"]["type"] == "part"
    assert rows["sdb2"]["size"] == 16 << 20 and rows["sdb2"]["slot"] is None
    assert (rows["sdc"]["slot"], rows["sdc"]["fs"], rows["sdc"]["label"]) == (2, "vfat", "TOOLS")
    assert isinstance(sda["flags"], list)
    vm.ok("lifeboat umount sda")
    assert json.loads(vm.ok("lifeboat disks --json"))["disks"][0]["mounts"] == []

    deadline = time.monotonic() + timeout(60)
    while True:
        net = json.loads(vm.ok("lifeboat net --json"))
        ifs = {i["name"]: i for i in net["interfaces"]}
        addrs = [(a["family"], a["address"], a["prefix"]) for a in ifs["eth0"]["addresses"]]
        if ("inet", "10.0.2.15", 24) in addrs and net["dns"]:
            break
        assert time.monotonic() < deadline, net
        vm.sleep(1)
    assert ifs["lo"]["type"] == "loopback" and ifs["eth0"]["type"] == "ether"
    assert re.match(r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$", ifs["eth0"]["mac"])
    assert {"family": "inet", "destination": "default", "gateway": "10.0.2.2",
            "dev": "eth0"} in net["routes"]
    assert net["dns"] == ["10.0.2.3"]
    assert vm.poweroff() == 0
    assert [sha256(i) for i in images] == before, "a boot with no job wrote to a disk"


def test_make_run_runs_a_job_and_exits_with_its_status(tmp_path):
    demo = tmp_path / "demo"
    demo.mkdir()
    sda = str(demo / "sda.img")
    make_disk(sda, 256)
    subprocess.run(["mkfs.ext4", "-q", "-F", sda], check=True)
    # a wrong free blocks count: e2fsck -f repairs it and says so (status 1)
    subprocess.run(["debugfs", "-w", "-R", "set_bg 0 free_blocks_count 1", sda], check=True,
                   capture_output=True)
    env = dict(os.environ, RUN="tests/examples/fsck-all.sh", LIFEBOAT_DEMO_DISKS=str(demo),
               LIFEBOAT_ACCEL="tcg")
    run = subprocess.run(["build/run.sh"], cwd=TOP, env=env, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, errors="replace", timeout=timeout(300))
    out = run.stdout.replace("\r", "")
    assert run.returncode == 1, out[-3000:] + run.stderr
    assert "fsck-all: e2fsck -f -y /dev/sda" in out
    assert "fsck-all: 1 filesystem(s) checked, status 1" in out
    assert out.rstrip().endswith("run: lifeboat: job 1 exited 1"), out[-500:]
    # the ISO's own EFI image is labelled LIFEBOAT too, and is no job's disk
    assert "Jobs: 1 at boot (fw_cfg); then poweroff." in out
    assert "lifeboat-run" not in out
    assert subprocess.run(["e2fsck", "-fn", sda], capture_output=True).returncode == 0


def test_example_resets_the_installed_root_password(vm_factory, tmp_path):
    """README's third example job on a real Debian root disk (mkrootdisk.sh, as test_guide's)."""
    if os.geteuid() != 0:
        raise RuntimeError("mkrootdisk.sh needs root (debootstrap, mkfs.ext4 -d)")
    subprocess.run([os.path.join(TOP, "tests", "boot", "mkrootdisk.sh"), str(tmp_path)], check=True)
    root = str(tmp_path / "root.img")
    digest = subprocess.run(["openssl", "passwd", "-6", "-salt", "lbreset", "n3w"], capture_output=True,
                            text=True, check=True).stdout.strip()
    hashed = write(str(tmp_path / "hash"), digest + "\n", 0o600)
    vm = vm_factory(boot="kernel", nic=None, append="lifeboat.then=poweroff", mem=1024,
                    disks=[Disk(root, 0), Disk(str(tmp_path / "extra.img"), 1),
                           Disk(str(tmp_path / "data.img"), 2)],
                    extra=fw_cfg("run", os.path.join(TOP, "tests", "examples", "reset-root-password.sh"))
                    + fw_cfg("new_root_hash", hashed) + DEBUG_EXIT).start()
    vm.expect("Welcome to Lifeboat!", 120)
    assert vm.wait_exit(300) == 1, console(vm)[-2000:]
    assert last_line(vm) == "lifeboat: job 1 exited 0"
    shadow = subprocess.run(["debugfs", "-R", "cat /etc/shadow", root], check=True,
                            capture_output=True, text=True).stdout
    assert "root:%s:" % digest in shadow, shadow
    assert subprocess.run(["e2fsck", "-fn", root], capture_output=True).returncode == 0

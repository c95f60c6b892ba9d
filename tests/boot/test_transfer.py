"""Issue 15: rsync out of the image and into it over SSH, a disk streamed
through zstd over SSH, a disk copied by ddrescue with a mapfile. One boot
(SSH by key); the host's own client and tools at the other end; after
poweroff the host checks what the guest wrote."""
import os
import shlex
import subprocess
import time

import pytest

import mkfsdisks as mk
from fx_fs import assert_clean, copy_disk, data_sha256, fs_disks, guest_sha256, module_vm  # noqa: F401
from lifeboat_vm import Disk, free_port, make_disk, pause, sha256, timeout
from test_ssh import SSH_OPTS, keygen, scan

MEM = 256  # dropbear, rsync and zstd -1 of one disk
INCOMING = {"incoming/a.txt": b"rsync: into the image\n", "incoming/big.bin": mk.blob(1506, 2 << 20)}


@pytest.fixture(scope="module")
def disks(fs_disks, tmp_path_factory):  # noqa: F811
    """sda ext4 with a tree (rsync), sdb 32 MiB of random bytes, sdc blank."""
    where = tmp_path_factory.mktemp("transfer")
    return {"data": copy_disk(fs_disks, "transfer", where),
            "source": make_disk(str(where / "source.img"), 32, fill="random"),
            "target": make_disk(str(where / "target.img"), 32)}


@pytest.fixture(scope="module")
def source_sha(disks):
    return sha256(disks["source"])


@pytest.fixture(scope="module")
def written():
    """What the tests wrote to the guest's disks, for the host's check."""
    return {}


@pytest.fixture(scope="module")
def vm(request, tmp_path_factory, disks, source_sha):
    key, pub = keygen(tmp_path_factory.mktemp("key"))
    port = free_port()
    vm = module_vm(request, tmp_path_factory, [Disk(disks[n], i) for i, n in
                                               enumerate(("data", "source", "target"))],
                   mem=MEM, append='sshd ssh_key="%s"' % pub)
    vm.hostfwd = [(port, 22)]
    vm.up()
    deadline = time.monotonic() + timeout(180)
    while not scan(port):
        assert time.monotonic() < deadline, "sshd never came up (log: %s)" % vm.log_path
        pause(2)
    vm.ssh = ["ssh", "-p", str(port), "-i", key, "-o", "BatchMode=yes"] + SSH_OPTS
    vm.ok("mkdir -p /media/sda && mount /dev/sda /media/sda")
    return vm


def rsync(vm, *args):
    cmd = ["rsync", "-a", "--stats", "-e", " ".join(shlex.quote(a) for a in vm.ssh)] + list(args)
    got = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout(600))
    assert got.returncode == 0, "%s exited %d:\n%s%s" % (" ".join(cmd), got.returncode, got.stdout, got.stderr)
    return got.stdout


def test_rsync_out_of_the_image(vm, tmp_path):
    out = tmp_path / "out"
    rsync(vm, "root@127.0.0.1:/media/sda/", str(out) + "/")
    t = mk.TRANSFER
    for rel, data in t["files"].items():
        assert (out / rel).read_bytes() == data, rel
        assert int((out / rel).stat().st_mtime) == t["mtime"], rel
    for rel, mode in t["modes"].items():
        assert (out / rel).stat().st_mode & 0o7777 == mode, rel
    for rel, target in t["links"].items():
        assert os.readlink(out / rel) == target, rel


def test_rsync_into_the_image_and_a_delta_update(vm, tmp_path, written):
    src = tmp_path / "in"
    mk.write_tree(str(src), INCOMING, mtime=1700000100)
    rsync(vm, str(src / "incoming"), "root@127.0.0.1:/media/sda/")
    for rel, data in INCOMING.items():
        assert guest_sha256(vm, "/media/sda/" + rel) == data_sha256(data), rel
    assert vm.ok("stat -c %Y /media/sda/incoming/a.txt") == "1700000100"
    # a second run sends only what changed: rsync's delta algorithm in the guest
    big = bytearray(INCOMING["incoming/big.bin"])
    big[1 << 20:(1 << 20) + 16] = b"changed by host!"
    (src / "incoming/big.bin").write_bytes(big)
    stats = rsync(vm, "--no-whole-file", str(src / "incoming"), "root@127.0.0.1:/media/sda/")
    matched = [line for line in stats.splitlines() if line.startswith("Matched data:")]
    assert matched and matched[0].split()[2] != "0", stats
    assert guest_sha256(vm, "/media/sda/incoming/big.bin") == data_sha256(bytes(big))
    written["incoming"] = {"incoming/a.txt": INCOMING["incoming/a.txt"], "incoming/big.bin": bytes(big)}


def test_zstd_streams_a_disk_over_ssh(vm, source_sha):
    remote = shlex.join(vm.ssh + ["root@127.0.0.1", "zstd -1 < /dev/sdb"])
    got = subprocess.run(["bash", "-o", "pipefail", "-c", remote + " | zstd -d | sha256sum"],
                         capture_output=True, text=True, timeout=timeout(600))
    assert got.returncode == 0, got.stderr
    assert got.stdout.split()[0] == source_sha


def test_ddrescue_copies_a_disk_with_a_mapfile(vm, source_sha, written):
    vm.ok("ddrescue -f /dev/sdb /dev/sdc /tmp/sdc.map", 600)
    mapfile = vm.ok("cat /tmp/sdc.map")
    # every byte of the 32 MiB rescued ('+'), in one block
    assert any(line.split()[:3] == ["0x00000000", "0x02000000", "+"] for line in mapfile.splitlines()), mapfile
    vm.ok("sync")
    assert guest_sha256(vm, "/dev/sdc") == source_sha
    written["target"] = True


def test_after_poweroff_the_host_finds_what_was_written(vm, disks, source_sha, written):
    """Last: the ext4 disk is clean and holds what rsync wrote, the ddrescue
    copy equals its source, which was not changed."""
    vm.ok("umount /media/sda")
    assert vm.poweroff() == 0
    assert_clean(["e2fsck", "-fn", disks["data"]], disks["data"])
    for rel, data in written.get("incoming", {}).items():
        got = subprocess.run(["debugfs", "-R", "cat /" + rel, disks["data"]], capture_output=True,
                             check=True).stdout
        assert data_sha256(got) == data_sha256(data), rel
    assert sha256(disks["source"]) == source_sha
    if written.get("target"):
        assert sha256(disks["target"]) == source_sha

"""Issue 17, what apt stands on: /etc/apt/sources.list (made at build time
from the build machine's apt configuration; mirror= on the boot line points
it elsewhere) and gpgv with the pinned Debian archive keyring, checking this
machine's real InRelease files (put on an ext4 disk made with the host's
mkfs.ext4) as apt will."""
import glob
import hashlib
import os
import re
import shutil
import subprocess

import pytest

from lifeboat_vm import TOP, Disk, make_disk

BUILT_SOURCES = os.path.join(TOP, "_build", "apt-root", "etc", "apt", "sources.list")
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
MIRROR = "http://10.0.2.2:8080/debian"


def built_sources():
    if not os.path.exists(BUILT_SOURCES):
        pytest.fail("%s is missing (make image writes it)" % BUILT_SOURCES)
    with open(BUILT_SOURCES) as f:
        return f.read()


def suites(text):
    """(URI, suite) of every deb line."""
    return [tuple(line.split()[1:3]) for line in text.splitlines() if line.startswith("deb ")]


def test_sources_list_from_the_build_machine(vm_factory):
    built = built_sources()
    found = suites(built)
    # the release the image was built from, its -updates and -security, main only
    release = found[0][1]
    assert [s for _, s in found] == [release, release + "-updates", release + "-security"], built
    assert all(line.endswith(" main") for line in built.splitlines() if line.startswith("deb ")), built
    vm = vm_factory(boot="kernel", nic=None).up()
    assert vm.ok("cat /etc/apt/sources.list") == built.rstrip("\n")
    # a file of the root tmpfs: the user may edit it
    vm.ok("sed -i 's/ main$/ main contrib/' /etc/apt/sources.list")
    assert "contrib" in vm.ok("cat /etc/apt/sources.list")
    assert vm.poweroff() == 0


def test_mirror_option_rewrites_sources(vm_factory):
    release = suites(built_sources())[0][1]
    vm = vm_factory(boot="kernel", nic=None, append="mirror=%s/" % MIRROR).up()
    assert vm.ok("cat /etc/apt/sources.list").splitlines() == [
        "deb %s %s main" % (MIRROR, release),
        "deb %s %s-updates main" % (MIRROR, release),
        "deb %s-security %s-security main" % (MIRROR, release),
    ]
    assert "apt sources at %s/" % MIRROR in vm.ok("cat /run/lifeboat/boot.log")
    assert vm.poweroff() == 0


@pytest.mark.parametrize("value", ["ftp://10.0.2.2/debian", '"http://10.0.2.2/deb ian"'])
def test_mirror_garbage_is_a_warning(vm_factory, value):
    built = built_sources()
    vm = vm_factory(boot="kernel", nic=None, append="mirror=%s" % value).start()
    vm.expect(re.escape("init: warning: boot option mirror="), 120)
    vm.wait_boot_prompt()
    assert vm.ok("cat /etc/apt/sources.list") == built.rstrip("\n")
    assert "is not valid" in vm.ok("cat /run/lifeboat/boot.log")
    assert vm.poweroff() == 0


def release_files():
    """This machine's InRelease files as its apt fetched them."""
    found = sorted(glob.glob("/var/lib/apt/lists/*_InRelease"))
    if not found:
        pytest.fail("no /var/lib/apt/lists/*_InRelease on this machine (apt-get update makes them)")
    return found


def test_gpgv_checks_the_archive_with_the_pinned_keyring(vm_factory, tmp_path):
    if shutil.which("mkfs.ext4") is None:
        pytest.fail("mkfs.ext4 not found on the host (make deps: e2fsprogs)")
    src = tmp_path / "files"
    src.mkdir()
    names = []
    for i, f in enumerate(release_files()):
        data = bytearray(open(f, "rb").read())
        good = "%d.InRelease" % i
        (src / good).write_bytes(bytes(data))
        # one byte of the signed text changed: "Origin: Debian" -> "Origin: debian"
        at = data.index(b"\nOrigin: D") + len(b"\nOrigin: ")
        data[at] = ord("d")
        (src / ("%d.bad" % i)).write_bytes(bytes(data))
        names.append(good)
    disk = make_disk(str(tmp_path / "lists.img"), 16)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "lists", "-d", str(src), disk], check=True)
    vm = vm_factory(boot="kernel", disks=[Disk(disk, 0)], nic=None).up()
    vm.ok("mkdir -p /mnt/lists && mount -o ro /dev/sda /mnt/lists", 120)
    # the pinned keyring, byte for byte
    stage = os.path.join(TOP, "_build", "stage-tools") + KEYRING
    with open(stage, "rb") as f:
        want = hashlib.sha256(f.read()).hexdigest()
    assert vm.ok("sha256sum %s" % KEYRING).split()[0] == want
    for good in names:
        out, rc = vm.run("gpgv --keyring %s /mnt/lists/%s 2>&1" % (KEYRING, good), 120)
        assert rc == 0, out
        assert re.search(r'^gpgv: Good signature from "Debian', out, re.M), out
        assert "BAD" not in out, out
        bad = good.replace(".InRelease", ".bad")
        out, rc = vm.run("gpgv --keyring %s /mnt/lists/%s 2>&1" % (KEYRING, bad), 120)
        assert rc != 0, out
        assert re.search(r'^gpgv: BAD signature from "Debian', out, re.M), out
    # no keyring, no trust
    out, rc = vm.run("gpgv --keyring /dev/null /mnt/lists/%s 2>&1" % names[0], 120)
    assert rc != 0 and "No public key" in out, out
    vm.ok("umount /mnt/lists")
    assert vm.poweroff() == 0

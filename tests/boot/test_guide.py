"""Issue 7: a provider's rescue guide, verbatim, on disks holding a real
installed Debian system; and `lifeboat mount|umount|chroot`."""
import os
import re
import shutil
import subprocess

import pytest

from fx_xfslvm import host_root_check, xfslvm, xfslvm_cache  # noqa: F401
from lifeboat_vm import Disk, make_disk, timeout

HERE = os.path.dirname(os.path.abspath(__file__))
INCHROOT = "INCHROOT# "
# DHCP runs in the background: wait (at most 20 s, scaled) for its resolv.conf
WAIT_DNS = "for i in $(seq %d); do [ -s /etc/resolv.conf ] && break; sleep 0.2; done" % timeout(100)


@pytest.fixture(scope="session")
def debian_disks(tmp_path_factory):
    """root.img (Debian bookworm minbase, slot 0), extra.img (UUID= in its
    fstab, slot 1), data.img (/dev/sdc in its fstab, slot 2)."""
    if os.geteuid() != 0:
        pytest.skip("mkrootdisk.sh needs root (debootstrap, mkfs.ext4 -d)")
    d = tmp_path_factory.mktemp("debian")
    subprocess.run([os.path.join(HERE, "mkrootdisk.sh"), str(d)], check=True)
    return d


@pytest.fixture
def installed(debian_disks, tmp_path):
    """A fresh copy of the installed system's three disks for one test."""
    paths = {}
    for name in ("root", "extra", "data"):
        paths[name] = str(tmp_path / (name + ".img"))
        subprocess.run(["cp", "--sparse=always", str(debian_disks / (name + ".img")),
                        paths[name]], check=True)
    return paths


def booted(vm_factory, disks, **kw):
    vm = vm_factory(boot="kernel", disks=disks, **kw).start()
    vm.expect("Welcome to Lifeboat!", 120)
    return vm.wait_boot_prompt()


def installed_disks(paths):
    return [Disk(paths["root"], 0), Disk(paths["extra"], 1), Disk(paths["data"], 2)]


def shadow_root(img):
    out = subprocess.run(["debugfs", "-R", "cat /etc/shadow", img], check=True,
                         capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line.startswith("root:")][0]


def fsck_clean(img):
    return subprocess.run(["e2fsck", "-fn", img], capture_output=True, text=True)


def enter(vm, line, seconds=60):
    """Send the line that starts the chroot's bash; give it a unique prompt."""
    vm.child.sendline(line)
    vm.child.sendline("PS1='IN''CHROOT# '")
    vm.expect(re.escape(INCHROOT), seconds)


def inside(vm, cmd, seconds=60):
    """Run cmd in the chroot's bash; (output, status)."""
    vm.child.sendline('%s; echo "@CR@$?@"' % cmd)
    vm.expect(r"@CR@(\d+)@\r*\n", seconds)
    out, rc = vm.child.before, int(vm.child.match.group(1))
    vm.expect(re.escape(INCHROOT), 30)
    out = out.replace("\r", "")
    # drop the line bash's readline echoed
    out = "\n".join(line for line in out.split("\n") if "@CR@" not in line)
    return out.strip("\n"), rc


def leave(vm):
    """exit the chroot's bash; back at the rescue shell's prompt."""
    vm.child.sendline("exit")
    vm.set_prompt()


def test_guide_verbatim_chroot_resets_root_password(vm_factory, installed):
    before = shadow_root(installed["root"])
    vm = booted(vm_factory, installed_disks(installed), nic=None)
    df = vm.ok("df -h")
    assert "/dev/sd" not in df, df  # customer disks not mounted
    out = vm.ok("e2fsck -f /dev/sda", 120)
    assert "debroot" in out, out
    for cmd in ["mkdir -p /media/sda",
                "mount -o barrier=0 /dev/sda /media/sda",
                "umount /dev/sda",
                "mount -o barrier=0 /dev/sda /media/sda",
                "umount /media/sda",
                "mount -o exec,barrier=0 /dev/sda /media/sda",
                "mount -o remount,exec,barrier=0 /dev/sda /media/sda",
                "cd /media/sda",
                "mount -t proc proc proc/",
                "mount -t sysfs sys sys/",
                "mount -o bind /dev dev/",
                "mount -t devpts pts dev/pts/"]:
        vm.ok(cmd)
    assert " /media/sda ext4 rw" in vm.ok("cat /proc/mounts")
    enter(vm, "chroot /media/sda /bin/bash")
    out, rc = inside(vm, "mount /dev/sdc")  # the installed fstab says where
    assert rc == 0, out
    out, rc = inside(vm, "cat /srv/data/README; grep -c debian_version /var/lib/dpkg/info/base-files.list")
    assert rc == 0 and "data disk" in out, out
    out, rc = inside(vm, "echo root:rescued-by-guide | chpasswd")
    assert rc == 0, out
    leave(vm)
    mounts = vm.ok("cat /proc/mounts")
    assert " /media/sda/srv/data ext4 " in mounts, mounts
    vm.ok("cd /")
    for m in ["srv/data", "dev/pts", "dev", "sys", "proc", ""]:
        vm.ok("umount /media/sda/" + m)
    assert vm.run("grep /media/sda /proc/mounts")[1] == 1
    assert vm.poweroff() == 0
    after = shadow_root(installed["root"])
    assert after != before and after.split(":")[1].startswith("$"), (before, after)
    fsck = fsck_clean(installed["root"])
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr


XFS_NOTE = "mount: note: barrier=0 does not apply to xfs; %s without it"


def set_password(vm, password):
    """Run passwd in the chroot's bash and answer its two prompts, as a
    user types them."""
    vm.child.sendline("passwd")
    for prompt in ("New password: ", "Retype new password: "):
        vm.expect(re.escape(prompt), 60)
        vm.child.sendline(password)
    vm.expect("passwd: password updated successfully", 120)
    vm.expect(re.escape(INCHROOT), 30)


def test_guide_verbatim_on_xfs_on_lvm(vm_factory, xfslvm):  # noqa: F811
    """Issue 16: the RHEL installer's layout (VG rl, XFS root LV): the guide's
    commands, /dev/rl/root for /dev/sda, mount barrier=0 with a note."""
    img, facts = xfslvm
    before = host_root_check(img, facts)[2]
    vm = booted(vm_factory, [Disk(img, 0)], nic=None)
    vm.ok("vgchange -ay rl", 120)
    for cmd, verb in [("mkdir -p /media/rl", None),
                      ("mount -o barrier=0 /dev/rl/root /media/rl", "mounted"),
                      ("umount /media/rl", None),
                      ("mount -o exec,barrier=0 /dev/rl/root /media/rl", "mounted"),
                      ("mount -o remount,exec,barrier=0 /media/rl", "remounted"),
                      ("cd /media/rl", None),
                      ("mount -t proc proc proc/", None),
                      ("mount -t sysfs sys sys/", None),
                      ("mount -o bind /dev dev/", None),
                      ("mount -t devpts pts dev/pts/", None)]:
        out = vm.ok(cmd + " 2>&1")
        # the kernel's own messages ("xfs: Unknown parameter") reach the console too
        said = [line for line in out.splitlines() if line.startswith("mount:")]
        assert said == ([XFS_NOTE % verb] if verb else []), (cmd, out)
    assert re.search(r"^/dev/\S+ /media/rl xfs rw,", vm.ok("cat /proc/mounts"), re.M)
    enter(vm, "chroot /media/rl /bin/bash")
    out, rc = inside(vm, "cat /etc/hostname /etc/debian_version")
    assert rc == 0 and "rocky-like" in out, out
    set_password(vm, "Rescued-on-XFS-16")
    leave(vm)
    vm.ok("cd /")
    for m in ["dev/pts", "dev", "sys", "proc", ""]:
        vm.ok("umount /media/rl/" + m)
    assert vm.run("grep /media/rl /proc/mounts")[1] == 1
    assert vm.poweroff() == 0
    rc, out, after = host_root_check(img, facts)
    assert rc == 0, "xfs_repair -n:\n" + out
    assert after != before and after.split(":")[1].startswith("$"), (before, after)


def test_lifeboat_chroot_one_step(vm_factory, installed):
    before = shadow_root(installed["root"])
    vm = booted(vm_factory, installed_disks(installed))
    # DHCP runs in the background; let it write the rescue resolv.conf
    vm.ok(WAIT_DNS + "; cat /etc/resolv.conf")
    dns = vm.ok("grep nameserver /etc/resolv.conf")
    enter(vm, "lifeboat chroot sda", 120)
    mounts, rc = inside(vm, "cat /proc/mounts")
    for where in [" / ext4 rw", " /proc proc ", " /sys sysfs ", " /dev ", " /dev/pts devpts ",
                  " /run tmpfs ", " /srv/data ext4 ", " /mnt/extra ext4 "]:
        assert where in mounts, (where, mounts)
    for absent in [" /mnt/nfs ", " /mnt/later ", " /mnt/nowhere "]:
        assert absent not in mounts, (absent, mounts)
    out, rc = inside(vm, "cat /srv/data/README; grep nameserver /etc/resolv.conf")
    assert rc == 0 and "data disk" in out and dns in out, out
    out, rc = inside(vm, "echo root:rescued-in-one-step | chpasswd")
    assert rc == 0, out
    vm.child.sendline("exit")
    vm.expect("lifeboat: /dev/sda unmounted, clean for e2fsck", 60)
    vm.set_prompt()
    assert vm.run("grep /media/sda /proc/mounts")[1] == 1
    vm.ok("e2fsck -fn /dev/sda", 120)
    # the symlinked resolv.conf was served from the tmpfs: nothing left behind
    vm.ok("mount -o ro /dev/sda /media/sda && test ! -e /media/sda/run/systemd && "
          "test -L /media/sda/etc/resolv.conf && umount /media/sda")
    assert vm.poweroff() == 0
    after = shadow_root(installed["root"])
    assert after != before and after.split(":")[1].startswith("$"), (before, after)
    for img in installed.values():
        fsck = fsck_clean(img)
        assert fsck.returncode == 0, img + fsck.stdout + fsck.stderr


def test_lifeboat_chroot_runs_a_command_and_keeps_its_status(vm_factory, installed):
    vm = booted(vm_factory, installed_disks(installed), nic=None)
    out, rc = vm.run("lifeboat chroot /dev/sda sh -c 'cat /etc/debian_version; exit 3'", 120)
    assert rc == 3 and re.search(r"^12\.", out, re.M), out
    assert "skipped /mnt/nfs (a network filesystem)" in out, out
    assert "skipped /mnt/later (noauto)" in out, out
    assert "skipped /mnt/nowhere (LABEL=nowhere is not present)" in out, out
    assert vm.run("grep /media/sda /proc/mounts")[1] == 1
    # already mounted: refused, nothing changed
    vm.ok("lifeboat mount sda")
    out, rc = vm.run("lifeboat chroot sda")
    assert rc == 1 and "already mounted on /media/sda" in out, out
    # the disk table names the system a mounted root holds (issue 16); the
    # mounted data disk holds none
    vm.ok("lifeboat mount sdc")
    table = vm.ok("lifeboat disks")
    assert re.search(r"^  sda .* /media/sda *\n {10}holds Debian GNU/Linux 12$", table, re.M), table
    assert re.search(r"^  sdc .* /media/sdc *$", table, re.M), table
    assert table.count("holds ") == 1, table
    vm.ok("lifeboat umount sdc")
    vm.ok("lifeboat umount sda")
    assert vm.poweroff() == 0


def test_e2fsck_repairs_wiped_superblock_and_refuses_mounted(vm_factory, installed):
    root = installed["root"]
    with open(root, "r+b") as f:  # the primary superblock: bytes 1024..2047
        f.seek(1024)
        f.write(b"\0" * 1024)
    assert fsck_clean(root).returncode != 0
    vm = booted(vm_factory, installed_disks(installed), nic=None)
    out, rc = vm.run("e2fsck -f -y /dev/sda", 180)
    assert rc in (1, 2), out  # errors corrected
    assert "superblock" in out.lower(), out
    vm.ok("e2fsck -fn /dev/sda", 120)
    vm.ok("mkdir -p /media/sda; mount -o barrier=0 /dev/sda /media/sda")
    vm.ok("test -s /media/sda/etc/debian_version")
    out, rc = vm.run("e2fsck -f /dev/sda")
    assert rc == 8 and "is mounted" in out, out
    out, rc = vm.run("e2fsck -f -y /dev/sda")
    assert rc == 8 and "is mounted" in out, out
    vm.ok("umount /media/sda")
    assert vm.poweroff() == 0
    fsck = fsck_clean(root)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr


def test_format_copy_resize(vm_factory, tmp_path):
    disks = [Disk(make_disk(str(tmp_path / ("d%d.img" % s)), size), s)
             for s, size in [(1, 128), (2, 64), (3, 32), (4, 64), (5, 64)]]
    vm = booted(vm_factory, disks, nic=None)
    vm.ok("mkfs.ext4 -q -F -L small /dev/sdb 32M")
    vm.ok("mkfs.vfat -n FATDISK /dev/sdc")
    vm.ok("mkswap /dev/sdd")
    vm.ok("mkfs.ext4 -q -F /dev/sde")
    assert vm.ok("blkid -s TYPE -o value /dev/sdb") == "ext4"
    assert vm.ok("blkid -s TYPE -o value /dev/sdc") == "vfat"
    assert vm.ok("blkid -s TYPE -o value /dev/sdd") == "swap"
    # resize2fs grows the filesystem to fill its disk
    assert "Block count:              32768" in vm.ok("dumpe2fs -h /dev/sdb 2>/dev/null")
    vm.ok("e2fsck -f -p /dev/sdb && resize2fs /dev/sdb", 120)
    assert "Block count:              131072" in vm.ok("dumpe2fs -h /dev/sdb 2>/dev/null")
    # cp -a and tar between disks keep owners, modes, links and times
    vm.ok("mkdir -p /media/sdb /media/sde && mount /dev/sdb /media/sdb && "
          "mount /dev/sde /media/sde")
    vm.ok("cd /media/sdb && mkdir -p t/sub && echo hello > t/sub/f && "
          "chown 1000:100 t/sub/f && chmod 640 t/sub/f && ln -s sub/f t/link && "
          "touch -d '2020-01-02 03:04:05' t/sub/f && cd /")
    vm.ok("cp -a /media/sdb/t /media/sde/cp")
    vm.ok("tar -C /media/sdb -cf - t | tar -C /media/sde -xpf -")
    for copy in ["cp", "t"]:
        out = vm.ok("cd /media/sde/%s && stat -c '%%u:%%g %%a %%Y' sub/f && readlink link "
                    "&& cat sub/f; cd /" % copy)
        assert out.split("\n") == ["1000:100 640 1577934245", "sub/f", "hello"], (copy, out)
    vm.ok("umount /media/sdb && umount /media/sde")
    # dd of a whole disk
    vm.ok("dd if=/dev/sdc of=/dev/sdf bs=1M 2>/dev/null")
    assert vm.ok("blkid -s LABEL -o value /dev/sdf") == "FATDISK"
    vm.ok("e2fsck -fn /dev/sdb && e2fsck -fn /dev/sde", 120)
    assert vm.poweroff() == 0


# Every name of the two multi-call binaries (build/components/multicall.c)
# and what only that program prints: a name that runs the wrong program fails.
# util-linux's messages name whatever argv[0] says, so its markers are lines
# of one program's --help; e2fsprogs' version banners name the program.
TOOL_NAMES = [
    ("e2fsck -V", 0, "e2fsck 1."),
    ("fsck.ext2 -V", 0, "e2fsck 1."),
    ("fsck.ext3 -V", 0, "e2fsck 1."),
    ("fsck.ext4 -V", 0, "e2fsck 1."),
    ("mke2fs -V", 0, "mke2fs 1."),
    ("mkfs.ext2 -V", 0, "mke2fs 1."),
    ("mkfs.ext3 -V", 0, "mke2fs 1."),
    ("mkfs.ext4 -V", 0, "mke2fs 1."),
    ("tune2fs", 1, "tune2fs 1."),
    ("e2label", 1, "Usage: e2label device [newlabel]"),
    ("resize2fs", 1, "resize2fs 1."),
    ("debugfs -V", 0, "debugfs 1."),
    ("dumpe2fs -V", 0, "dumpe2fs 1."),
    ("blkid -V", 0, "blkid from util-linux 2.38.1  (libblkid"),
    ("fdisk --help", 0, "change partition table"),
    ("sfdisk --help", 0, "--dump"),
    ("wipefs --help", 0, "Wipe signatures from a device"),
    ("lsblk --help", 0, "List information about block devices"),
    ("findmnt --help", 0, "Find a (mounted) filesystem"),
]


def test_every_e2fsprogs_and_util_linux_name_runs_its_program(vm_factory, tmp_path):
    vm = booted(vm_factory, [Disk(make_disk(str(tmp_path / "d.img"), 64), 1)], nic=None)
    for cmd, want_rc, marker in TOOL_NAMES:
        out, rc = vm.run(cmd + " 2>&1")
        assert rc == want_rc and marker in out, (cmd, rc, out)
        others = [c for c, _, m in TOOL_NAMES if m == marker]
        assert cmd in others and all(m not in out for c, _, m in TOOL_NAMES
                                     if c not in others), (cmd, out)
    for name in ("lsblk", "findmnt", "sfdisk", "wipefs", "fdisk"):
        assert vm.ok(name + " --version") == name + " from util-linux 2.38.1"
    # argv[0] reaches the program: mkfs.TYPE makes TYPE, e2label is tune2fs -L
    for fs in ("ext2", "ext3", "ext4"):
        vm.ok("mkfs.%s -q -F /dev/sdb" % fs)
        assert vm.ok("blkid -s TYPE -o value /dev/sdb") == fs
        vm.ok("fsck.%s -fn /dev/sdb" % fs)
    vm.ok("e2label /dev/sdb spare")
    assert vm.ok("e2label /dev/sdb") == "spare"
    assert "Filesystem volume name:   spare" in vm.ok("tune2fs -l /dev/sdb")
    assert "sdb" in vm.ok("lsblk -dno NAME").split("\n")
    assert vm.ok("findmnt -no TARGET /proc") == "/proc"
    # the binaries themselves: PROG as the first argument, usage (100) otherwise
    out = vm.ok("e2fsprogs debugfs -R stats /dev/sdb 2>/dev/null | cat")  # no pager
    assert "Filesystem volume name:   spare" in out, out
    assert vm.ok("util-linux wipefs --version") == "wipefs from util-linux 2.38.1"
    for binary in ("e2fsprogs", "util-linux"):
        out, rc = vm.run(binary)
        assert rc == 100 and "PROG is one of:" in out, out
        out, rc = vm.run("ln -sf /sbin/%s /tmp/frob && /tmp/frob" % binary)
        assert rc == 100 and "%s: no program called 'frob' in here" % binary in out, out
    assert vm.poweroff() == 0


def test_lifeboat_mount_umount_and_errors(vm_factory, tmp_path):
    linux = str(tmp_path / "linux.img")
    make_disk(linux, 32)
    tree = tmp_path / "tree"
    for d in ("etc", "usr/bin", "bin"):
        (tree / d).mkdir(parents=True)
    (tree / "etc/hostname").write_text("tiny\n")
    subprocess.run(["mkfs.ext4", "-q", "-F", "-d", str(tree), linux], check=True)
    blank = make_disk(str(tmp_path / "blank.img"), 32)
    vm = booted(vm_factory, [Disk(linux, 0), Disk(blank, 1)], nic=None)
    out = vm.ok("lifeboat")
    assert "getting started" in out and "lifeboat chroot sda" in out and "sdb" in out, out
    vm.ok("echo ',,L' | sfdisk -q /dev/sdb && mkfs.ext4 -q -F /dev/sdb1")
    out = vm.ok("lifeboat mount sda")
    assert "read-only on /media/sda" in out, out
    assert vm.ok("cat /media/sda/etc/hostname") == "tiny"
    out, rc = vm.run("touch /media/sda/x")
    assert rc != 0 and "Read-only" in out, out
    out, rc = vm.run("lifeboat mount sda --rw")
    assert rc == 1 and "already mounted on /media/sda" in out, out
    vm.ok("lifeboat umount sda")
    assert vm.run("grep /media/sda /proc/mounts")[1] == 1
    out = vm.ok("lifeboat mount /dev/sda --rw")
    assert "read-write" in out, out
    vm.ok("touch /media/sda/x")
    # busy: the shell sits in it
    out, rc = vm.run("cd /media/sda && lifeboat umount sda")
    assert rc == 1 and "busy" in out, out
    vm.ok("cd / && lifeboat umount sda")
    out, rc = vm.run("lifeboat umount sda")
    assert rc == 1 and "not mounted" in out, out
    out, rc = vm.run("lifeboat mount sdz")
    assert rc == 1 and "lifeboat: no such disk: /dev/sdz" in out, out
    assert vm.run("lifeboat mount")[1] == 100
    # with no disk it looks for the system (test_layouts.py); bad options are usage
    assert vm.run("lifeboat chroot --root")[1] == 100
    assert vm.run("lifeboat chroot --bogus")[1] == 100
    assert vm.run("lifeboat mount ../etc")[1] == 100
    assert vm.run("lifeboat frobnicate")[1] == 100
    out, rc = vm.run("lifeboat chroot sdb1")
    assert rc == 1 and "/dev/sdb1 does not hold a Linux root" in out, out
    out, rc = vm.run("lifeboat chroot sdb")
    assert rc == 1 and "/dev/sdb holds a partition table (dos)" in out and "sdb1" in out, out
    vm.ok("lifeboat mount sdb1 --rw && touch /media/sdb1/x && lifeboat umount /dev/sdb1")
    vm.ok("wipefs -a -q /dev/sdb1")
    out, rc = vm.run("lifeboat mount sdb1")
    assert rc == 1 and "/dev/sdb1 holds no filesystem" in out, out
    out, rc = vm.run("lifeboat chroot sdc")
    assert rc == 1 and "no such disk" in out, out
    assert vm.run("grep /media/ /proc/mounts")[1] == 1
    # a chroot into a system without a shell says so and cleans up
    out, rc = vm.run("lifeboat chroot sda")
    assert rc == 127 and "no shell in the chroot" in out, out
    assert vm.run("grep /media/ /proc/mounts")[1] == 1
    assert vm.poweroff() == 0
    assert fsck_clean(linux).returncode == 0


def test_lifeboat_chroot_dns_over_a_regular_resolv_conf(vm_factory, installed):
    vm = booted(vm_factory, installed_disks(installed))
    vm.ok(WAIT_DNS)
    dns = vm.ok("grep nameserver /etc/resolv.conf")
    vm.ok("lifeboat mount sda --rw && rm /media/sda/etc/resolv.conf && "
          "echo 'nameserver 192.0.2.1' > /media/sda/etc/resolv.conf && lifeboat umount sda")
    out = vm.ok("lifeboat chroot sda cat /etc/resolv.conf", 120)
    assert dns in out and "192.0.2.1" not in out, out
    # bound over, never written: the disk keeps its own
    vm.ok("lifeboat mount sda")
    assert vm.ok("cat /media/sda/etc/resolv.conf") == "nameserver 192.0.2.1"
    vm.ok("lifeboat umount sda")
    assert vm.poweroff() == 0


def test_lifeboat_chroot_busy_after_exit(vm_factory, installed):
    vm = booted(vm_factory, installed_disks(installed), nic=None)
    # the shell opens /dev/null before it forks, so the sleep holds it from its first instant: a
    # redirection of the sleep's own would race the chroot's clean-up when the shell exits first
    out, rc = vm.run("lifeboat chroot sda sh -c 'exec </dev/null >/dev/null 2>&1; sleep 1000 &'", 120)
    assert rc == 1 and "still busy" in out and "lifeboat umount sda" in out, out
    # the sleep keeps the root (its cwd) and dev (its /dev/null); the rest went
    mounts = vm.ok("grep /media/sda /proc/mounts | cut -d' ' -f2")
    assert mounts.split("\n") == ["/media/sda", "/media/sda/dev"], mounts
    out, rc = vm.run("lifeboat umount sda")
    assert rc == 1 and "busy" in out, out
    vm.ok("kill $(pidof sleep); sleep %g; lifeboat umount sda" % timeout(0.5))
    assert vm.run("grep /media/sda /proc/mounts")[1] == 1
    assert vm.poweroff() == 0
    fsck = fsck_clean(installed["root"])
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr

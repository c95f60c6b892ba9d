"""Issue 16: `lifeboat chroot` on the layouts distributions install
(fx_layouts.py): the system found and named, its fstab's mounts made inside
(/boot, /boot/efi by UUID=, /dev/mapper/..., /dev/disk/by-*), swap left
alone, passwd run inside, and after exit nothing left mounted; the host then
finds every filesystem clean and the changed /etc/shadow."""
import hashlib
import os
import re
import subprocess

from fx_layouts import assert_clean, assert_md_clean, check, layouts, layout_cache, read_file  # noqa: F401
from fx_volumes import at_passphrase_prompt, host_loop, luks_decrypt
from lifeboat_vm import Disk
from test_guide import INCHROOT, enter, inside

PASSWORD = "rescued-16"


def passwd_inside(vm, user):
    """passwd USER typed at its prompts, as a user does; its exit status."""
    vm.child.sendline('passwd %s; echo "@CR@$?@"' % user)
    for _ in range(2):
        vm.expect(r"(?i)new password: ", 60)
        vm.child.sendline(PASSWORD)
    vm.expect(r"@CR@(\d+)@\r*\n", 60)
    rc = int(vm.child.match.group(1))
    vm.expect(re.escape(INCHROOT), 30)
    return rc


def ins(vm, cmd):
    """inside() without bash's bracketed-paste switches (ESC [?2004l)."""
    out, rc = inside(vm, cmd)
    return re.sub(r"\x1b\[[?0-9;]*[a-zA-Z]", "", out).strip(), rc


def shadow_line(text, user):
    return [line for line in text.splitlines() if line.startswith(user + ":")][0]


def chroot_and_check(vm, arg, layout, mounts_wanted, answer=None, more=None):
    """lifeboat chroot ARG (answer(vm) then answers its question): named,
    fstab's mounts there, mount -a fine, swap off, (more(vm) checks more
    inside), passwd run; exit leaves nothing mounted."""
    vm.child.sendline("lifeboat chroot " + arg)
    if answer:
        answer(vm)
    vm.expect(r"lifeboat: \S+ holds Debian GNU/Linux 12\r*\n", 120)
    enter(vm, "", 120)
    out, rc = ins(vm, "cat /lifeboat-layout.txt /boot/lifeboat-layout.txt "
                     "/boot/efi/lifeboat-layout.txt")
    assert rc == 0 and out.split("\n") == [layout + " /", layout + " /boot",
                                          layout + " /boot/efi"], out
    mounts, rc = ins(vm, "cat /proc/mounts")
    for where in mounts_wanted:
        assert re.search(where, mounts, re.M), (where, mounts)
    out, rc = ins(vm, "mount -a")
    assert rc == 0, out
    assert ins(vm, "cat /proc/mounts")[0] == mounts
    assert ins(vm, "grep -vc ^Filename /proc/swaps")[0] == "0"
    if more:
        more(vm)
    assert passwd_inside(vm, "root") == 0
    vm.child.sendline("exit")
    vm.expect(r"lifeboat: \S+ unmounted, clean for (e2fsck -f|xfs_repair -n|btrfs check) ", 60)
    vm.set_prompt()
    assert vm.run("grep ' /media/' /proc/mounts")[1] == 1, vm.ok("cat /proc/mounts")
    # the /dev/disk/by-* links made for the chroot are gone again
    assert vm.run("test -e /dev/disk")[1] == 1, vm.ok("find /dev/disk")


def mounts_of(layouts, name, fstype):
    return [r"^/dev/\S+ / %s rw" % fstype, r"^/dev/sda2 /boot %s rw" % layouts.boot_fs(name),
            r"^/dev/sda1 /boot/efi vfat rw"]


def lvm_layout(vm_factory, layouts, name, vg, lv, fstype, chroot_first=None):
    """The layout's VG activated by hand, lifeboat chroot /dev/VG/LV (after
    chroot_first(vm) when given), the VG deactivated, poweroff; then the
    host finds the root's /etc/shadow changed, the root LV, /boot and the
    ESP clean."""
    img = layouts.copy(name)
    shadow = lambda: shadow_line(read_file(layouts, img, name, lv, fstype, "/etc/shadow"), "root")
    before = shadow()
    vm = vm_factory(boot="kernel", disks=[Disk(img, 0)], nic=None).up()
    vm.ok("vgchange -ay " + vg, 120)
    if chroot_first:
        chroot_first(vm)
    chroot_and_check(vm, "/dev/%s/%s" % (vg, lv), name, mounts_of(layouts, name, fstype))
    vm.ok("vgchange -an " + vg, 120)
    assert vm.ok("ls /dev/mapper | cat") == "control"  # a pipe: no colours
    assert vm.poweroff() == 0
    after = shadow()
    assert after != before and after.split(":")[1].startswith("$"), (before, after)
    for part, fs in ((lv, fstype), ("p2", layouts.boot_fs(name)), ("p1", "vfat")):
        assert_clean(layouts, img, name, part, fs)


def test_rhel_lvm_xfs_chroot_by_lv_path(vm_factory, layouts):
    """RHEL/Rocky's default: ESP, /boot XFS, VG rl with XFS root and swap;
    lifeboat chroot /dev/rl/root (and /dev/mapper/rl-root for a command)."""
    def by_mapper_name(vm):
        out, rc = vm.run("lifeboat chroot /dev/mapper/rl-root cat /etc/hostname", 120)
        assert rc == 0 and "lifeboat-rhel" in out, out
        assert "fstab: skipped none (swap)" in out, out

    lvm_layout(vm_factory, layouts, "rhel", "rl", "root", "xfs", by_mapper_name)


def test_ubuntu_lvm_ext4_chroot_fstab_by_disk_links(vm_factory, layouts):
    """Ubuntu server's default: ESP, /boot ext4, ubuntu-vg/ubuntu-lv ext4;
    curtin's fstab names /dev/disk/by-id/dm-uuid-LVM-... and by-uuid, which
    exist only with udev: lifeboat makes them for the chroot."""
    lvm_layout(vm_factory, layouts, "ubuntu", "ubuntu-vg", "ubuntu-lv", "ext4")


def test_no_argument_finds_both_systems_asks_and_takes_the_volumes_down(vm_factory, layouts):
    """lifeboat chroot with no disk: both VGs activated, both roots found and
    named, --root N takes one without asking, the console question the
    other; on exit the VGs it activated are inactive again."""
    rhel, ubuntu = layouts.copy("rhel"), layouts.copy("ubuntu")
    shadow = lambda: shadow_line(read_file(layouts, rhel, "rhel", "root", "xfs", "/etc/shadow"), "root")
    before = shadow()
    vm = vm_factory(boot="kernel", disks=[Disk(rhel, 0), Disk(ubuntu, 1)], nic=None).up()
    out, rc = vm.run("lifeboat chroot --root 9 true", 300)
    assert rc == 100 and "no such root" in out, out
    found = dict((m.group(2), int(m.group(1))) for m in re.finditer(
        r"^lifeboat: found (\d+): (\S+)  Debian GNU/Linux 12$", out, re.M))
    assert set(found) == {"/dev/mapper/rl-root", "/dev/mapper/ubuntu--vg-ubuntu--lv"}, out
    assert vm.ok("ls /dev/mapper | cat") == "control"
    out, rc = vm.run("lifeboat chroot --root %d cat /etc/hostname" % found["/dev/mapper/ubuntu--vg-ubuntu--lv"], 300)
    assert rc == 0 and "lifeboat-ubuntu" in out, out
    assert vm.ok("ls /dev/mapper | cat") == "control"

    def pick_rhel(vm):
        vm.expect(r"which one\? \[1-2\] ", 300)
        vm.child.sendline(str(found["/dev/mapper/rl-root"]))

    chroot_and_check(vm, "", "rhel", mounts_of(layouts, "rhel", "xfs"), pick_rhel)
    assert vm.ok("ls /dev/mapper | cat") == "control"
    assert vm.poweroff() == 0
    after = shadow()
    assert after != before and after.split(":")[1].startswith("$"), (before, after)
    for part, fs in (("root", "xfs"), ("p2", "xfs"), ("p1", "vfat")):
        assert_clean(layouts, rhel, "rhel", part, fs)
    assert_clean(layouts, ubuntu, "ubuntu", "ubuntu-lv", "ext4")


def test_fedora_btrfs_subvolumes_found_and_mounted_with_their_options(vm_factory, layouts):
    """Fedora: the root in btrfs subvolume root (the default subvolume is the
    top, which holds none), found with no disk named and mounted with its
    fstab's subvol=root,compress=zstd:1; /home the subvolume home."""
    img = layouts.copy("fedora")
    shadow = lambda: shadow_line(read_file(layouts, img, "fedora", "p3", "btrfs", "/root/etc/shadow"), "root")
    before = shadow()
    vm = vm_factory(boot="kernel", disks=[Disk(img, 0)], nic=None).up()
    chroot_and_check(vm, "", "fedora", [r"^/dev/sda3 / btrfs rw,.*compress=zstd:1.*subvol=/root",
                                        r"^/dev/sda3 /home btrfs rw,.*subvol=/home",
                                        r"^/dev/sda2 /boot ext4 rw", r"^/dev/sda1 /boot/efi vfat rw"])
    assert vm.poweroff() == 0
    after = shadow()
    assert after != before and after.split(":")[1].startswith("$"), (before, after)
    for part, fs in (("p3", "btrfs"), ("p2", "ext4"), ("p1", "vfat")):
        assert_clean(layouts, img, "fedora", part, fs)


def test_cloud_image_root_on_p1_esp_on_p15_by_partuuid(vm_factory, layouts):
    """Debian's cloud image: p1 root, p14 BIOS boot, p15 ESP, fstab naming
    both by PARTUUID=; found with no disk named."""
    img = layouts.copy("cloud")
    shadow = lambda: shadow_line(read_file(layouts, img, "cloud", "p1", "ext4", "/etc/shadow"), "root")
    before = shadow()
    vm = vm_factory(boot="kernel", disks=[Disk(img, 0)], nic=None).up()
    vm.child.sendline("lifeboat chroot")
    vm.expect(r"lifeboat: found 1: /dev/sda1  Debian GNU/Linux 12\r*\n", 120)
    enter(vm, "", 120)
    out, rc = ins(vm, "cat /lifeboat-layout.txt /boot/efi/lifeboat-layout.txt")
    assert rc == 0 and out.split("\n") == ["cloud /", "cloud /boot/efi"], out
    mounts, rc = ins(vm, "cat /proc/mounts")
    assert re.search(r"^/dev/sda15 /boot/efi vfat rw", mounts, re.M), mounts
    assert ins(vm, "mount -a")[1] == 0
    assert passwd_inside(vm, "root") == 0
    vm.child.sendline("exit")
    vm.expect(r"lifeboat: /dev/sda1 unmounted, clean for e2fsck -f ", 60)
    vm.set_prompt()
    assert vm.run("grep ' /media/' /proc/mounts")[1] == 1
    assert vm.poweroff() == 0
    after = shadow()
    assert after != before and after.split(":")[1].startswith("$"), (before, after)
    assert_clean(layouts, img, "cloud", "p1", "ext4")
    assert_clean(layouts, img, "cloud", "p15", "vfat")


def found_and_checked(vm, found, layout, files, mounts_wanted, fsck):
    """lifeboat chroot with no disk named on a boot that holds one system:
    found as `found` and named, the files of each filesystem seen where
    its fstab mounts it, mounts_wanted in /proc/mounts, mount -a inside
    leaves every fstab entry but swap mounted, passwd run for root; exit
    leaves nothing mounted and nothing active: no array, no mapping, no
    /dev/disk links."""
    vm.child.sendline("lifeboat chroot")
    vm.expect(r"lifeboat: found 1: %s  Debian GNU/Linux 12\r*\n" % re.escape(found), 300)
    vm.expect(r"lifeboat: \S+ holds Debian GNU/Linux 12\r*\n", 120)
    enter(vm, "", 120)
    out, rc = ins(vm, "cat " + " ".join(path.rstrip("/") + "/lifeboat-layout.txt"
                                         for path in files))
    assert rc == 0 and out.split("\n") == ["%s %s" % (layout, f) for f in files], out
    mounts, rc = ins(vm, "cat /proc/mounts")
    for where in mounts_wanted:
        assert re.search(where, mounts, re.M), (where, mounts)
    out, rc = ins(vm, "mount -a")
    assert rc == 0, out
    out, rc = ins(vm, "awk '!/^#/ && NF >= 3 && $3 != \"swap\" { print $2 }' /etc/fstab | "
                      "while read -r t; do mountpoint -q \"$t\" || echo \"not mounted: $t\"; done")
    assert rc == 0 and "not mounted" not in out, out
    assert passwd_inside(vm, "root") == 0
    vm.child.sendline("exit")
    vm.expect(r"lifeboat: \S+ unmounted, clean for %s " % re.escape(fsck), 120)
    vm.set_prompt()
    assert vm.run("grep ' /media/' /proc/mounts")[1] == 1, vm.ok("cat /proc/mounts")
    assert vm.run("test -e /dev/disk")[1] == 1, vm.ok("find /dev/disk")
    assert vm.run("grep ^md /proc/mdstat")[1] != 0, vm.ok("cat /proc/mdstat")
    assert vm.ok("ls /dev/mapper | cat") == "control"


def one_layout(vm_factory, layouts, name, root, fstype, shadow_path="/etc/shadow"):
    """The layout's image at slot 0; a function that reads root's shadow
    line from the host."""
    img = layouts.copy(name)
    shadow = lambda: shadow_line(read_file(layouts, img, name, root, fstype, shadow_path), "root")
    before = shadow()
    vm = vm_factory(boot="kernel", disks=[Disk(img, 0)], nic=None).up()
    return img, vm, shadow, before


def assert_changed(before, after):
    assert after != before and after.split(":")[1].startswith("$"), (before, after)


def test_amazon_linux_xfs_root_p1_bios_boot_p127_esp_p128(vm_factory, layouts):
    """Amazon Linux 2023's image (layout 2; Rocky's GenericCloud is the same
    idea): p1 XFS root, p127 BIOS boot, p128 ESP, fstab by UUID= with
    x-systemd.automount on the ESP."""
    img, vm, shadow, before = one_layout(vm_factory, layouts, "amazon", "p1", "xfs")
    found_and_checked(vm, "/dev/sda1", "amazon", ["/", "/boot/efi"],
                      [r"^/dev/sda1 / xfs rw,noatime", r"^/dev/sda128 /boot/efi vfat rw,noatime"],
                      "xfs_repair -n")
    assert vm.poweroff() == 0
    assert_changed(before, shadow())
    assert_clean(layouts, img, "amazon", "p1", "xfs")
    assert_clean(layouts, img, "amazon", "p128", "vfat")


def test_btrfs_at_and_at_home_subvolumes(vm_factory, layouts):
    """Ubuntu's (and openSUSE's older) btrfs naming (layout 5b): the root in
    subvolume @ at the top, /home in @home, fstab subvol=@ and subvol=@home."""
    img, vm, shadow, before = one_layout(vm_factory, layouts, "subvolat", "p2", "btrfs",
                                         "/@/etc/shadow")
    found_and_checked(vm, "/dev/sda2 subvol=@", "subvolat", ["/", "/boot/efi", "/home"],
                      [r"^/dev/sda2 / btrfs rw,.*subvol=/@ ", r"^/dev/sda2 /home btrfs rw,.*subvol=/@home ",
                       r"^/dev/sda1 /boot/efi vfat rw"], "btrfs check")
    assert vm.poweroff() == 0
    assert_changed(before, shadow())
    assert_clean(layouts, img, "subvolat", "p2", "btrfs")
    assert_clean(layouts, img, "subvolat", "p1", "vfat")


def test_btrfs_root_is_the_default_subvolume(vm_factory, layouts):
    """openSUSE's layout (5b): fstab's / has no subvol=, the root is the
    btrfs default subvolume (@/.snapshots/1/snapshot, set-default): found
    and mounted there, /home and /.snapshots by their subvol=/@/..."""
    img, vm, shadow, before = one_layout(vm_factory, layouts, "opensuse", "p3", "btrfs")
    found_and_checked(vm, "/dev/sda3 subvol=@/.snapshots/1/snapshot", "opensuse",
                      ["/", "/boot/efi", "/home", "/.snapshots"],
                      [r"^/dev/sda3 / btrfs rw,.*subvol=/@/\.snapshots/1/snapshot ",
                       r"^/dev/sda3 /home btrfs rw,.*subvol=/@/home ",
                       r"^/dev/sda3 /\.snapshots btrfs rw,.*subvol=/@/\.snapshots ",
                       r"^/dev/sda2 /boot/efi vfat rw"], "btrfs check")
    assert vm.poweroff() == 0
    assert_changed(before, shadow())
    assert_clean(layouts, img, "opensuse", "p3", "btrfs")
    assert_clean(layouts, img, "opensuse", "p2", "vfat")


def test_ubuntu_2404_cloud_image_by_label(vm_factory, layouts):
    """Ubuntu 24.04's cloud image (layout 7b): p1 root, p14 BIOS boot, p15
    ESP (LABEL=UEFI), p16 /boot (LABEL=BOOT), fstab all by LABEL=."""
    img, vm, shadow, before = one_layout(vm_factory, layouts, "ubuntu24", "p1", "ext4")
    found_and_checked(vm, "/dev/sda1", "ubuntu24", ["/", "/boot", "/boot/efi"],
                      [r"^/dev/sda1 / ext4 rw,.*commit=30", r"^/dev/sda16 /boot ext4 rw",
                       r"^/dev/sda15 /boot/efi vfat rw"], "e2fsck -f")
    assert vm.poweroff() == 0
    assert_changed(before, shadow())
    for part, fs in (("p1", "ext4"), ("p16", "ext4"), ("p15", "vfat")):
        assert_clean(layouts, img, "ubuntu24", part, fs)


def md_server(vm_factory, layouts, name):
    """A server's raid1 root (layout 6), members at slots 0 and 1: lifeboat
    chroot assembles the array as the /dev/md0 its fstab names, finds the
    root there, stops the array on exit; the host finds both members clean
    and in step, the ext4 clean and root's password changed."""
    members = layouts.members(name)
    shadow = lambda: shadow_line(read_file(layouts, members[1], name, "root", "ext4",
                                           "/etc/shadow"), "root")
    before = shadow()
    vm = vm_factory(boot="kernel", disks=[Disk(members[0], 0), Disk(members[1], 1)],
                    nic=None).up()
    found_and_checked(vm, "/dev/md0", name, ["/"], [r"^/dev/md0 / ext4 rw"], "e2fsck -f")
    assert vm.poweroff() == 0
    assert_changed(before, shadow())
    assert_md_clean(layouts, members, name)


def test_md_raid1_metadata_1_2_root_on_dev_md0(vm_factory, layouts):
    """Metadata 1.2, made by another host (name server12:0), on GPT p2."""
    md_server(vm_factory, layouts, "md12")


def test_md_raid1_metadata_0_90_root_on_dev_md0(vm_factory, layouts):
    """Metadata 0.90 (preferred minor 0), on MBR p1 of type fd."""
    md_server(vm_factory, layouts, "md090")
CRYPT = "ubuntucrypt"
CRYPT_UUIDS = {"/dev/sda3": "5a1e0e2a-7e57-4d16-9c0e-0000000000e3",
               "/dev/sda4": "5a1e0e2a-7e57-4d16-9c0e-0000000000e4"}


def luks_header(layouts, img, part):
    """(luksDump's text, sha256 of the LUKS2 header area) of a partition."""
    off, size = layouts.span(CRYPT, part)
    with open(img, "rb") as f:
        f.seek(off)
        digest = hashlib.sha256(f.read(int(layouts.facts[CRYPT + "_luks_offset"]))).hexdigest()
    with host_loop(img, off, size) as dev:
        dump = check(["cryptsetup", "luksDump", dev])
    return dump, digest


def decrypted(layouts, img, part):
    """A decrypted copy of a LUKS partition: the host's cryptsetup gives the
    volume key (luksDump --dump-volume-key), the data is decrypted in user
    space (this host has no device-mapper, and cryptsetup 2.6 decrypts a
    header-first LUKS2 in place only with a detached header)."""
    off, size = layouts.span(CRYPT, part)
    copy, plain = "%s.%s" % (img, part), "%s.%s.plain" % (img, part)
    check(["dd", "if=" + img, "of=" + copy, "bs=1M", "iflag=skip_bytes,count_bytes",
           "skip=%d" % off, "count=%d" % size, "status=none"])
    luks_decrypt(copy, os.path.join(layouts.src, CRYPT + ".key"), plain)
    os.unlink(copy)
    return plain


def test_ubuntu_luks_lvm_chroot_asks_passphrases_names_mappings_as_crypttab(vm_factory, layouts):
    """Ubuntu's installer with encryption: p3 LUKS2 -> ubuntu-vg -> ext4 root
    (crypttab's dm_crypt-0), p4 LUKS2 "data" on /srv. lifeboat chroot with no
    disk asks each passphrase on the console, names the system, the mappings
    carry crypttab's names inside; exit closes everything it opened. Again
    with --key-file: nothing asked. With the root opened by hand, fstab's
    /dev/mapper/data gets its crypttab volume opened (Ctrl-D or a wrong
    passphrase three times skips it) and
    what was open before stays open. The host then finds both LUKS headers
    unchanged, every filesystem clean and the root's /etc/shadow changed."""
    img = layouts.copy(CRYPT)
    passphrase = layouts.facts[CRYPT + "_passphrase"]
    with open(os.path.join(layouts.src, CRYPT + ".key")) as f:
        key = f.read()
    headers = [luks_header(layouts, img, p) for p in ("p3", "p4")]
    plain = decrypted(layouts, img, "p3")
    shadow = lambda p: shadow_line(read_file(layouts, p, CRYPT, "ubuntu-lv", "ext4", "/etc/shadow"),
                                   "root")
    before = shadow(plain)
    os.unlink(plain)
    vm = vm_factory(boot="kernel", disks=[Disk(img, 0)], nic=None).up()

    def type_passphrases(vm):
        for dev in ("/dev/sda3", "/dev/sda4"):
            vm.expect(r"lifeboat: %s is LUKS2: passphrase to open it as luks-%s "
                      r"\(Ctrl-D skips it\)\r*\n" % (dev, CRYPT_UUIDS[dev]), 300)
            at_passphrase_prompt(vm, 60)
            vm.child.sendline(passphrase)
        for old, new in (("e3", "dm_crypt-0"), ("e4", "data")):
            vm.expect(r"lifeboat: /dev/mapper/luks-\S+%s renamed /dev/mapper/%s, as the "
                      r"system's /etc/crypttab calls it" % (old, new), 600)

    def crypttab_names(vm):
        out, rc = ins(vm, "cat /srv/lifeboat-layout.txt")
        assert rc == 0 and out == CRYPT + " /srv", out
        # each crypttab name is a mapping, on the partition crypttab means
        out, rc = ins(vm, "for d in /sys/block/dm-*; do echo $(cat $d/dm/name) $(ls $d/slaves); done")
        maps = dict(line.split(" ", 1) for line in out.splitlines())
        assert maps.get("dm_crypt-0") == "sda3" and maps.get("data") == "sda4", out
        assert re.match(r"dm-\d+$", maps.get("ubuntu--vg-ubuntu--lv", "")), out
        out, rc = ins(vm, "awk '!/^#/ { print $1 }' /etc/crypttab")
        assert out.split() == ["dm_crypt-0", "data"], out

    chroot_and_check(vm, "", CRYPT, mounts_of(layouts, CRYPT, "ext4") + [r"^/dev/mapper/data /srv ext4 rw"],
                     type_passphrases, crypttab_names)
    assert vm.ok("ls /dev/mapper | cat") == "control"

    # scripts: the key file, nothing asked
    vm.ok("printf '%%s' '%s' > /tmp/key" % key)
    out, rc = vm.run("lifeboat chroot --key-file /tmp/key --root 1 cat /etc/hostname", 900)
    assert rc == 0 and "lifeboat-%s" % CRYPT in out, out
    assert "passphrase" not in out and "with the key file /tmp/key" in out, out
    assert "closed /dev/mapper/dm_crypt-0" in out and "closed /dev/mapper/data" in out, out
    assert vm.ok("ls /dev/mapper | cat") == "control"

    # the root opened by hand; fstab's /dev/mapper/data needs crypttab's data
    vm.ok("cryptsetup open --key-file /tmp/key /dev/sda3 dm_crypt-0 && vgchange -ay ubuntu-vg", 600)
    opened = vm.ok("ls /dev/mapper | cat")
    vm.child.sendline("lifeboat chroot /dev/ubuntu-vg/ubuntu-lv grep -c ' /srv ' /proc/mounts; "
                      "echo \"@RC@$?@\"")
    vm.expect(r"lifeboat: /dev/sda4 is LUKS2: passphrase to open it as data \(crypttab\) for /srv "
              r"\(Ctrl-D skips it\)", 300)
    at_passphrase_prompt(vm, 60)
    vm.child.sendcontrol("d")
    vm.expect(r"lifeboat: /dev/sda4 not opened: skipped", 300)
    vm.expect(r"fstab: skipped /srv \(/dev/mapper/data is not present\)", 60)
    vm.expect(r"@RC@(\d+)@\r*\n", 120)
    assert vm.child.match.group(1) == "1"
    vm.set_prompt()
    # a wrong passphrase, cryptsetup's own three tries: skipped alike
    vm.child.sendline("lifeboat chroot /dev/ubuntu-vg/ubuntu-lv grep -c ' /srv ' /proc/mounts; "
                      "echo \"@RC@$?@\"")
    for _ in range(3):
        at_passphrase_prompt(vm, 300)
        vm.child.sendline("not-" + passphrase)
    vm.expect(r"lifeboat: /dev/sda4 not opened: skipped", 300)
    vm.expect(r"fstab: skipped /srv \(/dev/mapper/data is not present\)", 60)
    vm.expect(r"@RC@(\d+)@\r*\n", 120)
    assert vm.child.match.group(1) == "1"
    vm.set_prompt()
    out, rc = vm.run("lifeboat chroot --key-file /tmp/key /dev/ubuntu-vg/ubuntu-lv "
                     "grep ' /srv ' /proc/mounts", 600)
    assert rc == 0 and re.search(r"^/dev/mapper/data /srv ext4 rw", out, re.M), out
    assert "closed /dev/mapper/data" in out and "closed /dev/mapper/dm_crypt-0" not in out, out
    # what was open before stays open, and only that
    assert vm.ok("ls /dev/mapper | cat") == opened, opened
    vm.ok("vgchange -an ubuntu-vg && cryptsetup close dm_crypt-0", 120)
    assert vm.poweroff() == 0

    assert [luks_header(layouts, img, p) for p in ("p3", "p4")] == headers
    plain = decrypted(layouts, img, "p3")
    try:
        after = shadow(plain)
        assert after != before and after.split(":")[1].startswith("$"), (before, after)
        assert_clean(layouts, plain, CRYPT, "ubuntu-lv", "ext4")
    finally:
        os.unlink(plain)
    data = decrypted(layouts, img, "p4")
    try:
        check(["e2fsck", "-fn", data])
    finally:
        os.unlink(data)
    for part, fs in (("p2", "ext4"), ("p1", "vfat")):
        assert_clean(layouts, img, CRYPT, part, fs)


def test_chroot_skips_luks2_needing_more_ram_than_the_vm_has(vm_factory, tmp_path):
    """argon2id with 1 GiB of memory cost on a 256 MiB VM: lifeboat chroot
    asks no passphrase it cannot use, says how much RAM the volume needs,
    opens nothing and finds no system."""
    img, key = str(tmp_path / "big.img"), str(tmp_path / "key")
    with open(key, "w") as f:
        f.write("lifeboat-16-key")
    subprocess.run(["truncate", "-s", "40M", img], check=True)
    check(["cryptsetup", "luksFormat", "-q", "--type", "luks2", "--pbkdf", "argon2id",
           "--pbkdf-memory", "1048576", "--pbkdf-force-iterations", "4", "--batch-mode",
           "--key-file", key, img])
    vm = vm_factory(boot="kernel", disks=[Disk(img, 0)], nic=None, mem=256).up()
    out, rc = vm.run("lifeboat chroot", 300)
    assert rc == 1 and "no installed system found" in out, out
    assert re.search(r"^lifeboat: /dev/sda is LUKS2 with argon2id: it needs 1072 MiB of RAM to "
                     r"open; this VM has \d+ MiB: skipped", out, re.M), out
    assert "passphrase" not in out, out
    assert vm.ok("ls /dev/mapper | cat") == "control"
    assert vm.poweroff() == 0

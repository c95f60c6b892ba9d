"""Issue 18: the disks and NICs of other hypervisors' controllers, q35 and
OVMF, the virtio console. Each boot hangs two ext4 disks (made by the host's
mkfs.ext4, 64 and 96 MiB) on one controller and uses one NIC model: the prompt
comes, the disks have their expected names (NVMe: nvme0nN; every other
controller: from sdi, never a slot's name) and sizes, the disk table says the
controller, e2fsck and a mount work, and the NIC gets QEMU's DHCP lease."""
import os
import re
import subprocess

import pytest

import qemu_args
from lifeboat_vm import Disk

SIZES_MIB = (64, 96)

# name: (VM keywords, controller, expected names, the disk table's word for it)
CASES = {
    "q35-ovmf-nvme-e1000e": (dict(machine="q35", firmware="uefi", nic_model="e1000e"),
                             "nvme", ("nvme0n1", "nvme0n2"), "nvme"),
    "ahci-rtl8139-1cpu-128m": (dict(nic_model="rtl8139", smp=1, mem=128),
                               "ahci", ("sdi", "sdj"), "ahci"),
    "q35-ich9-ahci": (dict(machine="q35"), "ich9", ("sdi", "sdj"), "ahci"),
    "lsi-vmxnet3": (dict(nic_model="vmxnet3"), "lsi", ("sdi", "sdj"), "sym53c8xx"),
    "megasas-e1000": (dict(nic_model="e1000"), "megasas", ("sdi", "sdj"), "megaraid_sas"),
    "pvscsi-virtio-8cpu": (dict(smp=8), "pvscsi", ("sdi", "sdj"), "vmw_pvscsi"),
    "usb-q35": (dict(machine="q35"), "usb", ("sdi", "sdj"), "usb-storage"),
}
DRIVERS = {"e1000e": "e1000e", "rtl8139": "8139cp", "vmxnet3": "vmxnet3", "e1000": "e1000",
           "virtio": "virtio_net"}


def ext4_disk(path, size_mib, label):
    """An ext4 image with hello.txt, made by the host's mkfs.ext4 -d."""
    top = path + ".d"
    os.makedirs(top, exist_ok=True)
    with open(os.path.join(top, "hello.txt"), "w") as f:
        f.write("hello from %s\n" % label)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-L", label, "-d", top, path, "%dM" % size_mib],
                   check=True)
    return path


def wait_lease(vm):
    """The first NIC's IPv4 address from QEMU's DHCP, and its driver."""
    out = vm.ok("for i in $(seq 90); do ip -4 addr show eth0 | grep -q 'inet 10.0.2.15' && break;"
                " sleep 1; done; ip -4 addr show eth0; readlink /sys/class/net/eth0/device/driver",
                seconds=150)
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_controller_and_nic(vm_factory, tmp_path, case):
    kw, kind, names, word = CASES[case]
    paths = [ext4_disk(str(tmp_path / ("d%d.img" % i)), mib, "LBHV%d" % i)
             for i, mib in enumerate(SIZES_MIB)]
    vm = vm_factory(extra=qemu_args.other_disks(kind, paths), **kw).up(240)
    # USB sticks enumerate after the prompt (the hub, then usb-storage's own
    # delay): a user sees them a few seconds later, so does this test
    vm.ok("for i in $(seq 60); do [ -e /sys/block/%s ] && [ -e /sys/block/%s ] && break;"
          " sleep 1; done" % names, 120)
    got = {}
    for name in vm.ok("cd /sys/block && echo *").split():
        if name.startswith(("sd", "nvme", "vd")):
            got[name] = int(vm.ok("cat /sys/block/%s/size" % name)) * 512
    # each disk by its size: USB sticks and SCSI targets may probe in any order
    assert sorted(got) == sorted(names), "disks %r, want %r" % (got, names)
    assert sorted(got.values()) == [mib << 20 for mib in SIZES_MIB], got
    assert not [n for n in got if n in ("sda", "sdb", "sdc", "sdd", "sde", "sdf", "sdg", "sdh")]
    table = vm.ok("lifeboat disks")
    for name in names:
        row = [line for line in table.splitlines() if line.split()[:1] == [name]]
        assert row and word in row[0], "no %s row saying %s:\n%s" % (name, word, table)
        vm.ok("e2fsck -fn /dev/%s" % name, 120)
        vm.ok("mkdir -p /mnt/%s && mount -o ro /dev/%s /mnt/%s" % (name, name, name))
        label = "LBHV%d" % SIZES_MIB.index(got[name] >> 20)
        assert vm.ok("cat /mnt/%s/hello.txt" % name) == "hello from %s" % label
        vm.ok("umount /mnt/%s" % name)
    out = wait_lease(vm)
    assert "inet 10.0.2.15/24" in out, out
    assert out.rstrip().endswith("/" + DRIVERS[kw.get("nic_model", "virtio")]), out


def test_hvc0_console_gives_the_prompt(vm_factory):
    vm = vm_factory(console="hvc0").up(240)
    assert vm.ok("tty") == "/dev/hvc0"
    assert "hvc0" in vm.ok("cat /sys/class/tty/console/active")


def test_init_memory_is_freed_without_the_poison_fill(vm_factory):
    """Kernel patch 0009: the kernel frees its init memory without filling
    it with 0xcc first (under TCG the fill of pages whose code has run took
    about 200 ms on the way to /init; make bench measures that). The memory
    is still freed, with its size, and used again: 256 MiB taken and
    written in a 512 MiB machine reach the pages the kernel gave back."""
    vm = vm_factory().up(240)
    line = vm.ok("dmesg | grep 'Freeing unused kernel image (initmem' || true")
    m = re.search(r"Freeing unused kernel image \(initmem, not poisoned\) memory: (\d+)K", line)
    assert m and int(m.group(1)) > 0, "no unpoisoned free of the init memory: %r" % line
    out = vm.ok("awk 'BEGIN { s = sprintf(\"%268435456s\", \"\"); print length(s) }'", 300)
    assert out == "268435456", out
    assert vm.ok("echo alive") == "alive"


def test_kernel_allocates_small_objects_with_slub(vm_factory):
    """The kernel's slab allocator is SLUB, not tinyconfig's SLOB (whose
    first-fit walk made ACPI's interpreter, QEMU's _PRT loop above all,
    several times slower under TCG; make bench measures that). SLUB's caches
    are in /sys/kernel/slab, and it accounts the dentry cache as reclaimable
    (SLOB counted every slab page as unreclaimable): 20,000 tmpfs files
    raise SReclaimable by their dentries, and deleting them gives it back."""
    vm = vm_factory(nic=None).up(240)
    caches = vm.ok("ls /sys/kernel/slab 2>/dev/null | grep -c '^kmalloc-' || true")
    assert caches.isdigit() and int(caches) > 0, "no SLUB kmalloc caches in /sys/kernel/slab (%r)" % caches

    def reclaimable_kib():
        return int(vm.ok("awk '/^SReclaimable:/ { print $2 }' /proc/meminfo"))
    before = reclaimable_kib()
    vm.ok("mkdir /tmp/many && cd /tmp/many && i=0; while [ $i -lt 20000 ]; do : > f$i; i=$((i+1)); done; cd /",
          300)
    full = reclaimable_kib()
    assert full >= before + 2048, "SReclaimable %d -> %d kB after 20,000 files" % (before, full)
    vm.ok("rm -rf /tmp/many && echo 2 > /proc/sys/vm/drop_caches", 120)
    after = reclaimable_kib()
    assert after <= full - 1536, "SReclaimable not given back (%d -> %d kB)" % (full, after)
    assert vm.ok("echo alive") == "alive"


def test_legacy_interrupts_routed_from_the_kept_prt(vm_factory, tmp_path):
    """Kernel patch 0008 keeps a root bridge's _PRT after its first
    evaluation. With pci=nomsi every device takes a legacy interrupt routed
    by it: an AHCI controller's disks, an e1000 NIC and the virtio-scsi
    controller all work, and each device's interrupts arrive."""
    paths = [ext4_disk(str(tmp_path / ("d%d.img" % i)), mib, "LBHV%d" % i)
             for i, mib in enumerate(SIZES_MIB)]
    slot = ext4_disk(str(tmp_path / "slot0.img"), 32, "LBSLOT0")
    vm = vm_factory(disks=[Disk(slot, 0)], extra=qemu_args.other_disks("ahci", paths),
                    nic_model="e1000", append="pci=nomsi").up(240)
    kept = vm.ok("dmesg | grep -c '_PRT kept for the next devices' || true")
    assert kept == "1", "the root bridge's _PRT was not kept once (%r)" % kept
    for name in ("sda", "sdi", "sdj"):
        vm.ok("e2fsck -fn /dev/%s" % name, 120)
    out = wait_lease(vm)
    assert "inet 10.0.2.15/24" in out, out
    assert out.rstrip().endswith("/e1000"), out
    assert "PCI-MSI" not in vm.ok("cat /proc/interrupts")
    for driver in ("ahci", "e1000", "virtio-pci"):
        irq = vm.ok("for d in /sys/bus/pci/drivers/%s/0000:*; do cat $d/irq; done | head -1" % driver)
        assert irq.isdigit() and int(irq) > 0, "%s has no interrupt line (%r)" % (driver, irq)
        line = vm.ok("grep -E '^ *%s:' /proc/interrupts" % irq)
        counts = [int(f) for f in line.split()[1:] if f.isdigit()]
        assert sum(counts) > 0, "no interrupts arrived for %s: %s" % (driver, line)

"""Issue 2: the image boots every way a user or a fleet boots it."""
import os
import re

import pytest

from lifeboat_vm import ISO, VMLINUZ, sha256


def boot_and_poweroff(vm, seconds=120):
    vm.start()
    vm.expect("Welcome to Lifeboat!", seconds)
    vm.wait_boot_prompt(seconds)
    assert vm.ok("cat /proc/1/comm") == "init"
    assert vm.ok("echo $((6*7))") == "42"
    assert vm.poweroff() == 0


def test_kernel_alone(vm_factory):
    boot_and_poweroff(vm_factory(boot="kernel"))


def test_iso_as_cdrom_seabios(vm_factory):
    boot_and_poweroff(vm_factory(boot="cdrom"))


def test_iso_as_raw_disk_seabios(vm_factory):
    boot_and_poweroff(vm_factory(boot="iso-disk"))


def test_iso_uefi(vm_factory):
    vm = vm_factory(boot="iso-disk", firmware="uefi")
    vm.start()
    vm.expect("Welcome to Lifeboat!", 240)
    vm.wait_boot_prompt(60)
    out = vm.ok("ls /sys/firmware/efi")
    assert "systab" in out or "runtime" in out
    assert vm.poweroff() == 0


def test_iso_uefi_cdrom(vm_factory):
    vm = vm_factory(boot="iso-disk", firmware="uefi")
    vm.disks = []
    vm.boot = "none"
    vm.extra = ["-device", "virtio-scsi-pci,id=scsi0",
                "-drive", "if=none,id=cd0,media=cdrom,readonly=on,file=" + ISO,
                "-device", "scsi-cd,bus=scsi0.0,scsi-id=7,drive=cd0,bootindex=0"]
    vm.start()
    vm.expect("Welcome to Lifeboat!", 240)
    vm.wait_boot_prompt(60)
    assert "runtime" in vm.ok("ls /sys/firmware/efi")
    assert vm.poweroff() == 0


def test_pxe_boot(vm_factory):
    # the iPXE script (lifeboat_vm.pxe_dir) passes the VM's boot options
    vm = vm_factory(boot="pxe", append="hostname=fleet-node")
    vm.start()
    vm.expect("Welcome to Lifeboat!", 180)
    vm.expect(re.escape("root@fleet-node:~# "), 60)
    vm.set_prompt()
    assert "hostname=fleet-node" in vm.ok("cat /proc/cmdline")
    assert vm.poweroff() == 0


def test_artifacts_and_sums():
    # sha256sum's format, "DIGEST  NAME" (two spaces: text mode), one line
    # a file: what `sha256sum -c SHA256SUMS` checks next to the files
    with open(os.path.join(os.path.dirname(ISO), "SHA256SUMS")) as f:
        lines = f.read().splitlines()
    sums = {}
    for line in lines:
        m = re.fullmatch(r"([0-9a-f]{64})  (\S+)", line)
        assert m, "not a sha256sum line: %r" % line
        sums[m.group(2)] = m.group(1)
    assert sums == {"vmlinuz": sha256(VMLINUZ), "lifeboat.iso": sha256(ISO)}, sums
    assert os.path.getsize(ISO) <= 12 << 20, "ISO over its 12 MiB budget (issue 15)"
    with open(VMLINUZ, "rb") as f:
        head = f.read(0x300)
    assert head[0x202:0x206] == b"HdrS", "vmlinuz is not a bzImage"
    assert head[:2] == b"MZ", "vmlinuz has no PE header: not an EFI application"

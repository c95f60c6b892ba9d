import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from lifeboat_vm import ISO, VMLINUZ, VM  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def host_can_boot():
    """QEMU and the image are there (else the reason; tests/conftest.py makes
    it a failure unless LIFEBOAT_ALLOW_SKIP=1)."""
    if shutil.which("qemu-system-x86_64") is None:
        pytest.skip("qemu-system-x86_64 not found (make deps, or apt-get install qemu-system-x86)")
    for f in (VMLINUZ, ISO):
        if not os.path.exists(f):
            pytest.skip("%s is missing (make image)" % f)


@pytest.fixture
def vm_factory(request, tmp_path):
    """Make VMs named after the test; every VM is killed at the end."""
    vms = []

    def make(**kw):
        name = request.node.name + ("-%d" % len(vms) if vms else "")
        vm = VM(name, tmpdir=str(tmp_path / ("vm%d" % len(vms))), **kw)
        vms.append(vm)
        return vm

    yield make
    for vm in vms:
        vm.close()

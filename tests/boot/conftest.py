import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from lifeboat_vm import VM  # noqa: E402


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

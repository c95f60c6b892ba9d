"""Issue 21: make bench's btrfs check row (build/bench/repair_bench.py) gives
Lifeboat's time with mimalloc's huge pages off beside the default, and says
whether the host's memory balloon reports free pages to its hypervisor, read
from a virtio balloon's feature bits (here a made-up sysfs directory)."""
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "build", "bench"))

import repair_bench as rb  # noqa: E402


def balloon(tmp_path, *features):
    """A virtio_balloon driver directory with one device per feature string."""
    d = tmp_path / "virtio_balloon"
    d.mkdir()
    (d / "uevent").write_text("")
    for i, bits in enumerate(features):
        (d / ("virtio%d" % i)).mkdir()
        (d / ("virtio%d" % i) / "features").write_text(bits + "\n")
    return str(d)


def test_reporting_bit_set(tmp_path):
    assert rb.free_page_reporting(balloon(tmp_path, "0110010100" + "0" * 54)) is True


def test_reporting_bit_clear(tmp_path):
    assert rb.free_page_reporting(balloon(tmp_path, "0110000100" + "0" * 54)) is False


def test_second_device_reports(tmp_path):
    assert rb.free_page_reporting(balloon(tmp_path, "0" * 64, "000001")) is True


def test_no_balloon(tmp_path):
    assert rb.free_page_reporting(str(tmp_path / "absent")) is False


def result(off=None):
    r = {"versions": ["btrfs v6.2", "btrfs v6.2"], "shape": "3 directories",
         "debian": [2.0, 2.0, 2.0], "lifeboat": [3.0, 2.8, 3.2]}
    if off:
        r[rb.HUGE_OFF] = off
    return r


def test_row_gives_huge_pages_off(monkeypatch):
    monkeypatch.setattr(rb, "free_page_reporting", lambda: True)
    row, = rb.rows({"btrfs check": result([1.8, 1.9, 2.0])})
    assert "1.50x (target 1.0x): missed. With mimalloc's huge pages off" in row
    assert "1.90 s, 0.95x. This host's memory balloon reports free pages" in row
    assert row.endswith(" |") and row.count(" | ") == 1


def test_row_without_huge_pages_off_run(monkeypatch):
    monkeypatch.setattr(rb, "free_page_reporting", lambda: False)
    row, = rb.rows({"xfs_repair -n": result()})
    assert "huge pages" not in row and "balloon" not in row
    assert row.endswith("1.50x (target 1.0x): missed |")


def test_results_list_the_third_program():
    md = rb.results({"btrfs check": result([1.8, 1.9, 2.0])}, 3)
    assert "| `btrfs check`, lifeboat, huge pages off | 1.900 | 1.800, 1.900, 2.000 |" in md
    md = rb.results({"xfs_repair -n": result()}, 3)
    assert not [line for line in md if "huge pages off |" in line]

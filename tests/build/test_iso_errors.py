"""build/iso.sh fails when xorriso fails (its output was once piped through
grep, whose status hid xorriso's), and leaves no ISO behind."""
import os
import subprocess

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_a_failing_xorriso_fails_the_iso(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    xorriso = fake / "xorriso"
    xorriso.write_text("#!/bin/sh\necho 'xorriso : FAILURE : fake failure for the test' >&2\nexit 5\n")
    xorriso.chmod(0o755)
    kernel = tmp_path / "vmlinuz"
    kernel.write_bytes(os.urandom(64 * 1024))
    tools = tmp_path / "tools.squashfs"
    tools.write_bytes(os.urandom(4096))
    medium = tmp_path / "medium-id"
    medium.write_text("LIFEBOAT_00000000\n")
    out = tmp_path / "out.iso"
    env = dict(os.environ, PATH="%s:%s" % (fake, os.environ["PATH"]), SOURCE_DATE_EPOCH="1700000000")
    r = subprocess.run([os.path.join(TOP, "build", "iso.sh"), str(kernel), str(tools), str(medium),
                        str(tmp_path / "work"), str(out)], capture_output=True, text=True, env=env)
    assert r.returncode != 0, r.stdout + r.stderr
    assert "fake failure for the test" in r.stderr
    assert "iso: error: xorriso failed" in r.stderr
    assert not out.exists() and not os.path.exists(str(out) + ".tmp")

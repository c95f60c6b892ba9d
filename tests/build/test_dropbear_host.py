"""The image's own dropbear, run on the host (build/bench/ssh_bench.py's
Servers), moves data both ways unchanged with the cipher an OpenSSH client
picks first. Its ChaCha20 makes several blocks at once (build/patches/
dropbear/0003-*): eight in AVX2 vectors where the CPU has them, as this
host's does, four in SSE2/NEON ones otherwise (the boot tests' TCG guest,
test_transfer.py). The packet MAC covers the ciphertext, so a wrong key stream
would pass it: only the bytes themselves show it. The MAC is nettle's
Poly1305 (build/patches/dropbear/0006-*): a wrong tag ends the connection, and
a packet 8 bytes past a multiple of 16 ends in a partial Poly1305 block. Its AES modes and SHA-256 are
nettle's (build/patches/dropbear/0004-* and 0005-*): AES-NI, PCLMUL and SHA-NI
where the CPU has them, as this host's does (the TCG guest takes nettle's
portable code: test_ssh.py's check_aes_modes)."""
import hashlib
import os
import subprocess
import sys

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "build", "bench"))
import ssh_bench  # noqa: E402

CIPHER = "chacha20-poly1305@openssh.com"


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return line.split(":", 1)[1].split()
    return []


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    assert os.access(ssh_bench.DROPBEAR, os.X_OK), "no %s: make image first" % ssh_bench.DROPBEAR
    servers = ssh_bench.Servers(str(tmp_path_factory.mktemp("dropbear")), names=("dropbear",))
    yield servers
    servers.close()


def round_trip(server, tmp_path, cipher, data, what):
    """data from the server and back to it with cipher, unchanged both ways."""
    src = tmp_path / "src.bin"
    src.write_bytes(data)
    want = hashlib.sha256(data).hexdigest()
    got = server.ssh("dropbear", cipher, "cat %s" % src, capture_output=True, timeout=120)
    assert got.returncode == 0, got.stderr
    assert hashlib.sha256(got.stdout).hexdigest() == want, "download changed on the way (%s)" % what
    dst = tmp_path / "dst.bin"
    put = server.ssh("dropbear", cipher, "cat > %s" % dst, input=data, capture_output=True, timeout=120)
    assert put.returncode == 0, put.stderr
    assert hashlib.sha256(dst.read_bytes()).hexdigest() == want, "upload changed on the way (%s)" % what


def test_a_download_and_an_upload_arrive_unchanged(server, tmp_path):
    # odd sizes: whole runs of 8 and 4 blocks, the one-block tail, and a
    # counter that starts inside a block for the next packet
    data = hashlib.shake_256(b"lifeboat").digest(3 * 1024 * 1024 + 4321)
    path = "avx2" if "avx2" in cpu_flags() else "sse2/neon"
    round_trip(server, tmp_path, CIPHER, data, "%s path" % path)


@pytest.mark.parametrize("cipher", ["aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
                                    "aes128-ctr", "aes256-ctr"])
def test_each_aes_mode_moves_data_both_ways_unchanged(server, tmp_path, cipher):
    assert {"aes", "pclmulqdq"} <= set(cpu_flags()), "this host has no AES-NI or PCLMUL: nettle's fast path untested"
    data = hashlib.shake_256(cipher.encode()).digest(2 * 1024 * 1024 + 4321)
    round_trip(server, tmp_path, cipher, data, cipher)


def test_the_client_is_offered_chacha20_first(server):
    r = server.ssh("dropbear", CIPHER, "true", capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    kex = subprocess.run(["ssh", "-vv", "-p", str(server.ports["dropbear"]), "-i", server.key,
                          "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                          "-o", "UserKnownHostsFile=/dev/null", "root@127.0.0.1", "true"],
                         capture_output=True, text=True, timeout=60)
    assert kex.returncode == 0, kex.stderr
    assert "cipher: chacha20-poly1305@openssh.com" in kex.stderr, kex.stderr[-2000:]

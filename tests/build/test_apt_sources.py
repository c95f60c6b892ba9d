"""Issue 17: build/apt-sources.sh writes the image's /etc/apt/sources.list
from a machine's apt configuration (here a made-up one in a temporary ETC):
the release of its os-release, -updates and -security, main, each at its
first configured URI, from both the one-line and the deb822 format."""
import os
import subprocess

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(TOP, "build", "apt-sources.sh")


def etc(tmp_path, one_line=None, deb822=None, codename="trixie"):
    (tmp_path / "apt" / "sources.list.d").mkdir(parents=True)
    (tmp_path / "os-release").write_text("ID=debian\nVERSION_CODENAME=%s\n" % codename)
    if one_line is not None:
        (tmp_path / "apt" / "sources.list").write_text(one_line)
    if deb822 is not None:
        (tmp_path / "apt" / "sources.list.d" / "debian.sources").write_text(deb822)
    return tmp_path


def run(etc_dir, out):
    return subprocess.run([SCRIPT, str(out), str(etc_dir)], capture_output=True, text=True)


def lines(release, uri, security_uri, updates_uri=None):
    """The file build/apt-sources.sh should write."""
    return "deb {1} {0} main\ndeb {3} {0}-updates main\ndeb {2} {0}-security main\n".format(
        release, uri, security_uri, updates_uri or uri)


def assert_writes(etc_dir, out, text):
    r = run(etc_dir, out)
    assert r.returncode == 0, r.stderr
    assert out.read_text() == text


def test_both_formats_first_uri_wins(tmp_path):
    d = etc(tmp_path, one_line="# deb http://commented/debian trixie main\n"
            "deb-src http://src.example/debian trixie main\n"
            "deb [ arch=amd64 signed-by=/k.gpg ] http://one.example/debian/ trixie main contrib\n"
            "deb [arch=amd64] http://two.example/debian trixie-updates contrib main\n"
            "deb http://no-main.example/debian trixie-security contrib\n",
            deb822="Types: deb\nURIs: http://four.example/debian\nSuites: trixie trixie-updates\n"
            "Components: main\n\n"
            "Types: deb-src deb\nURIs: http://sec.example/debian-security\n"
            "Suites: trixie-security\nComponents: main contrib\n")
    out = tmp_path / "sources.list"
    assert_writes(d, out, lines("trixie", "http://one.example/debian", "http://sec.example/debian-security",
                                "http://two.example/debian"))
    before = os.stat(out).st_mtime_ns
    os.utime(out, ns=(before - 10**9, before - 10**9))
    assert run(d, out).returncode == 0
    # the same text: the file is left alone (make rebuilds nothing)
    assert os.stat(out).st_mtime_ns == before - 10**9


def test_missing_suites_follow_the_release(tmp_path):
    d = etc(tmp_path, deb822="Types: deb\nURIs: http://m.example/debian\nSuites: bookworm\n"
            "Components: main\n\nTypes: deb\nURIs: http://off.example/debian\n"
            "Suites: bookworm-updates\nComponents: main\nEnabled: no\n", codename="bookworm")
    assert_writes(d, tmp_path / "sources.list",
                  lines("bookworm", "http://m.example/debian", "http://m.example/debian-security"))


def test_no_release_entry_fails_naming_it(tmp_path):
    d = etc(tmp_path, one_line="deb http://m.example/debian bookworm main\n")
    out = tmp_path / "sources.list"
    r = run(d, out)
    assert r.returncode == 1 and "no 'trixie main' entry" in r.stderr, r.stderr
    assert not out.exists()

"""Issue 17: `apt update`, `apt install nmon`, `nmon`: Debian packages at run
time, verified, in RAM. The guest reaches the local mirror of fx_aptmirror
(the real InRelease files, Packages indexes and .debs) at 10.0.2.2.

Two VMs are shared by the tests of this module: one on the good mirror (the
guide, installs, removal, search), one whose tests point
/etc/apt/sources.list at a broken variant of the mirror (each asserts that
nothing changed). Every test sets up what it needs itself (apt update,
nmon installed or not), so that -k picks any of them. The clock of every VM
is one at which the InRelease files are valid (facts["clock"]); the expired
test sets it past bookworm-security's Valid-Until. Before the guest's, the
host's own apt checks the same mirror: it takes the good one and refuses
each variant, so the fixtures are faithful and the negatives real."""
import os
import re
import shutil
import subprocess
import time

import pytest

from fx_aptmirror import KEYRING, apt_mirror, apt_mirror_tree, codename, suites  # noqa: F401 (fixtures)
from lifeboat_vm import PROMPT, VM, timeout

MEM = 1024
UPDATE_S = 600  # apt update: 53 MB of indexes over QEMU's user network under TCG, then parsed
INSTALL_S = 600
# what apt may change: the files (not the empty directories) of the lists and dpkg's state
STATE = ("find /var/lib/dpkg /var/lib/apt/lists -type f 2>/dev/null | sort | xargs -r ls -ln --full-time; "
         "sha256sum /var/lib/dpkg/status 2>&1; true")


def sources(mirror, variant=None):
    """sources.list as init writes it for mirror=URL (apt-spec.md)."""
    debian, security = mirror.url(variant), mirror.url(variant, "debian-security")
    return "".join("deb %s %s main\n" % (security if archive == "debian-security" else debian, suite)
                   for archive, suite in suites())


def boot(name, mirror, tmp, clock=None, **kw):
    """A VM booted with mirror=, its clock at clock (default: a time when
    the mirror's InRelease files are valid); with a NIC, back once its lease
    came (the prompt does not wait for it, a user a second later might)."""
    vm = VM(name, mem=MEM, append="mirror=" + mirror.url(), tmpdir=str(tmp),
            extra=mirror.rtc(clock or mirror.facts["clock"]), **kw)
    try:
        vm.up()
        if vm.nic:
            vm.ok("i=0; until ip route | grep -q '^default '; do i=$((i+1)); [ $i -lt 120 ] || exit 1; "
                  "sleep 0.5; done", 90)
    except BaseException:
        vm.close()
        raise
    return vm


@pytest.fixture(scope="module")
def good_vm(apt_mirror, tmp_path_factory):
    vm = boot("test_apt-good", apt_mirror, tmp_path_factory.mktemp("good"))
    vm.updated = False
    yield vm
    vm.close()


@pytest.fixture(scope="module")
def bad_vm(apt_mirror, tmp_path_factory):
    vm = boot("test_apt-variants", apt_mirror, tmp_path_factory.mktemp("variants"))
    yield vm
    vm.close()


def apt_update(vm, mirror):
    out, rc = vm.run("apt update 2>&1", UPDATE_S)
    assert rc == 0, out
    vm.updated = True
    return out


def updated(vm, mirror):
    if not vm.updated:
        apt_update(vm, mirror)


def has(vm, cmd):
    """cmd is on PATH (a fresh shell: the console's remembers where a
    command it ran was, also once the file is gone)."""
    return vm.run("sh -c 'command -v %s'" % cmd)[1] == 0


def ensure(vm, mirror, pkg, cmd, installed):
    """pkg installed (or not), whatever ran before in this VM."""
    updated(vm, mirror)
    if has(vm, cmd) != installed:
        verb = "install -y" if installed else "remove -y"
        vm.ok("apt %s %s 2>&1" % (verb, pkg), INSTALL_S)
    assert has(vm, cmd) == installed


def deb_of(mirror, pkg):
    return [d for d in mirror.facts["debs"] if d["package"] == pkg][0]


NO_SUCH = "lifeboat-no-such-package"
# apt list's "PKG/SUITE,now VER ARCH [installed]" ("PKG/now" when no list has it any more)
NOW = r"(?:[\w.-]+,)?now"


def says(kind, m, host=False):
    """apt's own words (the regular expressions) for each refusal, checked
    against Debian's apt on the host and against Lifeboat's in the guest."""
    url = m.host_url if host else m.url
    main = codename()
    expired = [s for s in m.facts["suites"] if s["suite"] == m.facts["expired_suite"]][0]
    plus = r"(?:\+|%2[bB])"  # Debian's apt quotes '+' in a URL, a plain one need not
    return {
        "bad-packages": [r"^E: Failed to fetch %s/dists/%s/main/binary-amd64/\S+  Hash Sum mismatch$"
                         % (re.escape(url("bad-packages")), main)],
        "bad-deb": [r"^E: Failed to fetch %s/%s  Hash Sum mismatch$" % (re.escape(url("bad-deb")), re.escape(
            deb_of(m, "nmon")["path"]).replace(r"\+", plus))],
        "foreign-key": [r"^W: GPG error: %s %s InRelease: .*NO_PUBKEY %s" % (re.escape(url("foreign-key")), main,
                                                                            m.facts["foreign_key"][-16:]),
                        r"^E: The repository '%s %s InRelease' is not signed\.$" % (re.escape(url("foreign-key")),
                                                                                   main)],
        "expired": [r"^E: Release file for %s/dists/%s/InRelease is expired \(invalid since .+\)\. "
                    r"Updates for this repository will not be applied\.$"
                    % (re.escape(url(archive=expired["archive"])), expired["suite"])],
        "unknown": [r"^E: Unable to locate package %s$" % NO_SUCH],
    }[kind]


def assert_says(kind, m, out, host=False):
    for pattern in says(kind, m, host):
        assert re.search(pattern, out, re.M), "no %r in:\n%s" % (pattern, out)


# ---- the host's apt on the same mirror


def host_apt(mirror, tmp, variant=None, args=("update",), clock=None):
    """Debian's apt-get of this machine against the served mirror, in a
    private state directory, at clock (faketime); (exit status, output)."""
    lists, archives = tmp / "lists", tmp / "archives"
    for d in (lists / "partial", archives / "partial"):
        d.mkdir(parents=True, exist_ok=True)
    src = tmp / "sources.list"
    src.write_text(sources(mirror, variant).replace("deb http://10.0.2.2:", "deb [signed-by=%s] http://127.0.0.1:"
                                                    % KEYRING))
    cmd = ["apt-get", "-q", "-o", "Dir::Etc::SourceList=%s" % src, "-o", "Dir::Etc::SourceParts=/nonexistent",
           "-o", "Dir::State::Lists=%s" % lists, "-o", "Dir::Cache::Archives=%s" % archives,
           "-o", "Dir::State::status=/dev/null", "-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache=",
           "-o", "APT::Sandbox::User=root", "-o", "Acquire::Languages=none", "-o", "Acquire::IndexTargets::deb::"
           "Contents-deb::DefaultEnabled=false", "-o", "APT::Architectures=amd64",
           # Debian's defaults (this machine's apt.conf.d turns both off)
           "-o", "Acquire::Check-Valid-Until=true", "-o", "Acquire::Check-Date=true"] + list(args)
    when = time.strftime("@%Y-%m-%d %H:%M:%S", time.gmtime(clock or mirror.facts["clock"]))
    r = subprocess.run(["faketime", "-f", when] + cmd, capture_output=True, text=True, cwd=str(tmp),
                       env=dict(os.environ, TZ="UTC", LC_ALL="C"))
    return r.returncode, r.stdout + r.stderr


def test_host_apt_takes_the_mirror_and_refuses_each_variant(apt_mirror, tmp_path):
    if shutil.which("faketime") is None:
        pytest.fail("faketime is missing (make deps): the host's apt checks the mirror at its clock")
    m = apt_mirror
    rc, out = host_apt(m, tmp_path / "good")
    assert rc == 0 and "W:" not in out and "E:" not in out, out
    rc, out = host_apt(m, tmp_path / "good", args=("install", "--download-only", "-y", "--no-install-recommends")
                       + tuple(m.facts["packages"]))
    assert rc == 0, out
    got = sorted(os.listdir(tmp_path / "good" / "archives"))
    assert len([f for f in got if f.endswith(".deb")]) == len(m.facts["debs"]), (got, out)

    rc, out = host_apt(m, tmp_path / "good", args=("install", "-y", "--download-only", NO_SUCH))
    assert rc == 100, out
    assert_says("unknown", m, out, host=True)

    rc, out = host_apt(m, tmp_path / "bad-packages", "bad-packages")
    assert rc == 100, out
    assert_says("bad-packages", m, out, host=True)
    rc, out = host_apt(m, tmp_path / "foreign-key", "foreign-key")
    assert rc == 100, out
    assert_says("foreign-key", m, out, host=True)
    rc, out = host_apt(m, tmp_path / "expired", clock=m.facts["expired_clock"])
    assert rc == 100, out
    assert_says("expired", m, out, host=True)
    rc, out = host_apt(m, tmp_path / "bad-deb", "bad-deb")
    assert rc == 0, out
    rc, out = host_apt(m, tmp_path / "bad-deb", "bad-deb",
                       args=("install", "--download-only", "-y", "--no-install-recommends", "nmon"))
    assert rc == 100, out
    assert_says("bad-deb", m, out, host=True)
    assert not any(f.startswith("nmon") for f in os.listdir(tmp_path / "bad-deb" / "archives")), out


# ---- the good mirror


def test_guide_verbatim_apt_update_install_nmon_and_run_it(good_vm, apt_mirror):
    vm, m = good_vm, apt_mirror
    if has(vm, "nmon"):
        vm.ok("apt remove -y nmon 2>&1", INSTALL_S)
    m.clear()
    out = apt_update(vm, m)
    for archive, suite in suites():
        assert re.search(r"^Get:\d+ %s %s InRelease \[[^]\n]+\]$" % (re.escape(m.url(archive=archive)), suite),
                         out, re.M), out
    assert re.search(r"^Reading package lists\.\.\. Done$", out, re.M), out
    fetched = m.fetched()
    for s in m.facts["suites"]:
        assert "/%s/dists/%s/InRelease" % (s["archive"], s["suite"]) in fetched, fetched

    # `apt install nmon`, answering its question
    m.clear()
    vm.child.sendline("apt install nmon; echo \"@RC@$?@\"")
    vm.expect(r"Do you want to continue\? \[Y/n\] ", INSTALL_S)
    asked = vm.child.before.replace("\r", "")
    assert "The following NEW packages will be installed:" in asked, asked
    assert re.search(r"^ .*\bnmon\b", asked, re.M), asked
    assert re.search(r"\d+ upgraded, \d+ newly installed", asked), asked
    assert re.search(r"Need to get [\d.,]+ [kM]?B of archives\.", asked), asked
    assert "After this operation" in asked, asked
    vm.child.sendline("Y")
    vm.expect(r"@RC@(\d+)@\r*\n", INSTALL_S)
    done = vm.child.before.replace("\r", "")
    rc = int(vm.child.match.group(1))
    vm.expect(re.escape(PROMPT), 30)
    assert rc == 0, done
    assert re.search(r"^Setting up nmon \(", done, re.M), done
    nmon = deb_of(m, "nmon")
    assert "/%s/%s" % (nmon["archive"], nmon["path"]) in m.fetched()
    assert vm.ok("sh -c 'command -v nmon'") == "/usr/bin/nmon"

    # `nmon` draws its screen on the console's terminal, `q` quits it
    term = vm.ok("echo $TERM")
    vm.child.sendline("nmon; echo \"@RC@$?@\"")
    # its start screen (nmon 16n draws its frame with the terminal's line
    # characters, between which its title's words stand)
    vm.expect(r"Hostname=lifeboat", 60)
    vm.expect(r"To stop nmon type q to Quit", 30)
    time.sleep(timeout(1))
    vm.child.send("q")
    vm.expect(r"@RC@(\d+)@\r*\n", 60)
    assert vm.child.match.group(1) == "0", "nmon exited %s (TERM=%s)" % (vm.child.match.group(1), term)
    vm.expect(re.escape(PROMPT), 30)


def test_install_y_tcpdump_strace_and_use_them(good_vm, apt_mirror):
    vm, m = good_vm, apt_mirror
    for pkg in ("tcpdump", "strace"):
        ensure(vm, m, pkg, pkg, False)
    m.clear()
    out = vm.ok("apt install -y tcpdump strace 2>&1", INSTALL_S)
    assert "Do you want to continue" not in out, out
    for pkg in ("tcpdump", "strace"):
        assert re.search(r"^Setting up %s \(" % pkg, out, re.M), out
    assert re.search(r"^libpcap0\.8/%s " % NOW, vm.ok("apt list --installed 2>/dev/null"), re.M)
    tcpdump = deb_of(m, "tcpdump")
    assert "/%s/%s" % (tcpdump["archive"], tcpdump["path"]) in m.fetched()
    traced = vm.ok("strace -f -e trace=execve /bin/true 2>&1")
    assert re.search(r'execve\("/bin/true"', traced) and "+++ exited with 0 +++" in traced, traced
    assert vm.ok("strace -V").startswith("strace -- version 6.")
    # tcpdump captures the guest's own pings on lo
    cap = vm.ok("(tcpdump -n -l -i lo -c 2 icmp 2>&1 & sleep %d; ping -c 2 127.0.0.1 >/dev/null; wait)"
                % timeout(3), 120)
    assert re.search(r"127\.0\.0\.1 > 127\.0\.0\.1: ICMP echo request", cap), cap
    assert "tcpdump version 4.99" in vm.ok("tcpdump --version 2>&1")


def test_remove_nmon(good_vm, apt_mirror):
    vm, m = good_vm, apt_mirror
    ensure(vm, m, "nmon", "nmon", True)
    vm.child.sendline("apt remove nmon; echo \"@RC@$?@\"")
    i = vm.expect([r"Do you want to continue\? \[Y/n\] ", r"@RC@(\d+)@\r*\n"], INSTALL_S)
    asked = vm.child.before.replace("\r", "")
    assert "The following packages will be REMOVED:" in asked and "nmon" in asked, asked
    if i == 0:
        vm.child.sendline("Y")
        vm.expect(r"@RC@(\d+)@\r*\n", INSTALL_S)
    rc = int(vm.child.match.group(1))
    vm.expect(re.escape(PROMPT), 30)
    assert rc == 0, vm.child.before
    assert not has(vm, "nmon")
    assert vm.run("test -e /usr/bin/nmon")[1] == 1
    assert not re.search(r"^nmon/", vm.ok("apt list --installed 2>/dev/null"), re.M)


def test_search_show_list_installed(good_vm, apt_mirror):
    vm, m = good_vm, apt_mirror
    ensure(vm, m, "nmon", "nmon", True)
    version = vm.ok("apt show nmon 2>/dev/null | sed -n 's/^Version: //p'")
    assert re.match(r"16n\+debian-\d", version), version
    show = vm.ok("apt show nmon 2>/dev/null")
    for field in ("Package: nmon", "Depends:", "Description:", "Maintainer:"):
        assert field in show, show
    found = vm.ok("apt search nmon 2>/dev/null")
    # apt's "PKG/SUITE VER ARCH" (the suite as apt names it: the codename or oldstable)
    assert re.search(r"^nmon/\S+ %s amd64" % re.escape(version), found, re.M), found
    listed = vm.ok("apt list --installed 2>/dev/null")
    assert re.search(r"^nmon/%s %s amd64 \[installed\]$" % (NOW, re.escape(version)), listed, re.M), listed
    assert re.search(r"^libc6/%s \S+ amd64 \[installed\]$" % NOW, listed, re.M), listed


def test_unknown_package(good_vm, apt_mirror):
    vm = good_vm
    updated(vm, apt_mirror)
    before = vm.ok(STATE)
    out, rc = vm.run("apt install -y %s 2>&1" % NO_SUCH, 120)
    assert rc == 100, out
    assert_says("unknown", apt_mirror, out)
    assert vm.ok(STATE) == before


# ---- refusals: each leaves the system as it was


def test_short_of_ram_is_refused(good_vm, apt_mirror):
    """The root tmpfs (RAM) filled to 30 MiB short: nmon (3.6 MB of .debs,
    15 MB unpacked, 32 MiB left for the rest) does not fit, apt says so."""
    vm, m = good_vm, apt_mirror
    ensure(vm, m, "nmon", "nmon", False)
    free = int(vm.ok("stat -f -c '%a %S' / | awk '{print $1 * $2}'"))
    vm.ok("head -c %d /dev/zero > /lb-fill" % (free - (30 << 20)), 300)
    try:
        out = refused(vm, "apt install -y nmon", seconds=INSTALL_S)
        assert "E: Not enough free memory" in out and "Nothing was installed" in out, out
    finally:
        vm.ok("rm -f /lb-fill")
    assert has(vm, "apt")


def point_at(vm, mirror, variant):
    vm.ok("mkdir -p /etc/apt && printf '%s' > /etc/apt/sources.list" % sources(mirror, variant).replace("\n", "\\n"))


def refused(vm, cmd, rc=100, seconds=UPDATE_S):
    before = vm.ok(STATE)
    out, got = vm.run(cmd + " 2>&1", seconds)
    assert got == rc, "%r exited %d, not %d:\n%s" % (cmd, got, rc, out)
    assert vm.ok(STATE) == before, out
    assert not has(vm, "nmon"), out
    return out


def test_changed_packages_is_refused(bad_vm, apt_mirror):
    vm, m = bad_vm, apt_mirror
    point_at(vm, m, "bad-packages")
    m.clear()
    out = refused(vm, "apt update")
    assert_says("bad-packages", m, out)
    assert any(p.startswith("/debian/dists/%s/main/binary-amd64/" % codename()) for p in m.fetched("bad-packages"))


def test_changed_deb_is_refused(bad_vm, apt_mirror):
    vm, m = bad_vm, apt_mirror
    point_at(vm, m, "bad-deb")
    vm.ok("apt update 2>&1", UPDATE_S)
    m.clear()
    out = refused(vm, "apt install -y nmon", seconds=INSTALL_S)
    assert_says("bad-deb", m, out)
    assert "Unpacking" not in out and "Setting up" not in out, out
    assert "/" + m.facts["bad_deb"] in m.fetched("bad-deb")


def test_foreign_key_inrelease_is_refused(bad_vm, apt_mirror):
    vm, m = bad_vm, apt_mirror
    point_at(vm, m, "foreign-key")
    out = refused(vm, "apt update")
    assert_says("foreign-key", m, out)


def test_expired_valid_until_is_refused(apt_mirror, tmp_path):
    m = apt_mirror
    vm = boot("test_apt-expired", m, tmp_path, clock=m.facts["expired_clock"])
    try:
        assert int(vm.ok("date -u +%s")) >= m.facts["expired_clock"]
        out = refused(vm, "apt update")
        assert_says("expired", m, out)
        refused(vm, "apt install -y nmon", seconds=120)
    finally:
        vm.close()


def test_no_network_is_refused(apt_mirror, tmp_path):
    vm = boot("test_apt-no-nic", apt_mirror, tmp_path, nic=None)
    try:
        out = refused(vm, "apt update", seconds=120)
        assert "E: No network: no default route (see 'lifeboat net')" in out, out
        refused(vm, "apt install -y nmon", seconds=120)
    finally:
        vm.close()

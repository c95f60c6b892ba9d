"""build/components/all.sh orders the components from their headers
(`# pin:`, `# needs:`, `# order: first`), with no special case by name."""
import os
import re
import shutil
import subprocess

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COMPONENTS = os.path.join(TOP, "build", "components")


def order(components_dir, *names):
    return subprocess.run([os.path.join(components_dir, "all.sh"), "--order"] + list(names),
                          capture_output=True, text=True)


def header(path, key):
    with open(path) as f:
        for line in f:
            if not line.startswith("#"):
                break
            m = re.match(r"# %s: *(.*)" % key, line)
            if m:
                return m.group(1).split()
    return []


def test_every_component_after_what_it_needs_and_busybox_first():
    r = order(COMPONENTS)
    assert r.returncode == 0, r.stderr
    comps = r.stdout.split()
    assert comps[0] == "busybox"
    assert set(comps) >= {"busybox", "musl", "dropbear", "e2fsprogs", "util-linux", "sftp-server"}
    for c in comps:
        for n in header(os.path.join(COMPONENTS, c + ".sh"), "needs"):
            assert comps.index(n) < comps.index(c), (c, n, comps)
    assert comps.index("musl") < comps.index("dropbear")


def test_named_components_bring_what_they_need():
    r = order(COMPONENTS, "dropbear")
    assert r.returncode == 0, r.stderr
    got = r.stdout.split()
    assert sorted(got) == ["dropbear", "mimalloc", "musl", "nettle"] and got[-1] == "dropbear", got


def fake_tree(tmp_path, recipes):
    """A copy of build/components and build/pins plus recipes {name: header}."""
    comp = tmp_path / "build" / "components"
    shutil.copytree(COMPONENTS, comp)
    shutil.copytree(os.path.join(TOP, "build", "pins"), tmp_path / "build" / "pins")
    for name, head in recipes.items():
        f = comp / (name + ".sh")
        f.write_text("#!/usr/bin/env bash\n" + head + "exit 0\n")
        f.chmod(0o755)
    return str(comp)


def test_a_new_component_is_one_file_and_its_pin(tmp_path):
    comp = fake_tree(tmp_path, {"zz-new": "# pin: musl\n# needs: util-linux musl\n"})
    comps = order(comp).stdout.split()
    assert comps[-1] == "zz-new" and comps[0] == "busybox", comps


def test_a_cycle_or_an_unknown_need_fails_naming_it(tmp_path):
    comp = fake_tree(tmp_path, {"aa": "# pin: musl\n# needs: bb\n", "bb": "# pin: musl\n# needs: aa\n"})
    r = order(comp)
    assert r.returncode == 1 and "cycle" in r.stderr and "aa" in r.stderr, r.stderr
    comp = fake_tree(tmp_path / "2", {"cc": "# pin: musl\n# needs: nosuch\n"})
    r = order(comp)
    assert r.returncode == 1 and "cc.sh needs nosuch" in r.stderr, r.stderr


def lane_tree(tmp_path, recipes):
    """build/components with all.sh and only the recipes {name: (header,
    body)}, each of pin `fake` (its source already unpacked), and the
    STAGE, BUILDROOT and SRCROOT arguments of a build."""
    comp = tmp_path / "build" / "components"
    comp.mkdir(parents=True)
    shutil.copy(os.path.join(COMPONENTS, "all.sh"), comp)
    pins = tmp_path / "build" / "pins"
    pins.mkdir()
    (pins / "fake.pin").write_text("fake\n")
    src = tmp_path / "src"
    (src / "fake").mkdir(parents=True)
    (src / ".fake.pin").write_text("fake\n")
    log = tmp_path / "events"
    for name, (head, body) in recipes.items():
        f = comp / (name + ".sh")
        f.write_text("#!/usr/bin/env bash\n# pin: fake\n%s"
                     "echo start %s >> %s\n%s\necho end %s >> %s\n" % (head, name, log, body, name, log))
        f.chmod(0o755)
    return [str(comp / "all.sh"), str(tmp_path / "stage"), str(tmp_path / "comp"), str(src)], log


def test_two_at_once_each_after_what_it_needs(tmp_path):
    argv, log = lane_tree(tmp_path, {
        "first": ("# order: first\n", "sleep 0.5"),
        "lib": ("", "sleep 1"),
        "app": ("# needs: lib\n", "sleep 0.2"),
        "other": ("", "sleep 1")})
    r = subprocess.run(argv, capture_output=True, text=True, env=dict(os.environ, LIFEBOAT_COMPONENT_JOBS="2"))
    assert r.returncode == 0, r.stderr
    ev = log.read_text().split("\n")[:-1]
    at = {e: i for i, e in enumerate(ev)}
    # order: first is a barrier; a need is built before what needs it
    assert ev[:2] == ["start first", "end first"], ev
    assert at["end lib"] < at["start app"], ev
    # two lanes: lib and other ran at the same time
    assert at["start other"] < at["end lib"] and at["start lib"] < at["end other"], ev
    assert "(2 at once)" in r.stderr, r.stderr


def test_a_failed_component_fails_the_build_and_what_needs_it_never_starts(tmp_path):
    argv, log = lane_tree(tmp_path, {
        "broken": ("", "sleep 0.2; exit 3"),
        "user": ("# needs: broken\n", ""),
        "slow": ("", "sleep 1")})
    r = subprocess.run(argv, capture_output=True, text=True, env=dict(os.environ, LIFEBOAT_COMPONENT_JOBS="2"))
    assert r.returncode == 1, r.stderr
    assert "component broken failed" in r.stderr, r.stderr
    ev = log.read_text().split()
    assert "user" not in ev, ev
    # the lane already running finishes: no half-built component left behind
    assert "end slow" in log.read_text(), ev
    r = subprocess.run(argv, capture_output=True, text=True, env=dict(os.environ, LIFEBOAT_COMPONENT_JOBS="x"))
    assert r.returncode == 1 and "not a number" in r.stderr, r.stderr

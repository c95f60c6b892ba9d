"""Issue 17's local Debian mirror: a faithful subset of the real archive,
served over HTTP to the guest (QEMU user networking's 10.0.2.2).

What it holds, all real and all checked on the host first:
- the InRelease files of bookworm, bookworm-updates (under debian/) and
  bookworm-security (under debian-security/) as this machine's apt fetched
  them (/var/lib/apt/lists), verified with gpgv against Debian's keyring;
- the Packages indexes they sign (apt keeps them lz4-compressed; apt-helper
  cat-file decompresses them), served uncompressed at
  dists/SUITE/main/binary-ARCH/Packages and at their by-hash name, their
  sha256 and size checked against the signed Release;
- the .debs of the dependency closure of PACKAGES as this machine's apt
  resolves it from an empty system (install --print-uris, status /dev/null),
  downloaded with apt-helper, at their pool/ paths, each checked against the
  index's SHA256 and Size; a .deb another suite's index has too (the same
  version in bookworm and bookworm-security) is at both pool paths, as in
  the archive, whichever a resolver picks.
Negative variants are overlays served under a URL prefix
(http://HOST:PORT/VARIANT/debian): bad-packages (bookworm's Packages with one
byte of nmon's stanza changed), bad-deb (nmon's .deb with one byte changed),
foreign-key (bookworm's InRelease: the real Release text clearsigned by a
throwaway key made with the host's gpg). The expired case is the good mirror
seen with the guest's clock past bookworm-security's Valid-Until
(facts["expired_clock"]); every other VM gets facts["clock"], a time at which
all three InRelease files are valid (the tests do not depend on the day they
run).

Built once in $LIFEBOAT_CACHE/apt-mirror/KEY (KEY: the InRelease files'
sha256 and FORMAT; one unused for a week is removed); the .debs are kept by
sha256 in apt-mirror/debs so that a new KEY downloads only what changed.
"""
import calendar
import email.utils
import fcntl
import glob
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse

import pytest

from lifeboat_vm import LOG_DIR, free_port, sha256

FORMAT = "3"
CACHE = os.path.join(os.environ.get("LIFEBOAT_CACHE", os.path.expanduser("~/.cache/lifeboat")),
                     "apt-mirror")
LISTS = "/var/lib/apt/lists"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
APT_HELPER = "/usr/lib/apt/apt-helper"
ARCH = "amd64"
COMPONENT = "main"
PACKAGES = ("nmon", "tcpdump", "strace", "ncurses-base")
VARIANTS = ("bad-packages", "bad-deb", "foreign-key")
HOST_TOOLS = {"gpgv": "gpgv", "gpg": "gnupg", "apt-get": "apt", APT_HELPER: "apt"}
DAY = 86400


class MirrorError(Exception):
    """The mirror cannot be made faithfully (the reason)."""


def codename():
    with open("/etc/os-release") as f:
        m = re.search(r"^VERSION_CODENAME=\"?(\w+)", f.read(), re.M)
    return m.group(1) if m else "bookworm"


def suites():
    """[(archive, suite)]: the three suites the guest's sources.list names."""
    cn = codename()
    return [("debian", cn), ("debian", cn + "-updates"), ("debian-security", cn + "-security")]


def list_file(archive, suite, rest):
    """The one file of /var/lib/apt/lists for ARCHIVE/dists/SUITE/REST."""
    pattern = "*_%s_dists_%s_%s" % (archive, suite, rest.replace("/", "_"))
    found = sorted(glob.glob(os.path.join(LISTS, pattern)))
    if len(found) != 1:
        raise MirrorError("%s/%s: %d files match %s in %s (run apt-get update; one Debian mirror expected)"
                          % (archive, suite, len(found), pattern, LISTS))
    return found[0]


def packages_list(archive, suite, rel):
    """The Packages index apt keeps for it (lz4 here; apt-helper cat-file
    reads each compression)."""
    for ext in (".lz4", "", ".gz", ".xz", ".zst"):
        if glob.glob(os.path.join(LISTS, "*_%s_dists_%s_%s%s" % (archive, suite, rel.replace("/", "_"), ext))):
            return list_file(archive, suite, rel + ext)
    raise MirrorError("%s/%s: no %s in %s (run apt-get update)" % (archive, suite, rel, LISTS))


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, **kw)
    if r.returncode != 0:
        raise MirrorError("%s exited %d: %s" % (" ".join(cmd), r.returncode,
                                                 (r.stderr or b"").decode(errors="replace")[-2000:]))
    return r.stdout


def verify_inrelease(path):
    """gpgv of a real InRelease against Debian's keyring: (Release text,
    the newest signature's time)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "Release")
        r = subprocess.run(["gpgv", "--status-fd", "1", "--keyring", KEYRING, "--output", out, path],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise MirrorError("%s does not verify with %s:\n%s" % (path, KEYRING, r.stderr))
        sigs = [int(line.split()[4]) for line in r.stdout.splitlines() if line.startswith("[GNUPG:] VALIDSIG ")]
        with open(out, "rb") as f:
            return f.read(), max(sigs)


def release_field(text, name):
    m = re.search(r"^%s: (.*)$" % name, text, re.M)
    return m.group(1).strip() if m else None


def release_sha256(text, rel):
    """(sha256, size) the Release text lists for rel."""
    section = text.split("\nSHA256:\n", 1)
    if len(section) < 2:
        raise MirrorError("the Release has no SHA256 section")
    for line in section[1].splitlines():
        if not line.startswith(" "):
            break
        h, size, name = line.split()
        if name == rel:
            return h, int(size)
    raise MirrorError("the Release lists no %s" % rel)


def http_date(value):
    return calendar.timegm(email.utils.parsedate_tz(value)[:9]) if value else None


def index_entries(path):
    """{Filename: (SHA256, Size, Package)} of a Packages index."""
    out = {}
    fields = {}
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8", "replace")
            if line == "\n":
                if "Filename" in fields:
                    out[fields["Filename"]] = (fields.get("SHA256"), int(fields.get("Size", -1)),
                                               fields.get("Package"))
                fields = {}
                continue
            key, sep, value = line.partition(": ")
            if sep and key in ("Package", "Filename", "SHA256", "Size"):
                fields[key] = value.strip()
    if "Filename" in fields:
        out[fields["Filename"]] = (fields.get("SHA256"), int(fields.get("Size", -1)), fields.get("Package"))
    return out


def link(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.exists(dst):
        os.unlink(dst)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def release_text(top, archive, suite):
    """Where the verified Release text of a suite is kept (not served: the
    archive has no such file)."""
    os.makedirs(os.path.join(top, "release"), exist_ok=True)
    return os.path.join(top, "release", "%s_%s" % (archive, suite))


def indexes(top, facts):
    """Copy and check the InRelease files and their Packages into top."""
    rel = "%s/binary-%s/Packages" % (COMPONENT, ARCH)
    for archive, suite in suites():
        inrelease = list_file(archive, suite, "InRelease")
        packages = packages_list(archive, suite, rel)
        dists = os.path.join(top, archive, "dists", suite)
        os.makedirs(dists, exist_ok=True)
        shutil.copyfile(inrelease, os.path.join(dists, "InRelease"))
        text, signed = verify_inrelease(os.path.join(dists, "InRelease"))
        release = text.decode()
        want, size = release_sha256(release, rel)
        out = os.path.join(dists, rel)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "wb") as f:
            subprocess.run([APT_HELPER, "cat-file", packages], stdout=f, check=True)
        got, got_size = sha256(out), os.path.getsize(out)
        if (got, got_size) != (want, size):
            raise MirrorError("%s: sha256 %s, %d bytes; its InRelease (%s) signs %s, %d bytes (apt-get update "
                              "ran meanwhile? run the tests again)" % (packages, got, got_size, inrelease, want, size))
        link(out, os.path.join(os.path.dirname(out), "by-hash", "SHA256", want))
        facts["suites"].append({"archive": archive, "suite": suite, "signed": signed,
                                "date": http_date(release_field(release, "Date")),
                                "valid_until": http_date(release_field(release, "Valid-Until")),
                                "packages": "%s/dists/%s/%s" % (archive, suite, rel), "sha256": want,
                                "size": size})
        with open(release_text(top, archive, suite), "wb") as f:
            f.write(text)


def resolve():
    """[(URI, archive, pool path)] of PACKAGES' dependency closure as this
    machine's apt resolves it from an empty system, reading the copies of the
    lists (so that an apt-get update meanwhile does not mix two versions)."""
    with tempfile.TemporaryDirectory() as tmp:
        lists = os.path.join(tmp, "lists")
        archives = os.path.join(tmp, "archives")
        os.makedirs(os.path.join(lists, "partial"))
        os.makedirs(os.path.join(archives, "partial"))
        for f in glob.glob(os.path.join(LISTS, "*_dists_*")):
            shutil.copy(f, lists)
        out = run(["apt-get", "install", "--print-uris", "-qq", "--no-install-recommends",
                   "-o", "Dir::State::status=/dev/null", "-o", "Dir::State::Lists=" + lists,
                   "-o", "Dir::Cache::Archives=" + archives, "-o", "Dir::Cache::pkgcache=",
                   "-o", "Dir::Cache::srcpkgcache=", "-o", "APT::Architecture=" + ARCH] + list(PACKAGES),
                  text=True)
    debs = []
    for line in out.splitlines():
        uri = line.split("'")[1]
        path = urllib.parse.unquote(urllib.parse.urlsplit(uri).path)
        m = re.search(r"/(debian|debian-security)/(pool/.*)$", path)
        if not m:
            raise MirrorError("%s: not under debian/pool or debian-security/pool" % uri)
        debs.append((uri, m.group(1), m.group(2)))
    if not debs:
        raise MirrorError("apt-get install --print-uris %s printed nothing" % " ".join(PACKAGES))
    return debs


def pool(top, facts):
    """Download (or take from the store) every .deb, check it against its
    index, put it at its pool path."""
    entries = {}
    for s in facts["suites"]:
        for fn, e in index_entries(os.path.join(top, s["packages"])).items():
            entries[(s["archive"], fn)] = e
    store = os.path.join(CACHE, "debs")
    os.makedirs(store, exist_ok=True)
    for uri, archive, rel in resolve():
        if (archive, rel) not in entries:
            raise MirrorError("%s/%s: in no Packages index of the mirror" % (archive, rel))
        want, size, pkg = entries[(archive, rel)]
        kept = os.path.join(store, want + ".deb")
        if not os.path.exists(kept) or sha256(kept) != want:
            part = kept + ".part"
            run([APT_HELPER, "download-file", uri, part, "SHA256:" + want])
            os.rename(part, kept)
        if (sha256(kept), os.path.getsize(kept)) != (want, size):
            raise MirrorError("%s: does not match its index (SHA256 %s, Size %d)" % (uri, want, size))
        link(kept, os.path.join(top, archive, rel))
        facts["debs"].append({"package": pkg, "archive": archive, "path": rel, "sha256": want, "size": size})
        # the same file where another suite's index has it (a version in both
        # bookworm and bookworm-security is in both pools): either is apt's
        for (other, fn), e in entries.items():
            if e[0] == want and (other, fn) != (archive, rel):
                link(kept, os.path.join(top, other, fn))
                facts["also"].append({"package": pkg, "archive": other, "path": fn})


def flip(path, offset, out):
    """A copy of path at out with the byte at offset changed (same size)."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    data[offset] ^= 0x20
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "wb") as f:
        f.write(data)
    return offset


def variants(top, facts):
    base = os.path.join(top, "variants")
    main = [s for s in facts["suites"] if s["suite"] == codename()][0]
    # bad-packages: one letter of nmon's Description, at the plain and the by-hash name
    packages = os.path.join(top, main["packages"])
    with open(packages, "rb") as f:
        data = f.read()
    at = data.index(b"\nPackage: nmon\n")
    at = data.index(b"\nDescription: ", at) + len(b"\nDescription: ")
    bad = os.path.join(base, "bad-packages", main["packages"])
    facts["bad_packages_offset"] = flip(packages, at, bad)
    link(bad, os.path.join(os.path.dirname(bad), "by-hash", "SHA256", main["sha256"]))
    # bad-deb: nmon's .deb, a byte in the middle
    nmon = [d for d in facts["debs"] if d["package"] == "nmon"][0]
    deb = os.path.join(top, nmon["archive"], nmon["path"])
    facts["bad_deb"] = "%s/%s" % (nmon["archive"], nmon["path"])
    flip(deb, os.path.getsize(deb) // 2, os.path.join(base, "bad-deb", facts["bad_deb"]))
    # foreign-key: the real Release text, clearsigned by a throwaway key, at the real signature's time
    dists = os.path.join(top, main["archive"], "dists", main["suite"])
    out = os.path.join(base, "foreign-key", main["archive"], "dists", main["suite"], "InRelease")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    home = tempfile.mkdtemp(prefix="gnupg.")
    env = dict(os.environ, GNUPGHOME=home)
    when = ["--faked-system-time", "%d!" % main["signed"]]
    gpg = ["gpg", "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", ""] + when
    try:
        run(gpg + ["--quick-gen-key", "Lifeboat throwaway test key <apt-test@lifeboat.invalid>",
                   "ed25519", "sign", "never"], env=env)
        run(gpg + ["--armor", "--digest-algo", "SHA512", "--clearsign", "-o", out,
                   release_text(top, main["archive"], main["suite"])], env=env)
        # it signs exactly the real Release text
        got = run(["gpg", "--batch", "--quiet", "--decrypt", out], env=env)
        with open(release_text(top, main["archive"], main["suite"]), "rb") as f:
            if got != f.read():
                raise MirrorError("the re-signed InRelease does not carry the real Release text")
        facts["foreign_key"] = run(["gpg", "--batch", "--with-colons", "--list-keys"], env=env,
                                   text=True).split("\nfpr:::::::::", 1)[1].split(":", 1)[0]
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=env)
        shutil.rmtree(home, ignore_errors=True)
    r = subprocess.run(["gpgv", "--keyring", KEYRING, out], capture_output=True)
    if r.returncode == 0:
        raise MirrorError("the throwaway key's InRelease verifies with Debian's keyring")


def clocks(facts):
    """clock: a time at which every InRelease is valid (after the newest
    signature, well before the first Valid-Until); expired_clock: a day
    past the first Valid-Until."""
    signed = max(s["signed"] for s in facts["suites"])
    until = [s["valid_until"] for s in facts["suites"] if s["valid_until"]]
    if not until:
        raise MirrorError("no InRelease carries a Valid-Until (the expired test needs one)")
    first = min(until)
    if first - signed < 2 * 3600:
        raise MirrorError("the InRelease files were never valid together (signed %d, valid until %d)"
                          % (signed, first))
    facts["clock"] = signed + min(DAY, (first - signed) // 2)
    facts["expired_clock"] = first + DAY
    facts["expired_suite"] = [s for s in facts["suites"] if s["valid_until"] == first][0]["suite"]


def make(top):
    facts = {"suites": [], "debs": [], "also": [], "packages": list(PACKAGES), "arch": ARCH}
    indexes(top, facts)
    pool(top, facts)
    variants(top, facts)
    clocks(facts)
    with open(os.path.join(top, "facts.json"), "w") as f:
        json.dump(facts, f, indent=1)


def cached():
    os.makedirs(CACHE, exist_ok=True)
    h = hashlib.sha256(FORMAT.encode())
    for archive, suite in suites():
        with open(list_file(archive, suite, "InRelease"), "rb") as f:
            h.update(f.read())
    done = os.path.join(CACHE, h.hexdigest()[:16])
    with open(os.path.join(CACHE, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.isdir(done):
            tmp = tempfile.mkdtemp(prefix="tmp.", dir=CACHE)
            try:
                make(tmp)
                os.rename(tmp, done)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        # used now; a mirror of older lists unused for a week goes
        os.utime(done)
        for old in glob.glob(os.path.join(CACHE, "[0-9a-f]" * 16)):
            if old != done and time.time() - os.stat(old).st_mtime > 7 * DAY:
                shutil.rmtree(old, ignore_errors=True)
    return done


class Mirror:
    """The mirror served on 127.0.0.1:port. url(): what the guest uses;
    host_url(): the same on the host. requests: (variant, path, status) of
    every request, in order (clear() forgets them)."""

    GUEST = "10.0.2.2"

    def __init__(self, top):
        self.top = top
        with open(os.path.join(top, "facts.json")) as f:
            self.facts = json.load(f)
        self.requests = []
        self.lock = threading.Lock()
        os.makedirs(LOG_DIR, exist_ok=True)
        self.log = open(os.path.join(LOG_DIR, "apt-mirror-%d.log" % os.getpid()), "a")
        mirror = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def translate_path(self, path):
                parts = urllib.parse.unquote(urllib.parse.urlsplit(path).path).lstrip("/").split("/")
                if ".." in parts:
                    return "/nonexistent"
                self.variant = parts[0] if parts and parts[0] in VARIANTS else None
                rest = "/".join(parts[1:] if self.variant else parts)
                if self.variant:
                    over = os.path.join(top, "variants", self.variant, rest)
                    if os.path.isfile(over):
                        return over
                full = os.path.join(top, rest)
                if not rest.startswith(("debian/", "debian-security/")) or not os.path.isfile(full):
                    return "/nonexistent"
                return full

            def log_request(self, code="-", size="-"):
                path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
                variant = getattr(self, "variant", None)
                if variant:
                    path = path[len(variant) + 1:]
                code = int(code) if code != "-" else 0
                with mirror.lock:
                    mirror.requests.append((variant, path, code))
                    mirror.log.write("%s %s %s %s\n" % (time.strftime("%H:%M:%S"), variant or "-", code, path))
                    mirror.log.flush()

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _url(self, host, variant, archive):
        assert variant is None or variant in VARIANTS, variant
        return "http://%s:%d/%s%s" % (host, self.port, variant + "/" if variant else "", archive)

    def url(self, variant=None, archive="debian"):
        return self._url(self.GUEST, variant, archive)

    def host_url(self, variant=None, archive="debian"):
        return self._url("127.0.0.1", variant, archive)

    def clear(self):
        with self.lock:
            self.requests.clear()

    def fetched(self, variant=None, code=200):
        """Paths served to variant with status code, in order."""
        with self.lock:
            return [p for v, p, c in self.requests if v == variant and c == code]

    @staticmethod
    def rtc(epoch):
        """QEMU's -rtc for a guest clock at epoch (UTC)."""
        return ["-rtc", "base=" + time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch))]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.log.close()


def host_ready():
    """The reason the mirror cannot be made here, or None."""
    missing = sorted({pkg for tool, pkg in HOST_TOOLS.items() if shutil.which(tool) is None})
    if missing:
        return "host packages missing: %s (make deps)" % " ".join(missing)
    if not os.path.exists(KEYRING):
        return "%s is missing (apt-get install debian-archive-keyring)" % KEYRING
    return None


@pytest.fixture(scope="session")
def apt_mirror_tree():
    why = host_ready()
    if why:
        pytest.fail(why)
    try:
        return cached()
    except MirrorError as e:
        pytest.fail("the local Debian mirror: %s" % e)


@pytest.fixture(scope="module")
def apt_mirror(apt_mirror_tree):
    """A Mirror serving the cached tree for this module's tests."""
    m = Mirror(apt_mirror_tree)
    yield m
    m.close()

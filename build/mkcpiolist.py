#!/usr/bin/python3
"""Write the gen_init_cpio list for the Lifeboat root filesystem.

usage: mkcpiolist.py [--tools IMAGE TREE] ID_FILE INIT DIR... > list

Each DIR is a tree to include (later ones win: the built binaries, then
rootfs-overlay/). INIT is the /init binary. The medium identifier, a hash of
everything else in the list, is written to ID_FILE and included as
/etc/lifeboat/medium-id: /init finds the rescue medium by it, and the ISO's
volume label carries it. Everything is owned by root; modes are normalised
(0755 for executables and directories, 0644 for other files) except where
MODES says otherwise, so the image does not depend on the builder's umask.
With --tools, IMAGE (the squashfs build/mktools.sh made of TREE) is
/usr/lib/lifeboat/tools.squashfs, and every file and link of TREE becomes a
link at its own path pointing into TOOLS_MOUNT, where /init mounts IMAGE
(/sbin/lvm -> /usr/lib/lifeboat/tools/sbin/lvm); those links win over the
DIRs' entries (dosfstools' mkfs.vfat over busybox's).
The list is sorted, and gen_init_cpio gets fixed mtimes from the kernel build
(KBUILD_BUILD_TIMESTAMP), so the same inputs give the same bytes.
"""
import hashlib
import os
import sys

# Directories every boot needs, beyond those that files imply.
DIRS = {
    "/bin": 0o755, "/sbin": 0o755, "/usr": 0o755, "/usr/bin": 0o755,
    "/usr/sbin": 0o755, "/usr/lib": 0o755, "/etc": 0o755, "/dev": 0o755,
    "/proc": 0o555, "/sys": 0o555, "/run": 0o755, "/tmp": 0o1777,
    "/root": 0o700, "/media": 0o755, "/mnt": 0o755, "/var": 0o755,
    "/etc/lifeboat": 0o755,
}
MODES = {"/etc/shadow": 0o600, "/root": 0o700, "/tmp": 0o1777}
# Nothing setuid ever: the console is already root, and SSH logs in as root.
TOOLS_IMAGE = "/usr/lib/lifeboat/tools.squashfs"
TOOLS_MOUNT = "/usr/lib/lifeboat/tools"
NODES = ["nod /dev/console 0600 0 0 c 5 1", "nod /dev/null 0666 0 0 c 1 3"]


def walk(top, entries):
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames.sort()
        rel = "/" + os.path.relpath(dirpath, top)
        rel = "/" if rel == "/." else rel
        for d in dirnames:
            path = os.path.join(rel, d)
            full = os.path.join(dirpath, d)
            if os.path.islink(full):
                entries[path] = ("slink", os.readlink(full))
            else:
                entries[path] = ("dir", None)
        for f in filenames:
            path = os.path.join(rel, f)
            full = os.path.join(dirpath, f)
            if os.path.islink(full):
                entries[path] = ("slink", os.readlink(full))
            else:
                entries[path] = ("file", os.path.abspath(full))


def tools_links(image, tree, entries):
    """The tools image as a file, its mount point, and a link into the
    mount for every file and link of its tree."""
    found = {}
    walk(tree, found)
    for path, (kind, _) in found.items():
        if kind != "dir":
            entries[path] = ("slink", TOOLS_MOUNT + path)
        else:  # a real one: an empty one (/etc/lvm/archive) stays writable
            entries.setdefault(path, ("dir", None))
    entries[TOOLS_IMAGE] = ("file", os.path.abspath(image))
    entries[TOOLS_MOUNT] = ("dir", None)


def main():
    args = sys.argv[1:]
    tools = None
    if args[:1] == ["--tools"]:
        tools, args = args[1:3], args[3:]
    if len(args) < 3 or (tools is not None and len(tools) < 2):
        sys.stderr.write(__doc__)
        sys.exit(100)
    id_file, init, dirs = args[0], args[1], args[2:]
    entries = {}
    for d in dirs:
        walk(d, entries)
    if tools:
        tools_links(tools[0], tools[1], entries)
    entries["/init"] = ("file", os.path.abspath(init))
    for d in DIRS:
        entries.setdefault(d, ("dir", None))
    # Every parent directory must exist before its children.
    for path in list(entries):
        parent = os.path.dirname(path)
        while parent not in ("/", ""):
            entries.setdefault(parent, ("dir", None))
            parent = os.path.dirname(parent)
    lines = []
    for path in sorted(entries):
        kind, src = entries[path]
        if kind == "dir":
            mode = MODES.get(path, DIRS.get(path, 0o755))
            lines.append("dir %s %04o 0 0" % (path, mode))
        elif kind == "slink":
            lines.append("slink %s %s 0777 0 0" % (path, src))
        else:
            exe = os.stat(src).st_mode & 0o111
            mode = MODES.get(path, 0o755 if exe else 0o644)
            lines.append("file %s %s %04o 0 0" % (path, src, mode))
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.split(" ", 2)[1].encode() + b"\0")
        if line.startswith("file "):
            with open(line.split()[2], "rb") as f:
                digest.update(hashlib.sha256(f.read()).digest())
        digest.update(line.encode() if not line.startswith("file ") else b"")
    medium_id = "LIFEBOAT_" + digest.hexdigest()[:8].upper()
    with open(id_file, "w") as f:
        f.write(medium_id + "\n")
    lines.append("file /etc/lifeboat/medium-id %s 0644 0 0"
                 % os.path.abspath(id_file))
    print("# generated by build/mkcpiolist.py: medium " + medium_id)
    print("\n".join(sorted(lines) + NODES))


main()

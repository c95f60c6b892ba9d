#include "earlyfs.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define E_DIR(p, m)                                  \
	{                                            \
		.kind = FS_DIR, .path = p, .mode = m \
	}
#define E_MOUNT(p, m, fs, fl, d)                                      \
	{                                                             \
		.kind = FS_MOUNT, .path = p, .mode = m, .fstype = fs, \
		.flags = fl, .data = d                                \
	}
#define E_LINK(p, t)                                       \
	{                                                  \
		.kind = FS_SYMLINK, .path = p, .target = t \
	}

#define E_CHARDEV(p, m, maj, min)                                       \
	{                                                               \
		.kind = FS_CHARDEV, .path = p, .mode = m, .major = maj, \
		.minor = min                                            \
	}

#define NOSUID_NODEV (MS_NOSUID | MS_NODEV)

/*
 * In an initramfs nothing is mounted for us, not even /dev (the kernel's
 * DEVTMPFS_MOUNT only applies to a real root). Order matters: /dev/pts and
 * /dev/shm live on the devtmpfs, /run/lifeboat on the /run tmpfs.
 */
const struct fs_entry earlyfs_table[] = {
	E_MOUNT("/proc", 0555, "proc", NOSUID_NODEV | MS_NOEXEC, NULL),
	E_MOUNT("/sys", 0555, "sysfs", NOSUID_NODEV | MS_NOEXEC, NULL),
	/* devtmpfs is one kernel-wide superblock: no options to argue with */
	E_MOUNT("/dev", 0755, "devtmpfs", MS_NOSUID, NULL),
	/* gid 5 is tty; ptmxmode lets non-root open /dev/pts/ptmx too */
	E_MOUNT("/dev/pts", 0755, "devpts", MS_NOSUID | MS_NOEXEC,
		"gid=5,mode=620,ptmxmode=0666"),
	E_MOUNT("/dev/shm", 01777, "tmpfs", NOSUID_NODEV, "mode=1777"),
	E_MOUNT("/run", 0755, "tmpfs", NOSUID_NODEV, "mode=0755"),
	E_MOUNT("/tmp", 01777, "tmpfs", NOSUID_NODEV, "mode=1777"),
	E_DIR("/run/lifeboat", 0755),
	E_DIR("/media", 0755),
	E_DIR("/root", 0700),
	E_DIR("/var", 0755),
	E_LINK("/var/run", "/run"),
	E_LINK("/etc/mtab", "/proc/self/mounts"),
	/* bash-style scripts use these; devtmpfs does not create them */
	E_LINK("/dev/fd", "/proc/self/fd"),
	E_LINK("/dev/stdin", "/proc/self/fd/0"),
	E_LINK("/dev/stdout", "/proc/self/fd/1"),
	E_LINK("/dev/stderr", "/proc/self/fd/2"),
	/*
	 * device-mapper's control node (misc 10:236) before its module: the
	 * first open asks the kernel for char-major-10-236, which loads dm-mod
	 * (lvm, cryptsetup and dmsetup open it); devtmpfs would only make it
	 * once dm-mod is loaded.
	 */
	E_DIR("/dev/mapper", 0755),
	E_CHARDEV("/dev/mapper/control", 0600, 10, 236),
};
const size_t earlyfs_count = ARRAY_SIZE(earlyfs_table);

/* mkdir that is happy if the directory is already there. */
static int ensure_dir(const char *path, mode_t mode, bool *created)
{
	struct stat st;

	*created = false;
	if (mkdir(path, mode) == 0) {
		*created = true;
		/* mkdir is subject to the umask; /root and /tmp are not */
		return chmod(path, mode);
	}
	if (errno != EEXIST)
		return -1;
	if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

static int apply_dir(const char *path, const struct fs_entry *e)
{
	bool created;

	if (ensure_dir(path, e->mode, &created) < 0) {
		lb_warn("cannot create directory %s: %s", e->path,
			strerror(errno));
		return -1;
	}
	if (created)
		lb_info("created %s", e->path);
	return 0;
}

static int apply_mount(const char *path, const struct fs_entry *e,
		       const struct sys_ops *ops)
{
	bool created;

	if (ensure_dir(path, e->mode, &created) < 0) {
		lb_warn("cannot create mount point %s: %s", e->path,
			strerror(errno));
		return -1;
	}
	if (ops->mount(e->fstype, path, e->fstype, e->flags, e->data) < 0) {
		lb_warn("cannot mount %s on %s: %s", e->fstype, e->path,
			strerror(errno));
		return -1;
	}
	lb_info("mounted %s on %s", e->fstype, e->path);
	return 0;
}

static int apply_symlink(const char *path, const struct fs_entry *e)
{
	char old[PATH_MAX];
	ssize_t n;

	if (symlink(e->target, path) == 0) {
		lb_info("linked %s -> %s", e->path, e->target);
		return 0;
	}
	if (errno == EEXIST) {
		n = readlink(path, old, sizeof(old) - 1);
		if (n >= 0) {
			old[n] = '\0';
			if (!strcmp(old, e->target))
				return 0;
		}
		lb_warn("%s exists and is not a link to %s; left alone",
			e->path, e->target);
		return -1;
	}
	lb_warn("cannot link %s -> %s: %s", e->path, e->target,
		strerror(errno));
	return -1;
}

/* A character device node, unless one with that number is there already. */
static int apply_chardev(const char *path, const struct fs_entry *e,
			 const struct sys_ops *ops)
{
	dev_t dev = makedev(e->major, e->minor);
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == dev)
		return 0;
	if (ops->mknod(path, S_IFCHR | e->mode, dev) < 0) {
		lb_warn("cannot make %s (%u:%u): %s", e->path, e->major,
			e->minor, strerror(errno));
		return -1;
	}
	lb_info("made %s (%u:%u)", e->path, e->major, e->minor);
	return 0;
}

int earlyfs_apply(const char *root, const struct fs_entry *table, size_t n,
		  const struct sys_ops *ops)
{
	char path[PATH_MAX];
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		const struct fs_entry *e = &table[i];
		int rc = -1;

		if (!path_join(path, sizeof(path), root, e->path)) {
			lb_warn("path too long under %s: %s", root, e->path);
			failed++;
			continue;
		}
		switch (e->kind) {
		case FS_DIR:
			rc = apply_dir(path, e);
			break;
		case FS_MOUNT:
			rc = apply_mount(path, e, ops);
			break;
		case FS_SYMLINK:
			rc = apply_symlink(path, e);
			break;
		case FS_CHARDEV:
			rc = apply_chardev(path, e, ops);
			break;
		}
		if (rc < 0)
			failed++;
	}
	return failed;
}

bool earlyfs_is_api_mount(const char *target, const char *fstype)
{
	for (size_t i = 0; i < earlyfs_count; i++) {
		const struct fs_entry *e = &earlyfs_table[i];

		if (e->kind == FS_MOUNT && !strcmp(e->path, target) &&
		    !strcmp(e->fstype, fstype))
			return true;
	}
	return false;
}

/*
 * A struct sys_ops that records what /init would have done to the machine,
 * and fails on request, for the tests of the mount table and of shutdown.
 */
#ifndef LB_FAKEOPS_H
#define LB_FAKEOPS_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sysops.h"

#define FAKE_LOG_SIZE 8192

static struct {
	char log[FAKE_LOG_SIZE]; /* one line per call */
	const char *fail_umount[8]; /* targets whose umount gives EBUSY */
	const char *fail_remount[8]; /* ... whose remount-ro fails */
	const char *fail_mount; /* fstype whose mount gives EPERM */
	int umount_busy_times; /* fail_umount targets stay busy this often */
	int fail_loop; /* loop_attach fails with ENXIO */
	unsigned long mount_flags; /* of the last mount */
	char hostname[65];
} fake;

static void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.umount_busy_times = 1000;
}

static void fake_record(const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(fake.log);

	snprintf(fake.log + n, sizeof(fake.log) - n, fmt, a, b);
}

static int fake_listed(const char *const *list, const char *s)
{
	for (int i = 0; i < 8 && list[i]; i++)
		if (!strcmp(list[i], s))
			return 1;
	return 0;
}

/* Paths are recorded relative to the root prefix when one is set. */
static const char *fake_root = "";

static const char *fake_rel(const char *path)
{
	size_t n = strlen(fake_root);

	return n && !strncmp(path, fake_root, n) ? path + n : path;
}

static int fake_mount(const char *source, const char *target,
		      const char *fstype, unsigned long flags, const void *data)
{
	(void)source;
	if (flags & MS_REMOUNT) {
		if (fake_listed(fake.fail_remount, target)) {
			fake_record("remount-ro %s FAIL%s\n", target, "");
			errno = EBUSY;
			return -1;
		}
		fake_record("remount-ro %s%s\n", target, "");
		return 0;
	}
	if (fake.fail_mount && !strcmp(fake.fail_mount, fstype)) {
		errno = EPERM;
		return -1;
	}
	fake.mount_flags = flags;
	fake_record("mount %s %s", fstype, fake_rel(target));
	fake_record(" [%s]%s\n", data ? (const char *)data : "", "");
	return 0;
}

static int fake_umount2(const char *target, int flags)
{
	if (flags & MNT_DETACH) {
		fake_record("detach %s%s\n", target, "");
		return 0;
	}
	if (fake_listed(fake.fail_umount, target) &&
	    fake.umount_busy_times > 0) {
		fake.umount_busy_times--;
		fake_record("umount %s EBUSY%s\n", target, "");
		errno = EBUSY;
		return -1;
	}
	fake_record("umount %s%s\n", target, "");
	return 0;
}

static int fake_swapoff(const char *path)
{
	fake_record("swapoff %s%s\n", path, "");
	return 0;
}

static int fake_sethostname(const char *name, size_t len)
{
	if (len >= sizeof(fake.hostname)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(fake.hostname, name, len);
	fake.hostname[len] = '\0';
	return 0;
}

static int fake_mknod(const char *path, mode_t mode, dev_t dev)
{
	char num[32];

	snprintf(num, sizeof(num), "%c %u:%u", S_ISCHR(mode) ? 'c' : '?',
		 major(dev), minor(dev));
	fake_record("mknod %s %s\n", fake_rel(path), num);
	return 0;
}

static int fake_loop_attach(const char *file, char *dev, size_t size)
{
	fake_record("loop %s%s\n", fake_rel(file),
		    fake.fail_loop ? " FAIL" : "");
	if (fake.fail_loop) {
		errno = ENXIO;
		return -1;
	}
	snprintf(dev, size, "/dev/loop0");
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static const struct sys_ops fake_ops = {
	.mount = fake_mount,
	.umount2 = fake_umount2,
	.swapoff = fake_swapoff,
	.sethostname = fake_sethostname,
	.mknod = fake_mknod,
	.loop_attach = fake_loop_attach,
};

#endif

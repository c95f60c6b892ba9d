#include "sysops.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <unistd.h>

static int real_mount(const char *source, const char *target,
		      const char *fstype, unsigned long flags, const void *data)
{
	return mount(source, target, fstype, flags, data);
}

static int real_umount2(const char *target, int flags)
{
	return umount2(target, flags);
}

static int real_swapoff(const char *path)
{
	return swapoff(path);
}

static int real_sethostname(const char *name, size_t len)
{
	return sethostname(name, len);
}

static int real_mknod(const char *path, mode_t mode, dev_t dev)
{
	return mknod(path, mode, dev);
}

/* close fd keeping errno, and return -1 */
static int close_fail(int fd)
{
	int e = errno;

	if (fd >= 0)
		close(fd);
	errno = e;
	return -1;
}

static int real_loop_attach(const char *file, char *dev, size_t size)
{
	struct loop_config cfg;
	int ctl, n, loop, backing;

	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return -1;
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	close_fail(ctl);
	if (n < 0)
		return -1;
	if (snprintf(dev, size, "/dev/loop%d", n) >= (int)size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	loop = open(dev, O_RDONLY | O_CLOEXEC);
	if (loop < 0)
		return -1;
	backing = open(file, O_RDONLY | O_CLOEXEC);
	if (backing < 0)
		return close_fail(loop);
	memset(&cfg, 0, sizeof(cfg));
	cfg.fd = (unsigned)backing;
	cfg.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
	(void)snprintf((char *)cfg.info.lo_file_name,
		       sizeof(cfg.info.lo_file_name), "%s", file);
	if (ioctl(loop, LOOP_CONFIGURE, &cfg) < 0) {
		close_fail(backing);
		return close_fail(loop);
	}
	close(backing);
	return loop;
}

const struct sys_ops sys_real = {
	.mount = real_mount,
	.umount2 = real_umount2,
	.swapoff = real_swapoff,
	.sethostname = real_sethostname,
	.mknod = real_mknod,
	.loop_attach = real_loop_attach,
};

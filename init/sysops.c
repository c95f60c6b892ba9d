#include "sysops.h"

#include <sys/mount.h>
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

const struct sys_ops sys_real = {
	.mount = real_mount,
	.umount2 = real_umount2,
	.swapoff = real_swapoff,
	.sethostname = real_sethostname,
};

/*
 * The system calls that change the machine, behind one table of function
 * pointers. /init uses sys_real; unit tests pass a table that records the
 * calls (and can fail on purpose) so that the mount table and the unmount
 * logic run on the host without privileges.
 */
#ifndef LB_SYSOPS_H
#define LB_SYSOPS_H

#include <stddef.h>
#include <sys/types.h>

struct sys_ops {
	int (*mount)(const char *source, const char *target, const char *fstype,
		     unsigned long flags, const void *data);
	int (*umount2)(const char *target, int flags);
	int (*swapoff)(const char *path);
	int (*sethostname)(const char *name, size_t len);
	int (*mknod)(const char *path, mode_t mode, dev_t dev);
	/*
	 * FILE on a free loop device, read-only, cleared when its last user
	 * goes: the device's path into dev, and an open fd on it (-1/errno).
	 */
	int (*loop_attach)(const char *file, char *dev, size_t size);
};

extern const struct sys_ops sys_real;

#endif

/*
 * The system calls that change the machine, behind one table of function
 * pointers. /init uses sys_real; unit tests pass a table that records the
 * calls (and can fail on purpose) so that the mount table and the unmount
 * logic run on the host without privileges.
 */
#ifndef LB_SYSOPS_H
#define LB_SYSOPS_H

#include <stddef.h>

struct sys_ops {
	int (*mount)(const char *source, const char *target, const char *fstype,
		     unsigned long flags, const void *data);
	int (*umount2)(const char *target, int flags);
	int (*swapoff)(const char *path);
	int (*sethostname)(const char *name, size_t len);
};

extern const struct sys_ops sys_real;

#endif

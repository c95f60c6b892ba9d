/*
 * Unmounting everything at shutdown, s6-linux-init style: the plan comes
 * from /proc/self/mounts (pure, unit-tested), innermost mounts first; a
 * busy filesystem is remounted read-only, and only if even that fails is
 * it detached. The goal is that every disk filesystem is clean when the
 * machine powers off.
 */
#ifndef LB_UMOUNT_H
#define LB_UMOUNT_H

#include <stdbool.h>

#include "sysops.h"

#define UMOUNT_STEPS_MAX 256
#define UMOUNT_PATH_SIZE 1024

enum umount_action {
	UMOUNT_UNMOUNT, /* unmount; read-only if busy; detach as last resort */
	UMOUNT_REMOUNT_RO, /* the initramfs root: cannot go, try read-only */
	UMOUNT_SKIP, /* /init's own /proc, /dev, /run...: no data, keep */
};

struct umount_step {
	char target[UMOUNT_PATH_SIZE]; /* unescaped (\040 is a space) */
	char fstype[32];
	enum umount_action action;
};

/*
 * The ordered steps for the contents of /proc/self/mounts: reverse mount
 * order, and a mount below another one always before it (a chroot's
 * /media/sda/proc before /media/sda). Returns the number of steps (at most
 * max); lines that cannot be used are dropped with a warning. With more
 * usable mounts than max, the newest max are planned and *left (unless
 * NULL) says how many older ones were not: unmount, then plan again.
 */
int shutdown_plan(const char *mounts_text, struct umount_step *steps, int max,
		  int *left);

/* What happened to a step when the plan ran. */
enum umount_result {
	UMOUNT_DONE, /* unmounted */
	UMOUNT_READONLY, /* still mounted, but read-only */
	UMOUNT_DETACHED, /* lazily detached: may not be clean */
	UMOUNT_FAILED,
	UMOUNT_LEFT, /* skipped on purpose */
};

/*
 * Run the plan with ops (the real system calls, or fakes in tests):
 * unmount passes until nothing more goes, then read-only remounts, then
 * detaching. results (may be NULL) gets one entry per step. Returns the
 * number of filesystems that are neither unmounted nor read-only.
 */
int umount_run(const struct umount_step *steps, int n,
	       const struct sys_ops *ops, enum umount_result *results);

#endif

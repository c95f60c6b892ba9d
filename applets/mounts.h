/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mounts through libmount's context API, remembered so that they can be
 * undone exactly, in reverse.
 */
#ifndef LIFEBOAT_MOUNTS_H
#define LIFEBOAT_MOUNTS_H

#define MOUNTS_MAX 64

struct mounts {
	char *targets[MOUNTS_MAX];
	int n;
	/* "rw" means read-write or fail: no quiet fallback to read-only */
	int rw_only;
};

/*
 * Mount and remember; 0, or -1 after a message. fstype and options may be
 * NULL (libmount probes the type with libblkid).
 */
int mounts_add(struct mounts *m, const char *source, const char *target,
	       const char *fstype, const char *options);

/* Unmount one target; 0, or -1 after a message (busy, not mounted...). */
int mount_undo(const char *target);

/* Unmount everything remembered, last first; the number left mounted. */
int mounts_undo(struct mounts *m);

#endif

/*
 * The root filesystem /init sets up before anything else runs, declared as
 * data (u-root libinit style): directories, mounts, symlinks and device
 * nodes devtmpfs does not make until a module is loaded, applied in
 * order and logged as they happen. Paths are relative to a root prefix and
 * mounts go through struct sys_ops, so the unit tests apply the table to a
 * temp dir.
 */
#ifndef LB_EARLYFS_H
#define LB_EARLYFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sysops.h"

enum fs_kind { FS_DIR, FS_MOUNT, FS_SYMLINK, FS_CHARDEV };

struct fs_entry {
	enum fs_kind kind;
	const char *path; /* the directory, mount point or link */
	mode_t mode; /* FS_DIR and mount points */
	const char *fstype; /* FS_MOUNT; also the source */
	unsigned long flags; /* FS_MOUNT: MS_* */
	const char *data; /* FS_MOUNT: options */
	const char *target; /* FS_SYMLINK: what it points to */
	unsigned int major, minor; /* FS_CHARDEV (mode: its permissions) */
};

extern const struct fs_entry earlyfs_table[];
extern const size_t earlyfs_count;

/*
 * Apply n entries of table under root. A failed entry is a warning and the
 * rest still run; returns the number of failed entries.
 */
int earlyfs_apply(const char *root, const struct fs_entry *table, size_t n,
		  const struct sys_ops *ops);

/*
 * Is target/fstype one of the table's own mounts? Shutdown leaves those
 * alone: /dev holds the console, and none of them holds data to save.
 */
bool earlyfs_is_api_mount(const char *target, const char *fstype);

#endif

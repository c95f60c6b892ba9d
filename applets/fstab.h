/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The installed system's own /etc/fstab, mounted under its root for a chroot.
 */
#ifndef LIFEBOAT_FSTAB_H
#define LIFEBOAT_FSTAB_H

#include <sys/types.h>

#include <blkid.h>

#include "findroot.h"
#include "mounts.h"

/*
 * Mount ROOT/etc/fstab's entries whose device is present (/dev/..., UUID=,
 * LABEL=, PARTUUID=...), under ROOT; skip /, swap, noauto, network and
 * pseudo filesystems, the root device and missing devices, saying so. A
 * /dev/mapper/NAME of ROOT/etc/crypttab not open is opened first (and the
 * VGs on it activated), recorded in s. Returns how many were mounted.
 */
int fstab_mount(struct mounts *m, const char *root, dev_t rootdev,
		struct stack *s);

/*
 * The device node for SOURCE (a path or a tag), or NULL; free() it. There
 * is no udev here: a /dev/disk/by-* link is found by its tag or in sysfs.
 */
char *fstab_device(const char *source, blkid_cache *cache);

#endif

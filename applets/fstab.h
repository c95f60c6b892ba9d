/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The installed system's own /etc/fstab, mounted under its root for a chroot.
 */
#ifndef LIFEBOAT_FSTAB_H
#define LIFEBOAT_FSTAB_H

#include <sys/types.h>

#include "mounts.h"

/*
 * Mount ROOT/etc/fstab's entries whose device is present (/dev/..., UUID=,
 * LABEL=, PARTUUID=...), under ROOT; skip /, swap, noauto, network and
 * pseudo filesystems, the root device and missing devices, saying so.
 * Returns how many were mounted.
 */
int fstab_mount(struct mounts *m, const char *root, dev_t rootdev);

#endif

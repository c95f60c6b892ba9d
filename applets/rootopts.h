/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How lifeboat chroot mounts a root it found: read-write, in the btrfs
 * subvolume it found the system in, with the options of that system's
 * fstab entry for /.
 */
#ifndef LIFEBOAT_ROOTOPTS_H
#define LIFEBOAT_ROOTOPTS_H

#include <stddef.h>

/*
 * "rw", then subvol=SUBVOL when it is not "" (the subvolume found, whatever
 * the fstab says: a snapshot's fstab names the subvolume it was taken of),
 * then fstab's options but ro, rw, defaults, subvol= and subvolid=, into
 * buf. 0, or -1 when buf is too small or SUBVOL cannot be an option (a
 * comma or a quote in its name).
 */
int rootopts(const char *subvol, const char *fstab, char *buf, size_t size);

/*
 * The subvolume of a btrfs mount's root as /proc/self/mountinfo gives it
 * ("/@/.snapshots/1/snapshot"), as subvol= takes it: no leading slash, ""
 * for the top.
 */
const char *rootopts_subvol(const char *mntroot);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Paths of the installed system seen from outside it. A symlink on the disk
 * means something else outside the chroot (/mnt -> /srv would point into the
 * rescue system), so mount points are taken only when no component of the
 * path is a symlink.
 */
#ifndef LIFEBOAT_ROOTPATH_H
#define LIFEBOAT_ROOTPATH_H

#include <stddef.h>

/*
 * ROOT + PATH into out when it is a directory reached without symlinks or
 * "..": NULL, else why not ("missing", "a symlink", ...).
 */
const char *rootpath_dir(const char *root, const char *path, char *out,
			 size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tools image (build/mktools.sh): the large, rarely used tools and the
 * kernel's modules in a squashfs the initramfs carries as a file. /init
 * mounts it read-only through a loop device; the initramfs links every file
 * in it from its usual path (/sbin/lvm -> TOOLS_MOUNT/sbin/lvm).
 */
#ifndef LB_TOOLS_H
#define LB_TOOLS_H

#include "sysops.h"

#define TOOLS_IMAGE "/usr/lib/lifeboat/tools.squashfs"
#define TOOLS_MOUNT "/usr/lib/lifeboat/tools"

/*
 * Mount ROOT/TOOLS_IMAGE on ROOT/TOOLS_MOUNT, read-only. A failure is a
 * warning saying what is missing because of it, and -1; the loop device of
 * a failed mount is given back.
 */
int tools_mount(const char *root, const struct sys_ops *ops);

#endif

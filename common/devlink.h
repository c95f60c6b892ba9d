/* SPDX-License-Identifier: GPL-2.0 */
/*
 * udev's /dev/disk/by-* links, which an installed system's fstab names
 * (Ubuntu's curtin writes /dev/disk/by-uuid/..., /dev/disk/by-id/dm-uuid-
 * LVM-...), without udev: the same device by tag or through sysfs.
 */
#ifndef LB_DEVLINK_H
#define LB_DEVLINK_H

#include <stddef.h>

/*
 * For PATH under /dev/disk/: by-uuid/X, by-label/X, by-partuuid/X and
 * by-partlabel/X as a libblkid tag (UUID=X; udev's \xNN escapes undone),
 * by-id/dm-uuid-X and by-id/dm-name-X as /dev/dm-N of the device-mapper
 * device of that uuid or name in ROOT/sys/block. 1 and the result in buf;
 * 0 when PATH is no such link (or no such dm device); -1 when it does not
 * fit.
 */
int devlink_resolve(const char *root, const char *path, char *buf, size_t size);

/*
 * NAME as udev writes it in a by-* link: bytes other than letters, digits
 * and #+-.:=@_ as \xNN ("my disk" is my\x20disk). 0, or -1 when cut.
 */
int devlink_escape(const char *name, char *buf, size_t size);

#endif

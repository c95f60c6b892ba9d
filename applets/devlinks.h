/* SPDX-License-Identifier: GPL-2.0 */
/*
 * udev's /dev/disk/by-* links for a chroot, made without udev: an installed
 * system's fstab, mount -a, update-grub and update-initramfs name devices
 * that way (Ubuntu's fstab is all /dev/disk/by-uuid and by-id/dm-uuid-).
 * What is made is remembered and taken away again.
 */
#ifndef LIFEBOAT_DEVLINKS_H
#define LIFEBOAT_DEVLINKS_H

#define DEVLINKS_MAX 256

struct devlinks {
	char *made[DEVLINKS_MAX]; /* links and directories, in order */
	int n;
};

/*
 * by-uuid, by-label, by-partuuid, by-partlabel for each device libblkid
 * finds, by-id/dm-uuid-* and dm-name-* for each device-mapper device;
 * existing links are left as they are. The number made.
 */
int devlinks_make(struct devlinks *l);

/* Remove what devlinks_make made, last first. */
void devlinks_undo(struct devlinks *l);

#endif

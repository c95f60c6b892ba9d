/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A disk named on the command line ("sda", "/dev/sda", "sdc1", "/dev/md0",
 * an LV as "/dev/rl/root" or "/dev/mapper/rl-root") and where lifeboat
 * mounts it (/media/NAME).
 */
#ifndef LIFEBOAT_DISKARG_H
#define LIFEBOAT_DISKARG_H

#include <stddef.h>
#include <sys/types.h>

struct diskarg {
	char name[64]; /* sda, rl-root, md127 */
	char dev[96]; /* /dev/sda, /dev/rl/root, /dev/md/data */
	char media[80]; /* /media/sda, /media/rl-root */
	dev_t devno;
};

/* 0, or an exit code after a message (no such disk, not a block device). */
int diskarg_parse(const char *arg, struct diskarg *d);

/* 1 and where when the disk is mounted, 0 when not, -1 on error. */
/*
 * diskarg_parse, and also a disk that is gone (pulled out while mounted):
 * its node is no more, but /proc/self/mountinfo still names it as a mount's
 * source; then d holds that mount's device number. For umount.
 */
int diskarg_parse_gone(const char *arg, struct diskarg *d);

int diskarg_mounted(const struct diskarg *d, char *where, size_t len);

/* mkdir -p /media/NAME: 0, or an exit code after a message. */
int diskarg_mkdir(const struct diskarg *d);

/*
 * 0 when libblkid finds a filesystem on the disk (or cannot tell), else
 * EXIT_JOB after saying what is there instead (a partition table, nothing).
 */
int diskarg_has_fs(const struct diskarg *d);

/*
 * Parse ARG and make it ready to mount on /media/NAME: not mounted anywhere,
 * holding a filesystem, the directory made. 0, or an exit code after a
 * message.
 */
int diskarg_prepare(const char *arg, struct diskarg *d);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The RAID level and member count of an md array, from one member's
 * superblock (libblkid gives the array's name as LABEL, and where the
 * superblock's magic is): version 1.x (mdadm's super1.c) and 0.90 written
 * little-endian (super0.c). One 128-byte read.
 */
#ifndef LB_MDRAID_H
#define LB_MDRAID_H

#include <stdint.h>

#include "ondisk.h"

struct md_info {
	int level; /* -1 linear, 0, 1, 4, 5, 6, 10, -4 multipath */
	unsigned raid_disks;
};

/* The superblock at off: 0, or -1 when it is none. */
int md_superblock(const struct ondisk *d, uint64_t off, struct md_info *md);

/* "raid1", "linear", ...; NULL for a level md does not name. */
const char *md_level_name(int level);

#endif

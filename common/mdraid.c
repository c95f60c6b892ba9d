// SPDX-License-Identifier: GPL-2.0
#include "mdraid.h"

#include <stddef.h>

#define MD_MAGIC 0xa92b4efcU
#define SB_READ 128
/* version 1.x: fields at these byte offsets, all little-endian */
#define SB1_LEVEL 72
#define SB1_RAID_DISKS 92
/* version 0.90: 32-bit words */
#define SB0_LEVEL (7 * 4)
#define SB0_RAID_DISKS (10 * 4)
/* md has at most this many members (1.x: 1920, 0.90: 27) */
#define RAID_DISKS_MAX 1920

int md_superblock(const struct ondisk *d, uint64_t off, struct md_info *md)
{
	uint8_t sb[SB_READ];
	uint32_t major;

	if (ondisk_read(d, off, sb, sizeof(sb)) || ondisk_le32(sb) != MD_MAGIC)
		return -1;
	major = ondisk_le32(sb + 4);
	if (major == 1) {
		md->level = (int)ondisk_le32(sb + SB1_LEVEL);
		md->raid_disks = ondisk_le32(sb + SB1_RAID_DISKS);
	} else if (major == 0) {
		md->level = (int)ondisk_le32(sb + SB0_LEVEL);
		md->raid_disks = ondisk_le32(sb + SB0_RAID_DISKS);
	} else {
		return -1;
	}
	return md->raid_disks > RAID_DISKS_MAX ? -1 : 0;
}

const char *md_level_name(int level)
{
	static const struct {
		int level;
		const char *name;
	} names[] = {
		{ -4, "multipath" }, { -1, "linear" }, { 0, "raid0" },
		{ 1, "raid1" },	     { 4, "raid4" },   { 5, "raid5" },
		{ 6, "raid6" },	     { 10, "raid10" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].level == level)
			return names[i].name;
	return NULL;
}

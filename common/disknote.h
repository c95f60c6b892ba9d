/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The disk table's note on what is stacked on a disk or partition, from
 * libblkid's answer and the headers it does not read (lvm2.c, luks2.c,
 * mdraid.c): the VG of an LVM2 PV, an md member's array and level, a LUKS
 * volume's version and whether this VM has the RAM its argon2 needs. All of
 * it only looked at: nothing is activated, assembled or opened.
 */
#ifndef LB_DISKNOTE_H
#define LB_DISKNOTE_H

#include <stdint.h>

#include "disktable.h"
#include "ondisk.h"

struct disknote_in {
	const char *version; /* libblkid's VERSION, "" when none */
	int64_t sb_off; /* libblkid's SBMAGIC_OFFSET, -1 when unknown */
	unsigned long long ram_kib; /* MemTotal, 0 when unknown */
};

/* fs->note (and fs->label, an LVM2 PV's VG) for the type in fs->type. */
void disknote_make(struct disk_fs *fs, const struct ondisk *d,
		   const struct disknote_in *in);

/* MemTotal of ROOT/proc/meminfo in KiB; 0 when it cannot be read. */
unsigned long long disknote_ram_kib(const char *root);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel reads a disk's partition table in a worker after naming it
 * (build/patches/linux/0006), holding the disk until it is done. /init opens
 * every disk in a child of its own and waits a bounded time: after it, the
 * partitions of every disk that answered are in sysfs; one whose reads stall
 * is marked DISK_NO_ANSWER and not read again for the banner.
 */
#ifndef LIFEBOAT_SETTLE_H
#define LIFEBOAT_SETTLE_H

#include "disks.h"

/* How long /init waits for the partition tables, all disks together. */
#define SETTLE_WAIT_MS 1000

/*
 * Open ROOT/dev/NAME of each non-empty disk in a child; mark the disks whose
 * child is still in open() after wait_ms. Returns how many were marked.
 */
int disks_settle(const char *root, struct disk *disks, int n, int wait_ms);

/* Copy DISK_NO_ANSWER from the disks in from to the same names in to. */
void disks_keep_no_answer(const struct disk *from, int nfrom, struct disk *to,
			  int nto);

#endif

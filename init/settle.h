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

#include <stdint.h>
#include <sys/types.h>

#include "disks.h"

/* How long /init waits for the partition tables, all disks together. */
#define SETTLE_WAIT_MS 1000

/* The children of one wait: a child per disk name, -1 once it is reaped. */
struct settle {
	int n;
	int64_t started;
	char name[MAX_DISKS][DISK_NAME_SIZE];
	pid_t pid[MAX_DISKS];
};

/*
 * Open ROOT/dev/NAME of every disk under ROOT/sys/block in a child: they
 * wait in open() while /init reads the rest of sysfs (disks_scan_whole).
 */
void disks_settle_start(const char *root, struct settle *s);

/*
 * Wait for the children of the non-empty disks among the n disks until
 * wait_ms after the start; mark those still in open() DISK_NO_ANSWER and
 * leave them, and the rest, to PID 1's reaping. Returns how many were
 * marked.
 */
int disks_settle_wait(struct settle *s, struct disk *disks, int n, int wait_ms);

#endif

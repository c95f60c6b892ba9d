/*
 * What the boot steps learn, as data: each step fills its part, the steps
 * after it and the console banner read it. It lives in the context boot_run
 * fills (boot.h); the console shells, forked from PID 1, print the banner
 * from the copy they inherit.
 */
#ifndef LB_STATE_H
#define LB_STATE_H

#include "disktable.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define BOOT_NETWORK_SIZE 160
#define BOOT_JOBS_SIZE 200

struct boot_state {
	/* the disk step: the medium identifier and every disk (the table
	 * step marks the medium and the read-only ones) */
	char medium_id[MEDIUM_ID_SIZE];
	int disk_count;
	struct disk disks[MAX_DISKS];
	/* the disk table step: its rows, probed once, and their text (or NULL) */
	int row_count;
	struct disk_row rows[DISKTABLE_ROWS_MAX];
	char *disk_table;
	/* the ISO's kernel (no tools image in the initramfs): the child
	 * mounting the medium's (0: none), the device it reads and when PID 1
	 * stops waiting */
	bool tools_on_medium;
	pid_t tools_pid;
	char tools_dev[32];
	int64_t tools_deadline;
	/* the network step: the banner's network line ("" for none) */
	char network[BOOT_NETWORK_SIZE];
	/* the jobs step: the banner's jobs line ("" for none) */
	char jobs[BOOT_JOBS_SIZE];
};

#endif

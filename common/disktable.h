/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The disk table: every disk by name and slot with what is on it, for the
 * banner and `lifeboat disks`. Filesystem, label and UUID come from libblkid
 * (read-only probing); mount points from ROOT/proc/self/mounts.
 */
#ifndef LIFEBOAT_DISKTABLE_H
#define LIFEBOAT_DISKTABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "disks.h"
#include "stacks.h"

/*
 * Rows of one table: the disks and as many of their partitions as fit, then
 * what is active on them (stacks.h).
 */
#define DISKTABLE_ROWS_MAX (MAX_DISKS * 4 + STACKS_MAX)

/* A note is printed on a line of its own below its row, within 80 columns. */
#define DISKTABLE_NOTE_INDENT 10
#define DISKTABLE_NOTE_MAX (80 - DISKTABLE_NOTE_INDENT)

struct disk_fs {
	char type[24]; /* "linux_raid_member" whole */
	char label[40];
	char uuid[40];
	char mounted[64];
	/* what is stacked there (disknote.h); "" when nothing to say */
	char note[DISKTABLE_NOTE_MAX + 1];
	/* the system installed there, once mounted: "Debian GNU/Linux 12" */
	char os[DISKTABLE_NOTE_MAX - 6 + 1];
};

struct disk_row {
	char name[STACKS_NAME_MAX];
	char dev[32]; /* its node under /dev: the name, or "dm-0", "md127" */
	/* a stack's other names under /dev: "mapper/rl-root", "rl/root" */
	char alias[2][STACKS_NAME_MAX];
	/*
	 * A line below the note: what a stack row is ("LV of VG rl on sda"),
	 * a LUKS volume's state ("locked", "open as /dev/mapper/NAME"), the
	 * array an md member is in
	 */
	char state[DISKTABLE_NOTE_MAX + 1];
	int stack; /* an LV, open crypt volume or md array; disk is -1 */
	int disk; /* index of its disk (itself, or the one it is part of) */
	int slot; /* -1: none (partitions, odd disks) */
	int is_part; /* a partition of the disk above */
	/* its disk did not answer /init's wait (DISK_NO_ANSWER): not probed */
	int no_answer;
	unsigned long long bytes;
	char serial[24];
	struct disk_fs fs;
	char flags[48];
};

/*
 * Rows for the disks and their partitions, then the active LVs, crypt
 * volumes and md arrays; filesystem fields empty.
 */
int disktable_collect(const char *root, const struct disk *disks, int n,
		      struct disk_row *rows, int max);

/*
 * Filesystem fields of the rows: probe (parallel: in a child per row, side
 * by side) and mount points; then what holds a disk: a LUKS volume's row
 * says locked or open as which /dev/mapper name, an md member's its array.
 * With MEDIUM_ID, the partitions of the medium in its slot are not probed
 * and their rows are dropped. Returns how many rows there are now.
 */
int disktable_fill(const char *root, struct disk_row *rows, int n, int parallel,
		   const char *medium_id);

/* Where ROOT/proc/self/mounts says /dev/NAME is mounted ("" when not). */
void disktable_mountpoint(const char *root, const char *name, char *buf,
			  size_t len);

/* The table as text; "no disks" when there are none. */
void disktable_format(FILE *out, const struct disk_row *rows, int n);

/*
 * Filesystem type, label, UUID and note of ROOT/dev/NAME (disktable_blkid.c:
 * libblkid, then disknote_make() over the device).
 */
void disktable_probe(const char *root, const char *name, struct disk_fs *fs);

/*
 * Scan, probe (bounded, in parallel) and mark the medium: the rows of
 * `lifeboat disks` (static storage, the next call's too); how many.
 */
int disktable_rows(const char *root, const char *medium_id,
		   struct disk_row **rows);

/*
 * Scan, probe (bounded, in parallel), mark the medium and print: the table
 * of `lifeboat disks` and of a shell's banner after the first.
 */
void disktable_print(FILE *out, const char *root, const char *medium_id);

/* The row of the disk that partition row i is on (it comes first); -1: none. */
int disktable_disk_row(const struct disk_row *rows, int i);

/* Whether row is a whole disk whose filesystem is iso9660 labelled medium_id. */
bool disktable_is_medium_row(const struct disk_row *row, const char *medium_id);

/*
 * The medium, from the rows' own probe (no read of its own, so a hung disk
 * cannot hold it up): a whole disk whose filesystem is iso9660 labelled
 * medium_id. The one at the medium's slot first, else the first other one;
 * never two (the label is public: a customer disk may hold a copy). A
 * foreign disk in the medium's slot is flagged. Sets the disks' flags and
 * makes the rows' flags again.
 */
void disktable_mark_medium(struct disk *disks, int n, struct disk_row *rows,
			   int r, const char *medium_id);

/* The rows' flags column again, from their disks' flags. */
void disktable_flags(const struct disk *disks, struct disk_row *rows, int r);

/*
 * The rows as one JSON document (disktable_json.c; README "Machine-readable
 * state"), with every mount point and each row's parents and children.
 */
void disktable_json(FILE *out, const char *root, const struct disk_row *rows,
		    int n);
/* Scan, probe and mark as disktable_print, then disktable_json. */
void disktable_print_json(FILE *out, const char *root, const char *medium_id);

/* The rows as formatted text, a malloc'd string (NULL on error). */
char *disktable_text(const struct disk_row *rows, int r);

#endif

/*
 * What a fresh console shell shows first: the welcome line, the disks, and
 * how to get started.
 */
#ifndef LB_BANNER_H
#define LB_BANNER_H

#include <stdint.h>
#include <stdio.h>

#include "disks.h"

#ifndef LIFEBOAT_VERSION
#define LIFEBOAT_VERSION "dev"
#endif

/* The whole banner, for one console. */
void banner_print(FILE *out);

/* The build's medium identifier, for the disk table (set by the disk step). */
extern char banner_medium_id[64];
/* The network line (set by the network step; "" for none). */
extern char banner_network[160];

/*
 * The disk table of the banner: the one banner_cache_disks made, if any,
 * else probed now.
 */
void banner_disks(FILE *out);
/* banner_disks for a root prefix (unit tests use a fake /sys/block). */
void banner_disks_at(FILE *out, const char *root);

/*
 * Probe the table once (in parallel) for the first shells of the boot, so
 * that every console prints the same text without probing again.
 */
void banner_cache_disks(const char *root, const struct disk *disks, int n);
/* Back to probing at each banner (a shell exited: things may have changed). */
void banner_forget_disks(void);

#endif

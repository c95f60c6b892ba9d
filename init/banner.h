/*
 * What a fresh console shell shows first: the welcome line, the disks, and
 * how to get started, from what the boot learnt (state.h).
 */
#ifndef LB_BANNER_H
#define LB_BANNER_H

#include <stdbool.h>
#include <stdio.h>

#include "state.h"

#ifndef LIFEBOAT_VERSION
#define LIFEBOAT_VERSION "dev"
#endif

/*
 * The whole banner, for one console. boot_table: the first shells of the
 * boot show the table the boot probed, so that every console prints the
 * same text without probing again; later ones (a shell exited: things may
 * have changed) probe ROOT's disks now.
 */
void banner_print(FILE *out, const char *root, const struct boot_state *st,
		  bool boot_table);

/* The banner's disk table alone. */
void banner_disks(FILE *out, const char *root, const struct boot_state *st,
		  bool boot_table);

#endif

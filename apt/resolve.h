/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What to install for a request (Depends and Pre-Depends with their versions,
 * alternatives and Provides, the installed packages kept) and what a removal
 * takes with it.
 */
#ifndef APT_RESOLVE_H
#define APT_RESOLVE_H

#include <stdio.h>

#include "pkgdb.h"

struct plan {
	int *order; /* packages to install, each after what it depends on */
	size_t n;
	unsigned char *state; /* per db package: 0, 1 planned */
	int *installed; /* the installed packages */
	size_t ninstalled;
};

/*
 * Plan the install of the archive packages want[0..nwant) and all they need
 * that is not installed. 0, or -1 with apt's explanation written to err.
 */
int resolve_install(const struct db *db, const int *want, size_t nwant,
		    struct plan *plan, FILE *err);

/*
 * Plan the removal of the installed packages want[0..nwant) and of every
 * installed package that depends on them: the indexes in plan->order.
 */
int resolve_remove(const struct db *db, const int *want, size_t nwant,
		   struct plan *plan);

void plan_free(struct plan *plan);

/* The archive package chosen for dep (its candidate, or a provider's); -1 if none. */
int resolve_choose(const struct db *db, const struct dep *dep);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dependency fields (Depends, Pre-Depends, Provides): comma-separated groups
 * of '|'-separated alternatives, each "name[:arch] [(op version)] [[archs]]".
 */
#ifndef APT_DEPS_H
#define APT_DEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "debver.h"

#define DEP_NAME_MAX 128
#define DEP_VER_MAX 96
#define DEP_ALTS_MAX 16

struct dep {
	char name[DEP_NAME_MAX];
	enum dep_op op;
	char ver[DEP_VER_MAX];
	/* name:ARCH of another architecture: never satisfied here */
	bool foreign;
};

/*
 * The next group of *s into alts (at most max): the number of alternatives,
 * 0 at the end of the field, -1 when the text is not a dependency field.
 * Alternatives restricted to other architectures ([!amd64], [i386]) are left out.
 */
int dep_next_group(const char **s, struct dep *alts, int max, const char *arch);

/* "name (op ver)" into buf. */
void dep_format(char *buf, size_t size, const struct dep *d);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The system users and groups a package's postinst makes with Debian's
 * adduser/addgroup --system (tcpdump drops root to user tcpdump): found in the
 * script's text, made in ROOT/etc/{passwd,group,shadow} without running it.
 */
#ifndef APT_SYSUSERS_H
#define APT_SYSUSERS_H

#include <stdbool.h>
#include <stdio.h>

#define SYSUSERS_MAX 8

struct sysuser {
	char name[33];
	char group[33]; /* the user's group ("" for a group of its own) */
	char home[128];
	bool group_only; /* addgroup --system NAME */
	bool own_group; /* adduser --system --group NAME */
};

/* The adduser/addgroup --system calls of script into u (at most max): how many. */
int sysusers_parse(const char *script, struct sysuser *u, int max);

/*
 * Make what u asks for under root when it is missing (uids and gids from
 * 100 to 999, the first free); each made one said on note. 0, or -1 (errno).
 */
int sysusers_apply(const char *root, const struct sysuser *u, int n,
		   FILE *note);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The package database: the archive's Packages indexes (one per origin) and
 * the installed packages (dpkg's status file, origin -1), parsed in place.
 */
#ifndef APT_PKGDB_H
#define APT_PKGDB_H

#include <stdbool.h>
#include <stddef.h>

#include "deps.h"

#define ORIGIN_INSTALLED (-1)

struct pkg {
	const char *name, *version, *arch, *depends, *predepends, *provides,
		*filename, *sha256, *section, *priority, *maintainer, *homepage,
		*synopsis, *multiarch, *essential;
	long long size, isize; /* bytes of the .deb; KiB installed */
	int origin;
	int next; /* next package in the same hash bucket, -1 */
};

struct db {
	struct pkg *pkgs;
	size_t n, cap;
	char **bufs;
	size_t nbufs;
	int *buckets;
	size_t nbuckets;
	const char *arch;
};

void db_init(struct db *db, const char *arch);
void db_free(struct db *db);

/*
 * The Packages-format text buf (NUL-terminated, taken over by db and cut up
 * in place) as packages of origin; 0, or -1 (errno) when out of memory.
 * Packages of other architectures are left out.
 */
int db_add_text(struct db *db, char *buf, int origin);

/* The first package named name at or after index from (-1 from the start); -1 if none. */
int db_find(const struct db *db, const char *name, int from);

/* The archive's candidate (highest version) of name; -1 if the archive has none. */
int db_candidate(const struct db *db, const char *name);

/* The installed package named name; -1 if none. */
int db_installed(const struct db *db, const char *name);

/* Does p provide dep (Provides, with a version if dep asks for one)? */
bool pkg_provides(const struct pkg *p, const struct dep *dep, const char *arch);

/* Does p itself satisfy dep (by name and version, or by what it provides)? */
bool pkg_satisfies(const struct pkg *p, const struct dep *dep,
		   const char *arch);

#endif

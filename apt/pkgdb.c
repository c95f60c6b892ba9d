// SPDX-License-Identifier: GPL-2.0
/* Packages and status files parsed in place into one hashed table. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "debver.h"
#include "pkgdb.h"

#define NBUCKETS (1u << 17)

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

void db_init(struct db *db, const char *arch)
{
	memset(db, 0, sizeof(*db));
	db->arch = arch;
}

void db_free(struct db *db)
{
	for (size_t i = 0; i < db->nbufs; i++)
		free(db->bufs[i]);
	free(db->bufs);
	free(db->pkgs);
	free(db->buckets);
	memset(db, 0, sizeof(*db));
}

struct key {
	const char *name;
	size_t off;
};

#define K(n, f)                            \
	{                                  \
		n, offsetof(struct pkg, f) \
	}
static const struct key keys[] = {
	K("Package", name),	      K("Version", version),
	K("Architecture", arch),      K("Depends", depends),
	K("Pre-Depends", predepends), K("Provides", provides),
	K("Filename", filename),      K("SHA256", sha256),
	K("Section", section),	      K("Priority", priority),
	K("Maintainer", maintainer),  K("Homepage", homepage),
	K("Description", synopsis),   K("Multi-Arch", multiarch),
	K("Essential", essential),
};

static int add_pkg(struct db *db, const struct pkg *p)
{
	uint32_t b;

	if (!db->buckets) {
		db->buckets = malloc(NBUCKETS * sizeof(*db->buckets));
		if (!db->buckets)
			return -1;
		db->nbuckets = NBUCKETS;
		for (size_t i = 0; i < NBUCKETS; i++)
			db->buckets[i] = -1;
	}
	if (db->n == db->cap) {
		size_t cap = db->cap ? db->cap * 2 : 1024;
		struct pkg *np = realloc(db->pkgs, cap * sizeof(*np));

		if (!np)
			return -1;
		db->pkgs = np;
		db->cap = cap;
	}
	b = hash(p->name) & (NBUCKETS - 1);
	db->pkgs[db->n] = *p;
	db->pkgs[db->n].next = db->buckets[b];
	db->buckets[b] = (int)db->n;
	db->n++;
	return 0;
}

static int finish(struct db *db, struct pkg *p, int origin, bool installed)
{
	int r = 0;

	if (p->name && p->version && p->arch && installed &&
	    (!strcmp(p->arch, db->arch) || !strcmp(p->arch, "all"))) {
		p->origin = origin;
		r = add_pkg(db, p);
	}
	memset(p, 0, sizeof(*p));
	return r;
}

int db_add_text(struct db *db, char *buf, int origin)
{
	struct pkg p;
	char **nb = realloc(db->bufs, (db->nbufs + 1) * sizeof(*nb));
	char *s = buf;
	bool installed = origin != ORIGIN_INSTALLED;

	if (!nb) {
		free(buf);
		return -1;
	}
	db->bufs = nb;
	db->bufs[db->nbufs++] = buf;
	memset(&p, 0, sizeof(p));
	while (*s) {
		char *nl = strchr(s, '\n'), *colon, *v;

		if (nl)
			*nl = '\0';
		if (!*s) {
			if (finish(db, &p, origin, installed) < 0)
				return -1;
			installed = origin != ORIGIN_INSTALLED;
		} else if (*s != ' ' && *s != '\t' &&
			   (colon = strchr(s, ':'))) {
			*colon = '\0';
			v = colon + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			if (!strcmp(s, "Size"))
				p.size = atoll(v);
			else if (!strcmp(s, "Installed-Size"))
				p.isize = atoll(v);
			else if (!strcmp(s, "Status"))
				installed = strstr(v, " installed") != NULL;
			for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]);
			     i++)
				if (!strcmp(s, keys[i].name))
					*(const char **)((char *)&p +
							 keys[i].off) = v;
		}
		if (!nl)
			break;
		s = nl + 1;
	}
	if (finish(db, &p, origin, installed) < 0)
		return -1;
	errno = 0;
	return 0;
}

int db_find(const struct db *db, const char *name, int from)
{
	int i;

	if (!db->buckets)
		return -1;
	i = from < 0 ? db->buckets[hash(name) & (NBUCKETS - 1)] :
		       db->pkgs[from].next;
	for (; i >= 0; i = db->pkgs[i].next)
		if (!strcmp(db->pkgs[i].name, name))
			return i;
	return -1;
}

int db_candidate(const struct db *db, const char *name)
{
	int best = -1;

	for (int i = db_find(db, name, -1); i >= 0; i = db_find(db, name, i))
		if (db->pkgs[i].origin != ORIGIN_INSTALLED &&
		    (best < 0 || debver_cmp(db->pkgs[i].version,
					    db->pkgs[best].version) > 0))
			best = i;
	return best;
}

int db_installed(const struct db *db, const char *name)
{
	for (int i = db_find(db, name, -1); i >= 0; i = db_find(db, name, i))
		if (db->pkgs[i].origin == ORIGIN_INSTALLED)
			return i;
	return -1;
}

bool pkg_provides(const struct pkg *p, const struct dep *dep, const char *arch)
{
	const char *s = p->provides;
	struct dep alts[DEP_ALTS_MAX];
	int n;

	if (!s || !strstr(s, dep->name))
		return false;
	while ((n = dep_next_group(&s, alts, DEP_ALTS_MAX, arch)) > 0)
		for (int i = 0; i < n; i++)
			if (!strcmp(alts[i].name, dep->name) &&
			    (dep->op == OP_NONE ||
			     (alts[i].op == OP_EQ &&
			      debver_satisfies(alts[i].ver, dep->op, dep->ver))))
				return true;
	return false;
}

bool pkg_satisfies(const struct pkg *p, const struct dep *dep, const char *arch)
{
	if (dep->foreign)
		return false;
	if (!strcmp(p->name, dep->name) &&
	    debver_satisfies(p->version, dep->op, dep->ver))
		return true;
	return pkg_provides(p, dep, arch);
}

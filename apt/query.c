// SPDX-License-Identifier: GPL-2.0
/* apt search, show and list: read-only questions to the package lists. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "apt.h"

/* The candidate packages (one per name), and installed ones the lists lack, sorted by name. */
static int *distinct(const struct db *db, size_t *n)
{
	int *v = calloc(db->n ? db->n : 1, sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < db->n; i++) {
		const struct pkg *p = &db->pkgs[i];
		int c = db_candidate(db, p->name);

		if ((int)i == c || (c < 0 && p->origin == ORIGIN_INSTALLED))
			v[(*n)++] = (int)i;
	}
	return v;
}

static const struct db *sort_db;

static int by_name(const void *a, const void *b)
{
	return strcmp(sort_db->pkgs[*(const int *)a].name,
		      sort_db->pkgs[*(const int *)b].name);
}

/* The database and its packages sorted by name (one per name): v, or NULL. */
static int *load_sorted(struct apt *a, struct db *db, size_t *m)
{
	int *v;

	if (apt_load_db(a, db))
		return NULL;
	v = distinct(db, m);
	sort_db = db;
	if (v)
		qsort(v, *m, sizeof(*v), by_name);
	else
		db_free(db);
	return v;
}

static void origin_name(const struct apt *a, const struct pkg *p, char *buf,
			size_t size)
{
	int comp;
	const struct source *s = apt_origin(a, p->origin, &comp);

	cut_fmt(buf, size, "%s", s ? s->suite : "now");
}

static void line(const struct apt *a, const struct db *db, int i)
{
	const struct pkg *p = &db->pkgs[i];
	int inst = db_installed(db, p->name);
	char o[64];

	origin_name(a, p, o, sizeof(o));
	(void)printf("%s/%s%s %s %s%s\n", p->name, o,
		     inst >= 0 && p->origin >= 0 ? ",now" : "", p->version,
		     p->arch, inst >= 0 ? " [installed]" : "");
}

int apt_search(struct apt *a, char **words, int n)
{
	struct db db;
	size_t m;
	int *v = load_sorted(a, &db, &m);

	if (!v)
		return EXIT_APT;
	(void)printf("Sorting... Done\nFull Text Search... Done\n");
	for (size_t k = 0; k < m; k++) {
		const struct pkg *p = &db.pkgs[v[k]];
		bool all = true;

		for (int w = 0; w < n && all; w++)
			all = strcasestr(p->name, words[w]) ||
			      (p->synopsis &&
			       strcasestr(p->synopsis, words[w]));
		if (!all)
			continue;
		line(a, &db, v[k]);
		(void)printf("  %s\n\n", p->synopsis ? p->synopsis : "");
	}
	free(v);
	db_free(&db);
	return 0;
}

static void field(const char *k, const char *v)
{
	if (v && *v)
		(void)printf("%s: %s\n", k, v);
}

int apt_show(struct apt *a, char **names, int n)
{
	struct db db;
	int rc = 0;

	if (apt_load_db(a, &db))
		return EXIT_APT;
	for (int i = 0; i < n; i++) {
		int c = db_candidate(&db, names[i]), comp;
		const struct pkg *p;
		const struct source *s;
		char sz[32];

		if (c < 0)
			c = db_installed(&db, names[i]);
		if (c < 0) {
			rc = apt_error("No packages found: %s", names[i]);
			continue;
		}
		p = &db.pkgs[c];
		field("Package", p->name);
		field("Version", p->version);
		field("Priority", p->priority);
		field("Section", p->section);
		field("Maintainer", p->maintainer);
		if (p->isize) {
			apt_size(sz, sizeof(sz), (double)p->isize * 1024);
			field("Installed-Size", sz);
		}
		field("Provides", p->provides);
		field("Pre-Depends", p->predepends);
		field("Depends", p->depends);
		field("Homepage", p->homepage);
		if (p->size) {
			apt_size(sz, sizeof(sz), (double)p->size);
			field("Download-Size", sz);
		}
		if (db_installed(&db, p->name) >= 0)
			field("APT-Manual-Installed", "yes");
		s = apt_origin(a, p->origin, &comp);
		if (s)
			(void)printf("APT-Sources: %s %s/%s %s Packages\n",
				     s->uri, s->suite, s->comps[comp], a->arch);
		field("Description", p->synopsis);
		(void)printf("\n");
	}
	db_free(&db);
	return rc;
}

int apt_list(struct apt *a, char **names, int n, bool installed)
{
	struct db db;
	size_t m;
	int *v = load_sorted(a, &db, &m);

	if (!v)
		return EXIT_APT;
	(void)printf("Listing... Done\n");
	for (size_t k = 0; k < m; k++) {
		const struct pkg *p = &db.pkgs[v[k]];
		bool match = !n;

		if (installed && db_installed(&db, p->name) < 0)
			continue;
		for (int w = 0; w < n && !match; w++)
			match = !fnmatch(names[w], p->name, 0);
		if (match)
			line(a, &db, v[k]);
	}
	free(v);
	db_free(&db);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* Dependency resolution: depth first, the first installable alternative. */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "resolve.h"

/*
 * What Debian packages assume of every system (Essential, so never declared)
 * and Lifeboat's static userland does not provide: installed along.
 */
static const struct {
	const char *when, *also;
} implied[] = {
	{ "libtinfo6", "ncurses-base" }, /* terminfo: curses programs need it */
};

static bool in_plan(const struct plan *plan, int i)
{
	return plan->state[i] != 0;
}

static int start(const struct db *db, struct plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->state = calloc(db->n ? db->n : 1, 1);
	plan->installed = calloc(db->n ? db->n : 1, sizeof(*plan->installed));
	if (!plan->state || !plan->installed)
		return -1;
	for (size_t i = 0; i < db->n; i++)
		if (db->pkgs[i].origin == ORIGIN_INSTALLED)
			plan->installed[plan->ninstalled++] = (int)i;
	return 0;
}

/* Is dep met by an installed or a planned package? */
static bool satisfied(const struct db *db, const struct plan *plan,
		      const struct dep *dep)
{
	if (dep->foreign)
		return false;
	for (size_t k = 0; k < plan->ninstalled; k++)
		if (pkg_satisfies(&db->pkgs[plan->installed[k]], dep, db->arch))
			return true;
	for (size_t k = 0; k < plan->n; k++)
		if (pkg_satisfies(&db->pkgs[plan->order[k]], dep, db->arch))
			return true;
	return false;
}

int resolve_choose(const struct db *db, const struct dep *dep)
{
	int c;

	if (dep->foreign)
		return -1;
	c = db_candidate(db, dep->name);
	if (c >= 0 && debver_satisfies(db->pkgs[c].version, dep->op, dep->ver))
		return c;
	for (size_t i = 0; i < db->n; i++) {
		const struct pkg *p = &db->pkgs[i];

		if (p->origin != ORIGIN_INSTALLED && p->provides &&
		    pkg_provides(p, dep, db->arch) &&
		    db_candidate(db, p->name) == (int)i)
			return (int)i;
	}
	return -1;
}

static int push(struct plan *plan, int i)
{
	int *no = realloc(plan->order, (plan->n + 1) * sizeof(*no));

	if (!no)
		return -1;
	plan->order = no;
	plan->order[plan->n++] = i;
	return 0;
}

static void unmet(FILE *err, const struct pkg *p, const char *field,
		  const struct dep *alts, int n)
{
	char d[DEP_NAME_MAX + DEP_VER_MAX + 8];

	(void)fprintf(err, "The following packages have unmet dependencies:\n");
	for (int a = 0; a < n; a++) {
		dep_format(d, sizeof(d), &alts[a]);
		if (!a)
			(void)fprintf(
				err,
				" %s : %s: %s but it is not installable%s\n",
				p->name, field, d, n > 1 ? " or" : "");
		else
			(void)fprintf(
				err, "%*s%s but it is not installable%s\n",
				(int)(strlen(p->name) + strlen(field) + 6), "",
				d, a + 1 < n ? " or" : "");
	}
}

/* A package being visited: which field, and where in it. */
struct frame {
	int pkg, field;
	const char *s;
};

static const char *field_text(const struct pkg *p, int field)
{
	return field == 0 ? p->predepends : p->depends;
}

/*
 * Depth first from root, an explicit stack: a package goes into the order
 * after everything it depends on (cycles broken where they close).
 */
static int visit(const struct db *db, struct plan *plan, int root, FILE *err)
{
	static const char *const names[] = { "PreDepends", "Depends" };
	struct frame *st;
	size_t top = 0;
	int rc = 0;

	if (in_plan(plan, root))
		return 0;
	st = calloc(db->n + 1, sizeof(*st));
	if (!st)
		return -1;
	plan->state[root] = 1;
	st[0] = (struct frame){ root, 0, field_text(&db->pkgs[root], 0) };
	top = 1;
	while (top && !rc) {
		struct frame *f = &st[top - 1];
		struct dep alts[DEP_ALTS_MAX];
		int n = f->s ? dep_next_group(&f->s, alts, DEP_ALTS_MAX,
					      db->arch) :
			       0;
		int chosen = -1;
		bool met = false;

		if (n == 0) {
			if (++f->field < 2) {
				f->s = field_text(&db->pkgs[f->pkg], f->field);
				continue;
			}
			rc = push(plan, f->pkg);
			top--;
			continue;
		}
		if (n < 0) {
			(void)fprintf(err,
				      "E: %s has a %s field apt cannot read\n",
				      db->pkgs[f->pkg].name, names[f->field]);
			rc = -1;
			break;
		}
		for (int a = 0; a < n && !met; a++)
			met = satisfied(db, plan, &alts[a]);
		for (int a = 0; a < n && !met && chosen < 0; a++)
			chosen = resolve_choose(db, &alts[a]);
		if (met || (chosen >= 0 && in_plan(plan, chosen)))
			continue;
		if (chosen < 0) {
			unmet(err, &db->pkgs[f->pkg], names[f->field], alts, n);
			rc = -1;
			break;
		}
		plan->state[chosen] = 1;
		st[top++] = (struct frame){ chosen, 0,
					    field_text(&db->pkgs[chosen], 0) };
	}
	free(st);
	return rc;
}

int resolve_install(const struct db *db, const int *want, size_t nwant,
		    struct plan *plan, FILE *err)
{
	if (start(db, plan) < 0)
		return -1;
	for (size_t w = 0; w < nwant; w++)
		if (visit(db, plan, want[w], err) < 0)
			goto broken;
	for (size_t k = 0; k < sizeof(implied) / sizeof(implied[0]); k++) {
		struct dep d = { .op = OP_NONE };
		int c;

		cut_fmt(d.name, sizeof(d.name), "%s", implied[k].also);
		for (size_t j = 0; j < plan->n; j++) {
			if (strcmp(db->pkgs[plan->order[j]].name,
				   implied[k].when) ||
			    satisfied(db, plan, &d))
				continue;
			c = db_candidate(db, implied[k].also);
			if (c >= 0 && visit(db, plan, c, err) < 0)
				goto broken;
			break;
		}
	}
	return 0;
broken:
	(void)fprintf(
		err,
		"E: Unable to correct problems, you have held broken packages.\n");
	return -1;
}

/* Is every dependency group of p met by installed packages not being removed? */
static bool still_met(const struct db *db, const struct plan *plan,
		      const struct pkg *p)
{
	const char *fields[2] = { p->predepends, p->depends };
	struct dep alts[DEP_ALTS_MAX];

	for (int f = 0; f < 2; f++) {
		const char *s = fields[f];
		int n;

		while (s && (n = dep_next_group(&s, alts, DEP_ALTS_MAX,
						db->arch)) > 0) {
			bool met = false;

			for (size_t k = 0; k < plan->ninstalled && !met; k++) {
				const struct pkg *q =
					&db->pkgs[plan->installed[k]];

				if (plan->state[plan->installed[k]])
					continue;
				for (int a = 0; a < n && !met; a++)
					met = pkg_satisfies(q, &alts[a],
							    db->arch);
			}
			if (!met)
				return false;
		}
	}
	return true;
}

int resolve_remove(const struct db *db, const int *want, size_t nwant,
		   struct plan *plan)
{
	bool changed = true;

	if (start(db, plan) < 0)
		return -1;
	for (size_t w = 0; w < nwant; w++)
		if (!plan->state[want[w]]) {
			plan->state[want[w]] = 1;
			if (push(plan, want[w]) < 0)
				return -1;
		}
	while (changed) {
		changed = false;
		for (size_t k = 0; k < plan->ninstalled; k++) {
			int i = plan->installed[k];

			if (plan->state[i] || still_met(db, plan, &db->pkgs[i]))
				continue;
			plan->state[i] = 1;
			if (push(plan, i) < 0)
				return -1;
			changed = true;
		}
	}
	return 0;
}

void plan_free(struct plan *plan)
{
	free(plan->order);
	free(plan->state);
	free(plan->installed);
	memset(plan, 0, sizeof(*plan));
}

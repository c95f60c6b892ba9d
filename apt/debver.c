// SPDX-License-Identifier: GPL-2.0
/* Debian version comparison: deb-version(7), the algorithm of dpkg. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "debver.h"

/* The weight of a non-digit character: ~ sorts before everything, even the end. */
static int order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

/* Compare a[0..alen) with b[0..blen) by dpkg's rules. */
static int verrevcmp(const char *a, const char *ae, const char *b,
		     const char *be)
{
	while (a < ae || b < be) {
		int first_diff = 0;

		while ((a < ae && !isdigit((unsigned char)*a)) ||
		       (b < be && !isdigit((unsigned char)*b))) {
			int ac = a < ae ? order((unsigned char)*a) : 0;
			int bc = b < be ? order((unsigned char)*b) : 0;

			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (a < ae && *a == '0')
			a++;
		while (b < be && *b == '0')
			b++;
		while (a < ae && b < be && isdigit((unsigned char)*a) &&
		       isdigit((unsigned char)*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (a < ae && isdigit((unsigned char)*a))
			return 1;
		if (b < be && isdigit((unsigned char)*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

struct parts {
	unsigned long epoch;
	const char *up, *up_end, *rev, *rev_end;
};

static void split(const char *v, struct parts *p)
{
	const char *colon = strchr(v, ':');
	const char *end = v + strlen(v);
	const char *dash;

	p->epoch = 0;
	if (colon && colon > v &&
	    strspn(v, "0123456789") == (size_t)(colon - v)) {
		p->epoch = strtoul(v, NULL, 10);
		v = colon + 1;
	}
	dash = strrchr(v, '-');
	p->up = v;
	if (dash) {
		p->up_end = dash;
		p->rev = dash + 1;
	} else {
		p->up_end = end;
		p->rev = end;
	}
	p->rev_end = end;
}

int debver_cmp(const char *a, const char *b)
{
	struct parts pa, pb;
	int r;

	split(a, &pa);
	split(b, &pb);
	if (pa.epoch != pb.epoch)
		return pa.epoch < pb.epoch ? -1 : 1;
	r = verrevcmp(pa.up, pa.up_end, pb.up, pb.up_end);
	if (r)
		return r;
	return verrevcmp(pa.rev, pa.rev_end, pb.rev, pb.rev_end);
}

bool debver_satisfies(const char *v, enum dep_op op, const char *want)
{
	int r;

	if (op == OP_NONE)
		return true;
	if (!v)
		return false;
	r = debver_cmp(v, want);
	switch (op) {
	case OP_LT:
		return r < 0;
	case OP_LE:
		return r <= 0;
	case OP_EQ:
		return r == 0;
	case OP_GE:
		return r >= 0;
	case OP_GT:
		return r > 0;
	default:
		return true;
	}
}

enum dep_op debver_op(const char *s, int len)
{
	static const struct {
		const char *name;
		enum dep_op op;
	} ops[] = { { "<<", OP_LT }, { "<=", OP_LE }, { "=", OP_EQ },
		    { ">=", OP_GE }, { ">>", OP_GT }, { "<", OP_LE },
		    { ">", OP_GE } };

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if ((int)strlen(ops[i].name) == len &&
		    !strncmp(s, ops[i].name, (size_t)len))
			return ops[i].op;
	return OP_NONE;
}

const char *debver_opname(enum dep_op op)
{
	static const char *const names[] = { "", "<<", "<=", "=", ">=", ">>" };

	return names[op];
}

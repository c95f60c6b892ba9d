// SPDX-License-Identifier: GPL-2.0
/* Dependency fields, parsed one group at a time. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "deps.h"

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	return s;
}

/* "[amd64 !i386]": does it admit arch? */
static bool arch_list_admits(const char *s, const char *end, const char *arch)
{
	bool any_positive = false, hit = false;

	while (s < end) {
		const char *w;
		bool neg;
		size_t n;

		s = skip_space(s);
		if (s >= end)
			break;
		neg = *s == '!';
		if (neg)
			s++;
		w = s;
		while (s < end && !isspace((unsigned char)*s))
			s++;
		n = (size_t)(s - w);
		if (strlen(arch) == n && !strncmp(w, arch, n)) {
			if (neg)
				return false;
			hit = true;
		}
		if (!neg)
			any_positive = true;
	}
	return !any_positive || hit;
}

/* One alternative at *s; 1 parsed (admitted), 0 parsed but not for arch, -1 bad. */
static int parse_alt(const char **sp, struct dep *d, const char *arch)
{
	const char *s = skip_space(*sp), *w = s, *colon;
	size_t n;
	int admitted = 1;

	while (*s && !isspace((unsigned char)*s) && !strchr(",|([<", *s))
		s++;
	n = (size_t)(s - w);
	if (!n)
		return -1;
	colon = memchr(w, ':', n);
	memset(d, 0, sizeof(*d));
	if (colon) {
		size_t an = (size_t)(s - colon - 1);

		if (!(an == 3 && !strncmp(colon + 1, "any", 3)) &&
		    !(an == 6 && !strncmp(colon + 1, "native", 6)) &&
		    !(an == strlen(arch) && !strncmp(colon + 1, arch, an)))
			d->foreign = true;
		n = (size_t)(colon - w);
	}
	if (!n || n >= DEP_NAME_MAX)
		return -1;
	memcpy(d->name, w, n);
	s = skip_space(s);
	if (*s == '(') {
		const char *op = skip_space(s + 1), *oe = op, *v, *ve;

		while (*oe == '<' || *oe == '>' || *oe == '=')
			oe++;
		d->op = debver_op(op, (int)(oe - op));
		v = skip_space(oe);
		ve = v;
		while (*ve && *ve != ')' && !isspace((unsigned char)*ve))
			ve++;
		if (d->op == OP_NONE || ve == v ||
		    (size_t)(ve - v) >= DEP_VER_MAX)
			return -1;
		memcpy(d->ver, v, (size_t)(ve - v));
		s = skip_space(ve);
		if (*s != ')')
			return -1;
		s = skip_space(s + 1);
	}
	if (*s == '[') {
		const char *e = strchr(s, ']');

		if (!e)
			return -1;
		admitted = arch_list_admits(s + 1, e, arch);
		s = skip_space(e + 1);
	}
	while (*s ==
	       '<') { /* build profiles: binary packages do not carry them */
		const char *e = strchr(s, '>');

		if (!e)
			return -1;
		s = skip_space(e + 1);
	}
	*sp = s;
	return admitted;
}

int dep_next_group(const char **sp, struct dep *alts, int max, const char *arch)
{
	const char *s = skip_space(*sp);
	int n = 0;

	/* alternatives all for other architectures: the next group */
	while (*s && !n) {
		for (;;) {
			struct dep d;
			int r = parse_alt(&s, &d, arch);

			if (r < 0)
				return -1;
			if (r > 0 && n < max)
				alts[n++] = d;
			s = skip_space(s);
			if (*s != '|')
				break;
			s++;
		}
		if (*s == ',')
			s = skip_space(s + 1);
		else if (*s)
			return -1;
	}
	*sp = s;
	return n;
}

void dep_format(char *buf, size_t size, const struct dep *d)
{
	if (d->op == OP_NONE)
		cut_fmt(buf, size, "%s", d->name);
	else
		cut_fmt(buf, size, "%s (%s %s)", d->name, debver_opname(d->op),
			d->ver);
}

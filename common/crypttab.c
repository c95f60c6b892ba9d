// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "crypttab.h"

/* the next blank-separated field of line into buf; 1, 0 none, -1 too long */
static int field(const char **line, const char *end, char *buf, size_t size)
{
	const char *p = *line, *start;
	size_t n;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	start = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	*line = p;
	n = (size_t)(p - start);
	if (!n)
		return 0;
	if (n >= size)
		return -1;
	memcpy(buf, start, n);
	buf[n] = '\0';
	return 1;
}

static int parse(const char *line, const char *end, struct crypttab_entry *e)
{
	memset(e, 0, sizeof(*e));
	if (field(&line, end, e->name, sizeof(e->name)) != 1 ||
	    e->name[0] == '#' ||
	    field(&line, end, e->source, sizeof(e->source)) != 1 ||
	    field(&line, end, e->key, sizeof(e->key)) < 0 ||
	    field(&line, end, e->options, sizeof(e->options)) < 0)
		return 0;
	if (!e->key[0])
		(void)snprintf(e->key, sizeof(e->key), "none");
	return 1;
}

int crypttab_next(const char **text, struct crypttab_entry *e)
{
	const char *line, *end;

	while (**text) {
		line = *text;
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		*text = *end ? end + 1 : end;
		if (parse(line, end, e))
			return 1;
	}
	return 0;
}

int crypttab_has(const char *options, const char *opt)
{
	size_t n = strlen(opt);
	const char *p = options;

	while (p && *p) {
		if (!strncmp(p, opt, n) &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == '='))
			return 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

int crypttab_key_is_file(const char *key)
{
	return key[0] && strcmp(key, "none") && strcmp(key, "-") &&
	       strncmp(key, "/dev/", 5);
}

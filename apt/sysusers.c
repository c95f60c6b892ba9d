// SPDX-License-Identifier: GPL-2.0
/* System users from postinst scripts: a text scan, then /etc written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysusers.h"
#include "util.h"

#define WORDS_MAX 32

/* The words of one command line (quotes honoured; ; & | end it): how many. */
static int words(const char **sp, char w[][128], int max)
{
	const char *s = *sp;
	int n = 0;

	for (;;) {
		size_t len = 0;
		char q = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '\n' || *s == ';' || *s == '&' || *s == '|' ||
		    *s == '#')
			break;
		while (*s && (q || !strchr(" \t\n;&|", *s))) {
			if (!q && (*s == '"' || *s == '\'')) {
				q = *s++;
				continue;
			}
			if (q && *s == q) {
				q = 0;
				s++;
				continue;
			}
			if (len + 1 < 128 && n < max)
				w[n][len++] = *s;
			s++;
		}
		if (n < max)
			w[n++][len] = '\0';
	}
	while (*s && *s != '\n' && *s != ';' && *s != '&' && *s != '|')
		s++;
	if (*s)
		s++;
	*sp = s;
	return n;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 32 || !((*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static bool takes_value(const char *opt)
{
	static const char *const opts[] = {
		"--home",    "--shell",	   "--ingroup", "--gid",
		"--uid",     "--gecos",	   "--comment", "--firstuid",
		"--lastuid", "--firstgid", "--lastgid"
	};

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (!strcmp(opt, opts[i]))
			return true;
	return false;
}

/* One adduser/addgroup command's words (w[0] the command): 1 if it is a --system one. */
static int one(char w[][128], int n, struct sysuser *u)
{
	bool system = false;
	const char *name = NULL;

	memset(u, 0, sizeof(*u));
	u->group_only = !strcmp(w[0], "addgroup");
	copy_text(u->home, sizeof(u->home), "/nonexistent");
	for (int i = 1; i < n; i++) {
		if (!strcmp(w[i], "--system"))
			system = true;
		else if (!strcmp(w[i], "--group"))
			u->own_group = true;
		else if (takes_value(w[i]) && i + 1 < n) {
			if (!strcmp(w[i], "--ingroup"))
				copy_text(u->group, sizeof(u->group), w[i + 1]);
			else if (!strcmp(w[i], "--home"))
				copy_text(u->home, sizeof(u->home), w[i + 1]);
			i++;
		} else if (w[i][0] != '-') {
			if (name) /* adduser USER GROUP: a membership, not a user */
				return 0;
			name = w[i];
		}
	}
	if (!system || !name || !valid_name(name) ||
	    (u->group[0] && !valid_name(u->group)))
		return 0;
	copy_text(u->name, sizeof(u->name), name);
	return 1;
}

int sysusers_parse(const char *script, struct sysuser *u, int max)
{
	char(*w)[128] = calloc(WORDS_MAX, 128);
	char *text = strdup(script), *c;
	const char *s = text;
	int n = 0;

	if (!w || !text) {
		free(w);
		free(text);
		return 0;
	}
	/* a backslash-newline continues the command: read it as spaces */
	for (c = strstr(text, "\\\n"); c; c = strstr(c, "\\\n"))
		c[0] = c[1] = ' ';
	while (*s && n < max) {
		int k, i;

		k = words(&s, w, WORDS_MAX);
		for (i = 0; i < k; i++)
			if (!strcmp(w[i], "adduser") ||
			    !strcmp(w[i], "addgroup"))
				break;
		if (i < k && one(w + i, k - i, &u[n]))
			n++;
	}
	free(w);
	free(text);
	return n;
}

/* Is name in the colon file text (its first field)? Its id (third field) or -1. */
static long find(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *l = text; l && *l;
	     l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, name, len) && l[len] == ':') {
			const char *f = strchr(l + len + 1, ':');

			return f ? strtol(f + 1, NULL, 10) : 0;
		}
	return -1;
}

static bool id_used(const char *text, long id)
{
	for (const char *l = text; l && *l;
	     l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *f = strchr(l, ':');

		f = f ? strchr(f + 1, ':') : NULL;
		if (f && strtol(f + 1, NULL, 10) == id)
			return true;
	}
	return false;
}

static long free_id(const char *a, const char *b)
{
	for (long id = 100; id < 1000; id++)
		if (!id_used(a, id) && !id_used(b, id))
			return id;
	return -1;
}

static int append(const char *root, const char *file, const char *line)
{
	char path[4096];
	FILE *f;

	if (!path_fmt(path, sizeof(path), "%s/etc/%s", root, file))
		return -1;
	f = fopen(path, "ae");
	if (!f)
		return -1;
	(void)fputs(line, f);
	return fclose(f);
}

static char *etc(const char *root, const char *file)
{
	char path[4096], *t;

	if (!path_fmt(path, sizeof(path), "%s/etc/%s", root, file))
		return NULL;
	t = read_all(path, NULL);
	return t ? t : strdup("");
}

/* The group named name, made if missing: its gid, or -1. */
static long group(const char *root, const char *name, FILE *note)
{
	char *g = etc(root, "group"), *p = etc(root, "passwd"), line[128];
	long gid = g ? find(g, name) : -1;

	if (g && p && gid < 0 && (gid = free_id(g, p)) >= 0) {
		cut_fmt(line, sizeof(line), "%s:x:%ld:\n", name, gid);
		if (append(root, "group", line) < 0)
			gid = -1;
		else
			(void)fprintf(note, "N: added system group %s\n", name);
	}
	free(g);
	free(p);
	return gid;
}

int sysusers_apply(const char *root, const struct sysuser *u, int n, FILE *note)
{
	for (int i = 0; i < n; i++) {
		char *p, *g, line[256];
		long gid, uid;

		if (u[i].group_only) {
			if (group(root, u[i].name, note) < 0)
				return -1;
			continue;
		}
		p = etc(root, "passwd");
		if (p && find(p, u[i].name) >= 0) {
			free(p);
			continue;
		}
		free(p);
		gid = group(root,
			    u[i].group[0]  ? u[i].group :
			    u[i].own_group ? u[i].name :
					     "nogroup",
			    note);
		g = etc(root, "group");
		p = etc(root, "passwd");
		uid = g && p ? free_id(p, "") : -1;
		if (u[i].own_group && gid >= 0 && !id_used(p, gid))
			uid = gid;
		free(g);
		free(p);
		if (gid < 0 || uid < 0)
			return -1;
		cut_fmt(line, sizeof(line),
			"%s:x:%ld:%ld::%s:/usr/sbin/nologin\n", u[i].name, uid,
			gid, u[i].home);
		if (append(root, "passwd", line) < 0)
			return -1;
		cut_fmt(line, sizeof(line), "%s:!:1::::::\n", u[i].name);
		(void)append(root, "shadow", line);
		(void)fprintf(note, "N: added system user %s\n", u[i].name);
	}
	errno = 0;
	return 0;
}

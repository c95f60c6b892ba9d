// SPDX-License-Identifier: GPL-2.0
/* sources.list parsing: pure text in, sources out. */
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "sources.h"

static const char *word(const char *s, char *out, size_t size)
{
	size_t n;

	s += strspn(s, " \t");
	n = strcspn(s, " \t\n#");
	if (n >= size)
		n = 0;
	memcpy(out, s, n);
	out[n] = '\0';
	return s + n;
}

int sources_parse(const char *text, struct source *src, int max, int *bad_line)
{
	const char *s = text;
	int n = 0, line = 0;

	*bad_line = 0;
	while (*s) {
		const char *nl = strchr(s, '\n');
		const char *end = nl ? nl : s + strlen(s);
		char type[16], buf[SRC_URI_MAX];
		struct source cur;

		line++;
		memset(&cur, 0, sizeof(cur));
		s = word(s, type, sizeof(type));
		if (!strcmp(type, "deb") && n < max) {
			const char *p = s + strspn(s, " \t");

			if (*p ==
			    '[') { /* options: [arch=amd64 signed-by=...] */
				const char *e =
					memchr(p, ']', (size_t)(end - p));

				s = e ? e + 1 : end;
			}
			s = word(s, buf, sizeof(buf));
			cut_fmt(cur.uri, sizeof(cur.uri), "%s", buf);
			while (*cur.uri && cur.uri[strlen(cur.uri) - 1] == '/')
				cur.uri[strlen(cur.uri) - 1] = '\0';
			s = word(s, cur.suite, sizeof(cur.suite));
			while (s < end && cur.ncomps < SRC_COMPS_MAX) {
				s = word(s, cur.comps[cur.ncomps],
					 sizeof(cur.comps[0]));
				if (!*cur.comps[cur.ncomps])
					break;
				cur.ncomps++;
			}
			if (!*cur.uri || !*cur.suite || !cur.ncomps ||
			    !strstr(cur.uri, "://")) {
				if (!*bad_line)
					*bad_line = line;
			} else {
				src[n++] = cur;
			}
		} else if (*type && *type != '#' && strcmp(type, "deb-src") &&
			   strcmp(type, "deb")) {
			if (!*bad_line)
				*bad_line = line;
		}
		if (!nl)
			break;
		s = nl + 1;
	}
	return n;
}

void sources_mangle(const char *uri, char *out, size_t size)
{
	const char *s = strstr(uri, "://");
	size_t n = 0;

	s = s ? s + 3 : uri;
	for (; *s && n + 1 < size; s++)
		out[n++] = (char)(*s == '/' ? '_' : *s);
	out[n] = '\0';
}

void sources_list_name(const struct source *s, int comp, const char *arch,
		       char *out, size_t size)
{
	char m[SRC_URI_MAX], suite[SRC_SUITE_MAX];

	sources_mangle(s->uri, m, sizeof(m));
	sources_mangle(s->suite, suite, sizeof(suite));
	if (comp < 0)
		cut_fmt(out, size, "%s_dists_%s_Release", m, suite);
	else
		cut_fmt(out, size, "%s_dists_%s_%s_binary-%s_Packages", m,
			suite, s->comps[comp], arch);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * os-release(5): newline-separated KEY=VALUE, the value optionally quoted;
 * the last assignment of a key wins, as when the shell sources it.
 */
#include <stdio.h>
#include <string.h>

#include "osrelease.h"
#include "util.h"

#define OSRELEASE_MAX 8192
#define VALUE_MAX 256

/* one value, unquoted, into out (size VALUE_MAX); its length */
static size_t unquote(const char *v, const char *end, char *out)
{
	char quote = 0;
	size_t n = 0;

	if (v < end && (*v == '"' || *v == '\'')) {
		quote = *v++;
		if (end > v && end[-1] == quote)
			end--;
	}
	for (; v < end && n < VALUE_MAX - 1; v++) {
		if (quote != '\'' && *v == '\\' && v + 1 < end)
			v++;
		out[n++] = *v;
	}
	out[n] = '\0';
	return n;
}

int osrelease_value(const char *text, const char *key, char *buf, size_t size)
{
	char raw[VALUE_MAX] = "";
	size_t klen = strlen(key), n = 0;
	const char *line, *end, *v;

	for (line = text; *line; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		while (line < end && (*line == ' ' || *line == '\t'))
			line++;
		/* a match of the key stays on this line: it has no newline */
		if (strncmp(line, key, klen) || line[klen] != '=')
			continue;
		v = line + klen + 1;
		while (end > v &&
		       (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			end--;
		n = unquote(v, end, raw);
	}
	if (!n || !size) {
		if (size)
			buf[0] = '\0';
		return -1;
	}
	printable(buf, size, raw, n);
	return 0;
}

int osrelease_name(const char *root, char *buf, size_t size)
{
	static const char *const files[] = { "/etc/os-release",
					     "/usr/lib/os-release" };
	char text[OSRELEASE_MAX], path[4096], name[VALUE_MAX],
		version[VALUE_MAX];
	size_t i;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(files); i++)
		if (path_join(path, sizeof(path), root, files[i]) &&
		    read_text(path, text, sizeof(text)) > 0)
			break;
	if (i == ARRAY_SIZE(files) || !size)
		return -1;
	if (osrelease_value(text, "NAME", name, sizeof(name)) == 0 &&
	    osrelease_value(text, "VERSION_ID", version, sizeof(version)) ==
		    0) {
		if (snprintf(buf, size, "%s %s", name, version) >= (int)size)
			buf[0] = '\0';
		return buf[0] ? 0 : -1;
	}
	if (osrelease_value(text, "PRETTY_NAME", buf, size) == 0 ||
	    osrelease_value(text, "NAME", buf, size) == 0)
		return 0;
	return -1;
}

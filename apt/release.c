// SPDX-License-Identifier: GPL-2.0
/* Release files and clearsigned messages: pure text in, facts out. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "release.h"

static const char BEGIN_MSG[] = "-----BEGIN PGP SIGNED MESSAGE-----";
static const char BEGIN_SIG[] = "-----BEGIN PGP SIGNATURE-----";
static const char END_SIG[] = "-----END PGP SIGNATURE-----";

/* Is the line [s, e) (no newline, a trailing \r ignored) exactly word? */
static int line_is(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word);

	if (e > s && e[-1] == '\r')
		e--;
	return (size_t)(e - s) == n && !memcmp(s, word, n);
}

long clearsign_text(char *msg, size_t len)
{
	char *p = msg, *end = msg + len, *out = msg, *text_end = NULL;
	int state =
		0; /* 0 armor header line, 1 hash headers, 2 text, 3 signature, 4 after */

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *e = nl ? nl : end;
		char *next = nl ? nl + 1 : end;

		switch (state) {
		case 0:
			if (!line_is(p, e, BEGIN_MSG))
				return -1;
			state = 1;
			break;
		case 1:
			if (e == p || line_is(p, e, ""))
				state = 2;
			else if (strncmp(p, "Hash: ", 6))
				return -1;
			break;
		case 2:
			if (line_is(p, e, BEGIN_SIG)) {
				text_end = out;
				state = 3;
				break;
			}
			if (line_is(p, e, BEGIN_MSG) ||
			    (*p == '-' && (e - p < 2 || p[1] != ' ')))
				return -1;
			if (*p == '-') /* dash-escaped: "- " */
				p += 2;
			memmove(out, p, (size_t)(next - p));
			out += next - p;
			break;
		case 3:
			if (line_is(p, e, END_SIG))
				state = 4;
			break;
		default:
			for (char *c = p; c < e; c++)
				if (!isspace((unsigned char)*c))
					return -1;
		}
		p = next;
	}
	if (state != 4 || !text_end)
		return -1;
	*text_end = '\0';
	return text_end - msg;
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

time_t rfc2822_time(const char *s)
{
	struct tm tm;
	char mon[4], zone[8] = "";
	int day, year, h, m, sec, n = 0;
	const char *comma = strchr(s, ',');

	if (comma)
		s = comma + 1;
	if (sscanf(s, " %2d %3s %4d %2d:%2d:%2d %7s%n", &day, mon, &year, &h,
		   &m, &sec, zone, &n) < 6)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_mon = -1;
	for (int i = 0; i < 12; i++)
		if (!strcmp(mon, months[i]))
			tm.tm_mon = i;
	if (tm.tm_mon < 0 || day < 1 || day > 31 || year < 1970 || h > 23 ||
	    m > 59 || sec > 60)
		return -1;
	if (*zone && strcmp(zone, "UTC") && strcmp(zone, "GMT") &&
	    strcmp(zone, "+0000") && strcmp(zone, "Z"))
		return -1;
	tm.tm_mday = day;
	tm.tm_year = year - 1900;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	return timegm(&tm);
}

/* "Key: value" at line s: value copied into buf if the key matches. */
static int field(const char *s, const char *key, char *buf, size_t size)
{
	size_t n = strlen(key);
	const char *v, *e;

	if (strncmp(s, key, n) || s[n] != ':')
		return 0;
	v = s + n + 1;
	while (*v == ' ')
		v++;
	e = strchr(v, '\n');
	if (!e)
		e = v + strlen(v);
	while (e > v && isspace((unsigned char)e[-1]))
		e--;
	cut_fmt(buf, size, "%.*s", (int)(e - v), v);
	return 1;
}

int release_parse(const char *text, struct release *r)
{
	const char *s = text;
	int in_sha256 = 0, fields = 0;
	size_t cap = 0;
	char val[128];

	memset(r, 0, sizeof(*r));
	while (*s) {
		const char *nl = strchr(s, '\n');

		if (*s == ' ' && in_sha256) {
			struct release_file f;
			char hash[80], path[RELEASE_PATH_MAX + 1];
			int n = 0;

			if (sscanf(s, " %79s %lld %200s%n", hash, &f.size, path,
				   &n) != 3 ||
			    strlen(hash) != 64 ||
			    strlen(path) >= RELEASE_PATH_MAX || f.size < 0)
				goto bad;
			memcpy(f.sha256, hash, 65);
			memcpy(f.path, path, strlen(path) + 1);
			if (r->nfiles == cap) {
				struct release_file *nf;

				cap = cap ? cap * 2 : 64;
				nf = realloc(r->files, cap * sizeof(*nf));
				if (!nf)
					goto bad;
				r->files = nf;
			}
			r->files[r->nfiles++] = f;
		} else if (*s != ' ') {
			in_sha256 = !strncmp(s, "SHA256:", 7);
			if (strchr(s, ':') &&
			    strchr(s, ':') < (nl ? nl : s + strlen(s)))
				fields++;
			if (field(s, "Date", val, sizeof(val)) &&
			    (r->date = rfc2822_time(val)) < 0)
				goto bad;
			if (field(s, "Valid-Until", val, sizeof(val)) &&
			    (r->valid_until = rfc2822_time(val)) < 0)
				goto bad;
			(void)field(s, "Suite", r->suite, sizeof(r->suite));
			(void)field(s, "Codename", r->codename,
				    sizeof(r->codename));
		}
		if (!nl)
			break;
		s = nl + 1;
	}
	if (!fields || !r->nfiles)
		goto bad;
	return 0;
bad:
	release_free(r);
	return -1;
}

void release_free(struct release *r)
{
	free(r->files);
	r->files = NULL;
	r->nfiles = 0;
}

const struct release_file *release_find(const struct release *r,
					const char *path)
{
	for (size_t i = 0; i < r->nfiles; i++)
		if (!strcmp(r->files[i].path, path))
			return &r->files[i];
	return NULL;
}

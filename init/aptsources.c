// SPDX-License-Identifier: GPL-2.0
#include "aptsources.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool apt_mirror_valid(const char *url, size_t len)
{
	static const char http[] = "http://", https[] = "https://";
	size_t host;

	if (len > sizeof(http) - 1 && !memcmp(url, http, sizeof(http) - 1))
		host = sizeof(http) - 1;
	else if (len > sizeof(https) - 1 &&
		 !memcmp(url, https, sizeof(https) - 1))
		host = sizeof(https) - 1;
	else
		return false;
	if (url[host] == '/')
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)url[i];

		if (c <= ' ' || c >= 0x7f || strchr("\"'#\\<>^`{|}", c))
			return false;
	}
	return true;
}

/* mirror's length without its trailing slashes */
static size_t trimmed(const char *mirror)
{
	size_t len = strlen(mirror);

	while (len > 0 && mirror[len - 1] == '/')
		len--;
	return len;
}

int apt_security_uri(char *buf, size_t size, const char *mirror)
{
	size_t len = trimmed(mirror);
	const char *scheme_end = strstr(mirror, "://");
	size_t host = scheme_end ? (size_t)(scheme_end - mirror) + 3 : 0;
	bool has_path = host < len && memchr(mirror + host, '/', len - host);
	int n = snprintf(buf, size, "%.*s%s", (int)len, mirror,
			 has_path ? "-security" : "/debian-security");

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

struct text {
	char *buf;
	size_t size, len;
	bool full;
};

static void put(struct text *t, const char *s, size_t n)
{
	if (t->full || n >= t->size - t->len) {
		t->full = true;
		return;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *word_end(const char *p, const char *end)
{
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	return p;
}

static bool is_word(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - p) == n && !memcmp(p, word, n);
}

/* One line (without its newline), its URI replaced if it is a deb line. */
static void rewrite_line(struct text *t, const char *line, const char *end,
			 const char *mirror, const char *security)
{
	const char *type = skip_blanks(line, end), *type_end, *uri, *uri_end;
	const char *suite, *suite_end, *close;
	static const char tail[] = "-security";

	type_end = word_end(type, end);
	if (!is_word(type, type_end, "deb") &&
	    !is_word(type, type_end, "deb-src"))
		goto verbatim;
	uri = skip_blanks(type_end, end);
	if (uri < end && *uri == '[') {
		close = memchr(uri, ']', (size_t)(end - uri));
		if (!close)
			goto verbatim;
		uri = skip_blanks(close + 1, end);
	}
	uri_end = word_end(uri, end);
	suite = skip_blanks(uri_end, end);
	suite_end = word_end(suite, end);
	if (uri == uri_end || suite == suite_end)
		goto verbatim;
	put(t, line, (size_t)(uri - line));
	if ((size_t)(suite_end - suite) > sizeof(tail) - 1 &&
	    !memcmp(suite_end - (sizeof(tail) - 1), tail, sizeof(tail) - 1))
		put(t, security, strlen(security));
	else
		put(t, mirror, trimmed(mirror));
	put(t, uri_end, (size_t)(end - uri_end));
	return;
verbatim:
	put(t, line, (size_t)(end - line));
}

ssize_t apt_sources_rewrite(char *out, size_t size, const char *in,
			    const char *mirror)
{
	struct text t = { .buf = out, .size = size };
	char security[512];

	if (size == 0 || apt_security_uri(security, sizeof(security), mirror))
		return -1;
	out[0] = '\0';
	while (*in) {
		const char *nl = strchr(in, '\n');
		const char *end = nl ? nl : in + strlen(in);

		rewrite_line(&t, in, end, mirror, security);
		if (nl)
			put(&t, "\n", 1);
		in = nl ? nl + 1 : end;
	}
	return t.full ? -1 : (ssize_t)t.len;
}

int apt_sources_set_mirror(const char *root, const char *mirror)
{
	static char in[APT_SOURCES_MAX + 1], out[2 * APT_SOURCES_MAX];
	char path[256], tmp[272];

	if (!path_join(path, sizeof(path), root, APT_SOURCES) ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* EFBIG for a file larger than APT_SOURCES_MAX */
	if (read_text(path, in, sizeof(in)) < 0)
		return -1;
	if (apt_sources_rewrite(out, sizeof(out), in, mirror) < 0) {
		errno = EFBIG;
		return -1;
	}
	if (write_text(tmp, out, 0644) < 0)
		return -1;
	if (rename(tmp, path) < 0) {
		int err = errno;

		unlink(tmp);
		errno = err;
		return -1;
	}
	return 0;
}

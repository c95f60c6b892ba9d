// SPDX-License-Identifier: GPL-2.0
#include "json.h"

#include <string.h>

void json_init(struct json *j, FILE *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

/* Before a value or key: the comma its predecessor needs. */
static void json_next(struct json *j)
{
	if (j->keyed) {
		j->keyed = false;
		return;
	}
	if (j->depth > 0 && j->comma[j->depth - 1])
		(void)fputc(',', j->out);
	if (j->depth > 0)
		j->comma[j->depth - 1] = true;
}

void json_open(struct json *j, char bracket)
{
	json_next(j);
	(void)fputc(bracket, j->out);
	if (j->depth < JSON_DEPTH_MAX)
		j->comma[j->depth++] = false;
}

void json_close(struct json *j, char bracket)
{
	if (j->depth > 0)
		j->depth--;
	(void)fputc(bracket, j->out);
	if (j->depth == 0)
		(void)fputc('\n', j->out);
}

/* The length of the valid UTF-8 sequence at s, or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, past U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

static void json_quoted(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	(void)fputc('"', out);
	while (*s) {
		size_t n = utf8_len(s);

		if (*s == '"' || *s == '\\') {
			(void)fprintf(out, "\\%c", *s);
		} else if (*s == '\n') {
			(void)fputs("\\n", out);
		} else if (*s == '\t') {
			(void)fputs("\\t", out);
		} else if (*s < 0x20 || *s == 0x7f) {
			(void)fprintf(out, "\\u%04x", *s);
		} else if (n == 0) {
			(void)fputs("\\ufffd", out);
			n = 1;
		} else {
			(void)fwrite(s, 1, n, out);
		}
		s += n ? n : 1;
	}
	(void)fputc('"', out);
}

void json_key(struct json *j, const char *key)
{
	json_next(j);
	json_quoted(j->out, key);
	(void)fputc(':', j->out);
	j->keyed = true;
}

void json_string(struct json *j, const char *s)
{
	json_next(j);
	json_quoted(j->out, s);
}

void json_int(struct json *j, long long v)
{
	json_next(j);
	(void)fprintf(j->out, "%lld", v);
}

void json_bool(struct json *j, bool v)
{
	json_next(j);
	(void)fputs(v ? "true" : "false", j->out);
}

void json_null(struct json *j)
{
	json_next(j);
	(void)fputs("null", j->out);
}

void json_kv_text(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	if (s && s[0])
		json_string(j, s);
	else
		json_null(j);
}

void json_kv_int(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_kv_words(struct json *j, const char *key, const char *s)
{
	char word[128];

	json_key(j, key);
	json_open(j, '[');
	while (s && *s) {
		size_t len = strcspn(s, " ");

		if (len > 0 && len < sizeof(word)) {
			memcpy(word, s, len);
			word[len] = '\0';
			json_string(j, word);
		}
		s += len;
		s += strspn(s, " ");
	}
	json_close(j, ']');
}

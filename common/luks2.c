// SPDX-License-Identifier: GPL-2.0
#include "luks2.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BINARY_HEADER 4096
#define HEADER_SIZE_MAX (4 * 1024 * 1024)
/* keyslots.N.kdf.memory is 4 deep: more is allowed, not without end */
#define DEPTH_MAX 32
#define KEY_MAX 32

enum where { TOP, KEYSLOTS, KEYSLOT, KDF, KDF_MEMBER, OTHER };

struct json {
	const char *p, *end;
	struct luks2_kdf best, cur;
	int found;
};

static void skip_ws(struct json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int eat(struct json *j, char c)
{
	skip_ws(j);
	if (j->p >= j->end || *j->p != c)
		return 0;
	j->p++;
	return 1;
}

static int hex_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/*
 * A string; its text, cut to out's size and with escapes other than \uXXXX
 * decoded (that one becomes '?': no key or kdf type we want has one), into
 * out when not NULL. 0 or -1.
 */
static int string(struct json *j, char *out, size_t size)
{
	size_t n = 0;

	if (!eat(j, '"'))
		return -1;
	while (j->p < j->end && *j->p != '"') {
		char c = *j->p++;

		if ((unsigned char)c < 0x20)
			return -1;
		if (c == '\\') {
			if (j->p >= j->end)
				return -1;
			c = *j->p++;
			if (c == 'u') {
				for (int i = 0; i < 4; i++)
					if (j->p >= j->end ||
					    !hex_digit(*j->p++))
						return -1;
				c = '?';
			} else if (!strchr("\"\\/bfnrt", c)) {
				return -1;
			}
		}
		if (out && n + 1 < size)
			out[n++] = c;
	}
	if (out && size)
		out[n] = '\0';
	return eat(j, '"') ? 0 : -1;
}

static int digits(struct json *j)
{
	const char *start = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > start;
}

/* A number (JSON's grammar); an integer's value in *v (else ULLONG_MAX). */
static int number(struct json *j, unsigned long long *v)
{
	const char *start;
	int integer = 1;

	skip_ws(j);
	start = j->p;
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (!digits(j))
		return -1;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		integer = 0;
		if (!digits(j))
			return -1;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		integer = 0;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!digits(j))
			return -1;
	}
	*v = ~0ULL;
	if (integer && *start != '-' && j->p - start <= 19) {
		*v = 0;
		for (const char *q = start; q < j->p; q++)
			*v = *v * 10 + (unsigned long long)(*q - '0');
	}
	return 0;
}

static int word(struct json *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n))
		return -1;
	j->p += n;
	return 0;
}

/* Where a member's value sits: the path keyslots.N.kdf is followed. */
static enum where inside(enum where in, const char *key)
{
	if (in == TOP && !strcmp(key, "keyslots"))
		return KEYSLOTS;
	if (in == KEYSLOTS)
		return KEYSLOT;
	if (in == KEYSLOT && !strcmp(key, "kdf"))
		return KDF;
	if (in == KDF)
		return KDF_MEMBER;
	return OTHER;
}

static void kdf_done(struct json *j)
{
	if (!strncmp(j->cur.type, "argon2", 6) && j->cur.memory_kib != ~0ULL &&
	    (!j->found || j->cur.memory_kib > j->best.memory_kib)) {
		j->best = j->cur;
		j->found = 1;
	}
}

/* A scalar; a kdf's "type" and "memory" are kept in j->cur. */
static int scalar(struct json *j, enum where in, const char *key)
{
	unsigned long long v;

	switch (*j->p) {
	case '"':
		if (in == KDF_MEMBER && !strcmp(key, "type"))
			return string(j, j->cur.type, sizeof(j->cur.type));
		return string(j, NULL, 0);
	case 't':
		return word(j, "true");
	case 'f':
		return word(j, "false");
	case 'n':
		return word(j, "null");
	default:
		if (number(j, &v))
			return -1;
		if (in == KDF_MEMBER && !strcmp(key, "memory"))
			j->cur.memory_kib = v;
		return 0;
	}
}

/* An open object or array, and where it sits. */
struct open {
	char close;
	enum where in;
};

enum step { VALUE, MEMBER, AFTER };

/*
 * After a value: the next member or element, or the end of the open
 * container (then the same again one level up). The next step, or -1.
 */
static int after(struct json *j, struct open *stack, int *depth)
{
	while (*depth > 0) {
		struct open *top = &stack[*depth - 1];

		if (eat(j, ','))
			return top->close == '}' ? MEMBER : VALUE;
		if (!eat(j, top->close))
			return -1;
		if (top->in == KDF)
			kdf_done(j);
		(*depth)--;
	}
	return AFTER;
}

/*
 * The document, without recursion: the open containers are on a stack of
 * DEPTH_MAX. 0 or -1.
 */
static int document(struct json *j)
{
	struct open stack[DEPTH_MAX];
	char key[KEY_MAX] = "";
	enum where in = TOP;
	int depth = 0, step = VALUE;

	while (step != AFTER) {
		if (step == MEMBER) {
			if (string(j, key, sizeof(key)) || !eat(j, ':'))
				return -1;
			in = inside(stack[depth - 1].in, key);
			step = VALUE;
			continue;
		}
		skip_ws(j);
		if (j->p >= j->end)
			return -1;
		if (*j->p != '{' && *j->p != '[') {
			if (scalar(j, in, key))
				return -1;
			step = after(j, stack, &depth);
		} else {
			if (depth == DEPTH_MAX)
				return -1;
			stack[depth].close = *j->p++ == '{' ? '}' : ']';
			stack[depth++].in = in;
			if (in == KDF)
				memset(&j->cur, 0, sizeof(j->cur));
			if (eat(j, stack[depth - 1].close)) {
				if (in == KDF)
					kdf_done(j);
				depth--;
				step = after(j, stack, &depth);
			} else {
				step = stack[depth - 1].close == '}' ? MEMBER :
								       VALUE;
			}
		}
		if (step < 0)
			return -1;
		/* an array's elements sit nowhere we follow */
		if (step == VALUE)
			in = OTHER;
	}
	return 0;
}

int luks2_json_argon2(const char *json, size_t len, struct luks2_kdf *kdf)
{
	struct json j = { .p = json, .end = json + strnlen(json, len) };

	memset(kdf, 0, sizeof(*kdf));
	skip_ws(&j);
	if (j.p >= j.end || *j.p != '{' || document(&j))
		return -1;
	skip_ws(&j);
	if (j.p != j.end)
		return -1;
	if (j.found)
		*kdf = j.best;
	return j.found;
}

int luks2_argon2(const struct ondisk *d, struct luks2_kdf *kdf)
{
	uint8_t h[16];
	uint64_t size;
	size_t n;
	char *json;
	int rc;

	memset(kdf, 0, sizeof(*kdf));
	if (ondisk_read(d, 0, h, sizeof(h)) || memcmp(h, "LUKS\xba\xbe", 6) ||
	    ondisk_be16(h + 6) != 2)
		return -1;
	size = ondisk_be64(h + 8);
	if (size <= BINARY_HEADER || size > HEADER_SIZE_MAX)
		return -1;
	n = size - BINARY_HEADER < LUKS2_JSON_MAX ?
		    (size_t)(size - BINARY_HEADER) :
		    LUKS2_JSON_MAX;
	json = malloc(n);
	if (!json)
		return -1;
	rc = ondisk_read(d, BINARY_HEADER, json, n) ?
		     -1 :
		     luks2_json_argon2(json, n, kdf);
	free(json);
	return rc;
}

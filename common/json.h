/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON writer for the --json outputs (`lifeboat disks --json`,
 * `lifeboat net --json`): it places the commas and colons, so a caller only
 * says what comes; strings are escaped (quote, backslash, control
 * characters) and made valid UTF-8 (a byte that is not becomes U+FFFD), so
 * a label of any bytes still gives a document every parser takes.
 */
#ifndef LB_JSON_H
#define LB_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_DEPTH_MAX 8

struct json {
	FILE *out;
	int depth;
	bool comma[JSON_DEPTH_MAX]; /* a value came before at this depth */
	bool keyed; /* a key was written, its value comes next */
};

void json_init(struct json *j, FILE *out);
/* '{' or '['; deeper than JSON_DEPTH_MAX is a programming error */
void json_open(struct json *j, char bracket);
void json_close(struct json *j, char bracket);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_int(struct json *j, long long v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* key: s, or null when s is empty */
void json_kv_text(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, long long v);
/* key: [ the words of s ] */
void json_kv_words(struct json *j, const char *key, const char *s);

#endif

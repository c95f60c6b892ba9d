/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A suite's Release file: the signed text of an InRelease (clearsigned), its
 * dates and the SHA256 of every index it signs.
 */
#ifndef APT_RELEASE_H
#define APT_RELEASE_H

#include <stddef.h>
#include <time.h>

#define RELEASE_PATH_MAX 200

struct release_file {
	char path[RELEASE_PATH_MAX];
	char sha256[65];
	long long size;
};

struct release {
	time_t date, valid_until; /* 0: the field is absent */
	char suite[64], codename[64];
	struct release_file *files;
	size_t nfiles;
};

/*
 * The signed text of a clearsigned message, moved to the start of msg (in
 * place, dash-escaping undone, NUL-terminated); its length, or -1 when msg is
 * not exactly one clearsigned message with nothing around it.
 */
long clearsign_text(char *msg, size_t len);

/* text (NUL-terminated) into r; 0, or -1 when it is not a Release file. */
int release_parse(const char *text, struct release *r);
void release_free(struct release *r);
const struct release_file *release_find(const struct release *r,
					const char *path);

/* "Sat, 09 Dec 2026 20:23:15 UTC" -> seconds since the epoch; -1 if not a date. */
time_t rfc2822_time(const char *s);

#endif

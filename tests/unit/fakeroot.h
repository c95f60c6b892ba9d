/*
 * A throwaway root directory for the tests: fake /proc, /sys and /dev trees
 * are written into it, and it is removed at the end.
 */
#ifndef LB_FAKEROOT_H
#define LB_FAKEROOT_H

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static inline const char *fakeroot_new(char *buf, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, size, "%s/lifeboat-unit-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(buf)) {
		perror("mkdtemp");
		exit(2);
	}
	return buf;
}

/* Write root/path, creating the parent directories. */
static inline void fakeroot_write(const char *root, const char *path,
				  const char *text)
{
	char full[PATH_MAX];
	FILE *f;

	if (snprintf(full, sizeof(full), "%s%s", root, path) >=
	    (int)sizeof(full)) {
		fprintf(stderr, "path too long: %s%s\n", root, path);
		exit(2);
	}
	for (char *p = full + strlen(root) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(full, 0755);
			*p = '/';
		}
	}
	f = fopen(full, "w");
	if (!f) {
		perror(full);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static inline void fakeroot_mkdir(const char *root, const char *path)
{
	char full[PATH_MAX];

	if (snprintf(full, sizeof(full), "%s%s/.keep", root, path) >=
	    (int)sizeof(full)) {
		fprintf(stderr, "path too long: %s%s\n", root, path);
		exit(2);
	}
	fakeroot_write(root, full + strlen(root), "");
	unlink(full);
}

static inline int fakeroot_rm_one(const char *path, const struct stat *st,
				  int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static inline void fakeroot_free(const char *root)
{
	nftw(root, fakeroot_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif

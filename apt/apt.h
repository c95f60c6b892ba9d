/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apt for Lifeboat: Debian packages at run time, verified as apt verifies
 * them, unpacked into the root tmpfs (RAM) for this boot.
 */
#ifndef APT_APT_H
#define APT_APT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "pkgdb.h"
#include "sources.h"

#define APT_SOURCES_MAX 32
#define EXIT_APT 100 /* apt's exit status for every error, and for usage */

struct apt {
	const char *root; /* "" in the image; APT_ROOT for tests on a host */
	char arch[16];
	char lists[PATH_MAX], status[PATH_MAX], info[PATH_MAX],
		archives[PATH_MAX];
	char keyring[PATH_MAX], sources_list[PATH_MAX];
	struct source src[APT_SOURCES_MAX];
	int nsrc;
	bool yes;
};

/* "E: ..." on stderr; EXIT_APT. */
int apt_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The sources of a->sources_list; 0, or EXIT_APT after saying why. */
int apt_read_sources(struct apt *a);

/* The installed packages and every list apt update left; 0 or EXIT_APT. */
int apt_load_db(struct apt *a, struct db *db);

/* apt's sizes: "151 kB", "8788 kB", "20.2 MB". */
void apt_size(char *buf, size_t size, double bytes);

/* A default route (IPv4 or IPv6)? Otherwise says so: false. */
bool apt_network(void);

/* url into dest: 0, 1 when the server has no such file, -1 with reason. */
int apt_fetch(const char *url, const char *dest, char *reason, size_t size);

/* mkdir -p: 0, or -1 (errno). */
int apt_mkdirs(const char *path);

/* Ask "Do you want to continue? [Y/n] " unless -y: true to go on. */
bool apt_confirm(const struct apt *a);

/* The origin (source and component) of a package: "URI SUITE/COMP". */
const struct source *apt_origin(const struct apt *a, int origin, int *comp);

int apt_update(struct apt *a);
int apt_install(struct apt *a, char **names, int n, bool download_only);
int apt_remove(struct apt *a, char **names, int n);
int apt_search(struct apt *a, char **words, int n);
int apt_show(struct apt *a, char **names, int n);
int apt_list(struct apt *a, char **names, int n, bool installed);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* sources.list (one-line format) and the names of the lists apt keeps. */
#ifndef APT_SOURCES_H
#define APT_SOURCES_H

#include <stddef.h>

#define SRC_URI_MAX 256
#define SRC_SUITE_MAX 64
#define SRC_COMPS_MAX 8

struct source {
	char uri[SRC_URI_MAX]; /* no trailing slash */
	char suite[SRC_SUITE_MAX];
	char comps[SRC_COMPS_MAX][32];
	int ncomps;
};

/*
 * The "deb" lines of text into src (at most max): their number. A line apt
 * would refuse is reported by its number in *bad_line (0: none).
 */
int sources_parse(const char *text, struct source *src, int max, int *bad_line);

/* apt's list name prefix of uri: "http://h/debian" -> "h_debian". */
void sources_mangle(const char *uri, char *out, size_t size);

/* The list file of a source's component: "h_debian_dists_bookworm_main_binary-amd64_Packages". */
void sources_list_name(const struct source *s, int comp, const char *arch,
		       char *out, size_t size);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /etc/apt/sources.list and the mirror= boot option. The build writes the
 * file (build/apt-sources.sh): the release and its -updates and -security
 * suites at the build machine's mirrors. mirror=URL points them at URL
 * instead, the -security suite at the directory beside it, as Debian's
 * mirrors lay them out: URL's last path component with "-security" added
 * (http://host/debian -> http://host/debian-security; a URL with no path gets
 * /debian-security). This rewrite is all that apt costs at boot, and only
 * with mirror=.
 */
#ifndef LB_APTSOURCES_H
#define LB_APTSOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define APT_SOURCES "/etc/apt/sources.list"
/* the largest sources.list the rewrite reads: the image's is 3 lines */
#define APT_SOURCES_MAX 4096

/*
 * An http:// or https:// URL with a host, of printable characters that
 * cannot end or break a sources.list field: no spaces, quotes, '#', '\\'.
 */
bool apt_mirror_valid(const char *url, size_t len);

/* The -security suite's URI for mirror into buf; 0, or -1 if it does not fit. */
int apt_security_uri(char *buf, size_t size, const char *mirror);

/*
 * The sources.list text in with every deb and deb-src line's URI replaced:
 * by the security URI for a suite ending in "-security", else by mirror
 * (trailing slashes dropped); options ([ ... ]), suites, components and
 * every other line stay as they are. The length written to out, or -1 if
 * it does not fit.
 */
ssize_t apt_sources_rewrite(char *out, size_t size, const char *in,
			    const char *mirror);

/*
 * ROOT/etc/apt/sources.list rewritten for mirror, atomically (a temporary
 * file renamed over it). 0, or -1 with errno (EFBIG: larger than
 * APT_SOURCES_MAX).
 */
int apt_sources_set_mirror(const char *root, const char *mirror);

#endif

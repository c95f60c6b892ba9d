// SPDX-License-Identifier: GPL-2.0
/*
 * What apt's commands share: messages, sizes, the network, downloads, the
 * question, the sources and the package database.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "apt.h"
#include "proc.h"
#include "util.h"

int apt_error(const char *fmt, ...)
{
	va_list ap;

	(void)fflush(stdout);
	(void)fputs("E: ", stderr);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
	return EXIT_APT;
}

void apt_size(char *buf, size_t size, double bytes)
{
	static const char ext[] = { '\0', 'k', 'M', 'G', 'T' };
	int i = 0;

	for (; i < 4; i++) {
		if (bytes < 100 && i)
			break;
		if (bytes < 10000)
			break;
		bytes /= 1000.0;
	}
	if (bytes < 100 && i)
		cut_fmt(buf, size, "%.1f %cB", bytes, ext[i]);
	else if (i)
		cut_fmt(buf, size, "%.0f %cB", bytes, ext[i]);
	else
		cut_fmt(buf, size, "%.0f B", bytes);
}

static bool default_route(void)
{
	char *t = read_all("/proc/net/route", NULL);
	bool up = false;

	for (char *l = t ? strchr(t, '\n') : NULL; l && !up;
	     l = strchr(l + 1, '\n')) {
		char ifc[32], dest[16];
		unsigned flags;

		if (sscanf(l + 1, "%31s %15s %*s %x", ifc, dest, &flags) == 3 &&
		    !strcmp(dest, "00000000") && (flags & 1))
			up = true;
	}
	free(t);
	t = read_all("/proc/net/ipv6_route", NULL);
	for (char *l = t; l && *l && !up;
	     l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t n = strcspn(l, "\n");

		if (!strncmp(l, "00000000000000000000000000000000 00 ", 36) &&
		    n > 3 && strncmp(l + n - 3, " lo", 3))
			up = true;
	}
	free(t);
	return up;
}

bool apt_network(void)
{
	/* DHCP runs in the background from boot: give a fresh boot a moment */
	for (int i = 0; i < 40; i++) {
		struct timespec ts = { 0, 250000000 };

		if (default_route())
			return true;
		(void)nanosleep(&ts, NULL);
	}
	return false;
}

int apt_fetch(const char *url, const char *dest, char *reason, size_t size)
{
	const char *argv[] = { "wget", "-q", "-T", "30", "-O", dest, url, NULL };
	char out[1024];
	int rc = proc_run(argv, -1, -1, out, sizeof(out));
	char *nl;

	if (rc == 0)
		return 0;
	(void)unlink(dest);
	if (strstr(out, " 404") ||
	    rc == 8) /* busybox says so; GNU wget's 8 is a server error */
		return 1;
	if (!strncmp(out, "wget: ", 6))
		memmove(out, out + 6, strlen(out + 6) + 1);
	nl = strchr(out, '\n');
	if (nl)
		*nl = '\0';
	cut_fmt(reason, size, "%s", *out ? out : "the download failed");
	return -1;
}

bool apt_confirm(const struct apt *a)
{
	char line[64];

	if (a->yes)
		return true;
	(void)printf("Do you want to continue? [Y/n] ");
	(void)fflush(stdout);
	if (!fgets(line, sizeof(line), stdin) ||
	    (line[0] != '\n' && line[0] != 'y' && line[0] != 'Y')) {
		(void)printf("Abort.\n");
		return false;
	}
	return true;
}

int apt_read_sources(struct apt *a)
{
	char *text = read_all(a->sources_list, NULL);
	int bad;

	if (!text)
		return apt_error("Could not open file %s - open (%d: %s)",
				 a->sources_list, errno, strerror(errno));
	a->nsrc = sources_parse(text, a->src, APT_SOURCES_MAX, &bad);
	free(text);
	if (bad)
		return apt_error("Malformed entry %d in list file %s", bad,
				 a->sources_list);
	if (!a->nsrc)
		return apt_error(
			"The list of sources could not be read: %s has no deb line",
			a->sources_list);
	return 0;
}

const struct source *apt_origin(const struct apt *a, int origin, int *comp)
{
	if (origin < 0 || origin / SRC_COMPS_MAX >= a->nsrc)
		return NULL;
	*comp = origin % SRC_COMPS_MAX;
	return &a->src[origin / SRC_COMPS_MAX];
}

int apt_load_db(struct apt *a, struct db *db)
{
	char *text;

	db_init(db, a->arch);
	text = read_all(a->status, NULL);
	if (text && db_add_text(db, text, ORIGIN_INSTALLED) < 0)
		return apt_error("Out of memory reading %s", a->status);
	for (int s = 0; s < a->nsrc; s++)
		for (int c = 0; c < a->src[s].ncomps; c++) {
			char name[PATH_MAX / 2], path[PATH_MAX];

			sources_list_name(&a->src[s], c, a->arch, name,
					  sizeof(name));
			cut_fmt(path, sizeof(path), "%s/%s", a->lists, name);
			text = read_all(path, NULL);
			if (text &&
			    db_add_text(db, text, s * SRC_COMPS_MAX + c) < 0)
				return apt_error("Out of memory reading %s",
						 path);
		}
	return 0;
}

int apt_mkdirs(const char *path)
{
	char p[PATH_MAX];

	if (!path_fmt(p, sizeof(p), "%s/", path))
		return -1;
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return 0;
}

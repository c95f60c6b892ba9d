// SPDX-License-Identifier: GPL-2.0
/*
 * apt and apt-get for Lifeboat: update, install, remove, search, show, list,
 * download. Exits 0, 1 (the user said no) or 100 (an error, as apt does).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
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

bool apt_network(void)
{
	char *t = read_all("/proc/net/route", NULL);
	bool up = false;

	for (char *l = t ? strchr(t, '\n') : NULL; l && !up; l = strchr(l + 1, '\n')) {
		char ifc[32], dest[16];
		unsigned flags;

		if (sscanf(l + 1, "%31s %15s %*s %x", ifc, dest, &flags) == 3 &&
		    !strcmp(dest, "00000000") && (flags & 1))
			up = true;
	}
	free(t);
	t = read_all("/proc/net/ipv6_route", NULL);
	for (char *l = t; l && *l && !up; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, "00000000000000000000000000000000 00 ", 36) && !strstr(l, " lo\n") &&
		    strncmp(l + strcspn(l, "\n") - 2, "lo", 2))
			up = true;
	free(t);
	return up;
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
	if (strstr(out, " 404") || rc == 8) /* busybox says so; GNU wget's 8 is a server error */
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
		return apt_error("Could not open file %s - open (%d: %s)", a->sources_list, errno,
				 strerror(errno));
	a->nsrc = sources_parse(text, a->src, APT_SOURCES_MAX, &bad);
	free(text);
	if (bad)
		return apt_error("Malformed entry %d in list file %s", bad, a->sources_list);
	if (!a->nsrc)
		return apt_error("The list of sources could not be read: %s has no deb line",
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

			sources_list_name(&a->src[s], c, a->arch, name, sizeof(name));
			cut_fmt(path, sizeof(path), "%s/%s", a->lists, name);
			text = read_all(path, NULL);
			if (text && db_add_text(db, text, s * SRC_COMPS_MAX + c) < 0)
				return apt_error("Out of memory reading %s", path);
		}
	return 0;
}

static void set_paths(struct apt *a)
{
	struct utsname u;
	const char *arch = getenv("APT_ARCH");

	a->root = getenv("APT_ROOT") ? getenv("APT_ROOT") : "";
	if (!arch) {
		arch = "amd64";
		if (uname(&u) == 0 && !strcmp(u.machine, "aarch64"))
			arch = "arm64";
	}
	cut_fmt(a->arch, sizeof(a->arch), "%s", arch);
	cut_fmt(a->lists, sizeof(a->lists), "%s/var/lib/apt/lists", a->root);
	cut_fmt(a->status, sizeof(a->status), "%s/var/lib/dpkg/status", a->root);
	cut_fmt(a->info, sizeof(a->info), "%s/var/lib/dpkg/info", a->root);
	cut_fmt(a->archives, sizeof(a->archives), "%s/var/cache/apt/archives", a->root);
	cut_fmt(a->keyring, sizeof(a->keyring),
		       "%s/usr/share/keyrings/debian-archive-keyring.gpg", a->root);
	cut_fmt(a->sources_list, sizeof(a->sources_list), "%s/etc/apt/sources.list",
		       a->root);
}

static int usage(FILE *out, const char *prog)
{
	(void)fprintf(out,
		      "Usage: %s [-y] COMMAND [PACKAGE...]\n"
		      "Debian packages for this boot: they are unpacked into RAM and are gone\n"
		      "after a reboot. The image's own tools are never replaced.\n\n"
		      "  update             fetch and verify the package lists\n"
		      "  install PKG...     install packages and what they depend on\n"
		      "  remove PKG...      remove packages (and what depends on them)\n"
		      "  search WORD...     packages whose name or description has the words\n"
		      "  show PKG...        a package's details\n"
		      "  list [--installed] [PKG...]\n"
		      "  download PKG...    the verified .deb into the current directory\n"
		      "  -y, --yes          do not ask before installing or removing\n"
		      "Sources: /etc/apt/sources.list (boot option mirror=URL); http_proxy is used.\n",
		      prog);
	return out == stderr ? EXIT_APT : 0;
}

int main(int argc, char **argv)
{
	static struct apt a;
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	bool installed = false;
	int n = 0, rc;
	const char *cmd;

	if (!args)
		return 111;
	set_paths(&a);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-y") || !strcmp(argv[i], "--yes") ||
		    !strcmp(argv[i], "--assume-yes"))
			a.yes = true;
		else if (!strcmp(argv[i], "--installed"))
			installed = true;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return usage(stdout, prog);
		else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "-qq") ||
			 !strcmp(argv[i], "--no-install-recommends"))
			continue;
		else if (argv[i][0] == '-')
			return apt_error("Command line option '%s' is not understood", argv[i]);
		else
			args[n++] = argv[i];
	}
	if (!n)
		return usage(stderr, prog);
	cmd = args[0];
	if (!strcmp(cmd, "update") || !strcmp(cmd, "install") || !strcmp(cmd, "remove") ||
	    !strcmp(cmd, "purge") || !strcmp(cmd, "search") || !strcmp(cmd, "show") ||
	    !strcmp(cmd, "list") || !strcmp(cmd, "download")) {
		rc = apt_read_sources(&a);
		if (rc)
			return rc;
	} else {
		(void)fprintf(stderr, "E: Invalid operation %s\n", cmd);
		return EXIT_APT;
	}
	if (!strcmp(cmd, "update"))
		return n == 1 ? apt_update(&a) : apt_error("The update command takes no arguments");
	if (n == 1 && strcmp(cmd, "list"))
		return apt_error("%s needs a package name or word", cmd);
	if (!strcmp(cmd, "install"))
		return apt_install(&a, args + 1, n - 1, false);
	if (!strcmp(cmd, "download"))
		return apt_install(&a, args + 1, n - 1, true);
	if (!strcmp(cmd, "remove") || !strcmp(cmd, "purge"))
		return apt_remove(&a, args + 1, n - 1);
	if (!strcmp(cmd, "search"))
		return apt_search(&a, args + 1, n - 1);
	if (!strcmp(cmd, "show"))
		return apt_show(&a, args + 1, n - 1);
	return apt_list(&a, args + 1, n - 1, installed);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * apt and apt-get for Lifeboat: update, install, remove, search, show, list,
 * download. Exits 0, 1 (the user said no) or 100 (an error, as apt does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "apt.h"
#include "util.h"

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
	cut_fmt(a->status, sizeof(a->status), "%s/var/lib/dpkg/status",
		a->root);
	cut_fmt(a->info, sizeof(a->info), "%s/var/lib/dpkg/info", a->root);
	cut_fmt(a->archives, sizeof(a->archives), "%s/var/cache/apt/archives",
		a->root);
	cut_fmt(a->keyring, sizeof(a->keyring),
		"%s/usr/share/keyrings/debian-archive-keyring.gpg", a->root);
	cut_fmt(a->sources_list, sizeof(a->sources_list),
		"%s/etc/apt/sources.list", a->root);
}

static int usage(FILE *out, const char *prog)
{
	(void)fprintf(
		out,
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

static int dispatch(struct apt *a, char **args, int n, bool installed)
{
	static const char *const cmds[] = { "update", "install", "remove",
					    "purge",  "search",	 "show",
					    "list",   "download" };
	const char *cmd = args[0];
	bool known = false;
	int rc;

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		known = known || !strcmp(cmd, cmds[i]);
	if (!known)
		return apt_error("Invalid operation %s", cmd);
	rc = apt_read_sources(a);
	if (rc)
		return rc;
	if (!strcmp(cmd, "update"))
		return n == 1 ?
			       apt_update(a) :
			       apt_error(
				       "The update command takes no arguments");
	if (n == 1 && strcmp(cmd, "list"))
		return apt_error("%s needs a package name or word", cmd);
	if (!strcmp(cmd, "install"))
		return apt_install(a, args + 1, n - 1, false);
	if (!strcmp(cmd, "download"))
		return apt_install(a, args + 1, n - 1, true);
	if (!strcmp(cmd, "remove") || !strcmp(cmd, "purge"))
		return apt_remove(a, args + 1, n - 1);
	if (!strcmp(cmd, "search"))
		return apt_search(a, args + 1, n - 1);
	if (!strcmp(cmd, "show"))
		return apt_show(a, args + 1, n - 1);
	return apt_list(a, args + 1, n - 1, installed);
}

int main(int argc, char **argv)
{
	static struct apt a;
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 :
						   argv[0];
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	bool installed = false;
	int n = 0, rc = -1;

	if (!args)
		return 111;
	set_paths(&a);
	for (int i = 1; i < argc && rc < 0; i++) {
		if (!strcmp(argv[i], "-y") || !strcmp(argv[i], "--yes") ||
		    !strcmp(argv[i], "--assume-yes"))
			a.yes = true;
		else if (!strcmp(argv[i], "--installed"))
			installed = true;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			rc = usage(stdout, prog);
		else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "-qq") ||
			 !strcmp(argv[i], "--no-install-recommends"))
			continue;
		else if (argv[i][0] == '-')
			rc = apt_error(
				"Command line option '%s' is not understood",
				argv[i]);
		else
			args[n++] = argv[i];
	}
	if (rc < 0)
		rc = n ? dispatch(&a, args, n, installed) : usage(stderr, prog);
	free(args);
	return rc;
}

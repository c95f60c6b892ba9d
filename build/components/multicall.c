// SPDX-License-Identifier: GPL-2.0
/*
 * One static binary for several programs of a package (e2fsprogs,
 * util-linux): each program's own objects are linked in once with main
 * renamed to PROG_main and every other symbol made local (lib.sh's
 * multicall_link), the package's libraries and musl once for all. Separate
 * static binaries would carry a copy of each, and the kernel unpacks every
 * byte of the initramfs before /init runs.
 *
 * The program is chosen by the name it was run as, and argv[0] is passed on
 * as given: mkfs.ext4 (mke2fs) takes the filesystem type from it, e2label is
 * tune2fs by it. "MULTICALL PROG [ARG...]" runs PROG too, as if run as PROG.
 *
 * Built with -DMULTICALL_NAME="..." and -I of a directory holding
 * multicall_progs.h, which lib.sh writes: MULTICALL_PROG(prog) once per
 * program, then MULTICALL_ALIAS("name", prog) once per name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifndef MULTICALL_NAME
#error "build with -DMULTICALL_NAME=\"name\""
#endif

#define MULTICALL_PROG(prog) int prog##_main(int argc, char **argv);
#define MULTICALL_ALIAS(name, prog)
#include "multicall_progs.h"
#undef MULTICALL_PROG
#undef MULTICALL_ALIAS

struct program {
	const char *name;
	int (*main)(int argc, char **argv);
};

static const struct program programs[] = {
#define MULTICALL_PROG(prog)
#define MULTICALL_ALIAS(name, prog) { name, prog##_main },
#include "multicall_progs.h"
#undef MULTICALL_PROG
#undef MULTICALL_ALIAS
};

#define EXIT_USAGE 100

static char *base_name(char *path)
{
	char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static const struct program *find_program(const char *name)
{
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		if (strcmp(programs[i].name, name) == 0)
			return &programs[i];
	return NULL;
}

static int usage(const char *name)
{
	if (name)
		fprintf(stderr, "%s: no program called '%s' in here\n",
			MULTICALL_NAME, name);
	fprintf(stderr,
		"usage: PROG [ARG...] (a link to %s named PROG)\n"
		"   or: %s PROG [ARG...]\n"
		"PROG is one of:",
		MULTICALL_NAME, MULTICALL_NAME);
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		fprintf(stderr, " %s", programs[i].name);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const char *name = argc > 0 ? base_name(argv[0]) : MULTICALL_NAME;
	const struct program *p;

	if (strcmp(name, MULTICALL_NAME) == 0) {
		if (argc < 2)
			return usage(NULL);
		argc--;
		argv++;
		/* util-linux's messages name the program by these, not argv[0] */
		program_invocation_name = argv[0];
		program_invocation_short_name = base_name(argv[0]);
		name = program_invocation_short_name;
	}
	p = find_program(name);
	if (!p)
		return usage(name);
	return p->main(argc, argv);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * lifeboat: the rescue helper. One subcommand per job; exits 0, 1 (the job
 * failed), 100 (usage) or 111 (system error).
 */
#include <stdio.h>
#include <string.h>

#include "disktable.h"

#define EXIT_USAGE 100
#define EXIT_SYSTEM 111

static const char *root = "";

static void medium_id(char *buf, size_t len)
{
	char path[256];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/etc/lifeboat/medium-id", root);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static int cmd_disks(void)
{
	char id[64];

	medium_id(id, sizeof(id));
	disktable_print(stdout, root, id);
	return 0;
}

static int usage(FILE *out)
{
	fprintf(out, "usage: lifeboat [disks]\n"
		     "  lifeboat         getting started\n"
		     "  lifeboat disks   the disk table\n");
	return out == stderr ? EXIT_USAGE : 0;
}

static int cmd_guide(void)
{
	printf("Lifeboat rescue guide\n\n"
	       "  e2fsck -f /dev/sda                       check and repair\n"
	       "  mkdir -p /media/sda\n"
	       "  mount -o barrier=0 /dev/sda /media/sda   mount a disk\n"
	       "  passwd; service ssh start                copy files off\n"
	       "  poweroff                                 when done\n\n");
	return cmd_disks();
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return cmd_guide();
	if (!strcmp(argv[1], "disks") && argc == 2)
		return cmd_disks();
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return usage(stdout);
	fprintf(stderr, "lifeboat: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}

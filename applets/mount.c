// SPDX-License-Identifier: GPL-2.0
/*
 * lifeboat mount DISK [--rw] / lifeboat umount DISK: a disk at /media/DISK,
 * read-only unless asked, so that looking never writes.
 */
#include <stdio.h>
#include <string.h>

#include "diskarg.h"
#include "lifeboat.h"
#include "mounts.h"

static int mount_usage(void)
{
	fprintf(stderr, "usage: lifeboat mount DISK [--rw]   (DISK: sda, "
			"/dev/sda, sdc1)\n"
			"       lifeboat umount DISK\n");
	return EXIT_USAGE;
}

int cmd_mount(int argc, char **argv)
{
	const char *name = NULL;
	struct mounts m = { 0 };
	struct diskarg d;
	char where[256];
	int rw = 0, rc, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rw"))
			rw = 1;
		else if (argv[i][0] == '-' || name)
			return mount_usage();
		else
			name = argv[i];
	}
	if (!name)
		return mount_usage();
	rc = diskarg_parse(name, &d);
	if (rc)
		return rc;
	if (diskarg_mounted(&d, where, sizeof(where)) > 0) {
		fprintf(stderr,
			"lifeboat: %s is already mounted on %s (lifeboat "
			"umount %s first)\n",
			d.dev, where, d.name);
		return EXIT_JOB;
	}
	rc = diskarg_mkdir(&d);
	if (rc)
		return rc;
	if (mounts_add(&m, d.dev, d.media, NULL, rw ? "rw" : "ro") < 0)
		return EXIT_JOB;
	printf("lifeboat: %s mounted %s on %s (lifeboat umount %s when "
	       "done)\n",
	       d.dev, rw ? "read-write" : "read-only", d.media, d.name);
	return 0;
}

int cmd_umount(int argc, char **argv)
{
	struct diskarg d;
	char where[256];
	int rc, n = 0;

	if (argc != 2 || argv[1][0] == '-')
		return mount_usage();
	rc = diskarg_parse(argv[1], &d);
	if (rc)
		return rc;
	/* every mount of the disk, wherever it is */
	while ((rc = diskarg_mounted(&d, where, sizeof(where))) > 0) {
		if (mount_undo(where) < 0) {
			fprintf(stderr,
				"lifeboat: leave %s (cd /) and end the "
				"programs using it, then try again\n",
				where);
			return EXIT_JOB;
		}
		n++;
	}
	if (rc < 0) {
		fprintf(stderr, "lifeboat: cannot read /proc/self/mountinfo\n");
		return EXIT_SYSTEM;
	}
	if (!n) {
		fprintf(stderr, "lifeboat: %s is not mounted\n", d.dev);
		return EXIT_JOB;
	}
	printf("lifeboat: %s unmounted\n", d.dev);
	return 0;
}

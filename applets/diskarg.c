// SPDX-License-Identifier: GPL-2.0
/*
 * Disk names on the command line. Only plain kernel names are taken (letters
 * and digits): the name becomes a path under /dev and /media.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <libmount.h>

#include "diskarg.h"
#include "lifeboat.h"

int diskarg_parse(const char *arg, struct diskarg *d)
{
	const char *name = arg;
	struct stat st;
	size_t i;

	if (!strncmp(name, "/dev/", 5))
		name += 5;
	for (i = 0; name[i]; i++)
		if (!isalnum((unsigned char)name[i]))
			break;
	if (!i || name[i] || i >= sizeof(d->name)) {
		fprintf(stderr,
			"lifeboat: '%s' is not a disk name (like sda, "
			"/dev/sda or sdc1; lifeboat disks lists them)\n",
			arg);
		return EXIT_USAGE;
	}
	memset(d, 0, sizeof(*d));
	strcpy(d->name, name);
	snprintf(d->dev, sizeof(d->dev), "/dev/%s", name);
	snprintf(d->media, sizeof(d->media), "/media/%s", name);
	if (stat(d->dev, &st) < 0 || !S_ISBLK(st.st_mode)) {
		fprintf(stderr,
			"lifeboat: no such disk: %s (lifeboat disks lists "
			"them)\n",
			d->dev);
		return EXIT_JOB;
	}
	d->devno = st.st_rdev;
	return 0;
}

int diskarg_mounted(const struct diskarg *d, char *where, size_t len)
{
	struct libmnt_table *tb =
		mnt_new_table_from_file("/proc/self/mountinfo");
	struct libmnt_fs *fs;

	if (!tb)
		return -1;
	fs = mnt_table_find_devno(tb, d->devno, MNT_ITER_FORWARD);
	if (fs && where)
		snprintf(where, len, "%s", mnt_fs_get_target(fs));
	mnt_unref_table(tb);
	return fs != NULL;
}

int diskarg_mkdir(const struct diskarg *d)
{
	if ((mkdir("/media", 0755) < 0 && errno != EEXIST) ||
	    (mkdir(d->media, 0755) < 0 && errno != EEXIST)) {
		fprintf(stderr, "lifeboat: cannot create %s: %s\n", d->media,
			strerror(errno));
		return EXIT_SYSTEM;
	}
	return 0;
}

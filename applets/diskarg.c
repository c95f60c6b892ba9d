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

#include <blkid.h>
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
		(void)fprintf(stderr,
			      "lifeboat: '%s' is not a disk name (like sda, "
			      "/dev/sda or sdc1; lifeboat disks lists them)\n",
			      arg);
		return EXIT_USAGE;
	}
	memset(d, 0, sizeof(*d));
	strcpy(d->name, name);
	/* cannot be cut: the name fits d->name, and these are larger */
	if (snprintf(d->dev, sizeof(d->dev), "/dev/%s", name) >=
		    (int)sizeof(d->dev) ||
	    snprintf(d->media, sizeof(d->media), "/media/%s", name) >=
		    (int)sizeof(d->media)) {
		(void)fprintf(stderr, "lifeboat: '%s': name too long\n", arg);
		return EXIT_USAGE;
	}
	if (stat(d->dev, &st) < 0 || !S_ISBLK(st.st_mode)) {
		(void)fprintf(
			stderr,
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
	/* a mount point too long for where is said as not known */
	if (fs && where &&
	    snprintf(where, len, "%s", mnt_fs_get_target(fs)) >= (int)len)
		where[0] = '\0';
	mnt_unref_table(tb);
	return fs != NULL;
}

int diskarg_mkdir(const struct diskarg *d)
{
	if ((mkdir("/media", 0755) < 0 && errno != EEXIST) ||
	    (mkdir(d->media, 0755) < 0 && errno != EEXIST)) {
		(void)fprintf(stderr, "lifeboat: cannot create %s: %s\n",
			      d->media, strerror(errno));
		return EXIT_SYSTEM;
	}
	return 0;
}

int diskarg_has_fs(const struct diskarg *d)
{
	blkid_probe pr = blkid_new_probe_from_filename(d->dev);
	const char *pttype = NULL;
	int rc, found;

	if (!pr)
		return 0; /* let the mount say why */
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_enable_partitions(pr, 1);
	rc = blkid_do_safeprobe(pr);
	found = rc != 0 || !blkid_probe_has_value(pr, "PTTYPE") ||
		blkid_probe_has_value(pr, "TYPE");
	if (rc == 1)
		(void)fprintf(stderr,
			      "lifeboat: %s holds no filesystem (blank?)\n",
			      d->dev);
	else if (!found) {
		blkid_probe_lookup_value(pr, "PTTYPE", &pttype, NULL);
		(void)fprintf(
			stderr,
			"lifeboat: %s holds a partition table (%s), not a "
			"filesystem: name a partition, like %s1 (lifeboat "
			"disks lists them)\n",
			d->dev, pttype, d->name);
	}
	blkid_free_probe(pr);
	return rc == 1 || !found ? EXIT_JOB : 0;
}

int diskarg_prepare(const char *arg, struct diskarg *d)
{
	char where[256];
	int rc = diskarg_parse(arg, d);

	if (rc)
		return rc;
	if (diskarg_mounted(d, where, sizeof(where)) > 0) {
		(void)fprintf(stderr,
			      "lifeboat: %s is already mounted on %s (lifeboat "
			      "umount %s first)\n",
			      d->dev, where, d->name);
		return EXIT_JOB;
	}
	rc = diskarg_has_fs(d);
	if (!rc)
		rc = diskarg_mkdir(d);
	return rc;
}

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
#include <sys/sysmacros.h>
#include <unistd.h>

#include <blkid.h>
#include <libmount.h>

#include "diskarg.h"
#include "lifeboat.h"
#include "util.h"

/* a kernel or device-mapper name: letters, digits and + - . _ */
static int name_char(char c)
{
	return isalnum((unsigned char)c) || strchr("+-._", c);
}

/* 1 when s is a name of name_char()s, not "." or ".." or an option */
static int good_name(const char *s, size_t len)
{
	size_t i;

	if (!len || s[0] == '-' || s[0] == '.')
		return 0;
	for (i = 0; i < len; i++)
		if (!name_char(s[i]))
			return 0;
	return 1;
}

/*
 * The name a block device goes by under /media: its device-mapper name
 * (rl-root, for /dev/rl/root and /dev/mapper/rl-root alike), else its
 * kernel name (md127 for /dev/md/data). 0, or -1 when sysfs says neither.
 */
static int canonical_name(dev_t devno, char *name, size_t len)
{
	char path[96], buf[256];
	const char *base;
	ssize_t n;

	(void)snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/dm/name",
		       major(devno), minor(devno));
	if (read_text(path, buf, sizeof(buf)) > 0) {
		chomp(buf);
	} else {
		(void)snprintf(path, sizeof(path), "/sys/dev/block/%u:%u",
			       major(devno), minor(devno));
		n = readlink(path, buf, sizeof(buf) - 1);
		if (n <= 0)
			return -1;
		buf[n] = '\0';
		base = strrchr(buf, '/');
		memmove(buf, base ? base + 1 : buf,
			strlen(base ? base + 1 : buf) + 1);
	}
	if (!good_name(buf, strlen(buf)) || strlen(buf) >= len)
		return -1;
	strcpy(name, buf);
	return 0;
}

static int not_a_name(const char *arg)
{
	(void)fprintf(stderr,
		      "lifeboat: '%s' is not a disk name (like sda, /dev/sda, "
		      "sdc1, /dev/md0, /dev/rl/root or /dev/mapper/rl-root; "
		      "lifeboat disks lists them)\n",
		      arg);
	return EXIT_USAGE;
}

/*
 * ARG without /dev/: NAME, or VG/LV, mapper/NAME, md/NAME. A NAME that is
 * not in /dev but in /dev/mapper is taken from there (lifeboat umount
 * rl-root after lifeboat mount /dev/rl/root).
 */
int diskarg_parse(const char *arg, struct diskarg *d)
{
	const char *name = arg, *slash;
	struct stat st;

	if (!strncmp(name, "/dev/", 5))
		name += 5;
	slash = strchr(name, '/');
	if (slash ? !good_name(name, (size_t)(slash - name)) ||
			    !good_name(slash + 1, strlen(slash + 1)) ||
			    strchr(slash + 1, '/') :
		    !good_name(name, strlen(name)))
		return not_a_name(arg);
	memset(d, 0, sizeof(*d));
	if (snprintf(d->dev, sizeof(d->dev), "/dev/%s", name) >=
	    (int)sizeof(d->dev)) {
		(void)fprintf(stderr, "lifeboat: '%s': name too long\n", arg);
		return EXIT_USAGE;
	}
	if (!slash && stat(d->dev, &st) < 0 &&
	    snprintf(d->dev, sizeof(d->dev), "/dev/mapper/%s", name) <
		    (int)sizeof(d->dev) &&
	    stat(d->dev, &st) < 0)
		(void)snprintf(d->dev, sizeof(d->dev), "/dev/%s", name);
	if (stat(d->dev, &st) < 0 || !S_ISBLK(st.st_mode)) {
		(void)fprintf(
			stderr,
			"lifeboat: no such disk: %s (lifeboat disks lists "
			"them)\n",
			d->dev);
		return EXIT_JOB;
	}
	d->devno = st.st_rdev;
	/* sda keeps its name; an LV or an array gets the one sysfs gives */
	if (!strncmp(d->dev, "/dev/mapper/", 12) || slash) {
		if (canonical_name(d->devno, d->name, sizeof(d->name)) < 0) {
			(void)fprintf(stderr,
				      "lifeboat: %s: no name for it in "
				      "/sys/dev/block\n",
				      d->dev);
			return EXIT_JOB;
		}
	} else if (strlen(name) < sizeof(d->name)) {
		strcpy(d->name, name);
	} else {
		(void)fprintf(stderr, "lifeboat: '%s': name too long\n", arg);
		return EXIT_USAGE;
	}
	/* cannot be cut: media is larger than name */
	(void)snprintf(d->media, sizeof(d->media), "/media/%s", d->name);
	return 0;
}

int diskarg_parse_gone(const char *arg, struct diskarg *d)
{
	const char *name = strncmp(arg, "/dev/", 5) ? arg : arg + 5;
	struct libmnt_table *tb;
	struct libmnt_fs *fs;
	char dev[sizeof(d->dev)];

	if (strchr(name, '/') || !good_name(name, strlen(name)) ||
	    strlen(name) >= sizeof(d->name) ||
	    snprintf(dev, sizeof(dev), "/dev/%s", name) >= (int)sizeof(dev) ||
	    access(dev, F_OK) == 0)
		return diskarg_parse(arg, d);
	tb = mnt_new_table_from_file("/proc/self/mountinfo");
	fs = tb ? mnt_table_find_source(tb, dev, MNT_ITER_FORWARD) : NULL;
	if (!fs) {
		mnt_unref_table(tb);
		return diskarg_parse(arg, d);
	}
	memset(d, 0, sizeof(*d));
	strcpy(d->dev, dev);
	strcpy(d->name, name);
	d->devno = mnt_fs_get_devno(fs);
	(void)snprintf(d->media, sizeof(d->media), "/media/%s", d->name);
	mnt_unref_table(tb);
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

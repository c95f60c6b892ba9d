// SPDX-License-Identifier: GPL-2.0
/*
 * lifeboat mount DISK [--rw] / lifeboat umount DISK: a disk at /media/DISK,
 * read-only unless asked, so that looking never writes. umount also takes
 * down what is mounted below the disk's mount point.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <libmount.h>

#include "diskarg.h"
#include "lifeboat.h"
#include "mounts.h"
#include "util.h"

/* Is the block device at dev read-only (BLKROGET)? No when unknown. */
static int disk_is_readonly(const char *dev)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC | O_NONBLOCK), ro = 0;

	if (fd < 0)
		return 0;
	if (ioctl(fd, BLKROGET, &ro) < 0)
		ro = 0;
	(void)close(fd);
	return ro;
}

/*
 * The whole disk partition NAME is on, into disk ("" for a whole disk): a
 * partition is read-only while its disk is, whatever its own flag says.
 */
static void whole_disk(const char *name, char *disk, size_t len)
{
	char path[96], real[PATH_MAX], *slash;

	disk[0] = '\0';
	if (snprintf(path, sizeof(path), "/sys/class/block/%s/partition",
		     name) >= (int)sizeof(path) ||
	    access(path, F_OK))
		return;
	/* .../block/sda/sda1: the directory above the partition is its disk */
	*strrchr(path, '/') = '\0';
	if (!realpath(path, real))
		return;
	slash = strrchr(real, '/');
	if (!slash)
		return;
	*slash = '\0';
	slash = strrchr(real, '/');
	if (slash && strlen(slash + 1) < len)
		strcpy(disk, slash + 1);
}

/*
 * How to lift readonly, for the disk and for what is stacked on it: a dm
 * table (an LV, a dm-crypt mapping) over a read-only disk is read-only and
 * stays so after `blockdev --setrw` until it is made again; an md array
 * needs its own switch, after its disks'; a partition is read-only while
 * its disk is (so the disk is named). Lines within 80 columns.
 */
static void readonly_howto(const struct diskarg *d)
{
	char disk[64], dev[80];

	(void)fprintf(stderr,
		      "lifeboat: %s is read-only (the readonly boot option?); "
		      "not mounted\n",
		      d->dev);
	if (!strncmp(d->name, "md", 2)) {
		(void)fprintf(stderr,
			      "To write: blockdev --setrw /dev/sdX for each of "
			      "its disks (ls /sys/block/%s/slaves),\n"
			      "then mdadm --readwrite %s\n",
			      d->name, d->dev);
		return;
	}
	whole_disk(d->name, disk, sizeof(disk));
	(void)snprintf(dev, sizeof(dev), "/dev/%s", disk[0] ? disk : d->name);
	(void)fprintf(stderr,
		      "To write: blockdev --setrw %s%s%s%s\n"
		      "What is stacked on it stays read-only until it is made "
		      "again:\n"
		      "  md array:    mdadm --readwrite /dev/mdN (once its "
		      "disks are read-write)\n"
		      "  LVM LV:      vgchange -an VG, then vgchange -ay VG\n"
		      "  LUKS:        cryptsetup close NAME, then cryptsetup "
		      "open DEVICE NAME\n",
		      dev, disk[0] ? " (the disk " : "", disk[0] ? d->name : "",
		      disk[0] ? " is on)" : "");
}

static int mount_usage(void)
{
	(void)fprintf(stderr, "usage: lifeboat mount DISK [--rw]   (DISK: sda, "
			      "/dev/sda, sdc1)\n"
			      "       lifeboat umount DISK\n");
	return EXIT_USAGE;
}

int cmd_mount(int argc, char **argv)
{
	const char *name = NULL;
	struct mounts m = { 0 };
	struct diskarg d;
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
	rc = diskarg_prepare(name, &d);
	if (rc)
		return rc;
	if (rw && disk_is_readonly(d.dev)) {
		readonly_howto(&d);
		return EXIT_JOB;
	}
	rc = dev_start_error(d.dev);
	if (rc) {
		(void)fprintf(
			stderr,
			"lifeboat: cannot read the start of %s, where its "
			"superblock is: %s; not mounted\n"
			"The disk may be failing: copy it first (ddrescue, "
			"see lifeboat), then repair the copy.\n",
			d.dev, strerror(rc));
		return EXIT_JOB;
	}
	/* --rw is read-write or nothing: libmount would fall back quietly */
	m.rw_only = rw;
	if (mounts_add(&m, d.dev, d.media, NULL, rw ? "rw" : "ro") < 0)
		return EXIT_JOB;
	printf("lifeboat: %s mounted %s on %s (lifeboat umount %s when "
	       "done)\n",
	       d.dev, rw ? "read-write" : "read-only", d.media, d.name);
	return 0;
}

/*
 * Whatever is mounted below WHERE, deepest (latest) first: what a chroot
 * left behind when a program in it kept a mount busy. 0, or -1.
 */
static int undo_below(const char *where)
{
	struct libmnt_table *tb =
		mnt_new_table_from_file("/proc/self/mountinfo");
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_BACKWARD);
	size_t n = strlen(where);
	struct libmnt_fs *fs;
	const char *t;
	int rc = tb && it ? 0 : -1;

	while (rc == 0 && mnt_table_next_fs(tb, it, &fs) == 0) {
		t = mnt_fs_get_target(fs);
		if (t && !strncmp(t, where, n) && t[n] == '/')
			rc = mount_undo(t);
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return rc;
}

int cmd_umount(int argc, char **argv)
{
	struct diskarg d;
	char where[256];
	int rc, n = 0;

	if (argc != 2 || argv[1][0] == '-')
		return mount_usage();
	rc = diskarg_parse_gone(argv[1], &d);
	if (rc)
		return rc;
	/* every mount of the disk, wherever it is */
	while ((rc = diskarg_mounted(&d, where, sizeof(where))) > 0) {
		if (undo_below(where) < 0 || mount_undo(where) < 0) {
			(void)fprintf(stderr,
				      "lifeboat: leave %s (cd /) and end the "
				      "programs using it, then try again\n",
				      where);
			return EXIT_JOB;
		}
		n++;
	}
	if (rc < 0) {
		(void)fprintf(stderr,
			      "lifeboat: cannot read /proc/self/mountinfo\n");
		return EXIT_SYSTEM;
	}
	if (!n) {
		(void)fprintf(stderr, "lifeboat: %s is not mounted\n", d.dev);
		return EXIT_JOB;
	}
	printf("lifeboat: %s unmounted\n", d.dev);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
#include "tools.h"
#include "log.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bool tools_built_in(const char *root)
{
	char image[PATH_MAX];

	return path_join(image, sizeof(image), root, TOOLS_IMAGE) &&
	       access(image, F_OK) == 0;
}

/* The squashfs FILE (NAME in messages) on ROOT/TOOLS_MOUNT, read-only. */
static int mount_image(const char *root, const char *file, const char *name,
		       const struct sys_ops *ops)
{
	char target[PATH_MAX], dev[64];
	int fd, rc;

	if (!path_join(target, sizeof(target), root, TOOLS_MOUNT)) {
		lb_warn("path too long under %s: " TOOLS_MOUNT, root);
		return -1;
	}
	fd = ops->loop_attach(file, dev, sizeof(dev));
	if (fd < 0) {
		lb_warn("cannot attach %s to a loop device: %s; "
			"missing: " TOOLS_MISSING,
			name, strerror(errno));
		return -1;
	}
	rc = ops->mount(dev, target, "squashfs",
			MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
	if (rc < 0)
		lb_warn("cannot mount the tools image %s (%s) on " TOOLS_MOUNT
			": %s; missing: " TOOLS_MISSING,
			name, dev, strerror(errno));
	else
		lb_info("mounted %s (%s) on " TOOLS_MOUNT, name, dev);
	/* the mount holds the loop device; a failed one lets it go (autoclear) */
	close(fd);
	return rc;
}

int tools_mount(const char *root, const struct sys_ops *ops)
{
	char image[PATH_MAX];

	if (!path_join(image, sizeof(image), root, TOOLS_IMAGE)) {
		lb_warn("path too long under %s: " TOOLS_IMAGE, root);
		return -1;
	}
	if (access(image, R_OK) < 0) {
		lb_warn("no tools image " TOOLS_IMAGE
			": %s; missing: " TOOLS_MISSING,
			strerror(errno));
		return -1;
	}
	return mount_image(root, image, TOOLS_IMAGE, ops);
}

/* The first CD drive under ROOT/sys/block, by name. */
static bool first_cd_drive(const char *root, char *dev, size_t size)
{
	char path[PATH_MAX], best[NAME_MAX + 1] = "";
	struct dirent *e;
	DIR *d;

	if (!path_join(path, sizeof(path), root, "/sys/block"))
		return false;
	d = opendir(path);
	if (!d)
		return false;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "sr", 2) &&
		    (!best[0] || strcmp(e->d_name, best) < 0))
			(void)snprintf(best, sizeof(best), "%s", e->d_name);
	closedir(d);
	if (!best[0] || strlen(best) >= size)
		return false;
	memcpy(dev, best, strlen(best) + 1);
	return true;
}

/* How many whole disks carry the medium's label; the last one in *last. */
static int labelled_disks(const struct disk_row *rows, int r,
			  const char *medium_id, int *last)
{
	int count = 0;

	for (int i = 0; i < r; i++)
		if (!rows[i].stack && rows[i].disk >= 0 &&
		    disktable_is_medium_row(&rows[i], medium_id)) {
			*last = rows[i].disk;
			count++;
		}
	return count;
}

static int pick(const struct disk *d, char *dev, size_t size)
{
	if (strlen(d->name) >= size)
		return -1;
	memcpy(dev, d->name, strlen(d->name) + 1);
	return 0;
}

bool tools_medium_first(const char *root, const struct disk *disks, int n,
			char *dev, size_t size)
{
	for (int i = 0; i < n; i++)
		if (disks[i].slot == MEDIUM_SLOT)
			return pick(&disks[i], dev, size) == 0;
	return first_cd_drive(root, dev, size);
}

int tools_medium_pick(const struct disk *disks, int n,
		      const struct disk_row *rows, int r, const char *medium_id,
		      char *dev, size_t size)
{
	int count, last = -1;

	count = labelled_disks(rows, r, medium_id, &last);
	if (count == 1 && last < n && disks[last].slot < 0)
		return pick(&disks[last], dev, size);
	if (count == 1 && last < n) {
		lb_warn("the Lifeboat medium is %s, not sdh: its tools image "
			"is not used (a copy on a machine's disk is not "
			"mounted); missing: " TOOLS_MISSING,
			disks[last].name);
		return -1;
	}
	if (count > 1) {
		lb_warn("%d disks carry the Lifeboat medium's label and none "
			"is at sdh: no tools image is mounted from either; "
			"missing: " TOOLS_MISSING,
			count);
		return -1;
	}
	return 1;
}

/* A CD drive or a disk in no machine slot labelled medium_id, into dev. */
static int late_media(const char *root, const char *medium_id, char *dev,
		      size_t size)
{
	static struct disk disks[MAX_DISKS];
	char path[PATH_MAX];
	int n = disks_scan(root, disks, MAX_DISKS), count = 0;

	if (first_cd_drive(root, dev, size) &&
	    path_fmt(path, sizeof(path), "%s/dev/%s", root, dev) &&
	    tools_medium_matches(path, medium_id))
		count++;
	for (int i = 0; i < n; i++)
		if (disks[i].slot < 0 &&
		    path_fmt(path, sizeof(path), "%s/dev/%s", root,
			     disks[i].name) &&
		    tools_medium_matches(path, medium_id)) {
			count++;
			(void)pick(&disks[i], dev, size);
		}
	return count;
}

int tools_wait_medium(const char *root, const char *medium_id, int wait_ms,
		      const struct sys_ops *ops)
{
	struct timespec nap = { 0, 250 * 1000 * 1000 };
	int64_t deadline = now_ms() + wait_ms;
	char dev[32];

	do {
		int count = late_media(root, medium_id, dev, sizeof(dev));

		if (count == 1)
			return tools_mount_medium(root, dev, medium_id, ops) ?
				       -1 :
				       0;
		if (count > 1) {
			lb_warn("%d disks carry the Lifeboat medium's label "
				"and none is at sdh: no tools image is "
				"mounted from either; missing: " TOOLS_MISSING,
				count);
			return -1;
		}
		nanosleep(&nap, NULL);
	} while (now_ms() < deadline);
	lb_warn("no Lifeboat medium at sdh, in a CD drive or on a USB stick "
		"after %d s: no tools image; missing: " TOOLS_MISSING,
		wait_ms / 1000);
	return -1;
}

/* ISO 9660: the primary volume descriptor in sector 16 (2 KiB sectors). */
#define ISO_PVD_OFFSET (16 * 2048)
#define ISO_LABEL_OFFSET 40
#define ISO_LABEL_SIZE 32

bool tools_medium_matches(const char *path, const char *medium_id)
{
	unsigned char pvd[ISO_LABEL_OFFSET + ISO_LABEL_SIZE];
	size_t len = strlen(medium_id);
	ssize_t got;
	int fd;

	if (!len || len > ISO_LABEL_SIZE)
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	got = pread(fd, pvd, sizeof(pvd), ISO_PVD_OFFSET);
	close(fd);
	if (got != (ssize_t)sizeof(pvd) || pvd[0] != 1 ||
	    memcmp(pvd + 1, "CD001", 5) != 0)
		return false;
	if (memcmp(pvd + ISO_LABEL_OFFSET, medium_id, len) != 0)
		return false;
	for (size_t i = len; i < ISO_LABEL_SIZE; i++)
		if (pvd[ISO_LABEL_OFFSET + i] != ' ')
			return false;
	return true;
}

int tools_mount_medium(const char *root, const char *dev, const char *medium_id,
		       const struct sys_ops *ops)
{
	char path[PATH_MAX], target[PATH_MAX], image[PATH_MAX];

	if (!path_fmt(path, sizeof(path), "%s/dev/%s", root, dev) ||
	    !path_join(target, sizeof(target), root, MEDIUM_MOUNT) ||
	    !path_join(image, sizeof(image), target, TOOLS_MEDIUM_PATH)) {
		lb_warn("path too long under %s: " MEDIUM_MOUNT, root);
		return -1;
	}
	if (!tools_medium_matches(path, medium_id)) {
		lb_info("%s is not this Lifeboat's medium (its label is not "
			"%s): not mounted",
			dev, medium_id);
		return 1;
	}
	if (mkdir(target, 0755) < 0 && errno != EEXIST) {
		lb_warn("cannot make " MEDIUM_MOUNT
			": %s; missing: " TOOLS_MISSING,
			strerror(errno));
		return -1;
	}
	if (ops->mount(path, target, "iso9660",
		       MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0) {
		lb_warn("cannot mount the medium %s on " MEDIUM_MOUNT
			": %s; missing: " TOOLS_MISSING,
			dev, strerror(errno));
		return -1;
	}
	lb_info("mounted the medium %s on " MEDIUM_MOUNT " (read-only)", dev);
	if (access(image, R_OK) < 0)
		lb_warn("no tools image " MEDIUM_MOUNT TOOLS_MEDIUM_PATH
			" on the medium %s: %s; missing: " TOOLS_MISSING,
			dev, strerror(errno));
	else if (mount_image(root, image, MEDIUM_MOUNT TOOLS_MEDIUM_PATH,
			     ops) == 0)
		return 0;
	/* nothing of it in use: the medium is let go */
	(void)ops->umount2(target, 0);
	return -1;
}

// SPDX-License-Identifier: GPL-2.0
#include "disks.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* SCSI peripheral device type of a disk (TYPE_DISK in scsi/scsi.h). */
#define SCSI_TYPE_DISK "0"
/* virtio device id of a block device (VIRTIO_ID_BLOCK in linux/virtio_ids.h). */
#define VIRTIO_ID_BLOCK 2

/* A sysfs attribute without its newline; its length, or -1. */
static int read_attr(const char *path, char *buf, size_t len)
{
	if (read_text(path, buf, len) < 0)
		return -1;
	chomp(buf);
	return (int)strlen(buf);
}

/* Copy at most len - 1 bytes; names longer than that are cut. */
static void copy_name(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int disks_slot_from_hctl(const char *hctl)
{
	unsigned h, c, t, l;
	char end;

	if (sscanf(hctl, "%u:%u:%u:%u%c", &h, &c, &t, &l, &end) != 4)
		return -1;
	if (c != 0 || l != 0 || t >= DISK_SLOTS)
		return -1;
	return (int)t;
}

/* "sdc" -> 2, "sdaa" -> -1: only single-letter sd names are slot names. */
static int slot_from_name(const char *name)
{
	if (strncmp(name, "sd", 2) || !name[2] || name[3])
		return -1;
	if (name[2] < 'a' || name[2] >= 'a' + DISK_SLOTS)
		return -1;
	return name[2] - 'a';
}

/* Printable serial from a SCSI VPD page 0x80 (4 header bytes, then text). */
static void serial_from_vpd(const char *path, char *out, size_t len)
{
	unsigned char buf[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	size_t i, j = 0, plen;

	out[0] = '\0';
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 4)
		return;
	plen = buf[3];
	for (i = 4; i < 4 + plen && i < (size_t)n && j + 1 < len; i++)
		if (isgraph(buf[i]))
			out[j++] = (char)buf[i];
	out[j] = '\0';
}

/* Size and read-only flag from ROOT/sys/block/NAME. */
static void scan_size(const char *root, const char *name, struct disk *d)
{
	char path[PATH_MAX], buf[PATH_MAX];
	unsigned long long sectors = 0;

	/* an attribute whose path does not fit reads as absent */
	if (path_fmt(path, sizeof(path), "%s/sys/block/%s/size", root, name) &&
	    read_attr(path, buf, sizeof(buf)) > 0)
		sectors = strtoull(buf, NULL, 10);
	d->bytes = sectors * 512ULL;
	if (!d->bytes)
		d->flags |= DISK_EMPTY;

	if (path_fmt(path, sizeof(path), "%s/sys/block/%s/ro", root, name) &&
	    read_attr(path, buf, sizeof(buf)) > 0 && buf[0] == '1')
		d->flags |= DISK_READONLY;
}

/* A SCSI disk at address base ("H:C:T:L"): virtio-scsi has slots. */
static void scan_scsi(const char *root, const char *name, const char *base,
		      unsigned host, struct disk *d)
{
	char path[PATH_MAX], buf[PATH_MAX];

	d->bus = BUS_SCSI;
	if (path_fmt(path, sizeof(path),
		     "%s/sys/class/scsi_host/host%u/proc_name", root, host) &&
	    read_attr(path, buf, sizeof(buf)) > 0)
		copy_name(d->controller, sizeof(d->controller), buf);
	if (!strcmp(d->controller, "virtio_scsi")) {
		d->bus = BUS_VIRTIO_SCSI;
		d->slot = disks_slot_from_hctl(base);
	}
	if (path_fmt(path, sizeof(path), "%s/sys/block/%s/device/vpd_pg80",
		     root, name))
		serial_from_vpd(path, d->serial, sizeof(d->serial));
	/* "0x1f": every failed command, reads of bad sectors and retries */
	if (path_fmt(path, sizeof(path), "%s/sys/block/%s/device/ioerr_cnt",
		     root, name) &&
	    read_attr(path, buf, sizeof(buf)) > 0)
		d->ioerrs = strtoul(buf, NULL, 0);
}

/* Bus, slot and serial, from where the device link points. */
static void scan_bus(const char *root, const char *name, struct disk *d)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *base;
	unsigned host;
	ssize_t n = -1;

	if (path_fmt(path, sizeof(path), "%s/sys/block/%s/device", root, name))
		n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	if (sscanf(base, "%u:", &host) == 1 && strchr(base, ':')) {
		scan_scsi(root, name, base, host, d);
	} else if (!strncmp(base, "virtio", 6)) {
		d->bus = BUS_VIRTIO_BLK;
		d->slot = slot_from_name(name);
		if (path_fmt(path, sizeof(path), "%s/sys/block/%s/serial", root,
			     name))
			read_attr(path, d->serial, sizeof(d->serial));
	} else if (!strncmp(base, "nvme", 4)) {
		copy_name(d->controller, sizeof(d->controller), "nvme");
		if (path_fmt(path, sizeof(path),
			     "%s/sys/block/%s/device/serial", root, name))
			read_attr(path, d->serial, sizeof(d->serial));
	} else if (!strncmp(base, "vbd-", 4)) {
		copy_name(d->controller, sizeof(d->controller), "xen-vbd");
	}
}

/* The partitions under ROOT/sys/block/NAME, sorted. */
static void scan_parts(const char *root, const char *name, struct disk *d)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *dir;

	if (!path_fmt(path, sizeof(path), "%s/sys/block/%s", root, name))
		return;
	dir = opendir(path);
	if (!dir)
		return;
	while ((e = readdir(dir)) && d->nparts < MAX_PARTS) {
		if (strncmp(e->d_name, name, strlen(name)))
			continue;
		if (path_fmt(path, sizeof(path), "%s/sys/block/%s/%s/partition",
			     root, name, e->d_name) &&
		    exists(path))
			copy_name(d->parts[d->nparts++], sizeof(d->parts[0]),
				  e->d_name);
	}
	closedir(dir);
	qsort(d->parts, (size_t)d->nparts, sizeof(d->parts[0]),
	      (int (*)(const void *, const void *))strcmp);
}

static void scan_one(const char *root, const char *name, struct disk *d)
{
	memset(d, 0, sizeof(*d));
	copy_name(d->name, sizeof(d->name), name);
	d->slot = -1;
	scan_size(root, name, d);
	scan_bus(root, name, d);
	/* The kernel gives a slot disk the slot's name; anything else is odd. */
	if (d->slot < 0 || slot_from_name(name) != d->slot) {
		d->slot = -1;
		d->flags |= DISK_NOT_SLOT;
	}
}

static int by_name(const void *a, const void *b)
{
	const struct disk *x = a, *y = b;
	size_t lx = strlen(x->name), ly = strlen(y->name);

	/* sdz before sdaa, as the kernel counts */
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * A customer disk's name: sd*, vd*, or an NVMe namespace (nvme0n1; not a
 * multipath controller path nvme0c0n1). Loop devices (the tools image's),
 * device-mapper and md devices are not disks.
 */
static bool is_disk_name(const char *name)
{
	unsigned ctrl, ns;
	int end = 0;

	if (!strncmp(name, "sd", 2) || !strncmp(name, "vd", 2) ||
	    !strncmp(name, "xvd", 3))
		return true;
	return sscanf(name, "nvme%un%u%n", &ctrl, &ns, &end) == 2 && !name[end];
}

int disks_names(const char *root, char (*names)[DISK_NAME_SIZE], int max)
{
	DIR *dir = opendir_at(root, "/sys/block");
	struct dirent *e;
	int n = 0;

	if (!dir)
		return 0;
	while ((e = readdir(dir)) && n < max) {
		if (!is_disk_name(e->d_name))
			continue;
		if (strlen(e->d_name) >= DISK_NAME_SIZE)
			continue;
		copy_name(names[n++], DISK_NAME_SIZE, e->d_name);
	}
	closedir(dir);
	return n;
}

static int scan(const char *root, struct disk *disks, int max, bool parts)
{
	char names[MAX_DISKS][DISK_NAME_SIZE];
	int n = disks_names(root, names, max < MAX_DISKS ? max : MAX_DISKS);

	for (int i = 0; i < n; i++) {
		scan_one(root, names[i], &disks[i]);
		if (parts)
			scan_parts(root, names[i], &disks[i]);
	}
	qsort(disks, (size_t)n, sizeof(*disks), by_name);
	return n;
}

int disks_scan(const char *root, struct disk *disks, int max)
{
	return scan(root, disks, max, true);
}

int disks_scan_whole(const char *root, struct disk *disks, int max)
{
	return scan(root, disks, max, false);
}

void disks_scan_parts(const char *root, struct disk *disks, int n)
{
	for (int i = 0; i < n; i++) {
		disks[i].nparts = 0;
		scan_parts(root, disks[i].name, &disks[i]);
	}
}

static bool scsi_is_disk(const char *type)
{
	return !strcmp(type, SCSI_TYPE_DISK);
}

static bool virtio_is_block(const char *id)
{
	return strtoul(id, NULL, 0) == VIRTIO_ID_BLOCK;
}

/*
 * Where a disk shows before the kernel has named it: per bus, which devices
 * are disks, and what appears once the kernel is done with one.
 */
static const struct bus_wait {
	const char *bus; /* under ROOT/sys/bus */
	const char *name_has; /* what a device's name holds ("": any) */
	const char *type_attr; /* the attribute that says what it is */
	bool (*is_disk)(const char *type);
	const char *ready_attr; /* there once the kernel has named it */
} bus_waits[] = {
	/* H:C:T:L (hosts and targets are listed too) without a block device */
	{ "scsi", ":", "type", scsi_is_disk, "block" },
	/* a virtio block device that no driver has taken yet */
	{ "virtio", "", "device", virtio_is_block, "driver" },
};

static int bus_pending(const char *root, const struct bus_wait *w)
{
	char path[PATH_MAX], buf[64];
	struct dirent *e;
	int pending = 0;
	DIR *dir = NULL;

	/* a device whose path does not fit is not waited for */
	if (path_fmt(path, sizeof(path), "%s/sys/bus/%s/devices", root, w->bus))
		dir = opendir(path);
	if (!dir)
		return 0;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.' || !strstr(e->d_name, w->name_has))
			continue;
		if (!path_fmt(path, sizeof(path), "%s/sys/bus/%s/devices/%s/%s",
			      root, w->bus, e->d_name, w->type_attr) ||
		    read_attr(path, buf, sizeof(buf)) <= 0 || !w->is_disk(buf))
			continue;
		if (path_fmt(path, sizeof(path), "%s/sys/bus/%s/devices/%s/%s",
			     root, w->bus, e->d_name, w->ready_attr) &&
		    !exists(path))
			pending++;
	}
	closedir(dir);
	return pending;
}

int disks_pending(const char *root)
{
	int pending = 0;

	for (size_t i = 0; i < ARRAY_SIZE(bus_waits); i++)
		pending += bus_pending(root, &bus_waits[i]);
	return pending;
}

void disks_read_medium_id(const char *root, char *buf, size_t len)
{
	char path[PATH_MAX];

	if (!path_join(path, sizeof(path), root, MEDIUM_ID_FILE) ||
	    read_text(path, buf, len) < 0)
		buf[0] = '\0';
	chomp(buf);
}

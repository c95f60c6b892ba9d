// SPDX-License-Identifier: GPL-2.0
#include "disktable.h"
#include "banner.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static void copy_text(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* /proc/mounts escapes blanks as \040; mount points are shown unescaped. */
static void unescape(char *s)
{
	char *w = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 4;
		} else {
			*w++ = *s++;
		}
	}
	*w = '\0';
}

void disktable_mountpoint(const char *root, const char *name, char *buf,
			  size_t len)
{
	char path[PATH_MAX], line[1024], dev[PATH_MAX], src[512], dir[512];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/proc/self/mounts", root);
	snprintf(dev, sizeof(dev), "/dev/%s", name);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%511s %511s", src, dir) != 2)
			continue;
		if (strcmp(src, dev))
			continue;
		unescape(dir);
		if (buf[0]) {
			/* more than one place: say so, keep the first */
			size_t l = strlen(buf);

			if (l + 2 < len)
				copy_text(buf + l, len - l, ",+");
			break;
		}
		copy_text(buf, len, dir);
	}
	fclose(f);
}

static void flags_text(const struct disk *d, char *buf, size_t len)
{
	buf[0] = '\0';
	if (d->flags & DISK_MEDIUM)
		strncat(buf, "lifeboat-medium ", len - strlen(buf) - 1);
	if (d->flags & DISK_FOREIGN_7)
		strncat(buf, "not-the-medium ", len - strlen(buf) - 1);
	if (d->flags & DISK_READONLY)
		strncat(buf, "read-only ", len - strlen(buf) - 1);
	if (d->flags & DISK_EMPTY)
		strncat(buf, "empty ", len - strlen(buf) - 1);
	if (d->bus == BUS_VIRTIO_BLK)
		strncat(buf, "virtio-blk ", len - strlen(buf) - 1);
	if ((d->flags & DISK_NOT_SLOT) && d->bus != BUS_VIRTIO_BLK)
		strncat(buf, "no-slot ", len - strlen(buf) - 1);
	if (buf[0])
		buf[strlen(buf) - 1] = '\0';
}

int disktable_rows(const char *root, const struct disk *disks, int n,
		   struct disk_row *rows, int max)
{
	char path[PATH_MAX], buf[64];
	int i, p, r = 0;

	for (i = 0; i < n && r < max; i++) {
		const struct disk *d = &disks[i];
		struct disk_row *row = &rows[r++];

		memset(row, 0, sizeof(*row));
		copy_text(row->name, sizeof(row->name), d->name);
		row->slot = d->slot;
		row->bytes = d->bytes;
		copy_text(row->serial, sizeof(row->serial), d->serial);
		flags_text(d, row->flags, sizeof(row->flags));
		if (d->bytes)
			disktable_probe(root, d->name, &row->fs);
		disktable_mountpoint(root, d->name, row->fs.mounted,
				     sizeof(row->fs.mounted));
		for (p = 0; p < d->nparts && r < max; p++) {
			FILE *f;
			unsigned long long sectors = 0;

			row = &rows[r++];
			memset(row, 0, sizeof(*row));
			copy_text(row->name, sizeof(row->name), d->parts[p]);
			row->slot = -1;
			row->is_part = 1;
			snprintf(path, sizeof(path), "%s/sys/block/%s/%s/size",
				 root, d->name, d->parts[p]);
			f = fopen(path, "re");
			if (f) {
				if (fgets(buf, sizeof(buf), f))
					sscanf(buf, "%llu", &sectors);
				fclose(f);
			}
			row->bytes = sectors * 512ULL;
			disktable_probe(root, d->parts[p], &row->fs);
			disktable_mountpoint(root, d->parts[p], row->fs.mounted,
					     sizeof(row->fs.mounted));
		}
	}
	return r;
}

static const char *dash(const char *s)
{
	return s && *s ? s : "-";
}

void disktable_format(FILE *out, const struct disk_row *rows, int n)
{
	char size[16], slot[16], name[40];
	int i;

	if (n == 0) {
		fprintf(out, "  no disks found\n");
		return;
	}
	fprintf(out, "  %-7s %-4s %6s  %-16s %-8s %-16s %-9s %-12s %s\n",
		"DISK", "SLOT", "SIZE", "SERIAL", "FS", "LABEL", "UUID",
		"MOUNTED", "FLAGS");
	for (i = 0; i < n; i++) {
		const struct disk_row *r = &rows[i];
		char uuid[10];

		format_size(size, sizeof(size), r->bytes);
		if (r->slot >= 0)
			snprintf(slot, sizeof(slot), "%d", r->slot);
		else
			copy_text(slot, sizeof(slot), r->is_part ? "" : "-");
		snprintf(name, sizeof(name), "%s%s", r->is_part ? " " : "",
			 r->name);
		/* the whole UUID is in `lifeboat disks -l`/blkid; 8 chars tell */
		copy_text(uuid, 9, dash(r->fs.uuid));
		fprintf(out,
			"  %-7s %-4s %6s  %-16.16s %-8.8s %-16.16s %-9s %-12s %s\n",
			name, slot, size, r->is_part ? "" : dash(r->serial),
			dash(r->fs.type), dash(r->fs.label), uuid,
			dash(r->fs.mounted), r->flags);
	}
}

void disktable_print(FILE *out, const char *root, const char *medium_id)
{
	static struct disk disks[MAX_DISKS];
	static struct disk_row rows[MAX_DISKS * 4];
	int n, r;

	n = disks_scan(root, disks, MAX_DISKS);
	disks_mark_medium(root, disks, n, medium_id);
	r = disktable_rows(root, disks, n, rows, MAX_DISKS * 4);
	disktable_format(out, rows, r);
}

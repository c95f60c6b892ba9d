// SPDX-License-Identifier: GPL-2.0
/*
 * The disk table as JSON (`lifeboat disks --json`; README "Machine-readable
 * state" is the schema): the same rows as the text table, with whole
 * values (the full UUID, every mount point) and the stack around each row.
 */
#include "disktable.h"
#include "json.h"
#include "procmounts.h"
#include "util.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DISKS_JSON_SCHEMA 1

/* What a row is: a disk, a partition, an md array, an LV, another dm device. */
static const char *row_type(const struct disk_row *r)
{
	if (!r->stack)
		return r->is_part ? "part" : "disk";
	if (!strncmp(r->dev, "md", 2))
		return "md";
	return r->alias[1][0] ? "lvm" : "dm";
}

/* The table's name of the device whose node is dev; dev when no row has it. */
static const char *row_name(const struct disk_row *rows, int n, const char *dev)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(rows[i].dev, dev))
			return rows[i].name;
	return dev;
}

/* The entries of ROOT/sys/class/block/DEV/WHICH (slaves, holders). */
static void sysfs_links(struct json *j, const char *root,
			const struct disk_row *rows, int n, const char *dev,
			const char *which)
{
	struct dirent **names;
	char path[PATH_MAX];
	int k;

	if (!path_fmt(path, sizeof(path), "%s/sys/class/block/%s/%s", root, dev,
		      which))
		return;
	k = scandir(path, &names, NULL, alphasort);
	for (int i = 0; i < k; i++) {
		if (names[i]->d_name[0] != '.')
			json_string(j, row_name(rows, n, names[i]->d_name));
		free(names[i]);
	}
	if (k >= 0)
		free(names);
}

static bool row_has_node(const struct disk_row *r, const char *src)
{
	if (strncmp(src, "/dev/", 5))
		return false;
	src += 5;
	if (!strcmp(src, r->dev))
		return true;
	for (size_t a = 0; a < ARRAY_SIZE(r->alias); a++)
		if (r->alias[a][0] && !strcmp(src, r->alias[a]))
			return true;
	return false;
}

/* Every place ROOT/proc/self/mounts has the row mounted, in its order. */
static void mounts(struct json *j, const char *root, const struct disk_row *r)
{
	char path[PATH_MAX], line[1024], src[512], field[512], dir[512];
	FILE *f;

	if (!path_join(path, sizeof(path), root, "/proc/self/mounts"))
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%511s %511s", src, field) != 2 ||
		    !row_has_node(r, src) ||
		    !mounts_unescape(dir, sizeof(dir), field, strlen(field)))
			continue;
		json_string(j, dir);
	}
	(void)fclose(f); /* read only */
}

static void row_json(struct json *j, const char *root,
		     const struct disk_row *rows, int n, int i)
{
	const struct disk_row *r = &rows[i];
	char dev[48];

	cut_fmt(dev, sizeof(dev), "/dev/%s", r->dev);
	json_open(j, '{');
	json_kv_text(j, "name", r->name);
	json_kv_text(j, "dev", dev);
	json_kv_text(j, "type", row_type(r));
	json_key(j, "slot");
	if (r->slot >= 0)
		json_int(j, r->slot);
	else
		json_null(j);
	json_kv_int(j, "size", (long long)r->bytes);
	json_kv_text(j, "serial", r->serial);
	/* "?": the probe did not answer in time */
	json_kv_text(j, "fs", r->fs.type);
	json_kv_text(j, "label", r->fs.label);
	json_kv_text(j, "uuid", r->fs.uuid);
	json_key(j, "mounts");
	json_open(j, '[');
	mounts(j, root, r);
	json_close(j, ']');
	json_key(j, "parents");
	json_open(j, '[');
	if (r->is_part)
		json_string(j, rows[r->disk].name);
	else
		sysfs_links(j, root, rows, n, r->dev, "slaves");
	json_close(j, ']');
	json_key(j, "children");
	json_open(j, '[');
	for (int k = 0; k < n; k++)
		if (!r->stack && !r->is_part && rows[k].is_part &&
		    rows[k].disk == r->disk)
			json_string(j, rows[k].name);
	sysfs_links(j, root, rows, n, r->dev, "holders");
	json_close(j, ']');
	json_kv_words(j, "flags", r->flags);
	json_kv_text(j, "note", r->fs.note);
	json_kv_text(j, "state", r->state);
	json_kv_text(j, "os", r->fs.os);
	json_close(j, '}');
}

void disktable_json(FILE *out, const char *root, const struct disk_row *rows,
		    int n)
{
	struct json j;

	json_init(&j, out);
	json_open(&j, '{');
	json_kv_int(&j, "schema", DISKS_JSON_SCHEMA);
	json_key(&j, "disks");
	json_open(&j, '[');
	for (int i = 0; i < n; i++)
		row_json(&j, root, rows, n, i);
	json_close(&j, ']');
	json_close(&j, '}');
}

void disktable_print_json(FILE *out, const char *root, const char *medium_id)
{
	struct disk_row *rows;
	int r = disktable_rows(root, medium_id, &rows);

	disktable_json(out, root, rows, r);
}

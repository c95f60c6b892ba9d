// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <blkid.h>

#include "devlink.h"
#include "devlinks.h"
#include "util.h"

static const char *const by_tag[][2] = {
	{ "UUID", "by-uuid" },
	{ "LABEL", "by-label" },
	{ "PARTUUID", "by-partuuid" },
	{ "PARTLABEL", "by-partlabel" },
};

static void remember(struct devlinks *l, const char *path)
{
	char *p = strdup(path);

	if (p && l->n < DEVLINKS_MAX)
		l->made[l->n++] = p;
	else
		free(p);
}

static void mkdir_once(struct devlinks *l, const char *dir)
{
	if (mkdir(dir, 0755) == 0)
		remember(l, dir);
}

/* /dev/disk/DIR/escaped NAME -> TARGET, unless there is one */
static int link_one(struct devlinks *l, const char *dir, const char *name,
		    const char *target)
{
	char esc[256], d[64], path[512];
	struct stat st;

	if (l->n >= DEVLINKS_MAX || devlink_escape(name, esc, sizeof(esc)) ||
	    !path_fmt(d, sizeof(d), "/dev/disk/%s", dir) ||
	    !path_fmt(path, sizeof(path), "%s/%s", d, esc))
		return 0;
	mkdir_once(l, "/dev/disk");
	mkdir_once(l, d);
	if (lstat(path, &st) == 0 || symlink(target, path) < 0)
		return 0;
	remember(l, path);
	return 1;
}

static int dm_links(struct devlinks *l)
{
	static const char *const fields[][2] = { { "uuid", "dm-uuid-" },
						 { "name", "dm-name-" } };
	char path[512], text[256], name[300], dev[300];
	struct dirent *e;
	DIR *d = opendir("/sys/block");
	size_t i;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "dm-", 3) ||
		    !path_fmt(dev, sizeof(dev), "/dev/%s", e->d_name))
			continue;
		for (i = 0; i < ARRAY_SIZE(fields); i++) {
			if (!path_fmt(path, sizeof(path), "/sys/block/%s/dm/%s",
				      e->d_name, fields[i][0]) ||
			    read_text(path, text, sizeof(text)) <= 0)
				continue;
			chomp(text);
			if (text[0] && path_fmt(name, sizeof(name), "%s%s",
						fields[i][1], text))
				n += link_one(l, "by-id", name, dev);
		}
	}
	(void)closedir(d);
	return n;
}

int devlinks_make(struct devlinks *l)
{
	const char *type, *value, *devname;
	blkid_cache cache = NULL;
	blkid_dev_iterate it;
	blkid_tag_iterate tags;
	blkid_dev dev;
	size_t i;
	int n = 0;

	if (blkid_get_cache(&cache, "/dev/null") == 0 &&
	    blkid_probe_all(cache) == 0 &&
	    (it = blkid_dev_iterate_begin(cache))) {
		while (blkid_dev_next(it, &dev) == 0) {
			dev = blkid_verify(cache, dev);
			if (!dev)
				continue;
			devname = blkid_dev_devname(dev);
			tags = blkid_tag_iterate_begin(dev);
			while (tags && blkid_tag_next(tags, &type, &value) == 0)
				for (i = 0; i < ARRAY_SIZE(by_tag); i++)
					if (!strcmp(type, by_tag[i][0]))
						n += link_one(l, by_tag[i][1],
							      value, devname);
			blkid_tag_iterate_end(tags);
		}
		blkid_dev_iterate_end(it);
	}
	if (cache)
		blkid_put_cache(cache);
	return n + dm_links(l);
}

void devlinks_undo(struct devlinks *l)
{
	struct stat st;

	while (l->n > 0) {
		l->n--;
		if (lstat(l->made[l->n], &st) == 0)
			(void)(S_ISDIR(st.st_mode) ? rmdir(l->made[l->n]) :
						     unlink(l->made[l->n]));
		free(l->made[l->n]);
		l->made[l->n] = NULL;
	}
}

// SPDX-License-Identifier: GPL-2.0
#include "stacks.h"
#include "util.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ROOT/sys/block/DEV/FILE without its newline; "" when it cannot be read. */
static void sys_text(const char *root, const char *dev, const char *file,
		     char *buf, size_t len)
{
	char path[PATH_MAX];

	if (!path_fmt(path, sizeof(path), "%s/sys/block/%s/%s", root, dev,
		      file) ||
	    read_text(path, buf, len) < 0)
		buf[0] = '\0';
	chomp(buf);
}

int stacks_lv_name(const char *dm_name, char *buf, size_t len)
{
	size_t o = 0;
	int split = 0;

	for (const char *p = dm_name; *p; p++) {
		char c = *p;

		if (c == '-' && p[1] == '-')
			p++; /* a '-' of the name itself */
		else if (c == '-' && !split && p != dm_name && p[1])
			c = '/', split = 1;
		else if (c == '-')
			return -1; /* a third part: not VG-LV */
		if (o + 1 >= len)
			return -1;
		buf[o++] = c;
	}
	buf[o] = '\0';
	return split ? 0 : -1;
}

/* "sda, sdb": the entries of ROOT/sys/block/DEV/slaves, by name. */
static void slaves_text(const char *root, const char *dev, char *buf,
			size_t len)
{
	char path[PATH_MAX];
	struct dirent **names;
	int n;

	buf[0] = '\0';
	if (!path_fmt(path, sizeof(path), "%s/sys/block/%s/slaves", root, dev))
		return;
	n = scandir(path, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *e = names[i]->d_name;

		if (e[0] != '.' && strlen(buf) + strlen(e) + 3 < len) {
			if (buf[0])
				strcat(buf, ", ");
			strcat(buf, e);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

static void dm_dev(const char *root, struct stack_dev *s)
{
	char uuid[160], slaves[48], vg[STACKS_NAME_MAX];

	sys_text(root, s->dev, "dm/name", s->dm_name, sizeof(s->dm_name));
	sys_text(root, s->dev, "dm/uuid", uuid, sizeof(uuid));
	slaves_text(root, s->dev, slaves, sizeof(slaves));
	if (!strncmp(uuid, "LVM-", 4) &&
	    !stacks_lv_name(s->dm_name, s->name, sizeof(s->name))) {
		s->kind = STACK_LV;
		copy_text(vg, strcspn(s->name, "/") + 1, s->name);
		cut_fmt(s->note, sizeof(s->note), "LV of VG %s on %s", vg,
			slaves[0] ? slaves : "?");
		return;
	}
	s->kind = strncmp(uuid, "CRYPT-", 6) ? STACK_DM : STACK_CRYPT;
	cut_fmt(s->name, sizeof(s->name), "mapper/%s", s->dm_name);
	cut_fmt(s->note, sizeof(s->note), "%s, open on %s",
		s->kind == STACK_CRYPT ? "dm-crypt" : "device-mapper",
		slaves[0] ? slaves : "?");
}

static void md_dev(const char *root, struct stack_dev *s)
{
	char level[16], state[24], slaves[48];

	s->kind = STACK_MD;
	copy_text(s->name, sizeof(s->name), s->dev);
	sys_text(root, s->dev, "md/level", level, sizeof(level));
	sys_text(root, s->dev, "md/array_state", state, sizeof(state));
	slaves_text(root, s->dev, slaves, sizeof(slaves));
	cut_fmt(s->note, sizeof(s->note), "md %s of %s (%s)",
		level[0] ? level : "?", slaves[0] ? slaves : "?",
		state[0] ? state : "?");
}

static int stack_cmp(const void *a, const void *b)
{
	const struct stack_dev *x = a, *y = b;

	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return strcmp(x->name, y->name);
}

static int is_stack_dev(const char *name)
{
	return (!strncmp(name, "dm-", 3) || !strncmp(name, "md", 2)) &&
	       strlen(name) < sizeof(((struct stack_dev *)0)->dev);
}

int stacks_scan(const char *root, struct stack_dev *s, int max)
{
	DIR *dir = opendir_at(root, "/sys/block");
	char size[32];
	unsigned long long sectors;
	struct dirent *e;
	int n = 0;

	if (!dir)
		return 0;
	while ((e = readdir(dir)) && n < max) {
		struct stack_dev *d = &s[n];

		if (!is_stack_dev(e->d_name))
			continue;
		sys_text(root, e->d_name, "size", size, sizeof(size));
		/* an md array that is not running, a dm device not loaded */
		if (sscanf(size, "%llu", &sectors) != 1 || !sectors)
			continue;
		memset(d, 0, sizeof(*d));
		copy_text(d->dev, sizeof(d->dev), e->d_name);
		d->bytes = sectors * 512ULL;
		if (e->d_name[0] == 'd')
			dm_dev(root, d);
		else
			md_dev(root, d);
		n++;
	}
	(void)closedir(dir);
	qsort(s, (size_t)n, sizeof(*s), stack_cmp);
	return n;
}

int stacks_holder(const char *root, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	struct dirent **names;
	int n, found = -1;

	buf[0] = '\0';
	if (!path_fmt(path, sizeof(path), "%s/sys/class/block/%s/holders", root,
		      name))
		return -1;
	n = scandir(path, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *h = names[i]->d_name;

		if (found && h[0] != '.' && is_stack_dev(h)) {
			if (h[0] == 'd')
				sys_text(root, h, "dm/name", buf, len);
			else
				copy_text(buf, len, h);
			found = buf[0] ? 0 : -1;
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return found;
}

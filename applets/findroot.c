// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <blkid.h>
#include <libmount.h>

#include "crypt.h"
#include "findroot.h"
#include "lifeboat.h"
#include "osrelease.h"
#include "rootopts.h"
#include "runcmd.h"
#include "util.h"

#define ROOTS_MAX 16
#define PROBE "/run/lifeboat/findroot"

/* the md arrays there are now, as a list of names in buf ("md0 md127 ") */
static void arrays_now(char *buf, size_t size)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;
	size_t n = 0;

	buf[0] = '\0';
	if (!d)
		return;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "md", 2) &&
		    n + strlen(e->d_name) + 2 < size)
			n += (size_t)snprintf(buf + n, size - n, "%s ",
					      e->d_name);
	(void)closedir(d);
}

static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && p[n] == ' ')
			return 1;
	return 0;
}

/* 1 when a dm device's uuid starts with LVM-UUID (an LV of the VG is up) */
static int vg_active(const char *uuid)
{
	char path[300], text[256], want[128];
	DIR *d = opendir("/sys/block");
	struct dirent *e;
	int found = 0;

	if (!d || !path_fmt(want, sizeof(want), "LVM-%s", uuid)) {
		if (d)
			(void)closedir(d);
		return 0;
	}
	while (!found && (e = readdir(d)))
		found = !strncmp(e->d_name, "dm-", 3) &&
			path_fmt(path, sizeof(path), "/sys/block/%s/dm/uuid",
				 e->d_name) &&
			read_text(path, text, sizeof(text)) > 0 &&
			!strncmp(text, want, strlen(want));
	(void)closedir(d);
	return found;
}

int stack_push(struct stack *s, enum up_kind kind, const char *name,
	       const char *dev)
{
	struct stack_item *it;

	if (s->n >= STACK_MAX)
		return -1;
	it = &s->items[s->n];
	it->name = strdup(name);
	if (!it->name)
		return -1;
	it->kind = kind;
	(void)snprintf(it->dev, sizeof(it->dev), "%s", dev ? dev : "");
	s->n++;
	return 0;
}

int stack_busy(const struct stack *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->items[i].kind != UP_SKIP)
			return 1;
	return 0;
}

static void vg_change(struct stack *s, const char *name)
{
	char *argv[] = { "lvm", "vgchange", "-ay", (char *)name, NULL };

	if (run(argv, 0, NULL, 0) == 0 &&
	    stack_push(s, UP_VG, name, NULL) < 0) {
		argv[2] = "-an";
		(void)run(argv, 0, NULL, 0);
	}
}

void activate_vgs(struct stack *s)
{
	static char list[8192];
	char name[256], uuid[128],
		*argv[6] = {
			"lvm", "vgs", "--noheadings", "-o", "vg_name,vg_uuid",
			NULL
		};
	char *line, *save = NULL;
	size_t i, j;

	if (run(argv, 1, list, sizeof(list)) != 0)
		return;
	for (line = strtok_r(list, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%255s %127s", name, uuid) != 2)
			continue;
		for (i = j = 0; uuid[i]; i++)
			if (uuid[i] != '-')
				uuid[j++] = uuid[i];
		uuid[j] = '\0';
		if (!vg_active(uuid))
			vg_change(s, name);
	}
}

void stack_up(struct stack *s)
{
	char before[1024], after[1024], *p,
		*argv[] = { "mdadm", "--assemble", "--scan", NULL };
	int round;

	arrays_now(before, sizeof(before));
	(void)run(argv, 1, NULL, 0);
	arrays_now(after, sizeof(after));
	for (p = strtok(after, " "); p; p = strtok(NULL, " "))
		if (!listed(before, p)) {
			printf("lifeboat: assembled /dev/%s\n", p);
			if (stack_push(s, UP_ARRAY, p, NULL) < 0)
				break;
		}
	activate_vgs(s);
	/* LUKS on an LV, an LV on LUKS: a few layers at most */
	for (round = 0; round < 3 && crypt_open_all(s) > 0; round++)
		activate_vgs(s);
}

static int undo(const struct stack_item *it)
{
	char dev[96], *argv[5] = { NULL };

	switch (it->kind) {
	case UP_VG:
		argv[0] = "lvm";
		argv[1] = "vgchange";
		argv[2] = "-an";
		argv[3] = it->name;
		if (run(argv, 0, NULL, 0) == 0)
			return 0;
		(void)fprintf(stderr, "lifeboat: could not deactivate VG %s\n",
			      it->name);
		return -1;
	case UP_CRYPT:
		return crypt_close(it);
	case UP_ARRAY:
		if (!path_fmt(dev, sizeof(dev), "/dev/%s", it->name))
			return -1;
		argv[0] = "mdadm";
		argv[1] = "--stop";
		argv[2] = dev;
		if (run(argv, 1, NULL, 0)) {
			(void)fprintf(stderr, "lifeboat: could not stop %s\n",
				      dev);
			return -1;
		}
		printf("lifeboat: stopped %s\n", dev);
		return 0;
	case UP_SKIP:
		break;
	}
	return 0;
}

void stack_down(struct stack *s)
{
	while (s->n > 0) {
		s->n--;
		(void)undo(&s->items[s->n]);
		free(s->items[s->n].name);
		s->items[s->n].name = NULL;
	}
}

/* dir holds an installed system: /etc/fstab and an os-release */
static int is_root(const char *dir, char *os, size_t size)
{
	char path[4096];
	struct stat st;

	return path_join(path, sizeof(path), dir, "/etc/fstab") &&
	       stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       osrelease_name(dir, os, size) == 0;
}

/* the options of the / entry of dir's fstab, as written, into buf */
static void root_options(const char *dir, char *buf, size_t size)
{
	struct libmnt_table *tb = mnt_new_table();
	struct libmnt_fs *fs;
	char path[4096];

	buf[0] = '\0';
	if (tb && path_join(path, sizeof(path), dir, "/etc/fstab") &&
	    mnt_table_parse_fstab(tb, path) == 0 &&
	    (fs = mnt_table_find_target(tb, "/", MNT_ITER_FORWARD)) &&
	    mnt_fs_get_options(fs) &&
	    snprintf(buf, size, "%s", mnt_fs_get_options(fs)) >= (int)size)
		buf[0] = '\0';
	mnt_unref_table(tb);
}

static void add_root(struct found_root *roots, int *n, const char *dev,
		     const char *subvol, const char *dir, const char *os)
{
	struct found_root *r = &roots[*n];
	char opts[256], path[4096];

	if (*n >= ROOTS_MAX)
		return;
	root_options(dir, opts, sizeof(opts));
	if (rootopts(subvol, opts, r->options, sizeof(r->options)) &&
	    rootopts(subvol, "", r->options, sizeof(r->options))) {
		(void)fprintf(stderr,
			      "lifeboat: %s subvol=%s holds %s, but that name "
			      "cannot be mounted by subvol=; skipped\n",
			      dev, subvol, os);
		return;
	}
	(void)snprintf(r->dev, sizeof(r->dev), "%s", dev);
	(void)snprintf(r->subvol, sizeof(r->subvol), "%s", subvol);
	(void)snprintf(r->os, sizeof(r->os), "%s", os);
	if (!path_join(path, sizeof(path), dir, "/etc/crypttab") ||
	    read_text(path, r->crypttab, sizeof(r->crypttab)) < 0)
		r->crypttab[0] = '\0';
	(*n)++;
}

/*
 * The subvolume a btrfs mount at target shows (the default subvolume when
 * mounted without subvol=), as subvol= takes it, into buf; "" for the top.
 */
static void mounted_subvol(const char *target, char *buf, size_t size)
{
	struct libmnt_table *tb =
		mnt_new_table_from_file("/proc/self/mountinfo");
	struct libmnt_fs *fs =
		tb ? mnt_table_find_target(tb, target, MNT_ITER_BACKWARD) :
		     NULL;
	const char *root = fs ? mnt_fs_get_root(fs) : NULL;

	if (!root ||
	    snprintf(buf, size, "%s", rootopts_subvol(root)) >= (int)size)
		buf[0] = '\0';
	mnt_unref_table(tb);
}

/* the btrfs subvolumes at the top of the mount at dir, each a root? */
static void btrfs_roots(struct found_root *roots, int *n, const char *dev)
{
	char path[4096], os[128];
	DIR *d = opendir(PROBE);
	struct dirent *e;
	struct stat st;

	if (!d)
		return;
	while ((e = readdir(d))) {
		/* a subvolume's root directory is inode 256 */
		if (e->d_name[0] == '.' ||
		    !path_fmt(path, sizeof(path), PROBE "/%s", e->d_name) ||
		    lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) ||
		    st.st_ino != 256)
			continue;
		if (is_root(path, os, sizeof(os)))
			add_root(roots, n, dev, e->d_name, path, os);
	}
	(void)closedir(d);
}

/* dev node for a /proc/partitions name: dm-N as /dev/mapper/NAME */
int findroot_dev_path(const char *name, char *buf, size_t size)
{
	char path[300], text[256];

	if (!strncmp(name, "dm-", 3) &&
	    path_fmt(path, sizeof(path), "/sys/block/%s/dm/name", name) &&
	    read_text(path, text, sizeof(text)) > 0) {
		chomp(text);
		return path_fmt(buf, size, "/dev/mapper/%s", text) ? 0 : -1;
	}
	return path_fmt(buf, size, "/dev/%s", name) ? 0 : -1;
}

static int mounted(dev_t devno)
{
	struct libmnt_table *tb =
		mnt_new_table_from_file("/proc/self/mountinfo");
	int rc = tb && mnt_table_find_devno(tb, devno, MNT_ITER_FORWARD);

	mnt_unref_table(tb);
	return rc;
}

static void look_at(struct found_root *roots, int *n, const char *name)
{
	char dev[128], os[128], subvol[128];
	const char *data = "";
	struct stat st;
	char *type;

	if (!strncmp(name, "loop", 4) || !strncmp(name, "ram", 3) ||
	    !strncmp(name, "sr", 2) ||
	    findroot_dev_path(name, dev, sizeof(dev)) || stat(dev, &st) < 0 ||
	    !S_ISBLK(st.st_mode) || mounted(st.st_rdev))
		return;
	type = blkid_get_tag_value(NULL, "TYPE", dev);
	if (!type)
		return;
	/* looking writes nothing: no journal or log replayed */
	if (!strcmp(type, "xfs"))
		data = "norecovery";
	else if (!strcmp(type, "btrfs"))
		data = "rescue=nologreplay";
	else if (!strncmp(type, "ext", 3))
		data = "noload";
	if ((!strcmp(type, "xfs") || !strncmp(type, "ext", 3) ||
	     !strcmp(type, "btrfs")) &&
	    mount(dev, PROBE, type, MS_RDONLY | MS_NOSUID | MS_NODEV, data) ==
		    0) {
		if (is_root(PROBE, os, sizeof(os))) {
			/* btrfs: the default subvolume; say and mount which */
			subvol[0] = '\0';
			if (!strcmp(type, "btrfs"))
				mounted_subvol(PROBE, subvol, sizeof(subvol));
			add_root(roots, n, dev, subvol, PROBE, os);
		} else if (!strcmp(type, "btrfs")) {
			btrfs_roots(roots, n, dev);
		}
		(void)umount(PROBE);
	}
	free(type);
}

static int ask(int n)
{
	char line[32];
	int want;

	printf("lifeboat: which one? [1-%d] ", n);
	(void)fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	want = atoi(line);
	return want >= 1 && want <= n ? want : 0;
}

int findroot(int want, struct found_root *r)
{
	static struct found_root roots[ROOTS_MAX];
	char line[256], name[128];
	FILE *f = fopen("/proc/partitions", "re");
	int n = 0, i;

	if (!f)
		return EXIT_SYSTEM;
	(void)mkdir("/run/lifeboat", 0755);
	(void)mkdir(PROBE, 0755);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %*u %*u %*u %127s", name) == 1)
			look_at(roots, &n, name);
	(void)fclose(f);
	(void)rmdir(PROBE);
	if (!n) {
		(void)fprintf(stderr,
			      "lifeboat: no installed system found (no root "
			      "with /etc/fstab and /etc/os-release); lifeboat "
			      "disks shows what there is\n");
		return EXIT_JOB;
	}
	for (i = 0; i < n; i++)
		printf("lifeboat: found %d: %s%s%s  %s\n", i + 1, roots[i].dev,
		       roots[i].subvol[0] ? " subvol=" : "", roots[i].subvol,
		       roots[i].os);
	if (!want && n == 1)
		want = 1;
	if (!want)
		want = ask(n);
	if (want < 1 || want > n) {
		(void)fprintf(stderr,
			      "lifeboat: no such root; lifeboat chroot --root "
			      "N takes the Nth\n");
		return EXIT_USAGE;
	}
	*r = roots[want - 1];
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 16: active LVs, open LUKS volumes and md arrays from a fake /sys,
 * and the disk table's rows for them.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "disks.h"
#include "disktable.h"
#include "fakeroot.h"
#include "stacks.h"

/* The libblkid edge, faked: what each node holds. */
void disktable_probe(const char *root, const char *name, struct disk_fs *fs)
{
	static const char *const fss[][4] = {
		{ "sda", "LVM2_member", "rl", "" },
		{ "sdc", "crypto_LUKS", "", "" },
		{ "sdd", "linux_raid_member", "md12", "" },
		{ "sde", "linux_raid_member", "md12", "" },
		{ "sdf", "crypto_LUKS", "", "" },
		{ "dm-0", "xfs", "rlroot", "0123abcd-1111" },
		{ "dm-2", "ext4", "luks2", "4567cdef-2222" },
		{ "md127", "ext4", "md12", "89abcdef-3333" },
	};

	(void)root;
	memset(fs, 0, sizeof(*fs));
	for (size_t i = 0; i < sizeof(fss) / sizeof(fss[0]); i++) {
		if (strcmp(name, fss[i][0]))
			continue;
		strcpy(fs->type, fss[i][1]);
		strcpy(fs->label, fss[i][2]);
		strcpy(fs->uuid, fss[i][3]);
	}
}

static void test_lv_name(void)
{
	char buf[64];

	CHECK_INT(stacks_lv_name("rl-root", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "rl/root");
	CHECK_INT(stacks_lv_name("ubuntu--vg-ubuntu--lv", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "ubuntu-vg/ubuntu-lv");
	CHECK_INT(stacks_lv_name("vg-a--", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "vg/a-");
	CHECK_INT(stacks_lv_name("a-b-c", buf, sizeof(buf)), -1);
	CHECK_INT(stacks_lv_name("-root", buf, sizeof(buf)), -1);
	CHECK_INT(stacks_lv_name("vg-", buf, sizeof(buf)), -1);
	CHECK_INT(stacks_lv_name("novg", buf, sizeof(buf)), -1);
	CHECK_INT(stacks_lv_name("rl-root", buf, 7), -1); /* does not fit */
}

static void dm(const char *root, const char *dev, const char *name,
	       const char *uuid, const char *slave)
{
	char p[256];

	(void)snprintf(p, sizeof(p), "/sys/block/%s/size", dev);
	fakeroot_write(root, p, "81920\n");
	(void)snprintf(p, sizeof(p), "/sys/block/%s/dm/name", dev);
	fakeroot_write(root, p, name);
	(void)snprintf(p, sizeof(p), "/sys/block/%s/dm/uuid", dev);
	fakeroot_write(root, p, uuid);
	(void)snprintf(p, sizeof(p), "/sys/block/%s/slaves/%s", dev, slave);
	fakeroot_write(root, p, "");
	(void)snprintf(p, sizeof(p), "/sys/class/block/%s/holders/%s", slave,
		       dev);
	fakeroot_write(root, p, "");
}

/* sda: PV of rl (root active), sdc: LUKS open, sdd+sde: md127, sdf: LUKS */
static void fake_sys(const char *root)
{
	static const char *const disks[] = { "sda", "sdc", "sdd", "sde",
					     "sdf" };

	for (size_t i = 0; i < sizeof(disks) / sizeof(disks[0]); i++) {
		char p[128];

		(void)snprintf(p, sizeof(p), "/sys/block/%s/size", disks[i]);
		fakeroot_write(root, p, "131072\n");
		(void)snprintf(p, sizeof(p), "/sys/class/block/%s/holders",
			       disks[i]);
		fakeroot_mkdir(root, p);
	}
	dm(root, "dm-0", "rl-root\n", "LVM-aaaabbbb\n", "sda");
	dm(root, "dm-1", "ubuntu--vg-ubuntu--lv\n", "LVM-ccccdddd\n", "dm-2");
	dm(root, "dm-2", "luks2\n", "CRYPT-LUKS2-0011223344-luks2\n", "sdc");
	fakeroot_write(root, "/sys/block/md127/size", "65536\n");
	fakeroot_write(root, "/sys/block/md127/md/level", "raid1\n");
	fakeroot_write(root, "/sys/block/md127/md/array_state", "clean\n");
	fakeroot_write(root, "/sys/block/md127/slaves/sdd", "");
	fakeroot_write(root, "/sys/block/md127/slaves/sde", "");
	fakeroot_write(root, "/sys/class/block/sdd/holders/md127", "");
	fakeroot_write(root, "/sys/class/block/sde/holders/md127", "");
	/* stopped: no size, no row */
	fakeroot_write(root, "/sys/block/md0/size", "0\n");
	fakeroot_write(root, "/sys/block/loop0/size", "100\n");
}

static void test_scan(void)
{
	char buf[PATH_MAX], h[64];
	const char *root = fakeroot_new(buf, sizeof(buf));
	struct stack_dev s[STACKS_MAX];
	int n;

	CHECK_INT(stacks_scan(root, s, STACKS_MAX), 0);
	CHECK_INT(stacks_holder(root, "sdc", h, sizeof(h)), -1);
	fake_sys(root);
	n = stacks_scan(root, s, STACKS_MAX);
	CHECK_INT(n, 4);
	CHECK_STR(s[0].name, "md127");
	CHECK_INT(s[0].kind, STACK_MD);
	CHECK_STR(s[0].note, "md raid1 of sdd, sde (clean)");
	CHECK_INT(s[0].bytes, 65536 * 512ULL);
	CHECK_STR(s[1].name, "mapper/luks2");
	CHECK_INT(s[1].kind, STACK_CRYPT);
	CHECK_STR(s[1].note, "dm-crypt, open on sdc");
	CHECK_STR(s[2].name, "rl/root");
	CHECK_STR(s[2].dev, "dm-0");
	CHECK_STR(s[2].dm_name, "rl-root");
	CHECK_STR(s[2].note, "LV of VG rl on sda");
	CHECK_STR(s[3].name, "ubuntu-vg/ubuntu-lv");
	CHECK_STR(s[3].note, "LV of VG ubuntu-vg on dm-2");
	CHECK_INT(stacks_scan(root, s, 2), 2);

	CHECK_INT(stacks_holder(root, "sdc", h, sizeof(h)), 0);
	CHECK_STR(h, "luks2");
	CHECK_INT(stacks_holder(root, "sdd", h, sizeof(h)), 0);
	CHECK_STR(h, "md127");
	CHECK_INT(stacks_holder(root, "sdf", h, sizeof(h)), -1);
	CHECK_INT(stacks_holder(root, "sdx", h, sizeof(h)), -1);
	fakeroot_free(root);
}

static const struct disk_row *find(const struct disk_row *rows, int n,
				   const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	return NULL;
}

static void test_table(void)
{
	char buf[PATH_MAX], text[8192];
	const char *root = fakeroot_new(buf, sizeof(buf));
	struct disk d[MAX_DISKS];
	static struct disk_row rows[DISKTABLE_ROWS_MAX];
	const struct disk_row *r;
	int n, nr;
	FILE *f;

	fake_sys(root);
	fakeroot_write(root, "/proc/self/mounts",
		       "/dev/mapper/rl-root /media/rl xfs rw 0 0\n"
		       "/dev/md127 /media/md ext4 rw 0 0\n");
	n = disks_scan(root, d, MAX_DISKS);
	CHECK_INT(n, 5);
	nr = disktable_collect(root, d, n, rows, DISKTABLE_ROWS_MAX);
	CHECK_INT(nr, 9);
	disktable_fill(root, rows, nr, 0, NULL);
	disktable_flags(d, rows, nr);

	r = find(rows, nr, "rl/root");
	CHECK(r && r->stack && r->disk == -1);
	CHECK(r && !strcmp(r->fs.type, "xfs") &&
	      !strcmp(r->fs.label, "rlroot"));
	CHECK(r && !strcmp(r->fs.mounted, "/media/rl"));
	CHECK(r && !strcmp(r->state, "LV of VG rl on sda"));
	r = find(rows, nr, "md127");
	CHECK(r && !strcmp(r->fs.type, "ext4") &&
	      !strcmp(r->fs.mounted, "/media/md"));
	r = find(rows, nr, "mapper/luks2");
	CHECK(r && !strcmp(r->fs.label, "luks2") && !r->fs.mounted[0]);
	CHECK_STR(find(rows, nr, "sdc")->state, "open as /dev/mapper/luks2");
	CHECK_STR(find(rows, nr, "sdf")->state, "locked");
	CHECK_STR(find(rows, nr, "sdd")->state, "in md127");
	CHECK_STR(find(rows, nr, "sda")->state, "");

	f = fmemopen(text, sizeof(text), "w");
	disktable_format(f, rows, nr);
	CHECK(fclose(f) == 0);
	if (getenv("SHOW_TABLE"))
		(void)fputs(text, stdout);
	/*
	 * A stack's row is as wide as a disk's (its mount point and flags
	 * may pass 80 columns, as theirs do); the lines of long names and
	 * those below rows fit 80.
	 */
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		CHECK(strlen(line) <= 80 || strstr(line, " /media/") ||
		      !strncmp(line, "  sd", 4) || !strncmp(line, "  DISK", 6));
	fakeroot_free(root);
}

int main(void)
{
	test_lv_name();
	test_scan();
	test_table();
	return check_done();
}

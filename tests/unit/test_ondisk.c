// SPDX-License-Identifier: GPL-2.0
/* The parsers of on-disk headers and the disk table's notes, over fakes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "disknote.h"
#include "disktable.h"
#include "fakeroot.h"
#include "luks2.h"
#include "lvm2.h"
#include "mdraid.h"
#include "ondisk_fake.h"

#define DISK_SIZE (1024 * 1024)

static uint8_t *new_disk(struct ondisk_mem *m, struct ondisk *d)
{
	uint8_t *disk = calloc(1, DISK_SIZE);

	CHECK(disk != NULL);
	m->data = disk;
	m->len = DISK_SIZE;
	d->read = ondisk_mem_read;
	d->ctx = m;
	return disk;
}

static void test_lvm2(void)
{
	struct ondisk_mem m;
	struct ondisk d;
	uint8_t *disk = new_disk(&m, &d);
	char vg[LVM2_VG_NAME_MAX + 1], small[4];

	CHECK_INT(lvm2_vg_name(&d, vg, sizeof(vg)), -1);
	fake_lvm2(disk, 1, FAKE_MDA_SIZE, 0x600, "vg_root {\nid = \"x\"\n");
	CHECK_INT(lvm2_vg_name(&d, vg, sizeof(vg)), 0);
	CHECK_STR(vg, "vg_root");
	CHECK_INT(lvm2_vg_name(&d, small, sizeof(small)), 0);
	CHECK_STR(small, "vg_");

	/* the text wraps round the circular buffer to after the header */
	memset(disk, 0, DISK_SIZE);
	fake_lvm2(disk, 0, 8192, 8192 - 5, "data.vg-1 {\nseqno = 3\n");
	CHECK_INT(lvm2_vg_name(&d, vg, sizeof(vg)), 0);
	CHECK_STR(vg, "data.vg-1");

	/* a short text, not a name, a bad magic, no metadata area */
	memset(disk, 0, DISK_SIZE);
	fake_lvm2(disk, 0, FAKE_MDA_SIZE, 512, "vg0 ");
	CHECK_INT(lvm2_vg_name(&d, vg, sizeof(vg)), -1);
	fake_lvm2(disk, 0, FAKE_MDA_SIZE, 512, "-vg {\n");
	CHECK_INT(lvm2_vg_name(&d, vg, sizeof(vg)), -1);
	fake_lvm2(disk, 0, FAKE_MDA_SIZE, 512, ".. {\n");
	CHECK_INT(lvm2_vg_name(&d, vg, sizeof(vg)), -1);
	fake_lvm2(disk, 0, FAKE_MDA_SIZE, 512, "vg0 {\n");
	CHECK_INT(lvm2_vg_name(&d, vg, sizeof(vg)), 0);
	disk[FAKE_MDA + 5] ^= 1;
	CHECK_INT(lvm2_vg_name(&d, vg, sizeof(vg)), -1);
	disk[FAKE_MDA + 5] ^= 1;
	put_le64(disk + 32 + 72, 0); /* the PV header lists no mda */
	CHECK_INT(lvm2_vg_name(&d, vg, sizeof(vg)), -1);

	/* the label only counts in sectors 0-3, at its own sector */
	memset(disk, 0, DISK_SIZE);
	fake_lvm2(disk, 4, FAKE_MDA_SIZE, 512, "vg0 {\n");
	CHECK_INT(lvm2_vg_name(&d, vg, sizeof(vg)), -1);
	memset(disk, 0, DISK_SIZE);
	fake_lvm2(disk, 2, FAKE_MDA_SIZE, 512, "vg0 {\n");
	put_le64(disk + 1024 + 8, 3);
	CHECK_INT(lvm2_vg_name(&d, vg, sizeof(vg)), -1);

	/* an mda past the end of the device is a failed read */
	memset(disk, 0, DISK_SIZE);
	fake_lvm2(disk, 0, FAKE_MDA_SIZE, 512, "vg0 {\n");
	m.len = 4096;
	CHECK_INT(lvm2_vg_name(&d, vg, sizeof(vg)), -1);
	free(disk);
}

static void test_luks2_json(void)
{
	struct luks2_kdf kdf;
	const char *json = FAKE_LUKS2_JSON;
	char deep[128];

	CHECK_INT(luks2_json_argon2(json, strlen(json), &kdf), 1);
	CHECK_STR(kdf.type, "argon2id");
	CHECK_INT(kdf.memory_kib, 1048576);
	/* cut short, the document is not valid: no answer */
	CHECK_INT(luks2_json_argon2(json, strlen(json) - 1, &kdf), -1);
	CHECK_INT(kdf.memory_kib, 0);
	CHECK_INT(luks2_json_argon2("{\"keyslots\":{\"0\":{\"kdf\":{\"type\":"
				    "\"pbkdf2\",\"memory\":5}}}}",
				    200, &kdf),
		  0);
	CHECK_INT(luks2_json_argon2(" {} \n", 5, &kdf), 0);
	CHECK_INT(luks2_json_argon2("{\"keyslots\":{\"0\":{\"kdf\":{\"type\":"
				    "\"argon2i\",\"memory\":65536}}}}",
				    200, &kdf),
		  1);
	CHECK_INT(kdf.memory_kib, 65536);
	/* malformed: trailing text, bad escape, leading zero, bare word */
	CHECK_INT(luks2_json_argon2("{} x", 4, &kdf), -1);
	CHECK_INT(luks2_json_argon2("{\"a\\q\":1}", 9, &kdf), -1);
	CHECK_INT(luks2_json_argon2("{\"a\":01}", 8, &kdf), -1);
	CHECK_INT(luks2_json_argon2("{\"a\":tru}", 9, &kdf), -1);
	CHECK_INT(luks2_json_argon2("{\"a\":1,}", 8, &kdf), -1);
	CHECK_INT(luks2_json_argon2("[]", 2, &kdf), -1);
	CHECK_INT(luks2_json_argon2("", 0, &kdf), -1);
	/* nesting has a bound */
	memset(deep, 0, sizeof(deep));
	deep[0] = '{';
	strcat(deep, "\"a\":");
	for (int i = 0; i < 40; i++)
		strcat(deep, "[");
	for (int i = 0; i < 40; i++)
		strcat(deep, "]");
	strcat(deep, "}");
	CHECK_INT(luks2_json_argon2(deep, strlen(deep), &kdf), -1);
}

static void test_luks2_header(void)
{
	struct ondisk_mem m;
	struct ondisk d;
	uint8_t *disk = new_disk(&m, &d);
	struct luks2_kdf kdf;

	CHECK_INT(luks2_argon2(&d, &kdf), -1);
	fake_luks2(disk, FAKE_LUKS2_JSON);
	CHECK_INT(luks2_argon2(&d, &kdf), 1);
	CHECK_INT(kdf.memory_kib, 1048576);
	disk[7] = 1; /* LUKS1 has no JSON */
	CHECK_INT(luks2_argon2(&d, &kdf), -1);
	disk[7] = 2;
	put_be64(disk + 8, 1ULL << 40); /* no such header size */
	CHECK_INT(luks2_argon2(&d, &kdf), -1);
	put_be64(disk + 8, 4096);
	CHECK_INT(luks2_argon2(&d, &kdf), -1);
	put_be64(disk + 8, 4 << 20); /* the most: the JSON read is capped */
	CHECK_INT(luks2_argon2(&d, &kdf), 1);
	m.len = 8192; /* a JSON area past the device's end */
	CHECK_INT(luks2_argon2(&d, &kdf), -1);
	free(disk);
}

static void test_md(void)
{
	struct ondisk_mem m;
	struct ondisk d;
	uint8_t *disk = new_disk(&m, &d);
	struct md_info md;

	CHECK_INT(md_superblock(&d, 4096, &md), -1);
	fake_md1(disk, 4096, 1, 2);
	CHECK_INT(md_superblock(&d, 4096, &md), 0);
	CHECK_INT(md.level, 1);
	CHECK_INT(md.raid_disks, 2);
	CHECK_STR(md_level_name(md.level), "raid1");
	CHECK_STR(md_level_name(-1), "linear");
	CHECK(md_level_name(3) == NULL);
	/* 0.90: words */
	put_le32(disk + 8192, 0xa92b4efc);
	put_le32(disk + 8192 + 28, 5);
	put_le32(disk + 8192 + 40, 4);
	CHECK_INT(md_superblock(&d, 8192, &md), 0);
	CHECK_INT(md.level, 5);
	CHECK_INT(md.raid_disks, 4);
	put_le32(disk + 8192 + 4, 2);
	CHECK_INT(md_superblock(&d, 8192, &md), -1);
	put_le32(disk + 4096 + 92, 100000);
	CHECK_INT(md_superblock(&d, 4096, &md), -1);
	CHECK_INT(md_superblock(&d, DISK_SIZE - 64, &md), -1);
	free(disk);
}

static void test_notes(void)
{
	struct ondisk_mem m;
	struct ondisk d;
	uint8_t *disk = new_disk(&m, &d);
	struct disk_fs fs;
	struct disknote_in in = { "2", -1, 512 * 1024 };

	memset(&fs, 0, sizeof(fs));
	strcpy(fs.type, "ext4");
	disknote_make(&fs, &d, &in);
	CHECK_STR(fs.note, "");

	strcpy(fs.type, "crypto_LUKS");
	fake_luks2(disk, FAKE_LUKS2_JSON);
	disknote_make(&fs, &d, &in);
	CHECK_STR(fs.note, "LUKS2 argon2id needs 1072 MiB of RAM to open; "
			   "this VM has 512 MiB");
	in.ram_kib = 2048 * 1024;
	disknote_make(&fs, &d, &in);
	CHECK_STR(fs.note, "LUKS2, argon2id with 1024 MiB");
	CHECK(strstr(fs.note, "MiB of RAM to open") == NULL);
	in.ram_kib = 0; /* RAM unknown: no warning */
	disknote_make(&fs, &d, &in);
	CHECK(strstr(fs.note, "MiB of RAM to open") == NULL);
	in.version = "1";
	disknote_make(&fs, &d, &in);
	CHECK_STR(fs.note, "LUKS1");

	memset(disk, 0, DISK_SIZE);
	strcpy(fs.type, "LVM2_member");
	disknote_make(&fs, &d, &in);
	CHECK_STR(fs.note, "LVM2 PV, no VG metadata found");
	CHECK_STR(fs.label, "");
	fake_lvm2(disk, 1, FAKE_MDA_SIZE, 512, "ubuntu-vg {\n");
	disknote_make(&fs, &d, &in);
	CHECK_STR(fs.note, "LVM2 PV of VG ubuntu-vg");
	CHECK_STR(fs.label, "ubuntu-vg");

	memset(disk, 0, DISK_SIZE);
	memset(&fs, 0, sizeof(fs));
	strcpy(fs.type, "linux_raid_member");
	strcpy(fs.label, "host:root");
	disknote_make(&fs, &d, &in);
	CHECK_STR(fs.note, "linux_raid_member: md array host:root");
	fake_md1(disk, 4096, 10, 4);
	in.sb_off = 4096;
	disknote_make(&fs, &d, &in);
	CHECK_STR(fs.note,
		  "linux_raid_member: md raid10 of 4, array host:root");
	free(disk);
}

static void test_ram(void)
{
	char buf[PATH_MAX];
	const char *root = fakeroot_new(buf, sizeof(buf));

	CHECK_INT(disknote_ram_kib(root), 0);
	fakeroot_write(root, "/proc/meminfo",
		       "MemTotal:         492516 kB\nMemFree:  1 kB\n");
	CHECK_INT(disknote_ram_kib(root), 492516);
	fakeroot_write(root, "/proc/meminfo", "XMemTotal: 5 kB\n");
	CHECK_INT(disknote_ram_kib(root), 0);
	fakeroot_free(root);
}

/* A note is a line of its own under its row, within 80 columns. */
static void test_table_note(void)
{
	struct disk_row row;
	char *text, *line2, *end;

	memset(&row, 0, sizeof(row));
	strcpy(row.name, "sdb");
	row.slot = 1;
	row.bytes = 64 << 20;
	strcpy(row.serial, "LBDISK1");
	strcpy(row.fs.type, "crypto_LUKS");
	memset(row.fs.note, 'n', DISKTABLE_NOTE_MAX);
	text = disktable_text(&row, 1);
	CHECK(text != NULL);
	if (!text)
		return;
	CHECK(strstr(text, " crypto_LUKS ") != NULL);
	line2 = strchr(strchr(text, '\n') + 1, '\n') + 1;
	end = strchr(line2, '\n');
	CHECK(end != NULL && end - line2 == 80);
	CHECK(!strncmp(line2, "          nnn", 13));
	free(text);
}

int main(void)
{
	test_lvm2();
	test_luks2_json();
	test_luks2_header();
	test_md();
	test_notes();
	test_ram();
	test_table_note();
	return check_done();
}

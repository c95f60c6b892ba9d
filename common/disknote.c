// SPDX-License-Identifier: GPL-2.0
#include "disknote.h"
#include "luks2.h"
#include "lvm2.h"
#include "mdraid.h"
#include "util.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A note is cut to its column: the table's width is the bound, not ours. */
static void say(struct disk_fs *fs, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(struct disk_fs *fs, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(fs->note, sizeof(fs->note), fmt, ap);
	va_end(ap);
}

static void lvm2_note(struct disk_fs *fs, const struct ondisk *d)
{
	char vg[LVM2_VG_NAME_MAX + 1];

	if (lvm2_vg_name(d, vg, sizeof(vg))) {
		say(fs, "LVM2 PV, no VG metadata found");
		return;
	}
	if (!fs->label[0]) {
		size_t n = strnlen(vg, sizeof(fs->label) - 1);

		memcpy(fs->label, vg, n);
		fs->label[n] = '\0';
	}
	say(fs, "LVM2 PV of VG %s", vg);
}

static void md_note(struct disk_fs *fs, const struct ondisk *d, int64_t off)
{
	struct md_info md;
	const char *level = NULL;

	if (off >= 0 && !md_superblock(d, (uint64_t)off, &md))
		level = md_level_name(md.level);
	if (level)
		say(fs, "linux_raid_member: md %s of %u, array %s", level,
		    md.raid_disks, fs->label[0] ? fs->label : "?");
	else
		say(fs, "linux_raid_member: md array %s",
		    fs->label[0] ? fs->label : "?");
}

static void luks_note(struct disk_fs *fs, const struct ondisk *d,
		      const struct disknote_in *in)
{
	struct luks2_kdf kdf;
	unsigned long long need;

	if (strcmp(in->version, "2") || luks2_argon2(d, &kdf) != 1) {
		say(fs, "LUKS%s", in->version[0] ? in->version : "");
		return;
	}
	need = luks2_open_mib(&kdf);
	if (in->ram_kib && in->ram_kib / 1024 < need)
		say(fs,
		    "LUKS2 %s needs %llu MiB of RAM to open; this "
		    "VM has %llu MiB",
		    kdf.type, need, in->ram_kib / 1024);
	else
		say(fs, "LUKS2, %s with %llu MiB", kdf.type,
		    LUKS2_MIB(kdf.memory_kib));
}

void disknote_make(struct disk_fs *fs, const struct ondisk *d,
		   const struct disknote_in *in)
{
	fs->note[0] = '\0';
	if (!strcmp(fs->type, "LVM2_member"))
		lvm2_note(fs, d);
	else if (!strcmp(fs->type, "linux_raid_member"))
		md_note(fs, d, in->sb_off);
	else if (!strcmp(fs->type, "crypto_LUKS"))
		luks_note(fs, d, in);
}

unsigned long long disknote_ram_kib(const char *root)
{
	char path[PATH_MAX], buf[4096];
	unsigned long long kib;
	const char *p;

	if (!path_join(path, sizeof(path), root, "/proc/meminfo") ||
	    read_text(path, buf, sizeof(buf)) <= 0)
		return 0;
	p = strstr(buf, "MemTotal:");
	if (!p || (p != buf && p[-1] != '\n') ||
	    sscanf(p + 9, "%llu kB", &kib) != 1)
		return 0;
	return kib;
}

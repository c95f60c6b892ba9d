// SPDX-License-Identifier: GPL-2.0
/* The one place /init uses libblkid; host unit tests link a fake instead. */
#include "disknote.h"
#include "disktable.h"
#include "util.h"

#include <blkid.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void value(blkid_probe pr, const char *name, char *buf, size_t len)
{
	const char *v = NULL;
	size_t n;

	buf[0] = '\0';
	if (blkid_probe_lookup_value(pr, name, &v, NULL) || !v)
		return;
	n = strnlen(v, len - 1);
	memcpy(buf, v, n);
	buf[n] = '\0';
}

/*
 * BIOS fake-RAID signatures (Intel RST, DDF, Promise, ...) sit near the end
 * of a disk, one read each, and a VM's disks never carry them: leaving them
 * out halves the table's probe time under TCG. `blkid -p` still sees them.
 */
static char *no_fakeraid[] = { "adaptec_raid_member",
			       "ddf_raid_member",
			       "hpt37x_raid_member",
			       "hpt45x_raid_member",
			       "isw_raid_member",
			       "jmicron_raid_member",
			       "lsi_mega_raid_member",
			       "nvidia_raid_member",
			       "promise_fasttrack_raid_member",
			       "silicon_medley_raid_member",
			       "via_raid_member",
			       NULL };

/*
 * The note, from the headers libblkid found: read through the fd it opened
 * (read-only), at the offsets it reported.
 */
static void note(blkid_probe pr, const char *root, struct disk_fs *fs)
{
	char version[16], off[24];
	int fd = blkid_probe_get_fd(pr);
	struct ondisk d = { ondisk_fd_read, &fd };
	struct disknote_in in = { version, -1, 0 };

	value(pr, "VERSION", version, sizeof(version));
	value(pr, "SBMAGIC_OFFSET", off, sizeof(off));
	if (off[0])
		in.sb_off = strtoll(off, NULL, 10);
	if (!strcmp(fs->type, "crypto_LUKS"))
		in.ram_kib = disknote_ram_kib(root);
	if (fd >= 0)
		disknote_make(fs, &d, &in);
}

/*
 * A disk whose first sectors cannot be read says so: libblkid would only find
 * nothing, as on an empty disk.
 */
static int unreadable(const char *path, struct disk_fs *fs)
{
	int err = dev_start_error(path);

	if (!err)
		return 0;
	copy_text(fs->type, sizeof(fs->type), "?");
	cut_fmt(fs->note, sizeof(fs->note),
		"%s at sector 0: copy it first (see lifeboat)",
		err == EIO ? "I/O error" : strerror(err));
	return 1;
}

void disktable_probe(const char *root, const char *name, struct disk_fs *fs)
{
	char path[PATH_MAX];
	blkid_probe pr;

	memset(fs, 0, sizeof(*fs));
	if (!path_fmt(path, sizeof(path), "%s/dev/%s", root, name) ||
	    unreadable(path, fs))
		return;
	pr = blkid_new_probe_from_filename(path);
	if (!pr)
		return;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(
		pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID |
			    BLKID_SUBLKS_VERSION | BLKID_SUBLKS_MAGIC);
	blkid_probe_filter_superblocks_type(pr, BLKID_FLTR_NOTIN, no_fakeraid);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	if (blkid_do_safeprobe(pr) == 0) {
		value(pr, "TYPE", fs->type, sizeof(fs->type));
		if (!fs->type[0])
			value(pr, "PTTYPE", fs->type, sizeof(fs->type));
		value(pr, "LABEL", fs->label, sizeof(fs->label));
		value(pr, "UUID", fs->uuid, sizeof(fs->uuid));
		note(pr, root, fs);
	}
	blkid_free_probe(pr);
}

// SPDX-License-Identifier: GPL-2.0
/* The one place /init uses libblkid; host unit tests link a fake instead. */
#include "disktable.h"
#include "util.h"

#include <blkid.h>
#include <limits.h>
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

void disktable_probe(const char *root, const char *name, struct disk_fs *fs)
{
	char path[PATH_MAX];
	blkid_probe pr;

	fs->type[0] = fs->label[0] = fs->uuid[0] = '\0';
	if (!path_fmt(path, sizeof(path), "%s/dev/%s", root, name))
		return;
	pr = blkid_new_probe_from_filename(path);
	if (!pr)
		return;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(
		pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID);
	blkid_probe_filter_superblocks_type(pr, BLKID_FLTR_NOTIN, no_fakeraid);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	if (blkid_do_safeprobe(pr) == 0) {
		value(pr, "TYPE", fs->type, sizeof(fs->type));
		if (!fs->type[0])
			value(pr, "PTTYPE", fs->type, sizeof(fs->type));
		value(pr, "LABEL", fs->label, sizeof(fs->label));
		value(pr, "UUID", fs->uuid, sizeof(fs->uuid));
	}
	blkid_free_probe(pr);
}

// SPDX-License-Identifier: GPL-2.0
/* The one place /init uses libblkid; host unit tests link a fake instead. */
#include "disknote.h"
#include "disktable.h"
#include "util.h"

#include <blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
 * Where libblkid 2.38's probers read on a disk that holds nothing; a safe
 * probe runs every prober, so a disk that holds something is read there
 * too: ZFS's four labels fill the first and the last 512 KiB, a few probers
 * look at 1, 2 and 4 MiB. Asked for at once these are a few requests to the
 * controller instead of some thirty one after another, each a round trip
 * (about 1 ms under QEMU TCG). Only a hint: libblkid reads the same bytes
 * either way, and what is not read ahead is read when it asks.
 */
static void read_ahead(int fd)
{
	static const off_t head = 512 << 10, tail = 512 << 10;
	static const off_t pages[] = { 1 << 20, 2 << 20, 4 << 20 };
	off_t size = lseek(fd, 0, SEEK_END);

	if (size <= 0)
		return;
	(void)posix_fadvise(fd, 0, head, POSIX_FADV_WILLNEED);
	if (size > head)
		(void)posix_fadvise(fd, size > head + tail ? size - tail : head,
				    tail, POSIX_FADV_WILLNEED);
	for (size_t i = 0; i < ARRAY_SIZE(pages); i++)
		if (pages[i] < size)
			(void)posix_fadvise(fd, pages[i], 4096,
					    POSIX_FADV_WILLNEED);
}

/*
 * A disk whose first sectors cannot be read says so: libblkid would only find
 * nothing, as on an empty disk. Read through the probe's own fd: a block
 * device's page cache goes with its last close.
 */
static int unreadable(int fd, struct disk_fs *fs)
{
	char buf[4096];
	int err = 0;

	if (pread(fd, buf, sizeof(buf), 0) < 0)
		err = errno ? errno : EIO;
	if (!err)
		return 0;
	copy_text(fs->type, sizeof(fs->type), "?");
	cut_fmt(fs->note, sizeof(fs->note),
		"%s at sector 0: copy it first (see lifeboat)",
		err == EIO ? "I/O error" : strerror(err));
	return 1;
}

static void probe_fd(int fd, const char *root, struct disk_fs *fs)
{
	blkid_probe pr = blkid_new_probe();

	if (!pr)
		return;
	if (blkid_probe_set_device(pr, fd, 0, 0)) {
		blkid_free_probe(pr);
		return;
	}
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

void disktable_probe(const char *root, const char *name, struct disk_fs *fs)
{
	char path[PATH_MAX];
	int fd;

	memset(fs, 0, sizeof(*fs));
	if (!path_fmt(path, sizeof(path), "%s/dev/%s", root, name))
		return;
	/* as libblkid opens it: O_NONBLOCK opens a drive without a medium */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return;
	read_ahead(fd);
	if (!unreadable(fd, fs))
		probe_fd(fd, root, fs);
	close(fd);
}

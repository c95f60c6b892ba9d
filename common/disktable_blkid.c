// SPDX-License-Identifier: GPL-2.0
/* The one place /init uses libblkid; host unit tests link a fake instead. */
#include "disknote.h"
#include "disktable.h"
#include "util.h"

#include <blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
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
 * The last slot is for "zfs_member" (zfs_maybe() below).
 */
static char *no_probe[] = { "adaptec_raid_member",
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
			    NULL,
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
 * ZFS keeps four 256 KiB labels, two at each end of its device; each holds
 * its nvlist in the 112 KiB from 16 KiB on, ended by a checksum trailer whose
 * first 8 bytes are ZEC_MAGIC in the writer's byte order. libblkid's ZFS
 * prober reads all four labels whole, 1 MiB of every disk, which under QEMU
 * TCG is most of the table's time on blank disks; so it runs only where a
 * trailer is there. Labels 2 and 3 at libblkid's offsets (the device's end)
 * and at ZFS's own (its size aligned down to a label).
 */
#define ZFS_LABEL (256 << 10)
#define ZFS_TRAILER ((128 << 10) - 40)
#define ZEC_MAGIC 0x0210da7ab10c7a11ULL

static int zfs_labels(off_t size, off_t at[6])
{
	off_t end = size & ~(off_t)(ZFS_LABEL - 1);

	at[0] = 0;
	at[1] = ZFS_LABEL;
	at[2] = size - 2 * ZFS_LABEL;
	at[3] = size - ZFS_LABEL;
	at[4] = end - 2 * ZFS_LABEL;
	at[5] = end - ZFS_LABEL;
	return 6;
}

static int zfs_maybe(int fd)
{
	off_t size = lseek(fd, 0, SEEK_END), at[6];
	int n = size < 2 * ZFS_LABEL ? 0 : zfs_labels(size, at);

	for (int i = 0; i < n; i++) {
		unsigned char b[8];
		uint64_t le = 0, be = 0;

		if (at[i] < 0 || pread(fd, b, sizeof(b), at[i] + ZFS_TRAILER) !=
					 (ssize_t)sizeof(b))
			continue;
		for (int j = 0; j < 8; j++) {
			le |= (uint64_t)b[j] << (8 * j);
			be = be << 8 | b[j];
		}
		if (le == ZEC_MAGIC || be == ZEC_MAGIC)
			return 1;
	}
	return 0;
}

/*
 * Where libblkid 2.38's probers read on a disk that holds nothing (ZFS's
 * labels aside, above): the first 256 KiB (an external XFS log is looked
 * for in all of it), a sector at 256 and 512 KiB and at 1, 2 and 4 MiB, the
 * last 64 KiB; and the pages of ZFS's trailers. Asked for at once these are
 * a few requests to the controller instead of some thirty one after
 * another, each a round trip (about 1 ms under QEMU TCG). Only a hint:
 * libblkid reads the same bytes either way, and what is not read ahead is
 * read when it asks.
 */
static void read_ahead(int fd)
{
	static const off_t head = 256 << 10, tail = 64 << 10;
	static const off_t pages[] = { 256 << 10, 512 << 10, 1 << 20, 2 << 20,
				       4 << 20 };
	off_t size = lseek(fd, 0, SEEK_END), at[6];
	int n = zfs_labels(size, at);

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
	for (int i = 1; i < n; i++)
		if (at[i] >= head && at[i] + ZFS_TRAILER < size)
			(void)posix_fadvise(fd, (at[i] + ZFS_TRAILER) & ~4095,
					    4096, POSIX_FADV_WILLNEED);
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
	no_probe[ARRAY_SIZE(no_probe) - 2] = zfs_maybe(fd) ? NULL :
							     "zfs_member";
	blkid_probe_filter_superblocks_type(pr, BLKID_FLTR_NOTIN, no_probe);
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

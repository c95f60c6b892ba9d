// SPDX-License-Identifier: GPL-2.0
/* Disks by slot, read from a fake /sys; the disk table from fake probes. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "disks.h"
#include "disktable.h"
#include "fakeroot.h"
#include "util.h"

/*
 * The libblkid edge, faked: ext4 labelled after the disk. The parallel
 * test makes the probe of one disk die and of another never end.
 */
static const char *probe_dies, *probe_hangs;
/* what the fake finds on sdh: the medium's label, or (NULL) nothing */
static const char *medium_label;

void disktable_probe(const char *root, const char *name, struct disk_fs *fs)
{
	(void)root;
	if (probe_dies && !strcmp(name, probe_dies))
		_exit(3);
	if (probe_hangs && !strcmp(name, probe_hangs))
		for (;;)
			pause();
	memset(fs, 0, sizeof(*fs));
	if (!strcmp(name, "sdh") && medium_label) {
		strcpy(fs->type, "iso9660");
		strcpy(fs->label, medium_label);
	}
	if (!strcmp(name, "sda") || !strcmp(name, "sdc1") ||
	    !strcmp(name, "sdh1")) {
		strcpy(fs->type, "ext4");
		(void)snprintf(fs->label, sizeof(fs->label), "L%s", name);
		strcpy(fs->uuid, "0123abcd-0000-1111-2222-333344445555");
	}
}

static void link_to(const char *root, const char *path, const char *target)
{
	char full[PATH_MAX];

	CHECK(path_join(full, sizeof(full), root, path));
	fakeroot_write(root, path, "");
	unlink(full);
	if (symlink(target, full))
		perror(full);
}

/* A virtio-scsi disk at H:0:T:0 named NAME with SECTORS. */
static void scsi_disk(const char *root, const char *name, const char *hctl,
		      const char *sectors)
{
	char p[256], t[256];

	CHECK(path_fmt(p, sizeof(p), "/sys/block/%s/size", name));
	fakeroot_write(root, p, sectors);
	CHECK(path_fmt(p, sizeof(p), "/sys/block/%s/ro", name));
	fakeroot_write(root, p, "0\n");
	CHECK(path_fmt(t, sizeof(t),
		       "../../devices/pci/virtio0/host0/target/%s", hctl));
	CHECK(path_fmt(p, sizeof(p), "/sys/block/%s/device", name));
	link_to(root, p, t);
}

/* NVMe namespaces are disks; the tools image's loop, dm and md are not. */
/* The fake root's SCSI host 0 is virtio-scsi (its targets are slots). */
static void virtio_scsi_host(const char *root)
{
	fakeroot_write(root, "/sys/class/scsi_host/host0/proc_name",
		       "virtio_scsi\n");
}

/* That host with a 1 MiB disk in slot 0. */
static void virtio_sda(const char *root)
{
	virtio_scsi_host(root);
	scsi_disk(root, "sda", "0:0:0:0", "2048\n");
}

/* Partition NUMBER of DISK, SECTORS long, in sysfs. */
static void scsi_part(const char *root, const char *disk, int number,
		      const char *sectors)
{
	char p[256], n[16];

	(void)snprintf(n, sizeof(n), "%d\n", number);
	CHECK(path_fmt(p, sizeof(p), "/sys/block/%s/%s%d/partition", disk, disk,
		       number));
	fakeroot_write(root, p, n);
	CHECK(path_fmt(p, sizeof(p), "/sys/block/%s/%s%d/size", disk, disk,
		       number));
	fakeroot_write(root, p, sectors);
}

static void test_scan_nvme(void)
{
	char buf[PATH_MAX];
	const char *root = fakeroot_new(buf, sizeof(buf));
	struct disk d[MAX_DISKS];
	int n;

	fakeroot_write(root, "/sys/block/nvme0n1/size", "4096\n");
	fakeroot_write(root, "/sys/block/nvme0n1/nvme0n1p1/partition", "1\n");
	link_to(root, "/sys/block/nvme0n1/device", "../../nvme0");
	fakeroot_write(root, "/sys/block/nvme0c0n1/size", "4096\n");
	fakeroot_write(root, "/sys/block/loop0/size", "8000\n");
	fakeroot_write(root, "/sys/block/dm-0/size", "8000\n");
	fakeroot_write(root, "/sys/block/md0/size", "8000\n");
	scsi_disk(root, "sda", "0:0:0:0", "2048\n");
	n = disks_scan(root, d, MAX_DISKS);
	CHECK_INT(n, 2);
	CHECK_STR(d[0].name, "sda");
	CHECK_STR(d[1].name, "nvme0n1");
	CHECK_INT(d[1].bytes, 4096 * 512ULL);
	CHECK_INT(d[1].slot, -1);
	CHECK_INT(d[1].nparts, 1);
	CHECK_STR(d[1].parts[0], "nvme0n1p1");
	CHECK_STR(d[1].controller, "nvme");
	fakeroot_free(root);
}

/*
 * /init's order (init/settle.h): the names, the disks without partitions
 * while the kernel may still read their tables, then the partitions there
 * are by now, as one disks_scan finds them.
 */
static void test_scan_whole_then_parts(void)
{
	char buf[PATH_MAX], names[MAX_DISKS][DISK_NAME_SIZE];
	const char *root = fakeroot_new(buf, sizeof(buf));
	struct disk d[MAX_DISKS], all[MAX_DISKS];
	int n;

	scsi_disk(root, "sdb", "0:0:1:0", "2048\n");
	scsi_disk(root, "sda", "0:0:0:0", "4096\n");
	virtio_scsi_host(root);
	fakeroot_write(root, "/sys/block/loop0/size", "8000\n");
	fakeroot_write(root, "/sys/block/sda/sda2/partition", "2\n");
	n = disks_names(root, names, MAX_DISKS);
	CHECK_INT(n, 2);
	CHECK(!strcmp(names[0], "sda") || !strcmp(names[1], "sda"));
	CHECK(!strcmp(names[0], "sdb") || !strcmp(names[1], "sdb"));
	CHECK_INT(disks_names(root, names, 1), 1);
	n = disks_scan_whole(root, d, MAX_DISKS);
	CHECK_INT(n, 2);
	CHECK_STR(d[0].name, "sda");
	CHECK_INT(d[0].slot, 0);
	CHECK_INT(d[0].bytes, 4096 * 512ULL);
	CHECK_INT(d[0].nparts, 0);
	CHECK_STR(d[1].name, "sdb");
	/* the kernel's scan ends: a partition more, read with the first */
	fakeroot_write(root, "/sys/block/sda/sda1/partition", "1\n");
	disks_scan_parts(root, d, n);
	CHECK_INT(d[0].nparts, 2);
	CHECK_STR(d[0].parts[0], "sda1");
	CHECK_STR(d[0].parts[1], "sda2");
	CHECK_INT(d[1].nparts, 0);
	/* read again, not added to */
	disks_scan_parts(root, d, n);
	CHECK_INT(d[0].nparts, 2);
	CHECK_INT(disks_scan(root, all, MAX_DISKS), n);
	CHECK(!memcmp(all, d, sizeof(d[0]) * (size_t)n));
	fakeroot_free(root);
}

/* A disk off the slots knows its controller: the SCSI host's driver, Xen's vbd. */
static void test_scan_controllers(void)
{
	char buf[PATH_MAX];
	const char *root = fakeroot_new(buf, sizeof(buf));
	struct disk d[MAX_DISKS];

	scsi_disk(root, "sdi", "1:0:0:0", "2048\n");
	fakeroot_write(root, "/sys/class/scsi_host/host1/proc_name", "ahci\n");
	scsi_disk(root, "sdb", "0:0:1:0", "2048\n");
	virtio_scsi_host(root);
	fakeroot_write(root, "/sys/block/xvda/size", "4096\n");
	link_to(root, "/sys/block/xvda/device", "../../vbd-768");
	CHECK_INT(disks_scan(root, d, MAX_DISKS), 3);
	CHECK_STR(d[0].name, "sdb");
	CHECK_INT(d[0].slot, 1);
	CHECK_STR(d[0].controller, "virtio_scsi");
	CHECK_STR(d[1].name, "sdi");
	CHECK_INT(d[1].slot, -1);
	CHECK_STR(d[1].controller, "ahci");
	CHECK_STR(d[2].name, "xvda");
	CHECK_STR(d[2].controller, "xen-vbd");
	fakeroot_free(root);
}

static void test_slot_from_hctl(void)
{
	CHECK_INT(disks_slot_from_hctl("0:0:3:0"), 3);
	CHECK_INT(disks_slot_from_hctl("2:0:7:0"), 7);
	CHECK_INT(disks_slot_from_hctl("0:0:8:0"), -1);
	CHECK_INT(disks_slot_from_hctl("0:1:3:0"), -1);
	CHECK_INT(disks_slot_from_hctl("0:0:3:1"), -1);
	CHECK_INT(disks_slot_from_hctl("0:0:3"), -1);
	CHECK_INT(disks_slot_from_hctl("garbage"), -1);
	CHECK_INT(disks_slot_from_hctl("0:0:3:0x"), -1);
}

static void test_scan(void)
{
	char buf[PATH_MAX];
	const char *root = fakeroot_new(buf, sizeof(buf));
	struct disk d[MAX_DISKS];
	int n;

	virtio_scsi_host(root);
	fakeroot_write(root, "/sys/class/scsi_host/host1/proc_name", "ahci\n");
	scsi_disk(root, "sdc", "0:0:2:0", "4096\n");
	scsi_disk(root, "sda", "0:0:0:0", "2048\n");
	scsi_disk(root, "sdh", "0:0:7:0", "0\n");
	scsi_disk(root, "sdi", "1:0:0:0", "100\n");
	scsi_part(root, "sdc", 1, "2000\n");
	fakeroot_write(root, "/sys/block/sdc/sdc2/partition", "2\n");
	fakeroot_write(root, "/sys/block/sdc/queue/x", "");
	fakeroot_write(root, "/sys/block/sda/ro", "1\n");
	/* a virtio-blk disk that got the name of slot 1 */
	fakeroot_write(root, "/sys/block/sdb/size", "8\n");
	fakeroot_write(root, "/sys/block/sdb/serial", "vblk0\n");
	link_to(root, "/sys/block/sdb/device", "../../devices/pci/virtio3");
	fakeroot_mkdir(root, "/sys/block/loop0");
	fakeroot_mkdir(root, "/sys/block/sr0");

	n = disks_scan(root, d, MAX_DISKS);
	CHECK_INT(n, 5);
	CHECK_STR(d[0].name, "sda");
	CHECK_INT(d[0].slot, 0);
	CHECK_INT(d[0].bus, BUS_VIRTIO_SCSI);
	CHECK_INT(d[0].bytes, 2048 * 512ULL);
	CHECK(d[0].flags & DISK_READONLY);
	CHECK_STR(d[1].name, "sdb");
	CHECK_INT(d[1].bus, BUS_VIRTIO_BLK);
	CHECK_INT(d[1].slot, 1);
	CHECK_STR(d[1].serial, "vblk0");
	CHECK_STR(d[2].name, "sdc");
	CHECK_INT(d[2].slot, 2);
	CHECK_INT(d[2].nparts, 2);
	CHECK_STR(d[2].parts[0], "sdc1");
	CHECK_STR(d[3].name, "sdh");
	CHECK_INT(d[3].slot, 7);
	CHECK(d[3].flags & DISK_EMPTY);
	CHECK_STR(d[4].name, "sdi");
	CHECK_INT(d[4].slot, -1);
	CHECK(d[4].flags & DISK_NOT_SLOT);
	CHECK_INT(d[4].bus, BUS_SCSI);

	/*
	 * The medium: the table's own probe says iso9660 with the build's
	 * label (no read of its own). sda only: it is the medium, and the
	 * empty disk at sdh is flagged as not it.
	 */
	{
		struct disk_row mr[32];
		int r = disktable_collect(root, d, n, mr, 32);

		CHECK_INT(mr[0].disk, 0);
		CHECK_INT(mr[3].disk, 2); /* sdc1 */
		strcpy(mr[0].fs.type, "iso9660");
		strcpy(mr[0].fs.label, "LIFEBOAT_1234ABCD");
		disktable_mark_medium(d, n, mr, r, "LIFEBOAT_1234ABC");
		CHECK(!(d[0].flags & DISK_MEDIUM));
		disktable_mark_medium(d, n, mr, r, "");
		CHECK(!(d[0].flags & DISK_MEDIUM));
		disktable_mark_medium(d, n, mr, r, "LIFEBOAT_1234ABCD");
		CHECK(d[0].flags & DISK_MEDIUM);
		CHECK(strstr(mr[0].flags, "lifeboat-medium") != NULL);
		CHECK(!(d[3].flags & DISK_MEDIUM));
		CHECK(d[3].flags & DISK_FOREIGN_7);
		CHECK_STR(mr[5].name, "sdh");
		CHECK(strstr(mr[5].flags, "not-the-medium") != NULL);
		/* a partition labelled so is no medium */
		memset(&mr[0].fs, 0, sizeof(mr[0].fs));
		strcpy(mr[3].fs.type, "iso9660");
		strcpy(mr[3].fs.label, "LIFEBOAT_1234ABCD");
		disktable_mark_medium(d, n, mr, r, "LIFEBOAT_1234ABCD");
		CHECK(!(d[2].flags & DISK_MEDIUM) &&
		      !(d[0].flags & DISK_MEDIUM));

		/* a copy of the ISO on sda while the medium is at sdh: sdh */
		struct disk two[MAX_DISKS];

		memcpy(two, d, sizeof(two));
		two[3].bytes = 1 << 20;
		r = disktable_collect(root, two, n, mr, 32);
		strcpy(mr[0].fs.type, "iso9660");
		strcpy(mr[0].fs.label, "LIFEBOAT_1234ABCD");
		CHECK_STR(mr[5].name, "sdh");
		mr[5].fs = mr[0].fs;
		disktable_mark_medium(two, n, mr, r, "LIFEBOAT_1234ABCD");
		CHECK(two[3].flags & DISK_MEDIUM);
		CHECK(!(two[3].flags & DISK_FOREIGN_7));
		CHECK(!(two[0].flags & DISK_MEDIUM));

		/* for the table below: sda is the medium again */
		r = disktable_collect(root, d, n, mr, 32);
		strcpy(mr[0].fs.type, "iso9660");
		strcpy(mr[0].fs.label, "LIFEBOAT_1234ABCD");
		disktable_mark_medium(d, n, mr, r, "LIFEBOAT_1234ABCD");
	}

	/* the table: disks, partitions, mount points with escapes */
	fakeroot_write(root, "/proc/self/mounts",
		       "/dev/sdc1 /media/my\\040disk ext4 rw 0 0\n"
		       "proc /proc proc rw 0 0\n");
	/* a mounted root's system is named below its row */
	fakeroot_write(root, "/media/my disk/etc/os-release",
		       "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n");
	{
		struct disk_row rows[32];
		char text[4096];
		FILE *f = fmemopen(text, sizeof(text), "w");
		int r = disktable_collect(root, d, n, rows, 32);

		disktable_fill(root, rows, r, 0, NULL);

		CHECK_INT(r, 7);
		CHECK(rows[3].is_part);
		CHECK_STR(rows[3].name, "sdc1");
		CHECK_STR(rows[3].fs.mounted, "/media/my disk");
		CHECK_STR(rows[3].fs.os, "Debian GNU/Linux 12");
		CHECK_STR(rows[2].fs.os, "");
		CHECK_INT(rows[3].bytes, 2000 * 512ULL);
		CHECK_STR(rows[0].fs.label, "Lsda");
		CHECK(strstr(rows[0].flags, "lifeboat-medium") != NULL);
		disktable_format(f, rows, r);
		CHECK(fclose(f) == 0);
		CHECK(strstr(text, "DISK") != NULL);
		CHECK(strstr(text, "not-the-medium") != NULL);
		CHECK(strstr(text, "/media/my disk") != NULL);
		CHECK(strstr(text,
			     "/media/my disk\n"
			     "          holds Debian GNU/Linux 12\n") != NULL);

		/* in parallel, as the banner does: the same rows */
		struct disk_row par[32];
		int rp = disktable_collect(root, d, n, par, 32);

		CHECK_INT(rp, r);
		disktable_fill(root, par, rp, 1, NULL);
		CHECK(!memcmp(par, rows, sizeof(rows[0]) * (size_t)r));

		/* a probe that dies or never ends is "?", and we go on */
		probe_dies = "sdc1";
		probe_hangs = "sda";
		rp = disktable_collect(root, d, n, par, 32);
		disktable_fill(root, par, rp, 1, NULL);
		CHECK_STR(par[0].fs.type, "?");
		CHECK_STR(par[3].fs.type, "?");
		CHECK_STR(par[3].fs.mounted, "/media/my disk");
		CHECK_STR(par[2].fs.type, rows[2].fs.type);
		probe_dies = probe_hangs = NULL;
	}
	fakeroot_free(root);
}

static void test_pending(void)
{
	char buf[PATH_MAX];
	const char *root = fakeroot_new(buf, sizeof(buf));

	CHECK_INT(disks_pending(root), 0);
	fakeroot_write(root, "/sys/bus/scsi/devices/0:0:1:0/type", "0\n");
	fakeroot_write(root, "/sys/bus/scsi/devices/0:0:2:0/type", "5\n");
	fakeroot_write(root, "/sys/bus/scsi/devices/host0/x", "");
	fakeroot_write(root, "/sys/bus/virtio/devices/virtio0/device",
		       "0x0002\n");
	fakeroot_write(root, "/sys/bus/virtio/devices/virtio1/device",
		       "0x0001\n");
	CHECK_INT(disks_pending(root), 2);
	fakeroot_mkdir(root, "/sys/bus/scsi/devices/0:0:1:0/block");
	fakeroot_mkdir(root, "/sys/bus/virtio/devices/virtio0/driver");
	CHECK_INT(disks_pending(root), 0);
	fakeroot_free(root);
}

/*
 * A SCSI disk's failed commands are counted in its flags (ioerr:N); a disk
 * that did not answer /init's wait is flagged, and neither it nor its
 * partitions are probed: they show "?" with a note.
 */
static void test_ioerrs_and_no_answer(void)
{
	char buf[PATH_MAX];
	const char *root = fakeroot_new(buf, sizeof(buf));
	struct disk d[MAX_DISKS];
	struct disk_row rows[DISKTABLE_ROWS_MAX];
	int n, r;

	virtio_sda(root);
	fakeroot_write(
		root, "/sys/devices/pci/virtio0/host0/target/0:0:0:0/ioerr_cnt",
		"0x1f\n");
	scsi_disk(root, "sdc", "0:0:2:0", "4096\n");
	scsi_part(root, "sdc", 1, "2000\n");
	n = disks_scan(root, d, MAX_DISKS);
	CHECK_INT(n, 2);
	CHECK_INT((int)d[0].ioerrs, 31);
	CHECK_INT((int)d[1].ioerrs, 0);
	d[1].flags |= DISK_NO_ANSWER;
	r = disktable_collect(root, d, n, rows, DISKTABLE_ROWS_MAX);
	CHECK_INT(r, 3);
	CHECK_STR(rows[0].flags, "ioerr:31");
	CHECK_STR(rows[1].flags, "no-answer");
	for (int parallel = 0; parallel < 2; parallel++) {
		disktable_fill(root, rows, r, parallel, NULL);
		CHECK_STR(rows[0].fs.type, "ext4");
		CHECK_STR(rows[1].fs.type, "?");
		CHECK_STR(rows[2].name, "sdc1");
		/* the fake probe would call sdc1 ext4 */
		CHECK_STR(rows[2].fs.type, "?");
		CHECK(strstr(rows[2].fs.note, "does not answer") != NULL);
	}
	fakeroot_free(root);
}

/*
 * The medium in its slot is one row: its partitions (the ISO image, the EFI
 * image) are neither probed nor shown. A customer's disk there, or no medium
 * id, keeps them, probed after the disk.
 */
static void test_medium_partitions(void)
{
	char buf[PATH_MAX];
	const char *root = fakeroot_new(buf, sizeof(buf));
	struct disk d[MAX_DISKS];
	struct disk_row rows[DISKTABLE_ROWS_MAX];
	int n, r;

	virtio_sda(root);
	scsi_disk(root, "sdh", "0:0:7:0", "4096\n");
	scsi_part(root, "sdh", 1, "4096\n");
	scsi_part(root, "sdh", 2, "1000\n");
	n = disks_scan(root, d, MAX_DISKS);
	CHECK_INT(n, 2);
	CHECK_INT(d[1].slot, MEDIUM_SLOT);
	for (int parallel = 0; parallel < 2; parallel++) {
		medium_label = "LIFEBOAT_1234ABCD";
		r = disktable_collect(root, d, n, rows, DISKTABLE_ROWS_MAX);
		CHECK_INT(r, 4);
		r = disktable_fill(root, rows, r, parallel, medium_label);
		CHECK_INT(r, 2);
		CHECK_STR(rows[0].fs.type, "ext4");
		CHECK_STR(rows[1].name, "sdh");
		CHECK_STR(rows[1].fs.label, "LIFEBOAT_1234ABCD");
		/* without the medium's id, every row */
		r = disktable_collect(root, d, n, rows, DISKTABLE_ROWS_MAX);
		CHECK_INT(disktable_fill(root, rows, r, parallel, NULL), 4);
		CHECK_STR(rows[2].name, "sdh1");
		CHECK_STR(rows[2].fs.type, "ext4");
		/* another build's ISO, or a customer's disk, at sdh */
		medium_label = "LIFEBOAT_99999999";
		r = disktable_collect(root, d, n, rows, DISKTABLE_ROWS_MAX);
		CHECK_INT(disktable_fill(root, rows, r, parallel,
					 "LIFEBOAT_1234ABCD"),
			  4);
		CHECK_STR(rows[2].name, "sdh1");
		CHECK_STR(rows[2].fs.type, "ext4");
		CHECK_STR(rows[2].fs.label, "Lsdh1");
		CHECK_STR(rows[3].name, "sdh2");
		medium_label = NULL;
		r = disktable_collect(root, d, n, rows, DISKTABLE_ROWS_MAX);
		CHECK_INT(disktable_fill(root, rows, r, parallel,
					 "LIFEBOAT_1234ABCD"),
			  4);
		CHECK_STR(rows[2].fs.label, "Lsdh1");
	}
	/* the disk at sdh never answers: its partitions are "?", not probed */
	probe_hangs = "sdh";
	medium_label = "LIFEBOAT_1234ABCD";
	r = disktable_collect(root, d, n, rows, DISKTABLE_ROWS_MAX);
	CHECK_INT(disktable_fill(root, rows, r, 1, medium_label), 4);
	CHECK_STR(rows[1].fs.type, "?");
	CHECK_STR(rows[2].fs.type, "?");
	CHECK_STR(rows[3].fs.type, "?");
	probe_hangs = NULL;
	medium_label = NULL;
	fakeroot_free(root);
}

int main(void)
{
	test_slot_from_hctl();
	test_scan();
	test_scan_nvme();
	test_scan_whole_then_parts();
	test_scan_controllers();
	test_pending();
	test_ioerrs_and_no_answer();
	test_medium_partitions();
	return check_done();
}

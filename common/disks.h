/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Disks by slot. The kernel (build/patches/linux) names a disk at virtio-scsi
 * target id T "sd" + ('a' + T), and the Nth virtio-blk disk likewise when no
 * SCSI disk holds slot N; these functions read what it did from a root
 * directory (/ at boot, a fake tree in unit tests) and never write to disks.
 */
#ifndef LIFEBOAT_DISKS_H
#define LIFEBOAT_DISKS_H

#include <stddef.h>

#define DISK_SLOTS 8
#define MEDIUM_SLOT 7
#define MAX_DISKS 32
#define MAX_PARTS 16
#define DISK_NAME_SIZE 32

enum disk_bus { BUS_OTHER, BUS_VIRTIO_SCSI, BUS_VIRTIO_BLK, BUS_SCSI };

enum disk_flags {
	DISK_MEDIUM = 1 << 0, /* carries this build's medium identifier */
	DISK_FOREIGN_7 = 1 << 1, /* sits in the medium's slot, is not it */
	DISK_READONLY = 1 << 2, /* read-only at the block layer */
	DISK_EMPTY = 1 << 3, /* zero size (no medium, or an empty disk) */
	DISK_NOT_SLOT = 1 << 4, /* its name does not follow a slot */
	/* its partition table was still being read after /init's wait */
	DISK_NO_ANSWER = 1 << 5,
};

struct disk {
	char name[DISK_NAME_SIZE];
	int slot; /* 0..7, or -1 when the disk has no slot */
	enum disk_bus bus;
	unsigned long long bytes;
	char serial[64];
	/* the controller's driver: "ahci", "nvme", "usb-storage", ... */
	char controller[24];
	unsigned flags;
	/* commands the SCSI layer saw fail (device/ioerr_cnt); 0: none, or not SCSI */
	unsigned long ioerrs;
	int nparts;
	char parts[MAX_PARTS][32];
};

/* Slot of a virtio-scsi address "H:C:T:L": T when C == 0, L == 0, T < 8. */
int disks_slot_from_hctl(const char *hctl);

/*
 * Every whole disk under ROOT/sys/block (sd*, vd*, nvme*n*), sorted by name;
 * never a loop, dm or md device.
 */
int disks_scan(const char *root, struct disk *disks, int max);

/* The whole disks' names under ROOT/sys/block, as disks_scan takes them. */
int disks_names(const char *root, char (*names)[DISK_NAME_SIZE], int max);

/*
 * disks_scan without the partitions (nparts 0): /init's first look, while
 * the kernel may still be reading partition tables (init/settle.h).
 */
int disks_scan_whole(const char *root, struct disk *disks, int max);

/* The partitions of each of the n disks, read again. */
void disks_scan_parts(const char *root, struct disk *disks, int n);

/*
 * Disks the hardware exposes that the kernel has not finished naming yet:
 * SCSI disks without a block device, virtio-blk devices without a driver.
 */
int disks_pending(const char *root);

/* Where the build puts its medium identifier (the ISO's volume label). */
#define MEDIUM_ID_FILE "/etc/lifeboat/medium-id"
#define MEDIUM_ID_SIZE 64

/*
 * ROOT/etc/lifeboat/medium-id without its newline into buf; "" when it
 * cannot be read (then no disk is called the medium; the table still shows).
 */
void disks_read_medium_id(const char *root, char *buf, size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tools image (build/mktools.sh): the large, rarely used tools and the
 * kernel's modules in a squashfs. /init mounts it read-only through a loop
 * device; the initramfs links every file in it from its usual path
 * (/sbin/lvm -> TOOLS_MOUNT/sbin/lvm).
 *
 * Two places hold it. out/vmlinuz (booted with -kernel, PXE) carries it in
 * its initramfs, at TOOLS_IMAGE, and it is mounted first thing. The ISO's
 * kernel does not (so that booting does not unpack 7 MB nobody may use): the
 * image is a file of the ISO's own tree, TOOLS_MEDIUM_PATH, mounted once the
 * disk steps have found the medium (tools_medium_pick). A copy of the ISO in
 * another slot is a customer's disk and is never mounted.
 */
#ifndef LB_TOOLS_H
#define LB_TOOLS_H

#include <stdbool.h>
#include <stddef.h>

#include "disks.h"
#include "disktable.h"
#include "sysops.h"

#define TOOLS_IMAGE "/usr/lib/lifeboat/tools.squashfs"
#define TOOLS_MOUNT "/usr/lib/lifeboat/tools"
#define TOOLS_MEDIUM_PATH "/lifeboat/tools.squashfs"
#define MEDIUM_MOUNT "/run/lifeboat/medium"
/* how long the boot waits for the medium's mounts (a stalled drive) */
#define TOOLS_MEDIUM_WAIT_MS 5000
/* how long a medium not there at the disk table is looked for, unattended */
#define TOOLS_MEDIUM_LATE_MS 15000

#define TOOLS_MISSING \
	"lvm, mdadm, cryptsetup, xfs and btrfs tools and the kernel modules"

/* Whether ROOT's initramfs carries the tools image (out/vmlinuz). */
bool tools_built_in(const char *root);

/*
 * Mount ROOT/TOOLS_IMAGE on ROOT/TOOLS_MOUNT, read-only. A failure is a
 * warning saying what is missing because of it, and -1; the loop device of
 * a failed mount is given back.
 */
int tools_mount(const char *root, const struct sys_ops *ops);

/*
 * Where the medium is when there is one, before the disk table (the mount
 * then overlaps the table's probes): the disk in the medium's slot, else the
 * first CD drive (sr*) under ROOT/sys/block; its name into dev. Whether it
 * is the medium, tools_mount_medium reads. false when neither is there.
 */
bool tools_medium_first(const char *root, const struct disk *disks, int n,
			char *dev, size_t size);

/*
 * When that was not the medium, the table's rows: the one whole disk
 * labelled medium_id in no machine slot (an AHCI or NVMe disk, a USB stick:
 * the ISO written to one), its name into dev, 0. A labelled disk in slots
 * 0-6, or two labelled disks, are taken to be copies on a customer's disks:
 * -1 with a warning. 1 when there is none (yet: tools_wait_medium).
 */
int tools_medium_pick(const struct disk *disks, int n,
		      const struct disk_row *rows, int r, const char *medium_id,
		      char *dev, size_t size);

/*
 * The medium when it comes after the disk table (a USB stick: usb-storage
 * waits a second before its scan): every 250 ms for wait_ms, the CD drive
 * and every disk in no machine slot whose label is medium_id; the one found
 * is mounted (tools_mount_medium). None in time, or two: -1 with a warning.
 * Reads disks and sleeps: a background child of PID 1 runs it.
 */
int tools_wait_medium(const char *root, const char *medium_id, int wait_ms,
		      const struct sys_ops *ops);

/* Whether PATH is an ISO 9660 volume labelled medium_id. */
bool tools_medium_matches(const char *path, const char *medium_id);

/*
 * When ROOT/dev/DEV is the medium (its label), mount it read-only on
 * ROOT/MEDIUM_MOUNT and its TOOLS_MEDIUM_PATH on ROOT/TOOLS_MOUNT. Reads the
 * disk: the boot runs it in a child with a deadline. 0; 1 when DEV is not the
 * medium (an empty CD drive, another ISO); -1 with a warning.
 */
int tools_mount_medium(const char *root, const char *dev, const char *medium_id,
		       const struct sys_ops *ops);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What is active on top of the disks, for the disk table: LVM's LVs and
 * dm-crypt's open volumes (device-mapper devices) and md arrays, read from
 * ROOT/sys/block: dm-N/dm/name and dm/uuid (LVM's "LVM-...", cryptsetup's
 * "CRYPT-..."), mdN/md/level and md/array_state, and each one's slaves/;
 * and which of them holds a disk (ROOT/sys/class/block/NAME/holders/). Only
 * sysfs is read: nothing is activated, assembled or opened.
 */
#ifndef LB_STACKS_H
#define LB_STACKS_H

#include <stddef.h>

#define STACKS_MAX 32
#define STACKS_NAME_MAX 80

enum stack_kind { STACK_MD, STACK_CRYPT, STACK_LV, STACK_DM };

struct stack_dev {
	enum stack_kind kind;
	char dev[32]; /* its node under /dev: "dm-0", "md127" */
	/* as the table shows it: "md127", "mapper/luks", "rl/root" */
	char name[STACKS_NAME_MAX];
	char dm_name[STACKS_NAME_MAX]; /* "rl-root"; "" for md */
	unsigned long long bytes;
	/* "md raid1 of sda, sdb (clean)", "LV of VG rl on sda" */
	char note[72];
};

/*
 * Every active dm device and md array of nonzero size, md arrays first,
 * then open crypt volumes, LVs and other dm devices, each by name.
 */
int stacks_scan(const char *root, struct stack_dev *s, int max);

/*
 * An LV's "VG/LV" from its device-mapper name ("ubuntu--vg-ubuntu--lv":
 * LVM doubles a '-' within a name): 0, or -1 when it is not of that form.
 */
int stacks_lv_name(const char *dm_name, char *buf, size_t len);

/*
 * The device-mapper name (or, for md, the node) of the first device holding
 * NAME, into buf: 0, or -1 when nothing holds it.
 */
int stacks_holder(const char *root, const char *name, char *buf, size_t len);

#endif

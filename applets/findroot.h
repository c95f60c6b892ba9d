/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lifeboat chroot with no disk named: bring up the volumes (md arrays
 * assembled, LVM VGs activated, LUKS volumes opened, only those not already
 * up), look at every filesystem for a root holding /etc/fstab and an
 * os-release (for btrfs in its default subvolume, else in each top-level
 * subvolume), and take the one found, the one chosen with --root N, or the
 * one the user picks on the console.
 */
#ifndef LIFEBOAT_FINDROOT_H
#define LIFEBOAT_FINDROOT_H

#define STACK_MAX 48

enum up_kind {
	UP_ARRAY, /* an md array assembled: mdadm --stop */
	UP_VG, /* a VG activated: vgchange -an */
	UP_CRYPT, /* a dm-crypt mapping opened: cryptsetup close */
	UP_SKIP, /* a LUKS volume the user skipped: not asked again */
};

struct stack_item {
	enum up_kind kind;
	char *name; /* md0, rl, dm_crypt-0 (the mapping's name now), sda4 */
	char dev[96]; /* UP_CRYPT, UP_SKIP: the LUKS device */
};

/* what chroot brought up, in order, to take down after it, last first */
struct stack {
	struct stack_item items[STACK_MAX];
	int n;
	const char *key_file; /* --key-file: LUKS opened with it, not asked */
};

struct found_root {
	char dev[96]; /* /dev/sda2, /dev/mapper/rl-root, /dev/md0 */
	char subvol[128]; /* the btrfs subvolume it is in, "" for the top */
	char os[128]; /* Debian GNU/Linux 12 */
	char options[512]; /* how to mount it: its fstab's for / */
	char crypttab[4096]; /* its /etc/crypttab, "" when none */
};

/* The device node for a /proc/partitions name (dm-N as /dev/mapper/NAME). */
int findroot_dev_path(const char *name, char *buf, size_t size);

/*
 * Assemble md arrays, activate VGs, open the LUKS volumes not open (as
 * luks-UUID; crypt_rename() gives them crypttab's names later) and activate
 * the VGs on them; what was done into s.
 */
void stack_up(struct stack *s);

/* Record what was done; 0, or -1 when s is full (it is undone now). */
int stack_push(struct stack *s, enum up_kind kind, const char *name,
	       const char *dev);

/* Activate the VGs with no active LV; each one into s. */
void activate_vgs(struct stack *s);

/*
 * Undo what s records, last first: VGs deactivated, dm-crypt mappings
 * closed, arrays stopped, each in the reverse order of its setup.
 */
void stack_down(struct stack *s);

/* 1 when s records something still to take down */
int stack_busy(const struct stack *s);

/*
 * Find the roots; choose (want: 1-based, 0 to ask when there are several).
 * 0 and the root in r, or an exit code after a message.
 */
int findroot(int want, struct found_root *r);

#endif

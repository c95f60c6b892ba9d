/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lifeboat chroot with no disk named: bring up the volumes (md arrays
 * assembled, LVM VGs activated, only those not already up), look at every
 * filesystem for a root holding /etc/fstab and an os-release (for btrfs in
 * its default subvolume, else in each top-level subvolume), and take the one
 * found, the one chosen with --root N, or the one the user picks on the
 * console.
 */
#ifndef LIFEBOAT_FINDROOT_H
#define LIFEBOAT_FINDROOT_H

#define STACK_MAX 16

/* what findroot brought up, to take down after the chroot */
struct stack {
	char *vgs[STACK_MAX];
	char *arrays[STACK_MAX];
	int nvg, narrays;
};

struct found_root {
	char dev[96]; /* /dev/sda2, /dev/mapper/rl-root, /dev/md0 */
	char subvol[128]; /* the btrfs subvolume it is in, "" for the top */
	char os[128]; /* Debian GNU/Linux 12 */
	char options[512]; /* how to mount it: its fstab's for / */
};

/* Assemble md arrays, activate VGs; what was done into s. */
void stack_up(struct stack *s);

/* Undo stack_up, last first: VGs deactivated, then arrays stopped. */
void stack_down(struct stack *s);

/*
 * Find the roots; choose (want: 1-based, 0 to ask when there are several).
 * 0 and the root in r, or an exit code after a message.
 */
int findroot(int want, struct found_root *r);

#endif

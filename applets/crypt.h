/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LUKS volumes for lifeboat chroot. With no disk named, every LUKS volume
 * not open yet is opened as luks-UUID (the passphrase asked on the console,
 * once per volume, or the --key-file); once the root is chosen, each is
 * renamed (dmsetup rename) to what the system's /etc/crypttab calls it, so
 * that update-initramfs in the chroot finds its crypttab target. Inside,
 * an fstab entry naming /dev/mapper/NAME of a crypttab volume not open gets
 * it opened as NAME. What is opened is recorded in the stack, closed on
 * exit after the mounts and the VGs on it.
 */
#ifndef LIFEBOAT_CRYPT_H
#define LIFEBOAT_CRYPT_H

#include <stddef.h>

#include "findroot.h"

/* Open the LUKS volumes not open and not skipped; how many were opened. */
int crypt_open_all(struct stack *s);

/* cryptsetup close of what it records; 0, or -1 after a message. */
int crypt_close(const struct stack_item *it);

/*
 * Rename the mappings s opened as luks-UUID to their names in crypttab
 * (the text of the chosen system's /etc/crypttab); dev (size bytes), the
 * root's device, follows a renamed mapping.
 */
void crypt_rename(struct stack *s, const char *crypttab, char *dev,
		  size_t size);

/*
 * fstab's SOURCE under ROOT is /dev/mapper/NAME of a crypttab volume not
 * open: open it as NAME for TARGET (with crypttab's key file in ROOT, the
 * --key-file, or the passphrase asked). 1 when opened, else 0.
 */
int crypt_open_for(struct stack *s, const char *root, const char *source,
		   const char *target);

#endif

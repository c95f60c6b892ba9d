/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What opening a LUKS2 volume costs: the largest argon2 memory among its
 * keyslots, from the JSON area after the binary header (cryptsetup's
 * docs/on-disk-format-luks2.pdf). cryptsetup needs that much RAM to try a
 * passphrase; a VM with less fails at `cryptsetup open`, so the disk table
 * says so first. A small JSON parser of our own: a full document is
 * checked, only keyslots.*.kdf.{type,memory} are kept.
 */
#ifndef LB_LUKS2_H
#define LB_LUKS2_H

#include <stddef.h>

#include "ondisk.h"

/* The most of the JSON area read (the default header has 12 KiB). */
#define LUKS2_JSON_MAX (64 * 1024)

struct luks2_kdf {
	char type[16]; /* "argon2id", "argon2i" */
	unsigned long long memory_kib;
};

/*
 * The keyslot kdf with the most argon2 memory in json (len bytes, ending at
 * the first NUL): 1 found, 0 no argon2 keyslot, -1 not a valid document.
 */
int luks2_json_argon2(const char *json, size_t len, struct luks2_kdf *kdf);

/* The same from a LUKS2 device's primary header: 1, 0 or -1. */
int luks2_argon2(const struct ondisk *d, struct luks2_kdf *kdf);

/*
 * What cryptsetup and the rest of the rescue system need besides argon2's
 * memory: the image's memory floor.
 */
#define LUKS_OPEN_RESERVE_MIB 48

/* KiB in whole MiB, rounded up */
#define LUKS2_MIB(kib) (((kib) + 1023) / 1024)

/* The RAM opening with kdf takes, in MiB: its memory and the reserve. */
static inline unsigned long long luks2_open_mib(const struct luks2_kdf *kdf)
{
	return LUKS2_MIB(kdf->memory_kib) + LUKS_OPEN_RESERVE_MIB;
}

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /etc/crypttab's lines (crypttab(5)): NAME SOURCE [KEY [OPTIONS]], blank
 * lines and # comments skipped. lifeboat chroot names the mappings it opens
 * as the installed system does, so that its update-initramfs finds them.
 */
#ifndef LB_CRYPTTAB_H
#define LB_CRYPTTAB_H

struct crypttab_entry {
	char name[128]; /* dm_crypt-0 */
	char source[256]; /* UUID=..., PARTUUID=..., /dev/sda3 */
	char key[256]; /* "none" when not given */
	char options[256]; /* "" when not given */
};

/*
 * The next entry from *text (advanced past it): 1, or 0 at the end. A line
 * with fewer than two fields, or a field too long, is skipped.
 */
int crypttab_next(const char **text, struct crypttab_entry *e);

/* 1 when options (comma-separated) hold opt, alone or as opt=VALUE */
int crypttab_has(const char *options, const char *opt);

/* 1 when the key names a file to read (not none, -, or /dev/...random) */
int crypttab_key_is_file(const char *key);

#endif

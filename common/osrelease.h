/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The name of the operating system installed under a root directory, from
 * its os-release file (/etc/os-release, else /usr/lib/os-release).
 */
#ifndef LB_OSRELEASE_H
#define LB_OSRELEASE_H

#include <stddef.h>

/*
 * "NAME VERSION_ID" ("Debian GNU/Linux 12", "Rocky Linux 9.4"), else
 * PRETTY_NAME, else NAME, as printable text into buf. 0, or -1 (buf empty)
 * when root holds no os-release naming a system.
 */
int osrelease_name(const char *root, char *buf, size_t size);

/*
 * The value of KEY in the os-release text (shell-like: KEY=value, "value"
 * or 'value', backslash escapes in double quotes) into buf, printable;
 * 0, or -1 when it is not there or empty.
 */
int osrelease_value(const char *text, const char *key, char *buf, size_t size);

#endif

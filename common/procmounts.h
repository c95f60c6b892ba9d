/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/self/mounts fields: the kernel escapes space, tab, newline and
 * backslash in them as octal (\040 is a space).
 */
#ifndef LB_PROCMOUNTS_H
#define LB_PROCMOUNTS_H

#include <stdbool.h>
#include <stddef.h>

/* Decode the octal escapes of a /proc/mounts field; false if too long. */
bool mounts_unescape(char *dst, size_t size, const char *src, size_t len);

#endif

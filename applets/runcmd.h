/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tools lifeboat chroot runs (mdadm, lvm, cryptsetup, dmsetup), with
 * their output on the console, quiet, or captured.
 */
#ifndef LIFEBOAT_RUNCMD_H
#define LIFEBOAT_RUNCMD_H

#include <stddef.h>

/*
 * argv run with its output on the console, or quiet (out NULL), or into out
 * (size bytes, NUL-terminated; stderr quiet); its exit status, -1 when it
 * could not run.
 */
int run(char *const argv[], int quiet, char *out, size_t size);

#endif

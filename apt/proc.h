/* SPDX-License-Identifier: GPL-2.0 */
/* The programs apt runs: wget, gpgv, sha256sum and the decompressors. */
#ifndef APT_PROC_H
#define APT_PROC_H

#include <stddef.h>

/*
 * argv with stdin from in_fd (-1: /dev/null) and stdout to out_fd (-1: into
 * cap with stderr). stderr (and stdout when out_fd is -1) is collected into
 * cap (size bytes, NUL-terminated). The exit status, 128+signal, or -1.
 */
int proc_run(const char *const argv[], int in_fd, int out_fd, char *cap,
	     size_t size);

/* The SHA256 of path (64 hex digits) into hex[65]; 0 or -1. */
int sha256_file(const char *path, char hex[65]);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * .deb files: the ar archive's members, and a tar stream unpacked into a root
 * directory without replacing what the image already has.
 */
#ifndef APT_DEB_H
#define APT_DEB_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* The member of the ar archive fd whose name starts with prefix: 0, or -1 if none/bad. */
int ar_find(int fd, const char *prefix, off_t *off, off_t *size, char *name,
	    size_t namesize);

/*
 * A readable stream of the member's (decompressed) bytes: the fd, or -1.
 * pids gets the children to wait for (stream_close).
 */
int member_stream(int debfd, off_t off, off_t size, const char *name,
		  pid_t pids[2]);
/* 0 if the children succeeded, -1 otherwise; closes fd. */
int stream_close(int fd, pid_t pids[2]);

typedef bool (*owned_fn)(const char *path, void *ctx);

struct unpack {
	const char *root;
	FILE *list; /* every path placed (files, links, created directories) */
	owned_fn owned; /* does an installed package own path? */
	void *ctx;
	unsigned kept; /* files the image had, left as they were */
	char first_kept[128];
	char err[256];
};

/* The tar stream fd into u->root. 0, or -1 with u->err. */
int tar_extract(int fd, struct unpack *u);

/* The names of the tar stream's members, each to cb. 0 or -1. */
int tar_names(int fd, void (*cb)(const char *name, void *ctx), void *ctx);

/* The content of the stream's first regular file named base (any directory), or NULL. */
char *tar_read(int fd, const char *base);

/* "./usr/bin/x" -> "/usr/bin/x" into out; false for "..", empty or too long. */
bool tar_path(const char *name, char *out, size_t size);

#endif

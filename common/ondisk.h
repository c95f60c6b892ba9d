/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounded reads of on-disk headers, through a seam: the disk table's probe
 * reads a device (ondisk_fd), the unit tests and fuzz targets a buffer
 * (ondisk_mem). The parsers (lvm2.c, luks2.c, mdraid.c) never read more
 * than they say and never write.
 */
#ifndef LB_ONDISK_H
#define LB_ONDISK_H

#include <stddef.h>
#include <stdint.h>

struct ondisk {
	/* len bytes at off into buf: 0, or -1 (a failed or short read) */
	int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
	void *ctx;
};

/* d's read, refusing a range that wraps around 2^64. */
int ondisk_read(const struct ondisk *d, uint64_t off, void *buf, size_t len);

/* Over a buffer: ctx is a struct ondisk_mem. */
struct ondisk_mem {
	const uint8_t *data;
	size_t len;
};
int ondisk_mem_read(void *ctx, uint64_t off, void *buf, size_t len);

/* Over an open file descriptor: ctx points to the int (pread). */
int ondisk_fd_read(void *ctx, uint64_t off, void *buf, size_t len);

uint16_t ondisk_be16(const uint8_t *p);
uint32_t ondisk_le32(const uint8_t *p);
uint64_t ondisk_le64(const uint8_t *p);
uint64_t ondisk_be64(const uint8_t *p);

#endif

// SPDX-License-Identifier: GPL-2.0
#include "ondisk.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int ondisk_read(const struct ondisk *d, uint64_t off, void *buf, size_t len)
{
	if (off + len < off)
		return -1;
	return d->read(d->ctx, off, buf, len);
}

int ondisk_mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct ondisk_mem *m = ctx;

	if (off > m->len || len > m->len - off)
		return -1;
	memcpy(buf, m->data + off, len);
	return 0;
}

int ondisk_fd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	int fd = *(const int *)ctx;
	size_t done = 0;

	if (off > (uint64_t)INT64_MAX - len)
		return -1;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done,
				  (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

uint16_t ondisk_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t ondisk_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

uint64_t ondisk_le64(const uint8_t *p)
{
	return (uint64_t)ondisk_le32(p) | (uint64_t)ondisk_le32(p + 4) << 32;
}

uint64_t ondisk_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* Numbers as people read them, for the banner and `lifeboat disks`. */
#ifndef LB_FORMAT_H
#define LB_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* bytes as "512B", "1.5K", "256M", "20G" (powers of 1024, like lsblk) */
void format_size(char *buf, size_t size, uint64_t bytes);

#endif

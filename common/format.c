// SPDX-License-Identifier: GPL-2.0
#include "format.h"

#include <inttypes.h>
#include <stdio.h>

void format_size(char *buf, size_t size, uint64_t bytes)
{
	static const char units[] = "BKMGTPE";
	unsigned int u = 0;
	uint64_t tenths;

	while (u < sizeof(units) - 2 && bytes >= (UINT64_C(1024) << (10 * u)))
		u++;
	/* 16 bytes hold any size; a smaller buffer shows its start */
	if (u == 0) {
		(void)snprintf(buf, size, "%" PRIu64 "B", bytes);
		return;
	}
	/* Divide first: bytes * 10 could overflow for exabyte sizes. */
	tenths = (bytes >> (10 * u)) * 10 +
		 ((bytes & ((UINT64_C(1) << (10 * u)) - 1)) * 10 +
		  (UINT64_C(1) << (10 * u - 1))) /
			 (UINT64_C(1) << (10 * u));
	if (tenths < 100)
		(void)snprintf(buf, size, "%" PRIu64 ".%" PRIu64 "%c",
			       tenths / 10, tenths % 10, units[u]);
	else
		(void)snprintf(buf, size, "%" PRIu64 "%c", (tenths + 5) / 10,
			       units[u]);
}

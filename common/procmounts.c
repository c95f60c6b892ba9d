// SPDX-License-Identifier: GPL-2.0
#include "procmounts.h"

bool mounts_unescape(char *dst, size_t size, const char *src, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = src[i];

		/* the kernel escapes space, tab, newline and backslash */
		if (c == '\\' && i + 3 < len && src[i + 1] >= '0' &&
		    src[i + 1] <= '3' && src[i + 2] >= '0' &&
		    src[i + 2] <= '7' && src[i + 3] >= '0' &&
		    src[i + 3] <= '7') {
			c = (char)((src[i + 1] - '0') << 6 |
				   (src[i + 2] - '0') << 3 |
				   (src[i + 3] - '0'));
			i += 3;
		}
		if (o + 1 >= size)
			return false;
		dst[o++] = c;
	}
	if (size == 0)
		return false;
	dst[o] = '\0';
	return true;
}

// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "rootopts.h"

/* an fstab option for / that the found root's mount sets itself */
static int replaced(const char *opt, size_t len)
{
	static const char *const words[] = { "ro", "rw", "defaults" };
	static const char *const keys[] = { "subvol=", "subvolid=" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (len == strlen(words[i]) && !strncmp(opt, words[i], len))
			return 1;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (len >= strlen(keys[i]) &&
		    !strncmp(opt, keys[i], strlen(keys[i])))
			return 1;
	return 0;
}

/* the end of the option at p: the next comma outside quotes, or the NUL */
static const char *option_end(const char *p)
{
	int quoted = 0;

	for (; *p && (quoted || *p != ','); p++)
		if (*p == '"')
			quoted = !quoted;
	return p;
}

int rootopts(const char *subvol, const char *fstab, char *buf, size_t size)
{
	const char *p, *end;
	size_t n, len;
	int got;

	if (strpbrk(subvol, ",\""))
		return -1;
	got = snprintf(buf, size, "rw%s%s", subvol[0] ? ",subvol=" : "",
		       subvol);
	if (got < 0 || (size_t)got >= size)
		return -1;
	n = (size_t)got;
	for (p = fstab; *p; p = *end ? end + 1 : end) {
		end = option_end(p);
		len = (size_t)(end - p);
		if (!len || replaced(p, len))
			continue;
		if (n + 1 + len >= size)
			return -1;
		buf[n++] = ',';
		memcpy(buf + n, p, len);
		n += len;
		buf[n] = '\0';
	}
	return 0;
}

const char *rootopts_subvol(const char *mntroot)
{
	while (*mntroot == '/')
		mntroot++;
	return mntroot;
}

// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "rootpath.h"

const char *rootpath_dir(const char *root, const char *path, char *out,
			 size_t len)
{
	size_t n = strlen(root), seg;
	const char *p = path;
	struct stat st;

	if (path[0] != '/')
		return "not an absolute path";
	if (n >= len)
		return "too long";
	memcpy(out, root, n + 1);
	while (*p) {
		while (*p == '/')
			p++;
		seg = strcspn(p, "/");
		if (!seg)
			break;
		if ((seg == 1 && p[0] == '.') ||
		    (seg == 2 && p[0] == '.' && p[1] == '.'))
			return "a path with . or ..";
		if (n + 1 + seg >= len)
			return "too long";
		out[n++] = '/';
		memcpy(out + n, p, seg);
		n += seg;
		out[n] = '\0';
		p += seg;
		if (lstat(out, &st) < 0)
			return "missing on the disk";
		if (S_ISLNK(st.st_mode))
			return "a symlink on the disk";
	}
	if (stat(out, &st) < 0 || !S_ISDIR(st.st_mode))
		return "not a directory";
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "devlink.h"
#include "util.h"

static const char *const tags[][2] = {
	{ "/dev/disk/by-uuid/", "UUID=" },
	{ "/dev/disk/by-label/", "LABEL=" },
	{ "/dev/disk/by-partuuid/", "PARTUUID=" },
	{ "/dev/disk/by-partlabel/", "PARTLABEL=" },
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* prefix + s, udev's \xNN undone, into buf; 1, or -1 if cut */
static int tag(const char *prefix, const char *s, char *buf, size_t size)
{
	size_t n = strlen(prefix);

	if (n >= size)
		return -1;
	memcpy(buf, prefix, n);
	for (; *s; s++) {
		if (n + 1 >= size)
			return -1;
		if (s[0] == '\\' && s[1] == 'x' && hexval(s[2]) >= 0 &&
		    hexval(s[3]) >= 0) {
			buf[n++] = (char)(hexval(s[2]) * 16 + hexval(s[3]));
			s += 3;
		} else {
			buf[n++] = *s;
		}
	}
	buf[n] = '\0';
	return 1;
}

/* /dev/dm-N whose ROOT/sys/block/dm-N/dm/FIELD is value; 1, 0 or -1 */
static int dm_by(const char *root, const char *field, const char *value,
		 char *buf, size_t size)
{
	char dir[4096], path[4096], text[256];
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (!path_join(dir, sizeof(dir), root, "/sys/block"))
		return 0;
	d = opendir(dir);
	if (!d)
		return 0;
	while (rc == 0 && (e = readdir(d))) {
		if (strncmp(e->d_name, "dm-", 3) ||
		    !path_fmt(path, sizeof(path), "%s/%s/dm/%s", dir, e->d_name,
			      field) ||
		    read_text(path, text, sizeof(text)) <= 0)
			continue;
		chomp(text);
		if (strcmp(text, value))
			continue;
		rc = snprintf(buf, size, "/dev/%s", e->d_name) < (int)size ? 1 :
									     -1;
	}
	(void)closedir(d);
	return rc;
}

int devlink_escape(const char *name, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (; *name; name++) {
		unsigned char c = (unsigned char)*name;

		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c && strchr("#+-.:=@_", c))) {
			if (n + 1 >= size)
				return -1;
			buf[n++] = (char)c;
		} else {
			if (n + 4 >= size)
				return -1;
			buf[n++] = '\\';
			buf[n++] = 'x';
			buf[n++] = hex[c >> 4];
			buf[n++] = hex[c & 15];
		}
	}
	if (n >= size)
		return -1;
	buf[n] = '\0';
	return 0;
}

int devlink_resolve(const char *root, const char *path, char *buf, size_t size)
{
	static const char by_id[] = "/dev/disk/by-id/";
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(tags); i++) {
		n = strlen(tags[i][0]);
		if (!strncmp(path, tags[i][0], n) && path[n] &&
		    !strchr(path + n, '/'))
			return tag(tags[i][1], path + n, buf, size);
	}
	n = strlen(by_id);
	if (strncmp(path, by_id, n))
		return 0;
	path += n;
	if (!strncmp(path, "dm-uuid-", 8) && path[8])
		return dm_by(root, "uuid", path + 8, buf, size);
	if (!strncmp(path, "dm-name-", 8) && path[8])
		return dm_by(root, "name", path + 8, buf, size);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * rootpath_dir: mount points of an installed system, seen from outside it.
 * The applet's file is included whole: unit tests link init/ only.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "util.h"

#include "../../applets/rootpath.c" /* NOLINT(bugprone-suspicious-include): unit tests link init/ only */

static char root[64];

static const char *dir(const char *path)
{
	static char out[256];

	return rootpath_dir(root, path, out, sizeof(out));
}

static void mk(const char *path)
{
	char buf[256];

	CHECK(path_join(buf, sizeof(buf), root, path));
	CHECK(mkdir(buf, 0755) == 0);
}

int main(void)
{
	char buf[256], out[256];

	strcpy(root, "/tmp/lb-rootpath-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	mk("/srv");
	mk("/srv/data");
	mk("/mnt");
	CHECK(path_join(buf, sizeof(buf), root, "/mnt/up"));
	CHECK(symlink("/srv", buf) == 0);
	CHECK(path_join(buf, sizeof(buf), root, "/file"));
	CHECK(close(creat(buf, 0644)) == 0);

	CHECK(dir("/srv/data") == NULL);
	CHECK(dir("//srv//data/") == NULL);
	CHECK(rootpath_dir(root, "/srv/data", out, sizeof(out)) == NULL);
	CHECK(path_join(buf, sizeof(buf), root, "/srv/data"));
	CHECK_STR(out, buf);
	CHECK_STR(dir("/mnt/up"), "a symlink on the disk");
	CHECK_STR(dir("/mnt/up/data"), "a symlink on the disk");
	CHECK_STR(dir("/mnt/extra"), "missing on the disk");
	CHECK_STR(dir("/file"), "not a directory");
	CHECK_STR(dir("/srv/../etc"), "a path with . or ..");
	CHECK_STR(dir("/./srv"), "a path with . or ..");
	CHECK_STR(dir("srv"), "not an absolute path");
	CHECK_STR(rootpath_dir(root, "/srv/data", out, 10), "too long");

	CHECK(snprintf(buf, sizeof(buf), "rm -rf '%s'", root) <
	      (int)sizeof(buf));
	CHECK(system(buf) == 0);
	return check_done();
}

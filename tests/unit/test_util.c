/* util.c's readers: a text is read whole or not at all. */
#include "check.h"
#include "fakeroot.h"

#include "util.h"

#include <errno.h>
#include <stdlib.h>

static void test_read_text(void)
{
	char root[256], path[512], buf[8];

	fakeroot_new(root, sizeof(root));
	fakeroot_write(root, "/seven", "1234567");
	fakeroot_write(root, "/eight", "12345678");
	CHECK(path_join(path, sizeof(path), root, "/seven"));
	CHECK_INT(read_text(path, buf, sizeof(buf)), 7);
	CHECK_STR(buf, "1234567");
	/* one byte more than fits: an error, never a cut text */
	CHECK(path_join(path, sizeof(path), root, "/eight"));
	errno = 0;
	CHECK_INT(read_text(path, buf, sizeof(buf)), -1);
	CHECK_INT(errno, EFBIG);
	CHECK_STR(buf, "");
	CHECK(path_join(path, sizeof(path), root, "/missing"));
	CHECK_INT(read_text(path, buf, sizeof(buf)), -1);
	CHECK_INT(errno, ENOENT);
	fakeroot_free(root);
}

static void test_read_all(void)
{
	char root[256], path[512];
	static char big[300 * 1024];
	size_t len = 0;
	char *text;

	fakeroot_new(root, sizeof(root));
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)('a' + i % 26);
	fakeroot_write(root, "/big", big);
	CHECK(path_join(path, sizeof(path), root, "/big"));
	text = read_all(path, &len);
	CHECK(text != NULL);
	CHECK_INT(len, sizeof(big) - 1);
	CHECK(text && !strcmp(text, big));
	free(text);
	fakeroot_write(root, "/empty", "");
	CHECK(path_join(path, sizeof(path), root, "/empty"));
	text = read_all(path, NULL);
	CHECK_STR(text, "");
	free(text);
	CHECK(path_join(path, sizeof(path), root, "/missing"));
	CHECK(read_all(path, NULL) == NULL);
	CHECK_INT(errno, ENOENT);
	fakeroot_free(root);
}

/* A path that does not fit is an error, never a cut path. */
static void test_path_fmt(void)
{
	char buf[9];

	CHECK(path_fmt(buf, sizeof(buf), "/dev/%s", "sda"));
	CHECK_STR(buf, "/dev/sda");
	errno = 0;
	CHECK(!path_fmt(buf, sizeof(buf), "/dev/%s", "sdaa"));
	CHECK_INT(errno, ENAMETOOLONG);
	CHECK_STR(buf, "");
	CHECK(path_join(buf, sizeof(buf), "/r", "/sys"));
	CHECK_STR(buf, "/r/sys");
	errno = 0;
	CHECK(!path_join(buf, sizeof(buf), "/r", "/sys/abc"));
	CHECK_INT(errno, ENAMETOOLONG);
	CHECK_STR(buf, "");
}

int main(void)
{
	test_path_fmt();
	test_read_text();
	test_read_all();
	return check_done();
}

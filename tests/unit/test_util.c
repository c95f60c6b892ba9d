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
	snprintf(path, sizeof(path), "%s/seven", root);
	CHECK_INT(read_text(path, buf, sizeof(buf)), 7);
	CHECK_STR(buf, "1234567");
	/* one byte more than fits: an error, never a cut text */
	snprintf(path, sizeof(path), "%s/eight", root);
	errno = 0;
	CHECK_INT(read_text(path, buf, sizeof(buf)), -1);
	CHECK_INT(errno, EFBIG);
	CHECK_STR(buf, "");
	snprintf(path, sizeof(path), "%s/missing", root);
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
	snprintf(path, sizeof(path), "%s/big", root);
	text = read_all(path, &len);
	CHECK(text != NULL);
	CHECK_INT(len, sizeof(big) - 1);
	CHECK(text && !strcmp(text, big));
	free(text);
	fakeroot_write(root, "/empty", "");
	snprintf(path, sizeof(path), "%s/empty", root);
	text = read_all(path, NULL);
	CHECK_STR(text, "");
	free(text);
	snprintf(path, sizeof(path), "%s/missing", root);
	CHECK(read_all(path, NULL) == NULL);
	CHECK_INT(errno, ENOENT);
	fakeroot_free(root);
}

int main(void)
{
	test_read_text();
	test_read_all();
	return check_done();
}

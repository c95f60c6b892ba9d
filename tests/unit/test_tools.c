/* The tools image's mount step, against a fake root and fake mounts. */
#include "check.h"
#include "fakeops.h"
#include "fakeroot.h"

#include "log.h"
#include "tools.h"

#include <sys/mount.h>

static char rootbuf[PATH_MAX];

/* A fake root with an image of these bytes and its mount point. */
static const char *root_with_image(const char *bytes)
{
	const char *root = fakeroot_new(rootbuf, sizeof(rootbuf));

	fakeroot_write(root, TOOLS_IMAGE, bytes);
	fakeroot_mkdir(root, TOOLS_MOUNT);
	fake_reset();
	fake_root = root;
	return root;
}

static void test_mounts_read_only(void)
{
	const char *root = root_with_image("hsqs");
	unsigned int warnings = log_count(LB_WARN);

	CHECK_INT(tools_mount(root, &fake_ops), 0);
	CHECK_STR(fake.log, "loop " TOOLS_IMAGE "\n"
			    "mount squashfs " TOOLS_MOUNT " []\n");
	CHECK(fake.mount_flags & MS_RDONLY);
	CHECK_INT(log_count(LB_WARN) - warnings, 0);
	fakeroot_free(root);
}

/* A broken image: a warning that says what is missing, and no stop. */
static void test_broken_image_warns(void)
{
	const char *root = root_with_image("not a squashfs");
	unsigned int warnings = log_count(LB_WARN);

	fake.fail_mount = "squashfs";
	CHECK_INT(tools_mount(root, &fake_ops), -1);
	CHECK_INT(log_count(LB_WARN) - warnings, 1);
	CHECK(strstr(log_last(), "cannot mount the tools image " TOOLS_IMAGE) !=
	      NULL);
	CHECK(strstr(log_last(), "kernel modules") != NULL);
	fakeroot_free(root);
}

static void test_missing_image_or_loop(void)
{
	const char *root = fakeroot_new(rootbuf, sizeof(rootbuf));
	unsigned int warnings = log_count(LB_WARN);

	fake_reset();
	fake_root = root;
	CHECK_INT(tools_mount(root, &fake_ops), -1);
	/* no loop device is taken for a file that is not there */
	CHECK_STR(fake.log, "");
	CHECK(strstr(log_last(), "no tools image " TOOLS_IMAGE) != NULL);

	fakeroot_write(root, TOOLS_IMAGE, "hsqs");
	fake.fail_loop = 1;
	CHECK_INT(tools_mount(root, &fake_ops), -1);
	CHECK(strstr(log_last(), "cannot attach " TOOLS_IMAGE) != NULL);
	CHECK(strstr(fake.log, "mount") == NULL);
	CHECK_INT(log_count(LB_WARN) - warnings, 2);
	fakeroot_free(root);
}

int main(void)
{
	test_mounts_read_only();
	test_broken_image_warns();
	test_missing_image_or_loop();
	return check_done();
}

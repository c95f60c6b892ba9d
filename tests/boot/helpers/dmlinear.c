/*
 * Test helper, not part of the image: the smallest dmsetup for
 * tests/boot/test_tools_image.py (busybox has none; lvm2's dmsetup is a
 * component of its own). `dmlinear NAME DEV SECTORS` creates NAME, loads a
 * read-write linear table over DEV and resumes it, as `dmsetup create NAME
 * --table "0 SECTORS linear DEV 0"` does, then prints "dm-MINOR rw|ro": the
 * mapped device's read-only flag as device-mapper reports it.
 * Built by the test with musl-gcc -static; talks to /dev/mapper/control.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static union {
	struct dm_ioctl io;
	char bytes[16384];
} buf;

static void init(const char *name)
{
	memset(&buf, 0, sizeof(buf));
	buf.io.version[0] = DM_VERSION_MAJOR;
	buf.io.data_size = sizeof(buf);
	buf.io.data_start = sizeof(struct dm_ioctl);
	snprintf(buf.io.name, sizeof(buf.io.name), "%s", name);
}

static void call(int fd, unsigned long req, const char *what)
{
	if (ioctl(fd, req, &buf) < 0) {
		fprintf(stderr, "dmlinear: %s: %s\n", what, strerror(errno));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	struct dm_target_spec *spec;
	char *params;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: dmlinear NAME DEV SECTORS\n");
		return 100;
	}
	fd = open("/dev/mapper/control", O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "dmlinear: /dev/mapper/control: %s\n",
			strerror(errno));
		return 111;
	}
	init(argv[1]);
	call(fd, DM_DEV_CREATE, "create");

	init(argv[1]);
	buf.io.target_count = 1;
	spec = (struct dm_target_spec *)(buf.bytes + buf.io.data_start);
	spec->sector_start = 0;
	spec->length = strtoull(argv[3], NULL, 10);
	snprintf(spec->target_type, sizeof(spec->target_type), "linear");
	params = (char *)(spec + 1);
	snprintf(params, 1024, "%s 0", argv[2]);
	spec->next = 0;
	call(fd, DM_TABLE_LOAD, "load");

	init(argv[1]);
	call(fd, DM_DEV_SUSPEND, "resume");

	init(argv[1]);
	call(fd, DM_DEV_STATUS, "status");
	printf("dm-%u %s\n", minor(buf.io.dev),
	       buf.io.flags & DM_READONLY_FLAG ? "ro" : "rw");
	return 0;
}

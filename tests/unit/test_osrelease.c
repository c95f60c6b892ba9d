// SPDX-License-Identifier: GPL-2.0
/* osrelease_name/value: naming the system under a root; devlink_resolve. */
#include "check.h"
#include "devlink.h"
#include "fakeroot.h"
#include "osrelease.h"
#include "util.h"

static const char debian[] =
	"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
	"NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 "
	"(bookworm)\"\nID=debian\n";

static void test_value(void)
{
	char buf[64];

	CHECK_INT(osrelease_value(debian, "NAME", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "Debian GNU/Linux");
	CHECK_INT(osrelease_value(debian, "ID", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "debian");
	CHECK_INT(osrelease_value(debian, "VERSION_ID", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "12");
	/* a key that is a prefix of another is not it */
	CHECK_INT(osrelease_value("VERSION=1\n", "VER", buf, sizeof(buf)), -1);
	CHECK_STR(buf, "");
	CHECK_INT(osrelease_value("NAME=\n", "NAME", buf, sizeof(buf)), -1);
	/* single quotes keep backslashes, double quotes undo them; last wins */
	CHECK_INT(osrelease_value("A='a\\b'\n", "A", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "a\\x5cb");
	CHECK_INT(osrelease_value("A=x\nA=\"say \\\"hi\\\"\" \r\n", "A", buf,
				  sizeof(buf)),
		  0);
	CHECK_STR(buf, "say \"hi\"");
	/* no escape sequences reach the console */
	CHECK_INT(osrelease_value("A=\"\033[2J\"", "A", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "\\x1b[2J");
	CHECK_INT(osrelease_value("  NAME=Indented", "NAME", buf, 6), 0);
	CHECK_STR(buf, "Inden");
}

static void test_name(void)
{
	char root[256], buf[64];

	fakeroot_new(root, sizeof(root));
	CHECK_INT(osrelease_name(root, buf, sizeof(buf)), -1);
	CHECK_STR(buf, "");
	fakeroot_write(root, "/usr/lib/os-release",
		       "NAME=\"Rocky Linux\"\nVERSION_ID=\"9.4\"\n");
	CHECK_INT(osrelease_name(root, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "Rocky Linux 9.4");
	fakeroot_write(root, "/etc/os-release", debian);
	CHECK_INT(osrelease_name(root, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "Debian GNU/Linux 12");
	CHECK_INT(osrelease_name(root, buf, 8), -1);
	CHECK_STR(buf, "");
	fakeroot_write(root, "/etc/os-release",
		       "PRETTY_NAME=\"Arch Linux\"\nNAME=Arch\n");
	CHECK_INT(osrelease_name(root, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "Arch Linux");
	fakeroot_write(root, "/etc/os-release", "NAME=Gentoo\n");
	CHECK_INT(osrelease_name(root, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "Gentoo");
	fakeroot_write(root, "/etc/os-release", "ID=none\n");
	CHECK_INT(osrelease_name(root, buf, sizeof(buf)), -1);
	fakeroot_free(root);
}

/* path, what devlink_resolve gives (1) or NULL (0) */
static const char *const links[][2] = {
	{ "/dev/disk/by-uuid/5A1E-0E16", "UUID=5A1E-0E16" },
	{ "/dev/disk/by-label/my\\x20disk", "LABEL=my disk" },
	{ "/dev/disk/by-partuuid/abc-01", "PARTUUID=abc-01" },
	{ "/dev/disk/by-partlabel/EFI", "PARTLABEL=EFI" },
	{ "/dev/disk/by-uuid/", NULL },
	{ "/dev/disk/by-uuid/a/b", NULL },
	{ "/dev/sda1", NULL },
	{ "/dev/disk/by-id/dm-uuid-LVM-aaaacccc", "/dev/dm-3" },
	{ "/dev/disk/by-id/dm-name-rl-swap", "/dev/dm-0" },
	{ "/dev/disk/by-id/dm-uuid-LVM-aaaa", NULL },
	{ "/dev/disk/by-id/ata-QEMU_HARDDISK", NULL },
};

static void test_devlink(void)
{
	char root[256], buf[64];
	size_t i;

	fakeroot_new(root, sizeof(root));
	fakeroot_write(root, "/sys/block/dm-0/dm/uuid", "LVM-aaaabbbb\n");
	fakeroot_write(root, "/sys/block/dm-0/dm/name", "rl-swap\n");
	fakeroot_write(root, "/sys/block/dm-3/dm/uuid", "LVM-aaaacccc\n");
	fakeroot_write(root, "/sys/block/dm-3/dm/name", "rl-root\n");
	/* not a dm device, whatever it says */
	fakeroot_write(root, "/sys/block/sda/dm/uuid", "LVM-aaaacccc\n");
	for (i = 0; i < ARRAY_SIZE(links); i++) {
		int rc = devlink_resolve(root, links[i][0], buf, sizeof(buf));

		CHECK_INT(rc, links[i][1] ? 1 : 0);
		if (links[i][1] && rc == 1)
			CHECK_STR(buf, links[i][1]);
	}
	CHECK_INT(devlink_resolve(root, "/dev/disk/by-uuid/abcdef", buf, 8),
		  -1);
	CHECK_INT(devlink_escape("my disk/1", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "my\\x20disk\\x2f1");
	CHECK_INT(devlink_escape("a-B_c.9:#+=@", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "a-B_c.9:#+=@");
	CHECK_INT(devlink_escape("abc", buf, 3), -1);
	CHECK_INT(devlink_escape(" ", buf, 4), -1);
	fakeroot_free(root);
}

int main(void)
{
	test_value();
	test_name();
	test_devlink();
	return check_done();
}

/* The tools image's mount step, against a fake root and fake mounts. */
#include "check.h"
#include "fakeops.h"
#include "fakeroot.h"

#include "log.h"
#include "tools.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

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

#define ID "LIFEBOAT_0123ABCD"

/* ROOT/dev/NAME: an ISO 9660 volume labelled LABEL (its PVD only). */
static void fake_iso(const char *root, const char *name, const char *label)
{
	char path[PATH_MAX], pvd[72];
	int fd;

	(void)snprintf(path, sizeof(path), "/dev/%s", name);
	fakeroot_write(root, path, "");
	(void)snprintf(path, sizeof(path), "%s/dev/%s", root, name);
	(void)memset(pvd, ' ', sizeof(pvd));
	pvd[0] = 1;
	memcpy(pvd + 1, "CD001", 5);
	memcpy(pvd + 40, label, strlen(label));
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0);
	CHECK_INT((int)pwrite(fd, pvd, sizeof(pvd), 16 * 2048),
		  (int)sizeof(pvd));
	close(fd);
}

static void test_medium_label(void)
{
	const char *root = fakeroot_new(rootbuf, sizeof(rootbuf));
	char path[PATH_MAX];

	fake_iso(root, "sdh", ID);
	fake_iso(root, "sdc", ID "X");
	fake_iso(root, "sdd", "LIFEBOAT_0123ABC");
	fakeroot_write(root, "/dev/sde", "short");
	(void)snprintf(path, sizeof(path), "%s/dev/sdh", root);
	CHECK(tools_medium_matches(path, ID));
	CHECK(!tools_medium_matches(path, ""));
	(void)snprintf(path, sizeof(path), "%s/dev/sdc", root);
	CHECK(!tools_medium_matches(path, ID));
	(void)snprintf(path, sizeof(path), "%s/dev/sdd", root);
	CHECK(!tools_medium_matches(path, ID));
	(void)snprintf(path, sizeof(path), "%s/dev/sde", root);
	CHECK(!tools_medium_matches(path, ID));
	(void)snprintf(path, sizeof(path), "%s/dev/sdz", root);
	CHECK(!tools_medium_matches(path, ID));
	fakeroot_free(root);
}

static struct disk disk(const char *name, int slot, unsigned flags)
{
	struct disk d = { .slot = slot, .flags = flags };

	(void)snprintf(d.name, sizeof(d.name), "%s", name);
	return d;
}

/* Rows for disks, whole ones labelled as given ("" for none). */
static int rows_for(struct disk_row *rows, const struct disk *disks, int n,
		    const char *const *labels)
{
	for (int i = 0; i < n; i++) {
		(void)memset(&rows[i], 0, sizeof(rows[i]));
		(void)snprintf(rows[i].name, sizeof(rows[i].name), "%s",
			       disks[i].name);
		rows[i].disk = i;
		rows[i].slot = disks[i].slot;
		if (labels[i][0]) {
			(void)snprintf(rows[i].fs.type, sizeof(rows[i].fs.type),
				       "iso9660");
			(void)snprintf(rows[i].fs.label,
				       sizeof(rows[i].fs.label), "%s",
				       labels[i]);
		}
	}
	return n;
}

/* First the disk at sdh, whatever it holds, else a CD drive, else none. */
static void test_medium_first(void)
{
	const char *root = fakeroot_new(rootbuf, sizeof(rootbuf));
	struct disk disks[2] = { disk("sda", 0, 0), disk("sdh", 7, 0) };
	char dev[32];

	fakeroot_mkdir(root, "/sys/block/sr1");
	fakeroot_mkdir(root, "/sys/block/sr0");
	CHECK(tools_medium_first(root, disks, 2, dev, sizeof(dev)));
	CHECK_STR(dev, "sdh");
	CHECK(tools_medium_first(root, disks, 1, dev, sizeof(dev)));
	CHECK_STR(dev, "sr0");
	fakeroot_free(root);
	root = fakeroot_new(rootbuf, sizeof(rootbuf));
	fakeroot_mkdir(root, "/sys/block/sda");
	CHECK(!tools_medium_first(root, disks, 1, dev, sizeof(dev)));
	fakeroot_free(root);
}

/*
 * Then the table: the one labelled disk outside the machine's slots (a USB
 * stick); a copy in a slot, or two, never.
 */
static void test_medium_pick(void)
{
	struct disk disks[3] = { disk("sda", 0, 0), disk("sdc", 2, DISK_MEDIUM),
				 disk("sdi", -1, 0) };
	const char *const labels[3] = { "", ID, ID };
	struct disk_row rows[3];
	unsigned int warnings = log_count(LB_WARN);
	int r = rows_for(rows, disks, 3, labels);
	char dev[32];

	/* sdc is in a machine's slot: a copy */
	CHECK_INT(tools_medium_pick(disks, 2, rows, 2, ID, dev, sizeof(dev)),
		  -1);
	CHECK(strstr(log_last(), "the Lifeboat medium is sdc, not sdh") !=
	      NULL);
	CHECK(strstr(log_last(), "missing: ") != NULL);
	/* the same disk outside the slots: the ISO on a USB stick */
	disks[1].slot = -1;
	CHECK_INT(tools_medium_pick(disks, 2, rows, 2, ID, dev, sizeof(dev)),
		  0);
	CHECK_STR(dev, "sdc");
	/* two labelled disks: neither */
	CHECK_INT(tools_medium_pick(disks, 3, rows, r, ID, dev, sizeof(dev)),
		  -1);
	CHECK(strstr(log_last(), "2 disks carry the Lifeboat medium's label") !=
	      NULL);
	/* none (yet): no warning, the caller waits (tools_wait_medium) */
	CHECK_INT(tools_medium_pick(disks, 1, rows, 1, ID, dev, sizeof(dev)),
		  1);
	CHECK_INT(log_count(LB_WARN) - warnings, 2);
}

static void test_medium_mount(void)
{
	const char *root = fakeroot_new(rootbuf, sizeof(rootbuf));
	unsigned int warnings = log_count(LB_WARN);

	fake_reset();
	fake_root = root;
	fake_iso(root, "sdh", ID);
	fakeroot_mkdir(root, "/run/lifeboat");
	fakeroot_mkdir(root, TOOLS_MOUNT);
	/* the fake mount mounts nothing: the file is where it would be */
	fakeroot_write(root, MEDIUM_MOUNT TOOLS_MEDIUM_PATH, "hsqs");
	CHECK_INT(tools_mount_medium(root, "sdh", ID, &fake_ops), 0);
	CHECK_STR(fake.log, "mount iso9660 " MEDIUM_MOUNT " []\n"
			    "loop " MEDIUM_MOUNT TOOLS_MEDIUM_PATH "\n"
			    "mount squashfs " TOOLS_MOUNT " []\n");
	CHECK(fake.mount_flags & MS_RDONLY);
	CHECK_INT(log_count(LB_WARN) - warnings, 0);

	/* a broken image: a warning, and the medium let go */
	fake_reset();
	fake_root = root;
	fake.fail_mount = "squashfs";
	CHECK_INT(tools_mount_medium(root, "sdh", ID, &fake_ops), -1);
	CHECK(strstr(log_last(),
		     "cannot mount the tools image " MEDIUM_MOUNT) != NULL);
	CHECK(strstr(fake.log, "umount ") != NULL);
	CHECK(strstr(fake.log, MEDIUM_MOUNT "\n") != NULL);
	fakeroot_free(root);

	/* no image on it, or another label: nothing stays mounted */
	root = fakeroot_new(rootbuf, sizeof(rootbuf));
	fake_reset();
	fake_root = root;
	fake_iso(root, "sdh", ID);
	fakeroot_mkdir(root, "/run/lifeboat");
	CHECK_INT(tools_mount_medium(root, "sdh", ID, &fake_ops), -1);
	CHECK(strstr(log_last(), "no tools image " MEDIUM_MOUNT) != NULL);
	CHECK(strstr(fake.log, "umount ") != NULL);
	fake_reset();
	fake_root = root;
	CHECK_INT(tools_mount_medium(root, "sdh", "LIFEBOAT_OTHER", &fake_ops),
		  1);
	CHECK(strstr(log_last(), "is not this Lifeboat's medium") != NULL);
	CHECK_STR(fake.log, "");
	CHECK_INT(log_count(LB_WARN) - warnings, 2);
	fakeroot_free(root);
}

/* A medium that comes late: the CD drive's, once it carries the label. */
static void test_wait_medium(void)
{
	const char *root = fakeroot_new(rootbuf, sizeof(rootbuf));
	unsigned int warnings = log_count(LB_WARN);

	fake_reset();
	fake_root = root;
	fakeroot_mkdir(root, "/run/lifeboat");
	fakeroot_mkdir(root, "/sys/block/sr0");
	fake_iso(root, "sr0", "LIFEBOAT_OTHER");
	CHECK_INT(tools_wait_medium(root, ID, 300, &fake_ops), -1);
	CHECK(strstr(log_last(), "no Lifeboat medium at sdh, in a CD drive or "
				 "on a USB stick after 0 s") != NULL);
	CHECK_STR(fake.log, "");
	fake_iso(root, "sr0", ID);
	fakeroot_write(root, MEDIUM_MOUNT TOOLS_MEDIUM_PATH, "hsqs");
	fakeroot_mkdir(root, TOOLS_MOUNT);
	CHECK_INT(tools_wait_medium(root, ID, 300, &fake_ops), 0);
	CHECK_STR(fake.log, "mount iso9660 " MEDIUM_MOUNT " []\n"
			    "loop " MEDIUM_MOUNT TOOLS_MEDIUM_PATH "\n"
			    "mount squashfs " TOOLS_MOUNT " []\n");
	CHECK_INT(log_count(LB_WARN) - warnings, 1);
	fakeroot_free(root);
}

int main(void)
{
	test_mounts_read_only();
	test_broken_image_warns();
	test_missing_image_or_loop();
	test_medium_label();
	test_medium_first();
	test_medium_pick();
	test_medium_mount();
	test_wait_medium();
	return check_done();
}

/* The unmount plan at shutdown, and running it against fake system calls. */
#include "check.h"
#include "fakeops.h"

#include "log.h"
#include "umount.h"

#include <stdlib.h>

static struct umount_step steps[UMOUNT_STEPS_MAX];
static char plan_text[8192];

static const char *action_name(enum umount_action a)
{
	return a == UMOUNT_UNMOUNT    ? "umount" :
	       a == UMOUNT_REMOUNT_RO ? "ro" :
					"skip";
}

/* The plan as "umount /a\nskip /b\n..." for easy comparison. */
static const char *plan(const char *mounts)
{
	int n = shutdown_plan(mounts, steps, UMOUNT_STEPS_MAX, NULL);
	size_t len = 0;

	plan_text[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(plan_text + len,
					sizeof(plan_text) - len, "%s %s\n",
					action_name(steps[i].action),
					steps[i].target);
	return plan_text;
}

static const char *const base_mounts =
	"rootfs / rootfs rw,size=246284k,nr_inodes=61571 0 0\n"
	"proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
	"sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
	"devtmpfs /dev devtmpfs rw,nosuid,size=10240k,mode=755 0 0\n"
	"devpts /dev/pts devpts rw,nosuid,noexec,gid=5,mode=620 0 0\n"
	"tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0\n"
	"tmpfs /run tmpfs rw,nosuid,nodev,mode=755 0 0\n"
	"tmpfs /tmp tmpfs rw,nosuid,nodev 0 0\n";

static const char *const base_plan = "skip /tmp\n"
				     "skip /run\n"
				     "skip /dev/shm\n"
				     "skip /dev/pts\n"
				     "skip /dev\n"
				     "skip /sys\n"
				     "skip /proc\n"
				     "ro /\n";

static void test_nothing_mounted(void)
{
	CHECK_STR(plan(base_mounts), base_plan);
	CHECK_STR(plan(""), "");
}

static void test_chroot_and_spaces(void)
{
	char mounts[4096], want[4096];

	CHECK(snprintf(
		      mounts, sizeof(mounts),
		      "%s"
		      "/dev/sda1 /media/sda ext4 rw,relatime 0 0\n"
		      "proc /media/sda/proc proc rw 0 0\n"
		      "sysfs /media/sda/sys sysfs rw 0 0\n"
		      "devtmpfs /media/sda/dev devtmpfs rw 0 0\n"
		      "devpts /media/sda/dev/pts devpts rw 0 0\n"
		      "/dev/sdb1 /media/my\\040disk vfat rw 0 0\n"
		      "/dev/sdc1 /mnt/tab\\011back\\134slash\\012nl ext2 rw 0 0",
		      base_mounts) < (int)sizeof(mounts));
	CHECK(snprintf(want, sizeof(want),
		       "umount /mnt/tab\tback\\slash\nnl\n"
		       "umount /media/my disk\n"
		       "umount /media/sda/dev/pts\n"
		       "umount /media/sda/dev\n"
		       "umount /media/sda/sys\n"
		       "umount /media/sda/proc\n"
		       "umount /media/sda\n"
		       "%s",
		       base_plan) < (int)sizeof(want));
	CHECK_STR(plan(mounts), want);
}

static void test_nested_out_of_order(void)
{
	/* the chroot's mounts made first, the disk moved in later */
	CHECK_STR(plan("rootfs / rootfs rw 0 0\n"
		       "proc /media/sda/proc proc rw 0 0\n"
		       "devtmpfs /media/sda/dev devtmpfs rw 0 0\n"
		       "/dev/sda1 /media/sda ext4 rw 0 0\n"
		       "/dev/sdb1 /media/sdab ext4 rw 0 0\n"
		       "devpts /media/sda/dev/pts devpts rw 0 0\n"),
		  "umount /media/sda/dev/pts\n"
		  "umount /media/sdab\n"
		  "umount /media/sda/dev\n"
		  "umount /media/sda/proc\n"
		  "umount /media/sda\n"
		  "ro /\n");
	/* stacked on one mount point: both, the top one first */
	CHECK_STR(plan("rootfs / rootfs rw 0 0\n"
		       "/dev/sda1 /mnt ext4 rw 0 0\n"
		       "/dev/sdb1 /mnt xfs rw 0 0\n"),
		  "umount /mnt\numount /mnt\nro /\n");
	CHECK(steps[0].fstype[0] == 'x');
}

static void test_our_mount_points_taken_by_disks(void)
{
	/* a disk mounted over /tmp is unmounted; our tmpfs stays */
	CHECK_STR(plan("rootfs / rootfs rw 0 0\n"
		       "tmpfs /tmp tmpfs rw 0 0\n"
		       "/dev/sda1 /tmp ext4 rw 0 0\n"
		       "debugfs /sys/kernel/debug debugfs rw 0 0\n"
		       "binfmt_misc /proc/sys/fs/binfmt_misc binfmt_misc rw 0 "
		       "0\n"),
		  "umount /proc/sys/fs/binfmt_misc\n"
		  "umount /sys/kernel/debug\n"
		  "umount /tmp\n"
		  "skip /tmp\n"
		  "ro /\n");
}

static void test_bad_lines(void)
{
	static char mounts[8192];
	unsigned int warnings = log_count(LB_WARN);
	char longpath[UMOUNT_PATH_SIZE + 10];

	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	CHECK(snprintf(mounts, sizeof(mounts),
		       "rootfs / rootfs rw 0 0\n"
		       "\n"
		       "garbage\n"
		       "none relative tmpfs rw 0 0\n"
		       "none /toolong %s rw 0 0\n"
		       "none %s tmpfs rw 0 0\n"
		       "/dev/sda /media/sda ext4",
		       "averyveryverylongfilesystemtypename",
		       longpath) < (int)sizeof(mounts));
	CHECK_STR(plan(mounts), "umount /media/sda\nro /\n");
	CHECK_INT(log_count(LB_WARN) - warnings, 1);
	CHECK(strstr(log_last(), "4 lines") != NULL);

	/* a dangling escape is taken as it is */
	CHECK_STR(plan("x /a\\04 ext4 rw 0 0\nx /b\\ ext4 rw 0 0\n"),
		  "umount /b\\\numount /a\\04\n");
}

static void test_more_mounts_than_room(void)
{
	static char mounts[64 * 40];
	struct umount_step few[10];
	size_t len = 0;

	for (int i = 0; i < 60; i++)
		len += (size_t)snprintf(mounts + len, sizeof(mounts) - len,
					"tmpfs /m/%d tmpfs rw 0 0\n", i);
	/* the newest ten, newest first */
	CHECK_INT(shutdown_plan(mounts, few, 10, NULL), 10);
	CHECK_STR(few[0].target, "/m/59");
	CHECK_STR(few[9].target, "/m/50");
	CHECK(strstr(log_last(), "50 lines") != NULL);
	/* a caller that plans again is told how many were left for later */
	{
		int left = -1;

		CHECK_INT(shutdown_plan(mounts, few, 10, &left), 10);
		CHECK_INT(left, 50);
		CHECK_STR(few[0].target, "/m/59");
	}
}

static void test_garbage(void)
{
	static char text[8192];
	unsigned int seed = 99;

	for (int round = 0; round < 300; round++) {
		size_t len = (size_t)(rand_r(&seed) % (sizeof(text) - 1));

		for (size_t i = 0; i < len; i++) {
			int r = rand_r(&seed) % 8;

			text[i] = r == 0 ? '\n' :
				  r == 1 ? ' ' :
				  r == 2 ? '/' :
				  r == 3 ? '\\' :
					   (char)(rand_r(&seed) % 255 + 1);
		}
		text[len] = '\0';
		int n = shutdown_plan(text, steps, UMOUNT_STEPS_MAX, NULL);
		CHECK(n >= 0 && n <= UMOUNT_STEPS_MAX);
		for (int i = 0; i < n; i++)
			CHECK(steps[i].target[0] == '/');
	}
}

static void test_run(void)
{
	enum umount_result res[UMOUNT_STEPS_MAX];
	int n, bad;

	n = shutdown_plan("rootfs / rootfs rw 0 0\n"
			  "proc /proc proc rw 0 0\n"
			  "/dev/sda1 /media/sda ext4 rw 0 0\n"
			  "/dev/sdb1 /media/sdb ext4 rw 0 0\n"
			  "/dev/sdc1 /media/sdc ext4 rw 0 0\n"
			  "/dev/sdd1 /media/sdd ext4 rw 0 0\n",
			  steps, UMOUNT_STEPS_MAX, NULL);
	CHECK_INT(n, 6);

	/* all goes well */
	fake_reset();
	CHECK_INT(umount_run(steps, n, &fake_ops, res), 0);
	CHECK_STR(fake.log, "umount /media/sdd\n"
			    "umount /media/sdc\n"
			    "umount /media/sdb\n"
			    "umount /media/sda\n"
			    "remount-ro /\n");
	CHECK(res[0] == UMOUNT_DONE && res[3] == UMOUNT_DONE);
	CHECK(res[4] == UMOUNT_LEFT); /* /proc */
	CHECK(res[5] == UMOUNT_READONLY); /* / */

	/*
	 * sdd busy once (it goes on the second pass), sdb always busy (read-
	 * only instead), sdc busy and not even read-only (detached)
	 */
	fake_reset();
	fake.fail_umount[0] = "/media/sdb";
	fake.fail_umount[1] = "/media/sdc";
	fake.fail_remount[0] = "/media/sdc";
	fake.fail_remount[1] = "/";
	bad = umount_run(steps, n, &fake_ops, res);
	CHECK_INT(bad, 1);
	CHECK(res[0] == UMOUNT_DONE);
	CHECK(res[1] == UMOUNT_DETACHED);
	CHECK(res[2] == UMOUNT_READONLY);
	CHECK(res[3] == UMOUNT_DONE);
	CHECK(res[4] == UMOUNT_LEFT);
	CHECK(res[5] == UMOUNT_LEFT); /* the root refused: fine */
	CHECK(strstr(fake.log, "remount-ro /media/sdb\n") != NULL);
	CHECK(strstr(fake.log, "detach /media/sdc\n") != NULL);
	CHECK(strstr(fake.log, "detach /media/sdb") == NULL);
	CHECK(strstr(fake.log, "/proc") == NULL);

	/* busy only on the first try: a second pass gets it */
	fake_reset();
	fake.fail_umount[0] = "/media/sdd";
	fake.umount_busy_times = 1;
	CHECK_INT(umount_run(steps, n, &fake_ops, res), 0);
	CHECK(res[0] == UMOUNT_DONE);
	CHECK(strstr(fake.log, "remount-ro /media") == NULL);

	/* no results array wanted */
	fake_reset();
	CHECK_INT(umount_run(steps, n, &fake_ops, NULL), 0);
}

int main(void)
{
	test_nothing_mounted();
	test_chroot_and_spaces();
	test_nested_out_of_order();
	test_our_mount_points_taken_by_disks();
	test_bad_lines();
	test_more_mounts_than_room();
	test_garbage();
	test_run();
	return check_done();
}

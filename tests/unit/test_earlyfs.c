/* The early root filesystem table, applied to a temp dir with fake mounts. */
#include "check.h"
#include "fakeops.h"
#include "fakeroot.h"

#include "boot.h"
#include "earlyfs.h"
#include "log.h"
#include "util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static char rootbuf[PATH_MAX];

static mode_t mode_of(const char *root, const char *path)
{
	char full[PATH_MAX];
	struct stat st;

	if (!path_join(full, sizeof(full), root, path) || lstat(full, &st) < 0)
		return 0;
	return st.st_mode;
}

static const char *link_of(const char *root, const char *path)
{
	static char target[PATH_MAX];
	char full[PATH_MAX];
	ssize_t n;

	CHECK(path_join(full, sizeof(full), root, path));
	n = readlink(full, target, sizeof(target) - 1);
	target[n < 0 ? 0 : n] = '\0';
	return target;
}

static void test_table_builds_the_tree(void)
{
	const char *root = fakeroot_new(rootbuf, sizeof(rootbuf));

	fakeroot_mkdir(root, "/etc");
	fake_reset();
	fake_root = root;
	CHECK_INT(earlyfs_apply(root, earlyfs_table, earlyfs_count, &fake_ops),
		  0);
	CHECK_STR(fake.log, "mount proc /proc []\n"
			    "mount sysfs /sys []\n"
			    "mount devtmpfs /dev []\n"
			    "mount devpts /dev/pts "
			    "[gid=5,mode=620,ptmxmode=0666]\n"
			    "mount tmpfs /dev/shm [mode=1777]\n"
			    "mount tmpfs /run [mode=0755]\n"
			    "mount tmpfs /tmp [mode=1777]\n"
			    "mknod /dev/mapper/control c 10:236\n");

	static const char *const dirs[] = {
		"/proc",    "/sys",  "/dev", "/dev/pts",
		"/dev/shm", "/run",  "/tmp", "/run/lifeboat",
		"/media",   "/root", "/var", "/dev/mapper"
	};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		CHECK(S_ISDIR(mode_of(root, dirs[i])));
	/* the umask must not get in the way */
	CHECK_INT(mode_of(root, "/root") & 07777, 0700);
	CHECK_INT(mode_of(root, "/tmp") & 07777, 01777);

	CHECK(S_ISLNK(mode_of(root, "/etc/mtab")));
	CHECK_STR(link_of(root, "/etc/mtab"), "/proc/self/mounts");
	CHECK_STR(link_of(root, "/var/run"), "/run");
	CHECK_STR(link_of(root, "/dev/fd"), "/proc/self/fd");
	CHECK_STR(link_of(root, "/dev/stderr"), "/proc/self/fd/2");

	/* a second run finds everything in place and is happy */
	fake_reset();
	CHECK_INT(earlyfs_apply(root, earlyfs_table, earlyfs_count, &fake_ops),
		  0);
	fakeroot_free(root);
}

static void test_failures_do_not_stop_it(void)
{
	const char *root = fakeroot_new(rootbuf, sizeof(rootbuf));
	unsigned int warnings = log_count(LB_WARN);

	/* no /etc, /var/run a real directory, devpts refused */
	fakeroot_mkdir(root, "/var/run");
	fake_reset();
	fake_root = root;
	fake.fail_mount = "devpts";
	CHECK_INT(earlyfs_apply(root, earlyfs_table, earlyfs_count, &fake_ops),
		  3);
	CHECK_INT(log_count(LB_WARN) - warnings, 3);
	CHECK(strstr(fake.log, "mount tmpfs /tmp") != NULL);
	CHECK(S_ISDIR(mode_of(root, "/var/run")));
	CHECK(S_ISLNK(mode_of(root, "/dev/stdin")));
	CHECK(S_ISDIR(mode_of(root, "/root")));
	fakeroot_free(root);
}

static void test_api_mounts(void)
{
	CHECK(earlyfs_is_api_mount("/proc", "proc"));
	CHECK(earlyfs_is_api_mount("/dev", "devtmpfs"));
	CHECK(earlyfs_is_api_mount("/dev/pts", "devpts"));
	CHECK(earlyfs_is_api_mount("/run", "tmpfs"));
	CHECK(earlyfs_is_api_mount("/tmp", "tmpfs"));
	/* a disk mounted over /tmp is not ours to keep */
	CHECK(!earlyfs_is_api_mount("/tmp", "ext4"));
	CHECK(!earlyfs_is_api_mount("/media/sda/proc", "proc"));
}

/* The whole boot sequence up to the consoles, against a fake root. */
static void test_boot_steps(void)
{
	const char *root = fakeroot_new(rootbuf, sizeof(rootbuf));
	static struct lb_context ctx;
	char path[PATH_MAX], text[4096];
	FILE *f;

	fakeroot_mkdir(root, "/etc");
	fakeroot_write(root, "/proc/cmdline",
		       "console=ttyS0 hostname=unit-test sshd\n");
	fakeroot_write(root, "/proc/self/oom_score_adj", "0\n");
	fakeroot_write(root, "/dev/kmsg", "");
	fakeroot_write(root, "/usr/lib/lifeboat/tools.squashfs", "");
	fakeroot_mkdir(root, "/usr/lib/lifeboat/tools");
	/* the background helpers of the network and SSH steps: harmless */
	fakeroot_write(root, "/usr/libexec/lifeboat/net-up", "#!/bin/sh\n");
	fakeroot_write(root, "/usr/libexec/lifeboat/ssh-boot", "#!/bin/sh\n");
	CHECK(path_join(path, sizeof(path), root,
			"/usr/libexec/lifeboat/net-up"));
	chmod(path, 0755);
	CHECK(path_join(path, sizeof(path), root,
			"/usr/libexec/lifeboat/ssh-boot"));
	chmod(path, 0755);
	fake_reset();
	fake_root = root;
	ctx.root = root;
	ctx.ops = &fake_ops;

	log_reset();
	CHECK_INT(boot_run(&ctx), 0);
	CHECK_STR(fake.hostname, "unit-test");
	CHECK_STR(ctx.opts.hostname, "unit-test");
	CHECK(ctx.opts.sshd);
	CHECK(path_join(path, sizeof(path), root, "/run/lifeboat/net"));
	CHECK(access(path, R_OK) == 0);
	/* what the steps learnt, for the banner */
	CHECK(ctx.state.disk_table &&
	      strstr(ctx.state.disk_table, "no disks found") != NULL);
	CHECK(!strncmp(ctx.state.network, "Network: ", 9));

	CHECK(path_join(path, sizeof(path), root, "/proc/self/oom_score_adj"));
	f = fopen(path, "r");
	CHECK(f && fgets(text, sizeof(text), f) && !strcmp(text, "-1000\n"));
	if (f)
		(void)fclose(f);

	/* boot.log has the lines from before /run existed, with times */
	CHECK(path_join(path, sizeof(path), root, "/run/lifeboat/boot.log"));
	f = fopen(path, "r");
	size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	text[n] = '\0';
	if (f)
		(void)fclose(f);
	CHECK(strstr(text, " ms] init: mounted proc on /proc\n") != NULL);
	CHECK(strstr(text, "init: hostname unit-test\n") != NULL);

	/* and /dev/kmsg got them as records with a priority */
	CHECK(path_join(path, sizeof(path), root, "/dev/kmsg"));
	f = fopen(path, "r");
	n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	text[n] = '\0';
	if (f)
		(void)fclose(f);
	CHECK(!strncmp(text, "<6>init: mounted proc on /proc\n", 31));

	CHECK(path_join(path, sizeof(path), root, "/run/lifeboat/options"));
	CHECK(access(path, R_OK) == 0);
	log_reset();
	fakeroot_free(root);
}

int main(void)
{
	test_table_builds_the_tree();
	test_failures_do_not_stop_it();
	test_api_mounts();
	test_boot_steps();
	return check_done();
}

/* The banner's disk list and sizes, from a fake /sys/block. */
#include "check.h"
#include "fakeroot.h"

#include "banner.h"
#include "jobs.h"
#include "format.h"

static const char *size(uint64_t bytes)
{
	static char buf[16];

	format_size(buf, sizeof(buf), bytes);
	return buf;
}

static void test_sizes(void)
{
	CHECK_STR(size(0), "0B");
	CHECK_STR(size(1023), "1023B");
	CHECK_STR(size(1024), "1.0K");
	CHECK_STR(size(1536), "1.5K");
	CHECK_STR(size(10 * 1024), "10K");
	CHECK_STR(size(256ULL << 20), "256M");
	CHECK_STR(size(1792ULL << 20), "1.8G");
	CHECK_STR(size((2ULL << 30) - 1), "2.0G");
	CHECK_STR(size(20ULL << 30), "20G");
	CHECK_STR(size(3ULL << 40), "3.0T");
	CHECK_STR(size(UINT64_MAX), "16E");
}

static void test_disks(void)
{
	static char boot_table[] = "  the boot's table\n";
	static struct boot_state st;
	char buf[PATH_MAX], out[2048];
	const char *root = fakeroot_new(buf, sizeof(buf));
	FILE *f;

	fakeroot_write(root, "/sys/block/sdb/size", "4194304\n");
	fakeroot_write(root, "/sys/block/sda/size", "16777216\n");
	fakeroot_write(root, "/sys/block/sdaa/size", "2048\n");
	fakeroot_write(root, "/sys/block/vda/size", "garbage\n");
	fakeroot_write(root, "/sys/block/loop0/size", "0\n");
	fakeroot_write(root, "/sys/block/sr0/size", "0\n");
	fakeroot_mkdir(root, "/sys/block/sdz");

	f = fmemopen(out, sizeof(out), "w");
	banner_disks(f, root, &st, false);
	CHECK(fclose(f) == 0);
	/* the disk table (test_disks.c tests its columns) */
	CHECK(strstr(out, "DISK") != NULL);
	CHECK(strstr(out, "  sda ") != NULL && strstr(out, "8.0G") != NULL);
	CHECK(strstr(out, "  sdb ") != NULL && strstr(out, "2.0G") != NULL);
	CHECK(strstr(out, "  sdaa ") != NULL);
	CHECK(strstr(out, "loop0") == NULL && strstr(out, "sr0") == NULL);
	CHECK(strstr(out, "  sda ") < strstr(out, "  sdb "));
	CHECK(strstr(out, "  sdz ") < strstr(out, "  sdaa "));
	fakeroot_free(root);

	root = fakeroot_new(buf, sizeof(buf));
	f = fmemopen(out, sizeof(out), "w");
	banner_disks(f, root, &st, false);
	CHECK(fclose(f) == 0);
	CHECK(strstr(out, "no disks found") != NULL);

	/* the boot's table for the first shells, probed again for later ones */
	st.disk_table = boot_table;
	f = fmemopen(out, sizeof(out), "w");
	banner_disks(f, root, &st, true);
	CHECK(fclose(f) == 0);
	CHECK_STR(out, "  the boot's table\n");
	f = fmemopen(out, sizeof(out), "w");
	banner_disks(f, root, &st, false);
	CHECK(fclose(f) == 0);
	CHECK(strstr(out, "no disks found") != NULL);
	fakeroot_free(root);
}

static void test_banner(void)
{
	static char table[] = "  no disks found\n";
	static struct boot_state st;
	char out[4096];
	FILE *f = fmemopen(out, sizeof(out), "w");

	st.disk_table = table;
	(void)snprintf(st.network, sizeof(st.network), "Network: off (ip=off)");
	banner_print(f, "/nonexistent", &st, true);
	CHECK(fclose(f) == 0);
	CHECK(strstr(out, "no disks found\n\nNetwork: off (ip=off)\n") != NULL);
	CHECK(strstr(out, "Welcome to Lifeboat! (version " LIFEBOAT_VERSION
			  ")") != NULL);
	CHECK(strstr(out, "Type 'lifeboat' for the rescue guide") != NULL);
	CHECK(strstr(out, "Jobs:") == NULL);
}

static void test_banner_jobs(void)
{
	static char table[] = "  no disks found\n";
	static struct boot_state st;
	char buf[PATH_MAX], out[4096];
	const char *root = fakeroot_new(buf, sizeof(buf));
	FILE *f = fmemopen(out, sizeof(out), "w");

	st.disk_table = table;
	(void)snprintf(st.jobs, sizeof(st.jobs), "Jobs: 1 at boot (fw_cfg)");
	banner_print(f, root, &st, true);
	CHECK(fclose(f) == 0);
	CHECK(strstr(out, "\nJobs: 1 at boot (fw_cfg)\n") != NULL);
	/* a shell after the jobs ended says how */
	fakeroot_write(root, JOBS_RESULT, "1 3\n");
	f = fmemopen(out, sizeof(out), "w");
	banner_print(f, root, &st, false);
	CHECK(fclose(f) == 0);
	CHECK(strstr(out, "\nJobs: done; the result: job 1 exited 3 (output "
			  "in /run/lifeboat/jobs/N.log)\n") != NULL);
	fakeroot_free(root);
}

int main(void)
{
	test_sizes();
	test_disks();
	test_banner();
	test_banner_jobs();
	return check_done();
}

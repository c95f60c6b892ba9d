/* Jobs at boot: what /init plans to run, from options, fw_cfg and the disks. */
#include "check.h"
#include "fakeroot.h"

#include "fwcfg.h"
#include "jobs.h"
#include "log.h"
#include "options.h"
#include "util.h"

static struct lb_options o;

static void parse(const char *cmdline)
{
	options_defaults(&o);
	options_parse(&o, cmdline);
}

static void test_options(void)
{
	unsigned int before = log_count(LB_WARN);

	parse("lifeboat.run=\"e2fsck -fy /dev/sda\" lifeboat.then=poweroff "
	      "lifeboat.timeout=5m lifeboat.run=http://10.0.2.2:8000/j.sh");
	CHECK_INT(log_count(LB_WARN), before);
	CHECK_INT(o.run_count, 2);
	CHECK_STR(o.run[0], "e2fsck -fy /dev/sda");
	CHECK_STR(o.run[1], "http://10.0.2.2:8000/j.sh");
	CHECK_STR(o.then, "poweroff");
	CHECK_INT(jobs_timeout_seconds(o.timeout), 300);

	/* garbage: a warning each, and the defaults */
	parse("lifeboat.then=halt-and-catch-fire lifeboat.timeout=soon "
	      "lifeboat.timeout=8d lifeboat.run=");
	CHECK_INT(log_count(LB_WARN), before + 4);
	CHECK_STR(o.then, "");
	CHECK_STR(o.timeout, "");
	CHECK_INT(o.run_count, 0);
	CHECK(strstr(log_last(), "lifeboat.run= needs a value"));
}

static void test_timeouts(void)
{
	CHECK(jobs_timeout_valid("90", 2));
	CHECK(jobs_timeout_valid("0", 1));
	CHECK(jobs_timeout_valid("2h", 2));
	CHECK(jobs_timeout_valid("168h", 4));
	CHECK(!jobs_timeout_valid("169h", 4));
	CHECK(!jobs_timeout_valid("s", 1));
	CHECK(!jobs_timeout_valid("-5", 2));
	CHECK(!jobs_timeout_valid("5x", 2));
	CHECK(!jobs_timeout_valid("99999999", 8));
	CHECK_INT(jobs_timeout_seconds("90s"), 90);
	CHECK_INT(jobs_timeout_seconds("0"), 0);
	CHECK_INT(jobs_timeout_seconds(""), 0);
	CHECK(jobs_then_valid("shell", 5) && jobs_then_valid("reboot", 6));
	CHECK(!jobs_then_valid("poweroffx", 9) && !jobs_then_valid("", 0));
}

static void row(struct disk_row *r, const char *dev, const char *type,
		const char *label, int stack)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->name, dev);
	strcpy(r->dev, dev);
	strcpy(r->fs.type, type);
	strcpy(r->fs.label, label);
	r->stack = stack;
}

static void test_plan(void)
{
	static struct disk_row rows[6];
	static struct job jobs[JOBS_MAX];
	char buf[PATH_MAX], text[256];
	const char *root = fakeroot_new(buf, sizeof(buf));
	struct job_result r;

	row(&rows[0], "sda", "ext4", "LIFEBOAT", 0); /* the wrong type below */
	strcpy(rows[0].fs.type, "xfs");
	row(&rows[5], "sdh2", "vfat", "LIFEBOAT", 0); /* the ISO's EFI image */
	rows[5].is_part = 1;
	row(&rows[1], "sdb1", "vfat", "lifeboat", 0);
	row(&rows[2], "sdc", "ext4", "LIFEBOAT", 0);
	row(&rows[3], "dm-0", "ext4", "LIFEBOAT", 1);
	row(&rows[4], "sdh", "iso9660", "LIFEBOAT_0123abcd", 0);
	for (int i = 0; i < 6; i++)
		rows[i].disk = i == 5 ? 4 : i;

	parse("lifeboat.run=http://h/j lifeboat.run=\"echo hi\"");
	CHECK_INT(jobs_plan(&o, "/fw", rows, 5, jobs, JOBS_MAX), 4);
	CHECK_INT(jobs[0].kind, JOB_FWCFG);
	CHECK_STR(jobs[0].arg, "/fw");
	CHECK_INT(jobs[1].kind, JOB_DISK);
	CHECK_STR(jobs[1].arg, "sdb1");
	CHECK_STR(jobs[1].fs, "vfat");
	CHECK_INT(jobs[2].kind, JOB_URL);
	CHECK_INT(jobs[3].kind, JOB_INLINE);
	CHECK_STR(jobs[3].arg, "echo hi");
	CHECK_INT(jobs_plan(&o, NULL, rows, 5, jobs, 2), 2);

	/* no job: no file, nothing planned (nothing is mounted or written) */
	parse("");
	CHECK_INT(jobs_plan(&o, NULL, rows + 3, 3, jobs, JOBS_MAX), 0);

	parse("lifeboat.run=\"echo hi\" lifeboat.then=poweroff "
	      "lifeboat.timeout=1m");
	CHECK_INT(jobs_plan(&o, "/fw", rows + 2, 1, jobs, JOBS_MAX), 3);
	fakeroot_write(root, "/q", "");
	(void)snprintf(text, sizeof(text), "%s/q", root);
	CHECK_INT(jobs_write_queue(text, &o, jobs, 3), 0);
	{
		char *q = read_all(text, NULL);

		CHECK_STR(q, "then poweroff\ntimeout 60\njob fw_cfg /fw\n"
			     "job disk sdc ext4\njob inline echo hi\n");
		free(q);
	}
	jobs_banner(text, sizeof(text), &o, jobs, 3);
	CHECK_STR(text,
		  "Jobs: 3 at boot (fw_cfg, disk LIFEBOAT, lifeboat.run); "
		  "then poweroff.\nRunning now: output here and in "
		  "/run/lifeboat/jobs/N.log; the prompt is yours.");

	/* the runner's result */
	CHECK_INT(jobs_read_result(root, &r), -1);
	fakeroot_write(root, JOBS_RESULT, "2 124\n");
	CHECK_INT(jobs_read_result(root, &r), 0);
	CHECK_INT(r.job, 2);
	CHECK_INT(r.status, 124);
	CHECK_INT(jobs_parse_result("0 1\n", &r), -1);
	CHECK_INT(jobs_parse_result("1 1", &r), -1);
	CHECK_INT(jobs_parse_result("1 256\n", &r), -1);
	CHECK_INT(jobs_parse_result("x\n", &r), -1);
	CHECK_INT(jobs_exit_value(0), 0);
	CHECK_INT(jobs_exit_value(127), 127);
	CHECK_INT(jobs_exit_value(143), JOB_STATUS_ABNORMAL);
	fakeroot_free(root);
}

static void test_fwcfg(void)
{
	char buf[PATH_MAX];
	const char *root = fakeroot_new(buf, sizeof(buf));
	unsigned int before;

	parse("");
	fwcfg_options(&o, root); /* no fw_cfg at all: nothing */
	CHECK_INT(o.ssh_key_count, 0);
	CHECK(!fwcfg_has(root, FWCFG_RUN));
	fakeroot_write(root, FWCFG_BY_NAME FWCFG_RUN "/raw", "#!/bin/sh\n");
	CHECK(fwcfg_has(root, FWCFG_RUN));
	fakeroot_write(root, FWCFG_BY_NAME "opt/lifeboat/ssh_key/raw",
		       "ssh-ed25519 AAAA one\n\n# comment\r\n"
		       "ssh-rsa BBBB two\n");
	fakeroot_write(root, FWCFG_BY_NAME "opt/lifeboat/passwd_hash/raw",
		       "$6$salt$hash\n");
	fakeroot_write(root, FWCFG_BY_NAME "opt/lifeboat/then/raw",
		       "poweroff\n");
	fakeroot_write(root, FWCFG_BY_NAME "opt/lifeboat/timeout/raw", "10");
	parse("ssh_key=\"ssh-ed25519 CCCC line\" lifeboat.timeout=20");
	fwcfg_options(&o, root);
	CHECK_INT(o.ssh_key_count, 3);
	CHECK_STR(o.ssh_keys[1], "ssh-ed25519 AAAA one");
	CHECK_STR(o.ssh_keys[2], "ssh-rsa BBBB two");
	CHECK_STR(o.passwd, "$6$salt$hash");
	CHECK_STR(o.then, "poweroff");
	CHECK_STR(o.timeout, "20"); /* the boot line wins */

	/* a plain password is no hash: refused, never shown */
	fakeroot_write(root, FWCFG_BY_NAME "opt/lifeboat/passwd_hash/raw",
		       "hunter2\n");
	fakeroot_write(root, FWCFG_BY_NAME "opt/lifeboat/then/raw", "nap\n");
	before = log_count(LB_WARN);
	parse("");
	fwcfg_options(&o, root);
	CHECK_INT(log_count(LB_WARN), before + 2);
	CHECK_STR(o.passwd, "");
	CHECK_STR(o.then, "");
	CHECK(!strstr(log_last(), "hunter2"));
	fakeroot_free(root);
}

int main(void)
{
	test_options();
	test_timeouts();
	test_plan();
	test_fwcfg();
	return check_done();
}

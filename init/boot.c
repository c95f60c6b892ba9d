#include "boot.h"
#include "aptsources.h"
#include "earlyfs.h"
#include "jobstep.h"
#include "log.h"
#include "steps.h"
#include "tools.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/klog.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int step_filesystems(struct lb_context *ctx)
{
	return earlyfs_apply(ctx->root, earlyfs_table, earlyfs_count,
			     ctx->ops) ?
		       -1 :
		       0;
}

/*
 * The kernel opens /dev/console as fds 0-2 only if it exists in the
 * initramfs. Without it, warnings would go nowhere and a child writing to
 * fd 2 could hit an unrelated file.
 */
static int step_stdio(struct lb_context *ctx)
{
	char path[256];
	int fd = -1;

	for (int i = 0; i < 3; i++) {
		if (fcntl(i, F_GETFD) >= 0)
			continue;
		if (fd < 0 &&
		    path_join(path, sizeof(path), ctx->root, "/dev/console"))
			fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
		if (fd < 0 &&
		    path_join(path, sizeof(path), ctx->root, "/dev/null"))
			fd = open(path, O_RDWR | O_NOCTTY);
		if (fd < 0)
			return -1;
		if (fd != i)
			dup2(fd, i);
	}
	if (fd > 2)
		close(fd);
	log_set_console(2);
	return 0;
}

static int step_logs(struct lb_context *ctx)
{
	char path[256];
	int rc = 0;

	if (!path_join(path, sizeof(path), ctx->root, "/dev/kmsg") ||
	    log_attach_kmsg(path) < 0) {
		lb_warn("cannot open /dev/kmsg: %s", strerror(errno));
		rc = -1;
	}
	if (!path_join(path, sizeof(path), ctx->root, LB_BOOT_LOG) ||
	    log_attach_file(path) < 0) {
		lb_warn("cannot open " LB_BOOT_LOG ": %s", strerror(errno));
		rc = -1;
	}
	return rc;
}

/* Out of memory, the kernel must pick anything but PID 1. */
static int step_oom(struct lb_context *ctx)
{
	char path[256];

	if (!path_join(path, sizeof(path), ctx->root,
		       "/proc/self/oom_score_adj") ||
	    write_text(path, "-1000\n", 0644) < 0) {
		lb_warn("cannot protect init from the OOM killer: %s",
			strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The kernel's messages on the console: emergencies, alerts and critical ones
 * (a filesystem's errors, a panic) only. A failing disk's I/O errors would
 * flood the serial console a rescue user types on; they stay in dmesg and
 * are counted in the disk table (ioerr:N). loglevel= and friends win.
 */
#define CONSOLE_LOGLEVEL 3
#define SYSLOG_CONSOLE_LEVEL 8 /* the kernel's SYSLOG_ACTION_CONSOLE_LEVEL */

static int step_options(struct lb_context *ctx)
{
	options_read(&ctx->opts, ctx->root);
	if (ctx->opts.debug)
		log_set_verbose(true);
	if (!ctx->opts.kernel_loglevel &&
	    klogctl(SYSLOG_CONSOLE_LEVEL, NULL, CONSOLE_LOGLEVEL) < 0)
		lb_warn("cannot set the console's log level: %s",
			strerror(errno));
	return 0;
}

/*
 * Early, so that the tools and modules in it are there for everything after
 * (a module loads on demand from the first shell on). A failure is a warning
 * and the prompt still comes.
 */
static int step_tools(struct lb_context *ctx)
{
	if (!tools_built_in(ctx->root)) {
		ctx->state.tools_on_medium = true;
		lb_info("the tools image is the medium's: mounted once the "
			"disks are named");
		return 0;
	}
	return tools_mount(ctx->root, ctx->ops);
}

/* the child's status when the device it read is not the medium */
#define NOT_THE_MEDIUM 2

/* No medium at the disk table: one may still come (a USB stick). */
static int wait_medium_in_background(struct lb_context *ctx)
{
	pid_t pid = fork();

	if (pid < 0) {
		lb_warn("cannot fork to wait for the medium: %s; "
			"missing: " TOOLS_MISSING,
			strerror(errno));
		return -1;
	}
	if (pid == 0) {
		(void)child_reset();
		_exit(tools_wait_medium(ctx->root, ctx->state.medium_id,
					TOOLS_MEDIUM_LATE_MS, ctx->ops) ?
			      1 :
			      0);
	}
	lb_info("no Lifeboat medium at sdh or in a CD drive yet: looking for "
		"one for %d s in the background (pid %d)",
		TOOLS_MEDIUM_LATE_MS / 1000, (int)pid);
	return 0;
}

/* A child mounting DEV's tools image (tools_mount_medium), not waited for. */
static int start_medium_mount(struct lb_context *ctx, const char *dev)
{
	struct boot_state *st = &ctx->state;
	pid_t pid;

	(void)snprintf(st->tools_dev, sizeof(st->tools_dev), "%s", dev);
	pid = fork();
	if (pid < 0) {
		lb_warn("cannot fork to mount the medium %s: %s; "
			"missing: " TOOLS_MISSING,
			dev, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int rc;

		(void)child_reset();
		rc = tools_mount_medium(ctx->root, st->tools_dev, st->medium_id,
					ctx->ops);
		_exit(rc < 0 ? 1 : rc > 0 ? NOT_THE_MEDIUM : 0);
	}
	st->tools_pid = pid;
	st->tools_deadline = now_ms() + TOOLS_MEDIUM_WAIT_MS;
	return 0;
}

/*
 * That child, waited for until its deadline: 0 (mounted), -1 (failed, or
 * no answer: it is killed and the prompt comes) or NOT_THE_MEDIUM.
 */
static int wait_medium_mount(struct lb_context *ctx)
{
	struct boot_state *st = &ctx->state;
	struct timespec nap = { 0, 2 * 1000 * 1000 };
	pid_t pid = st->tools_pid;
	int status = 0;

	st->tools_pid = 0;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_ms() >= st->tools_deadline) {
			/* dies once its read lets go; reaped as an orphan */
			kill(pid, SIGKILL);
			lb_warn("the medium %s does not answer after %d ms: "
				"no tools image; missing: " TOOLS_MISSING,
				st->tools_dev, TOOLS_MEDIUM_WAIT_MS);
			return -1;
		}
		nanosleep(&nap, NULL);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == NOT_THE_MEDIUM)
		return NOT_THE_MEDIUM;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/*
 * The ISO's kernel, right after the disks are named: the disk at sdh (or a
 * CD drive) is where the medium is, if anywhere; a child reads its label and
 * mounts it while the disk table probes (reading a disk can stall: PID 1
 * only waits for it, bounded, after the table).
 */
static int step_tools_medium_start(struct lb_context *ctx)
{
	struct boot_state *st = &ctx->state;
	char dev[32];

	if (!st->tools_on_medium ||
	    !tools_medium_first(ctx->root, st->disks, st->disk_count, dev,
				sizeof(dev)))
		return 0;
	return start_medium_mount(ctx, dev);
}

/*
 * After the table: that mount's result. Not the medium (or none there): the
 * table's rows say whether it sits elsewhere (the ISO on a stick, or a copy
 * on a customer's disk, never mounted); none yet: a child looks for it in
 * the background. Every failure is a warning, and the prompt comes.
 */
static int step_tools_medium(struct lb_context *ctx)
{
	struct boot_state *st = &ctx->state;
	char dev[32];
	int rc;

	if (!st->tools_on_medium)
		return 0;
	if (st->tools_pid > 0) {
		rc = wait_medium_mount(ctx);
		if (rc != NOT_THE_MEDIUM)
			return rc;
	}
	rc = tools_medium_pick(st->disks, st->disk_count, st->rows,
			       st->row_count, st->medium_id, dev, sizeof(dev));
	if (rc < 0)
		return -1;
	if (rc == 0)
		rc = start_medium_mount(ctx, dev) ? -1 : wait_medium_mount(ctx);
	if (rc == NOT_THE_MEDIUM || rc > 0)
		return wait_medium_in_background(ctx);
	return rc;
}

/*
 * The banner's table read the mounts while the medium's mount raced it: its
 * row says where the medium is now mounted, every boot the same.
 */
static void medium_row_mounted(struct lb_context *ctx)
{
	struct boot_state *st = &ctx->state;
	char *text;

	for (int i = 0; i < st->row_count; i++) {
		struct disk_row *row = &st->rows[i];

		if (!row->is_part && !row->stack &&
		    !strcmp(row->name, st->tools_dev))
			disktable_mountpoint(ctx->root, row->dev,
					     row->fs.mounted,
					     sizeof(row->fs.mounted));
	}
	text = disktable_text(st->rows, st->row_count);
	if (text) {
		free(st->disk_table);
		st->disk_table = text;
	}
}

static int step_tools_on_medium(struct lb_context *ctx)
{
	int rc = step_tools_medium(ctx);

	if (rc == 0 && ctx->state.tools_dev[0])
		medium_row_mounted(ctx);
	return rc;
}

static int step_hostname(struct lb_context *ctx)
{
	const char *name = ctx->opts.hostname;

	if (ctx->ops->sethostname(name, strlen(name)) < 0) {
		lb_warn("cannot set the hostname to %s: %s", name,
			strerror(errno));
		return -1;
	}
	lb_info("hostname %s", name);
	return 0;
}

static int step_options_file(struct lb_context *ctx)
{
	char path[256];

	if (!path_join(path, sizeof(path), ctx->root, LB_OPTIONS_FILE) ||
	    options_write(&ctx->opts, path) < 0) {
		lb_warn("cannot write " LB_OPTIONS_FILE ": %s",
			strerror(errno));
		return -1;
	}
	return 0;
}

/* mirror=: apt's sources at that mirror; nothing to do without it. */
static int step_apt_mirror(struct lb_context *ctx)
{
	const char *url = ctx->opts.mirror;

	if (!url[0])
		return 0;
	if (apt_sources_set_mirror(ctx->root, url) < 0) {
		lb_warn("cannot point " APT_SOURCES " at %s: %s", url,
			strerror(errno));
		return -1;
	}
	lb_info("apt sources at %s", url);
	return 0;
}

/*
 * In order; the consoles get their shells right after the last step, so
 * nothing here may wait for long: the disk wait is bounded (steps.c), the
 * disk table's probes too (disktable.c), the network and SSH run in the
 * background.
 */
const struct boot_step boot_steps[] = {
	{ "early filesystems", step_filesystems },
	{ "console fds", step_stdio },
	{ "boot log", step_logs },
	{ "OOM protection", step_oom },
	{ "tools image", step_tools },
	{ "boot options", step_options },
	{ "fw_cfg options", step_firmware },
	{ "hostname", step_hostname },
	{ "options file", step_options_file },
	{ "apt mirror", step_apt_mirror },
	{ "disks", step_disks },
	/* the ISO's kernel: the medium mounted while the table probes */
	{ "medium", step_tools_medium_start },
	/* before the network: its children would slow the probes down */
	{ "disk table", step_disk_table },
	/* the ISO's kernel: before anything that may want a tool or module */
	{ "tools on the medium", step_tools_on_medium },
	{ "network", step_network },
	{ "ssh", step_ssh },
	/* last: a job starts once the disks are named (and probed) */
	{ "jobs", step_jobs },
	{ NULL, NULL },
};

int boot_run(struct lb_context *ctx)
{
	int failed = 0;

	for (const struct boot_step *s = boot_steps; s->run; s++) {
		if (s->run(ctx) != 0) {
			lb_info("boot step '%s' failed; going on", s->name);
			failed++;
		}
	}
	return failed;
}

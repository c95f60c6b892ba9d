#include "shutdown.h"
#include "log.h"
#include "procmounts.h"
#include "sysops.h"
#include "umount.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* from <linux/loop.h>, which musl-gcc does not see */
#define LB_LOOP_CLR_FD 0x4C01
#define KILL_WAIT_MS 1000
#define DRAIN_WAIT_MS 500
/* syslog(2)'s actions, which musl's <sys/klog.h> does not name */
#define SYSLOG_ACTION_CONSOLE_OFF 6
#define SYSLOG_ACTION_CONSOLE_ON 7

const char *shutdown_name(enum shutdown_kind kind)
{
	switch (kind) {
	case SHUTDOWN_HALT:
		return "halt";
	case SHUTDOWN_POWEROFF:
		return "power off";
	case SHUTDOWN_REBOOT:
		return "reboot";
	}
	return "?";
}

/*
 * Reap until no process is left or ms have passed; true if none is left.
 * Every process outlives its parent at most as an orphan of PID 1, so "no
 * children" means "no processes".
 */
static bool reap_all(int64_t ms)
{
	int64_t deadline = now_ms() + ms;
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		struct timespec ts;
		int64_t left;
		pid_t pid;

		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		if (pid < 0 && errno == ECHILD)
			return true;
		left = deadline - now_ms();
		if (left <= 0)
			return false;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		/* SIGCHLD is blocked, so it waits here as pending */
		sigtimedwait(&chld, NULL, &ts);
	}
}

static void kill_everything(void)
{
	int64_t start = now_ms();

	lb_info("sending SIGTERM to all processes");
	kill(-1, SIGTERM);
	/* a stopped process only sees SIGTERM once continued */
	kill(-1, SIGCONT);
	if (reap_all(SHUTDOWN_GRACE_MS)) {
		lb_info("all processes ended after %lld ms",
			(long long)(now_ms() - start));
		return;
	}
	lb_warn("processes still running after %d s; sending SIGKILL",
		SHUTDOWN_GRACE_MS / 1000);
	kill(-1, SIGKILL);
	if (!reap_all(KILL_WAIT_MS))
		lb_warn("processes still running after SIGKILL");
}

static void swapoff_all(void)
{
	char path[UMOUNT_PATH_SIZE];
	char *text = read_all("/proc/swaps", NULL);
	const char *p;

	if (!text) {
		lb_warn("cannot read /proc/swaps: %s; swap left on",
			strerror(errno));
		return;
	}
	p = strchr(text, '\n'); /* the header */
	while (p && *++p) {
		size_t len = strcspn(p, " \t\n");

		if (len && mounts_unescape(path, sizeof(path), p, len)) {
			if (sys_real.swapoff(path) == 0)
				lb_info("swap off on %s", path);
			else
				lb_warn("cannot turn swap off on %s: %s", path,
					strerror(errno));
		}
		p = strchr(p, '\n');
	}
	free(text);
}

/*
 * A loop device keeps its backing file, and so the disk holding it, busy.
 * LOOP_CLR_FD frees an unused one at once and makes a mounted one go away
 * with its unmount (autoclear).
 */
static void detach_loops(void)
{
	DIR *dir = opendir("/sys/block");
	struct dirent *de;

	while (dir && (de = readdir(dir))) {
		char path[300];
		int fd;

		if (strncmp(de->d_name, "loop", 4))
			continue;
		if (!path_fmt(path, sizeof(path),
			      "/sys/block/%s/loop/backing_file", de->d_name) ||
		    access(path, F_OK) < 0)
			continue;
		if (!path_fmt(path, sizeof(path), "/dev/%s", de->d_name))
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (ioctl(fd, LB_LOOP_CLR_FD, 0) == 0)
			lb_info("released %s", path);
		close(fd);
	}
	if (dir)
		closedir(dir);
}

/*
 * More mounts than one plan holds (UMOUNT_STEPS_MAX) are unmounted in
 * rounds, the newest first, each from a fresh read of the whole table.
 */
#define UMOUNT_ROUNDS_MAX 64

static void unmount_everything(void)
{
	static struct umount_step steps[UMOUNT_STEPS_MAX];
	static enum umount_result results[UMOUNT_STEPS_MAX];
	int bad = 0;

	for (int round = 0; round < UMOUNT_ROUNDS_MAX; round++) {
		char *text = read_all("/proc/self/mounts", NULL);
		int n, left = 0, done = 0;

		if (!text) {
			lb_error("cannot read /proc/self/mounts: %s; "
				 "nothing more unmounted",
				 strerror(errno));
			return;
		}
		n = shutdown_plan(text, steps, UMOUNT_STEPS_MAX, &left);
		free(text);
		bad = umount_run(steps, n, &sys_real, results);
		for (int i = 0; i < n; i++)
			done += results[i] == UMOUNT_DONE;
		/* all planned, or nothing went that would make room */
		if (left == 0 || done == 0)
			break;
	}
	if (bad > 0)
		lb_error("some filesystems may not be clean");
}

/* Wait (bounded) until a tty has sent what it was given. */
static void drain(int fd)
{
	for (int waited = 0; waited < DRAIN_WAIT_MS; waited += 10) {
		struct timespec ts = { 0, 10L * 1000000 };
		int queued = 0;

		if (ioctl(fd, TIOCOUTQ, &queued) < 0 || queued <= 0)
			return;
		nanosleep(&ts, NULL);
	}
}

static void say_goodbye(enum shutdown_kind kind,
			char consoles[][CONSOLE_NAME_SIZE], int count,
			const struct job_result *job)
{
	char line[96];
	int len;

	if (job)
		len = snprintf(line, sizeof(line),
			       "\nlifeboat: %s\nlifeboat: job %d exited %d\n",
			       shutdown_name(kind), job->job, job->status);
	else
		len = snprintf(line, sizeof(line), "\nlifeboat: %s\n",
			       shutdown_name(kind));

	for (int i = 0; i < count; i++) {
		char path[64];
		int fd;

		if (!path_fmt(path, sizeof(path), "/dev/%s", consoles[i]))
			continue;
		/* non-blocking: a stuck serial line must not stop shutdown */
		fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (write(fd, line, (size_t)len) == len)
			drain(fd);
		close(fd);
	}
}

/*
 * The job's status to the host: under QEMU with an isa-debug-exit device,
 * QEMU exits at once with (value << 1) | 1; anywhere else the port is
 * nobody's and the write does nothing. In the child that powers off, so
 * that PID 1 never holds I/O port rights.
 */
static void debug_exit(const struct job_result *job)
{
	if (ioperm(ISA_DEBUG_EXIT_PORT, 1, 1) == 0)
		outb((unsigned char)jobs_exit_value(job->status),
		     ISA_DEBUG_EXIT_PORT);
}

void shutdown_system(enum shutdown_kind kind,
		     char consoles[][CONSOLE_NAME_SIZE], int count,
		     const struct job_result *job)
{
	static const int cmd[] = {
		[SHUTDOWN_HALT] = RB_HALT_SYSTEM,
		[SHUTDOWN_POWEROFF] = RB_POWER_OFF,
		[SHUTDOWN_REBOOT] = RB_AUTOBOOT,
	};
	int status = 0;
	pid_t pid;

	lb_info("shutting down: %s", shutdown_name(kind));
	kill_everything();
	sync();
	swapoff_all();
	detach_loops();
	unmount_everything();
	sync();
	lb_info("%s", shutdown_name(kind));
	say_goodbye(kind, consoles, count, job);

	/*
	 * In a child, as busybox does: for halt and power off the kernel ends
	 * the calling process when it returns, and PID 1 must never end.
	 */
	pid = fork();
	if (pid == 0) {
		/* the job's line stays the last: no "reboot: Power down" after */
		if (job)
			klogctl(SYSLOG_ACTION_CONSOLE_OFF, NULL, 0);
		if (job && kind == SHUTDOWN_POWEROFF)
			debug_exit(job);
		reboot(cmd[kind]);
		_exit(errno & 0xff);
	}
	if (pid < 0) {
		reboot(cmd[kind]);
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		errno = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
	}
	if (job)
		klogctl(SYSLOG_ACTION_CONSOLE_ON, NULL, 0);
	lb_error("the kernel did not %s: %s; consoles restarted",
		 shutdown_name(kind), errno ? strerror(errno) : "no reason");
}

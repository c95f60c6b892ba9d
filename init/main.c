/*
 * Lifeboat's /init, PID 1. sinit-style: every signal is blocked and taken
 * synchronously in one loop, so there are no signal handlers and no races
 * with them; a table maps each signal to what it means (busybox's
 * contract, which its halt/poweroff/reboot applets speak).
 */
#include "banner.h" /* LIFEBOAT_VERSION */
#include "boot.h"
#include "console.h"
#include "jobs.h"
#include "log.h"
#include "options.h"
#include "shutdown.h"
#include "supervise.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/random.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* not initialised here: it would put the options into the binary */
static struct lb_context ctx;
static struct supervisor sv;
static char *clean_env[] = { "PATH=/sbin:/usr/sbin:/bin:/usr/bin", "HOME=/",
			     NULL };

/*
 * Get the kernel's random generator ready while the user reads the prompt.
 * Under emulation with no RDRAND (QEMU's TCG) it is not ready until someone
 * waits for it: the jitter-entropy loop runs only then, and takes about half
 * a second there, a wait `service ssh start` (its first host key) and any
 * other first reader would have. A child at the lowest priority waits for
 * one byte, which starts that loop, and ends; PID 1 reaps it as any orphan.
 */
static void ready_random(void)
{
	pid_t pid = fork();
	unsigned char byte;

	if (pid < 0) {
		lb_warn("cannot start the random generator's warm-up: %s",
			strerror(errno));
		return;
	}
	if (pid > 0)
		return; /* no line: on a verbose console it would follow the prompt */
	(void)child_reset();
	(void)setsid();
	(void)setpriority(PRIO_PROCESS, 0, 19);
	while (getrandom(&byte, 1, 0) < 0 && errno == EINTR)
		;
	_exit(0);
}

static void reap(void)
{
	int64_t now = now_ms();
	int status;
	pid_t pid;

	/* Orphans of the whole system end up here: take all of them. */
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		(void)supervisor_exited(&sv, pid, status, now);
}

static void go_down(enum shutdown_kind kind)
{
	char names[CONSOLES_MAX][CONSOLE_NAME_SIZE];
	struct job_result job;
	/* read now: the runner that wrote it is ended with everything else */
	bool have_job = jobs_read_result(ctx.root, &job) == 0;

	sv.stopped = true;
	for (int i = 0; i < sv.count; i++) {
		memcpy(names[i], sv.slots[i].name, CONSOLE_NAME_SIZE);
		/*
		 * An interactive shell ignores SIGTERM; a hang-up ends it, and
		 * what runs in its foreground with it.
		 */
		if (sv.slots[i].pid > 0)
			kill(-sv.slots[i].pid, SIGHUP);
	}
	shutdown_system(kind, names, sv.count, have_job ? &job : NULL);
	/* still here: the kernel refused, so give the consoles back */
	reap();
	supervisor_restart_all(&sv);
}

static void on_halt(void)
{
	go_down(SHUTDOWN_HALT);
}

static void on_poweroff(void)
{
	go_down(SHUTDOWN_POWEROFF);
}

static void on_reboot(void)
{
	go_down(SHUTDOWN_REBOOT);
}

static const struct {
	int sig;
	void (*handler)(void);
} sigmap[] = {
	{ SIGCHLD, reap },
	{ SIGUSR1, on_halt },
	{ SIGUSR2, on_poweroff },
	{ SIGPWR, on_poweroff }, /* from a UPS daemon or the hypervisor */
	{ SIGTERM, on_reboot },
	{ SIGINT, on_reboot }, /* Ctrl-Alt-Del, see RB_DISABLE_CAD */
};

static void wait_signal(const sigset_t *all)
{
	int64_t due = supervisor_next_due(&sv, now_ms());
	struct timespec ts;
	int sig;

	if (due >= 0) {
		ts.tv_sec = due / 1000;
		ts.tv_nsec = (due % 1000) * 1000000;
	}
	sig = sigtimedwait(all, NULL, due >= 0 ? &ts : NULL);
	if (sig < 0)
		return; /* EAGAIN: a shell is due; EINTR: look again */
	for (size_t i = 0; i < ARRAY_SIZE(sigmap); i++) {
		if (sigmap[i].sig == sig) {
			sigmap[i].handler();
			return;
		}
	}
	lb_info("ignored signal %d (%s)", sig, strsignal(sig));
}

int main(void)
{
	char names[CONSOLES_MAX][CONSOLE_NAME_SIZE];
	bool prompted = false;
	sigset_t all;
	int n;

	/* First, before anything can send us one. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);

	ctx.root = "";
	ctx.ops = &sys_real;
	/*
	 * The kernel hands every unknown name=value of the boot line to init
	 * as an environment variable, passwd= included: /proc/1/environ shows
	 * its bytes, so they are overwritten, and no child inherits it.
	 */
	options_scrub_secrets(environ);
	environ = clean_env;
	umask(022);
	if (chdir("/") < 0)
		lb_warn("cannot change to /: %s", strerror(errno));
	if (fcntl(2, F_GETFD) >= 0)
		log_set_console(2);
	lb_info("Lifeboat %s starting", LIFEBOAT_VERSION);
	/* Ctrl-Alt-Del becomes SIGINT, so that disks get unmounted first */
	if (reboot(RB_DISABLE_CAD) < 0)
		lb_warn("cannot take over Ctrl-Alt-Del: %s", strerror(errno));

	boot_run(&ctx);

	n = console_list(ctx.root, names, CONSOLES_MAX);
	supervisor_init(&sv, names, n, spawn_console_shell, &ctx.state);
	for (;;) {
		if (supervisor_start_due(&sv, now_ms()) > 0 && !prompted) {
			/* the benchmark reads this line from boot.log */
			lb_info("prompt");
			prompted = true;
			/* the sinks are attached: the buffer is no use now */
			log_seal();
			ready_random();
		}
		wait_signal(&all);
	}
}

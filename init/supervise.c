#include "supervise.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int respawn_delay_ms(int quick_exits)
{
	int over = quick_exits - QUICK_EXITS_FREE;

	if (over <= 0)
		return 0;
	if (over >= RESPAWN_DELAY_MAX_MS / 1000)
		return RESPAWN_DELAY_MAX_MS;
	return over * 1000;
}

void supervisor_init(struct supervisor *s, char names[][CONSOLE_NAME_SIZE],
		     int count, spawn_fn spawn, const struct boot_state *st)
{
	memset(s, 0, sizeof(*s));
	if (count > CONSOLES_MAX)
		count = CONSOLES_MAX;
	for (int i = 0; i < count; i++)
		memcpy(s->slots[i].name, names[i], CONSOLE_NAME_SIZE);
	s->count = count;
	s->spawn = spawn;
	s->state = st;
}

int supervisor_start_due(struct supervisor *s, int64_t now)
{
	int started = 0;

	if (s->stopped)
		return 0;
	for (int i = 0; i < s->count; i++) {
		struct console_slot *c = &s->slots[i];
		pid_t pid;

		if (c->pid > 0 || c->due_ms > now)
			continue;
		pid = s->spawn(c->name, s->state, !s->shell_ended);
		if (pid < 0) {
			lb_error("cannot start a shell on %s: %s; retrying in "
				 "1 s",
				 c->name, strerror(errno));
			c->due_ms = now + 1000;
			continue;
		}
		c->pid = pid;
		c->started_ms = now;
		lb_info("started shell on %s (pid %d)", c->name, (int)pid);
		started++;
	}
	return started;
}

static void describe_status(char *buf, size_t size, int status)
{
	/* words for the log: the caller's buffer is made to hold them */
	if (WIFSIGNALED(status))
		(void)snprintf(buf, size, "killed by signal %d",
			       WTERMSIG(status));
	else
		(void)snprintf(buf, size, "exit status %d",
			       WEXITSTATUS(status));
}

bool supervisor_exited(struct supervisor *s, pid_t pid, int status, int64_t now)
{
	for (int i = 0; i < s->count; i++) {
		struct console_slot *c = &s->slots[i];
		char how[40];
		int delay;

		if (c->pid != pid || pid <= 0)
			continue;
		c->pid = 0;
		s->shell_ended = true;
		if (now - c->started_ms < QUICK_EXIT_MS)
			c->quick_exits++;
		else
			c->quick_exits = 0;
		delay = respawn_delay_ms(c->quick_exits);
		c->due_ms = now + delay;
		describe_status(how, sizeof(how), status);
		if (s->stopped)
			lb_info("shell on %s ended (%s)", c->name, how);
		else if (delay > 0)
			lb_warn("shell on %s exited %d times quickly; retrying "
				"in %d s",
				c->name, c->quick_exits, delay / 1000);
		else
			lb_info("shell on %s ended (%s); starting a new one",
				c->name, how);
		return true;
	}
	return false;
}

void supervisor_restart_all(struct supervisor *s)
{
	s->stopped = false;
	for (int i = 0; i < s->count; i++) {
		s->slots[i].pid = 0;
		s->slots[i].due_ms = 0;
		s->slots[i].quick_exits = 0;
	}
}

int64_t supervisor_next_due(const struct supervisor *s, int64_t now)
{
	int64_t next = -1;

	if (s->stopped)
		return -1;
	for (int i = 0; i < s->count; i++) {
		const struct console_slot *c = &s->slots[i];
		int64_t wait;

		if (c->pid > 0)
			continue;
		wait = c->due_ms > now ? c->due_ms - now : 0;
		if (next < 0 || wait < next)
			next = wait;
	}
	return next;
}

pid_t spawn_console_shell(const char *name, const struct boot_state *st,
			  bool boot_table)
{
	pid_t pid = fork();

	if (pid == 0)
		console_exec_shell(name, st, boot_table);
	return pid;
}

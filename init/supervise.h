/*
 * Keeping a root shell on every console: which shell runs where, and when
 * a shell that exited gets started again. A shell that dies right after it
 * started (a missing /bin/sh, a broken tty) is retried with a growing delay
 * so that it cannot turn into a respawn storm.
 */
#ifndef LB_SUPERVISE_H
#define LB_SUPERVISE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "console.h"
#include "state.h"

/*
 * Forks a shell on a console; the seam for the unit tests. The shell's
 * banner shows what the boot learnt, st; boot_table as in banner.h.
 */
typedef pid_t (*spawn_fn)(const char *name, const struct boot_state *st,
			  bool boot_table);

/* An exit this soon after the start counts as "quick". */
#define QUICK_EXIT_MS 1000
/* This many quick exits in a row are restarted at once; then backoff. */
#define QUICK_EXITS_FREE 5
#define RESPAWN_DELAY_MAX_MS 5000

struct console_slot {
	char name[CONSOLE_NAME_SIZE];
	pid_t pid; /* 0 when no shell runs */
	int64_t started_ms;
	int64_t due_ms; /* when to start the next shell */
	int quick_exits; /* in a row */
};

struct supervisor {
	struct console_slot slots[CONSOLES_MAX];
	int count;
	bool stopped; /* shutting down: no more shells */
	/* a shell has ended since the boot: the boot's disk table may be stale */
	bool shell_ended;
	const struct boot_state *state; /* what the boot learnt */
	spawn_fn spawn;
};

/* Delay before the next start after quick_exits quick exits in a row. */
int respawn_delay_ms(int quick_exits);

void supervisor_init(struct supervisor *s, char names[][CONSOLE_NAME_SIZE],
		     int count, spawn_fn spawn, const struct boot_state *st);

/*
 * Start every shell that is due at now. Returns the number started.
 */
int supervisor_start_due(struct supervisor *s, int64_t now);

/*
 * A child exited: if it was a console shell, schedule the next one.
 * Returns false for other processes (orphans reaped by PID 1).
 */
bool supervisor_exited(struct supervisor *s, pid_t pid, int status,
		       int64_t now);

/*
 * Every shell is gone (killed at shutdown, reaped elsewhere) and a new one
 * is due at once on every console.
 */
void supervisor_restart_all(struct supervisor *s);

/* Milliseconds until the next shell is due; -1 if none is waiting. */
int64_t supervisor_next_due(const struct supervisor *s, int64_t now);

/* The real spawn: fork, and in the child console_exec_shell(). */
pid_t spawn_console_shell(const char *name, const struct boot_state *st,
			  bool boot_table);

#endif

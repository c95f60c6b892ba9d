// SPDX-License-Identifier: GPL-2.0
#include "settle.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

/* A child that opens the disk and closes it: open() waits for the scan. */
static pid_t open_in_child(const char *root, const char *name)
{
	char path[PATH_MAX];
	pid_t pid;

	if (!path_fmt(path, sizeof(path), "%s/dev/%s", root, name))
		return -1;
	pid = fork();
	if (pid == 0) {
		int fd;

		(void)child_reset();
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		_exit(fd < 0 ? 1 : 0);
	}
	return pid;
}

/* short: the step ends with the last child, half a nap late on average */
static void nap(void)
{
	struct timespec ts = { 0, 1000 * 1000 };

	nanosleep(&ts, NULL);
}

void disks_settle_start(const char *root, struct settle *s)
{
	s->started = now_ms();
	s->n = disks_names(root, s->name, MAX_DISKS);
	for (int i = 0; i < s->n; i++)
		s->pid[i] = open_in_child(root, s->name[i]);
}

/* The index among the n disks of the one named name; -1: none. */
static int disk_named(const struct disk *disks, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(disks[i].name, name))
			return i;
	return -1;
}

int disks_settle_wait(struct settle *s, struct disk *disks, int n, int wait_ms)
{
	int64_t deadline = s->started + wait_ms;
	int at[MAX_DISKS], i, left = 0, marked = 0;
	int count = s->n < MAX_DISKS ? s->n : MAX_DISKS;

	/*
	 * An empty disk is not waited for, nor one that came after the start
	 * (it has no child) or went before the scan (it has no disk).
	 */
	for (i = 0; i < count; i++) {
		at[i] = disk_named(disks, n, s->name[i]);
		if (at[i] >= 0 && (disks[at[i]].flags & DISK_EMPTY))
			at[i] = -1;
		if (at[i] >= 0 && s->pid[i] > 0)
			left++;
	}
	while (left > 0 && now_ms() < deadline) {
		for (i = 0; i < count; i++)
			if (s->pid[i] > 0 &&
			    waitpid(s->pid[i], NULL, WNOHANG) > 0) {
				s->pid[i] = -1;
				left -= at[i] >= 0;
			}
		if (left > 0)
			nap();
	}
	for (i = 0; i < count; i++) {
		if (s->pid[i] <= 0)
			continue;
		/* dies once the scan lets go; reaped with the other orphans */
		kill(s->pid[i], SIGKILL);
		if (at[i] < 0)
			continue;
		disks[at[i]].flags |= DISK_NO_ANSWER;
		marked++;
		lb_warn("%s does not answer: its partition table is still "
			"being read after %d ms; shown as ?",
			s->name[i], wait_ms);
	}
	return marked;
}

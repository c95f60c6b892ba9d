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

int disks_settle(const char *root, struct disk *disks, int n, int wait_ms)
{
	pid_t pids[MAX_DISKS];
	int64_t deadline = now_ms() + wait_ms;
	int i, left = 0, marked = 0;

	for (i = 0; i < n && i < MAX_DISKS; i++) {
		pids[i] = -1;
		if (disks[i].flags & DISK_EMPTY)
			continue;
		pids[i] = open_in_child(root, disks[i].name);
		if (pids[i] > 0)
			left++;
	}
	while (left > 0 && now_ms() < deadline) {
		for (i = 0; i < n && i < MAX_DISKS; i++)
			if (pids[i] > 0 &&
			    waitpid(pids[i], NULL, WNOHANG) > 0) {
				pids[i] = -1;
				left--;
			}
		if (left > 0)
			nap();
	}
	for (i = 0; i < n && i < MAX_DISKS; i++) {
		if (pids[i] <= 0)
			continue;
		/* dies once the scan lets go; reaped with the other orphans */
		kill(pids[i], SIGKILL);
		disks[i].flags |= DISK_NO_ANSWER;
		marked++;
		lb_warn("%s does not answer: its partition table is still "
			"being read after %d ms; shown as ?",
			disks[i].name, wait_ms);
	}
	return marked;
}

void disks_keep_no_answer(const struct disk *from, int nfrom, struct disk *to,
			  int nto)
{
	for (int i = 0; i < nfrom; i++)
		for (int j = 0; j < nto; j++)
			if ((from[i].flags & DISK_NO_ANSWER) &&
			    !strcmp(from[i].name, to[j].name))
				to[j].flags |= DISK_NO_ANSWER;
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runcmd.h"

/*
 * argv run with its output on the console, or quiet (out NULL), or into out
 * (size bytes, NUL-terminated; stderr quiet); its exit status, -1 when it
 * could not run.
 */
int run(char *const argv[], int quiet, char *out, size_t size)
{
	int status, fd, pfd[2] = { -1, -1 };
	size_t n = 0;
	ssize_t got;
	pid_t pid;

	(void)fflush(NULL);
	if (out && pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd >= 0 && (quiet || out)) {
			(void)dup2(out ? pfd[1] : fd, 1);
			(void)dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (out) {
		(void)close(pfd[1]);
		while (pid > 0 && n + 1 < size &&
		       ((got = read(pfd[0], out + n, size - 1 - n)) > 0 ||
			(got < 0 && errno == EINTR)))
			n += got > 0 ? (size_t)got : 0;
		out[n] = '\0';
		(void)close(pfd[0]);
	}
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

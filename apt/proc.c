// SPDX-License-Identifier: GPL-2.0
/* Running the image's tools for apt, their output collected. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"

int proc_run(const char *const argv[], int in_fd, int out_fd, char *cap,
	     size_t size)
{
	int p[2], status;
	size_t n = 0;
	pid_t pid;

	(void)fflush(NULL);
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		(void)dup2(in_fd >= 0 ? in_fd : null, 0);
		(void)dup2(out_fd >= 0 ? out_fd : p[1], 1);
		(void)dup2(p[1], 2);
		execvp(argv[0], (char *const *)argv);
		(void)dprintf(2, "cannot run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	(void)close(p[1]);
	for (;;) {
		char buf[1024];
		ssize_t r = read(p[0], buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (cap && n + 1 < size) {
			size_t k = (size_t)r < size - 1 - n ? (size_t)r :
							      size - 1 - n;

			memcpy(cap + n, buf, k);
			n += k;
		}
	}
	if (cap && size)
		cap[n] = '\0';
	(void)close(p[0]);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int sha256_file(const char *path, char hex[65])
{
	const char *argv[] = { "sha256sum", path, NULL };
	char out[256];

	if (proc_run(argv, -1, -1, out, sizeof(out)) != 0 ||
	    strspn(out, "0123456789abcdef") < 64)
		return -1;
	memcpy(hex, out, 64);
	hex[64] = '\0';
	return 0;
}

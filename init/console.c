#include "console.h"
#include "banner.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define SHELL "/bin/sh"
#define SHELL_PATH "/sbin:/usr/sbin:/bin:/usr/bin"

static bool valid_name(const char *s, size_t len)
{
	if (len == 0 || len >= CONSOLE_NAME_SIZE)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int console_parse(const char *text, char names[][CONSOLE_NAME_SIZE], int max)
{
	const char *p = text;
	int n = 0;

	while (*p && n < max) {
		char name[CONSOLE_NAME_SIZE];
		size_t len = strcspn(p, " \t\n");
		bool dup = false;

		if (len == 0) {
			p++;
			continue;
		}
		if (valid_name(p, len)) {
			memcpy(name, p, len);
			name[len] = '\0';
			if (!strcmp(name, "tty0"))
				strcpy(name, "tty1");
			for (int i = 0; i < n; i++)
				dup = dup || !strcmp(names[i], name);
			if (!dup)
				memcpy(names[n++], name, sizeof(name));
		}
		p += len;
	}
	return n;
}

int console_list(const char *root, char names[][CONSOLE_NAME_SIZE], int max)
{
	char path[256], text[512];
	int n = 0;

	if (max <= 0)
		return 0;
	if (path_join(path, sizeof(path), root,
		      "/sys/class/tty/console/active") &&
	    read_text(path, text, sizeof(text)) >= 0)
		n = console_parse(text, names, max);
	if (n == 0) {
		strcpy(names[0], "console");
		n = 1;
	}
	return n;
}

const char *console_term(const char *name)
{
	/* tty1..tty63 are virtual terminals; ttyS0, ttyAMA0, hvc0 are not */
	if (!strncmp(name, "tty", 3) && name[3] >= '0' && name[3] <= '9')
		return "linux";
	return "vt102";
}

void tty_make_sane(struct termios *t)
{
	t->c_cc[VINTR] = 3; /* ^C */
	t->c_cc[VQUIT] = 28; /* ^\ */
	t->c_cc[VERASE] = 127; /* ^? */
	t->c_cc[VKILL] = 21; /* ^U */
	t->c_cc[VEOF] = 4; /* ^D */
	t->c_cc[VSTART] = 17; /* ^Q */
	t->c_cc[VSTOP] = 19; /* ^S */
	t->c_cc[VSUSP] = 26; /* ^Z */
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
	/* keep the baud rate and character size the boot loader set up */
	t->c_cflag |= CREAD | CLOCAL;
	t->c_iflag = ICRNL | IXON;
	t->c_oflag = OPOST | ONLCR;
	t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE |
		     IEXTEN;
}

static int open_tty(const char *name)
{
	char path[64];
	int fd, flags;

	if (!path_fmt(path, sizeof(path), "/dev/%s", name)) {
		lb_error("cannot open /dev/%s: name too long", name);
		return -1;
	}
	/* O_NONBLOCK: a serial line without carrier must not block open */
	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		lb_error("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags >= 0)
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	return fd;
}

_Noreturn void console_exec_shell(const char *name, const struct boot_state *st,
				  bool boot_table)
{
	char term[32];
	char *const argv[] = { "sh", "-l", NULL };
	char *const envp[] = { "HOME=/root", "PATH=" SHELL_PATH, "SHELL=" SHELL,
			       "USER=root",  "LOGNAME=root",	 term,
			       NULL };
	struct termios t;
	int fd;

	if (child_reset() < 0)
		lb_warn("cannot reset the OOM score of the shell on %s: %s; "
			"it starts protected like PID 1",
			name, strerror(errno));
	/* "linux" or "vt102": it fits */
	(void)snprintf(term, sizeof(term), "TERM=%s", console_term(name));
	setsid();
	fd = open_tty(name);
	if (fd < 0)
		_exit(127);
	/* force: a shell killed a moment ago may not have let go of it yet */
	if (ioctl(fd, TIOCSCTTY, 1) < 0)
		lb_warn("cannot make %s the controlling tty: %s", name,
			strerror(errno));
	if (tcgetattr(fd, &t) == 0) {
		tty_make_sane(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	for (int i = 0; i < 3; i++)
		if (fd != i)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
	if (chdir("/root") < 0 && chdir("/") < 0)
		lb_warn("cannot change to /root or /: %s", strerror(errno));

	banner_print(stdout, "", st, boot_table);
	/* the shell starts anyway; the banner is a courtesy */
	(void)fflush(stdout);
	execve(SHELL, argv, envp);
	lb_error("cannot run " SHELL ": %s", strerror(errno));
	_exit(127);
}

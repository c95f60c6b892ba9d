#include "log.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LOG_MSG_MAX 512
#define LOG_LINE_MAX (LOG_MSG_MAX + 64)
/* Enough for the whole boot up to the prompt, with room to spare. */
#define LOG_EARLY_MAX 8192
/*
 * The kernel lets each open /dev/kmsg write 10 records per 5 s and drops
 * the rest. The boot alone logs more than that, and PID 1 is no spammer:
 * a fresh open gets a fresh allowance.
 */
#define KMSG_RECORDS_PER_OPEN 8

static const char *const level_prefix[] = {
	[LB_INFO] = "init: ",
	[LB_WARN] = "init: warning: ",
	[LB_ERROR] = "init: error: ",
};

/* syslog priorities for /dev/kmsg: info, warning, err */
static const char *const kmsg_prio[] = {
	[LB_INFO] = "<6>",
	[LB_WARN] = "<4>",
	[LB_ERROR] = "<3>",
};

static struct {
	int file_fd;
	int kmsg_fd;
	int console_fd;
} sink = { .file_fd = -1, .kmsg_fd = -1, .console_fd = -1 };

/* zero-initialised, so that the buffers cost no space in the binary */
static struct {
	bool verbose;
	bool sealed;
	size_t early_len;
	bool early_overflow;
	unsigned int count[3];
	unsigned int kmsg_records;
	char kmsg_path[256];
	char last[LOG_MSG_MAX];
	char early[LOG_EARLY_MAX];
} lg;

size_t log_format(char *buf, size_t size, int64_t ms, enum lb_level level,
		  const char *msg)
{
	int n;

	if (size == 0)
		return 0;
	n = snprintf(buf, size, "[%5lld ms] %s%s\n", (long long)ms,
		     level_prefix[level], msg);
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	if ((size_t)n >= size) {
		/* Keep the newline: boot.log is read line by line. */
		buf[size - 2] = '\n';
		return size - 1;
	}
	return (size_t)n;
}

static void kmsg_write(enum lb_level level, const char *msg)
{
	char line[LOG_LINE_MAX];
	int n;

	if (sink.kmsg_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%s%s%s\n", kmsg_prio[level],
		     level_prefix[level], msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (++lg.kmsg_records % KMSG_RECORDS_PER_OPEN == 0) {
		int fd = open(lg.kmsg_path,
			      O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);

		if (fd >= 0) {
			close(sink.kmsg_fd);
			sink.kmsg_fd = fd;
		}
	}
	/* one write per record */
	if (write(sink.kmsg_fd, line, (size_t)n) < 0)
		return;
}

static void console_write(enum lb_level level, const char *msg)
{
	char line[LOG_LINE_MAX];
	int n;

	if (sink.console_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%s%s\n", level_prefix[level], msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	write_all(sink.console_fd, line, (size_t)n);
}

static void early_append(const char *line, size_t len)
{
	if (lg.sealed)
		return;
	if (lg.early_len + len > sizeof(lg.early)) {
		lg.early_overflow = true;
		return;
	}
	memcpy(lg.early + lg.early_len, line, len);
	lg.early_len += len;
}

static void vlog(enum lb_level level, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX];
	char line[LOG_LINE_MAX];
	size_t len;

	if (level > LB_ERROR)
		level = LB_ERROR;
	/* a message is cut to LOG_MSG_MAX on purpose: one line, one write */
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	lg.count[level]++;
	memcpy(lg.last, msg, strlen(msg) + 1);

	len = log_format(line, sizeof(line), now_ms(), level, msg);
	early_append(line, len);
	if (sink.file_fd >= 0)
		write_all(sink.file_fd, line, len);
	kmsg_write(level, msg);
	if (level != LB_INFO || lg.verbose)
		console_write(level, msg);
}

/* lb_info, lb_warn, lb_error: vlog at one level */
#define LOG_AT(name, level)             \
	void name(const char *fmt, ...) \
	{                               \
		va_list ap;             \
                                        \
		va_start(ap, fmt);      \
		vlog(level, fmt, ap);   \
		va_end(ap);             \
	}
LOG_AT(lb_info, LB_INFO)
LOG_AT(lb_warn, LB_WARN)
LOG_AT(lb_error, LB_ERROR)

/* Split a buffered boot.log line back into level and message for kmsg. */
static void kmsg_replay_line(const char *line, size_t len)
{
	char msg[LOG_MSG_MAX];
	const char *p = memchr(line, ']', len);
	enum lb_level level = LB_INFO;
	size_t n;

	if (!p || (size_t)(p - line) + 2 > len)
		return;
	p += 2;
	n = len - (size_t)(p - line);
	for (int l = LB_ERROR; l > LB_INFO; l--) {
		size_t plen = strlen(level_prefix[l]);

		if (n >= plen && !memcmp(p, level_prefix[l], plen)) {
			level = (enum lb_level)l;
			break;
		}
	}
	p += strlen(level_prefix[level]);
	n = len - (size_t)(p - line);
	if (n > 0 && p[n - 1] == '\n')
		n--;
	if (n >= sizeof(msg))
		n = sizeof(msg) - 1;
	memcpy(msg, p, n);
	msg[n] = '\0';
	kmsg_write(level, msg);
}

static void replay(int fd, bool kmsg)
{
	size_t pos = 0;

	if (!kmsg) {
		write_all(fd, lg.early, lg.early_len);
	} else {
		while (pos < lg.early_len) {
			const char *start = lg.early + pos;
			const char *nl =
				memchr(start, '\n', lg.early_len - pos);
			size_t len = nl ? (size_t)(nl - start) + 1 :
					  lg.early_len - pos;

			kmsg_replay_line(start, len);
			pos += len;
		}
	}
	if (lg.early_overflow) {
		static const char note[] =
			"init: warning: early log buffer full; lines lost\n";

		if (!kmsg)
			write_all(fd, note, sizeof(note) - 1);
	}
}

int log_attach_file(const char *path)
{
	int fd = open(path,
		      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY,
		      0644);

	if (fd < 0)
		return -1;
	if (sink.file_fd >= 0)
		close(sink.file_fd);
	sink.file_fd = fd;
	replay(fd, false);
	return 0;
}

int log_attach_kmsg(const char *path)
{
	size_t len = strlen(path);
	int fd;

	/* the path is kept to reopen it; a cut one would open another file */
	if (len >= sizeof(lg.kmsg_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* O_APPEND only matters for the plain file the unit tests use */
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (sink.kmsg_fd >= 0)
		close(sink.kmsg_fd);
	sink.kmsg_fd = fd;
	memcpy(lg.kmsg_path, path, len + 1);
	replay(fd, true);
	return 0;
}

void log_set_console(int fd)
{
	sink.console_fd = fd;
}

void log_set_verbose(bool verbose)
{
	lg.verbose = verbose;
}

void log_seal(void)
{
	lg.sealed = true;
}

unsigned int log_count(enum lb_level level)
{
	return level <= LB_ERROR ? lg.count[level] : 0;
}

const char *log_last(void)
{
	return lg.last;
}

void log_reset(void)
{
	if (sink.file_fd >= 0)
		close(sink.file_fd);
	if (sink.kmsg_fd >= 0)
		close(sink.kmsg_fd);
	memset(&lg, 0, sizeof(lg));
	sink.file_fd = sink.kmsg_fd = sink.console_fd = -1;
}

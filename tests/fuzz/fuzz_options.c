/*
 * The kernel command line as /init reads it (options_read turns NULs into
 * spaces, then options_parse): every option, passwd= and ssh_key= values
 * included, and the options file written from what was accepted
 * (options_write and its shell quoting), read back as sh reads it.
 */
#include "fuzz.h"
#include "options.h"
#include "util.h"

#include <stdio.h>
#include <unistd.h>

static char dir[] = "/tmp/fuzz_options.XXXXXX";
static char file[sizeof(dir) + 16];

static void cleanup(void)
{
	unlink(file);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	if (!mkdtemp(dir) || !path_join(file, sizeof(file), dir, "/options") ||
	    atexit(cleanup) != 0)
		abort();
	return 0;
}

/*
 * The value of one KEY=value line into out, as sh reads it: single-quoted
 * runs and \' between them, or a bare number; the value must end the line.
 */
static const char *shell_value(const char *p, char *out, size_t size)
{
	size_t n = 0;

	for (;;) {
		size_t len;

		if (*p == '\'') {
			const char *end = strchr(p + 1, '\'');

			if (!end)
				abort();
			len = (size_t)(end - p - 1);
			if (n + len >= size)
				abort();
			memcpy(out + n, p + 1, len);
			n += len;
			p = end + 1;
		} else if (p[0] == '\\' && p[1] == '\'') {
			if (n + 1 >= size)
				abort();
			out[n++] = '\'';
			p += 2;
		} else if (*p >= '0' && *p <= '9' && n == 0) {
			len = strspn(p, "0123456789");
			memcpy(out, p, len);
			n = len;
			p += len;
			break;
		} else {
			break;
		}
	}
	if (*p != '\n')
		abort();
	out[n] = '\0';
	return p + 1;
}

/* The value a key of the file must have; NULL for those not compared. */
static const char *expected(const struct lb_options *o, const char *key,
			    int *keys)
{
	int i;

	if (!strcmp(key, "LB_HOSTNAME"))
		return o->hostname;
	if (!strcmp(key, "LB_PASSWD"))
		return o->passwd;
	if (sscanf(key, "LB_SSH_KEY_%d", &i) == 1 && i >= 1 &&
	    i <= o->ssh_key_count) {
		++*keys;
		return o->ssh_keys[i - 1];
	}
	return NULL;
}

static void check_file(const struct lb_options *o)
{
	static char value[LB_SSH_KEY_SIZE];
	char *text, *p;
	int keys = 0;

	if (options_write(o, file) < 0)
		abort();
	text = read_all(file, NULL);
	if (!text)
		abort();
	for (p = text; *p;) {
		char *eq = strchr(p, '=');
		const char *want;

		if (*p == '#') {
			p = strchr(p, '\n');
			if (!p)
				abort();
			p++;
			continue;
		}
		if (!eq)
			abort();
		*eq = '\0';
		want = expected(o, p, &keys);
		p = (char *)shell_value(eq + 1, value, sizeof(value));
		if (want && strcmp(want, value))
			abort();
	}
	if (keys != o->ssh_key_count)
		abort();
	free(text);
}

/* How a warning shows a bad value, and the log line it becomes. */
static void check_printable(const char *s, size_t len)
{
	char shown[48], line[64];
	size_t n;

	printable(shown, sizeof(shown), s, len);
	if (strlen(shown) >= sizeof(shown))
		abort();
	for (const char *c = shown; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			abort();
	n = log_format(line, sizeof(line), 123, LB_WARN, s);
	if (n >= sizeof(line) || strlen(line) != n || line[n - 1] != '\n')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lb_options o;
	char *line = fuzz_cstring(data, size);
	int warnings;

	for (size_t i = 0; i < size; i++)
		if (line[i] == '\0')
			line[i] = ' ';
	options_defaults(&o);
	warnings = options_parse(&o, line);
	if (warnings != o.warnings || warnings < 0)
		abort();
	FUZZ_TERMINATED(o.hostname);
	FUZZ_TERMINATED(o.ip);
	FUZZ_TERMINATED(o.passwd);
	if (o.nameserver_count < 0 || o.nameserver_count > LB_NAMESERVERS_MAX ||
	    o.ssh_key_count < 0 || o.ssh_key_count > LB_SSH_KEYS_MAX)
		abort();
	for (int i = 0; i < o.nameserver_count; i++)
		FUZZ_TERMINATED(o.nameservers[i]);
	for (int i = 0; i < o.ssh_key_count; i++)
		FUZZ_TERMINATED(o.ssh_keys[i]);
	check_file(&o);
	option_is_foreign(line, strlen(line));
	check_printable(line, strlen(line));
	free(line);
	return 0;
}

/*
 * The kernel command line as /init reads it (options_read turns NULs into
 * spaces, then options_parse): every option, passwd= and ssh_key= values
 * included, and the shell quoting of what was accepted.
 */
#include "fuzz.h"
#include "options.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	return 0;
}

static void check_quote(const char *s)
{
	char small[16], big[LB_SSH_KEY_SIZE * 4 + 3];
	size_t need = shell_quote(small, sizeof(small), s);

	if (strlen(small) >= sizeof(small))
		abort();
	if (shell_quote(big, sizeof(big), s) != need || strlen(big) != need)
		abort();
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
	for (int i = 0; i < o.ssh_key_count; i++) {
		FUZZ_TERMINATED(o.ssh_keys[i]);
		check_quote(o.ssh_keys[i]);
	}
	check_quote(o.hostname);
	check_quote(o.passwd);
	check_quote(o.ip);
	option_is_foreign(line, strlen(line));
	check_printable(line, strlen(line));
	free(line);
	return 0;
}

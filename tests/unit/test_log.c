/* The boot log: line format, the early buffer and its replay. */
#include "check.h"
#include "fakeroot.h"

#include "log.h"
#include "util.h"

static const char *slurp(const char *path)
{
	static char text[16384];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;

	text[n] = '\0';
	if (f)
		(void)fclose(f);
	return text;
}

static void test_format(void)
{
	char buf[64];

	CHECK_INT(log_format(buf, sizeof(buf), 123, LB_INFO, "prompt"), 24);
	CHECK_STR(buf, "[  123 ms] init: prompt\n");
	log_format(buf, sizeof(buf), 1234567, LB_WARN, "x");
	CHECK_STR(buf, "[1234567 ms] init: warning: x\n");
	log_format(buf, sizeof(buf), 0, LB_ERROR, "y");
	CHECK_STR(buf, "[    0 ms] init: error: y\n");
	/* cut short, but still one whole line */
	CHECK_INT(log_format(buf, 16, 5, LB_INFO, "a long message"), 15);
	CHECK_STR(buf, "[    5 ms] ini\n");
}

static void test_sinks(void)
{
	char rootbuf[PATH_MAX], path[PATH_MAX], kmsg[PATH_MAX];
	const char *root = fakeroot_new(rootbuf, sizeof(rootbuf));
	const char *text;

	log_reset();
	lb_info("before %s", "sinks");
	lb_warn("early warning");
	CHECK_INT(log_count(LB_INFO), 1);
	CHECK_INT(log_count(LB_WARN), 1);

	CHECK(path_join(path, sizeof(path), root, "/boot.log"));
	CHECK(path_join(kmsg, sizeof(kmsg), root, "/kmsg"));
	fakeroot_write(root, "/kmsg", "");
	CHECK_INT(log_attach_file(path), 0);
	CHECK_INT(log_attach_kmsg(kmsg), 0);
	lb_error("late %d", 42);

	text = slurp(path);
	CHECK(strstr(text, " ms] init: before sinks\n") != NULL);
	CHECK(strstr(text, " ms] init: warning: early warning\n") != NULL);
	CHECK(strstr(text, " ms] init: error: late 42\n") != NULL);
	CHECK_STR(slurp(kmsg), "<6>init: before sinks\n"
			       "<4>init: warning: early warning\n"
			       "<3>init: error: late 42\n");
	CHECK_STR(log_last(), "late 42");

	/* more records than one open of /dev/kmsg may write: all arrive */
	for (int i = 0; i < 30; i++)
		lb_info("record %d", i);
	CHECK(strstr(slurp(kmsg), "<6>init: record 0\n") != NULL);
	CHECK(strstr(slurp(kmsg), "<6>init: record 29\n") != NULL);

	/* a sink that cannot be opened is an error, not a crash */
	CHECK(path_join(path, sizeof(path), root, "/no/such/dir/boot.log"));
	CHECK_INT(log_attach_file(path), -1);
	log_reset();
	fakeroot_free(root);
}

static void test_console_and_overflow(void)
{
	char rootbuf[PATH_MAX], path[PATH_MAX];
	const char *root = fakeroot_new(rootbuf, sizeof(rootbuf));
	const char *text;
	FILE *con;
	char big[400];

	CHECK(path_join(path, sizeof(path), root, "/console"));
	con = fopen(path, "w+");
	log_reset();
	log_set_console(fileno(con));
	lb_info("quiet on the console");
	lb_warn("loud");
	log_set_verbose(true);
	lb_info("debug mode");
	CHECK(fflush(con) == 0);
	CHECK_STR(slurp(path), "init: warning: loud\ninit: debug mode\n");
	CHECK(fclose(con) == 0);
	log_reset();

	/* more than the early buffer holds: the lines that fit, and a note */
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 40; i++)
		lb_info("%d %s", i, big);
	CHECK(path_join(path, sizeof(path), root, "/boot.log"));
	CHECK_INT(log_attach_file(path), 0);
	text = slurp(path);
	CHECK(strstr(text, "init: 0 bbb") != NULL);
	CHECK(strstr(text, "init: 39 bbb") == NULL);
	CHECK(strstr(text, "early log buffer full") != NULL);

	/* sealed: nothing is buffered for sinks attached later */
	log_reset();
	log_seal();
	lb_info("after the prompt");
	CHECK_INT(log_attach_file(path), 0);
	CHECK(strstr(slurp(path), "after the prompt") == NULL);
	log_reset();
	fakeroot_free(root);
}

int main(void)
{
	test_format();
	test_sinks();
	test_console_and_overflow();
	return check_done();
}

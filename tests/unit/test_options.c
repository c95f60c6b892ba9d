/* The boot line parser: nothing on the kernel command line stops the boot. */
#include "check.h"
#include "fakeroot.h"

#include "log.h"
#include "options.h"
#include "util.h"

#include <stdlib.h>

static struct lb_options o;

static int parse(const char *cmdline)
{
	options_defaults(&o);
	return options_parse(&o, cmdline);
}

static void test_defaults(void)
{
	CHECK_INT(parse(""), 0);
	CHECK_STR(o.hostname, "lifeboat");
	CHECK(!o.sshd && !o.readonly && !o.debug);
	CHECK_INT(o.nameserver_count, 0);
	CHECK_INT(o.ssh_key_count, 0);
	CHECK_STR(o.passwd, "");
	CHECK_INT(parse("   \t\n  "), 0);
	CHECK_STR(o.hostname, "lifeboat");
}

static void test_foreign_options_are_silent(void)
{
	unsigned int before = log_count(LB_WARN);

	CHECK_INT(parse("BOOT_IMAGE=/boot/vmlinuz console=tty0 "
			"console=ttyS0,115200n8 quiet loglevel=3 panic=-1 "
			"root=/dev/sda1 initrd=/initrd.img earlyprintk=serial "
			"rdinit=/init init=/init scsi_mod.scan=sync "
			"net.ifnames=0 mem=512M nokaslr noapic acpi=off ro rw "
			"systemd.unit=rescue.target -- \n"),
		  0);
	CHECK_INT(log_count(LB_WARN), before);
	CHECK(option_is_foreign("console", 7));
	CHECK(option_is_foreign("i915.modeset", 12));
	CHECK(!option_is_foreign("lifeboat.typo", 13));
	CHECK(!option_is_foreign("hostnme", 7));
}

static void test_ours(void)
{
	CHECK_INT(parse("console=ttyS0 hostname=rescue-7 sshd readonly "
			"ip=10.0.0.2::10.0.0.1:255.255.255.0::eth0:off "
			"nameserver=1.1.1.1 nameserver=2606:4700::1111 "
			"passwd=s3cret lifeboat.debug"),
		  0);
	CHECK_STR(o.hostname, "rescue-7");
	CHECK(o.sshd);
	CHECK(o.readonly);
	CHECK(o.debug);
	CHECK_STR(o.ip, "10.0.0.2::10.0.0.1:255.255.255.0::eth0:off");
	CHECK_INT(o.nameserver_count, 2);
	CHECK_STR(o.nameservers[0], "1.1.1.1");
	CHECK_STR(o.nameservers[1], "2606:4700::1111");
	CHECK_STR(o.passwd, "s3cret");

	/* the last one wins, as in the kernel */
	CHECK_INT(parse("hostname=a hostname=b.example.org"), 0);
	CHECK_STR(o.hostname, "b.example.org");

	CHECK_INT(parse("sshd=0 readonly=yes lifeboat.debug=off"), 0);
	CHECK(!o.sshd && o.readonly && !o.debug);
}

static void test_quotes(void)
{
	CHECK_INT(parse("quiet ssh_key=\"ssh-ed25519 AAAA c\" "
			"ssh_key=\"ssh-rsa BBBB user@host x\" sshd"),
		  0);
	CHECK_INT(o.ssh_key_count, 2);
	CHECK_STR(o.ssh_keys[0], "ssh-ed25519 AAAA c");
	CHECK_STR(o.ssh_keys[1], "ssh-rsa BBBB user@host x");
	CHECK(o.sshd);

	/* the whole parameter quoted, as the kernel also allows */
	CHECK_INT(parse("\"passwd=two words\" \"quiet\""), 0);
	CHECK_STR(o.passwd, "two words");

	/* a quote that never ends takes the rest of the line */
	CHECK_INT(parse("ssh_key=\"ssh-ed25519 AAAA no end"), 0);
	CHECK_STR(o.ssh_keys[0], "ssh-ed25519 AAAA no end");

	/* quotes inside stay, like next_arg() keeps them */
	CHECK_INT(parse("passwd=it\"s\" hostname=x"), 0);
	CHECK_STR(o.passwd, "it\"s\"");
	CHECK_STR(o.hostname, "x");

	CHECK_INT(parse("hostname=\"\""), 1);
	CHECK_STR(o.hostname, "lifeboat");
}

static void test_repeatable_limits(void)
{
	CHECK_INT(parse("nameserver=1.0.0.1 nameserver=1.0.0.2 "
			"nameserver=1.0.0.3 nameserver=1.0.0.4 "
			"nameserver=1.0.0.5 nameserver=1.0.0.6"),
		  2);
	CHECK_INT(o.nameserver_count, LB_NAMESERVERS_MAX);
	CHECK_STR(o.nameservers[3], "1.0.0.4");

	char line[LB_SSH_KEYS_MAX * 40 + 100] = "";
	for (int i = 0; i < LB_SSH_KEYS_MAX + 3; i++)
		CHECK(snprintf(line + strlen(line), sizeof(line) - strlen(line),
			       "ssh_key=\"ssh-ed25519 K%d\" ",
			       i) < (int)(sizeof(line) - strlen(line)));
	CHECK_INT(parse(line), 3);
	CHECK_INT(o.ssh_key_count, LB_SSH_KEYS_MAX);
	CHECK_STR(o.ssh_keys[LB_SSH_KEYS_MAX - 1], "ssh-ed25519 K7");
}

static void test_bad_values(void)
{
	CHECK_INT(parse("frobnicate=1"), 1);
	CHECK(strstr(log_last(), "'frobnicate' is unknown") != NULL);
	CHECK_INT(parse("lifeboat.debgu"), 1);
	CHECK_INT(parse("hostname=bad_host"), 1);
	CHECK_STR(o.hostname, "lifeboat");
	CHECK_INT(parse("hostname=-x hostname=a..b hostname=x- hostname=.a"),
		  4);
	CHECK_STR(o.hostname, "lifeboat");
	CHECK_INT(parse("hostname"), 1);
	CHECK(strstr(log_last(), "needs a value") != NULL);
	CHECK_INT(parse("hostname="), 1);
	CHECK_INT(parse("sshd=maybe"), 1);
	CHECK(!o.sshd);
	CHECK_INT(parse("nameserver=1.1.1.1;reboot"), 1);
	CHECK_INT(o.nameserver_count, 0);
	CHECK_INT(parse("passwd=\"a\tb\""), 1);
	CHECK_STR(o.passwd, "");
	CHECK_INT(parse("="), 1);
}

/* passwd=: an empty one is a warning; no warning ever shows its value */
static void test_secret(void)
{
	char env0[] = "passwd=hunter2", env1[] = "ssh_key=k",
	     env2[] = "passwdx=keep", env3[] = "passwd";
	char *envp[] = { env0, env1, env2, env3, NULL };

	CHECK_INT(parse("passwd="), 1);
	CHECK(strstr(log_last(), "passwd= is empty") != NULL);
	CHECK_STR(o.passwd, "");
	CHECK_INT(parse("passwd=\"hunter2\x01\""), 1);
	CHECK(strstr(log_last(), "control characters") != NULL);
	CHECK(strstr(log_last(), "hunter") == NULL);
	CHECK_STR(o.passwd, "");
	CHECK_INT(parse("passwd=s3cret"), 0);
	CHECK_STR(o.passwd, "s3cret");

	options_scrub_secrets(envp);
	CHECK(!memcmp(env0, "passwd=\0\0\0\0\0\0\0", sizeof(env0)));
	CHECK_STR(env1, "ssh_key=k");
	CHECK_STR(env2, "passwdx=keep");
	CHECK_STR(env3, "passwd");
	options_scrub_secrets(NULL);
}

static void test_overlong(void)
{
	static char line[12000];
	char host[100];

	memset(host, 'h', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	CHECK(snprintf(line, sizeof(line), "hostname=%s", host) <
	      (int)sizeof(line));
	CHECK_INT(parse(line), 1);
	CHECK_STR(o.hostname, "lifeboat");
	CHECK(strstr(log_last(), "not valid") || strstr(log_last(), "long"));

	/* exactly the longest hostname that fits */
	memset(host, 'h', 63);
	host[63] = '\0';
	CHECK(snprintf(line, sizeof(line), "hostname=%s", host) <
	      (int)sizeof(line));
	CHECK_INT(parse(line), 0);
	CHECK_STR(o.hostname, host);

	strcpy(line, "ssh_key=\"ssh-rsa ");
	memset(line + strlen(line), 'A', 5000);
	strcpy(line + strlen(line), "\" sshd");
	CHECK_INT(parse(line), 1);
	CHECK(strstr(log_last(), "too long") != NULL);
	CHECK_INT(o.ssh_key_count, 0);
	CHECK(o.sshd);

	/* 10 KB of one value */
	strcpy(line, "passwd=");
	memset(line + 7, 'p', 10240);
	line[7 + 10240] = '\0';
	CHECK_INT(parse(line), 1);
	CHECK_STR(o.passwd, "");

	/* 10 KB of words, the ones of ours at the very end */
	line[0] = '\0';
	while (strlen(line) < 10240)
		strcat(line, "quiet ro console=ttyS0 ");
	strcat(line, "hostname=far-away sshd");
	CHECK_INT(parse(line), 0);
	CHECK_STR(o.hostname, "far-away");
	CHECK(o.sshd);
}

static void test_warning_flood(void)
{
	static char line[16000];
	unsigned int before;

	line[0] = '\0';
	for (int i = 0; i < 1000; i++)
		(void)snprintf(line + strlen(line), sizeof(line) - strlen(line),
			       "unknown%d=x ", i); /* 1000 * 12 < 16000 */
	strcat(line, "hostname=still-ok");
	before = log_count(LB_WARN);
	CHECK_INT(parse(line), 1000);
	CHECK_STR(o.hostname, "still-ok");
	/* a handful shown, then one line with the count */
	CHECK(log_count(LB_WARN) - before <= 10);
	CHECK(strstr(log_last(), "992 more warnings") != NULL);
}

static void check_sane(void)
{
	CHECK(memchr(o.hostname, '\0', sizeof(o.hostname)) != NULL);
	CHECK(memchr(o.ip, '\0', sizeof(o.ip)) != NULL);
	CHECK(memchr(o.passwd, '\0', sizeof(o.passwd)) != NULL);
	CHECK(o.nameserver_count >= 0 &&
	      o.nameserver_count <= LB_NAMESERVERS_MAX);
	CHECK(o.ssh_key_count >= 0 && o.ssh_key_count <= LB_SSH_KEYS_MAX);
	for (int i = 0; i < o.ssh_key_count; i++)
		CHECK(memchr(o.ssh_keys[i], '\0', LB_SSH_KEY_SIZE) != NULL);
}

static void test_garbage(void)
{
	static char line[10241];
	static const char *const seeds[] = { "hostname=", "ssh_key=\"",
					     "nameserver=", "=\"\"=" };
	unsigned int seed = 12345;

	for (int round = 0; round < 200; round++) {
		unsigned int before = log_count(LB_WARN);
		size_t len = (size_t)(rand_r(&seed) % (sizeof(line) - 1));
		size_t at = 0;

		if (round % 2)
			at = (size_t)snprintf(line, sizeof(line), "%s",
					      seeds[round / 2 % 4]);
		for (size_t i = at; i < len; i++) {
			char c;

			do
				c = (char)(rand_r(&seed) & 0xff);
			while (c == '\0');
			/* half the rounds: mostly printable, with quotes */
			if (round % 4 >= 2 && (c & 0x80))
				c = (c & 1) ? '"' : (c & 2) ? '=' : ' ';
			line[i] = c;
		}
		line[len > at ? len : at] = '\0';
		parse(line);
		check_sane();
		CHECK(log_count(LB_WARN) - before <= 9);
	}
}

static void test_read_from_root(void)
{
	char buf[PATH_MAX];
	const char *root = fakeroot_new(buf, sizeof(buf));
	char text[] = "console=ttyS0 hostname=from-proc\0sshd\n";
	char path[PATH_MAX];
	FILE *f;

	/* /proc/cmdline with a NUL in the middle and the trailing newline */
	CHECK(path_join(path, sizeof(path), root, "/proc"));
	mkdir(path, 0755);
	CHECK(path_join(path, sizeof(path), root, "/proc/cmdline"));
	f = fopen(path, "w");
	CHECK(f && fwrite(text, 1, sizeof(text) - 1, f) == sizeof(text) - 1);
	CHECK(f && fclose(f) == 0);
	CHECK_INT(options_read(&o, root), 0);
	CHECK_STR(o.hostname, "from-proc");
	CHECK(o.sshd);

	/* as long as x86 allows: probably cut by the kernel, say so */
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		/* errors stay in f and show at fclose */
		(void)fputs("hostname=long", f);
		for (int i = 0; i < 2047 - 13; i++)
			(void)fputc(i % 8 ? 'x' : ' ', f);
		(void)fputc('\n', f);
		CHECK(fclose(f) == 0);
	}
	/* 255 unknown words, and the cut */
	CHECK_INT(options_read(&o, root), 255 + 1);
	CHECK_STR(o.hostname, "long");
	CHECK(strstr(log_last(), "2047 bytes, the kernel's limit") != NULL);

	/* no /proc/cmdline: the defaults and one warning */
	unlink(path);
	CHECK_INT(options_read(&o, root), 1);
	CHECK_STR(o.hostname, "lifeboat");
	fakeroot_free(root);
}

/* What a shell sees when it sources the file: the values exactly. */
static void shell_get(const char *file, const char *var, char *out, size_t size)
{
	char cmd[PATH_MAX + 128];
	FILE *p;
	size_t n;

	CHECK(snprintf(cmd, sizeof(cmd),
		       "sh -c '. \"$0\" && printf %%s \"$%s\"' %s", var,
		       file) < (int)sizeof(cmd));
	p = popen(cmd, "r");
	n = p ? fread(out, 1, size - 1, p) : 0;
	out[n] = '\0';
	if (p)
		pclose(p);
}

static void test_options_file(void)
{
	char buf[PATH_MAX], file[PATH_MAX], got[4096];
	const char *root = fakeroot_new(buf, sizeof(buf));
	struct stat st;

	CHECK_INT(parse("hostname=box passwd=\"it's a $(reboot) `x` \\\\ !\" "
			"ssh_key=\"ssh-ed25519 AAAA o'brien\" "
			"ssh_key=\"ssh-rsa BBBB\" nameserver=9.9.9.9 "
			"nameserver=1.1.1.1 sshd"),
		  0);
	CHECK(path_join(file, sizeof(file), root, "/options"));
	CHECK_INT(options_write(&o, file), 0);
	CHECK(stat(file, &st) == 0 && (st.st_mode & 0777) == 0600);

	shell_get(file, "LB_HOSTNAME", got, sizeof(got));
	CHECK_STR(got, "box");
	shell_get(file, "LB_PASSWD", got, sizeof(got));
	CHECK_STR(got, "it's a $(reboot) `x` \\\\ !");
	shell_get(file, "LB_SSH_KEY_COUNT", got, sizeof(got));
	CHECK_STR(got, "2");
	shell_get(file, "LB_SSH_KEY_1", got, sizeof(got));
	CHECK_STR(got, "ssh-ed25519 AAAA o'brien");
	shell_get(file, "LB_SSH_KEY_2", got, sizeof(got));
	CHECK_STR(got, "ssh-rsa BBBB");
	shell_get(file, "LB_NAMESERVERS", got, sizeof(got));
	CHECK_STR(got, "9.9.9.9 1.1.1.1");
	shell_get(file, "LB_SSHD", got, sizeof(got));
	CHECK_STR(got, "1");
	/* only what a script reads */
	shell_get(file, "LB_IP", got, sizeof(got));
	CHECK_STR(got, "");

	/* garbage bytes survive the round trip through the shell */
	unsigned int seed = 7;
	for (int round = 0; round < 20; round++) {
		options_defaults(&o);
		for (size_t i = 0; i < 200; i++) {
			char c;

			do
				c = (char)(rand_r(&seed) & 0xff);
			while (c == '\0');
			o.passwd[i] = c;
		}
		o.passwd[200] = '\0';
		CHECK_INT(options_write(&o, file), 0);
		shell_get(file, "LB_PASSWD", got, sizeof(got));
		CHECK(!strcmp(got, o.passwd));
	}
	fakeroot_free(root);
}

/* The kernel's own console level options leave it to the kernel. */
static void test_kernel_loglevel(void)
{
	static const struct {
		const char *line;
		bool kernel;
	} cases[] = {
		{ "console=ttyS0 quiet", false },
		{ "quiet loglevel=7", true },
		{ "debug", true },
		{ "ignore_loglevel", true },
		{ "lifeboat.debug", false },
		{ "loglevelx=1 debugger", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		options_defaults(&o);
		options_parse(&o, cases[i].line);
		CHECK_INT(o.kernel_loglevel, cases[i].kernel);
	}
}

int main(void)
{
	test_defaults();
	test_kernel_loglevel();
	test_foreign_options_are_silent();
	test_ours();
	test_quotes();
	test_repeatable_limits();
	test_bad_values();
	test_secret();
	test_overlong();
	test_warning_flood();
	test_garbage();
	test_read_from_root();
	test_options_file();
	return check_done();
}

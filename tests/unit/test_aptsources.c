// SPDX-License-Identifier: GPL-2.0
/* The mirror= boot option: its check, and the sources.list it rewrites. */
#include "aptsources.h"
#include "check.h"
#include "fakeroot.h"
#include "log.h"
#include "options.h"
#include "util.h"

/* what build/apt-sources.sh writes */
static const char built[] =
	"deb http://deb.debian.org/debian bookworm main\n"
	"deb http://deb.debian.org/debian bookworm-updates main\n"
	"deb http://deb.debian.org/debian-security bookworm-security main\n";

static const char at_host[] =
	"deb http://10.0.2.2:8080/debian bookworm main\n"
	"deb http://10.0.2.2:8080/debian bookworm-updates main\n"
	"deb http://10.0.2.2:8080/debian-security bookworm-security main\n";

static bool valid(const char *url)
{
	return apt_mirror_valid(url, strlen(url));
}

static void test_valid(void)
{
	CHECK(valid("http://10.0.2.2:8080/debian"));
	CHECK(valid("https://mirror.example.org/debian/"));
	CHECK(valid("http://[fd00::1]/debian"));
	CHECK(valid("http://user:pw@host/debian?x=1&y=%20"));
	CHECK(valid("http://h"));
	CHECK(!valid(""));
	CHECK(!valid("http://"));
	CHECK(!valid("https://"));
	CHECK(!valid("http:///debian"));
	CHECK(!valid("ftp://host/debian"));
	CHECK(!valid("file:/srv/debian"));
	CHECK(!valid("HTTP://host/debian"));
	CHECK(!valid("host/debian"));
	CHECK(!valid("http://host/deb ian"));
	CHECK(!valid("http://host/debian\tx"));
	CHECK(!valid("http://host/debian#main"));
	CHECK(!valid("http://host/\"debian\""));
	CHECK(!valid("http://host/de\\bian"));
	CHECK(!valid("http://host/\033[2J"));
	CHECK(!valid("http://host/d\xc3\xa9"));
	/* the length counts, not a NUL */
	CHECK(!apt_mirror_valid("http://host/x\0y", 14));
}

static void test_security_uri(void)
{
	char buf[64];

	CHECK_INT(apt_security_uri(buf, sizeof(buf),
				   "http://10.0.2.2:8080/debian"),
		  0);
	CHECK_STR(buf, "http://10.0.2.2:8080/debian-security");
	CHECK_INT(apt_security_uri(buf, sizeof(buf), "http://h/debian//"), 0);
	CHECK_STR(buf, "http://h/debian-security");
	CHECK_INT(apt_security_uri(buf, sizeof(buf), "http://h/pub/mirror"), 0);
	CHECK_STR(buf, "http://h/pub/mirror-security");
	CHECK_INT(apt_security_uri(buf, sizeof(buf), "http://h"), 0);
	CHECK_STR(buf, "http://h/debian-security");
	CHECK_INT(apt_security_uri(buf, sizeof(buf), "https://h:443/"), 0);
	CHECK_STR(buf, "https://h:443/debian-security");
	/* no host at all (never valid): no read past the end */
	CHECK_INT(apt_security_uri(buf, sizeof(buf), "http:///"), 0);
	CHECK_STR(buf, "http:/debian-security");
	CHECK_INT(apt_security_uri(buf, 25, "http://h/debian"), 0);
	CHECK_INT(apt_security_uri(buf, 24, "http://h/debian"), -1);
}

static void test_rewrite(void)
{
	char out[1024];

	CHECK_INT(apt_sources_rewrite(out, sizeof(out), built,
				      "http://10.0.2.2:8080/debian"),
		  (long long)strlen(at_host));
	CHECK_STR(out, at_host);
	CHECK_INT(apt_sources_rewrite(out, sizeof(out), built,
				      "http://10.0.2.2:8080/debian/"),
		  (long long)strlen(at_host));
	CHECK_STR(out, at_host);
	/* comments, deb-src, options, other lines and no final newline */
	CHECK(apt_sources_rewrite(
		      out, sizeof(out),
		      "# deb http://old/debian bookworm main\n\n"
		      "  deb-src\thttp://old/debian bookworm main contrib\n"
		      "deb [ arch=amd64 signed-by=/k.gpg ] http://old/debian "
		      "bookworm-security main\n"
		      "deb [arch=amd64]\n"
		      "deb http://old/debian\n"
		      "Types: deb\n"
		      "deb http://old/debian bookworm-backports main",
		      "https://m/debian") > 0);
	CHECK_STR(out, "# deb http://old/debian bookworm main\n\n"
		       "  deb-src\thttps://m/debian bookworm main contrib\n"
		       "deb [ arch=amd64 signed-by=/k.gpg ] "
		       "https://m/debian-security bookworm-security main\n"
		       "deb [arch=amd64]\n"
		       "deb http://old/debian\n"
		       "Types: deb\n"
		       "deb https://m/debian bookworm-backports main");
	/* a suite named only "-security" is no security suite */
	CHECK(apt_sources_rewrite(out, sizeof(out), "deb http://o -security\n",
				  "http://m/debian") > 0);
	CHECK_STR(out, "deb http://m/debian -security\n");
	CHECK_INT(apt_sources_rewrite(out, strlen(at_host), built,
				      "http://10.0.2.2:8080/debian"),
		  -1);
	CHECK_INT(apt_sources_rewrite(out, strlen(at_host) + 1, built,
				      "http://10.0.2.2:8080/debian"),
		  (long long)strlen(at_host));
	CHECK_INT(apt_sources_rewrite(out, sizeof(out), "", "http://m"), 0);
	CHECK_STR(out, "");
}

static void test_set_mirror(void)
{
	char root[256], path[300], buf[1024];
	static char big[APT_SOURCES_MAX + 2];

	fakeroot_new(root, sizeof(root));
	errno = 0;
	CHECK_INT(apt_sources_set_mirror(root, "http://m/debian"), -1);
	CHECK_INT(errno, ENOENT);
	fakeroot_write(root, APT_SOURCES, built);
	CHECK_INT(apt_sources_set_mirror(root, "http://10.0.2.2:8080/debian"),
		  0);
	(void)snprintf(path, sizeof(path), "%s%s", root, APT_SOURCES);
	CHECK(read_text(path, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, at_host);
	(void)snprintf(path, sizeof(path), "%s%s.tmp", root, APT_SOURCES);
	CHECK(access(path, F_OK) != 0);
	/* a file too large to be a sources.list of ours stays as it is */
	memset(big, '#', sizeof(big) - 1);
	fakeroot_write(root, APT_SOURCES, big);
	errno = 0;
	CHECK_INT(apt_sources_set_mirror(root, "http://m/debian"), -1);
	CHECK_INT(errno, EFBIG);
	fakeroot_free(root);
}

static struct lb_options o;

static int parse(const char *cmdline)
{
	options_defaults(&o);
	return options_parse(&o, cmdline);
}

static void test_boot_option(void)
{
	char longer[LB_MIRROR_SIZE + 32];
	unsigned int before = log_count(LB_WARN);

	CHECK_INT(parse(""), 0);
	CHECK_STR(o.mirror, "");
	CHECK_INT(parse("mirror=http://10.0.2.2:8080/debian"), 0);
	CHECK_STR(o.mirror, "http://10.0.2.2:8080/debian");
	CHECK_INT(log_count(LB_WARN), before);
	/* a bad value is a warning, and no mirror */
	CHECK_INT(parse("mirror=ftp://x/debian"), 1);
	CHECK_STR(o.mirror, "");
	CHECK(strstr(log_last(), "mirror=ftp://x/debian is not valid") != NULL);
	CHECK_INT(parse("\"mirror=http://x/deb ian\""), 1);
	CHECK_STR(o.mirror, "");
	CHECK_INT(parse("mirror="), 1);
	CHECK(strstr(log_last(), "mirror= needs a value") != NULL);
	(void)snprintf(longer, sizeof(longer), "mirror=http://h/%0*d",
		       LB_MIRROR_SIZE, 0);
	CHECK_INT(parse(longer), 1);
	CHECK(strstr(log_last(), "mirror= is too long") != NULL);
	CHECK_STR(o.mirror, "");
	CHECK_INT(log_count(LB_WARN), before + 4);
}

int main(void)
{
	test_valid();
	test_security_uri();
	test_rewrite();
	test_set_mirror();
	test_boot_option();
	return check_done();
}

/*
 * apt's pure parts: Debian version order, dependency fields, clearsigned
 * Release files, sources.list, the package database and the resolver, and
 * tar paths.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "deb.h"
#include "debver.h"
#include "deps.h"
#include "pkgdb.h"
#include "release.h"
#include "resolve.h"
#include "sources.h"
#include "sysusers.h"
#include "util.h"
#include "fakeroot.h"

static void test_debver(void)
{
	CHECK(debver_cmp("1.0", "1.0") == 0);
	CHECK(debver_cmp("1.0", "1.1") < 0);
	CHECK(debver_cmp("1.0~rc1", "1.0") < 0); /* ~ before the end */
	CHECK(debver_cmp("1.0", "1.0+b1") < 0);
	CHECK(debver_cmp("1:0.9", "2.0") > 0); /* epoch wins */
	CHECK(debver_cmp("2.36-9+deb12u14", "2.36-9+deb12u9") > 0);
	CHECK(debver_cmp("1.10", "1.9") > 0); /* numbers, not text */
	CHECK(debver_cmp("1.0-1", "1.0-1~bpo1") > 0);
	CHECK(debver_cmp("0010", "10") == 0);
	CHECK(debver_cmp("1.0a", "1.0+") <
	      0); /* letters before other characters */
	CHECK(debver_satisfies("2.36-9", OP_GE, "2.34"));
	CHECK(!debver_satisfies("2.36-9", OP_LT, "2.36"));
	CHECK(debver_satisfies("6.4-4", OP_EQ, "6.4-4"));
	CHECK(!debver_satisfies(NULL, OP_GE, "1"));
	CHECK(debver_op(">=", 2) == OP_GE && debver_op("<<", 2) == OP_LT &&
	      debver_op("<", 1) == OP_LE);
	CHECK(debver_op("!=", 2) == OP_NONE);
}

static void test_deps(void)
{
	const char *s =
		"libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0, foo:any, "
		"bar:i386, baz [!amd64] | qux [amd64]";
	struct dep d[DEP_ALTS_MAX];
	char buf[128];

	CHECK_INT(dep_next_group(&s, d, DEP_ALTS_MAX, "amd64"), 1);
	CHECK_STR(d[0].name, "libc6");
	CHECK(d[0].op == OP_GE);
	CHECK_STR(d[0].ver, "2.34");
	dep_format(buf, sizeof(buf), &d[0]);
	CHECK_STR(buf, "libc6 (>= 2.34)");
	CHECK_INT(dep_next_group(&s, d, DEP_ALTS_MAX, "amd64"), 2);
	CHECK_STR(d[1].name, "debconf-2.0");
	CHECK(d[1].op == OP_NONE);
	CHECK_INT(dep_next_group(&s, d, DEP_ALTS_MAX, "amd64"), 1);
	CHECK_STR(d[0].name, "foo");
	CHECK(!d[0].foreign);
	CHECK_INT(dep_next_group(&s, d, DEP_ALTS_MAX, "amd64"), 1);
	CHECK(d[0].foreign);
	CHECK_INT(dep_next_group(&s, d, DEP_ALTS_MAX, "amd64"),
		  1); /* baz is not for amd64 */
	CHECK_STR(d[0].name, "qux");
	CHECK_INT(dep_next_group(&s, d, DEP_ALTS_MAX, "amd64"), 0);
	s = "libc6 (>= 2.34";
	CHECK_INT(dep_next_group(&s, d, DEP_ALTS_MAX, "amd64"), -1);
	s = "a (~~ 1)";
	CHECK_INT(dep_next_group(&s, d, DEP_ALTS_MAX, "amd64"), -1);
	s = ", ,";
	CHECK_INT(dep_next_group(&s, d, DEP_ALTS_MAX, "amd64"), -1);
}

static const char signed_release[] =
	"-----BEGIN PGP SIGNED MESSAGE-----\n"
	"Hash: SHA256\n"
	"\n"
	"Origin: Debian\n"
	"Suite: stable\n"
	"Codename: bookworm\n"
	"Date: Sat, 08 Nov 2025 09:13:26 UTC\n"
	"Valid-Until: Sat, 15 Nov 2025 09:13:26 UTC\n"
	"- -dash: escaped\n"
	"SHA256:\n"
	" 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  1234 main/binary-amd64/Packages\n"
	" fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210 99 main/binary-amd64/Packages.xz\n"
	"-----BEGIN PGP SIGNATURE-----\n"
	"\n"
	"iQIzBAEBCAAdFiEE\n"
	"-----END PGP SIGNATURE-----\n";

static void test_release(void)
{
	char *m = strdup(signed_release);
	struct release r;
	const struct release_file *f;
	long n = clearsign_text(m, strlen(m));

	CHECK(n > 0);
	CHECK(strstr(m, "Origin: Debian\n") == m);
	CHECK(strstr(m, "\n-dash: escaped\n") != NULL);
	CHECK(!strstr(m, "PGP"));
	CHECK_INT(release_parse(m, &r), 0);
	CHECK_STR(r.codename, "bookworm");
	CHECK_INT(r.date, 1762593206);
	CHECK_INT(r.valid_until, 1762593206 + 7 * 86400);
	CHECK_INT(r.nfiles, 2);
	f = release_find(&r, "main/binary-amd64/Packages");
	CHECK(f && f->size == 1234 && f->sha256[0] == '0');
	CHECK(!release_find(&r, "main/binary-arm64/Packages"));
	release_free(&r);
	free(m);
	/* text after the signature, a second message, no signature: refused */
	m = malloc(sizeof(signed_release) + 32);
	(void)snprintf(m, sizeof(signed_release) + 32, "%sOrigin: Evil\n",
		       signed_release);
	CHECK_INT(clearsign_text(m, strlen(m)), -1);
	(void)snprintf(m, sizeof(signed_release) + 32, "Origin: Evil\n%s",
		       signed_release);
	CHECK_INT(clearsign_text(m, strlen(m)), -1);
	(void)snprintf(m, sizeof(signed_release) + 32, "%s", signed_release);
	*strstr(m, "-----BEGIN PGP SIGNATURE") = '\0';
	CHECK_INT(clearsign_text(m, strlen(m)), -1);
	free(m);
	CHECK(release_parse("Origin: x\n", &r) < 0); /* nothing signed */
	CHECK(release_parse("Date: yesterday\nSHA256:\n", &r) < 0);
	CHECK_INT(rfc2822_time("Thu, 01 Jan 1970 00:00:10 UTC"), 10);
	CHECK_INT(rfc2822_time("Thu, 01 Jan 1970 00:00:10 CET"), -1);
	CHECK_INT(rfc2822_time("garbage"), -1);
}

static void test_sources(void)
{
	struct source s[4];
	char name[256];
	int bad;

	CHECK_INT(
		sources_parse(
			"# comment\n"
			"deb http://deb.debian.org/debian/ bookworm main contrib\n"
			"deb-src http://deb.debian.org/debian bookworm main\n"
			"deb [arch=amd64] http://10.0.2.2:8080/debian-security bookworm-security main\n",
			s, 4, &bad),
		2);
	CHECK_INT(bad, 0);
	CHECK_STR(s[0].uri, "http://deb.debian.org/debian");
	CHECK_INT(s[0].ncomps, 2);
	CHECK_STR(s[1].suite, "bookworm-security");
	sources_list_name(&s[0], 0, "amd64", name, sizeof(name));
	CHECK_STR(
		name,
		"deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages");
	sources_list_name(&s[1], -1, "amd64", name, sizeof(name));
	CHECK_STR(
		name,
		"10.0.2.2:8080_debian-security_dists_bookworm-security_Release");
	CHECK_INT(sources_parse("deb bookworm\nfoo bar\n", s, 4, &bad), 0);
	CHECK_INT(bad, 1);
}

static const char packages[] =
	"Package: nmon\nVersion: 16n+debian-1+b1\nArchitecture: amd64\n"
	"Depends: libc6 (>= 2.34), libncursesw6 (>= 6) | libncurses6, libtinfo6 (>= 6)\n"
	"Filename: pool/main/n/nmon/nmon.deb\nSize: 100\nInstalled-Size: 300\n\n"
	"Package: libc6\nVersion: 2.36-9\nArchitecture: amd64\nDepends: libgcc-s1\n\n"
	"Package: libc6\nVersion: 2.36-9+deb12u14\nArchitecture: amd64\nDepends: libgcc-s1\n\n"
	"Package: libc6\nVersion: 9.0\nArchitecture: arm64\n\n"
	"Package: libgcc-s1\nVersion: 12\nArchitecture: amd64\nDepends: libc6 (>= 2.35)\n\n"
	"Package: libncurses6\nVersion: 6.4-4\nArchitecture: amd64\nDepends: libtinfo6 (= 6.4-4)\n\n"
	"Package: libtinfo6\nVersion: 6.4-4\nArchitecture: amd64\n\n"
	"Package: ncurses-base\nVersion: 6.4-4\nArchitecture: all\n\n"
	"Package: mta-user\nVersion: 1\nArchitecture: all\nDepends: mail-transport-agent\n\n"
	"Package: postfix\nVersion: 3\nArchitecture: amd64\nProvides: mail-transport-agent\n\n"
	"Package: broken\nVersion: 1\nArchitecture: amd64\nDepends: libc6 (>= 3), nothere\n\n"
	"Package: old\nVersion: 1\nArchitecture: amd64\nDepends: libtinfo6 (<< 6)\n";

static const char status[] =
	"Package: libgcc-s1\nStatus: install ok installed\nVersion: 12\n"
	"Architecture: amd64\nDepends: libc6 (>= 2.35)\n\n"
	"Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n"
	"Architecture: amd64\n";

static int names_of(const struct db *db, const struct plan *p, char *out,
		    size_t size)
{
	out[0] = '\0';
	for (size_t i = 0; i < p->n; i++)
		(void)snprintf(out + strlen(out), size - strlen(out), "%s%s",
			       i ? " " : "", db->pkgs[p->order[i]].name);
	return (int)p->n;
}

static void test_resolve(void)
{
	struct db db;
	struct plan plan;
	char got[512];
	int want;
	FILE *err = fopen("/dev/null", "w");

	db_init(&db, "amd64");
	CHECK_INT(db_add_text(&db, strdup(status), ORIGIN_INSTALLED), 0);
	CHECK_INT(db_add_text(&db, strdup(packages), 0), 0);
	CHECK(db_installed(&db, "libgcc-s1") >= 0);
	CHECK(db_installed(&db, "gone") <
	      0); /* not installed: config files only */
	CHECK(db_candidate(&db, "libc6") >= 0);
	CHECK_STR(db.pkgs[db_candidate(&db, "libc6")].version,
		  "2.36-9+deb12u14");
	CHECK(db_candidate(&db, "nothere") < 0);

	want = db_candidate(&db, "nmon");
	CHECK_INT(resolve_install(&db, &want, 1, &plan, err), 0);
	names_of(&db, &plan, got, sizeof(got));
	/* libgcc-s1 is installed and kept; libncurses6 is the installable alternative; terminfo implied */
	CHECK_STR(got, "libc6 libtinfo6 libncurses6 nmon ncurses-base");
	plan_free(&plan);

	want = db_candidate(&db,
			    "mta-user"); /* a virtual package: its provider */
	CHECK_INT(resolve_install(&db, &want, 1, &plan, err), 0);
	names_of(&db, &plan, got, sizeof(got));
	CHECK_STR(got, "postfix mta-user");
	plan_free(&plan);

	want = db_candidate(&db, "broken");
	CHECK_INT(resolve_install(&db, &want, 1, &plan, err), -1);
	plan_free(&plan);
	want = db_candidate(&db, "old"); /* a version nobody has */
	CHECK_INT(resolve_install(&db, &want, 1, &plan, err), -1);
	plan_free(&plan);
	db_free(&db);

	/* removal takes what depends on the package along */
	db_init(&db, "amd64");
	CHECK_INT(
		db_add_text(
			&db,
			strdup("Package: a\nStatus: install ok installed\nVersion: 1\n"
			       "Architecture: amd64\nDepends: b\n\n"
			       "Package: b\nStatus: install ok installed\nVersion: 1\n"
			       "Architecture: amd64\n\n"
			       "Package: c\nStatus: install ok installed\nVersion: 1\n"
			       "Architecture: all\n"),
			ORIGIN_INSTALLED),
		0);
	want = db_installed(&db, "b");
	CHECK_INT(resolve_remove(&db, &want, 1, &plan), 0);
	names_of(&db, &plan, got, sizeof(got));
	CHECK_STR(got, "b a");
	plan_free(&plan);
	db_free(&db);
	(void)fclose(err);
}

static void test_tar_path(void)
{
	char p[64];

	CHECK(tar_path("./usr/bin/nmon", p, sizeof(p)));
	CHECK_STR(p, "/usr/bin/nmon");
	CHECK(tar_path("usr//lib/./x/", p, sizeof(p)));
	CHECK_STR(p, "/usr/lib/x");
	CHECK(!tar_path("./usr/../../etc/shadow", p, sizeof(p)));
	CHECK(!tar_path("./", p, sizeof(p)));
	CHECK(!tar_path(
		"./a/very/long/path/that/does/not/fit/in/sixty/four/bytes/at/all/no",
		p, sizeof(p)));
}

static void test_sysusers(void)
{
	const char *postinst =
		"#!/bin/sh -e\n"
		"if ! getent group tcpdump >/dev/null 2>&1; then\n"
		"    addgroup --system --quiet tcpdump\n"
		"fi\n"
		"if ! getent passwd tcpdump >/dev/null 2>&1; then\n"
		"    adduser --system --quiet --ingroup tcpdump\t\t\\\n"
		"\t    --no-create-home --home /nonexistent\t\\\n"
		"\t    tcpdump\n"
		"fi\n"
		"adduser --system --group --home \"/var/lib/x y\" _x; adduser foo bar\n"
		"adduser --system $USER # a variable: not ours to guess\n";
	struct sysuser u[SYSUSERS_MAX];
	char buf[PATH_MAX], path[PATH_MAX], *t;
	const char *root;
	FILE *null = fopen("/dev/null", "w");

	CHECK_INT(sysusers_parse(postinst, u, SYSUSERS_MAX), 3);
	CHECK_STR(u[0].name, "tcpdump");
	CHECK(u[0].group_only);
	CHECK_STR(u[1].name, "tcpdump");
	CHECK_STR(u[1].group, "tcpdump");
	CHECK(!u[1].group_only);
	CHECK_STR(u[2].name, "_x");
	CHECK(u[2].own_group);
	CHECK_STR(u[2].home, "/var/lib/x y");
	root = fakeroot_new(buf, sizeof(buf));
	fakeroot_write(root, "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
	fakeroot_write(root, "/etc/group", "root:x:0:\nnogroup:x:65534:\n");
	fakeroot_write(root, "/etc/shadow", "root:*:1::::::\n");
	CHECK_INT(sysusers_apply(root, u, 3, null), 0);
	CHECK_INT(sysusers_apply(root, u, 3, null), 0); /* twice: nothing new */
	CHECK(path_fmt(path, sizeof(path), "%s/etc/passwd", root));
	t = read_all(path, NULL);
	CHECK(t &&
	      strstr(t,
		     "\ntcpdump:x:100:100::/nonexistent:/usr/sbin/nologin\n"));
	CHECK(t && strstr(t, "\n_x:x:101:101::/var/lib/x y:"));
	CHECK(t && !strstr(strstr(t, "_x:") + 1, "_x:"));
	free(t);
	CHECK(path_fmt(path, sizeof(path), "%s/etc/group", root));
	t = read_all(path, NULL);
	CHECK(t && strstr(t, "\ntcpdump:x:100:\n") &&
	      strstr(t, "\n_x:x:101:\n"));
	free(t);
	fakeroot_free(root);
	(void)fclose(null);
}

int main(void)
{
	test_sysusers();
	test_debver();
	test_deps();
	test_release();
	test_sources();
	test_resolve();
	test_tar_path();
	return check_done();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * apt install, remove and download. Every .deb is checked against the signed
 * index's SHA256 before anything is unpacked; the files go into the root tmpfs;
 * files the image already has are kept; maintainer scripts are not run.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "apt.h"
#include "deb.h"
#include "proc.h"
#include "resolve.h"
#include "sysusers.h"
#include "util.h"

#define RAM_RESERVE (32LL << 20) /* left free for the shell and the tools */

/* The paths installed packages own, sorted: what apt may replace. */
struct owned {
	char **paths;
	size_t n;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_owned(const char *path, void *ctx)
{
	const struct owned *o = ctx;

	return o->n &&
	       bsearch(&path, o->paths, o->n, sizeof(*o->paths), cmp_str);
}

static void owned_load(const struct apt *a, struct owned *o)
{
	DIR *d = opendir(a->info);
	struct dirent *e;
	size_t cap = 0;

	memset(o, 0, sizeof(*o));
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char p[PATH_MAX], *text;

		if (n < 6 || strcmp(e->d_name + n - 5, ".list"))
			continue;
		cut_fmt(p, sizeof(p), "%s/%s", a->info, e->d_name);
		text = read_all(p, NULL);
		for (char *s = text ? strtok(text, "\n") : NULL; s;
		     s = strtok(NULL, "\n")) {
			if (o->n == cap) {
				char **np = realloc(
					o->paths, (cap = cap ? cap * 2 : 256) *
							  sizeof(*np));

				if (!np)
					break;
				o->paths = np;
			}
			o->paths[o->n] = strdup(s);
			if (o->paths[o->n])
				o->n++;
		}
		free(text);
	}
	if (d)
		(void)closedir(d);
	if (o->n)
		qsort(o->paths, o->n, sizeof(*o->paths), cmp_str);
}

static void owned_free(struct owned *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->paths[i]);
	free(o->paths);
}

static void put(FILE *f, const char *key, const char *v)
{
	if (v && *v)
		(void)fprintf(f, "%s: %s\n", key, v);
}

static void write_stanza(FILE *f, const struct pkg *p)
{
	put(f, "Package", p->name);
	(void)fprintf(f, "Status: install ok installed\n");
	put(f, "Priority", p->priority);
	put(f, "Section", p->section);
	if (p->isize)
		(void)fprintf(f, "Installed-Size: %lld\n", p->isize);
	put(f, "Maintainer", p->maintainer);
	put(f, "Architecture", p->arch);
	put(f, "Multi-Arch", p->multiarch);
	put(f, "Version", p->version);
	put(f, "Provides", p->provides);
	put(f, "Pre-Depends", p->predepends);
	put(f, "Depends", p->depends);
	put(f, "Description", p->synopsis);
	put(f, "Homepage", p->homepage);
	(void)fputc('\n', f);
}

/* The status file: the installed packages not in drop (may be NULL), then add[0..nadd). */
static int write_status(const struct apt *a, const struct db *db,
			const unsigned char *drop, const int *add, size_t nadd)
{
	char tmp[PATH_MAX];
	FILE *f;

	cut_fmt(tmp, sizeof(tmp), "%s.new", a->status);
	f = fopen(tmp, "we");
	if (!f)
		return -1;
	for (size_t i = 0; i < db->n; i++)
		if (db->pkgs[i].origin == ORIGIN_INSTALLED &&
		    !(drop && drop[i]))
			write_stanza(f, &db->pkgs[i]);
	for (size_t i = 0; i < nadd; i++)
		write_stanza(f, &db->pkgs[add[i]]);
	if (fclose(f) < 0)
		return -1;
	return rename(tmp, a->status);
}

static void deb_name(const struct pkg *p, char *out, size_t size)
{
	const char *colon = strchr(p->version, ':');

	if (colon)
		cut_fmt(out, size, "%s_%.*s%%3a%s_%s.deb", p->name,
			(int)(colon - p->version), p->version, colon + 1,
			p->arch);
	else
		cut_fmt(out, size, "%s_%s_%s.deb", p->name, p->version,
			p->arch);
}

/* Fetch p into dir, checked against the index: 0 or EXIT_APT (nothing left behind). */
static int fetch_deb(const struct apt *a, const struct pkg *p, const char *dir,
		     int nr, char *out, size_t size)
{
	const struct source *s;
	char url[PATH_MAX], reason[512], name[512], hex[65], sz[32];
	struct stat st;
	int comp, r;

	s = apt_origin(a, p->origin, &comp);
	if (!s || !p->filename || !p->sha256)
		return apt_error("%s has no archive to come from", p->name);
	deb_name(p, name, sizeof(name));
	cut_fmt(url, sizeof(url), "%s/%s", s->uri, p->filename);
	cut_fmt(out, size, "%s/%s", dir, name);
	apt_size(sz, sizeof(sz), (double)p->size);
	(void)printf("Get:%d %s %s/%s %s %s %s [%s]\n", nr, s->uri, s->suite,
		     s->comps[comp], a->arch, p->name, p->version, sz);
	r = apt_fetch(url, out, reason, sizeof(reason));
	if (r)
		return apt_error("Failed to fetch %s  %s", url,
				 r > 0 ? "404  Not Found" : reason);
	if (stat(out, &st) < 0 || st.st_size != p->size ||
	    sha256_file(out, hex) < 0 || strcmp(hex, p->sha256)) {
		(void)unlink(out);
		return apt_error("Failed to fetch %s  Hash Sum mismatch", url);
	}
	return 0;
}

struct scripts {
	char names[128];
};

static void note_script(const char *name, void *ctx)
{
	static const char *const kinds[] = { "preinst", "postinst", "prerm",
					     "postrm" };
	struct scripts *sc = ctx;
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;

	for (size_t i = 0; i < 4; i++)
		if (!strcmp(base, kinds[i]) &&
		    strlen(sc->names) + strlen(base) + 3 < sizeof(sc->names))
			cut_fmt(sc->names + strlen(sc->names),
				sizeof(sc->names) - strlen(sc->names), "%s%s",
				*sc->names ? ", " : "", base);
}

/*
 * What of the maintainer scripts is done here: the system users and groups
 * postinst makes with adduser --system (tcpdump drops root to its own user);
 * the scripts themselves are not run, and sc gets their names.
 */
static void configure(const struct apt *a, const struct pkg *p, int fd,
		      struct scripts *sc)
{
	struct sysuser su[SYSUSERS_MAX];
	char member[64], *postinst = NULL;
	off_t off, size;
	pid_t pids[2];
	int s, n;

	if (ar_find(fd, "control.tar", &off, &size, member, sizeof(member)))
		return;
	s = member_stream(fd, off, size, member, pids);
	if (s >= 0) {
		(void)tar_names(s, note_script, sc);
		(void)stream_close(s, pids);
	}
	s = member_stream(fd, off, size, member, pids);
	if (s >= 0) {
		postinst = tar_read(s, "postinst");
		(void)stream_close(s, pids);
	}
	n = postinst ? sysusers_parse(postinst, su, SYSUSERS_MAX) : 0;
	if (n && sysusers_apply(a->root, su, n, stdout) < 0)
		(void)printf("W: %s: could not add its system users: %s\n",
			     p->name, strerror(errno));
	free(postinst);
}

/* Unpack one verified .deb: 0, or EXIT_APT after saying why. */
static int unpack(const struct apt *a, const struct pkg *p, const char *deb,
		  struct owned *o, unsigned *kept, char *first_kept,
		  size_t fk_size)
{
	char member[64], list[PATH_MAX], tmp[PATH_MAX];
	struct unpack u = { .root = a->root, .owned = is_owned, .ctx = o };
	struct scripts sc = { "" };
	off_t off, size;
	pid_t pids[2];
	int fd = open(deb, O_RDONLY | O_CLOEXEC), s, rc;

	if (fd < 0)
		return apt_error("Cannot open %s: %s", deb, strerror(errno));
	if (ar_find(fd, "data.tar", &off, &size, member, sizeof(member)) < 0) {
		(void)close(fd);
		return apt_error("%s is not a Debian package (no data.tar)",
				 deb);
	}
	(void)printf("Unpacking %s (%s) ...\n", p->name, p->version);
	cut_fmt(list, sizeof(list), "%s/%s.list", a->info, p->name);
	cut_fmt(tmp, sizeof(tmp), "%s.new", list);
	u.list = fopen(tmp, "we");
	s = u.list ? member_stream(fd, off, size, member, pids) : -1;
	if (s < 0) {
		(void)close(fd);
		if (u.list)
			(void)fclose(u.list);
		return apt_error("Cannot unpack %s: %s", deb, strerror(errno));
	}
	rc = tar_extract(s, &u);
	if (stream_close(s, pids) < 0 && !rc) {
		rc = -1;
		cut_fmt(u.err, sizeof(u.err),
			"its data could not be decompressed");
	}
	if (fclose(u.list) < 0)
		rc = -1;
	if (rc < 0 || rename(tmp, list) < 0) {
		(void)close(fd);
		return apt_error("Cannot unpack %s: %s", deb,
				 *u.err ? u.err : strerror(errno));
	}
	configure(a, p, fd, &sc);
	(void)close(fd);
	if (u.kept && !*kept)
		cut_fmt(first_kept, fk_size, "%s", u.first_kept);
	*kept += u.kept;
	if (*sc.names)
		(void)printf(
			"N: %s: its maintainer scripts (%s) are not run here\n",
			p->name, sc.names);
	return 0;
}

/* RAM free for the root tmpfs: what statvfs and MemAvailable both allow. */
static long long ram_free(const struct apt *a)
{
	struct statvfs sv;
	char path[PATH_MAX], *mi = read_all("/proc/meminfo", NULL), *s;
	long long fs = -1, mem = -1;

	cut_fmt(path, sizeof(path), "%s/", a->root);
	if (statvfs(path, &sv) == 0 && sv.f_blocks)
		fs = (long long)sv.f_bavail * (long long)sv.f_frsize;
	s = mi ? strstr(mi, "MemAvailable:") : NULL;
	if (s)
		mem = atoll(s + 13) * 1024;
	free(mi);
	if (fs < 0 || (mem >= 0 && mem < fs))
		return mem;
	return fs;
}

static void print_names(const struct db *db, const struct plan *plan)
{
	int col = 0;

	for (size_t i = 0; i < plan->n; i++) {
		const char *n = db->pkgs[plan->order[i]].name;

		if (col && col + 1 + (int)strlen(n) > 78) {
			(void)printf("\n");
			col = 0;
		}
		col += printf("%s%s", col ? " " : "  ", n);
	}
	(void)printf("\n");
}

static bool no_lists(const struct db *db)
{
	for (size_t i = 0; i < db->n; i++)
		if (db->pkgs[i].origin != ORIGIN_INSTALLED)
			return false;
	return true;
}

/* The archive packages named: want[], how many, or -1 after saying why. */
static int find_wanted(const struct db *db, char **names, int n, int *want,
		       bool download)
{
	int nw = 0;

	for (int i = 0; i < n; i++) {
		struct dep d = { .op = OP_NONE };
		int c = db_candidate(db, names[i]),
		    inst = db_installed(db, names[i]);

		if (c < 0) {
			cut_fmt(d.name, sizeof(d.name), "%s", names[i]);
			c = resolve_choose(db, &d);
			if (c >= 0 && !download) {
				(void)printf(
					"Note, selecting '%s' instead of '%s'\n",
					db->pkgs[c].name, names[i]);
				inst = db_installed(db, db->pkgs[c].name);
			} else {
				apt_error("Unable to locate package %s",
					  names[i]);
				if (no_lists(db))
					(void)fprintf(stderr,
						      "N: There are no package "
						      "lists: run 'apt update' "
						      "first.\n");
				return -1;
			}
		}
		if (!download && inst >= 0) {
			(void)printf("%s is already the newest version (%s).\n",
				     db->pkgs[inst].name,
				     db->pkgs[inst].version);
			continue;
		}
		want[nw++] = c;
	}
	return nw;
}

static int download_only(const struct apt *a, const struct db *db,
			 const int *want, int nw)
{
	for (int i = 0; i < nw; i++) {
		char out[PATH_MAX];

		if (fetch_deb(a, &db->pkgs[want[i]], ".", i + 1, out,
			      sizeof(out)))
			return EXIT_APT;
	}
	return 0;
}

/* The database, as apt says it reads it: 0 or EXIT_APT. */
static int load(struct apt *a, struct db *db)
{
	if (apt_load_db(a, db))
		return EXIT_APT;
	(void)printf("Reading package lists... Done\n"
		     "Building dependency tree... Done\n");
	return 0;
}

int apt_install(struct apt *a, char **names, int n, bool download)
{
	struct db db = { 0 };
	struct plan plan = { 0 };
	struct owned o = { 0 };
	int *want = calloc((size_t)n, sizeof(*want)), nw, rc = EXIT_APT;
	long long dl = 0, inst = 0, avail;
	char s1[32], s2[32], s3[32], partial[PATH_MAX], *debs = NULL,
							first_kept[128] = "";
	unsigned kept = 0;
	size_t done = 0;
	struct timespec t0, t1;

	if (!want || load(a, &db))
		goto out;
	nw = find_wanted(&db, names, n, want, download);
	if (nw < 0)
		goto out;
	if (download) {
		rc = download_only(a, &db, want, nw);
		goto out;
	}
	if (resolve_install(&db, want, (size_t)nw, &plan, stderr) < 0)
		goto out;
	if (!plan.n) {
		(void)printf(
			"0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n");
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < plan.n; i++) {
		dl += db.pkgs[plan.order[i]].size;
		inst += db.pkgs[plan.order[i]].isize * 1024;
	}
	(void)printf("The following NEW packages will be installed:\n");
	print_names(&db, &plan);
	(void)printf(
		"0 upgraded, %zu newly installed, 0 to remove and 0 not upgraded.\n",
		plan.n);
	apt_size(s1, sizeof(s1), (double)dl);
	apt_size(s2, sizeof(s2), (double)inst);
	(void)printf("Need to get %s of archives.\n", s1);
	(void)printf(
		"After this operation, %s of additional disk space will be used.\n",
		s2);
	(void)printf(
		"Lifeboat: they are unpacked into RAM, for this boot only.\n");
	avail = ram_free(a);
	if (avail >= 0 && dl + inst + RAM_RESERVE > avail) {
		apt_size(s3, sizeof(s3),
			 (double)(avail > RAM_RESERVE ? avail - RAM_RESERVE :
							0));
		apt_size(s1, sizeof(s1), (double)(dl + inst));
		apt_error(
			"Not enough free memory: this needs %s (downloads and unpacked files live "
			"in RAM), %s is free. Nothing was installed.",
			s1, s3);
		goto out;
	}
	if (!apt_confirm(a)) {
		rc = 1;
		goto out;
	}
	if (!apt_network()) {
		apt_error("No network: no default route (see 'lifeboat net')");
		goto out;
	}
	cut_fmt(partial, sizeof(partial), "%s/partial", a->archives);
	if (apt_mkdirs(partial) < 0 || apt_mkdirs(a->info) < 0) {
		apt_error("Cannot create %s: %s", partial, strerror(errno));
		goto out;
	}
	debs = calloc(plan.n, PATH_MAX);
	if (!debs) {
		apt_error("Out of memory");
		goto out;
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < plan.n; i++)
		if (fetch_deb(a, &db.pkgs[plan.order[i]], partial, (int)i + 1,
			      debs + i * PATH_MAX, PATH_MAX))
			goto cleanup;
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	(void)printf("Fetched %s in %.0fs\n", s1,
		     (double)(t1.tv_sec - t0.tv_sec) < 1 ?
			     1 :
			     (double)(t1.tv_sec - t0.tv_sec));
	owned_load(a, &o);
	for (; done < plan.n; done++) {
		if (unpack(a, &db.pkgs[plan.order[done]],
			   debs + done * PATH_MAX, &o, &kept, first_kept,
			   sizeof(first_kept)))
			break;
		(void)unlink(debs + done * PATH_MAX);
	}
	if (write_status(a, &db, NULL, plan.order, done) < 0)
		apt_error("Cannot write %s: %s", a->status, strerror(errno));
	else if (done == plan.n)
		rc = 0;
	for (size_t i = 0; i < done; i++)
		(void)printf("Setting up %s (%s) ...\n",
			     db.pkgs[plan.order[i]].name,
			     db.pkgs[plan.order[i]].version);
	if (kept)
		(void)printf(
			"N: kept the image's own %s%s: Lifeboat's tools are never replaced\n",
			first_kept,
			kept > 1 ? " and other files the image has" : "");
cleanup:
	for (size_t i = 0; i < plan.n; i++)
		if (debs[i * PATH_MAX])
			(void)unlink(debs + i * PATH_MAX);
out:
	free(debs);
	free(want);
	owned_free(&o);
	plan_free(&plan);
	db_free(&db);
	return rc;
}

/* Remove p's files (its list, newest first; directories when empty). */
static void remove_files(const struct apt *a, const struct pkg *p)
{
	char list[PATH_MAX], *text;
	size_t n = 0;

	cut_fmt(list, sizeof(list), "%s/%s.list", a->info, p->name);
	text = read_all(list, &n);
	if (!text)
		return;
	for (long i = (long)n - 1; i >= -1; i--) {
		if (i >= 0 && text[i] != '\n')
			continue;
		if (i >= 0)
			text[i] = '\0';
		{
			const char *rel = text + i + 1;
			char path[PATH_MAX];
			struct stat st;

			if (!*rel)
				continue;
			cut_fmt(path, sizeof(path), "%s%s", a->root, rel);
			if (lstat(path, &st) < 0)
				continue;
			if (S_ISDIR(st.st_mode))
				(void)rmdir(path);
			else
				(void)unlink(path);
		}
	}
	free(text);
	(void)unlink(list);
}

int apt_remove(struct apt *a, char **names, int n)
{
	struct db db = { 0 };
	struct plan plan = { 0 };
	int *want = calloc((size_t)n, sizeof(*want)), nw = 0, rc = EXIT_APT;
	long long freed = 0;
	char sz[32];

	if (!want || load(a, &db))
		goto out;
	for (int i = 0; i < n; i++) {
		int p = db_installed(&db, names[i]);

		if (p >= 0)
			want[nw++] = p;
		else if (db_candidate(&db, names[i]) >= 0)
			(void)printf(
				"Package '%s' is not installed, so not removed\n",
				names[i]);
		else {
			apt_error("Unable to locate package %s", names[i]);
			goto out;
		}
	}
	if (resolve_remove(&db, want, (size_t)nw, &plan) < 0) {
		apt_error("Out of memory");
		goto out;
	}
	if (!plan.n) {
		(void)printf(
			"0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n");
		rc = 0;
		goto out;
	}
	(void)printf("The following packages will be REMOVED:\n");
	print_names(&db, &plan);
	for (size_t i = 0; i < plan.n; i++)
		freed += db.pkgs[plan.order[i]].isize * 1024;
	apt_size(sz, sizeof(sz), (double)freed);
	(void)printf(
		"0 upgraded, 0 newly installed, %zu to remove and 0 not upgraded.\n",
		plan.n);
	(void)printf("After this operation, %s disk space will be freed.\n",
		     sz);
	if (!apt_confirm(a)) {
		rc = 1;
		goto out;
	}
	for (size_t i = 0; i < plan.n; i++) {
		const struct pkg *p = &db.pkgs[plan.order[i]];

		(void)printf("Removing %s (%s) ...\n", p->name, p->version);
		remove_files(a, p);
	}
	if (write_status(a, &db, plan.state, NULL, 0) < 0)
		apt_error("Cannot write %s: %s", a->status, strerror(errno));
	else
		rc = 0;
out:
	free(want);
	plan_free(&plan);
	db_free(&db);
	return rc;
}

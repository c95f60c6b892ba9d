// SPDX-License-Identifier: GPL-2.0
/*
 * apt update: each suite's InRelease verified with gpgv against the archive
 * keyring, its Valid-Until enforced, each Packages index checked against the
 * signed SHA256 and size. All or nothing: on any error the lists stay as they were.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "apt.h"
#include "deb.h"
#include "proc.h"
#include "release.h"
#include "util.h"

struct update {
	struct apt *a;
	char partial[PATH_MAX];
	int get;
	long long fetched;
};

/* Fields the lists keep (the Description's first line only): what apt here uses. */
static const char *const kept_fields[] = {
	"Package:",	"Version:",  "Architecture:", "Multi-Arch:",
	"Essential:",	"Priority:", "Section:",      "Installed-Size:",
	"Maintainer:",	"Depends:",  "Pre-Depends:",  "Provides:",
	"Filename:",	"Size:",     "SHA256:",	      "Homepage:",
	"Description:",
};

static bool kept(const char *line)
{
	for (size_t i = 0; i < sizeof(kept_fields) / sizeof(kept_fields[0]);
	     i++)
		if (!strncmp(line, kept_fields[i], strlen(kept_fields[i])))
			return true;
	return false;
}

/* The (decompressed) index at path into out, the fields apt uses only. */
static int strip_index(const char *path, const char *out)
{
	int in = open(path, O_RDONLY | O_CLOEXEC), s = -1, rc = 0;
	size_t cap = 0;
	char *line = NULL;
	struct stat st;
	pid_t pids[2];
	FILE *f = NULL, *o = NULL;

	/* the whole file as a .deb's member: decompressed by its suffix */
	if (in >= 0 && fstat(in, &st) == 0)
		s = member_stream(in, 0, st.st_size, path, pids);
	if (s >= 0)
		f = fdopen(fcntl(s, F_DUPFD_CLOEXEC, 0), "r");
	if (f)
		o = fopen(out, "we");
	while (o && getline(&line, &cap, f) >= 0)
		if ((line[0] == '\n' || kept(line)) && fputs(line, o) < 0)
			rc = -1;
	free(line);
	if (f)
		(void)fclose(f);
	if (!o || fclose(o) < 0)
		rc = -1;
	if (s >= 0 && stream_close(s, pids) < 0)
		rc = -1;
	if (in >= 0)
		(void)close(in);
	return rc;
}

static void got(struct update *u, const char *what, const char *file)
{
	struct stat st;
	char sz[32];

	if (stat(file, &st) < 0)
		return;
	u->fetched += st.st_size;
	apt_size(sz, sizeof(sz), (double)st.st_size);
	(void)printf("Get:%d %s [%s]\n", ++u->get, what, sz);
	(void)fflush(stdout);
}

/* gpgv over file (and its detached sig): NULL if good, else apt's complaint. */
static const char *verify(struct update *u, const char *file, const char *sig,
			  char *why, size_t size)
{
	const char *argv[] = { "gpgv",
			       "--status-fd",
			       "1",
			       "--keyring",
			       u->a->keyring,
			       sig ? sig : file,
			       sig ? file : NULL,
			       NULL };
	char out[8192];
	int rc = proc_run(argv, -1, -1, out, sizeof(out));
	char *s;

	if (rc == 0 && strstr(out, "[GNUPG:] GOODSIG ") &&
	    strstr(out, "[GNUPG:] VALIDSIG ") &&
	    !strstr(out, "[GNUPG:] BADSIG ") &&
	    !strstr(out, "[GNUPG:] EXPKEYSIG ") &&
	    !strstr(out, "[GNUPG:] REVKEYSIG "))
		return NULL;
	if ((s = strstr(out, "[GNUPG:] BADSIG "))) {
		cut_fmt(why, size,
			"The following signatures were invalid: BADSIG %.16s",
			s + 16);
	} else if ((s = strstr(out, "[GNUPG:] NO_PUBKEY "))) {
		cut_fmt(why, size,
			"The following signatures couldn't be verified because the public "
			"key is not available: NO_PUBKEY %.16s",
			s + 19);
	} else if ((s = strstr(out, "[GNUPG:] EXPKEYSIG ")) ||
		   (s = strstr(out, "[GNUPG:] REVKEYSIG "))) {
		cut_fmt(why, size,
			"The following signatures were invalid: %.25s", s + 9);
	} else if (rc == 127) {
		cut_fmt(why, size, "gpgv is missing: nothing can be verified");
	} else {
		s = strchr(out, '\n');
		cut_fmt(why, size,
			"gpgv found no valid signature (exit %d)%s%.200s", rc,
			*out ? ": " : "", out);
		(void)s;
	}
	return why;
}

static int fail_fetch(const char *url, const char *reason)
{
	return apt_error("Failed to fetch %s  %s", url, reason);
}

/* One suite: its Release (signed text) and Packages into u->partial. 0 or EXIT_APT. */
static int update_source(struct update *u, const struct source *s)
{
	char url[PATH_MAX], file[PATH_MAX], sigf[PATH_MAX], name[PATH_MAX / 2],
		reason[512];
	char what[PATH_MAX], why[600];
	struct release rel;
	char *text;
	long len;
	int r, rc = 0;
	bool inrelease = true;
	time_t now = time(NULL);

	sources_list_name(s, -1, u->a->arch, name, sizeof(name));
	cut_fmt(file, sizeof(file), "%s/%s.signed", u->partial, name);
	cut_fmt(url, sizeof(url), "%s/dists/%s/InRelease", s->uri, s->suite);
	r = apt_fetch(url, file, reason, sizeof(reason));
	if (r == 1) { /* no InRelease: Release and Release.gpg */
		(void)printf("Ign:%d %s %s InRelease\n", ++u->get, s->uri,
			     s->suite);
		inrelease = false;
		cut_fmt(file, sizeof(file), "%s/%s", u->partial, name);
		cut_fmt(url, sizeof(url), "%s/dists/%s/Release", s->uri,
			s->suite);
		r = apt_fetch(url, file, reason, sizeof(reason));
		if (r == 0) {
			cut_fmt(what, sizeof(what), "%s %s Release", s->uri,
				s->suite);
			got(u, what, file);
			cut_fmt(sigf, sizeof(sigf), "%s.gpg", file);
			cut_fmt(url, sizeof(url), "%s/dists/%s/Release.gpg",
				s->uri, s->suite);
			r = apt_fetch(url, sigf, reason, sizeof(reason));
			if (r == 1) {
				(void)fprintf(
					stderr,
					"E: The repository '%s %s Release' is not signed.\n",
					s->uri, s->suite);
				return EXIT_APT;
			}
		}
	}
	if (r == 1)
		return apt_error(
			"The repository '%s %s Release' does not have a Release file.",
			s->uri, s->suite);
	if (r < 0)
		return fail_fetch(url, reason);
	cut_fmt(what, sizeof(what), "%s %s %s", s->uri, s->suite,
		inrelease ? "InRelease" : "Release.gpg");
	got(u, what, inrelease ? file : sigf);
	if (verify(u, file, inrelease ? NULL : sigf, why, sizeof(why))) {
		(void)fflush(stdout);
		(void)fprintf(stderr, "W: GPG error: %s %s %s: %s\n", s->uri,
			      s->suite, inrelease ? "InRelease" : "Release",
			      why);
		(void)fprintf(stderr,
			      "E: The repository '%s %s %s' is not signed.\n",
			      s->uri, s->suite,
			      inrelease ? "InRelease" : "Release");
		return EXIT_APT;
	}
	text = read_all(file, NULL);
	len = text ? (inrelease ? clearsign_text(text, strlen(text)) :
				  (long)strlen(text)) :
		     -1;
	if (len < 0 || release_parse(text, &rel) < 0) {
		free(text);
		return apt_error(
			"The Release file of '%s %s' is not one apt can read",
			s->uri, s->suite);
	}
	if (inrelease) { /* keep only the signed text */
		cut_fmt(sigf, sizeof(sigf), "%s/%s", u->partial, name);
		if (write_text(sigf, text, 0644) < 0) {
			free(text);
			release_free(&rel);
			return apt_error("Cannot write %s: %s", sigf,
					 strerror(errno));
		}
		(void)unlink(file);
	}
	free(text);
	if (rel.valid_until && now > rel.valid_until) {
		long long d = (long long)(now - rel.valid_until);

		release_free(&rel);
		return apt_error(
			"Release file for %s/dists/%s/%s is expired (invalid since %lldd "
			"%lldh %lldmin). Updates for this repository will not be applied.",
			s->uri, s->suite, inrelease ? "InRelease" : "Release",
			d / 86400, d % 86400 / 3600, d % 3600 / 60);
	}
	for (int c = 0; c < s->ncomps && !rc; c++) {
		static const char *const exts[] = { ".xz", ".gz", "" };
		bool done = false;

		for (size_t e = 0; e < 3 && !done && !rc; e++) {
			char path[RELEASE_PATH_MAX + 16], hex[65], dl[PATH_MAX],
				list[PATH_MAX];
			const struct release_file *rf;
			struct stat st;

			cut_fmt(path, sizeof(path), "%s/binary-%s/Packages%s",
				s->comps[c], u->a->arch, exts[e]);
			rf = release_find(&rel, path);
			if (!rf)
				continue;
			cut_fmt(url, sizeof(url), "%s/dists/%s/%s", s->uri,
				s->suite, path);
			cut_fmt(dl, sizeof(dl), "%s/download%s", u->partial,
				exts[e]);
			r = apt_fetch(url, dl, reason, sizeof(reason));
			if (r == 1)
				continue;
			if (r < 0) {
				rc = fail_fetch(url, reason);
				break;
			}
			cut_fmt(what, sizeof(what), "%s %s/%s %s Packages",
				s->uri, s->suite, s->comps[c], u->a->arch);
			got(u, what, dl);
			if (stat(dl, &st) < 0 || st.st_size != rf->size ||
			    sha256_file(dl, hex) < 0 ||
			    strcmp(hex, rf->sha256)) {
				rc = fail_fetch(url, "Hash Sum mismatch");
				(void)unlink(dl);
				break;
			}
			sources_list_name(s, c, u->a->arch, name, sizeof(name));
			cut_fmt(list, sizeof(list), "%s/%s", u->partial, name);
			if (strip_index(dl, list) < 0)
				rc = apt_error("Cannot unpack %s", url);
			(void)unlink(dl);
			done = true;
		}
		if (!done && !rc)
			rc = apt_error(
				"The repository '%s %s' has no %s/binary-%s/Packages index",
				s->uri, s->suite, s->comps[c], u->a->arch);
	}
	release_free(&rel);
	return rc;
}

static void clear_dir(const char *dir, bool files_only)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[PATH_MAX];

	while (d && (e = readdir(d))) {
		if (e->d_type == DT_DIR)
			continue;
		cut_fmt(p, sizeof(p), "%s/%s", dir, e->d_name);
		(void)unlink(p);
	}
	if (d)
		(void)closedir(d);
	if (!files_only)
		(void)rmdir(dir);
}

int apt_update(struct apt *a)
{
	struct update u = { .a = a };
	struct timespec t0, t1;
	DIR *d;
	struct dirent *e;
	int rc = 0;
	char sz[32];
	double secs;

	if (!apt_network())
		return apt_error(
			"No network: no default route (see 'lifeboat net')");
	cut_fmt(u.partial, sizeof(u.partial), "%s/partial", a->lists);
	if (apt_mkdirs(u.partial) < 0)
		return apt_error("Cannot create %s: %s", u.partial,
				 strerror(errno));
	clear_dir(u.partial, true);
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < a->nsrc && !rc; i++)
		rc = update_source(&u, &a->src[i]);
	if (rc) {
		clear_dir(u.partial, true);
		(void)fprintf(
			stderr,
			"E: Nothing was changed: the package lists are as they were.\n");
		return rc;
	}
	clear_dir(a->lists, true);
	d = opendir(u.partial);
	while (d && (e = readdir(d))) {
		char from[PATH_MAX], to[PATH_MAX];

		if (e->d_type == DT_DIR)
			continue;
		cut_fmt(from, sizeof(from), "%s/%s", u.partial, e->d_name);
		cut_fmt(to, sizeof(to), "%s/%s", a->lists, e->d_name);
		if (rename(from, to) < 0)
			rc = apt_error("Cannot move %s: %s", from,
				       strerror(errno));
	}
	if (d)
		(void)closedir(d);
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	apt_size(sz, sizeof(sz), (double)u.fetched);
	(void)printf("Fetched %s in %.0fs\n", sz, secs < 1 ? 1 : secs);
	(void)printf("Reading package lists... Done\n");
	return rc;
}

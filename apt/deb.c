// SPDX-License-Identifier: GPL-2.0
/* .deb unpacking: ar members, decompressed by the image's tools, tar in C. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "deb.h"

static int read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

int ar_find(int fd, const char *prefix, off_t *off, off_t *size, char *name,
	    size_t namesize)
{
	char magic[8], hdr[60];
	off_t pos = 8;

	if (pread(fd, magic, 8, 0) != 8 || memcmp(magic, "!<arch>\n", 8))
		return -1;
	while (pread(fd, hdr, 60, pos) == 60) {
		char nm[17], sz[11];
		long long len;
		size_t n;

		if (hdr[58] != '`' || hdr[59] != '\n')
			return -1;
		memcpy(nm, hdr, 16);
		nm[16] = '\0';
		memcpy(sz, hdr + 48, 10);
		sz[10] = '\0';
		len = atoll(sz);
		if (len < 0)
			return -1;
		n = strcspn(nm, " /");
		nm[n] = '\0';
		if (!strncmp(nm, prefix, strlen(prefix)) && n < namesize) {
			memcpy(name, nm, n + 1);
			*off = pos + 60;
			*size = (off_t)len;
			return 0;
		}
		pos += 60 + len + (len & 1);
	}
	return -1;
}

static const char *const *decompressor(const char *name)
{
	static const char *const xz[] = { "xz", "-dc", NULL };
	static const char *const gz[] = { "gzip", "-dc", NULL };
	static const char *const zst[] = { "zstd", "-dcq", NULL };
	size_t n = strlen(name);

	if (n > 3 && !strcmp(name + n - 3, ".xz"))
		return xz;
	if (n > 3 && !strcmp(name + n - 3, ".gz"))
		return gz;
	if (n > 4 && !strcmp(name + n - 4, ".zst"))
		return zst;
	return NULL;
}

/* A child that copies size bytes at off of fd to out, then exits. */
static pid_t copier(int fd, off_t off, off_t size, int out)
{
	pid_t pid = fork();
	char buf[65536];

	if (pid)
		return pid;
	while (size > 0) {
		ssize_t r = pread(fd, buf,
				  size < (off_t)sizeof(buf) ? (size_t)size :
							      sizeof(buf),
				  off);

		if (r <= 0 || write(out, buf, (size_t)r) != r)
			_exit(1);
		off += r;
		size -= r;
	}
	_exit(0);
}

int member_stream(int debfd, off_t off, off_t size, const char *name,
		  pid_t pids[2])
{
	const char *const *argv = decompressor(name);
	int a[2], b[2];

	pids[0] = pids[1] = -1;
	if (pipe2(a, O_CLOEXEC) < 0)
		return -1;
	pids[0] = copier(debfd, off, size, a[1]);
	(void)close(a[1]);
	if (!argv || pids[0] < 0)
		return a[0];
	if (pipe2(b, O_CLOEXEC) < 0) {
		(void)close(a[0]);
		return -1;
	}
	pids[1] = fork();
	if (pids[1] == 0) {
		(void)dup2(a[0], 0);
		(void)dup2(b[1], 1);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	(void)close(a[0]);
	(void)close(b[1]);
	return b[0];
}

int stream_close(int fd, pid_t pids[2])
{
	char buf[4096];
	int rc = 0;

	while (read(fd, buf, sizeof(buf)) > 0) /* let the children finish */
		;
	(void)close(fd);
	for (int i = 0; i < 2; i++) {
		int status;

		if (pids[i] <= 0)
			continue;
		while (waitpid(pids[i], &status, 0) < 0)
			if (errno != EINTR)
				return -1;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			rc = -1;
	}
	return rc;
}

bool tar_path(const char *name, char *out, size_t size)
{
	size_t n = 0;
	const char *s = name;

	while (*s) {
		const char *e = s + strcspn(s, "/");
		size_t len = (size_t)(e - s);

		if (len == 2 && !strncmp(s, "..", 2))
			return false;
		if (len && !(len == 1 && *s == '.')) {
			if (n + 1 + len + 1 > size)
				return false;
			out[n++] = '/';
			memcpy(out + n, s, len);
			n += len;
		}
		s = *e ? e + 1 : e;
	}
	if (!n)
		return false;
	out[n] = '\0';
	return true;
}

static unsigned long long octal(const char *s, size_t n)
{
	unsigned long long v = 0;

	while (n && (*s == ' ' || *s == '\0')) {
		s++;
		n--;
	}
	while (n-- && *s >= '0' && *s <= '7')
		v = v * 8 + (unsigned long long)(*s++ - '0');
	return v;
}

/* pax extended header records: path= and linkpath= */
static void pax(const char *data, size_t len, char *path, char *link,
		size_t size)
{
	const char *s = data, *end = data + len;

	while (s < end) {
		char *sp;
		long n = strtol(s, &sp, 10);

		if (n <= 0 || n > end - s || *sp != ' ')
			return;
		if (!strncmp(sp + 1, "path=", 5))
			cut_fmt(path, size, "%.*s", (int)(s + n - sp - 7),
				sp + 6);
		else if (!strncmp(sp + 1, "linkpath=", 9))
			cut_fmt(link, size, "%.*s", (int)(s + n - sp - 11),
				sp + 10);
		s += n;
	}
}

struct entry {
	char name[4096], link[4096];
	char type;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	unsigned long long size;
};

/* The next member's header (long names resolved); 1, 0 at the end, -1 bad. */
static int next_entry(int fd, struct entry *e)
{
	unsigned char h[512];
	char longname[4096] = "", longlink[4096] = "";

	for (;;) {
		unsigned sum = 0, want;
		char *data;
		size_t padded;

		if (read_full(fd, h, 512) < 0)
			return -1;
		if (!h[0]) {
			bool zero = true;

			for (int i = 0; i < 512 && zero; i++)
				zero = !h[i];
			if (zero)
				return 0;
		}
		want = (unsigned)octal((char *)h + 148, 8);
		for (int i = 0; i < 512; i++)
			sum += (i >= 148 && i < 156) ? ' ' : h[i];
		if (sum != want)
			return -1;
		e->type = (char)h[156];
		e->mode = (mode_t)octal((char *)h + 100, 8);
		e->uid = (uid_t)octal((char *)h + 108, 8);
		e->gid = (gid_t)octal((char *)h + 116, 8);
		e->size = octal((char *)h + 124, 12);
		if (e->type != 'L' && e->type != 'K' && e->type != 'x' &&
		    e->type != 'g')
			break;
		if (e->size > 65536)
			return -1;
		padded = (size_t)((e->size + 511) & ~511ULL);
		data = calloc(1, padded + 1);
		if (!data || read_full(fd, data, padded) < 0) {
			free(data);
			return -1;
		}
		if (e->type == 'L')
			cut_fmt(longname, sizeof(longname), "%s", data);
		else if (e->type == 'K')
			cut_fmt(longlink, sizeof(longlink), "%s", data);
		else if (e->type == 'x')
			pax(data, (size_t)e->size, longname, longlink,
			    sizeof(longname));
		free(data);
	}
	if (*longname)
		cut_fmt(e->name, sizeof(e->name), "%s", longname);
	else if (h[345] && !memcmp(h + 257, "ustar", 5))
		cut_fmt(e->name, sizeof(e->name), "%.155s/%.100s",
			(char *)h + 345, (char *)h);
	else
		cut_fmt(e->name, sizeof(e->name), "%.100s", (char *)h);
	if (*longlink)
		cut_fmt(e->link, sizeof(e->link), "%s", longlink);
	else
		cut_fmt(e->link, sizeof(e->link), "%.100s", (char *)h + 157);
	return 1;
}

static int skip(int fd, unsigned long long size)
{
	char buf[4096];
	unsigned long long left = (size + 511) & ~511ULL;

	while (left) {
		size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);

		if (read_full(fd, buf, n) < 0)
			return -1;
		left -= n;
	}
	return 0;
}

int tar_names(int fd, void (*cb)(const char *name, void *ctx), void *ctx)
{
	struct entry *e = malloc(sizeof(*e));
	int r;

	if (!e)
		return -1;
	while ((r = next_entry(fd, e)) > 0) {
		cb(e->name, ctx);
		if (skip(fd, (e->type == '0' || e->type == '\0') ? e->size :
								   0) < 0) {
			r = -1;
			break;
		}
	}
	free(e);
	return r;
}

static int mkdirs(char *path, mode_t mode)
{
	for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(path, mode) < 0 && errno != EEXIST) {
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return 0;
}

static int write_file(int fd, const char *tmp, const struct entry *e)
{
	char buf[65536];
	unsigned long long left = e->size;
	int out = open(tmp,
		       O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		       0600);
	int rc = out < 0 ? -1 : 0;

	while (left) {
		size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);

		if (read_full(fd, buf, n) < 0)
			return -1;
		if (rc == 0 && write(out, buf, n) != (ssize_t)n)
			rc = -1;
		left -= n;
	}
	if (e->size % 512 && read_full(fd, buf, 512 - e->size % 512) < 0)
		return -1;
	if (out >= 0) {
		if (fchown(out, e->uid, e->gid) < 0 ||
		    fchmod(out, e->mode & 07777) < 0)
			rc = -1;
		if (close(out) < 0)
			rc = -1;
	}
	return rc;
}

static int place(int fd, struct unpack *u, const struct entry *e,
		 const char *rel)
{
	char path[4200], tmp[4220], target[4200];
	struct stat st;
	int rc = 0;

	cut_fmt(path, sizeof(path), "%s%s", u->root, rel);
	cut_fmt(tmp, sizeof(tmp), "%s.lb-apt-new", path);
	if (mkdirs(path, 0755) < 0)
		return -1;
	if (e->type == '5') {
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
		if (mkdir(path, e->mode & 07777) < 0)
			return -1;
		(void)fprintf(u->list, "%s\n", rel);
		return 0;
	}
	if (lstat(path, &st) == 0 && !u->owned(rel, u->ctx)) {
		if (!u->kept++)
			cut_fmt(u->first_kept, sizeof(u->first_kept), "%s",
				rel);
		return (e->type == '0' || e->type == '\0') ? skip(fd, e->size) :
							     0;
	}
	(void)unlink(tmp);
	switch (e->type) {
	case '0':
	case '\0':
	case '7':
		rc = write_file(fd, tmp, e);
		break;
	case '2':
		rc = symlink(e->link, tmp);
		break;
	case '1': {
		char rel_target[4096];

		if (!tar_path(e->link, rel_target, sizeof(rel_target)))
			return -1;
		cut_fmt(target, sizeof(target), "%s%s", u->root, rel_target);
		rc = link(target, tmp);
		break;
	}
	default: /* devices and fifos have no place in a package we install */
		return skip(fd, e->size);
	}
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -1;
	if (rc < 0) {
		(void)unlink(tmp);
		return -1;
	}
	(void)fprintf(u->list, "%s\n", rel);
	return 0;
}

int tar_extract(int fd, struct unpack *u)
{
	struct entry *e = malloc(sizeof(*e));
	char rel[4096];
	int r;

	if (!e)
		return -1;
	while ((r = next_entry(fd, e)) > 0) {
		if (!strcmp(e->name, "./") || !strcmp(e->name, "."))
			continue;
		if (!tar_path(e->name, rel, sizeof(rel))) {
			cut_fmt(u->err, sizeof(u->err),
				"unsafe path in the archive: %.200s", e->name);
			r = -1;
			break;
		}
		if (place(fd, u, e, rel) < 0) {
			cut_fmt(u->err, sizeof(u->err),
				"cannot unpack %.200s: %s", rel,
				strerror(errno));
			r = -1;
			break;
		}
	}
	if (r < 0 && !*u->err)
		cut_fmt(u->err, sizeof(u->err), "the archive is damaged");
	free(e);
	return r;
}

char *tar_read(int fd, const char *base)
{
	struct entry *e = malloc(sizeof(*e));
	char *data = NULL;

	if (!e)
		return NULL;
	while (!data && next_entry(fd, e) > 0) {
		const char *b = strrchr(e->name, '/') ?
					strrchr(e->name, '/') + 1 :
					e->name;
		bool file = e->type == '0' || e->type == '\0';

		if (file && !strcmp(b, base) && e->size < (1 << 20)) {
			size_t padded = (size_t)((e->size + 511) & ~511ULL);

			data = calloc(1, padded + 1);
			if (data && read_full(fd, data, padded) < 0) {
				free(data);
				data = NULL;
				break;
			}
			if (data)
				data[e->size] = '\0';
		} else if (skip(fd, file ? e->size : 0) < 0) {
			break;
		}
	}
	free(e);
	return data;
}

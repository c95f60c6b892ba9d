// SPDX-License-Identifier: GPL-2.0
#include "jobs.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *const then_words[] = { "shell", "poweroff", "reboot" };

bool jobs_then_valid(const char *v, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(then_words); i++)
		if (strlen(then_words[i]) == len &&
		    !memcmp(then_words[i], v, len))
			return true;
	return false;
}

/* Seconds of "90", "90s", "5m", "2h"; -1 when it is none of those. */
static long timeout_parse(const char *v, size_t len)
{
	static const struct {
		char unit;
		long seconds;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 } };
	long n = 0, mult = 1;
	size_t digits = len;

	if (len > 0 && (v[len - 1] < '0' || v[len - 1] > '9')) {
		digits = len - 1;
		mult = 0;
		for (size_t i = 0; i < ARRAY_SIZE(units); i++)
			if (v[digits] == units[i].unit)
				mult = units[i].seconds;
	}
	if (digits == 0 || digits > 7 || !mult)
		return -1;
	for (size_t i = 0; i < digits; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		n = n * 10 + (v[i] - '0');
	}
	if (n > JOBS_TIMEOUT_MAX / mult)
		return -1;
	return n * mult;
}

bool jobs_timeout_valid(const char *v, size_t len)
{
	return timeout_parse(v, len) >= 0;
}

long jobs_timeout_seconds(const char *v)
{
	long s = timeout_parse(v, strlen(v));

	return s > 0 ? s : 0;
}

static bool is_url(const char *s)
{
	return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8);
}

/* A filesystem the job's disk may have: what the kernel mounts built in. */
static bool job_fs(const char *type)
{
	static const char *const ok[] = { "vfat", "ext2", "ext3", "ext4" };

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (!strcmp(type, ok[i]))
			return true;
	return false;
}

/* Is row i (a partition) on a disk that holds a Lifeboat ISO? */
static bool on_lifeboat_iso(const struct disk_row *rows, int i)
{
	int d = disktable_disk_row(rows, i);

	return d >= 0 && !strcmp(rows[d].fs.type, "iso9660") &&
	       !strncmp(rows[d].fs.label, JOBS_ISO_LABEL,
			sizeof(JOBS_ISO_LABEL) - 1);
}

static void job_set(struct job *j, enum job_kind kind, const char *arg,
		    const char *fs)
{
	memset(j, 0, sizeof(*j));
	j->kind = kind;
	copy_text(j->arg, sizeof(j->arg), arg);
	copy_text(j->fs, sizeof(j->fs), fs);
}

int jobs_plan(const struct lb_options *o, const char *fwcfg_file,
	      const struct disk_row *rows, int nrows, struct job *jobs, int max)
{
	int n = 0;

	if (fwcfg_file && n < max)
		job_set(&jobs[n++], JOB_FWCFG, fwcfg_file, "");
	for (int i = 0; i < nrows && n < max; i++) {
		const struct disk_row *r = &rows[i];

		if (!r->stack && !strcasecmp(r->fs.label, JOBS_LABEL) &&
		    job_fs(r->fs.type) && !on_lifeboat_iso(rows, i)) {
			job_set(&jobs[n++], JOB_DISK, r->dev, r->fs.type);
			break;
		}
	}
	for (int i = 0; i < o->run_count && n < max; i++)
		job_set(&jobs[n++], is_url(o->run[i]) ? JOB_URL : JOB_INLINE,
			o->run[i], "");
	return n;
}

static const char *kind_word(enum job_kind k)
{
	switch (k) {
	case JOB_FWCFG:
		return "fw_cfg";
	case JOB_DISK:
		return "disk";
	case JOB_URL:
		return "url";
	case JOB_INLINE:
		return "inline";
	}
	return "?";
}

static const char *then_word(const struct lb_options *o)
{
	return o->then[0] ? o->then : "shell";
}

int jobs_write_queue(const char *path, const struct lb_options *o,
		     const struct job *jobs, int n)
{
	FILE *f = fopen(path, "we");
	int err;

	if (!f)
		return -1;
	(void)fprintf(f, "then %s\ntimeout %ld\n", then_word(o),
		      jobs_timeout_seconds(o->timeout));
	for (int i = 0; i < n; i++)
		(void)fprintf(f, "job %s %s%s%s\n", kind_word(jobs[i].kind),
			      jobs[i].arg, jobs[i].fs[0] ? " " : "",
			      jobs[i].fs);
	err = ferror(f) ? EIO : 0;
	if (fclose(f) != 0 && !err)
		err = errno;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

void jobs_banner(char *buf, size_t size, const struct lb_options *o,
		 const struct job *jobs, int n)
{
	char from[80] = "";
	size_t len = 0;

	for (int i = 0; i < n; i++) {
		const char *w = jobs[i].kind == JOB_FWCFG ? "fw_cfg" :
				jobs[i].kind == JOB_DISK  ? "disk " JOBS_LABEL :
							    "lifeboat.run";

		if (i > 0 && jobs[i].kind >= JOB_URL &&
		    jobs[i - 1].kind >= JOB_URL)
			continue; /* one word for all of the boot line's */
		len += (size_t)snprintf(from + len, sizeof(from) - len, "%s%s",
					len ? ", " : "", w);
		if (len >= sizeof(from))
			break;
	}
	/* two lines within 80 columns */
	cut_fmt(buf, size,
		"Jobs: %d at boot (%s); then %s.\nRunning now: output here "
		"and in %s/N.log; the prompt is yours.",
		n, from, then_word(o), JOBS_DIR);
}

int jobs_parse_result(const char *text, struct job_result *r)
{
	char end;

	if (sscanf(text, "%d %d%c", &r->job, &r->status, &end) != 3 ||
	    end != '\n' || r->job < 1 || r->status < 0 || r->status > 255)
		return -1;
	return 0;
}

int jobs_read_result(const char *root, struct job_result *r)
{
	char path[256], text[64];

	if (!path_join(path, sizeof(path), root, JOBS_RESULT) ||
	    read_text(path, text, sizeof(text)) < 0)
		return -1;
	return jobs_parse_result(text, r);
}

int jobs_exit_value(int status)
{
	return status >= 0 && status < 128 ? status : JOB_STATUS_ABNORMAL;
}

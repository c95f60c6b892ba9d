/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jobs at boot (issue 20): scripts from QEMU's fw_cfg, from a disk labelled
 * LIFEBOAT, from a URL or the boot line itself, run in order once the disks
 * are named, beside the prompt. /init only decides what there is to run and
 * writes it down (JOBS_QUEUE); the runner script (JOBS_RUNNER), a child like
 * any other, fetches, mounts, runs and times the jobs, and leaves the result
 * (JOBS_RESULT) for /init's power off: the last console line and the exit
 * status QEMU's isa-debug-exit device hands to the host.
 */
#ifndef LB_JOBS_H
#define LB_JOBS_H

#include <stdbool.h>
#include <stddef.h>

#include "disktable.h"
#include "options.h"

#define JOBS_DIR "/run/lifeboat/jobs"
#define JOBS_QUEUE JOBS_DIR "/queue"
#define JOBS_RESULT JOBS_DIR "/result"
#define JOBS_RUNNER "/usr/libexec/lifeboat/jobs"
/* the filesystem label of the disk or partition holding a job */
#define JOBS_LABEL "LIFEBOAT"
/*
 * A disk whose iso9660 label starts so is Lifeboat's ISO (the medium, or a
 * copy): its EFI partition is labelled LIFEBOAT too and is no job's disk.
 */
#define JOBS_ISO_LABEL "LIFEBOAT_"
/* what fw_cfg names a job: -fw_cfg name=opt/lifeboat/run,file=job.sh */
#define FWCFG_RUN "opt/lifeboat/run"
/* fw_cfg, the disk, and every lifeboat.run= */
#define JOBS_MAX (LB_JOBS_MAX + 2)
/* the longest lifeboat.timeout=: 7 days */
#define JOBS_TIMEOUT_MAX (7L * 24 * 3600)

/*
 * isa-debug-exit (x86): QEMU exits with (value << 1) | 1 for a byte written
 * to its port; 0x501 is the device's default iobase.
 */
#define ISA_DEBUG_EXIT_PORT 0x501
/* the status of a job lifeboat.timeout= ended, as coreutils' timeout */
#define JOB_STATUS_TIMEOUT 124
/* a status of 128 or more (a signal, by the shell's convention) */
#define JOB_STATUS_ABNORMAL 125

enum job_kind { JOB_FWCFG, JOB_DISK, JOB_URL, JOB_INLINE };

struct job {
	enum job_kind kind;
	/* fw_cfg: its sysfs file; disk: the node's name; url; the command */
	char arg[LB_JOB_SIZE];
	char fs[24]; /* disk: the filesystem type */
};

/* What the runner says ended the run: job N (from 1) with exit status S. */
struct job_result {
	int job;
	int status;
};

bool jobs_then_valid(const char *v, size_t len);
bool jobs_timeout_valid(const char *v, size_t len);
/* Seconds of a valid lifeboat.timeout= value; 0 for none ("" or 0). */
long jobs_timeout_seconds(const char *v);

/*
 * The jobs of this boot, in their order: fw_cfg's (when fwcfg_file is not
 * NULL), the first disk or partition labelled LIFEBOAT of the rows (vfat,
 * ext2/3/4; not on a Lifeboat ISO), then each lifeboat.run= (a URL when it starts with http:// or
 * https://, else a command). Returns how many.
 */
int jobs_plan(const struct lb_options *o, const char *fwcfg_file,
	      const struct disk_row *rows, int nrows, struct job *jobs,
	      int max);

/* The runner's queue: "then WHAT", "timeout SECONDS", a "job KIND ARG" a line. */
int jobs_write_queue(const char *path, const struct lb_options *o,
		     const struct job *jobs, int n);

/* The banner's line about the jobs. */
void jobs_banner(char *buf, size_t size, const struct lb_options *o,
		 const struct job *jobs, int n);

/* "N S\n", the runner's result file: 0, or -1 when it is not that. */
int jobs_parse_result(const char *text, struct job_result *r);
/* ROOT/JOBS_RESULT: 0, or -1 when there is none (no job ran). */
int jobs_read_result(const char *root, struct job_result *r);

/* The byte for isa-debug-exit: the status below 128, else 125. */
int jobs_exit_value(int status);

#endif

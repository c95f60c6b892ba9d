// SPDX-License-Identifier: GPL-2.0
#include "jobstep.h"
#include "fwcfg.h"
#include "jobs.h"
#include "log.h"
#include "steps.h"
#include "util.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

int step_firmware(struct lb_context *ctx)
{
	fwcfg_options(&ctx->opts, ctx->root);
	return 0;
}

int step_jobs(struct lb_context *ctx)
{
	static struct job jobs[JOBS_MAX];
	struct boot_state *st = &ctx->state;
	char fwcfg[256], path[256];
	const char *fw = NULL;
	int n;

	if (fwcfg_has(ctx->root, FWCFG_RUN) &&
	    fwcfg_path(fwcfg, sizeof(fwcfg), "", FWCFG_RUN))
		fw = fwcfg;
	n = jobs_plan(&ctx->opts, fw, st->rows, st->row_count, jobs, JOBS_MAX);
	if (n == 0)
		return 0;
	if (!path_join(path, sizeof(path), ctx->root, JOBS_DIR) ||
	    (mkdir(path, 0700) < 0 && errno != EEXIST) ||
	    !path_join(path, sizeof(path), ctx->root, JOBS_QUEUE) ||
	    jobs_write_queue(path, &ctx->opts, jobs, n) < 0) {
		lb_warn("cannot write " JOBS_QUEUE ": %s; no job runs",
			strerror(errno));
		return -1;
	}
	jobs_banner(st->jobs, sizeof(st->jobs), &ctx->opts, jobs, n);
	lb_info("%d job(s) at boot", n);
	return spawn_background(ctx->root, JOBS_RUNNER);
}

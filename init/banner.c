#include "banner.h"
#include "disktable.h"
#include "jobs.h"

/* The boot's jobs: what runs, or, for a shell started later, how it ended. */
static void banner_jobs(FILE *out, const char *root,
			const struct boot_state *st)
{
	struct job_result r;

	if (!st->jobs[0])
		return;
	if (jobs_read_result(root, &r) == 0)
		(void)fprintf(out,
			      "\nJobs: done; the result: job %d exited %d "
			      "(output in %s/N.log)\n",
			      r.job, r.status, JOBS_DIR);
	else
		(void)fprintf(out, "\n%s\n", st->jobs);
}

void banner_print(FILE *out, const char *root, const struct boot_state *st,
		  bool boot_table)
{
	/* console text: a failed write has no one to be told to */
	(void)fprintf(out, "\nWelcome to Lifeboat! (version %s)\n\n",
		      LIFEBOAT_VERSION);
	banner_disks(out, root, st, boot_table);
	if (st->network[0])
		(void)fprintf(out, "\n%s\n", st->network);
	banner_jobs(out, root, st);
	(void)fprintf(out, "\nType 'lifeboat' for the rescue guide; "
			   "'poweroff' when done.\n\n");
}

void banner_disks(FILE *out, const char *root, const struct boot_state *st,
		  bool boot_table)
{
	if (boot_table && st->disk_table)
		(void)fputs(st->disk_table, out);
	else
		disktable_print(out, root, st->medium_id);
}

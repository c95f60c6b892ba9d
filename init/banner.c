#include "banner.h"
#include "disktable.h"

void banner_print(FILE *out, const char *root, const struct boot_state *st,
		  bool boot_table)
{
	/* console text: a failed write has no one to be told to */
	(void)fprintf(out, "\nWelcome to Lifeboat! (version %s)\n\n",
		      LIFEBOAT_VERSION);
	banner_disks(out, root, st, boot_table);
	if (st->network[0])
		(void)fprintf(out, "\n%s\n", st->network);
	if (st->jobs[0])
		(void)fprintf(out, "\n%s\n", st->jobs);
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

#include "banner.h"
#include "disktable.h"
#include "util.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void banner_print(FILE *out)
{
	/* console text: a failed write has no one to be told to */
	(void)fprintf(out, "\nWelcome to Lifeboat! (version %s)\n\n",
		      LIFEBOAT_VERSION);
	banner_disks(out);
	if (banner_network[0])
		(void)fprintf(out, "\n%s\n", banner_network);
	(void)fprintf(out, "\nType 'lifeboat' for the rescue guide; "
			   "'poweroff' when done.\n\n");
}

char banner_medium_id[64];
char banner_network[160];

static char *cached_disks;

void banner_cache_disks(const char *root, const struct disk *disks, int n)
{
	banner_forget_disks();
	cached_disks = disktable_text(root, disks, n);
}

void banner_forget_disks(void)
{
	free(cached_disks);
	cached_disks = NULL;
}

void banner_disks_at(FILE *out, const char *root)
{
	if (cached_disks)
		(void)fputs(cached_disks, out);
	else
		disktable_print(out, root, banner_medium_id);
}

void banner_disks(FILE *out)
{
	banner_disks_at(out, "");
}

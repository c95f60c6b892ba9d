/*
 * /proc/self/mounts text into the shutdown plan (shutdown_plan, with it
 * mounts_unescape), and the disk table's reading of the same file
 * (disktable_mountpoint, through a file under a temp root). The first byte
 * picks how many steps fit, so that the "more mounts than room" path runs.
 */
#include "disktable.h"
#include "fuzz.h"
#include "procmounts.h"
#include "util.h"
#include "umount.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];
static char mounts_path[128];

static void cleanup(void)
{
	char path[160];

	unlink(mounts_path);
	if (path_join(path, sizeof(path), root, "/proc/self"))
		rmdir(path);
	if (path_join(path, sizeof(path), root, "/proc"))
		rmdir(path);
	rmdir(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[128];
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	/* a harness that cannot build its paths tests nothing: stop */
	if (!path_fmt(root, sizeof(root), "%s/lifeboat-fuzz-mounts.%d",
		      access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm",
		      (int)getpid()) ||
	    !path_join(dir, sizeof(dir), root, "/proc/self"))
		abort();
	mkdir(root, 0700);
	if (!path_join(mounts_path, sizeof(mounts_path), root, "/proc"))
		abort();
	mkdir(mounts_path, 0700);
	mkdir(dir, 0700);
	if (!path_join(mounts_path, sizeof(mounts_path), dir, "/mounts"))
		abort();
	(void)atexit(cleanup); /* without it, only a temp dir is left */
	return 0;
}

static void check_plan(const char *text, int max)
{
	static struct umount_step steps[UMOUNT_STEPS_MAX];
	int n = shutdown_plan(text, steps, max, NULL);

	if (n < 0 || n > max)
		abort();
	for (int i = 0; i < n; i++) {
		FUZZ_TERMINATED(steps[i].target);
		FUZZ_TERMINATED(steps[i].fstype);
		if (steps[i].target[0] != '/')
			abort();
		/* nothing below a mount may come after it */
		for (int j = i + 1; j < n; j++) {
			size_t l = strlen(steps[i].target);

			if (strcmp(steps[i].target, "/") &&
			    !strncmp(steps[j].target, steps[i].target, l) &&
			    steps[j].target[l] == '/')
				abort();
		}
	}
}

static void check_mountpoint(const uint8_t *data, size_t size)
{
	char buf[64];
	FILE *f = fopen(mounts_path, "w");

	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	disktable_mountpoint(root, "sda", buf, sizeof(buf));
	FUZZ_TERMINATED(buf);
	disktable_mountpoint(root, "sda1", buf, 3);
	if (strlen(buf) >= 3)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	char one[8];
	int max = UMOUNT_STEPS_MAX;

	if (size > 0 && data[0] < 8)
		max = data[0];
	text = fuzz_cstring(data, size);
	check_plan(text, max);
	mounts_unescape(one, sizeof(one), text, strlen(text));
	mounts_unescape(one, 0, text, strlen(text));
	check_mountpoint(data, size);
	free(text);
	return 0;
}

/*
 * Small /sys texts: the console list (console_parse of
 * /sys/class/tty/console/active) and a SCSI address (disks_slot_from_hctl
 * of a /sys/block/X/device link's name).
 */
#include "console.h"
#include "disks.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char names[CONSOLES_MAX][CONSOLE_NAME_SIZE];
	char *text = fuzz_cstring(data, size);
	int max = size > 0 ? data[0] % (CONSOLES_MAX + 1) : CONSOLES_MAX;
	int n = console_parse(text, names, max);
	int slot;

	if (n < 0 || n > max)
		abort();
	for (int i = 0; i < n; i++) {
		FUZZ_TERMINATED(names[i]);
		if (!names[i][0])
			abort();
		for (int j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				abort();
		console_term(names[i]);
	}
	slot = disks_slot_from_hctl(text);
	if (slot < -1 || slot >= DISK_SLOTS)
		abort();
	free(text);
	return 0;
}

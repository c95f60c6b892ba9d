/*
 * Disk bytes, as the disk table's probe reads them from a device: the LVM2
 * label, PV header, mda header and metadata text (lvm2.c), a LUKS2 header
 * and its JSON area (luks2.c), md superblocks (mdraid.c), and the notes
 * made of them (disknote.c). The input is the device; it is also given to
 * the JSON parser whole, since a JSON area past 4 KiB is beyond -max_len.
 */
#include "disknote.h"
#include "fuzz.h"
#include "luks2.h"
#include "lvm2.h"
#include "mdraid.h"

#include <stdio.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	return 0;
}

static void note_as(const char *type, const char *version,
		    const struct ondisk *d)
{
	struct disk_fs fs;
	struct disknote_in in = { version, 0, 256 * 1024 };

	memset(&fs, 0, sizeof(fs));
	(void)snprintf(fs.type, sizeof(fs.type), "%s", type);
	disknote_make(&fs, d, &in);
	FUZZ_TERMINATED(fs.note);
	FUZZ_TERMINATED(fs.label);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ondisk_mem m = { data, size };
	struct ondisk d = { ondisk_mem_read, &m };
	char vg[LVM2_VG_NAME_MAX + 1];
	struct luks2_kdf kdf;
	struct md_info md;
	char *json;

	if (!lvm2_vg_name(&d, vg, sizeof(vg)) && !vg[0])
		abort(); /* a name is never empty */
	if (luks2_argon2(&d, &kdf) == 1)
		FUZZ_TERMINATED(kdf.type);
	(void)md_superblock(&d, 0, &md);
	(void)md_superblock(&d, 4096, &md);
	note_as("LVM2_member", "", &d);
	note_as("crypto_LUKS", "2", &d);
	note_as("linux_raid_member", "1.2", &d);
	/* the JSON parser on its own, also on text without a NUL */
	json = malloc(size ? size : 1);
	if (!json)
		abort();
	memcpy(json, data, size);
	if (luks2_json_argon2(json, size, &kdf) == 1) {
		FUZZ_TERMINATED(kdf.type);
		if (strncmp(kdf.type, "argon2", 6))
			abort();
	}
	free(json);
	return 0;
}

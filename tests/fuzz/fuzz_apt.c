/*
 * What apt reads from a mirror: a clearsigned Release (clearsign_text,
 * release_parse) and a Packages index with its dependency fields (db_add_text,
 * dep_next_group, the resolver over it).
 */
#include "deps.h"
#include "fuzz.h"
#include "pkgdb.h"
#include "release.h"
#include "resolve.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	char *copy = fuzz_cstring(data, size);
	struct release r;
	struct db db;
	struct plan plan;
	long n = clearsign_text(text, strlen(text));
	FILE *null = fopen("/dev/null", "w");

	if (n > (long)size)
		abort();
	if (release_parse(n >= 0 ? text : copy, &r) == 0) {
		for (size_t i = 0; i < r.nfiles; i++)
			FUZZ_TERMINATED(r.files[i].path);
		release_free(&r);
	}
	free(text);
	db_init(&db, "amd64");
	if (db_add_text(&db, copy, 0) == 0) {
		for (size_t i = 0; i < db.n; i++) {
			int want = (int)i;

			if (resolve_install(&db, &want, 1, &plan, null) == 0 &&
			    plan.n > db.n)
				abort();
			plan_free(&plan);
			if (i > 8)
				break;
		}
	}
	db_free(&db);
	(void)fclose(null);
	return 0;
}

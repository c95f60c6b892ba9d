/*
 * Shared by the libFuzzer targets: a NUL-terminated copy of the input (the
 * parsers read C strings, as /init gets them from read_text) and a quiet
 * log, so that a million warnings cost nothing and print nothing.
 */
#ifndef LB_FUZZ_H
#define LB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop buffering log lines; no sink is attached, so nothing is written. */
static inline void fuzz_quiet_log(void)
{
	log_seal();
}

/* data as a malloc'd C string; an embedded NUL ends it, as in a file. */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A bounded C string must be terminated within its array. */
#define FUZZ_TERMINATED(arr) \
	((void)(memchr((arr), '\0', sizeof(arr)) ? 0 : (abort(), 0)))

#endif

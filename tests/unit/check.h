/*
 * The smallest test harness that does the job: every CHECK counts, every
 * failure prints one line, and check_done() prints "N passed, M failed" and
 * gives the exit status. No framework, so the tests build wherever /init
 * builds.
 */
#ifndef LB_CHECK_H
#define LB_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                   \
	do {                                                          \
		if (cond) {                                           \
			check_passed++;                               \
		} else {                                              \
			check_failed++;                               \
			printf("%s:%d: CHECK(%s) failed\n", __FILE__, \
			       __LINE__, #cond);                      \
		}                                                     \
	} while (0)

#define CHECK_INT(got, want)                                               \
	do {                                                               \
		long long g_ = (long long)(got), w_ = (long long)(want);   \
		if (g_ == w_) {                                            \
			check_passed++;                                    \
		} else {                                                   \
			check_failed++;                                    \
			printf("%s:%d: %s is %lld, want %lld\n", __FILE__, \
			       __LINE__, #got, g_, w_);                    \
		}                                                          \
	} while (0)

#define CHECK_STR(got, want)                                                   \
	do {                                                                   \
		const char *g_ = (got), *w_ = (want);                          \
		if (g_ && w_ && !strcmp(g_, w_)) {                             \
			check_passed++;                                        \
		} else {                                                       \
			check_failed++;                                        \
			printf("%s:%d: %s is \"%s\", want \"%s\"\n", __FILE__, \
			       __LINE__, #got, g_ ? g_ : "(null)",             \
			       w_ ? w_ : "(null)");                            \
		}                                                              \
	} while (0)

static inline int check_done(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif

/*
 * The boot log. Every step is logged with milliseconds since boot to
 * /run/lifeboat/boot.log and /dev/kmsg; warnings and errors also go to the
 * console, which otherwise stays quiet. Lines logged before the sinks exist
 * (/dev and /run are mounted by /init itself) are kept in a fixed buffer and
 * replayed when a sink is attached.
 *
 * Callers pass the message without a prefix: lb_warn("no %s", x) logs
 * "init: warning: no x".
 */
#ifndef LB_LOG_H
#define LB_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "warn.h"

enum lb_level { LB_INFO, LB_WARN, LB_ERROR };

void lb_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* lb_warn: common/warn.h, defined in log.c */
void lb_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Open a sink and replay what was logged before; 0 or -1/errno. */
int log_attach_file(const char *path);
int log_attach_kmsg(const char *path);
/* Warnings and errors are written to fd (-1: nowhere, the default). */
void log_set_console(int fd);
/* Info lines to the console too (lifeboat.debug). */
void log_set_verbose(bool verbose);
/* Stop buffering: once every sink is attached the buffer only costs time. */
void log_seal(void);

/*
 * "[  123 ms] init: warning: msg\n" into buf, truncated to fit; returns the
 * length written.
 */
size_t log_format(char *buf, size_t size, int64_t ms, enum lb_level level,
		  const char *msg);

/* For tests and for the decision whether a step "went fine". */
unsigned int log_count(enum lb_level level);
const char *log_last(void);
void log_reset(void);

#endif

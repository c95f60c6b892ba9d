/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one way the shared code warns. Each program that links common/
 * defines it with its own prefix and sinks: /init's log (init/log.c: boot
 * log, kmsg, console as "init: warning: ..."), the applet's stderr
 * (applets/warn.c: "lifeboat: warning: ...").
 */
#ifndef LB_WARN_H
#define LB_WARN_H

void lb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

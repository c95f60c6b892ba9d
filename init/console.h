/*
 * The consoles: which ones the kernel has (/sys/class/tty/console/active),
 * what TERM each one gets, and turning a forked child into a login shell on
 * one of them.
 */
#ifndef LB_CONSOLE_H
#define LB_CONSOLE_H

#include <stdbool.h>
#include <termios.h>

#include "state.h"

#define CONSOLE_NAME_SIZE 32
#define CONSOLES_MAX 8

/*
 * The console names in text (the contents of console/active, e.g.
 * "tty0 ttyS0\n") into names, in order, without duplicates. tty0 means "the
 * current virtual terminal" and becomes tty1, as in systemd's getty
 * generator. Names that are not plain device names are skipped. Returns
 * the count; 0 if none is usable.
 */
int console_parse(const char *text, char names[][CONSOLE_NAME_SIZE], int max);

/*
 * console_parse of root/sys/class/tty/console/active; if that is missing or
 * names nothing, the one console "console" (/dev/console). Returns >= 1.
 */
int console_list(const char *root, char names[][CONSOLE_NAME_SIZE], int max);

/* TERM for a console: vt102 for serial lines, linux for virtual terminals */
const char *console_term(const char *name);

/* Line settings a fresh shell can rely on, whatever the last one left. */
void tty_make_sane(struct termios *t);

/*
 * In a freshly forked child: own session, name as controlling tty on fds
 * 0-2, the banner from what the boot learnt (boot_table: see banner.h),
 * then exec /bin/sh -l as root. Never returns.
 */
_Noreturn void console_exec_shell(const char *name, const struct boot_state *st,
				  bool boot_table);

#endif

// SPDX-License-Identifier: GPL-2.0
/* The shared code's warnings (common/warn.h), as the applet says them. */
#include <stdarg.h>
#include <stdio.h>

#include "warn.h"

void lb_warn(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	/* one line, one write; a cut warning still says what failed */
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* stderr: a warning that cannot be written has no one to tell */
	(void)fprintf(stderr, "lifeboat: warning: %s\n", msg);
}

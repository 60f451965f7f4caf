/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every command shares: the one way errors are printed. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "cmd.h"

void di_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("dmainspect: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

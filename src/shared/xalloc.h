/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Allocation with one out-of-memory policy: these never return NULL (for a
 * non-zero size). When memory runs out they call the handler the command
 * layer installed with xalloc_set_failure() (main.c prints
 * "dmainspect: out of memory" and exits), else abort(). A half-built model
 * would give a wrong answer, so nothing tries to carry on without memory.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

void xalloc_set_failure(void (*fn)(void));
void xalloc_fail(void) __attribute__((noreturn));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* reallocarray that never fails: n * size overflowing is out of memory too. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

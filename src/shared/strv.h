/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A growing vector of owned strings. Adding never fails (see xalloc.h). */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct strv {
	char **v;
	size_t n;
};

void strv_add(struct strv *sv, const char *s);
void strv_addf(struct strv *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strv_vaddf(struct strv *sv, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void strv_free(struct strv *sv);
/* Sort sv->v[from..] by strcmp(). */
void strv_sort(struct strv *sv, size_t from);
bool strv_contains(const struct strv *sv, const char *s);

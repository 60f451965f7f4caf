/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Minimal TAP producer for the unit tests. */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;
/*
 * While set, the checks that follow are TODO (a known bug, the reason said):
 * a failure is reported (XFAIL) without failing the program, and a pass
 * shows up as XPASS, which fails 'make check' until the TODO goes.
 */
static const char *tap_todo;

#define ok(cond, ...)                                                         \
	do {                                                                  \
		int _c = !!(cond);                                            \
		printf("%sok %d - ", _c ? "" : "not ", ++tap_n);              \
		printf(__VA_ARGS__);                                          \
		if (tap_todo)                                                 \
			printf(" # TODO %s", tap_todo);                       \
		printf("\n");                                                 \
		if (!_c) {                                                    \
			if (!tap_todo)                                        \
				tap_failed++;                                 \
			printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                             \
	} while (0)

#define is_int(got, want, ...)                                                \
	do {                                                                  \
		long long _g = (got), _w = (want);                            \
		ok(_g == _w, __VA_ARGS__);                                    \
		if (_g != _w)                                                 \
			printf("#   got %lld, want %lld\n", _g, _w);          \
	} while (0)

#define is_str(got, want, ...)                                                \
	do {                                                                  \
		const char *_g = (got), *_w = (want);                         \
		int _e = (_g && _w) ? strcmp(_g, _w) == 0 : _g == _w;         \
		ok(_e, __VA_ARGS__);                                          \
		if (!_e)                                                      \
			printf("#   got '%s', want '%s'\n", _g ? _g : "(null)", _w ? _w : "(null)"); \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

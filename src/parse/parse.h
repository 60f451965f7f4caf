/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pure parsers of kernel text that fill the model directly: no I/O, text
 * in, values out, so that the collectors, the unit tests and the fuzz
 * targets (tests/fuzz/) call them alike. The kernel log's parsers are in
 * kmsg.h, the dma-buf ones in dmabuf-parse.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Parse a kernel command line into c (whose raw is left alone). */
int cmdline_parse(const char *s, struct di_cmdline *c);

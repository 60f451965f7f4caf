/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The report bundle: what collect gathered and how it is written (report.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "bundle.h"
#include "cmd.h"
#include "report-redact.h"

#define MAX_COMMANDS 16

struct report_opts {
	const char *output;
	bool no_redact;
	uint64_t max_size;
};

/* One command's run. */
struct report_state {
	const struct report_opts *opts;
	long long start_ms;
	bool tty;
	time_t created;
	struct rfs_record *rec;
	struct captured cmds[MAX_COMMANDS];
	size_t n_cmds;
	struct redactor redactor;
	size_t n_failed;	/* reads that failed (not ENOENT) */
	char **left_out;	/* files dropped for the size cap */
	size_t n_left_out;
	uint64_t bytes;		/* uncompressed bytes written */
};

/* Write the bundle's members; returns 0 or -errno. */
int report_write(struct report_state *st, struct di_ctx *ctx, struct bundle_out *b);
/* On stderr: what could not be collected, what was left out. */
void report_print_notes(const struct report_state *st);
void report_print_json(const struct report_state *st, const char *file);
void report_state_free(struct report_state *st);

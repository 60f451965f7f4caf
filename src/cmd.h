/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "model.h"
#include "render/render.h"
#include "rootfs.h"

enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,		/* bad command line */
	EXIT_NOTHING = 2,	/* nothing could be inspected or written */
	EXIT_PARTIAL = 3,	/* some arguments failed, the rest printed */
};

struct di_ctx {
	struct rootfs root;
	struct render_opts ro;
	const char *sysroot;
	/* The command table, in order; NULL past its end (for report, which runs the others). */
	const struct command *(*command_at)(size_t i);
};

/* A command-specific option; drives getopt, --help and the completion test. */
struct cmd_option {
	const char *name;
	int short_name;		/* 0 for none */
	const char *arg;	/* NULL: takes no argument */
	const char *help;
};

struct command {
	const char *name;
	const char *args;	/* synopsis of the arguments after the options */
	const char *summary;
	const char *description;
	const struct cmd_option *options;	/* ends with { NULL } */
	/* Extra --help text (e.g. the field list). */
	void (*help_extra)(FILE *out);
	/* Options come as (short or 256+index, optarg); NULL without options. */
	int (*option)(struct di_ctx *ctx, int opt, const char *arg);
	/* argv[0] is the command name, then the operands. */
	int (*run)(struct di_ctx *ctx, int argc, char **argv);
	/*
	 * Operands after "--" are a program to run: option parsing stops
	 * there and run() gets the "--" among its operands.
	 */
	bool takes_program;
	/* Reads only the running kernel, for a time: no --sysroot, not in report. */
	bool live_only;
	/* Prints a format of its own, never JSON: --json is refused, not in report. */
	bool text_only;
	/* Exits as diff(1): 0 the same, 1 different, 2 trouble (a bad command line too). */
	bool diff_status;
};

/* "dmainspect: ..." on stderr, after what stdout holds so far (cmd.c). */
void di_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Keep only the devices NAMES name (sysfs name, sysfs path or DRM node);
 * "CMD: NAME: no such device" for each that names none, counted in *missing.
 */
void select_devices(struct di_system *sys, int n_names, char **names, const char *cmd,
		    int *missing);

/* One command's output, run with --json and kept in memory. */
struct captured {
	const struct command *cmd;
	bool skipped;		/* needs an operand */
	int status;
	char *json;
	size_t json_len;
	char *messages;		/* what it printed on stderr */
	size_t messages_len;
};

/* Run C with --json, its stdout and stderr kept in CAP. Returns 0 or -errno. */
int run_captured(struct di_ctx *ctx, const struct command *c, struct captured *cap);

/*
 * Collect the system, draw the conclusions and advise each device; on
 * failure say "CMD: why", free SYS and return -errno.
 */
int collect_advised(struct di_ctx *ctx, const char *cmd, struct di_system *sys);

/* Run of a command without operands: collect, conclude, advise, render; an exit status. */
int run_system_command(struct di_ctx *ctx, int argc, char **argv,
		       int (*render)(const struct di_system *, const struct render_opts *));

extern const struct command cmd_list;
extern const struct command cmd_iommu;
extern const struct command cmd_swiotlb;
extern const struct command cmd_buf;
extern const struct command cmd_bufs;
extern const struct command cmd_advise;
extern const struct command cmd_report;
extern const struct command cmd_trace;
extern const struct command cmd_metrics;
extern const struct command cmd_diff;


// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dmainspect: inspect a Linux system's DMA configuration and its dma-bufs.
 *
 * The command table below drives dispatch and --help. Global options are
 * accepted anywhere on the command line, before or after the command.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "cmd.h"

static const struct command *const commands[] = {
	&cmd_list,
	&cmd_iommu,
	&cmd_swiotlb,
	&cmd_buf,
	&cmd_bufs,
	&cmd_advise,
	&cmd_report,
	&cmd_trace,
	&cmd_metrics,
	&cmd_diff,
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *command_at(size_t i)
{
	return i < N_COMMANDS ? commands[i] : NULL;
}

static const struct {
	const char *name;
	int short_name;
	const char *arg;
	const char *help;
} global_options[] = {
	{ "json", 0, NULL, "print JSON (schema: dmainspect.schema.json)" },
	{ "sysroot", 0, "DIR", "inspect a captured tree or report bundle, not this system" },
	{ "color", 0, "WHEN", "colour: auto (default), always or never" },
	{ "help", 'h', NULL, "show help and exit" },
	{ "version", 'V', NULL, "show the version and built-in features, and exit" },
};


static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static void print_globals(FILE *out)
{
	fprintf(out, "\nGlobal options (before or after the command):\n");
	for (size_t i = 0; i < sizeof(global_options) / sizeof(global_options[0]); i++) {
		char left[64];

		snprintf(left, sizeof(left), "%s%c%s--%s%s%s",
			 global_options[i].short_name ? "-" : "",
			 global_options[i].short_name ? global_options[i].short_name : ' ',
			 global_options[i].short_name ? ", " : "  ", global_options[i].name,
			 global_options[i].arg ? "=" : "",
			 global_options[i].arg ? global_options[i].arg : "");
		fprintf(out, "  %-24s %s\n", left + (global_options[i].short_name ? 0 : 1),
			global_options[i].help);
	}
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: dmainspect [GLOBAL OPTIONS] [COMMAND] [ARGS]\n\n"
		     "Inspect the DMA configuration of a Linux system and its dma-bufs.\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-8s %-16s %s\n", commands[i]->name, commands[i]->args,
			commands[i]->summary);
	print_globals(out);
	fprintf(out, "\nRun 'dmainspect COMMAND --help' for a command's options; see dmainspect(1).\n");
}

static void command_usage(const struct command *c, FILE *out)
{
	fprintf(out, "Usage: dmainspect %s [OPTIONS]%s%s\n\n%s.\n", c->name, *c->args ? " " : "",
		c->args, c->summary);
	if (c->description)
		fprintf(out, "\n%s\n", c->description);
	if (c->options && c->options[0].name) {
		fprintf(out, "\nOptions:\n");
		for (const struct cmd_option *o = c->options; o->name; o++) {
			char left[64];

			if (o->short_name)
				snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
					 o->arg ? " " : "", o->arg ? o->arg : "");
			else
				snprintf(left, sizeof(left), "    --%s%s%s", o->name,
					 o->arg ? " " : "", o->arg ? o->arg : "");
			fprintf(out, "  %-24s %s\n", left, o->help);
		}
	}
	print_globals(out);
	if (c->help_extra)
		c->help_extra(out);
}

static int parse_color(const char *when, bool *color)
{
	const char *nc = getenv("NO_COLOR");

	if (!when || strcmp(when, "auto") == 0) {
		const char *term = getenv("TERM");

		*color = isatty(STDOUT_FILENO) && !(nc && *nc) && !(term && strcmp(term, "dumb") == 0);
	} else if (strcmp(when, "always") == 0) {
		*color = true;
	} else if (strcmp(when, "never") == 0) {
		*color = false;
	} else {
		return -EINVAL;
	}
	return 0;
}

/* A bad command line: status 1, or 2 ("trouble") for diff, whose 1 says the two differ. */
static int usage_status(const struct command *c)
{
	return c && c->diff_status ? EXIT_NOTHING : EXIT_USAGE;
}

/* Run the command's own option parser over its arguments. */
static int run_command(const struct command *c, struct di_ctx *ctx, int argc, char **argv)
{
	struct option longopts[32];
	char shortopts[64] = ":";
	size_t n = 0, s = 1;
	int opt, nopt = argc;

	for (const struct cmd_option *o = c->options; o && o->name && n < 31; o++, n++) {
		longopts[n] = (struct option){ o->name, o->arg ? required_argument : no_argument,
					       NULL, o->short_name ? o->short_name : 256 + (int)n };
		if (o->short_name && s < sizeof(shortopts) - 3) {
			shortopts[s++] = (char)o->short_name;
			if (o->arg)
				shortopts[s++] = ':';
		}
	}
	longopts[n] = (struct option){ 0 };
	/* A program to run ends the options at "--", which run() then sees. */
	for (int i = 1; c->takes_program && i < nopt; i++)
		if (strcmp(argv[i], "--") == 0)
			nopt = i;
	/* GNU getopt permutes: options may follow operands. */
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(nopt, argv, shortopts, longopts, NULL)) != -1) {
		if (opt == '?' || opt == ':') {
			if (optopt)
				di_err("%s: %s option '-%c'", c->name,
				       opt == ':' ? "missing argument for" : "unknown", optopt);
			else
				di_err("%s: unknown option '%s'", c->name, argv[optind - 1]);
			fprintf(stderr, "Try 'dmainspect %s --help'.\n", c->name);
			return usage_status(c);
		}
		if (!c->option || c->option(ctx, opt, optarg) < 0) {
			di_err("%s: invalid argument '%s' for '%s'", c->name, optarg ? optarg : "",
			       argv[optind - 1]);
			return usage_status(c);
		}
	}
	/* Operands start at optind; hand the command argv[0] plus operands. */
	argv[optind - 1] = argv[0];
	return c->run(ctx, argc - optind + 1, argv + optind - 1);
}

static int open_root(struct di_ctx *ctx)
{
	char why[512];
	int err;

	if (ctx->sysroot) {
		err = sysroot_open(ctx->sysroot, &ctx->root, why, sizeof(why));
		if (err < 0)
			di_err("--sysroot %s: %s", ctx->sysroot, why);
	} else {
		err = rfs_init(&ctx->root, "/");
		if (err < 0)
			di_err("--sysroot /: %s", di_strerror(err));
	}
	return err < 0 ? EXIT_NOTHING : EXIT_OK;
}

/* Like util-linux's close_stdout: a failed write is an error, not silence. */
static int close_stdout(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout) || (fclose(stdout) != 0 && errno != EBADF)) {
		if (errno == EPIPE)
			return status;
		di_err("write error: %s", strerror(errno ? errno : EIO));
		return status == EXIT_OK ? EXIT_NOTHING : status;
	}
	return status;
}

/* For __attribute__((cleanup)): every return path frees. */
static void freep(void *p)
{
	free(*(void **)p);
}

/* Out of memory anywhere (shared/xalloc.h): say so and stop, printing nothing more. */
static void out_of_memory(void)
{
	di_err("out of memory");
	_exit(EXIT_NOTHING);
}

/* The global options, pulled out wherever they are; the rest kept in order. */
struct globals {
	const struct command *cmd;
	const char *color;
	bool help, version;
	char **rest;		/* argv[0], then the command and its arguments */
	int nrest;
};

static int sysroot_option(struct di_ctx *ctx, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (a[9] == '=')
		ctx->sysroot = a + 10;
	else
		ctx->sysroot = *i + 1 < argc ? argv[++*i] : NULL;
	if (!ctx->sysroot || !*ctx->sysroot) {
		di_err("option '--sysroot' requires a directory");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int parse_globals(struct di_ctx *ctx, int argc, char **argv, struct globals *g)
{
	bool dashdash = false;

	g->rest = xcalloc((size_t)argc + 1, sizeof(char *));
	g->rest[0] = argv[0];
	g->nrest = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-' || a[1] == '\0') {
			g->rest[g->nrest++] = argv[i];
			if (!g->cmd && !dashdash && !(g->cmd = find_command(a))) {
				di_err("unknown command '%s'", a);
				fprintf(stderr, "Try 'dmainspect --help'.\n");
				return EXIT_USAGE;
			}
		} else if (strcmp(a, "--") == 0) {
			dashdash = true;
			g->rest[g->nrest++] = argv[i];
		} else if (strcmp(a, "--json") == 0) {
			ctx->ro.json = true;
		} else if (strcmp(a, "--sysroot") == 0 || strncmp(a, "--sysroot=", 10) == 0) {
			if (sysroot_option(ctx, argc, argv, &i) != EXIT_OK)
				return EXIT_USAGE;
		} else if (strcmp(a, "--color") == 0 || strncmp(a, "--color=", 8) == 0) {
			g->color = a[7] == '=' ? a + 8 : "always";
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			g->help = true;
		} else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			g->version = true;
		} else {
			g->rest[g->nrest++] = argv[i];	/* the command's own option */
		}
	}
	g->rest[g->nrest] = NULL;
	return EXIT_OK;
}

/* The command (list without one), its word moved to argv[0] of the command. */
static int command_argv(struct globals *g)
{
	int i;

	if (!g->cmd) {
		if (g->nrest > 1 && strcmp(g->rest[1], "--") != 0) {
			di_err("unknown option '%s'", g->rest[1]);
			fprintf(stderr, "Try 'dmainspect --help'.\n");
			return EXIT_USAGE;
		}
		g->cmd = &cmd_list;
		g->rest[0] = (char *)g->cmd->name;
		return EXIT_OK;
	}
	for (i = 1; i < g->nrest && strcmp(g->rest[i], g->cmd->name) != 0; i++)
		;
	memmove(&g->rest[i], &g->rest[i + 1], (size_t)(g->nrest - i) * sizeof(char *));
	g->nrest--;
	g->rest[0] = (char *)g->cmd->name;
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct di_ctx ctx = { .command_at = command_at };
	struct globals g = { 0 };
	char **rest __attribute__((cleanup(freep))) = NULL;
	int ret;

	xalloc_set_failure(out_of_memory);
	ret = parse_globals(&ctx, argc, argv, &g);
	rest = g.rest;
	if (ret != EXIT_OK)
		return ret == EXIT_USAGE ? usage_status(g.cmd) : ret;
	if (g.version) {
		printf("dmainspect %s\nfeatures: %s\n", PACKAGE_VERSION, DI_FEATURES);
		return close_stdout(EXIT_OK);
	}
	if (g.help) {
		if (g.cmd)
			command_usage(g.cmd, stdout);
		else
			usage(stdout);
		return close_stdout(EXIT_OK);
	}
	if (parse_color(g.color, &ctx.ro.color) < 0) {
		di_err("invalid --color value '%s' (auto, always or never)", g.color);
		return usage_status(g.cmd);
	}
	ret = command_argv(&g);
	if (ret != EXIT_OK)
		return ret == EXIT_USAGE ? usage_status(g.cmd) : ret;
	if (g.cmd->live_only && ctx.sysroot) {
		di_err("%s: reads the running kernel only; --sysroot cannot be used with it",
		       g.cmd->name);
		return usage_status(g.cmd);
	}
	if (g.cmd->text_only && ctx.ro.json) {
		di_err("%s: prints a text format of its own; --json does not apply", g.cmd->name);
		return usage_status(g.cmd);
	}
	ret = open_root(&ctx);
	if (ret != EXIT_OK)
		return ret;
	ret = run_command(g.cmd, &ctx, g.nrest, g.rest);
	rfs_fini(&ctx.root);
	return close_stdout(ret);
}

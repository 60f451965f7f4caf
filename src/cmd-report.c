// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dmainspect report: a bug-report bundle that replays with --sysroot.
 *
 * Every command of the table that needs no operand runs once, live, with
 * --json and with a recorder on the rooted reader (record.h): the files it
 * read become the bundle's sysroot/ tree, its output json/COMMAND.json.
 * Because the recorder serves every later read of a file from its first
 * read, all commands see one snapshot, and replaying the tree gives the
 * same JSON, apart from the fields the schema marks 'live'.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "cmd.h"
#include "record.h"
#include "report-redact.h"
#include "report.h"

#define DEFAULT_MAX_SIZE (64ull << 20)
#define MIN_MAX_SIZE (64ull << 10)
#define READ_TIMEOUT_MS 5000
#define PROGRESS_AFTER_MS 1000

static struct report_opts opts = { .max_size = DEFAULT_MAX_SIZE };

enum { OPT_NO_REDACT = 256 + 1, OPT_MAX_SIZE = 256 + 2 };

static const struct cmd_option report_options[] = {
	{ "output", 'o', "FILE", "write the bundle to FILE (default dmainspect-report-DATE.tar.xz)" },
	{ "no-redact", 0, NULL, "keep MAC addresses, serial numbers, host and user names" },
	{ "max-size", 0, "SIZE", "most uncompressed bytes in the bundle: 64M (K, M, G)" },
	{ NULL },
};

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (*end && strchr("KkMmGg", *end)) {
		shift = *end == 'K' || *end == 'k' ? 10 : *end == 'M' || *end == 'm' ? 20 : 30;
		end++;
	}
	if (*end || v > (BUNDLE_MAX_BYTES >> shift) || (v << shift) < MIN_MAX_SIZE)
		return -ERANGE;
	*out = v << shift;
	return 0;
}

static int report_option(struct di_ctx *ctx, int opt, const char *arg)
{
	switch (opt) {
	case 'o':
		opts.output = arg;
		return *arg ? 0 : -1;
	case OPT_NO_REDACT:
		opts.no_redact = true;
		return 0;
	case OPT_MAX_SIZE:
		return parse_size(arg, &opts.max_size) < 0 ? -1 : 0;
	}
	return -1;
}

static void report_help(FILE *out)
{
	fprintf(out, "\nThe bundle (.tar.xz) holds sysroot/ (the files the commands read, laid out as\n"
		     "on the system), json/COMMAND.json (each command's --json output) and a README.\n"
		     "Replay it with 'dmainspect --sysroot BUNDLE COMMAND'. SIZE is at most 512M.\n"
		     "Each file read is given %d s; one that blocks is noted as unreadable.\n",
		READ_TIMEOUT_MS / 1000);
}

/* "dmainspect: report: ..." when stderr is a terminal or the report takes a while. */
static void progress(const struct report_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void progress(const struct report_state *st, const char *fmt, ...)
{
	va_list ap;

	if (!st->tty && now_ms() - st->start_ms < PROGRESS_AFTER_MS)
		return;
	fputs("dmainspect: report: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A command needs an operand when its synopsis has one that is not in brackets. */
static bool needs_operand(const struct command *c)
{
	return c->args[0] && c->args[0] != '[';
}

static int collect(struct di_ctx *ctx, struct report_state *st)
{
	const struct rec_options ro = { .timeout_ms = READ_TIMEOUT_MS, .filter = report_filter };
	const struct command *c;
	int err = 0;

	st->rec = rec_new(&ro);
	rec_attach(&ctx->root, st->rec);
	for (size_t i = 0; (c = ctx->command_at(i)); i++) {
		struct captured *cap = &st->cmds[st->n_cmds];

		if (c == &cmd_report || c->live_only || c->text_only || st->n_cmds == MAX_COMMANDS)
			continue;
		st->n_cmds++;
		cap->cmd = c;
		if (needs_operand(c)) {
			cap->skipped = true;
			continue;
		}
		progress(st, "collecting %s...", c->name);
		err = run_captured(ctx, c, cap);
		if (err < 0)
			break;
	}
	rec_attach(&ctx->root, NULL);
	return err;
}

static void default_name(char *buf, size_t cap)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, cap, "dmainspect-report-%Y%m%d-%H%M%S.tar.xz", &tm);
}

static void print_summary(const struct report_state *st, const char *file, bool json)
{
	if (!json) {
		printf("%s\n", file);
		return;
	}
	report_print_json(st, file);
}

static int report_run(struct di_ctx *ctx, int argc, char **argv)
{
	struct report_state st = { .opts = &opts, .start_ms = now_ms(),
				   .tty = isatty(STDERR_FILENO) == 1, .created = time(NULL) };
	struct bundle_out b;
	char name[PATH_MAX], why[512];
	int err, ret = EXIT_OK;

	if (argc > 1) {
		di_err("report: unexpected argument '%s'", argv[1]);
		return EXIT_USAGE;
	}
	if (!opts.output)
		default_name(name, sizeof(name));
	else
		snprintf(name, sizeof(name), "%s", opts.output);
	/* Fail before collecting when the bundle cannot be written. */
	err = bundle_create(&b, name, st.created, why, sizeof(why));
	if (err < 0) {
		di_err("report: %s: %s", name, why);
		return EXIT_NOTHING;
	}
	err = collect(ctx, &st);
	if (!err) {
		progress(&st, "writing %s...", name);
		err = report_write(&st, ctx, &b);
	}
	if (err < 0) {
		bundle_abort(&b);
		di_err("report: %s: %s", name, di_strerror(err));
		ret = EXIT_NOTHING;
	} else if ((err = bundle_commit(&b)) < 0) {
		di_err("report: %s: %s", name, strerror(-err));
		ret = EXIT_NOTHING;
	} else {
		report_print_notes(&st);
		print_summary(&st, name, ctx->ro.json);
		if (st.n_left_out)
			ret = EXIT_PARTIAL;
	}
	report_state_free(&st);
	return ret;
}

const struct command cmd_report = {
	.name = "report",
	.args = "",
	.summary = "bug-report bundle that replays with --sysroot",
	.description = "Runs every command that needs no operand (buf is covered by bufs) with --json\n"
		       "and bundles what they printed with exactly the files they read, laid out\n"
		       "so that 'dmainspect --sysroot BUNDLE COMMAND' replays it. MAC addresses,\n"
		       "serial numbers, the host name and user names are replaced by placeholders\n"
		       "unless --no-redact is given. Nothing is written but the bundle, which\n"
		       "appears atomically. Prints the bundle's name.",
	.options = report_options,
	.help_extra = report_help,
	.option = report_option,
	.run = report_run,
};

// SPDX-License-Identifier: LGPL-2.1-or-later
/* dmainspect trace: the DMA API's activity per device, counted from the kernel's tracepoints. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "collect/collect.h"
#include "collect/trace.h"
#include "render/render-trace.h"
#include "shared/util.h"

/* How often the buffers are read, and the live view's period. */
#define READ_EVERY_MS 100
#define VIEW_EVERY_MS 1000
/*
 * Ring buffer per CPU. Read every 100 ms, a CPU's buffer must hold what it
 * records in that time: 4 MiB is about 50,000 dma_map_sg events of a
 * busy device (80 bytes each with a short list), 500,000 a second per CPU.
 */
#define BUFFER_KB 4096
#define SECONDS_MAX (7 * 24 * 3600)

static long long opt_seconds = -1;
static volatile sig_atomic_t stop_signal;

static const struct cmd_option trace_options[] = {
	{ "seconds", 's', "N", "count for N seconds (default: until Ctrl-C, or while COMMAND runs)" },
	{ NULL },
};

static int trace_option(struct di_ctx *ctx, int opt, const char *arg)
{
	char *end;

	(void)ctx;
	if (opt != 's')
		return -EINVAL;
	errno = 0;
	opt_seconds = strtoll(arg, &end, 10);
	if (errno || end == arg || *end || opt_seconds < 1 || opt_seconds > SECONDS_MAX)
		return -EINVAL;
	return 0;
}

static void trace_help(FILE *out)
{
	fprintf(out,
		"\nNeeds root (a tracefs instance is made, named dmainspect-PID, and removed on\n"
		"exit). Counts per device: maps and unmaps by kind (page, sg, resource), bytes\n"
		"mapped, map errors, syncs for the CPU and for the device, coherent allocations\n"
		"and frees (dma: events, 6.12 and later); SWIOTLB bounces (every kernel); IOMMU\n"
		"faults; dma-buf exports, attaches, detaches and mmaps per exporter (7.x).\n"
		"With COMMAND, its exit status is trace's.\n"
		"\nCount fields (JSON keys of \"counts\" and \"rates\"):\n");
	for (int c = 0; c < TC_N; c++)
		fprintf(out, "  %s\n", trace_count_name(c));
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Start PROG; its pid, or -errno. It gets the signals' default actions back. */
static pid_t start_program(char **prog)
{
	int pipefd[2], err = 0;
	pid_t pid;

	/* The child says through a close-on-exec pipe whether exec failed. */
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		close(pipefd[0]);
		execvp(prog[0], prog);
		err = errno;
		if (write(pipefd[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pipefd[1]);
	if (pid < 0) {
		err = errno;
		close(pipefd[0]);
		return -err;
	}
	if (read(pipefd[0], &err, sizeof(err)) == (ssize_t)sizeof(err)) {
		close(pipefd[0]);
		waitpid(pid, NULL, 0);
		return -err;
	}
	close(pipefd[0]);
	return pid;
}

/* A shell's exit status for a wait status. */
static int shell_status(int ws)
{
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : 1;
}

struct run {
	struct di_tracer *tr;
	struct di_trace *t;
	pid_t child;		/* 0: none, or gone */
	int forwarded;		/* signals passed on to the child */
	double t0, deadline;
	bool live;		/* the live view */
	bool selected;		/* devices were named */
	bool start_failed;	/* the program could not be started */
	const struct di_system *sys;
	const struct render_opts *ro;
};

/* A stop signal: without a program, the count ends; with one, it is passed on. */
static bool stop_requested(struct run *r)
{
	if (!stop_signal)
		return false;
	r->t->interrupted = true;
	if (!r->child)
		return true;
	/* Passed on once; a second signal ends the program for good. */
	kill(r->child, r->forwarded ? SIGKILL : stop_signal);
	r->forwarded++;
	stop_signal = 0;
	return false;
}

static int count_loop(struct run *r)
{
	double next_view = r->t0 + VIEW_EVERY_MS / 1000.0;
	int err = 0, ws;

	for (;;) {
		struct timespec ts = { 0, READ_EVERY_MS * 1000000L };

		nanosleep(&ts, NULL);
		err = tracer_read(r->tr);
		if (err < 0)
			return err;
		if (r->child && waitpid(r->child, &ws, WNOHANG) == r->child) {
			r->t->command_status = shell_status(ws);
			r->child = 0;
			return 0;
		}
		if (stop_requested(r) || (r->deadline > 0 && now() >= r->deadline))
			return 0;
		if (r->live && now() >= next_view) {
			r->t->seconds = now() - r->t0;
			trace_live_view(r->t, r->sys, r->selected, r->ro);
			next_view += VIEW_EVERY_MS / 1000.0;
		}
	}
}

/* Stop the program, if it still runs, and note its status. */
static void end_program(struct run *r)
{
	int ws;

	if (!r->child)
		return;
	kill(r->child, SIGTERM);
	if (waitpid(r->child, &ws, 0) == r->child)
		r->t->command_status = shell_status(ws);
	r->child = 0;
}

/* Stale instances stop a run: each is named, with how to remove it. */
static bool refuse_stale(const struct di_ctx *ctx, const char *dir)
{
	struct strv stale = { 0 };
	bool any;

	tracer_stale(&ctx->root, &stale);
	for (size_t i = 0; i < stale.n; i++)
		di_err("trace: tracefs instance %s is left over from a dmainspect that no longer "
		       "runs; remove it with: rmdir %s/instances/%s", stale.v[i], dir, stale.v[i]);
	any = stale.n > 0;
	strv_free(&stale);
	return any;
}

static int open_error(const char *dir, const char *name, int err)
{
	if (err == -EACCES || err == -EPERM)
		di_err("trace: cannot make the tracefs instance %s/instances/%s: %s (tracing needs "
		       "root, and a kernel not locked down against it)", dir, name, di_strerror(err));
	else
		di_err("trace: tracefs instance %s/instances/%s: %s", dir, name, di_strerror(err));
	return EXIT_NOTHING;
}

/* Split the operands: devices, then "--" and the program. */
static char **split_program(int argc, char **argv, int *n_devs)
{
	*n_devs = argc - 1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			*n_devs = i - 1;
			return i + 1 < argc ? argv + i + 1 : NULL;
		}
	return NULL;
}

static int count(struct run *r, char **prog)
{
	pid_t pid;
	int err;

	r->t0 = now();
	if (opt_seconds > 0)
		r->deadline = r->t0 + (double)opt_seconds;
	if (prog) {
		pid = start_program(prog);
		if (pid < 0) {
			di_err("trace: %s: %s", prog[0], di_strerror((int)pid));
			r->t->command_status = pid == -ENOENT ? 127 : 126;
			r->start_failed = true;
			return 0;
		}
		r->child = pid;
	}
	err = count_loop(r);
	end_program(r);
	r->t->seconds = now() - r->t0;
	return err;
}

static int trace_run(struct di_ctx *ctx, int argc, char **argv)
{
	struct di_system sys, after;
	struct di_trace t = { .command_status = -1 };
	struct run r = { .t = &t, .ro = &ctx->ro, .sys = &sys };
	const char *dir;
	char **prog;
	char name[64];
	int n_devs, missing = 0, err, err2, ret;

	prog = split_program(argc, argv, &n_devs);
	if (n_devs < argc - 1 && !prog) {
		di_err("trace: no program after '--'");
		return EXIT_USAGE;
	}
	if (prog && opt_seconds > 0) {
		di_err("trace: --seconds and a program to run exclude each other");
		return EXIT_USAGE;
	}
	dir = tracer_dir();
	if (!dir) {
		di_err("trace: no tracefs: %s (mount it: mount -t tracefs nodev /sys/kernel/tracing)",
		       di_strerror(-errno));
		return EXIT_NOTHING;
	}
	if (refuse_stale(ctx, dir))
		return EXIT_NOTHING;
	/* From here on a signal ends the count: the instance is always removed. */
	catch_signals();
	if (collect_advised(ctx, "trace", &sys) < 0)
		return EXIT_NOTHING;
	if (n_devs)
		select_devices(&sys, n_devs, argv + 1, "trace", &missing);
	if (missing) {
		system_free(&sys);
		return EXIT_USAGE;
	}
	snprintf(name, sizeof(name), TRACE_INSTANCE_PREFIX "%ld", (long)getpid());
	t.instance = xstrdup(name);
	t.command = prog;
	err = tracer_open(&r.tr, &t, BUFFER_KB);
	if (err < 0) {
		tracer_close(r.tr);
		ret = open_error(dir, name, err);
		goto out;
	}
	r.live = !ctx->ro.json && isatty(STDOUT_FILENO);
	r.selected = n_devs > 0;
	err = count(&r, prog);
	err2 = tracer_stop(r.tr);
	err = err < 0 ? err : err2;
	err2 = tracer_close(r.tr);
	if (err2 < 0)
		di_err("trace: cannot remove tracefs instance %s/instances/%s: %s", dir, name,
		       di_strerror(err2));
	if (r.start_failed) {
		ret = t.command_status;
		goto out;
	}
	if (err < 0) {
		di_err("trace: reading the events: %s", di_strerror(err));
		ret = EXIT_NOTHING;
		goto out;
	}
	/* Only the pools' use has changed since the system was collected. */
	collect_swiotlb_use(&ctx->root, &after);
	trace_sort(&t);
	if (r.live)
		trace_live_clear();
	err = render_trace(&t, &sys, &after, r.selected, &ctx->ro);
	system_free(&after);
	ret = err < 0 ? EXIT_NOTHING : prog ? t.command_status : EXIT_OK;
out:
	trace_free(&t);
	system_free(&sys);
	return ret;
}

const struct command cmd_trace = {
	.name = "trace",
	.args = "[DEVICE...] [-- COMMAND [ARG...]]",
	.summary = "per-device DMA API activity counted from the kernel's tracepoints",
	.description = "Counts the kernel's DMA tracepoints in a private tracefs instance for\n"
		       "--seconds N, until interrupted (Ctrl-C, SIGTERM), or while COMMAND runs,\n"
		       "and prints per device (sysfs name, driver, IOMMU group and domain, the\n"
		       "path its DMA takes) what the DMA API did, with rates per second, the\n"
		       "SWIOTLB pools' use before and after, and the event families this kernel\n"
		       "lacks (what is therefore not counted). Live view each second on a terminal.",
	.options = trace_options,
	.help_extra = trace_help,
	.option = trace_option,
	.run = trace_run,
	.takes_program = true,
	.live_only = true,
};

// SPDX-License-Identifier: LGPL-2.1-or-later
/* dmainspect bufs: every dma-buf in the system, by exporter and by process. */
#include "config.h"

#include <stdlib.h>

#include "cmd.h"
#include "collect/collect.h"
#include "collect/dmabuf.h"
#include "render/render-dmabuf.h"

static const struct cmd_option bufs_options[] = {
	{ "pid", 'p', "PID", "only the buffers this process holds (repeatable)" },
	{ "exporter", 'e', "NAME", "only the buffers of this exporter (repeatable)" },
	{ NULL },
};

static struct bufs_filter filter;

static int bufs_option(struct di_ctx *ctx, int opt, const char *arg)
{
	if (opt == 'p') {
		int pid = parse_id(arg);

		if (pid <= 0)
			return -1;
		filter.pids = xreallocarray(filter.pids, filter.n_pids + 1, sizeof(*filter.pids));
		filter.pids[filter.n_pids++] = pid;
		return 0;
	}
	if (opt == 'e') {
		strv_add(&filter.exporters, arg);
		return 0;
	}
	return -1;
}

static void bufs_help(FILE *out)
{
	fprintf(out, "\nBuffers come from debugfs dma_buf/bufinfo (root) and from every readable\n"
		     "process's fds and mappings in /proc; buffers are sorted by size, largest first.\n"
		     "Without root only your own processes are read, and the output says so.\n");
}

static int bufs_run(struct di_ctx *ctx, int argc, char **argv)
{
	struct di_bufset s;
	int err, ret = EXIT_OK;

	if (argc > 1) {
		di_err("bufs: unexpected argument '%s' (use 'dmainspect buf' for one buffer)", argv[1]);
		ret = EXIT_USAGE;
		goto out;
	}
	err = bufs_collect(&ctx->root, &filter, &s);
	if (err < 0) {
		di_err("bufs: %s", di_strerror(err));
		bufset_free(&s);
		ret = EXIT_NOTHING;
		goto out;
	}
	if (s.proc_err && s.bufinfo_err) {
		di_err("bufs: neither /proc (%s) nor debugfs dma_buf/bufinfo (%s) could be read",
		       di_strerror(s.proc_err), di_strerror(s.bufinfo_err));
		ret = EXIT_NOTHING;
	}
	if (render_bufs(&s, &ctx->ro) < 0)
		ret = EXIT_NOTHING;
	bufset_free(&s);
out:
	free(filter.pids);
	strv_free(&filter.exporters);
	return ret;
}

const struct command cmd_bufs = {
	.name = "bufs",
	.args = "",
	.summary = "every dma-buf in the system, by exporter and by process",
	.description = "Lists every dma-buf with its size, exporter, name, holders (pid:fd, +map when\n"
		       "also mapped, pid:map when only mapped) and attached devices (marked\n"
		       "non-coherent where the device tree says so); then totals per\n"
		       "exporter and per process, and the buffers no process holds (kernel-held or\n"
		       "leaked).",
	.options = bufs_options,
	.help_extra = bufs_help,
	.option = bufs_option,
	.run = bufs_run,
};

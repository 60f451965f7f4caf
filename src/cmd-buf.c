// SPDX-License-Identifier: LGPL-2.1-or-later
/* dmainspect buf: one or more dma-bufs in depth. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "collect/dmabuf.h"
#include "render/render-dmabuf.h"

static const struct cmd_option buf_options[] = {
	{ NULL },
};

static int buf_option(struct di_ctx *ctx, int opt, const char *arg)
{
	return -1;
}

static void buf_help(FILE *out)
{
	fprintf(out, "\nArguments:\n"
		     "  N                        an fd dmainspect inherited, e.g. 3 with 3<&5 in a shell\n"
		     "  PID:N, /proc/PID/fd/N    fd N of process PID, duplicated with pidfd_getfd\n"
		     "  /dev/dri/cardN, renderDN a test buffer from that DRM driver, exported with PRIME\n"
		     "  /dev/dma_heap/NAME       a test buffer from that DMA heap\n"
		     "  /dev/udmabuf             a test buffer made from a memfd\n"
		     "Test buffers are freed before dmainspect exits. With --sysroot, only PID:N and\n"
		     "/proc/PID/fd/N are read, from the snapshot's fdinfo and bufinfo.\n");
}

/* Inspect one argument; returns 0, or -1 with b->error set. */
static int inspect(struct di_ctx *ctx, const char *arg, struct di_dmabuf *b)
{
	struct di_dmabuf *info = NULL;
	size_t ninfo = 0;
	int fd, err;

	b->src_pid = b->src_fd = -1;
	b->argument = xstrdup(arg);
	if (!ctx->root.live) {
		if (dmabuf_collect_snapshot(&ctx->root, arg, b) < 0)
			return -1;
		fd = -1;
	} else {
		fd = dmabuf_acquire(&ctx->root, arg, b);
		if (fd < 0)
			return -1;
		dmabuf_collect_fd(&ctx->root, fd, b);
	}
	/* bufinfo is read while the fd is open: a test buffer lives no longer. */
	err = bufinfo_read(&ctx->root, &info, &ninfo);
	bufinfo_merge(b, info, ninfo, err);
	dmabufs_free(info, ninfo);
	if (fd >= 0 && b->source != SRC_FD)
		close(fd);	/* a duplicate, or a test buffer: freed here */
	return 0;
}

static int buf_run(struct di_ctx *ctx, int argc, char **argv)
{
	struct di_dmabuf *bufs;
	size_t n = (size_t)argc - 1, failed = 0;
	int err;

	if (argc < 2) {
		di_err("buf: which buffer? Give an fd number, PID:N, /proc/PID/fd/N or a device node");
		fprintf(stderr, "Try 'dmainspect buf --help'.\n");
		return EXIT_USAGE;
	}
	bufs = xcalloc(n, sizeof(*bufs));
	for (size_t i = 0; i < n; i++) {
		if (inspect(ctx, argv[i + 1], &bufs[i]) < 0) {
			di_err("buf %s: %s", argv[i + 1], bufs[i].error);
			failed++;
		}
	}
	err = dmabuf_resolve_attachments(&ctx->root, bufs, n);
	if (err < 0)
		di_err("buf: attached devices: %s", di_strerror(err));
	for (size_t i = 0; i < n; i++)
		if (!bufs[i].error)
			dmabuf_advise(&bufs[i]);
	err = render_buf(bufs, n, &ctx->ro);
	dmabufs_free(bufs, n);
	if (err < 0 || failed == n)
		return EXIT_NOTHING;
	return failed ? EXIT_PARTIAL : EXIT_OK;
}

const struct command cmd_buf = {
	.name = "buf",
	.args = "FD|PATH...",
	.summary = "one or more dma-bufs in depth",
	.description = "For each buffer: inode, size, exporter, name, fd flags and mode, file count,\n"
		       "the fences and attached devices debugfs bufinfo lists (with each device's\n"
		       "IOMMU group, domain and DMA masks), what the fd allows the CPU (mmap,\n"
		       "DMA_BUF_IOCTL_SYNC, EXPORT_SYNC_FILE), the coherency the kernel reports, and\n"
		       "advice on CPU access. Probes never change the buffer's contents.",
	.options = buf_options,
	.help_extra = buf_help,
	.option = buf_option,
	.run = buf_run,
};

// SPDX-License-Identifier: LGPL-2.1-or-later
/* dmainspect metrics: Prometheus text exposition for node_exporter's textfile collector. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "cmd.h"
#include "collect/dmabuf.h"
#include "render/render-metrics.h"

static const char *opt_output;

static const struct cmd_option metrics_options[] = {
	{ "output", 'o', "FILE", "write FILE atomically (a temporary file beside it, then rename)" },
	{ NULL },
};

static int metrics_option(struct di_ctx *ctx, int opt, const char *arg)
{
	(void)ctx;
	if (opt != 'o' || !*arg)
		return -EINVAL;
	opt_output = arg;
	return 0;
}

/* Say why in WHY: the error's name. */
static int fail_why(char *why, size_t cap, int err)
{
	snprintf(why, cap, "%s", di_strerror(err));
	return err;
}

static void metrics_help(FILE *out)
{
	fprintf(out,
		"\nFamilies (all dmainspect_*): swiotlb_pool_{slabs,size_bytes,used_slabs,\n"
		"used_bytes,hiwater_slabs,hiwater_bytes}{pool}, swiotlb_forced,\n"
		"swiotlb_full_events_total, iommu_units{kind}, iommu_groups{type},\n"
		"iommu_faults_total{device,kind}, device_info{device,bus,driver,iommu_group,\n"
		"iommu_domain,path,mode}, device_dma_mask_width{device},\n"
		"device_coherent_dma_mask_width{device}, dmabuf_buffers{exporter},\n"
		"dmabuf_size_bytes{exporter}, dmabuf_unheld_buffers, dmabuf_unheld_bytes,\n"
		"source_readable{source,reason}.\n");
}

/*
 * Write PATH whole (file_out: a temporary file beside it, renamed over it),
 * readable by node_exporter whatever the umask: it sees the old file or the
 * new one, never a part.
 */
static int write_atomically(const char *path, const struct di_system *sys,
			    const struct di_bufset *bufs, char *why, size_t cap)
{
	struct file_out o;
	FILE *f;
	int err = file_out_create(&o, path, why, cap), fd;

	if (err < 0)
		return err;
	fd = dup(o.fd);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		file_out_abort(&o);
		return fail_why(why, cap, err);
	}
	err = render_metrics(f, sys, bufs);
	if (fclose(f) != 0 || fchmod(o.fd, 0644) < 0)
		err = err ? err : -errno;
	err = file_out_commit(&o, err);
	return err < 0 ? fail_why(why, cap, err) : 0;
}

static int metrics_run(struct di_ctx *ctx, int argc, char **argv)
{
	struct di_system sys;
	struct di_bufset bufs;
	const struct bufs_filter all = { 0 };
	char why[512];
	int err, ret = EXIT_OK;

	if (argc > 1) {
		di_err("metrics: unexpected argument '%s'", argv[1]);
		return EXIT_USAGE;
	}
	if (collect_advised(ctx, "metrics", &sys) < 0)
		return EXIT_NOTHING;
	err = bufs_collect(&ctx->root, &all, &bufs);
	if (err < 0) {
		di_err("metrics: dma-bufs: %s", di_strerror(err));
		ret = EXIT_NOTHING;
	} else if (opt_output) {
		err = write_atomically(opt_output, &sys, &bufs, why, sizeof(why));
		if (err < 0) {
			di_err("metrics: %s: %s", opt_output, why);
			ret = EXIT_NOTHING;
		}
	} else if (render_metrics(stdout, &sys, &bufs) < 0) {
		ret = EXIT_NOTHING;
	}
	bufset_free(&bufs);
	system_free(&sys);
	return ret;
}

const struct command cmd_metrics = {
	.name = "metrics",
	.args = "",
	.summary = "Prometheus text exposition for node_exporter's textfile collector",
	.description = "Prints the Prometheus text exposition format (0.0.4): SWIOTLB pools and\n"
		       "their use, forced bouncing and 'buffer is full' events, IOMMU units and\n"
		       "groups by domain type, faults per device, each device's DMA setup and\n"
		       "advised mode, dma-bufs per exporter and those no process holds, and which\n"
		       "sources could not be read and why. --json does not apply.",
	.options = metrics_options,
	.help_extra = metrics_help,
	.option = metrics_option,
	.run = metrics_run,
	.text_only = true,
};

// SPDX-License-Identifier: LGPL-2.1-or-later
/* dmainspect swiotlb: bounce-buffer pools, forced bouncing, exhaustion events. */
#include "config.h"

#include "cmd.h"

static const struct cmd_option swiotlb_options[] = {
	{ NULL },
};

static int swiotlb_option(struct di_ctx *ctx, int opt, const char *arg)
{
	return -1;
}

static void swiotlb_help(FILE *out)
{
	fprintf(out, "\nPool fields (JSON keys of \"pools\"):\n");
	fields_help(out, swiotlb_pool_fields, n_swiotlb_pool_fields);
}

static int swiotlb_run(struct di_ctx *ctx, int argc, char **argv)
{
	struct di_system sys;
	int err;

	if (argc > 1) {
		di_err("swiotlb: unexpected argument '%s'", argv[1]);
		return EXIT_USAGE;
	}
	err = system_collect(ctx, &sys);
	if (err < 0) {
		di_err("swiotlb: %s", rfs_strerror(err));
		system_free(&sys);
		return EXIT_NOTHING;
	}
	err = render_swiotlb(&sys, &ctx->ro);
	system_free(&sys);
	return err < 0 ? EXIT_NOTHING : EXIT_OK;
}

const struct command cmd_swiotlb = {
	.name = "swiotlb",
	.args = "",
	.summary = "bounce-buffer pools: size, use, forced or not, exhaustion events",
	.description = "Shows the default SWIOTLB pool and any restricted pools (from debugfs when\n"
		       "readable, otherwise from the boot log and the kernel command line, saying\n"
		       "which), whether bouncing is forced and why, 'swiotlb buffer is full' events\n"
		       "with advice, and each device's DMA masks beside the top of RAM.",
	.options = swiotlb_options,
	.help_extra = swiotlb_help,
	.option = swiotlb_option,
	.run = swiotlb_run,
};

// SPDX-License-Identifier: LGPL-2.1-or-later
/* dmainspect swiotlb: bounce-buffer pools, forced bouncing, exhaustion events. */
#include "config.h"

#include "cmd.h"

static void swiotlb_help(FILE *out)
{
	fprintf(out, "\nPool fields (JSON keys of \"pools\"):\n");
	fields_help(out, swiotlb_pool_fields, n_swiotlb_pool_fields);
}

static int swiotlb_run(struct di_ctx *ctx, int argc, char **argv)
{
	return run_system_command(ctx, argc, argv, render_swiotlb);
}

const struct command cmd_swiotlb = {
	.name = "swiotlb",
	.args = "",
	.summary = "bounce-buffer pools: size, use, forced or not, exhaustion events",
	.description = "Shows the default SWIOTLB pool and any restricted pools (from debugfs when\n"
		       "readable, otherwise from the boot log and the kernel command line, saying\n"
		       "which), whether bouncing is forced and why, 'swiotlb buffer is full' events\n"
		       "with advice, and each device's DMA masks beside the top of RAM.",
	.help_extra = swiotlb_help,
	.run = swiotlb_run,
};

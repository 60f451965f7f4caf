// SPDX-License-Identifier: LGPL-2.1-or-later
/* dmainspect list: devices that do DMA, with their DMA setup. */
#include "config.h"

#include <stdlib.h>

#include "cmd.h"

static const struct cmd_option list_options[] = {
	{ "verbose", 'v', NULL, "show every field of every device" },
	{ NULL },
};

static int list_option(struct di_ctx *ctx, int opt, const char *arg)
{
	if (opt == 'v') {
		ctx->ro.verbose = true;
		return 0;
	}
	return -1;
}

static void list_help(FILE *out)
{
	fprintf(out, "\nFields (JSON keys; [column] ones are in the table):\n");
	fields_help(out, device_fields, n_device_fields);
}

static int list_run(struct di_ctx *ctx, int argc, char **argv)
{
	return run_system_command(ctx, argc, argv, render_devices);
}

const struct command cmd_list = {
	.name = "list",
	.args = "",
	.summary = "devices that do DMA, with their DMA setup and advice (default command)",
	.description = "Lists every PCI function and every device that is in an IOMMU group, behind\n"
		       "an IOMMU unit, or described with DMA properties in the device tree.",
	.options = list_options,
	.help_extra = list_help,
	.option = list_option,
	.run = list_run,
};

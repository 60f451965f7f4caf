// SPDX-License-Identifier: LGPL-2.1-or-later
/* dmainspect iommu: IOMMU units, groups, default domain policy and its evidence. */
#include "config.h"

#include "cmd.h"

static const struct cmd_option iommu_options[] = {
	{ NULL },
};

static int iommu_option(struct di_ctx *ctx, int opt, const char *arg)
{
	return -1;
}

static void iommu_help(FILE *out)
{
	fprintf(out, "\nDecoded capabilities of a unit (JSON keys under \"decoded\"):\n");
	fields_help(out, iommu_cap_fields, n_iommu_cap_fields);
}

static int iommu_run(struct di_ctx *ctx, int argc, char **argv)
{
	struct di_system sys;
	int err;

	if (argc > 1) {
		di_err("iommu: unexpected argument '%s'", argv[1]);
		return EXIT_USAGE;
	}
	err = system_collect(ctx, &sys);
	if (err < 0) {
		di_err("iommu: %s", rfs_strerror(err));
		system_free(&sys);
		return EXIT_NOTHING;
	}
	err = render_iommu(&sys, &ctx->ro);
	system_free(&sys);
	return err < 0 ? EXIT_NOTHING : EXIT_OK;
}

const struct command cmd_iommu = {
	.name = "iommu",
	.args = "",
	.summary = "IOMMU units, groups, default domain policy and its evidence",
	.description = "Shows each IOMMU unit with its capabilities decoded, each IOMMU group with its\n"
		       "domain type, member devices and reserved regions, the policy (default domain\n"
		       "type, TLB invalidation) with where each conclusion comes from (sysfs, the\n"
		       "kernel command line, the kernel log), and the IOMMU faults the kernel logged.\n"
		       "What cannot be read (the kernel log without privileges) is listed with the\n"
		       "reason; the command still succeeds.",
	.options = iommu_options,
	.help_extra = iommu_help,
	.option = iommu_option,
	.run = iommu_run,
};

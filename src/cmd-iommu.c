// SPDX-License-Identifier: LGPL-2.1-or-later
/* dmainspect iommu: IOMMU units, groups, default domain policy and its evidence. */
#include "config.h"

#include "cmd.h"

static void iommu_help(FILE *out)
{
	fprintf(out, "\nDecoded capabilities of a unit (JSON keys under \"decoded\"):\n");
	fields_help(out, iommu_cap_fields, n_iommu_cap_fields);
}

static int iommu_run(struct di_ctx *ctx, int argc, char **argv)
{
	return run_system_command(ctx, argc, argv, render_iommu);
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
	.help_extra = iommu_help,
	.run = iommu_run,
};

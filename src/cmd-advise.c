// SPDX-License-Identifier: LGPL-2.1-or-later
/* dmainspect advise: the mapping mode a driver should use, with the reasons. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "cmd.h"
#include "collect/collect.h"
#include "conclude.h"

static void advise_help(FILE *out)
{
	fprintf(out,
		"\nModes (the vocabulary of TTM and vmwgfx):\n"
		"  alloc-coherent  bouncing can happen: allocate with dma_alloc_coherent\n"
		"  map-bind        strict or untrusted translation: map at bind, unmap early\n"
		"  map-populate    otherwise: map once when pages are populated, keep mappings\n"
		"Paths: direct, iommu-lazy, iommu-strict, bounce, owned, blocked.\n");
}

static int advise_run(struct di_ctx *ctx, int argc, char **argv)
{
	struct di_system sys;
	int err, missing = 0, ret;

	err = system_collect(&ctx->root, &sys);
	if (err < 0) {
		di_err("advise: %s", di_strerror(err));
		system_free(&sys);
		return EXIT_NOTHING;
	}
	system_conclude(&sys);
	if (argc > 1)
		select_devices(&sys, argc - 1, argv + 1, "advise", &missing);
	advise_system(&sys);
	if (ctx->ro.json) {
		err = render_devices(&sys, &ctx->ro);
	} else {
		for (size_t i = 0; i < sys.n_devs; i++) {
			const struct di_device *d = &sys.devs[i];

			printf("%s%s%s%s\n", d->name, d->driver.s ? " (" : "",
			       d->driver.s ? d->driver.s : "", d->driver.s ? ")" : "");
			advice_text(d, &ctx->ro, "  ");
			printf("\n");
		}
		err = ferror(stdout) ? -EIO : 0;
	}
	ret = err < 0 ? EXIT_NOTHING : !missing ? EXIT_OK : sys.n_devs ? EXIT_PARTIAL : EXIT_NOTHING;
	system_free(&sys);
	return ret;
}

const struct command cmd_advise = {
	.name = "advise",
	.args = "[DEVICE...]",
	.summary = "recommended mapping mode per device, with the reasons",
	.description = "For each device (or those named: sysfs name, sysfs path or DRM node name),\n"
		       "the path its DMA takes, the mapping mode a driver should use, each fact\n"
		       "used with its source, notes, and what the device's own driver will choose\n"
		       "where its procedure is known (vmwgfx, amdgpu, radeon, nouveau).",
	.help_extra = advise_help,
	.run = advise_run,
};

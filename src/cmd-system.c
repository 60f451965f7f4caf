// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The pipeline of the commands that show the whole system (list, iommu,
 * swiotlb): collect -> conclude -> advise -> render.
 */
#include "config.h"

#include "advise.h"
#include "cmd.h"
#include "collect/collect.h"
#include "conclude.h"

int run_system_command(struct di_ctx *ctx, int argc, char **argv,
		       int (*render)(const struct di_system *, const struct render_opts *))
{
	struct di_system sys;
	int err;

	if (argc > 1) {
		di_err("%s: unexpected argument '%s'", argv[0], argv[1]);
		return EXIT_USAGE;
	}
	err = system_collect(&ctx->root, &sys);
	if (err < 0) {
		di_err("%s: %s", argv[0], di_strerror(err));
		system_free(&sys);
		return EXIT_NOTHING;
	}
	system_conclude(&sys);
	advise_system(&sys);
	err = render(&sys, &ctx->ro);
	system_free(&sys);
	return err < 0 ? EXIT_NOTHING : EXIT_OK;
}

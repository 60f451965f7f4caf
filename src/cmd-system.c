// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The pipeline of the commands that show the whole system (list, iommu,
 * swiotlb; metrics and trace begin with it): collect -> conclude -> advise
 * -> render.
 */
#include "config.h"

#include "advise.h"
#include "cmd.h"
#include "collect/collect.h"
#include "conclude.h"

int collect_advised(struct di_ctx *ctx, const char *cmd, struct di_system *sys)
{
	int err = system_collect(&ctx->root, sys);

	if (err < 0) {
		di_err("%s: %s", cmd, di_strerror(err));
		system_free(sys);
		return err;
	}
	system_conclude(sys);
	advise_system(sys);
	return 0;
}

int run_system_command(struct di_ctx *ctx, int argc, char **argv,
		       int (*render)(const struct di_system *, const struct render_opts *))
{
	struct di_system sys;
	int err;

	if (argc > 1) {
		di_err("%s: unexpected argument '%s'", argv[0], argv[1]);
		return EXIT_USAGE;
	}
	if (collect_advised(ctx, argv[0], &sys) < 0)
		return EXIT_NOTHING;
	err = render(&sys, &ctx->ro);
	system_free(&sys);
	return err < 0 ? EXIT_NOTHING : EXIT_OK;
}

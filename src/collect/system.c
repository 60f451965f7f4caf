// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One entry point that fills the model (devices, groups, system-wide facts),
 * and the run function of the commands that collect it and print it.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "advise.h"
#include "cmd.h"
#include "collect.h"
#include "facts.h"

int system_collect(struct di_ctx *ctx, struct di_system *sys)
{
	struct di_names names;
	int err;

	memset(sys, 0, sizeof(*sys));
	sys->root = &ctx->root;
	names_init(&names, &ctx->root);
	collect_arch(sys);
	err = collect_groups(sys);
	if (!err)
		err = collect_devices(sys, &names);
	if (!err)
		err = collect_facts(sys);
	if (!err)
		err = collect_driver_facts(sys);
	names_fini(&names);
	return err;
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
	err = system_collect(ctx, &sys);
	if (err < 0) {
		di_err("%s: %s", argv[0], rfs_strerror(err));
		system_free(&sys);
		return EXIT_NOTHING;
	}
	advise_system(&sys);
	err = render(&sys, &ctx->ro);
	system_free(&sys);
	return err < 0 ? EXIT_NOTHING : EXIT_OK;
}

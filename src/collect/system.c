// SPDX-License-Identifier: LGPL-2.1-or-later
/* One entry point that fills the model: devices, groups and system-wide facts. */
#include "config.h"

#include <errno.h>
#include <string.h>

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

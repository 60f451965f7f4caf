// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One entry point that fills the model: devices, groups, system-wide facts.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "collect.h"
#include "facts.h"

int system_collect(const struct rootfs *root, struct di_system *sys)
{
	struct di_names names;
	int err;

	memset(sys, 0, sizeof(*sys));
	sys->root = root;
	names_init(&names, root);
	collect_arch(sys);
	collect_groups(sys);
	collect_units(sys);
	err = collect_devices(sys, &names);
	if (!err) {
		collect_facts(sys);
		collect_driver_facts(sys);
	}
	names_fini(&names);
	return err;
}

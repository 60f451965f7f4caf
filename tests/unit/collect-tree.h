/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Collecting a scratch tree (tree.h) as 'dmainspect --sysroot' does, and
 * removing it afterwards; for the unit tests of the collectors.
 */
#pragma once

#include "collect/collect.h"
#include "collect/facts.h"
#include "conclude.h"
#include "tree.h"

/* IOMMU groups, devices and system facts of the tree at tree_top, and the conclusions. */
static inline void tree_collect(struct di_system *sys, struct rootfs *r)
{
	struct di_names names;

	if (rfs_init(r, tree_top) < 0)
		exit(99);
	memset(sys, 0, sizeof(*sys));
	sys->root = r;
	names_init(&names, r);
	collect_arch(sys);
	collect_groups(sys);
	collect_units(sys);
	if (collect_devices(sys, &names) < 0)
		exit(99);
	collect_facts(sys);
	system_conclude(sys);
	names_fini(&names);
}

/* Free what tree_collect() filled and remove the tree. */
static inline void tree_release(struct di_system *sys, struct rootfs *r)
{
	char cmd[300];

	system_free(sys);
	rfs_fini(r);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree_top);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tree_top);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* IOMMU groups: /sys/kernel/iommu_groups/<N>/{type,devices/}. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"

static int cmp_group(const void *a, const void *b)
{
	const struct di_group *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect_group(struct di_system *sys, int dirfd, struct di_group *g)
{
	char buf[64];
	struct dirent *de;
	ssize_t n;
	DIR *d;

	n = rfs_read_line(sys->root, dirfd, "type", buf, sizeof(buf));
	if (n < 0)
		g->type.err = (int)n;
	else
		sval_set(&g->type, buf);

	d = rfs_opendir(sys->root, dirfd, "devices");
	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			strv_add(&g->devices, de->d_name);
	closedir(d);
	if (g->devices.n)
		qsort(g->devices.v, g->devices.n, sizeof(char *), cmp_str);
}

void collect_groups(struct di_system *sys)
{
	struct dirent *de;
	DIR *d;

	d = rfs_opendir(sys->root, RFS_ROOT, "sys/kernel/iommu_groups");
	if (!d) {
		/* No directory: the kernel has no IOMMU support; not an error. */
		if (errno != ENOENT)
			sys->groups_dir.err = -errno;
		return;
	}
	ival_set(&sys->groups_dir, 1);
	while ((de = readdir(d))) {
		int id = parse_id(de->d_name);
		struct di_group *ng;
		int gfd;

		if (id < 0)
			continue;
		sys->groups = xreallocarray(sys->groups, sys->n_groups + 1, sizeof(*sys->groups));
		ng = &sys->groups[sys->n_groups++];
		memset(ng, 0, sizeof(*ng));
		ng->id = id;
		gfd = rfs_open(sys->root, dirfd(d), de->d_name, O_PATH | O_DIRECTORY);
		if (gfd < 0) {
			ng->type.err = gfd;
			continue;
		}
		collect_group(sys, gfd, ng);
		close(gfd);
	}
	closedir(d);
	if (sys->n_groups)
		qsort(sys->groups, sys->n_groups, sizeof(*sys->groups), cmp_group);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* IOMMU groups: /sys/kernel/iommu_groups/<N>/{type,reserved_regions,devices/}. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "parse/parse.h"

static int cmp_group(const void *a, const void *b)
{
	const struct di_group *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* A group's reserved regions: a line each, seldom more than a few. */
static void read_reserved(struct rfs_dir *gd, struct di_group *g)
{
	char buf[4096], *text = buf;
	ssize_t n = rfs_dir_read(gd, "reserved_regions", buf, sizeof(buf));

	if (n == -RFS_ETOOBIG)
		n = rfs_read_alloc(gd->r, gd->fd, "reserved_regions", 1 << 20, &text);
	if (n < 0) {
		g->resv_err = (int)n;
		return;
	}
	parse_reserved_regions(text, &g->resv, &g->n_resv);
	if (text != buf)
		free(text);
}

static void collect_group(struct rfs_dir *gd, struct di_group *g)
{
	static const char *const attrs[] = { "type", "reserved_regions" };
	char buf[64];
	ssize_t n;

	rfs_dir_prefetch(gd, attrs, sizeof(attrs) / sizeof(attrs[0]));
	n = rfs_dir_read_line(gd, "type", buf, sizeof(buf));
	if (n < 0)
		g->type.err = (int)n;
	else
		sval_set(&g->type, buf);
	g->type_meaning = iommu_domain_meaning(g->type.s);
	read_reserved(gd, g);
	rfs_dir_names(gd, "devices", &g->devices);
}

void collect_groups(struct di_system *sys)
{
	struct rfs_parent parent = RFS_PARENT_INIT;
	char path[PATH_MAX];
	struct dirent *de;
	size_t cap = 0;
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
		struct rfs_dir gd;
		int err;

		if (id < 0)
			continue;
		if (sys->n_groups == cap) {
			cap = cap ? 2 * cap : 64;
			sys->groups = xreallocarray(sys->groups, cap, sizeof(*sys->groups));
		}
		ng = &sys->groups[sys->n_groups++];
		memset(ng, 0, sizeof(*ng));
		ng->id = id;
		/* Each group under the one directory, opened once, on its filesystem. */
		err = str_concat(path, sizeof(path), "sys/kernel/iommu_groups/", de->d_name, NULL) ?
		      rfs_dir_open_link(sys->root, &parent, path, &gd) : -ENAMETOOLONG;
		if (err == -ELOOP || err == -EXDEV) {
			/* A link or a mount there: the walk's. */
			rfs_dir_close(&gd);
			err = rfs_dir_open(sys->root, dirfd(d), de->d_name, &gd);
		}
		if (err < 0) {
			ng->type.err = ng->resv_err = err;
			ng->type_meaning = iommu_domain_meaning(NULL);
		} else {
			collect_group(&gd, ng);
		}
		rfs_dir_close(&gd);
	}
	closedir(d);
	rfs_parent_close(&parent);
	if (sys->n_groups)
		qsort(sys->groups, sys->n_groups, sizeof(*sys->groups), cmp_group);
}

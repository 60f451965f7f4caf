// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reserved memory for DMA, as the device tree declares it: restricted DMA
 * pools ("restricted-dma-pool") and per-device coherent pools
 * ("shared-dma-pool"), the devices whose memory-region references each (as
 * of_dma_set_restricted_buffer() and of_reserved_mem_device_init() read it),
 * and the log's lines about them. conclude.c decides which pool each device
 * gets.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "facts.h"
#include "parse/parse.h"

#define DT_BASE "sys/firmware/devicetree/base"
#define RMEM_DIR DT_BASE "/reserved-memory"
#define PROP_MAX 4096

/* A property's raw bytes, at most cap - 1 (rfs_read() ends them with a NUL); -errno. */
static ssize_t read_prop(const struct rootfs *r, const char *node, const char *prop,
			 unsigned char *buf, size_t cap)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", node, prop) >= sizeof(path))
		return -ENAMETOOLONG;
	return rfs_read(r, RFS_ROOT, path, (char *)buf, cap);
}

static uint32_t read_cells_prop(const struct rootfs *r, const char *node, const char *prop,
				uint32_t dflt)
{
	unsigned char b[5];	/* rfs_read() keeps a byte for its NUL */
	uint64_t v;

	if (read_prop(r, node, prop, b, sizeof(b)) != 4 || !dt_cells(b, 4, 1, &v))
		return dflt;
	return (uint32_t)v;
}

static void read_node(struct di_system *sys, const char *name, uint32_t ac, uint32_t sc)
{
	static const char *const compats[] = { "restricted-dma-pool", "shared-dma-pool" };
	const struct rootfs *r = sys->root;
	struct di_swiotlb *sw = &sys->swiotlb;
	unsigned char buf[PROP_MAX + 1], size[17];	/* more than two cells: not a size */
	char node[PATH_MAX];
	const char *compat = NULL;
	struct di_rmem *m;
	ssize_t n;

	if ((size_t)snprintf(node, sizeof(node), "%s/%s", RMEM_DIR, name) >= sizeof(node))
		return;
	n = read_prop(r, node, "compatible", buf, PROP_MAX);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (size_t i = 0; i < sizeof(compats) / sizeof(compats[0]) && !compat; i++)
		if (dt_strlist_has((const char *)buf, (size_t)n, compats[i]))
			compat = compats[i];
	if (!compat)
		return;
	sw->rmem = xreallocarray(sw->rmem, sw->n_rmem + 1, sizeof(*sw->rmem));
	m = &sw->rmem[sw->n_rmem++];
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(name);
	m->compatible = xstrdup(compat);
	m->no_map = dt_has(r, node, "no-map");
	m->reusable = dt_has(r, node, "reusable");
	m->phandle = read_cells_prop(r, node, "phandle", read_cells_prop(r, node, "linux,phandle", 0));
	n = read_prop(r, node, "reg", buf, PROP_MAX);
	dt_rmem_range(buf, n, size, n < 0 ? read_prop(r, node, "size", size, sizeof(size)) : -ENOENT,
		      ac, sc, &m->start, &m->size);
	n = read_prop(r, node, "status", buf, PROP_MAX);
	if (n > 0) {
		buf[n] = '\0';
		sval_set(&m->status, (const char *)buf);
	}
}

static int cmp_rmem(const void *a, const void *b)
{
	return strcmp(((const struct di_rmem *)a)->name, ((const struct di_rmem *)b)->name);
}

void collect_rmem(struct di_system *sys)
{
	struct di_swiotlb *sw = &sys->swiotlb;
	DIR *d = rfs_opendir(sys->root, RFS_ROOT, RMEM_DIR);
	struct dirent *de;
	uint32_t ac, sc;

	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR)
			ival_set(&sw->rmem_dir, 0);
		else
			sw->rmem_dir.err = -errno;
		return;
	}
	ival_set(&sw->rmem_dir, 1);
	ac = read_cells_prop(sys->root, RMEM_DIR, "#address-cells", 2);
	sc = read_cells_prop(sys->root, RMEM_DIR, "#size-cells", 1);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			read_node(sys, de->d_name, ac, sc);	/* a property file has no compatible */
	closedir(d);
	if (sw->n_rmem)
		qsort(sw->rmem, sw->n_rmem, sizeof(*sw->rmem), cmp_rmem);
}

void rmem_log_created(struct di_system *sys, const char *line, uint64_t base)
{
	for (size_t i = 0; i < sys->swiotlb.n_rmem; i++) {
		struct di_rmem *m = &sys->swiotlb.rmem[i];

		if (m->start.set && m->start.v == base) {
			free(m->created_line);
			m->created_line = xstrdup(line);
			return;
		}
	}
}

void rmem_log_initialized(struct di_system *sys, const char *line, const char *node)
{
	struct di_rmem *m = system_find_rmem(sys, node);

	if (!m)
		return;
	free(m->initialized_line);
	m->initialized_line = xstrdup(line);
}

static struct di_rmem *rmem_by_phandle(const struct di_system *sys, uint32_t ph)
{
	for (size_t i = 0; ph && i < sys->swiotlb.n_rmem; i++)
		if (sys->swiotlb.rmem[i].phandle == ph)
			return &sys->swiotlb.rmem[i];
	return NULL;
}

/* The memory-region phandles of the node at DT path NODE ("/soc/gpu@0"); 0 when none. */
static ssize_t memory_region(const struct rootfs *r, const char *node, unsigned char *buf,
			     size_t cap)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), DT_BASE "%s", node) >= sizeof(path))
		return -ENAMETOOLONG;
	return read_prop(r, path, "memory-region", buf, cap);
}

/*
 * of_dma_set_restricted_buffer(): the device's own memory-region, else that
 * of the node DMA is configured from; of_reserved_mem_device_init(): the
 * first entry of the device's own.
 */
static void device_regions(struct di_system *sys, struct di_device *d)
{
	unsigned char buf[PROP_MAX];
	ssize_t n = d->of_node.s ? memory_region(sys->root, d->of_node.s, buf, sizeof(buf)) : -ENOENT;
	bool own = n > 0;

	if (n <= 0 && d->dma_of_node.s)
		n = memory_region(sys->root, d->dma_of_node.s, buf, sizeof(buf));
	if (n < 0 && n != -ENOENT)
		note_unreadable(sys, "a device-tree memory-region", (int)n, d->name);
	for (ssize_t i = 0; i + 4 <= n; i += 4) {
		uint64_t ph = 0;
		struct di_rmem *m;

		dt_cells(buf + i, 4, 1, &ph);	/* four bytes are there */
		m = rmem_by_phandle(sys, (uint32_t)ph);
		if (!m)
			continue;
		strv_add(&d->memory_regions, m->name);
		if (!strv_contains(&m->devices, d->name))
			strv_add(&m->devices, d->name);
		if (own && i == 0 && strcmp(m->compatible, "shared-dma-pool") == 0 && !m->reusable)
			sval_set(&d->coherent_pool, m->name);
	}
}

void rmem_collect_devices(struct di_system *sys)
{
	for (size_t i = 0; i < sys->n_devs; i++)
		if (sys->devs[i].of_node.s || sys->devs[i].dma_of_node.s)
			device_regions(sys, &sys->devs[i]);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The advisor's device-tree rules: non-coherent devices and what follows
 * from them (cache maintenance, kmalloc bouncing), restricted DMA pools and
 * per-device coherent pools. Pure functions of the model.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "advise-int.h"

static bool noncoherent(const struct di_device *d)
{
	return d->dt_coherent.set && !d->dt_coherent.v;
}

/* "restricted-dma-pool@70000000 (4 MiB at 0x70000000)" */
static const char *rmem_text(const struct di_rmem *m, char *buf, size_t cap)
{
	if (m->size.set && m->start.set)
		snprintf(buf, cap, "%s (%llu KiB at 0x%llx)", m->name,
			 (unsigned long long)(m->size.v >> 10), (unsigned long long)m->start.v);
	else if (m->size.set)
		snprintf(buf, cap, "%s (%llu KiB, placed at boot)", m->name,
			 (unsigned long long)(m->size.v >> 10));
	else
		snprintf(buf, cap, "%s", m->name);
	return buf;
}

/* Which node's memory-region names the pool: the device's own, or its DMA node. */
static const char *region_node(const struct di_device *d)
{
	if (d->of_node.s && d->dma_of_node.s && strcmp(d->of_node.s, d->dma_of_node.s) != 0)
		return "its own node or the node DMA is configured from";
	return d->of_node.s ? d->of_node.s : d->dma_of_node.s ? d->dma_of_node.s : "?";
}

int advise_restricted(const struct di_system *sys, const struct di_device *d, struct advice *a)
{
	const char *name = d->restricted_pool.s;
	const struct di_rmem *m;
	char b[160], logged[200] = "";

	if (!name)
		return 0;
	m = system_find_rmem(sys, name);
	if (strv_contains(&d->rmem_assigned, name))
		snprintf(logged, sizeof(logged), "; kernel log: 'assigned reserved memory node %s'", name);
	strv_addf(&a->reasons, "restricted DMA pool %s (device tree: memory-region of %s%s): "
		  "every streaming mapping bounces through it and dma_alloc_coherent allocates "
		  "from it", m ? rmem_text(m, b, sizeof(b)) : name, region_node(d), logged);
	return 1;
}

/* A restricted pool the device tree names but the device does not get: why. */
static void restricted_missing(const struct di_system *sys, const struct di_device *d,
			       struct advice *a)
{
	const struct di_rmem *m = device_restricted_region(sys, d);

	if (!m || d->restricted_pool.s)
		return;
	if (d->iommu_group.set)
		strv_addf(&a->notes, "the device tree gives it restricted DMA pool %s (memory-region "
			  "of %s), but an IOMMU translates for it: of_dma_configure() sets up no "
			  "pool for such a device", m->name, region_node(d));
	else if (m->set_up.set && !m->set_up.v)
		strv_addf(&a->notes, "the device tree gives it restricted DMA pool %s, but the kernel "
			  "did not set the pool up (no debugfs directory, no 'created restricted DMA "
			  "pool' line since boot): a kernel without CONFIG_DMA_RESTRICTED_POOL", m->name);
	else
		strv_addf(&a->notes, "the device tree gives it restricted DMA pool %s, but the kernel "
			  "log since boot does not say it was assigned ('assigned reserved memory node "
			  "%s'): no driver has probed it", m->name, m->name);
}

static void coherent_pool(const struct di_system *sys, const struct di_device *d,
			  struct advice *a)
{
	const struct di_rmem *m = d->coherent_pool.s ? system_find_rmem(sys, d->coherent_pool.s) : NULL;
	char b[160];

	if (!m)
		return;
	strv_addf(&a->notes, "the device tree declares a per-device coherent pool for it, %s "
		  "(shared-dma-pool%s, the first entry of memory-region of %s): when its driver "
		  "takes it (of_reserved_mem_device_init()), dma_alloc_coherent allocates from it%s%s",
		  rmem_text(m, b, sizeof(b)), m->no_map ? ", no-map" : "", d->of_node.s,
		  m->no_map ? ", memory without struct page: a dma-buf exported from it cannot be "
		  "kmapped or given sg_page() by an importer" : "",
		  strv_contains(&d->rmem_assigned, m->name) ? "; the kernel log says its driver "
		  "took it ('assigned reserved memory node')" : "");
}

/* The log's word on coherency (dynamic debug), beside the device tree's. */
static void coherency_log(const struct di_device *d, struct advice *a)
{
	const struct ival *l = &d->dt_coherent_log;

	if (!l->set || !d->dt_coherent.set || l->v == d->dt_coherent.v)
		return;
	strv_addf(&a->notes, "the kernel log says 'device is %sdma coherent' but the device tree "
		  "(%s) says it is %scoherent: the kernel's word holds for this boot; the device "
		  "tree read may be of another boot or overlay", l->v ? "" : "not ",
		  d->dt_coherent_from.s ? d->dt_coherent_from.s : "?", d->dt_coherent.v ? "" : "not ");
}

void advise_dt_notes(const struct di_system *sys, const struct di_device *d, struct advice *a)
{
	bool nc = noncoherent(d) || (d->dt_coherent_log.set && !d->dt_coherent_log.v);

	if (nc) {
		strv_addf(&a->notes, "not DMA-coherent (%s): dma_alloc_coherent gives the CPU an "
			  "uncached or write-combined mapping; streaming mappings need "
			  "dma_sync_*_for_cpu/for_device around every CPU access; a dma-buf it imports "
			  "or exports must be bracketed with DMA_BUF_IOCTL_SYNC for CPU access",
			  d->dt_coherent_log.set && !d->dt_coherent_log.v ? "kernel log" :
			  d->dt_coherent_from.s ? d->dt_coherent_from.s : "device tree");
		if (sys->swiotlb.noncoherent.n && sys->n_devs > sys->swiotlb.noncoherent.n)
			strv_add(&a->notes, "coherent devices share this system: a buffer shared with "
				 "one of them is cached on its side and not on this one (different "
				 "cache attributes for the same pages), so the CPU side must follow "
				 "the non-coherent rules");
		if (sys->swiotlb.kmalloc_bounce.set && sys->swiotlb.kmalloc_bounce.v)
			strv_add(&a->notes, "small kmalloc buffers mapped for it bounce through the "
				 "default SWIOTLB pool (DMA_BOUNCE_UNALIGNED_KMALLOC): map whole pages "
				 "or cache-line-aligned buffers to avoid the copy");
	}
	coherency_log(d, a);
	restricted_missing(sys, d, a);
	coherent_pool(sys, d, a);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Advice on CPU access to a dma-buf, from the facts `buf` collected. Pure:
 * no I/O. Every piece of advice names the facts it used.
 *
 *  1. An fd that cannot be mmap'ed gives no CPU mapping: "no-cpu-mapping".
 *  2. map_info COHERENT_WC or COHERENT_CACHED: "coherent"; SYNC is still
 *     how an implicitly synchronised user waits for the device.
 *  3. Otherwise (INCOHERENT, or coherency not reported): "bracket-with-sync",
 *     DMA_BUF_IOCTL_SYNC START before and END after every CPU access.
 * Notes: unsignalled fences, SYNC or EXPORT_SYNC_FILE missing from the
 * kernel, and attached devices that differ in address space or coherency.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model-dmabuf.h"

/* How an attached device addresses memory, for comparing devices. */
static char *address_space(const struct di_attachment *a)
{
	const char *dom = a->iommu_domain.s;

	if (!a->known)
		return NULL;
	if (a->iommu_group.set && dom && strcmp(dom, "identity") != 0)
		return xasprintf("IOMMU group %lld (%s)", a->iommu_group.v, dom);
	if (a->iommu_group.set && !dom)
		return NULL;	/* a group whose domain type is unknown */
	return xstrdup(a->iommu_group.set ? "untranslated (identity domain)" : "untranslated (no IOMMU group)");
}

static void attachment_notes(struct di_dmabuf *b)
{
	char *first = NULL, *list = NULL;	/* list: "DEVICE: SPACE, ..." */
	size_t len = 0;
	FILE *lf = open_memstream(&list, &len);
	bool differ = false, coh = false, noncoh = false, any = false;

	for (size_t i = 0; i < b->n_attachments; i++) {
		const struct di_attachment *a = &b->attachments[i];
		char *sp = address_space(a);

		if (a->dt_coherent.set) {
			coh |= a->dt_coherent.v != 0;
			noncoh |= a->dt_coherent.v == 0;
		}
		if (!sp)
			continue;
		if (!first)
			first = xstrdup(sp);
		else if (strcmp(first, sp) != 0)
			differ = true;
		if (lf)
			fprintf(lf, "%s%s: %s", any ? ", " : "", a->device, sp);
		any = true;
		free(sp);
	}
	if (lf) {
		bool bad = ferror(lf);

		if (fclose(lf) != 0 || bad) {
			free(list);
			list = NULL;
		}
	}
	if (differ)
		strv_addf(&b->notes, "the attached devices use different DMA address spaces (%s): the "
			  "buffer has a different DMA address on each, never hand a DMA address from "
			  "one device to another", list ? list : "");
	if (coh && noncoh)
		strv_addf(&b->notes, "the attached devices differ in DMA coherency (device tree "
			  "dma-coherent on some, not on others): the same pages are cached for some "
			  "and not for others, so the exporter must do cache maintenance for the "
			  "non-coherent ones, and CPU access must be bracketed with DMA_BUF_IOCTL_SYNC");
	else if (noncoh)
		strv_addf(&b->notes, "a non-coherent device is attached: its DMA does not snoop the "
			  "CPU caches, so CPU access must be bracketed with DMA_BUF_IOCTL_SYNC "
			  "(SYNC_START before, SYNC_END after) for the exporter's cache maintenance");
	free(first);
	free(list);
}

void dmabuf_advise(struct di_dmabuf *b)
{
	const char *mi = b->map_info.set ? map_info_name(b->map_info.v) : NULL;
	size_t pending = 0;

	if (b->mmap.ok.set && !b->mmap.ok.v) {
		b->cpu_advice = "no-cpu-mapping";
		b->cpu_summary = "no CPU mapping of the dma-buf: reach the buffer through the "
				 "driver's own interface";
		strv_addf(&b->reasons, "mmap of the dma-buf fd fails (%s): the CPU reaches this "
			  "buffer only through the exporting or importing driver's own interface",
			  di_strerror(b->mmap.ok.err));
	} else if (mi && b->map_info.v != MAP_INFO_INCOHERENT) {
		b->cpu_advice = "coherent";
		b->cpu_summary = "CPU mappings are coherent: no DMA_BUF_IOCTL_SYNC is needed for "
				 "cache maintenance, only to wait for fences";
		strv_addf(&b->reasons, "DMA_BUF_IOCTL_INFO reports map_info %s: CPU mappings are "
			  "coherent (%s), DMA_BUF_IOCTL_SYNC is not needed for cache maintenance", mi,
			  b->map_info.v == MAP_INFO_COHERENT_WC ? "write-combined" : "cached");
		strv_add(&b->notes, "coherency is not synchronisation: wait for the buffer's fences "
			 "(poll the fd, or DMA_BUF_IOCTL_SYNC, which also waits) before reading what a "
			 "device wrote");
	} else {
		b->cpu_advice = "bracket-with-sync";
		b->cpu_summary = "bracket every CPU access with DMA_BUF_IOCTL_SYNC: "
				 "DMA_BUF_SYNC_START before it, DMA_BUF_SYNC_END after it (READ, WRITE "
				 "or RW as the access is)";
		if (mi)
			strv_addf(&b->reasons, "DMA_BUF_IOCTL_INFO reports map_info %s: the exporter "
				  "relies on DMA_BUF_IOCTL_SYNC for cache maintenance", mi);
		else if (b->map_info.set)
			strv_addf(&b->reasons, "DMA_BUF_IOCTL_INFO reports map_info %lld, a value "
				  "dmainspect does not know", b->map_info.v);
		else
			strv_addf(&b->reasons, "coherency unknown: map_info %s",
				  di_strerror(b->map_info.err));
	}
	if (b->mmap.ok.set && b->mmap.ok.v)
		strv_add(&b->reasons, "mmap of the dma-buf fd works (probed read-only)");

	if (b->sync.ok.set && !b->sync.ok.v)
		strv_addf(&b->notes, "DMA_BUF_IOCTL_SYNC failed: %s", di_strerror(b->sync.ok.err));
	if (b->export_sync_file.ok.set) {
		if (b->export_sync_file.ok.v)
			strv_add(&b->notes, "DMA_BUF_IOCTL_EXPORT_SYNC_FILE works: the implicit fences "
				 "can be taken as a sync_file for explicit synchronisation");
		else
			strv_addf(&b->notes, "DMA_BUF_IOCTL_EXPORT_SYNC_FILE: %s",
				  di_strerror(b->export_sync_file.ok.err));
	}
	for (size_t i = 0; i < b->n_fences; i++)
		pending += !b->fences[i].signalled;
	if (pending)
		strv_addf(&b->notes, "%zu unsignalled fence%s: a device is still using the buffer, "
			  "wait for %s before CPU access", pending, pending == 1 ? "" : "s",
			  pending == 1 ? "it" : "them");
	attachment_notes(b);
}

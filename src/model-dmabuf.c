// SPDX-License-Identifier: LGPL-2.1-or-later
/* The dma-buf model: names of values, reasons, and freeing. */
#include "config.h"

#include <stdlib.h>

#include "model-dmabuf.h"

const char *map_info_name(long long v)
{
	switch (v) {
	case MAP_INFO_INCOHERENT:
		return "INCOHERENT";
	case MAP_INFO_COHERENT_WC:
		return "COHERENT_WC";
	case MAP_INFO_COHERENT_CACHED:
		return "COHERENT_CACHED";
	default:
		return NULL;
	}
}

const char *buf_source_name(enum buf_source s)
{
	static const char *const names[] = {
		[SRC_NONE] = NULL,
		[SRC_FD] = "fd",
		[SRC_PROCESS] = "process",
		[SRC_DRM] = "drm",
		[SRC_HEAP] = "dma-heap",
		[SRC_UDMABUF] = "udmabuf",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : NULL;
}

static void attachment_free(struct di_attachment *a)
{
	free(a->device);
	free(a->bus);
	free(a->driver.s);
	free(a->iommu_domain.s);
	free(a->dt_coherent_from.s);
}

void dmabuf_free(struct di_dmabuf *b)
{
	free(b->argument);
	free(b->error);
	free(b->src_device);
	free(b->src_driver);
	free(b->src_allocation);
	free(b->exporter.s);
	free(b->name.s);
	for (size_t i = 0; i < b->n_fences; i++) {
		free(b->fences[i].usage);
		free(b->fences[i].driver.s);
		free(b->fences[i].timeline.s);
	}
	free(b->fences);
	for (size_t i = 0; i < b->n_attachments; i++)
		attachment_free(&b->attachments[i]);
	free(b->attachments);
	free(b->holders);
	strv_free(&b->reasons);
	strv_free(&b->notes);
}

void dmabufs_free(struct di_dmabuf *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dmabuf_free(&b[i]);
	free(b);
}

void bufset_free(struct di_bufset *s)
{
	dmabufs_free(s->bufs, s->n_bufs);
	for (size_t i = 0; i < s->n_procs; i++) {
		free(s->procs[i].comm.s);
		free(s->procs[i].refs);
	}
	free(s->procs);
	for (size_t i = 0; i < s->n_exporters; i++)
		free(s->exporters[i].exporter);
	free(s->exporters);
	free(s->cuts);
	s->cuts = NULL;
	s->n_cuts = 0;
	s->bufs = NULL;
	s->procs = NULL;
	s->exporters = NULL;
	s->n_bufs = s->n_procs = s->n_exporters = 0;
}

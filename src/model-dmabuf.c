// SPDX-License-Identifier: LGPL-2.1-or-later
/* The dma-buf model: names of values, reasons, and freeing. */
#include "config.h"

#include <stdlib.h>

#include "model-dmabuf.h"

const char *dmabuf_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case DB_ENOTREPORTED:
		return "not reported by this kernel";
	case DB_ESNAPSHOT:
		return "not probed: a snapshot holds no file to probe";
	case DB_ENOTPROBED:
		return "not probed by bufs (dmainspect buf probes a buffer)";
	case DB_EWOULDWAIT:
		return "not probed: unsignalled write fences, DMA_BUF_IOCTL_SYNC would wait for them";
	case DB_ETIMEDOUT:
		return "the ioctl did not return within 2 seconds";
	case DB_ENOTLISTED:
		return "not listed in debugfs dma_buf/bufinfo";
	case DB_EMAPONLY:
		return "known from a mapping only (/proc/PID/maps has no size or exporter)";
	case DB_ENOINODE:
		return "no inode number to find the buffer in bufinfo";
	case DB_EPIDFILTER:
		return "not counted with --pid: only the given processes were scanned";
	case DB_EUNKNOWNVAL:
		return "a value dmainspect does not know (the raw value is beside it)";
	case DB_ENOIOCTL:
		return "not supported by this kernel (unknown ioctl)";
	case DB_ESIGNALLEDNAMES:
		return "not printed: this kernel's bufinfo leaves the names of a signalled fence empty";
	case DB_ENOTPRINTED:
		return "not printed by this kernel's bufinfo";
	default:
		return rfs_strerror(err);
	}
}

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
	s->bufs = NULL;
	s->procs = NULL;
	s->exporters = NULL;
	s->n_bufs = s->n_procs = s->n_exporters = 0;
}

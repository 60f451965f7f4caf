// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dmainspect metrics: the Prometheus text exposition format (0.0.4), for
 * node_exporter's textfile collector. Every family has HELP and TYPE, names
 * are dmainspect_* in base units, labels stay few: one series per pool,
 * unit kind, group type, device, exporter and source.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "render/render-metrics.h"

/* Label values: backslash, double quote and newline escaped. */
static void label_value(FILE *f, const char *v)
{
	for (const char *p = v ? v : ""; *p; p++) {
		if (*p == '\\' || *p == '"')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* NAME{K1="V1",...} VALUE: labels given as key, value pairs, NULL-ended. */
static void sample(FILE *f, const char *name, long long value, const char *const *labels)
{
	fputs(name, f);
	for (size_t i = 0; labels && labels[i]; i += 2) {
		fprintf(f, "%s%s=\"", i ? "," : "{", labels[i]);
		label_value(f, labels[i + 1]);
		fputc('"', f);
	}
	fprintf(f, "%s %lld\n", labels && labels[0] ? "}" : "", value);
}

static void swiotlb_pools(FILE *f, const struct di_swiotlb *sw)
{
	static const struct {
		const char *name, *help;
		size_t off;
		int scale;	/* bytes per unit */
	} g[] = {
		{ "dmainspect_swiotlb_pool_slabs", "Size of a SWIOTLB pool in 2 KiB slabs.",
		  offsetof(struct di_swiotlb_pool, nslabs), 1 },
		{ "dmainspect_swiotlb_pool_size_bytes", "Size of a SWIOTLB pool.",
		  offsetof(struct di_swiotlb_pool, size_bytes), 1 },
		{ "dmainspect_swiotlb_pool_used_slabs", "Slabs of a SWIOTLB pool in use (debugfs).",
		  offsetof(struct di_swiotlb_pool, used), 1 },
		{ "dmainspect_swiotlb_pool_used_bytes", "Bytes of a SWIOTLB pool in use (debugfs).",
		  offsetof(struct di_swiotlb_pool, used), 2048 },
		{ "dmainspect_swiotlb_pool_hiwater_slabs",
		  "Most slabs of a SWIOTLB pool ever in use (debugfs, 6.4 and later).",
		  offsetof(struct di_swiotlb_pool, hiwater), 1 },
		{ "dmainspect_swiotlb_pool_hiwater_bytes",
		  "Most bytes of a SWIOTLB pool ever in use (debugfs, 6.4 and later).",
		  offsetof(struct di_swiotlb_pool, hiwater), 2048 },
	};

	for (size_t k = 0; k < sizeof(g) / sizeof(g[0]); k++) {
		family(f, g[k].name, "gauge", g[k].help);
		for (size_t i = 0; i < sw->n_pools; i++) {
			const struct ival *v = (const void *)((const char *)&sw->pools[i] + g[k].off);
			const char *l[] = { "pool", sw->pools[i].name, NULL };

			if (v->set)
				sample(f, g[k].name, v->v * g[k].scale, l);
		}
	}
}

static void swiotlb_state(FILE *f, const struct di_swiotlb *sw)
{
	family(f, "dmainspect_swiotlb_forced", "gauge",
	       "1 when the default SWIOTLB pool bounces every direct mapping (swiotlb=force, "
	       "memory encryption).");
	if (sw->forced.set)
		sample(f, "dmainspect_swiotlb_forced", sw->forced.v != 0, NULL);
	family(f, "dmainspect_swiotlb_full_events_total", "counter",
	       "'swiotlb buffer is full' events in the kernel log since boot.");
	sample(f, "dmainspect_swiotlb_full_events_total", sw->full_count, NULL);
}

/* How many of the N names in NAMES equal each distinct one: one sample each. */
static void count_by(FILE *f, const char *metric, const char *label, const char **names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		long long c = 0;
		bool first = true;

		for (size_t j = 0; j < n; j++) {
			if (strcmp(names[j], names[i]) != 0)
				continue;
			first = first && j >= i;
			c++;
		}
		if (first) {
			const char *l[] = { label, names[i], NULL };

			sample(f, metric, c, l);
		}
	}
}

static void iommu(FILE *f, const struct di_system *sys)
{
	const char **names = xcalloc(sys->n_units + sys->n_groups + 1, sizeof(*names));

	family(f, "dmainspect_iommu_units", "gauge", "IOMMU units by kind.");
	for (size_t i = 0; i < sys->n_units; i++)
		names[i] = sys->units[i].kind;
	count_by(f, "dmainspect_iommu_units", "kind", names, sys->n_units);
	family(f, "dmainspect_iommu_groups", "gauge",
	       "IOMMU groups by default domain type (DMA, DMA-FQ, identity, ...).");
	for (size_t i = 0; i < sys->n_groups; i++)
		names[i] = sys->groups[i].type.s ? sys->groups[i].type.s : "unknown";
	count_by(f, "dmainspect_iommu_groups", "type", names, sys->n_groups);
	free(names);
	family(f, "dmainspect_iommu_faults_total", "counter",
	       "IOMMU faults the kernel log reports since boot, per device and kind.");
	for (size_t i = 0; i < sys->n_faults; i++) {
		const char *l[] = { "device", sys->faults[i].device, "kind", sys->faults[i].kind, NULL };

		sample(f, "dmainspect_iommu_faults_total", sys->faults[i].count, l);
	}
}

static void devices(FILE *f, const struct di_system *sys)
{
	family(f, "dmainspect_device_info", "gauge",
	       "A device that does DMA: driver, IOMMU group and domain, DMA path, advised mode.");
	for (size_t i = 0; i < sys->n_devs; i++) {
		const struct di_device *d = &sys->devs[i];
		char group[24] = "";
		const char *l[] = { "device", d->name, "bus", d->bus, "driver",
				    d->driver.s ? d->driver.s : "", "iommu_group", group,
				    "iommu_domain", d->iommu_domain.s ? d->iommu_domain.s : "",
				    "path", dma_path_name(d->advice.path),
				    "mode", dma_mode_name(d->advice.mode), NULL };

		if (d->iommu_group.set)
			snprintf(group, sizeof(group), "%lld", d->iommu_group.v);
		sample(f, "dmainspect_device_info", 1, l);
	}
	family(f, "dmainspect_device_dma_mask_width", "gauge", "Width of a device's streaming DMA mask, in address bits.");
	for (size_t i = 0; i < sys->n_devs; i++) {
		const char *l[] = { "device", sys->devs[i].name, NULL };

		if (sys->devs[i].dma_mask_bits.set)
			sample(f, "dmainspect_device_dma_mask_width", sys->devs[i].dma_mask_bits.v, l);
	}
	family(f, "dmainspect_device_coherent_dma_mask_width", "gauge",
	       "Width of a device's coherent DMA mask, in address bits.");
	for (size_t i = 0; i < sys->n_devs; i++) {
		const char *l[] = { "device", sys->devs[i].name, NULL };

		if (sys->devs[i].coherent_dma_mask_bits.set)
			sample(f, "dmainspect_device_coherent_dma_mask_width",
			       sys->devs[i].coherent_dma_mask_bits.v, l);
	}
}

static void dmabufs(FILE *f, const struct di_bufset *s)
{
	family(f, "dmainspect_dmabuf_buffers", "gauge", "dma-bufs per exporter.");
	for (size_t i = 0; i < s->n_exporters; i++) {
		const char *l[] = { "exporter", s->exporters[i].exporter ? s->exporters[i].exporter : "unknown",
				    NULL };

		sample(f, "dmainspect_dmabuf_buffers", (long long)s->exporters[i].count, l);
	}
	family(f, "dmainspect_dmabuf_size_bytes", "gauge", "Bytes of dma-bufs per exporter.");
	for (size_t i = 0; i < s->n_exporters; i++) {
		const char *l[] = { "exporter", s->exporters[i].exporter ? s->exporters[i].exporter : "unknown",
				    NULL };

		sample(f, "dmainspect_dmabuf_size_bytes", s->exporters[i].bytes, l);
	}
	family(f, "dmainspect_dmabuf_unheld_buffers", "gauge",
	       "dma-bufs that no process holds by fd or mapping (the kernel or a driver does).");
	family(f, "dmainspect_dmabuf_unheld_bytes", "gauge", "Bytes of the dma-bufs no process holds.");
	if (!s->unheld_err) {
		sample(f, "dmainspect_dmabuf_unheld_buffers", (long long)s->unheld_count, NULL);
		sample(f, "dmainspect_dmabuf_unheld_bytes", s->unheld_bytes, NULL);
	}
}

/* One readability sample: 1, or 0 with the reason. */
static void readable(FILE *f, const char *source, int err)
{
	const char *l[] = { "source", source, "reason", err ? di_strerror(err) : "", NULL };

	sample(f, "dmainspect_source_readable", err == 0, l);
}

static void sources(FILE *f, const struct di_system *sys, const struct di_bufset *s)
{
	family(f, "dmainspect_source_readable", "gauge",
	       "1 when a source could be read; 0 with the reason (missing root shows here).");
	readable(f, "kernel_log", sys->kmsg.readable.err);
	readable(f, "debugfs_swiotlb", sys->swiotlb.debugfs.err);
	readable(f, "iommu_groups", sys->groups_dir.err);
	readable(f, "debugfs_dma_buf", s->bufinfo_err);
	readable(f, "proc", s->proc_err);
	readable(f, "process_fds", s->procs_unreadable ? s->unreadable_err : 0);
}

int render_metrics(FILE *f, const struct di_system *sys, const struct di_bufset *bufs)
{
	swiotlb_pools(f, &sys->swiotlb);
	swiotlb_state(f, &sys->swiotlb);
	iommu(f, sys);
	devices(f, sys);
	dmabufs(f, bufs);
	sources(f, sys, bufs);
	return ferror(f) ? -EIO : 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Devices: the field table, JSON objects, the table and the details view. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

#define F(k, h, t, m, c, help) { k, h, t, offsetof(struct di_device, m), c, help }

const struct field device_fields[] = {
	F("bus", "BUS", FT_STR, bus, true, "bus (subsystem) name"),
	F("vendor_id", "VENDOR", FT_ID16, vendor_id, false, "PCI vendor id"),
	F("device_id", "DEVICE", FT_ID16, device_id, false, "PCI device id"),
	F("subsystem_vendor_id", "SVENDOR", FT_ID16, subsystem_vendor_id, false, "PCI subsystem vendor id"),
	F("subsystem_device_id", "SDEVICE", FT_ID16, subsystem_device_id, false, "PCI subsystem device id"),
	F("class", "CLASS", FT_ID24, class_id, false, "PCI class code"),
	F("revision", "REV", FT_INT, revision, false, "PCI revision"),
	F("vendor_name", "VENDOR NAME", FT_STR, vendor_name, false, "vendor name from the hwdb"),
	F("device_name", "DEVICE NAME", FT_STR, device_name, false, "model name from the hwdb"),
	F("modalias", "MODALIAS", FT_STR, modalias, false, "module alias of the device"),
	F("driver", "DRIVER", FT_STR, driver, true, "bound driver"),
	F("module", "MODULE", FT_STR, module, false, "kernel module of the driver, or matching the alias"),
	F("module_state", "MODSTATE", FT_STR, module_state, false, "loaded, builtin or not-loaded"),
	F("iommu_group", "GROUP", FT_INT, iommu_group, true, "IOMMU group id"),
	F("iommu_domain", "DOMAIN", FT_STR, iommu_domain, true, "default domain type of the group, raw"),
	F("iommu_unit", "IOMMU", FT_STR, iommu_unit, false, "IOMMU unit translating for the device"),
	F("dma_mask_bits", "MASK", FT_INT, dma_mask_bits, true, "streaming DMA mask width set by the driver"),
	F("coherent_dma_mask_bits", "CMASK", FT_INT, coherent_dma_mask_bits, true, "coherent DMA mask width"),
	F("numa_node", "NUMA", FT_INT, numa_node, false, "NUMA node (-1: none)"),
	F("removable", "REMOVABLE", FT_STR, removable, false, "removable, fixed or unknown, as the bus tells"),
	F("of_node", "OF NODE", FT_STR, of_node, false, "device-tree node"),
	F("dma_of_node", "DMA OF NODE", FT_STR, dma_of_node, false,
	  "device-tree node DMA is configured from (PCI: the host bridge's)"),
	F("dt_coherent", "DT COHERENT", FT_BOOL, dt_coherent, false, "device-tree DMA coherency"),
	F("dt_coherent_from", "COHERENT FROM", FT_STR, dt_coherent_from, false, "node whose property decided coherency"),
	F("dt_coherent_log", "LOG COHERENT", FT_BOOL, dt_coherent_log, false,
	  "coherency the kernel logged (\"device is (not) dma coherent\", dynamic debug only)"),
	F("memory_regions", "MEMORY REGIONS", FT_STRV, memory_regions, false,
	  "reserved-memory DMA pools its device-tree memory-region names"),
	F("restricted_pool", "RESTRICTED POOL", FT_STR, restricted_pool, false,
	  "restricted DMA pool every mapping of it bounces through"),
	F("coherent_pool", "COHERENT POOL", FT_STR, coherent_pool, false,
	  "per-device coherent pool (shared-dma-pool) its device-tree node declares"),
	F("drm_nodes", "DRM", FT_STRV, drm_nodes, true, "DRM card and render nodes"),
};
const size_t n_device_fields = sizeof(device_fields) / sizeof(device_fields[0]);

static void prediction_write(struct json_writer *w, const struct di_prediction *p)
{
	if (!p->driver) {
		jw_str(w, "prediction", NULL);
		return;
	}
	jw_open(w, "prediction", '{');
	jw_str(w, "driver", p->driver);
	jw_str(w, "mode", p->mode ? dma_mode_name(p->mode) : NULL);
	if (!p->mode && p->err)
		jw_str(w, "mode_error", di_strerror(p->err));
	jw_str(w, "source", p->source);
	jw_strv(w, "reasons", &p->reasons);
	jw_str(w, "differs", p->differs);
	jw_close(w, '}');
}

static void device_write(struct json_writer *w, size_t i, const void *ctx)
{
	const struct di_system *sys = ctx;
	const struct di_device *d = &sys->devs[i];
	const struct advice *a = &d->advice;

	jw_str(w, "name", d->name);
	jw_str(w, "path", d->path);
	fields_write(device_fields, n_device_fields, d, w);
	jw_open(w, "advice", '{');
	jw_str(w, "mode", a->mode ? dma_mode_name(a->mode) : NULL);
	jw_str(w, "path", a->path ? dma_path_name(a->path) : NULL);
	jw_strv(w, "reasons", &a->reasons);
	jw_strv(w, "notes", &a->notes);
	prediction_write(w, &a->prediction);
	jw_close(w, '}');
}

void advice_text(const struct di_device *d, const struct render_opts *ro, const char *indent)
{
	const struct advice *a = &d->advice;
	const struct di_prediction *p = &a->prediction;
	const char *mode = dma_mode_name(a->mode);
	char *m = color_text(ro, color_for(ro, mode), mode);
	bool logged = p->source && strcmp(p->source, "kernel log") == 0;

	printf("%smode: %s (path %s)\n", indent, m ? m : mode, dma_path_name(a->path));
	free(m);
	for (size_t i = 0; i < a->reasons.n; i++)
		printf("%s  because %s\n", indent, a->reasons.v[i]);
	for (size_t i = 0; i < a->notes.n; i++)
		printf("%s  note: %s\n", indent, a->notes.v[i]);
	if (!p->driver)
		return;
	if (p->mode)
		printf("%s%s %s: %s\n", indent, p->driver, logged ? "chose" : "will choose",
		       dma_mode_name(p->mode));
	else
		printf("%s%s %s: unknown (%s)\n", indent, p->driver, logged ? "chose" : "will choose",
		       di_strerror(p->err));
	for (size_t i = 0; i < p->reasons.n; i++)
		printf("%s  because %s\n", indent, p->reasons.v[i]);
	if (p->differs)
		printf("%s  differs from the advice: %s\n", indent, p->differs);
}

static int render_table(const struct di_system *sys, const struct render_opts *ro)
{
	struct table *t = table_new(ro);
	size_t col;

	table_column(t, "DEVICE", false);
	for (size_t i = 0; i < n_device_fields; i++)
		if (device_fields[i].column)
			table_column(t, device_fields[i].header, device_fields[i].type == FT_INT);
	table_column(t, "MODE", false);

	for (size_t k = 0; k < sys->n_devs; k++) {
		const struct di_device *d = &sys->devs[k];
		const char *mode = d->advice.mode ? dma_mode_name(d->advice.mode) : "-";

		table_row(t);
		table_cell(t, 0, d->name, NULL);
		col = 1;
		for (size_t i = 0; i < n_device_fields; i++) {
			char *s;

			if (!device_fields[i].column)
				continue;
			s = field_text(&device_fields[i], d, false);
			table_cell(t, col++, s, color_for(ro, s));
			free(s);
		}
		table_cell(t, col, mode, color_for(ro, mode));
	}
	return table_print(t);
}

static void details(const struct di_device *d, const struct render_opts *ro)
{
	char *name = color_text(ro, "bold", d->name);

	printf("%s (%s)\n", name ? name : d->name, d->path);
	free(name);
	for (size_t i = 0; i < n_device_fields; i++) {
		char *s = field_text(&device_fields[i], d, true);

		/* Fields that do not apply to this device are left out. */
		if (!s || strcmp(s, "-") != 0 || device_fields[i].column)
			printf("\t%-24s %s\n", device_fields[i].key, s ? s : "?");
		free(s);
	}
	advice_text(d, ro, "\t");
	printf("\n");
}

int render_devices(const struct di_system *sys, const struct render_opts *ro)
{
	if (ro->json)
		return json_print_items(json_new_top(), "devices", sys->n_devs, device_write, sys);
	if (ro->verbose) {
		for (size_t i = 0; i < sys->n_devs; i++)
			details(&sys->devs[i], ro);
		return ferror(stdout) ? -EIO : 0;
	}
	return render_table(sys, ro);
}

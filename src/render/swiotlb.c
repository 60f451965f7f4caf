// SPDX-License-Identifier: LGPL-2.1-or-later
/* dmainspect swiotlb: pools, forced bouncing, exhaustion, masks beside the top of RAM. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

#define F(k, h, t, m, help) { k, h, t, offsetof(struct di_swiotlb_pool, m), false, help }

const struct field swiotlb_pool_fields[] = {
	F("nslabs", "SLABS", FT_INT, nslabs, "size in 2 KiB slabs"),
	F("used", "USED", FT_INT, used, "slabs in use (debugfs io_tlb_used)"),
	F("size_bytes", "BYTES", FT_INT, size_bytes, "size in bytes"),
	F("forced", "FORCED", FT_BOOL, forced, "every direct mapping through it bounces"),
	F("hiwater", "HIWATER", FT_INT, hiwater, "most slabs ever in use (debugfs io_tlb_used_hiwater, 6.4 and later)"),
	F("transient_nslabs", "TRANSIENT", FT_INT, transient_nslabs, "slabs in transient pools (CONFIG_SWIOTLB_DYNAMIC)"),
};
const size_t n_swiotlb_pool_fields = sizeof(swiotlb_pool_fields) / sizeof(swiotlb_pool_fields[0]);

/* The devices whose DMA bounces through the restricted pool NAME. */
static void restricted_devices(const struct di_system *sys, const char *name, struct strv *out)
{
	for (size_t i = 0; i < sys->n_devs; i++)
		if (sys->devs[i].restricted_pool.s && strcmp(sys->devs[i].restricted_pool.s, name) == 0)
			strv_add(out, sys->devs[i].name);
}

static struct json_object *pool_json(const struct di_system *sys, const struct di_swiotlb_pool *p)
{
	struct json_object *o = json_object_new_object();
	struct strv devs = { 0 };

	json_add_str(o, "name", p->name);
	json_add_str(o, "source", p->source);
	fields_to_json(swiotlb_pool_fields, n_swiotlb_pool_fields, p, o);
	json_add_uval(o, "start", &p->start);
	json_add_uval(o, "end", &p->end);
	if (strcmp(p->name, "default") == 0) {
		json_object_object_add(o, "devices", NULL);
	} else {
		restricted_devices(sys, p->name, &devs);
		json_add_strv(o, "devices", &devs);
		strv_free(&devs);
	}
	return o;
}

static struct json_object *rmem_json(const struct di_rmem *m)
{
	struct json_object *o = json_object_new_object();
	struct ival size = { 0 };

	json_add_str(o, "name", m->name);
	json_add_str(o, "compatible", m->compatible);
	json_add_uval(o, "start", &m->start);
	if (m->size.set)
		ival_set(&size, (long long)m->size.v);
	json_add_ival(o, "size_bytes", &size, false);
	json_object_object_add(o, "no_map", json_object_new_boolean(m->no_map));
	json_object_object_add(o, "reusable", json_object_new_boolean(m->reusable));
	json_add_sval(o, "status", &m->status);
	json_add_ival(o, "set_up", &m->set_up, true);
	json_add_strv(o, "devices", &m->devices);
	json_add_str(o, "created_line", m->created_line);
	json_add_str(o, "initialized_line", m->initialized_line);
	return o;
}

static struct json_object *kmalloc_json(const struct di_swiotlb *sw)
{
	struct json_object *o = json_object_new_object();

	json_add_ival(o, "bounces", &sw->kmalloc_bounce, true);
	json_add_ival(o, "pool_adjusted_mb", &sw->adjusted_mb, false);
	json_add_strv(o, "noncoherent_devices", &sw->noncoherent);
	json_add_strv(o, "reasons", &sw->kmalloc_reasons);
	return o;
}

static struct json_object *state_json(const struct di_swiotlb *sw)
{
	struct json_object *o = json_object_new_object(), *full = json_object_new_object();

	json_add_ival(o, "debugfs", &sw->debugfs, true);
	json_add_ival(o, "default_pool", &sw->default_pool, true);
	json_add_str(o, "default_pool_source", sw->default_pool_source);
	json_add_ival(o, "forced", &sw->forced, true);
	json_add_strv(o, "forced_by", &sw->forced_by);
	json_add_ival(o, "log_says_in_use", &sw->in_use_log, true);
	json_object_object_add(full, "count", json_object_new_int64(sw->full_count));
	json_add_ival(full, "largest_bytes", &sw->full_largest, false);
	json_add_ival(full, "total_slots", &sw->full_total, false);
	json_add_ival(full, "used_slots", &sw->full_used, false);
	json_add_strv(full, "devices", &sw->full_devices);
	json_add_str(full, "advice", sw->advice);
	json_object_object_add(o, "full_events", full);
	return o;
}

static struct json_object *masks_json(const struct di_system *sys)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < sys->swiotlb.n_bounce; i++) {
		const struct di_bounce *b = &sys->swiotlb.bounce[i];
		const struct di_device *d = system_find_device(sys, b->device);
		struct json_object *o = json_object_new_object();

		json_add_str(o, "device", b->device);
		json_add_sval(o, "driver", &d->driver);
		json_add_ival(o, "dma_mask_bits", &d->dma_mask_bits, false);
		json_add_ival(o, "coherent_dma_mask_bits", &d->coherent_dma_mask_bits, false);
		json_add_sval(o, "iommu_domain", &d->iommu_domain);
		json_add_ival(o, "translated", &b->translated, true);
		json_add_ival(o, "streaming_below_ram_top", &b->streaming_below, true);
		json_add_ival(o, "coherent_below_ram_top", &b->coherent_below, true);
		json_add_ival(o, "can_bounce", &b->can_bounce, true);
		json_add_strv(o, "reasons", &b->reasons);
		json_object_array_add(a, o);
	}
	return a;
}

static int swiotlb_json(const struct di_system *sys)
{
	struct json_object *top = json_new_top(), *pools = json_object_new_array();
	struct json_object *enc = json_object_new_object(), *ram = json_object_new_object();

	struct json_object *rmem = json_object_new_array();

	for (size_t i = 0; i < sys->swiotlb.n_pools; i++)
		json_object_array_add(pools, pool_json(sys, &sys->swiotlb.pools[i]));
	json_object_object_add(top, "pools", pools);
	for (size_t i = 0; i < sys->swiotlb.n_rmem; i++)
		json_object_array_add(rmem, rmem_json(&sys->swiotlb.rmem[i]));
	json_object_object_add(top, "reserved_memory", rmem);
	json_object_object_add(top, "kmalloc_bounce", kmalloc_json(&sys->swiotlb));
	json_object_object_add(top, "swiotlb", state_json(&sys->swiotlb));
	json_add_ival(enc, "guest", &sys->memenc.guest, true);
	json_add_strv(enc, "kinds", &sys->memenc.kinds);
	json_add_strv(enc, "sources", &sys->memenc.sources);
	json_object_object_add(top, "memory_encryption", enc);
	json_add_uval(ram, "top", &sys->ram.top);
	json_add_uval(ram, "block_size", &sys->ram.block_size);
	json_object_object_add(top, "ram", ram);
	json_object_object_add(top, "masks", masks_json(sys));
	facts_to_json(sys, top);
	return json_print(top);
}

static const char *yes_no(const struct ival *v)
{
	return !v->set ? "unknown" : v->v ? "yes" : "no";
}

static void print_pool(const struct di_system *sys, const struct di_swiotlb_pool *p)
{
	struct strv devs = { 0 };

	printf("  %s:", p->name);
	for (size_t i = 0; i < n_swiotlb_pool_fields; i++) {
		const struct field *f = &swiotlb_pool_fields[i];
		const struct ival *v = (const void *)((const char *)p + f->off);
		char *s;

		if (!v->set && !v->err)
			continue;
		s = field_text(f, p, true);
		printf(" %s=%s", f->key, s ? s : "?");
		free(s);
	}
	if (p->start.set && p->end.set)
		printf(" at 0x%llx-0x%llx", (unsigned long long)p->start.v,
		       (unsigned long long)p->end.v - 1);
	printf("\n      [%s]\n", p->source);
	if (strcmp(p->name, "default") != 0) {
		restricted_devices(sys, p->name, &devs);
		for (size_t i = 0; i < devs.n; i++)
			printf("      bounces every mapping of %s\n", devs.v[i]);
		strv_free(&devs);
	}
}

static void print_rmem(const struct di_system *sys, const struct render_opts *ro)
{
	const struct di_swiotlb *sw = &sys->swiotlb;

	if (!sw->n_rmem)
		return;
	print_heading(ro, "Reserved memory for DMA (device tree)", false);
	for (size_t i = 0; i < sw->n_rmem; i++) {
		const struct di_rmem *m = &sw->rmem[i];

		printf("  %s: %s%s%s", m->name, m->compatible, m->no_map ? ", no-map" : "",
		       m->reusable ? ", reusable (CMA)" : "");
		if (m->size.set)
			printf(", %llu KiB", (unsigned long long)(m->size.v >> 10));
		if (m->start.set)
			printf(" at 0x%llx", (unsigned long long)m->start.v);
		if (m->status.s)
			printf(", status %s", m->status.s);
		printf("\n      set up by the kernel: %s\n", yes_no(&m->set_up));
		for (size_t k = 0; k < m->devices.n; k++)
			printf("      memory-region of %s\n", m->devices.v[k]);
		if (m->created_line)
			printf("      [kernel log: '%s']\n", m->created_line);
		if (m->initialized_line)
			printf("      [kernel log: '%s']\n", m->initialized_line);
	}
}

static void print_kmalloc(const struct di_system *sys, const struct render_opts *ro)
{
	const struct di_swiotlb *sw = &sys->swiotlb;

	print_heading(ro, "kmalloc bouncing for non-coherent devices", false);
	printf("  %s\n", yes_no(&sw->kmalloc_bounce));
	for (size_t i = 0; i < sw->kmalloc_reasons.n; i++)
		printf("      because %s\n", sw->kmalloc_reasons.v[i]);
	for (size_t i = 0; i < sw->noncoherent.n; i++)
		printf("      not coherent: %s\n", sw->noncoherent.v[i]);
}

static void print_state(const struct di_system *sys, const struct render_opts *ro)
{
	const struct di_swiotlb *sw = &sys->swiotlb;
	const struct di_memenc *m = &sys->memenc;

	print_heading(ro, "SWIOTLB pools", true);
	for (size_t i = 0; i < sw->n_pools; i++)
		print_pool(sys, &sw->pools[i]);
	if (sw->default_pool.set && !sw->default_pool.v)
		printf("  no default pool\n      [%s]\n", sw->default_pool_source);
	else if (!sw->default_pool.set)
		printf("  default pool: unknown (debugfs unreadable and neither the kernel log nor "
		       "the command line settles it)\n");
	print_heading(ro, "Forced bouncing", false);
	printf("  %s\n", yes_no(&sw->forced));
	for (size_t i = 0; i < sw->forced_by.n; i++)
		printf("      because %s\n", sw->forced_by.v[i]);
	printf("  guest memory encryption: %s", yes_no(&m->guest));
	for (size_t i = 0; i < m->kinds.n; i++)
		printf("%s%s", i ? " " : " (", m->kinds.v[i]);
	printf("%s\n", m->kinds.n ? ")" : "");
	for (size_t i = 0; i < m->sources.n; i++)
		printf("      [%s]\n", m->sources.v[i]);
	print_heading(ro, "Exhaustion", false);
	if (!sys->kmsg.readable.set) {
		printf("  unknown: the kernel log is unreadable\n");
	} else if (!sw->full_count) {
		printf("  no 'swiotlb buffer is full' event in the kernel log\n");
	} else {
		printf("  %lld 'swiotlb buffer is full' event%s, largest request %lld bytes\n",
		       sw->full_count, sw->full_count == 1 ? "" : "s", sw->full_largest.v);
		for (size_t i = 0; i < sw->full_devices.n; i++)
			printf("      from %s\n", sw->full_devices.v[i]);
		if (sw->advice)
			printf("  advice: %s\n", sw->advice);
	}
}

static void bits_text(char *buf, size_t cap, const struct ival *v)
{
	if (v->set)
		snprintf(buf, cap, "%lld", v->v);
	else
		snprintf(buf, cap, "?");
}

/* One row: the device, its masks and domain, whether it can bounce, and why (a line a reason). */
static void mask_row(struct table *t, const struct di_system *sys, const struct di_bounce *b,
		     const struct render_opts *ro)
{
	const struct di_device *d = system_find_device(sys, b->device);
	char ms[24], cs[24], *why = NULL;
	size_t len;
	FILE *f = open_memstream(&why, &len);

	if (!f)
		xalloc_fail();
	for (size_t k = 0; k < b->reasons.n; k++)
		fprintf(f, "%s%s", k ? "\n" : "", b->reasons.v[k]);
	if (fclose(f) != 0)
		xalloc_fail();
	bits_text(ms, sizeof(ms), &d->dma_mask_bits);
	bits_text(cs, sizeof(cs), &d->coherent_dma_mask_bits);
	table_row(t);
	table_cell(t, 0, d->name, NULL);
	table_cell(t, 1, d->driver.s, NULL);
	table_cell(t, 2, ms, NULL);
	table_cell(t, 3, cs, NULL);
	table_cell(t, 4, d->iommu_domain.s, NULL);
	table_cell(t, 5, !b->can_bounce.set ? "unknown" : b->can_bounce.v ? "yes" : "no",
		   color_for(ro, b->can_bounce.set && b->can_bounce.v ? "bounce" : NULL));
	table_cell(t, 6, why, NULL);
	free(why);
}

static void print_masks(const struct di_system *sys, const struct render_opts *ro)
{
	struct table *t;

	print_heading(ro, "Device masks beside the top of RAM", false);
	if (sys->ram.top.set)
		printf("  top of RAM: 0x%llx (%llu MiB, end of the highest online memory block)\n",
		       (unsigned long long)sys->ram.top.v, (unsigned long long)(sys->ram.top.v >> 20));
	else
		printf("  top of RAM: unknown (%s)\n", di_strerror(sys->ram.top.err));
	if (!sys->swiotlb.n_bounce)
		return;
	t = table_new(ro);
	table_column(t, "DEVICE", false);
	table_column(t, "DRIVER", false);
	table_column(t, "MASK", true);
	table_column(t, "CMASK", true);
	table_column(t, "DOMAIN", false);
	table_column(t, "BOUNCE", false);
	table_column_lines(t, "WHY");
	for (size_t i = 0; i < sys->swiotlb.n_bounce; i++)
		mask_row(t, sys, &sys->swiotlb.bounce[i], ro);
	table_print(t);
}

int render_swiotlb(const struct di_system *sys, const struct render_opts *ro)
{
	if (ro->json)
		return swiotlb_json(sys);
	print_state(sys, ro);
	print_rmem(sys, ro);
	print_kmalloc(sys, ro);
	print_masks(sys, ro);
	facts_print_unreadable(sys, ro);
	return ferror(stdout) ? -EIO : 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* dmainspect trace: counts per device and per dma-buf exporter, with rates. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/render-trace.h"

/* Whether count c was counted: its family's events exist on this kernel. */
static bool counted(const struct di_trace *t, enum trace_count c)
{
	for (int f = 0; f < TF_N; f++)
		if (trace_family_counts(f, c))
			return t->fam[f].available;
	return false;
}

static double rate(const struct di_trace *t, uint64_t n)
{
	return t->seconds > 0 ? (double)n / t->seconds : 0;
}

static struct json_object *counts_json(const struct di_trace *t, const uint64_t *n, int count,
				       const char *(*name)(int), bool (*avail)(const struct di_trace *, int),
				       bool rates)
{
	struct json_object *o = json_object_new_object();

	for (int c = 0; c < count; c++) {
		struct json_object *v = NULL;

		if (avail(t, c))
			v = rates ? json_object_new_double(rate(t, n[c])) :
				    json_object_new_uint64(n[c]);
		json_object_object_add(o, name(c), v);
	}
	return o;
}

static const char *dev_count_name(int c)
{
	return trace_count_name(c);
}

static const char *buf_count_name(int c)
{
	return trace_buf_count_name(c);
}

static bool dev_avail(const struct di_trace *t, int c)
{
	return counted(t, c);
}

static bool buf_avail(const struct di_trace *t, int c)
{
	(void)c;
	return t->fam[TF_DMA_BUF].available;
}

/* One row of the devices shown: the system's view of it and its counts. */
struct row {
	const char *name;
	const struct di_device *d;	/* NULL: not among the system's DMA devices */
	const uint64_t *n;
};

static const uint64_t zero[TC_N];

/* The devices shown: the named ones, or every one with events. */
static struct row *rows_of(const struct di_trace *t, const struct di_system *sys, bool selected,
			   size_t *n_rows)
{
	size_t cap = (selected ? sys->n_devs : t->n_devs) + 1, n = 0;
	struct row *rows = xcalloc(cap, sizeof(*rows));

	if (selected) {
		for (size_t i = 0; i < sys->n_devs; i++) {
			const struct di_trace_dev *td = trace_dev_find(t, sys->devs[i].name);

			rows[n++] = (struct row){ sys->devs[i].name, &sys->devs[i], td ? td->n : zero };
		}
	} else {
		for (size_t i = 0; i < t->n_devs; i++)
			rows[n++] = (struct row){ t->devs[i]->name,
						  system_find_device(sys, t->devs[i]->name),
						  t->devs[i]->n };
	}
	*n_rows = n;
	return rows;
}

static struct json_object *row_json(const struct di_trace *t, const struct row *r)
{
	struct json_object *o = json_object_new_object();
	const struct di_device *d = r->d;

	json_add_str(o, "name", r->name);
	json_add_str(o, "driver", d ? d->driver.s : NULL);
	json_object_object_add(o, "iommu_group", d && d->iommu_group.set ?
				  json_object_new_int64(d->iommu_group.v) : NULL);
	json_add_str(o, "iommu_domain", d ? d->iommu_domain.s : NULL);
	json_add_str(o, "path", d ? dma_path_name(d->advice.path) : NULL);
	json_object_object_add(o, "counts", counts_json(t, r->n, TC_N, dev_count_name, dev_avail, false));
	json_object_object_add(o, "rates", counts_json(t, r->n, TC_N, dev_count_name, dev_avail, true));
	return o;
}

static struct json_object *family_json(const struct di_trace *t, int f)
{
	struct json_object *o = json_object_new_object();

	json_add_str(o, "system", trace_family_system(f));
	json_object_object_add(o, "available", json_object_new_boolean(t->fam[f].available));
	json_add_strv(o, "events", &t->fam[f].enabled);
	json_add_strv(o, "uncounted_events", &t->fam[f].unknown);
	return o;
}

/* The default pool and restricted pools: slabs used, before and after. */
static const struct di_swiotlb_pool *pool_named(const struct di_system *sys, const char *name)
{
	for (size_t i = 0; sys && i < sys->swiotlb.n_pools; i++)
		if (strcmp(sys->swiotlb.pools[i].name, name) == 0)
			return &sys->swiotlb.pools[i];
	return NULL;
}

static struct json_object *pools_json(const struct di_system *before, const struct di_system *after)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < before->swiotlb.n_pools; i++) {
		const struct di_swiotlb_pool *p = &before->swiotlb.pools[i], *q = pool_named(after, p->name);
		struct json_object *o = json_object_new_object();
		static const struct ival none;

		json_add_str(o, "name", p->name);
		json_add_ival(o, "nslabs", &p->nslabs, false);
		json_add_ival(o, "used_before", &p->used, false);
		json_add_ival(o, "used_after", q ? &q->used : &none, false);
		json_add_ival(o, "hiwater_before", &p->hiwater, false);
		json_add_ival(o, "hiwater_after", q ? &q->hiwater : &none, false);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *trace_json(const struct di_trace *t, const struct row *rows, size_t n,
				      const struct di_system *before, const struct di_system *after)
{
	struct json_object *o = json_object_new_object(), *a;

	json_object_object_add(o, "seconds", json_object_new_double(t->seconds));
	a = NULL;
	if (t->command) {
		a = json_object_new_array();
		for (char **c = t->command; *c; c++)
			json_object_array_add(a, json_object_new_string(*c));
	}
	json_object_object_add(o, "command", a);
	json_object_object_add(o, "command_status", t->command ?
				  json_object_new_int(t->command_status) : NULL);
	json_object_object_add(o, "interrupted", json_object_new_boolean(t->interrupted));
	json_add_str(o, "instance", t->instance);
	json_object_object_add(o, "buffer_kb_per_cpu", json_object_new_uint64(t->buffer_kb));
	json_object_object_add(o, "events", json_object_new_uint64(t->events));
	json_object_object_add(o, "lost_events", t->lost_err ? NULL : json_object_new_uint64(t->lost));
	if (t->lost_err)
		json_add_error(o, "lost_events", t->lost_err);
	a = json_object_new_array();
	for (int f = 0; f < TF_N; f++)
		json_object_array_add(a, family_json(t, f));
	json_object_object_add(o, "families", a);
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, row_json(t, &rows[i]));
	json_object_object_add(o, "devices", a);
	a = json_object_new_array();
	for (size_t i = 0; i < t->n_exps; i++) {
		struct json_object *e = json_object_new_object();

		json_add_str(e, "name", t->exps[i]->name);
		json_object_object_add(e, "counts", counts_json(t, t->exps[i]->n, TB_N, buf_count_name,
								buf_avail, false));
		json_object_object_add(e, "rates", counts_json(t, t->exps[i]->n, TB_N, buf_count_name,
							       buf_avail, true));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "exporters", a);
	json_object_object_add(o, "swiotlb_pools", pools_json(before, after));
	return o;
}

/* "12.0 MiB" */
static void print_bytes(uint64_t b)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)b;
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u)
		printf("%.1f %s", v, unit[u]);
	else
		printf("%llu B", (unsigned long long)b);
}

/* Counts of one line: the kinds that happened, "none", or why not counted. */
struct line {
	const struct di_trace *t;
	const uint64_t *n;
	int parts;
};

static void line_start(struct line *l, const char *label, enum trace_count first)
{
	printf("  %-13s", label);
	l->parts = counted(l->t, first) ? 0 : -1;
	if (l->parts < 0)
		printf("not counted");
}

/* ", N WHAT" when N is not 0. */
static void line_part(struct line *l, enum trace_count c, const char *what)
{
	if (l->parts < 0 || !l->n[c])
		return;
	printf("%s%llu%s%s", l->parts++ ? ", " : "", (unsigned long long)l->n[c], *what ? " " : "",
	       what);
}

/* ", [PREFIX]SIZE (RATE/s)" when the bytes are not 0. */
static void line_bytes(struct line *l, enum trace_count c, const char *prefix)
{
	if (l->parts < 0 || !l->n[c])
		return;
	printf("%s%s", l->parts++ ? ", " : "", prefix);
	print_bytes(l->n[c]);
	printf(" (");
	print_bytes((uint64_t)rate(l->t, l->n[c]));
	printf("/s)");
}

/* ", R/s" of a total, when it is not 0. */
static void line_rate(struct line *l, uint64_t total)
{
	if (l->parts > 0 && total)
		printf(" (%.1f/s)", rate(l->t, total));
}

static void line_end(struct line *l)
{
	printf("%s\n", l->parts == 0 ? "none" : "");
}

static void print_row(const struct di_trace *t, const struct row *r, const struct render_opts *ro)
{
	const struct di_device *d = r->d;
	const uint64_t *n = r->n;
	struct line l = { t, n, 0 };
	char group[32] = "-";

	if (d && d->iommu_group.set)
		snprintf(group, sizeof(group), "%lld", d->iommu_group.v);
	print_heading(ro, r->name, false);
	printf("  driver %s, IOMMU group %s, domain %s, path %s\n",
	       d && d->driver.s ? d->driver.s : "-", group,
	       d && d->iommu_domain.s ? d->iommu_domain.s : "-",
	       d ? dma_path_name(d->advice.path) : "-");
	line_start(&l, "maps", TC_MAPS_PAGE);
	line_part(&l, TC_MAPS_PAGE, "page");
	line_part(&l, TC_MAPS_SG, "sg");
	line_part(&l, TC_MAPS_RESOURCE, "resource");
	line_rate(&l, n[TC_MAPS_PAGE] + n[TC_MAPS_SG] + n[TC_MAPS_RESOURCE]);
	line_bytes(&l, TC_MAP_BYTES, n[TC_SG_TRUNCATED] ? "at least " : "");
	line_part(&l, TC_MAP_ERRORS, "failed");
	line_end(&l);
	line_start(&l, "unmaps", TC_UNMAPS_PAGE);
	line_part(&l, TC_UNMAPS_PAGE, "page");
	line_part(&l, TC_UNMAPS_SG, "sg");
	line_part(&l, TC_UNMAPS_RESOURCE, "resource");
	line_end(&l);
	line_start(&l, "syncs", TC_SYNCS_FOR_CPU);
	line_part(&l, TC_SYNCS_FOR_CPU, "for the CPU");
	line_part(&l, TC_SYNCS_FOR_DEVICE, "for the device");
	line_end(&l);
	line_start(&l, "coherent", TC_ALLOCS);
	line_part(&l, TC_ALLOCS, "allocations");
	line_bytes(&l, TC_ALLOC_BYTES, "");
	line_part(&l, TC_FREES, "frees");
	line_bytes(&l, TC_FREE_BYTES, "");
	line_part(&l, TC_ALLOC_ERRORS, "failed");
	line_end(&l);
	line_start(&l, "bounces", TC_BOUNCES);
	line_part(&l, TC_BOUNCES, "");
	line_rate(&l, n[TC_BOUNCES]);
	line_bytes(&l, TC_BOUNCED_BYTES, "");
	line_end(&l);
	line_start(&l, "IOMMU faults", TC_FAULTS);
	line_part(&l, TC_FAULTS, "");
	line_end(&l);
}

static void print_summary(const struct di_trace *t)
{
	printf("Counted for %.1f s", t->seconds);
	if (t->command) {
		printf(" while '");
		for (char **c = t->command; *c; c++)
			printf("%s%s", c == t->command ? "" : " ", *c);
		printf("' ran (exit status %d)", t->command_status);
	}
	if (t->interrupted)
		printf(", interrupted");
	printf(": %llu events, ", (unsigned long long)t->events);
	if (t->lost_err)
		printf("lost events unknown (%s)", di_strerror(t->lost_err));
	else if (t->lost)
		printf("%llu LOST (the ring buffers overflowed: counts are low)",
		       (unsigned long long)t->lost);
	else
		printf("none lost");
	printf(".\n");
	for (int f = 0; f < TF_N; f++) {
		if (t->fam[f].available)
			continue;
		printf("Not counted: this kernel has no %s: events", trace_family_system(f));
		switch (f) {
		case TF_DMA:
			printf(" (6.12 and later): maps, unmaps, syncs and coherent allocations\n");
			break;
		case TF_SWIOTLB:
			printf(": SWIOTLB bounces\n");
			break;
		case TF_IOMMU:
			printf(" (io_page_fault): IOMMU faults\n");
			break;
		default:
			printf(" (7.x): dma-buf exports, attaches, detaches and mmaps\n");
		}
	}
}

static void print_exporters(const struct di_trace *t, const struct render_opts *ro)
{
	if (!t->fam[TF_DMA_BUF].available)
		return;
	print_heading(ro, "dma-buf exporters", false);
	if (!t->n_exps)
		printf("  no dma-buf events\n");
	for (size_t i = 0; i < t->n_exps; i++) {
		const uint64_t *n = t->exps[i]->n;

		printf("  %s: %llu exports (%.1f/s) of ", t->exps[i]->name,
		       (unsigned long long)n[TB_EXPORTS], rate(t, n[TB_EXPORTS]));
		print_bytes(n[TB_EXPORTED_BYTES]);
		printf(", %llu attaches, %llu detaches, %llu mmaps\n",
		       (unsigned long long)n[TB_ATTACHES], (unsigned long long)n[TB_DETACHES],
		       (unsigned long long)n[TB_MMAPS]);
	}
}

static void print_pools(const struct di_system *before, const struct di_system *after,
			const struct render_opts *ro)
{
	if (!before->swiotlb.n_pools)
		return;
	print_heading(ro, "SWIOTLB pools (slabs used)", false);
	for (size_t i = 0; i < before->swiotlb.n_pools; i++) {
		const struct di_swiotlb_pool *p = &before->swiotlb.pools[i], *q = pool_named(after, p->name);

		printf("  %s: ", p->name);
		if (p->used.set)
			printf("%lld before", p->used.v);
		else
			printf("unknown before (%s)", p->used.err ? di_strerror(p->used.err) : "not read");
		if (q && q->used.set)
			printf(", %lld after", q->used.v);
		if (q && q->hiwater.set)
			printf(", high-water %lld", q->hiwater.v);
		if (p->nslabs.set)
			printf(", of %lld", p->nslabs.v);
		printf("\n");
	}
}

static void print_text(const struct di_trace *t, const struct row *rows, size_t n,
		       const struct di_system *before, const struct di_system *after,
		       const struct render_opts *ro)
{
	print_summary(t);
	if (!n)
		printf("\nNo device's DMA was traced.\n");
	for (size_t i = 0; i < n; i++)
		print_row(t, &rows[i], ro);
	print_exporters(t, ro);
	if (before)
		print_pools(before, after, ro);
}

int render_trace(const struct di_trace *t, const struct di_system *before,
		 const struct di_system *after, bool selected, const struct render_opts *ro)
{
	size_t n;
	struct row *rows = rows_of(t, before, selected, &n);
	int err = 0;

	if (ro->json) {
		struct json_object *top = json_new_top();

		json_object_object_add(top, "trace", trace_json(t, rows, n, before, after));
		err = json_print(top);
	} else {
		print_text(t, rows, n, before, after, ro);
		err = ferror(stdout) ? -EIO : 0;
	}
	free(rows);
	return err;
}

void trace_live_clear(void)
{
	printf("\033[H\033[2J");
}

void trace_live_view(struct di_trace *t, const struct di_system *sys, bool selected,
		     const struct render_opts *ro)
{
	size_t n;
	struct row *rows;

	trace_sort(t);
	rows = rows_of(t, sys, selected, &n);
	trace_live_clear();
	print_text(t, rows, n, NULL, NULL, ro);
	printf("\n(counting; Ctrl-C stops)\n");
	fflush(stdout);
	free(rows);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* The trace model: names of the counts, per-device and per-exporter tables. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "model-trace.h"

const char *trace_family_system(enum trace_family f)
{
	static const char *const sys[TF_N] = {
		[TF_DMA] = "dma",
		[TF_SWIOTLB] = "swiotlb",
		[TF_IOMMU] = "iommu",
		[TF_DMA_BUF] = "dma_buf",
	};

	return (unsigned)f < TF_N ? sys[f] : NULL;
}

bool trace_family_counts(enum trace_family f, enum trace_count c)
{
	switch (f) {
	case TF_SWIOTLB:
		return c == TC_BOUNCES || c == TC_BOUNCED_BYTES;
	case TF_IOMMU:
		return c == TC_FAULTS;
	case TF_DMA:
		return c != TC_BOUNCES && c != TC_BOUNCED_BYTES && c != TC_FAULTS && c < TC_N;
	default:
		return false;
	}
}

const char *trace_count_name(enum trace_count c)
{
	static const char *const names[TC_N] = {
		[TC_MAPS_PAGE] = "maps_page",
		[TC_MAPS_SG] = "maps_sg",
		[TC_MAPS_RESOURCE] = "maps_resource",
		[TC_UNMAPS_PAGE] = "unmaps_page",
		[TC_UNMAPS_SG] = "unmaps_sg",
		[TC_UNMAPS_RESOURCE] = "unmaps_resource",
		[TC_MAP_BYTES] = "map_bytes",
		[TC_MAP_ERRORS] = "map_errors",
		[TC_SG_TRUNCATED] = "sg_truncated",
		[TC_SYNCS_FOR_CPU] = "syncs_for_cpu",
		[TC_SYNCS_FOR_DEVICE] = "syncs_for_device",
		[TC_ALLOCS] = "coherent_allocs",
		[TC_ALLOC_BYTES] = "coherent_alloc_bytes",
		[TC_ALLOC_ERRORS] = "coherent_alloc_errors",
		[TC_FREES] = "coherent_frees",
		[TC_FREE_BYTES] = "coherent_free_bytes",
		[TC_BOUNCES] = "bounces",
		[TC_BOUNCED_BYTES] = "bounced_bytes",
		[TC_FAULTS] = "faults",
	};

	return (unsigned)c < TC_N ? names[c] : NULL;
}

const char *trace_buf_count_name(enum trace_buf_count c)
{
	static const char *const names[TB_N] = {
		[TB_EXPORTS] = "exports",
		[TB_EXPORTED_BYTES] = "exported_bytes",
		[TB_ATTACHES] = "attaches",
		[TB_DETACHES] = "detaches",
		[TB_MMAPS] = "mmaps",
	};

	return (unsigned)c < TB_N ? names[c] : NULL;
}

/* Both tables begin with the name: one match function serves them. */
static bool name_match(const void *item, const void *key)
{
	return strcmp(*(char *const *)item, key) == 0;
}

/* The item named NAME in a table, added (size bytes, zeroed) when new. */
static void *table_get(struct hmap *index, void ***items, size_t *n, size_t *cap, size_t size,
		       const char *name)
{
	size_t h = hmap_hash(HMAP_SEED, name, strlen(name));
	char **item = hmap_get(index, h, name_match, name);

	if (item)
		return item;
	item = xcalloc(1, size);
	*item = xstrdup(name);
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*items = xreallocarray(*items, *cap, sizeof(**items));
	}
	(*items)[(*n)++] = item;
	hmap_add(index, h, item);
	return item;
}

struct di_trace_dev *trace_dev(struct di_trace *t, const char *name)
{
	return table_get(&t->dev_index, (void ***)&t->devs, &t->n_devs, &t->cap_devs,
			 sizeof(struct di_trace_dev), name);
}

const struct di_trace_dev *trace_dev_find(const struct di_trace *t, const char *name)
{
	return hmap_get(&t->dev_index, hmap_hash(HMAP_SEED, name, strlen(name)), name_match, name);
}

struct di_trace_exporter *trace_exporter(struct di_trace *t, const char *name)
{
	return table_get(&t->exp_index, (void ***)&t->exps, &t->n_exps, &t->cap_exps,
			 sizeof(struct di_trace_exporter), name);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(**(char **const *)a, **(char **const *)b);
}

void trace_sort(struct di_trace *t)
{
	if (t->n_devs)
		qsort(t->devs, t->n_devs, sizeof(*t->devs), by_name);
	if (t->n_exps)
		qsort(t->exps, t->n_exps, sizeof(*t->exps), by_name);
}

static void free_named(void *item)
{
	free(*(char **)item);
	free(item);
}

void trace_free(struct di_trace *t)
{
	for (int f = 0; f < TF_N; f++) {
		strv_free(&t->fam[f].enabled);
		strv_free(&t->fam[f].unknown);
	}
	hmap_free(&t->dev_index, free_named);
	hmap_free(&t->exp_index, free_named);
	free(t->devs);
	free(t->exps);
	free(t->instance);
	memset(t, 0, sizeof(*t));
}

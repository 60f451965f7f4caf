// SPDX-License-Identifier: LGPL-2.1-or-later
/* What the DMA tracepoints mean for `trace`'s counts; ring buffer statistics. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse/trace-parse.h"

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void set(struct trace_event_class *c, enum trace_family f, int count, int bytes_count,
		enum trace_bytes bytes, const char *dev_field)
{
	memset(c, 0, sizeof(*c));
	c->family = f;
	c->count = count;
	c->bytes_count = bytes_count;
	c->bytes = bytes;
	c->dev_field = dev_field;
	c->fail_count = -1;
}

static void fails(struct trace_event_class *c, const char *field, uint64_t value, int count)
{
	c->fail_field = field;
	c->fail_value = value;
	c->fail_count = count;
}

/* dma_map_page, dma_map_phys (7.x), dma_map_resource, dma_map_sg, dma_map_*_err. */
static bool classify_map(const char *e, struct trace_event_class *c)
{
	if (ends(e, "_err"))
		set(c, TF_DMA, TC_MAP_ERRORS, -1, TBYTES_NONE, "device");
	else if (strcmp(e, "dma_map_sg") == 0)
		set(c, TF_DMA, TC_MAPS_SG, TC_MAP_BYTES, TBYTES_LENGTHS, "device");
	else if (strcmp(e, "dma_map_resource") == 0)
		set(c, TF_DMA, TC_MAPS_RESOURCE, TC_MAP_BYTES, TBYTES_SIZE, "device");
	else if (strcmp(e, "dma_map_page") == 0 || strcmp(e, "dma_map_phys") == 0)
		set(c, TF_DMA, TC_MAPS_PAGE, TC_MAP_BYTES, TBYTES_SIZE, "device");
	else
		return false;
	if (c->count != TC_MAP_ERRORS && c->count != TC_MAPS_SG)
		fails(c, "dma_addr", UINT64_MAX, TC_MAP_ERRORS);
	return true;
}

/* The dma: system (6.12 and later). */
static bool classify_dma(const char *e, struct trace_event_class *c)
{
	if (starts(e, "dma_map_"))
		return classify_map(e, c);
	if (strcmp(e, "dma_unmap_sg") == 0)
		set(c, TF_DMA, TC_UNMAPS_SG, -1, TBYTES_NONE, "device");
	else if (strcmp(e, "dma_unmap_resource") == 0)
		set(c, TF_DMA, TC_UNMAPS_RESOURCE, -1, TBYTES_NONE, "device");
	else if (strcmp(e, "dma_unmap_page") == 0 || strcmp(e, "dma_unmap_phys") == 0)
		set(c, TF_DMA, TC_UNMAPS_PAGE, -1, TBYTES_NONE, "device");
	else if (starts(e, "dma_sync_") && ends(e, "_for_cpu"))
		set(c, TF_DMA, TC_SYNCS_FOR_CPU, -1, TBYTES_NONE, "device");
	else if (starts(e, "dma_sync_") && ends(e, "_for_device"))
		set(c, TF_DMA, TC_SYNCS_FOR_DEVICE, -1, TBYTES_NONE, "device");
	else if (starts(e, "dma_alloc") && ends(e, "_err"))
		set(c, TF_DMA, TC_ALLOC_ERRORS, -1, TBYTES_NONE, "device");
	else if (strcmp(e, "dma_alloc") == 0 || strcmp(e, "dma_alloc_pages") == 0 ||
		 strcmp(e, "dma_alloc_sgt") == 0)
		set(c, TF_DMA, TC_ALLOCS, TC_ALLOC_BYTES, TBYTES_SIZE, "device");
	else if (strcmp(e, "dma_free") == 0 || strcmp(e, "dma_free_pages") == 0 ||
		 strcmp(e, "dma_free_sgt") == 0)
		set(c, TF_DMA, TC_FREES, TC_FREE_BYTES, TBYTES_SIZE, "device");
	else
		return false;
	/* dma_alloc_attrs() traces a failed allocation with a NULL virt_addr. */
	if (strcmp(e, "dma_alloc") == 0)
		fails(c, "virt_addr", 0, TC_ALLOC_ERRORS);
	return true;
}

/* The dma_buf: system (7.x): counts per exporter. */
static bool classify_dma_buf(const char *e, struct trace_event_class *c)
{
	if (strcmp(e, "dma_buf_export") == 0)
		set(c, TF_DMA_BUF, TB_EXPORTS, TB_EXPORTED_BYTES, TBYTES_SIZE, NULL);
	else if (strcmp(e, "dma_buf_attach") == 0 || strcmp(e, "dma_buf_dynamic_attach") == 0)
		set(c, TF_DMA_BUF, TB_ATTACHES, -1, TBYTES_NONE, NULL);
	else if (strcmp(e, "dma_buf_detach") == 0)
		set(c, TF_DMA_BUF, TB_DETACHES, -1, TBYTES_NONE, NULL);
	else if (strcmp(e, "dma_buf_mmap") == 0 || strcmp(e, "dma_buf_mmap_internal") == 0)
		set(c, TF_DMA_BUF, TB_MMAPS, -1, TBYTES_NONE, NULL);
	else
		return false;
	c->exp_field = "exp_name";
	return true;
}

bool trace_event_classify(const char *system, const char *event, struct trace_event_class *c)
{
	if (strcmp(system, "dma") == 0)
		return classify_dma(event, c);
	if (strcmp(system, "dma_buf") == 0)
		return classify_dma_buf(event, c);
	if (strcmp(system, "swiotlb") == 0 && strcmp(event, "swiotlb_bounced") == 0) {
		set(c, TF_SWIOTLB, TC_BOUNCES, TC_BOUNCED_BYTES, TBYTES_SIZE, "dev_name");
		return true;
	}
	if (strcmp(system, "iommu") == 0 && strcmp(event, "io_page_fault") == 0) {
		set(c, TF_IOMMU, TC_FAULTS, -1, TBYTES_NONE, "device");
		return true;
	}
	return false;
}

/* The number after "KEY: " at the start of a line of text; false when absent. */
static bool stats_value(const char *text, const char *key, uint64_t *v)
{
	size_t n = strlen(key);

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char *end;

		if (strncmp(l, key, n) != 0 || l[n] != ':')
			continue;
		errno = 0;
		*v = strtoull(l + n + 1, &end, 10);
		return errno == 0 && end != l + n + 1 && (*end == '\n' || *end == '\0');
	}
	return false;
}

int trace_stats_lost(const char *text, uint64_t *lost)
{
	uint64_t overrun = 0, dropped = 0;
	bool o = stats_value(text, "overrun", &overrun);
	bool d = stats_value(text, "dropped events", &dropped);

	if (!o && !d)
		return -EINVAL;
	*lost = overrun + dropped < overrun ? UINT64_MAX : overrun + dropped;
	return 0;
}

bool trace_instance_pid(const char *name, const char *prefix, long *pid)
{
	size_t n = strlen(prefix);
	char *end;

	if (strncmp(name, prefix, n) != 0 || name[n] < '1' || name[n] > '9')
		return false;
	errno = 0;
	*pid = strtol(name + n, &end, 10);
	return errno == 0 && *end == '\0' && *pid > 0 && *pid <= 0x7fffffffL;
}

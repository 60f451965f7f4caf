/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The trace part of the model: what `trace` counted from the kernel's DMA
 * tracepoints, per device and per dma-buf exporter. Plain data, no I/O.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "shared/hashmap.h"

/* What one event adds to a device's counts. */
enum trace_count {
	TC_MAPS_PAGE,		/* dma_map_page (6.12), dma_map_phys (7.x) */
	TC_MAPS_SG,
	TC_MAPS_RESOURCE,
	TC_UNMAPS_PAGE,
	TC_UNMAPS_SG,
	TC_UNMAPS_RESOURCE,
	TC_MAP_BYTES,
	TC_MAP_ERRORS,
	TC_SG_TRUNCATED,	/* dma_map_sg events whose lengths the kernel cut short */
	TC_SYNCS_FOR_CPU,
	TC_SYNCS_FOR_DEVICE,
	TC_ALLOCS,
	TC_ALLOC_BYTES,
	TC_ALLOC_ERRORS,
	TC_FREES,
	TC_FREE_BYTES,
	TC_BOUNCES,
	TC_BOUNCED_BYTES,
	TC_FAULTS,
	TC_N
};

/* What one dma_buf: event adds to its exporter's counts (7.x). */
enum trace_buf_count {
	TB_EXPORTS,
	TB_EXPORTED_BYTES,
	TB_ATTACHES,
	TB_DETACHES,
	TB_MMAPS,
	TB_N
};

/* The event families: each a tracefs system, or one event of one. */
enum trace_family {
	TF_DMA,			/* dma: (6.12 and later) */
	TF_SWIOTLB,		/* swiotlb:swiotlb_bounced */
	TF_IOMMU,		/* iommu:io_page_fault */
	TF_DMA_BUF,		/* dma_buf: (7.x) */
	TF_N
};

/* The tracefs system a family lives in, and the counts it feeds. */
const char *trace_family_system(enum trace_family f);
/* Whether a family, when its events are missing, leaves count c uncounted. */
bool trace_family_counts(enum trace_family f, enum trace_count c);
/* JSON keys: "maps_page", ...; "exports", .... */
const char *trace_count_name(enum trace_count c);
const char *trace_buf_count_name(enum trace_buf_count c);

struct di_trace_dev {
	char *name;		/* the device's name in the events: its sysfs name */
	uint64_t n[TC_N];
};

struct di_trace_exporter {
	char *name;		/* exp_name */
	uint64_t n[TB_N];
};

struct di_trace_family {
	bool available;		/* tracefs lists the family's events */
	struct strv enabled;	/* "system:event" counted */
	struct strv unknown;	/* events of the system this version does not count */
};

struct di_trace {
	struct di_trace_family fam[TF_N];
	struct di_trace_dev **devs;
	size_t n_devs, cap_devs;
	struct hmap dev_index;
	struct di_trace_exporter **exps;
	size_t n_exps, cap_exps;
	struct hmap exp_index;
	uint64_t events;		/* events read */
	uint64_t lost;			/* events the ring buffers overwrote or dropped */
	int lost_err;			/* why lost could not be read */
	size_t buffer_kb;		/* ring buffer per CPU */
	char *instance;			/* the tracefs instance's name */
	double seconds;			/* how long events were counted */
	char **command;			/* NULL: counted for a time or until interrupted */
	int command_status;		/* its exit status, as a shell reports it */
	bool interrupted;		/* ended by SIGINT or SIGTERM */
};

/* The counts of device NAME, added when new. */
struct di_trace_dev *trace_dev(struct di_trace *t, const char *name);
/* The counts of device NAME, or NULL when it had no event. */
const struct di_trace_dev *trace_dev_find(const struct di_trace *t, const char *name);
struct di_trace_exporter *trace_exporter(struct di_trace *t, const char *name);
/* Devices and exporters in name order. */
void trace_sort(struct di_trace *t);
void trace_free(struct di_trace *t);

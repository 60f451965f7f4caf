/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pure parsers for `trace`: what a tracepoint's name means for the counts,
 * and the ring buffer's per-CPU statistics. No I/O.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "model-trace.h"

/* Where an event's byte count comes from. */
enum trace_bytes {
	TBYTES_NONE,
	TBYTES_SIZE,		/* the "size" field */
	TBYTES_LENGTHS,		/* the sum of the "lengths" array (dma_map_sg) */
};

/* What one tracepoint adds, by its system and name. */
struct trace_event_class {
	enum trace_family family;
	int count;		/* enum trace_count, or trace_buf_count for TF_DMA_BUF */
	int bytes_count;	/* where the bytes go; -1: nowhere */
	enum trace_bytes bytes;
	const char *dev_field;	/* field naming the device; NULL: none */
	const char *exp_field;	/* field naming the exporter (dma_buf:); NULL: none */
	/*
	 * A failure the event reports in a field (a dma_addr of ~0,
	 * DMA_MAPPING_ERROR; a virt_addr of NULL): when fail_field holds
	 * fail_value, fail_count is counted instead. NULL: none.
	 */
	const char *fail_field;
	uint64_t fail_value;
	int fail_count;
};

/*
 * Classify SYSTEM:EVENT by its name, as 6.1 to 7.x spell them (dma_map_page
 * and dma_map_phys alike). False for an event no count takes.
 */
bool trace_event_classify(const char *system, const char *event, struct trace_event_class *c);

/*
 * Events a ring buffer lost, from the text of per_cpu/cpuN/stats: its
 * "overrun" (overwritten) plus "dropped events" (not written). -EINVAL
 * when the text has neither line.
 */
int trace_stats_lost(const char *text, uint64_t *lost);

/* Whether NAME is "PREFIX<pid>" for a decimal pid; the pid in *pid. */
bool trace_instance_pid(const char *name, const char *prefix, long *pid);

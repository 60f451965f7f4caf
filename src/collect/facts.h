/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * System-wide DMA facts: the kernel command line, the kernel log, IOMMU
 * units and policy, SWIOTLB pools, memory encryption, the top of RAM.
 * collect_facts() reads them all and hands the text to the pure parsers of
 * parse/parse.h and parse/kmsg.h, which the unit tests call directly.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "parse/parse.h"

/*
 * Fill in sys->units (collect_units() listed them); fill cmdline, kmsg, iommu,
 * faults, swiotlb, memenc, ram.
 */
void collect_facts(struct di_system *sys);

/* What the kernel log says about IOMMU units. */
struct unit_log {
	const struct efr_seen *efr;
	size_t n_efr;
	const struct smmu_seen *smmu;
	size_t n_smmu;
};

void collect_iommu_units(struct di_system *sys, const struct unit_log *log);

/* What the kernel log says about the default SWIOTLB pool. */
struct swiotlb_log {
	bool mapped;		/* "software IO TLB: mapped [mem START-END] (NMB)" */
	bool torn_down;		/* "software IO TLB: tearing down default memory pool" */
	uint64_t start, end, mb;
};

void collect_swiotlb(struct di_system *sys, const struct swiotlb_log *log);
void collect_ram(struct di_system *sys);


/* Reserved-memory DMA pools of the device tree (rmem.c). */
void collect_rmem(struct di_system *sys);
/* The log's "Reserved memory: created ... at BASE" and "initialized node NAME" lines. */
void rmem_log_created(struct di_system *sys, const char *line, uint64_t base);
void rmem_log_initialized(struct di_system *sys, const char *line, const char *node);
/* Each device's memory regions, once the pools and the log are read. */
void rmem_collect_devices(struct di_system *sys);



/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * System-wide DMA facts: the kernel command line, the kernel log, IOMMU
 * units and policy, SWIOTLB pools, memory encryption, the top of RAM.
 * collect_facts() reads them all; the functions marked pure do no I/O and
 * are what the unit tests call.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "parse/parse.h"

/* Fill sys->units, cmdline, kmsg, iommu, faults, swiotlb, memenc, ram. */
int collect_facts(struct di_system *sys);

/* Pure: Intel VT-d cap and ecap registers. */
void iommu_decode_intel(uint64_t cap, uint64_t ecap, struct di_iommu_caps *c);
/* Pure: AMD-Vi IOMMU capability header (cap) and extended features (EFR). */
void iommu_decode_amd(const struct uval *cap, const struct uval *efr, struct di_iommu_caps *c);

/* An "AMD-Vi: Extended features (EFR, EFR2)" line of the kernel log. */
struct efr_seen {
	uint64_t efr, efr2;
	bool has_efr2;
};

/*
 * Pure: tell EFR from EFR2 in amd-iommu/features ("EFR" before 6.1, "EFR2:EFR"
 * in 6.1, "EFR:EFR2" in 6.12). Sets u->efr/efr2 and u->caps_source, or
 * u->caps_error when the order cannot be told.
 */
int amd_features_split(const char *raw, const struct efr_seen *log, size_t n_log,
		       struct di_iommu_unit *u);

/* Pure: reserved_regions text into regions; malformed lines are skipped. */
int parse_reserved_regions(const char *text, struct di_resv **out, size_t *n);


/*
 * What an SMMU's probe said in the kernel log: SMMUv3's "ias N-bit, oas
 * M-bit (features 0x...)" line, or arm-smmu's (v1/v2) report, a line a feature.
 */
struct smmu_seen {
	char dev[64];
	bool v3;
	unsigned int ias, oas;		/* v3 */
	uint32_t features;		/* v3 */
	int version;			/* v1/v2: 1, 2; 0 unknown */
	bool s1, s2, nested;		/* v1/v2: the report's lines */
	int walk;			/* v1/v2: 1 coherent, 0 non-coherent, -1 not said */
	unsigned int s1_va, s1_ipa, s2_ipa, s2_pa;
	char line[192];			/* v3: the probe line */
};

/* What the kernel log says about IOMMU units. */
struct unit_log {
	const struct efr_seen *efr;
	size_t n_efr;
	const struct smmu_seen *smmu;
	size_t n_smmu;
};

/* Pure: an SMMU's capabilities from its probe lines (v3: ARM_SMMU_FEAT_* of 6.12). */
void iommu_decode_smmu(const struct smmu_seen *s, struct di_iommu_caps *c);

int collect_iommu_units(struct di_system *sys, const struct unit_log *log);
int collect_reserved_regions(struct di_system *sys);


/* What the kernel log says about the default SWIOTLB pool. */
struct swiotlb_log {
	bool mapped;		/* "software IO TLB: mapped [mem START-END] (NMB)" */
	bool torn_down;		/* "software IO TLB: tearing down default memory pool" */
	uint64_t start, end, mb;
};

int collect_swiotlb(struct di_system *sys, const struct swiotlb_log *log);
int collect_ram(struct di_system *sys);


/* Reserved-memory DMA pools of the device tree (rmem.c). */
int collect_rmem(struct di_system *sys);
/* The log's "Reserved memory: created ... at BASE" and "initialized node NAME" lines. */
int rmem_log_created(struct di_system *sys, const char *line, uint64_t base);
int rmem_log_initialized(struct di_system *sys, const char *line, const char *node);
/* Each device's memory regions, once the pools and the log are read. */
int rmem_collect_devices(struct di_system *sys);



/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pure parsers of kernel text that fill the model directly: no I/O, text
 * in, values out, so that the collectors, the unit tests and the fuzz
 * targets (tests/fuzz/) call them alike. The kernel log's parsers are in
 * kmsg.h, the dma-buf ones in dmabuf-parse.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model.h"

/* Parse a kernel command line into c (whose raw is left alone). */
void cmdline_parse(const char *s, struct di_cmdline *c);

/* Reserved_regions text into regions; malformed lines are skipped. */
void parse_reserved_regions(const char *text, struct di_resv **out, size_t *n);

/* Highest end among /proc/iomem's top-level lines; -EPERM when hidden. */
int iomem_top(const char *text, uint64_t *top);

/*
 * The upstream version from the release ("6.12.9-amd64") and, where given,
 * the utsname version or boot banner ("... Debian 6.1.192-2 ..."), which
 * version_src names.
 */
int kernel_version_parse(const char *release, const char *version, const char *version_src,
			 struct di_kver *kv);

/* A whole hexadecimal number as sysfs prints a register ("0x" optional). */
bool parse_u64_hex(const char *s, uint64_t *v);

/* The ids of a PCI function, as its attributes print them. */
struct pci_ids {
	unsigned int vendor, device, subsystem_vendor, subsystem_device;
	unsigned int class;	/* base class, subclass, programming interface */
};

/*
 * A PCI function's modalias ("pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X",
 * pci_uevent() and modalias_show()), printed from the very fields its vendor,
 * device, subsystem_vendor, subsystem_device and class attributes print.
 * False, ids unspecified, when S is not exactly that.
 */
bool parse_pci_modalias(const char *s, struct pci_ids *ids);

/*
 * Device-tree properties (parse/dt.c). Whether the list of NUL-terminated
 * strings [s, s + n) holds WANT (the last string may end at n instead).
 */
bool dt_strlist_has(const char *s, size_t n, const char *want);
/* CELLS (1 or 2) big-endian 32-bit cells at p as one number; false when they overrun n. */
bool dt_cells(const unsigned char *p, size_t n, uint32_t cells, uint64_t *v);
/*
 * A reserved-memory node's range from its "reg" (N_REG bytes; < 0 absent):
 * its first entry of AC address and SC size cells, else from its "size"
 * (allocated at boot, no fixed start). What cannot be read stays unset.
 */
void dt_rmem_range(const unsigned char *reg, ssize_t n_reg, const unsigned char *size,
		   ssize_t n_size, uint32_t ac, uint32_t sc, struct uval *start, struct uval *len);

/* Intel VT-d cap and ecap registers. */
void iommu_decode_intel(uint64_t cap, uint64_t ecap, struct di_iommu_caps *c);
/* AMD-Vi IOMMU capability header (cap) and extended features (EFR). */
void iommu_decode_amd(const struct uval *cap, const struct uval *efr, struct di_iommu_caps *c);

/* An "AMD-Vi: Extended features (EFR, EFR2)" line of the kernel log. */
struct efr_seen {
	uint64_t efr, efr2;
	bool has_efr2;
};

/*
 * Tell EFR from EFR2 in amd-iommu/features ("EFR" before 6.1, "EFR2:EFR" in
 * 6.1, "EFR:EFR2" in 6.12). Sets u->efr/efr2 and u->caps_source, or
 * u->caps_error when the order cannot be told.
 */
void amd_features_split(const char *raw, const struct efr_seen *log, size_t n_log,
			struct di_iommu_unit *u);

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

/* An SMMU's capabilities from its probe lines (v3: ARM_SMMU_FEAT_* of 6.12). */
void iommu_decode_smmu(const struct smmu_seen *s, struct di_iommu_caps *c);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel log: splitting /dev/kmsg records or dmesg text into lines, and
 * one pure parser per kind of line dmainspect understands. Every parser
 * returns false for a line that does not match its format exactly; a
 * truncated or garbled line is skipped, never half-parsed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kmsg_line {
	const char *text;	/* NUL-terminated, without the record prefix */
	long long usec;		/* timestamp in microseconds, -1 when the line has none */
};

/*
 * Iterate over the lines of buf (modified in place: line ends become NULs).
 * Accepts /dev/kmsg records "pri,seq,usec,flags;text" (continuation lines
 * starting with a space are skipped, so are records of a facility other
 * than the kernel's), dmesg lines "[    1.234567] text" with an optional
 * "<N>" level prefix, and plain lines without a timestamp.
 */
struct kmsg_iter {
	char *p, *end;
};

void kmsg_iter_init(struct kmsg_iter *it, char *buf, size_t len);
bool kmsg_next(struct kmsg_iter *it, struct kmsg_line *l);

/* "Linux version ...": the first line of a boot. */
bool kmsg_is_boot_banner(const char *text);

/* "iommu: Default domain type: Translated (set via kernel command line)" */
bool kmsg_parse_default_domain(const char *text, char *type, size_t cap, bool *by_cmdline);

/* "iommu: DMA domain TLB invalidation policy: lazy mode (set via ...)" */
bool kmsg_parse_tlb_policy(const char *text, bool *strict, bool *by_cmdline);

enum kmsg_fault_kind {
	FAULT_INTEL_DMAR,
	FAULT_AMD_VI,
	FAULT_ARM_SMMU,
	FAULT_ARM_SMMU_V3,
};

struct kmsg_fault {
	enum kmsg_fault_kind kind;
	char device[64];	/* as the line names it: "00:02.0", "0000:03:00.0", "arm-smmu.0" */
	char access[8];		/* "read", "write" or "" */
	char detail[96];	/* fault reason or flags, raw */
	uint64_t addr;
	bool has_addr;
};

/* "DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x... [fault reason 0x05] ..." */
bool kmsg_parse_dmar_fault(const char *text, struct kmsg_fault *f);
/* "... AMD-Vi: Event logged [IO_PAGE_FAULT device=00:01.0 domain=0x0001 address=0x... flags=0x0020]" */
bool kmsg_parse_amd_fault(const char *text, struct kmsg_fault *f);
/*
 * "arm-smmu X: Unhandled context fault: fsr=0x402, iova=0x..., fsynr=..., cbfrsynra=0x.., cb=3",
 * "arm-smmu-v3 X: event: F_TRANSLATION client: 0000:01:00.0 sid: 0x100 ssid: 0x0 iova: 0x... ...",
 * "arm-smmu-v3 X: event 0x10 received:"
 */
bool kmsg_parse_smmu_fault(const char *text, struct kmsg_fault *f);

/* "software IO TLB: mapped [mem 0x...-0x...] (64MB)": end exclusive. */
bool kmsg_parse_swiotlb_mapped(const char *text, uint64_t *start, uint64_t *end, uint64_t *mb);

struct kmsg_swiotlb_full {
	char device[64];	/* from the dev_printk prefix; "" when none */
	uint64_t size;		/* request, bytes */
	uint64_t total, used;	/* slots, when the line has them */
	bool has_slots;
};

/* "<drv> <dev>: swiotlb buffer is full (sz: 65536 bytes), total 32768 (slots), used 32700 (slots)" */
bool kmsg_parse_swiotlb_full(const char *text, struct kmsg_swiotlb_full *f);

enum {
	MEMENC_SME = 1 << 0,
	MEMENC_SEV = 1 << 1,
	MEMENC_SEV_ES = 1 << 2,
	MEMENC_SEV_SNP = 1 << 3,
	MEMENC_TDX = 1 << 4,
};

/*
 * "Memory Encryption Features active: AMD SEV SEV-ES", "... active: Intel TDX",
 * older "AMD Memory Encryption Features active: SEV", "tdx: Guest detected".
 * Returns a MEMENC_* mask, 0 when the line is not one of these.
 */
unsigned int kmsg_parse_mem_encrypt(const char *text);

/* "AMD-Vi: Extended features (0x..., 0x...):": EFR and, when printed, EFR2. */
bool kmsg_parse_amd_efr(const char *text, uint64_t *efr, uint64_t *efr2, bool *has_efr2);

/* Log lines that shape the IOMMU policy, kept verbatim as evidence. */
bool kmsg_is_iommu_policy_line(const char *text);

/* "PCI-DMA: Using software bounce buffering for IO (SWIOTLB)" */
bool kmsg_is_swiotlb_in_use(const char *text);

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
	FAULT_INTEL_IR,		/* interrupt remapping: a blocked interrupt request */
};

/* Which SMMUv3 line a fault came from; events span several lines. */
enum kmsg_smmu_v3_line {
	V3_NONE,
	V3_RAW,			/* "event 0x10 received:", raw dwords follow */
	V3_IOVA,		/* 6.15+: "event: NAME client: ... iova: ... ipa: ...", an access line follows */
	V3_FETCH,		/* 6.15+: "... fetch_addr: ..." (STE, CD, VMS fetch faults) */
	V3_PLAIN,		/* 6.15+: "... ssid: ..." and nothing more */
};

struct kmsg_fault {
	enum kmsg_fault_kind kind;
	enum kmsg_smmu_v3_line v3;
	char device[64];	/* as the line names it: "00:02.0", "0000:03:00.0", "arm-smmu.0" */
	char iommu[64];		/* the IOMMU that logged it, where the prefix names it */
	char access[8];		/* "read", "write" or "" */
	char detail[112];	/* fault reason or flags, raw */
	uint64_t addr;
	bool has_addr;
	long long usec;		/* set by kmsg_smmu_feed(): when the event's first line came */
};

/*
 * "DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x... [fault reason 0x05] ...",
 * "DMAR: [INTR-REMAP] Request device [f0:1f.0] fault index 0x0 [fault reason 0x25] ...";
 * 7.x prints the PCI segment: "[0000:00:02.0]".
 */
bool kmsg_parse_dmar_fault(const char *text, struct kmsg_fault *f);
/* "... AMD-Vi: Event logged [IO_PAGE_FAULT device=00:01.0 domain=0x0001 address=0x... flags=0x0020]" */
bool kmsg_parse_amd_fault(const char *text, struct kmsg_fault *f);
/*
 * "arm-smmu X: Unhandled context fault: fsr=0x402, iova=0x..., fsynr=..., cbfrsynra=0x.., cb=3",
 * "arm-smmu-v3 X: event: F_TRANSLATION client: 0000:01:00.0 sid: 0x100 ssid: 0x0 iova: 0x... ...",
 * "arm-smmu-v3 X: event 0x10 received:"
 */
bool kmsg_parse_smmu_fault(const char *text, struct kmsg_fault *f);

/* SMMUv3 raw event dword: "arm-smmu-v3 X: \t0x%016llx" (/dev/kmsg escapes the tab: "\\x09"). */
bool kmsg_parse_smmu_dword(const char *text, char *smmu, size_t cap, uint64_t *v);
/* SMMUv3 (6.15+) line after an iova event: "unpriv data read s1 \"...\" stag: 0x0". */
bool kmsg_parse_smmu_access(const char *text, char *smmu, size_t cap, char access[8]);

/*
 * An SMMUv3 event spans lines: "event 0x10 received:" and four raw dwords,
 * then on 6.15 and later a decoded line naming the client device and, after
 * an iova event, a line with the access. Each event is one fault.
 */
struct kmsg_smmu_block {
	bool open;		/* an event awaits the lines that complete it */
	bool decoded;		/* its decoded line came: only the access line may follow */
	int n_raw;
	uint64_t raw[4];
	struct kmsg_fault f;
};

/*
 * Feed one line. Completed faults land in out (at most two: the event the
 * line ends, and the line's own). Returns how many, or -1 when the line is
 * no SMMUv3 event line.
 */
int kmsg_smmu_feed(struct kmsg_smmu_block *b, const char *text, long long usec,
		   struct kmsg_fault out[2]);
/* The end of the log: the open event, if any, is complete. */
bool kmsg_smmu_end(struct kmsg_smmu_block *b, struct kmsg_fault *out);

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

/*
 * arm_smmu_device_hw_probe(): "arm-smmu-v3 9050000.smmuv3: ias 44-bit, oas
 * 44-bit (features 0x00008305)", from 7.x "... oas 44-bit (features
 * 0x01008305)" (ias is then 0): dev is the SMMU's device.
 */
bool kmsg_parse_smmu_v3_features(const char *text, char *dev, size_t cap, unsigned int *ias,
				 unsigned int *oas, uint32_t *features);

enum kmsg_smmu_v2_item {
	V2_NONE,
	V2_VERSION,		/* "SMMUv2 with:": a = 1 or 2 */
	V2_S1,			/* "\tstage 1 translation" */
	V2_S2,			/* "\tstage 2 translation" */
	V2_NESTED,		/* "\tnested translation" */
	V2_WALK,		/* "\tcoherent table walk": a = 1; "\tnon-coherent ...": a = 0 */
	V2_S1_BITS,		/* "\tStage-1: 48-bit VA -> 48-bit IPA": a, b */
	V2_S2_BITS,		/* "\tStage-2: 48-bit IPA -> 48-bit PA": a, b */
};

/*
 * arm_smmu_device_cfg_probe() (arm-smmu, SMMU v1/v2) reports one feature a
 * line, each "arm-smmu DEV: \t..." (/dev/kmsg escapes the tab as "\x09").
 */
enum kmsg_smmu_v2_item kmsg_parse_smmu_v2_probe(const char *text, char *dev, size_t cap,
						unsigned int *a, unsigned int *b);

/* Log lines that shape the IOMMU policy, kept verbatim as evidence. */
bool kmsg_is_iommu_policy_line(const char *text);

/* "PCI-DMA: Using software bounce buffering for IO (SWIOTLB)" */
bool kmsg_is_swiotlb_in_use(const char *text);

/*
 * "software IO TLB: Memory encryption is active and system is using DMA
 * bounce buffers" (kernel/dma/swiotlb.c, once, at the first bounce while
 * CC_ATTR_MEM_ENCRYPT holds).
 */
bool kmsg_is_memenc_bounce(const char *text);

enum kmsg_vmw_mode {
	VMW_COHERENT,		/* "Using coherent TTM pages." */
	VMW_POPULATE,		/* "Caching DMA mappings." */
	VMW_BIND,		/* "Giving up DMA mappings early." */
	VMW_PHYS,		/* before 5.x: "Using physical TTM page addresses." */
};

/*
 * vmw_dma_select_mode(): "vmwgfx 0000:00:0f.0: [drm] DMA map mode: Caching
 * DMA mappings." (drm_info), or without the device prefix (older DRM_INFO).
 * dev is "" when the line names no device.
 */
bool kmsg_parse_vmwgfx_mode(const char *text, char *dev, size_t cap, enum kmsg_vmw_mode *mode);

/*
 * Device-tree DMA configuration (kmsg-dt.c).
 *
 * of_dma_configure_id()'s dev_dbg, printed only with dynamic debug
 * (dyndbg="file drivers/of/device.c +p"): "<drv> <dev>: device is dma
 * coherent", "... device is not dma coherent".
 */
bool kmsg_parse_dt_coherent(const char *text, char *dev, size_t cap, bool *coherent);

/*
 * of_reserved_mem_device_init_by_idx(): "<drv> <dev>: assigned reserved
 * memory node NAME" (a restricted pool set up by of_dma_configure(), or a
 * pool the driver took).
 */
bool kmsg_parse_rmem_assigned(const char *text, char *dev, size_t cap, char *node, size_t ncap);

enum kmsg_rmem_kind {
	RMEM_COHERENT,		/* "created DMA memory pool": shared-dma-pool */
	RMEM_RESTRICTED,	/* "created restricted DMA pool": restricted-dma-pool */
	RMEM_CMA,		/* "created CMA memory pool": shared-dma-pool, reusable */
};

/* "Reserved memory: created DMA memory pool at 0x..., size 4 MiB" and kin. */
bool kmsg_parse_rmem_created(const char *text, enum kmsg_rmem_kind *kind, uint64_t *base,
			     uint64_t *mib);

/* "OF: reserved mem: initialized node NAME, compatible id COMPATIBLE" */
bool kmsg_parse_rmem_initialized(const char *text, char *node, size_t ncap, char *compat,
				 size_t ccap);

/*
 * arm64's mem_init() with DMA_BOUNCE_UNALIGNED_KMALLOC: "software IO TLB:
 * SWIOTLB bounce buffer size adjusted to 1MB" (swiotlb_adjust_size()).
 */
bool kmsg_parse_swiotlb_adjusted(const char *text, uint64_t *mb);

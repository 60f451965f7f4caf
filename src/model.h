/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The in-memory model: collectors fill it, the advisor reads it, renderers
 * print it. Plain data, no I/O.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rootfs.h"
#include "shared/errors.h"
#include "shared/strv.h"
#include "shared/xalloc.h"

/*
 * A value that may be unknown. err == 0 && !set: does not apply (JSON null,
 * no error); err != 0: could not be read (JSON null plus "*_error").
 */
struct ival {
	long long v;
	int err;
	bool set;
};

struct sval {
	char *s;
	int err;
};


enum dma_path {
	PATH_UNKNOWN = 0,
	PATH_DIRECT,
	PATH_IOMMU_LAZY,
	PATH_IOMMU_STRICT,
	PATH_BOUNCE,
	PATH_OWNED,
	PATH_BLOCKED,
};

enum dma_mode {
	MODE_UNKNOWN = 0,
	MODE_ALLOC_COHERENT,
	MODE_MAP_BIND,
	MODE_MAP_POPULATE,
	MODE_NOT_APPLICABLE,
};

/* What a driver with a known decision procedure will itself choose. */
struct di_prediction {
	const char *driver;	/* NULL: no procedure known for this device's driver */
	enum dma_mode mode;	/* MODE_UNKNOWN with err set when it cannot be told */
	int err;
	const char *source;	/* "kernel log": the driver logged its choice; "prediction" */
	struct strv reasons;
	char *differs;		/* why it differs from the advice, NULL when it agrees */
};

struct advice {
	enum dma_path path;
	enum dma_mode mode;
	struct strv reasons;	/* each fact used, with its source */
	struct strv notes;
	struct di_prediction prediction;
};

struct di_device {
	char *name;		/* sysfs name: "0000:00:02.0" */
	char *path;		/* canonical: "/sys/devices/pci0000:00/0000:00:02.0" */
	char *bus;		/* subsystem: "pci", "platform", ... */
	struct ival vendor_id, device_id, subsystem_vendor_id, subsystem_device_id;
	struct ival class_id, revision;
	struct sval vendor_name, device_name;
	struct sval modalias;
	struct sval driver, module, module_state;
	struct ival iommu_group;
	struct sval iommu_domain;	/* raw group type: "DMA-FQ" */
	struct sval iommu_unit;
	struct ival dma_mask_bits, coherent_dma_mask_bits;
	struct ival numa_node;
	struct sval removable;
	struct sval of_node;		/* device-tree node path, when any */
	struct sval dma_of_node;	/* node DMA is configured from (PCI: the host bridge's) */
	struct ival dt_coherent;	/* bool */
	struct sval dt_coherent_from;	/* node carrying the property, or "default" */
	struct ival dt_coherent_log;	/* bool: "device is (not) dma coherent" (dynamic debug) */
	struct strv memory_regions;	/* reserved-memory nodes of its memory-region (own node, else DMA node) */
	struct strv rmem_assigned;	/* kernel log: "assigned reserved memory node NAME" */
	struct sval restricted_pool;	/* the restricted DMA pool its DMA bounces through */
	struct sval coherent_pool;	/* a shared-dma-pool its own node declares */
	struct strv drm_nodes;
	struct strv module_params;	/* "name=value", for drivers with a known procedure */
	int module_params_err;
	char *logged_mode_line;		/* the driver's own log line saying its choice, or NULL */
	enum dma_mode logged_mode;	/* what it says; MODE_UNKNOWN for a mode outside ours */
	struct advice advice;
};

/* An unsigned 64-bit value that may be unknown: addresses, registers. */
struct uval {
	uint64_t v;
	int err;
	bool set;
};

/* One line of a group's reserved_regions: start, INCLUSIVE end, type. */
struct di_resv {
	uint64_t start, end;
	char *type;		/* "direct", "direct-relaxable", "reserved", "msi" */
};

struct di_group {
	int id;
	struct sval type;
	struct strv devices;
	const char *type_meaning;	/* decoded type, e.g. "translated, lazy invalidation" */
	struct di_resv *resv;
	size_t n_resv;
	int resv_err;			/* why reserved_regions could not be read */
};

/* Capabilities of an IOMMU unit that matter for DMA, decoded from its registers. */
struct di_iommu_caps {
	struct ival max_address_bits;	/* Intel MGAW; AMD from HATS; SMMUv3 IAS */
	struct ival output_address_bits;	/* SMMUv3 OAS */
	struct ival guest_address_bits;	/* AMD GATS */
	struct ival pass_through;	/* Intel ecap PT */
	struct ival scalable_mode;	/* Intel ecap SMTS */
	struct ival nested;		/* Intel ecap NEST; AMD EFR GT */
	struct ival first_level;	/* Intel ecap FLTS */
	struct ival second_level;	/* Intel ecap SLTS */
	struct ival page_request;	/* Intel ecap PRS; AMD EFR PPR */
	struct ival pasid;		/* Intel ecap PASID; AMD EFR GT with PASMAX */
	struct ival pasid_bits;
	struct ival device_iotlb;	/* ATS: Intel ecap DT; AMD cap IOTLB */
	struct ival snoop_control;	/* Intel ecap SC */
	struct ival page_walk_coherent;	/* Intel ecap C */
	struct ival caching_mode;	/* Intel cap CM: a virtualized IOMMU */
	struct ival domains;		/* Intel cap ND */
	struct ival superpage_2m, superpage_1g;	/* Intel cap SLLPS */
	struct ival snp;		/* AMD EFR SNP */
	int widths[5];			/* Intel SAGAW: page-table address widths */
	size_t n_widths;
};

struct di_iommu_unit {
	char *name;			/* "dmar0", "ivhd0", "smmu3.0x0000000009050000" */
	const char *kind;		/* "intel-vt-d", "amd-vi", "arm-smmu-v3", "arm-smmu-v2", "other" */
	struct sval parent;		/* device the unit belongs to; null for virtual units */
	struct sval version;		/* Intel intel-iommu/version */
	struct sval cap, ecap;		/* Intel cap/ecap, AMD cap: raw hex */
	struct sval features;		/* AMD amd-iommu/features; SMMUv3 features word of the log: raw */
	struct uval efr, efr2;		/* AMD extended features, once their order is known */
	char *caps_source;		/* what the decoded capabilities come from */
	char *caps_error;		/* why they could not be decoded */
	struct di_iommu_caps caps;
	struct strv devices;
	int devices_err;		/* why devices/ could not be listed */
};

/* What the kernel command line asks for, among the words dmainspect knows. */
struct di_cmdline {
	struct sval raw;		/* /proc/cmdline */
	struct strv words;		/* the words below, as written */
	struct ival iommu_passthrough;	/* iommu.passthrough=<bool>; err: not a bool */
	struct ival iommu_strict;	/* iommu.strict=<bool> */
	struct strv iommu;		/* x86 iommu= options */
	struct strv intel_iommu;	/* intel_iommu= options */
	struct strv amd_iommu;		/* amd_iommu= options */
	struct ival swiotlb_nslabs;	/* swiotlb=<nslabs>, rounded up as the kernel does */
	struct ival swiotlb_nareas;
	struct ival swiotlb_force;	/* 1 force, 0 noforce, unset when neither */
	struct sval mem_encrypt;	/* mem_encrypt= */
};

struct di_kmsg_info {
	struct ival readable;		/* bool; err: why the log could not be read */
	const char *source;		/* "/dev/kmsg" or "dev/kmsg in the snapshot" */
	struct ival from_boot;		/* bool: the log reaches back to the boot banner */
	long long lines;
	char *banner;			/* "Linux version ...", the boot's first line */
};

/* IOMMU faults from the kernel log, one entry per kind and device. */
struct di_fault {
	const char *kind;		/* "intel-dmar", "amd-vi", "arm-smmu", "arm-smmu-v3" */
	char *device;			/* sysfs name where one matches, else as logged */
	char *logged_as;		/* the device as the log names it */
	long long count;
	struct uval last_address;
	char *last_access;		/* "read", "write" or NULL */
	char *last_detail;		/* fault reason, flags, stream id: raw */
	long long last_usec;		/* -1: no timestamp */
};

struct di_iommu_policy {
	struct sval default_domain;	/* kernel log: "Translated", "Passthrough", ... */
	struct ival default_domain_cmdline;	/* bool: "(set via kernel command line)" */
	struct sval tlb_policy;		/* kernel log: "lazy" or "strict" */
	struct ival tlb_policy_cmdline;
	struct strv log_lines;		/* log lines that shape the policy, verbatim */
	struct strv conclusions;	/* what the facts say ... */
	struct strv sources;		/* ... and where each one comes from (same index) */
};

struct di_swiotlb_pool {
	char *name;			/* "default", or a restricted pool's name */
	const char *source;		/* "debugfs", "kernel log", "kernel command line", "device tree" */
	struct ival nslabs, used, hiwater, transient_nslabs;
	struct ival size_bytes;
	struct ival forced;		/* bool: every direct mapping bounces */
	struct uval start, end;		/* physical range, end exclusive, where known */
};

/* A device's masks beside the top of RAM: can its direct DMA bounce? */
struct di_bounce {
	char *device;
	struct ival streaming_below, coherent_below;	/* bool: mask below the top of RAM */
	struct ival translated;		/* bool: a DMA domain translates its DMA */
	struct ival can_bounce;		/* bool */
	struct strv reasons;
};

/* A reserved-memory node for DMA: restricted-dma-pool or shared-dma-pool. */
struct di_rmem {
	char *name;			/* node name: "restricted-dma-pool@70000000" */
	char *compatible;		/* "restricted-dma-pool", "shared-dma-pool" */
	struct uval start, size;	/* from reg */
	bool no_map, reusable;		/* the "no-map" and "reusable" properties */
	uint32_t phandle;		/* 0: none */
	struct sval status;		/* "okay", "disabled", ...; null when absent (available) */
	struct ival set_up;		/* bool: the kernel set the pool up (debugfs, boot log) */
	struct strv devices;		/* devices whose memory-region references it */
	char *created_line;		/* kernel log: "Reserved memory: created ... at START" */
	char *initialized_line;		/* kernel log: "OF: reserved mem: initialized node NAME, ..." */
};

struct di_swiotlb {
	struct di_swiotlb_pool *pools;
	size_t n_pools;
	struct ival debugfs;		/* bool: debugfs swiotlb/ was read; err: why not */
	struct ival default_pool;	/* bool: a default pool exists; err: cannot tell */
	const char *default_pool_source;
	struct ival forced;		/* bool: the default pool bounces every direct mapping */
	struct strv forced_by;		/* each reason, with its source */
	struct ival in_use_log;		/* bool: "PCI-DMA: Using software bounce buffering" */
	long long full_count;		/* "swiotlb buffer is full" events */
	struct ival full_largest;	/* largest request, bytes */
	struct ival full_total, full_used;	/* slots, as the last event reports */
	struct strv full_devices;
	char *advice;			/* what to do about exhaustion, NULL when none */
	struct di_bounce *bounce;
	size_t n_bounce;
	struct di_rmem *rmem;		/* reserved-memory DMA pools of the device tree */
	size_t n_rmem;
	struct ival rmem_dir;		/* bool: /reserved-memory exists; err: why unreadable */
	struct ival adjusted_mb;	/* "SWIOTLB bounce buffer size adjusted to NMB" */
	struct ival kmalloc_bounce;	/* bool: small kmalloc buffers of non-coherent devices bounce */
	struct strv kmalloc_reasons;
	struct strv noncoherent;	/* devices that are not DMA-coherent */
};

struct di_memenc {
	struct ival guest;		/* bool: encrypted guest (SEV, TDX): all DMA bounces */
	struct strv kinds;		/* "SME", "SEV", "SEV-ES", "SEV-SNP", "TDX" */
	struct strv sources;
	char *bounce_line;		/* kernel log: "... Memory encryption is active and ..." */
};

/* The kernel's upstream version: what a driver's code depends on. */
struct di_kver {
	bool set;
	int major, minor;
	int sublevel;			/* -1: unknown (a distribution ABI name: "6.1.0-56-amd64") */
	int err;
	char *source;			/* where it comes from, quoted */
};

struct di_ram {
	struct uval top;		/* end of the highest online memory block */
	struct uval block_size;
};

struct di_system {
	const struct rootfs *root;
	struct di_device *devs;
	size_t n_devs, cap_devs;	/* cap_devs: room in devs */
	struct di_dev_index *dev_index;	/* system_find_device()'s, built when first asked */
	struct di_group *groups;
	size_t n_groups;
	struct ival groups_dir;		/* err: why /sys/kernel/iommu_groups was unreadable */
	struct di_iommu_unit *units;
	size_t n_units;
	int units_err;			/* why /sys/class/iommu could not be listed */
	struct di_cmdline cmdline;
	struct di_kmsg_info kmsg;
	struct di_iommu_policy iommu;
	struct di_fault *faults;
	size_t n_faults;
	struct di_swiotlb swiotlb;
	struct di_memenc memenc;
	struct di_ram ram;
	struct sval osrelease;		/* /proc/sys/kernel/osrelease */
	struct di_kver kver;
	struct ival x86;		/* bool: an x86 kernel (/proc/sys/kernel/arch, /proc/cpuinfo) */
	struct sval arch;		/* kernel.arch (uname -m): "x86_64", "aarch64" */
	struct uval iomem_top;		/* highest end among /proc/iomem's top-level resources */
	struct strv unreadable;		/* "what: why" for each source that could not be read */
};

const char *dma_path_name(enum dma_path p);
const char *dma_mode_name(enum dma_mode m);

/* Helpers for the value types. */
void ival_set(struct ival *v, long long x);
void uval_set(struct uval *v, uint64_t x);
void sval_set(struct sval *v, const char *s);
void sval_take(struct sval *v, char *s);

/* The device named NAME, by a hash of the names (rebuilt when devs changed). */
struct di_device *system_find_device(const struct di_system *sys, const char *name);
struct di_group *system_find_group(const struct di_system *sys, int id);
struct di_rmem *system_find_rmem(const struct di_system *sys, const char *name);
/* Record "what: why" in sys->unreadable. */
void note_unreadable(struct di_system *sys, const char *what, int err, const char *hint);
/* The meaning of a group type ("DMA-FQ" -> "translated, lazy ..."), or NULL. */
const char *iommu_domain_meaning(const char *type);
/* An IOMMU unit's kind for people: "intel-vt-d" -> "Intel VT-d"; "other". */
const char *iommu_kind_name(const char *kind);
/* The first available restricted-dma-pool among the device's memory regions. */
const struct di_rmem *device_restricted_region(const struct di_system *sys,
					       const struct di_device *d);
void device_free(struct di_device *d);
void system_free(struct di_system *sys);

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Pure pieces of the IOMMU and SWIOTLB collectors: register decoding,
 * amd-iommu/features halves, reserved regions, and the conclusions drawn
 * from a hand-built model. Expected values come from the bit definitions
 * cited in src/collect/iommu.c, worked out by hand. Then whole scratch
 * sysroots of 6.1, 6.12 and 7.2 kernels, their log lines written from the
 * kernels' own format strings.
 */
#include "config.h"

#include <sys/vfs.h>

#include <errno.h>
#include <string.h>

#include "advise.h"
#include "collect-tree.h"
#include "parse/parse.h"
#include "tap.h"

static void test_intel(void)
{
	struct di_iommu_caps c = { 0 };

	/*
	 * A Skylake client: cap 0xd2008c40660462, ecap 0xf050da.
	 * cap: SAGAW (8-12) 0x04 -> 48-bit 4-level; MGAW (16-21) 0x26 -> 39 bits;
	 * CM (7) 0; ND (0-2) 2 -> 256 domains; SLLPS (34-37) 0x3 -> 2M and 1G.
	 * ecap nibbles f,0,5,0,d,a (bits 23..0): C (0) 0, DT (2) 0, PT (6) 1, SC (7) 1;
	 * nothing above bit 23, so NEST (26), PRS (29), PASID (40), SMTS (43) are 0.
	 */
	iommu_decode_intel(0xd2008c40660462ULL, 0xf050daULL, &c);
	is_int(c.max_address_bits.v, 39, "MGAW");
	ok(c.n_widths == 1 && c.widths[0] == 48, "SAGAW: 48-bit only");
	is_int(c.caching_mode.v, 0, "no caching mode");
	is_int(c.domains.v, 256, "256 domains");
	ok(c.superpage_2m.v == 1 && c.superpage_1g.v == 1, "2M and 1G superpages");
	ok(c.pass_through.v == 1 && c.snoop_control.v == 1 && c.nested.v == 0, "PT, SC, no NEST");
	ok(c.page_walk_coherent.v == 0 && c.device_iotlb.v == 0, "no C, no DT");
	ok(c.page_request.v == 0 && c.pasid.v == 0 && !c.pasid_bits.set && c.scalable_mode.v == 0,
	   "no PRS, PASID, SMTS; no PASID width without PASID");

	/* Scalable-mode server: ecap bits 43 (SMTS), 40 (PASID), 35-39 = 0x13 (20 bits), 29 (PRS). */
	memset(&c, 0, sizeof(c));
	iommu_decode_intel(0x80ULL | 0x06ULL << 8, (1ULL << 43) | (1ULL << 40) | (0x13ULL << 35) |
			   (1ULL << 29) | (1ULL << 47) | (1ULL << 46), &c);
	ok(c.scalable_mode.v && c.pasid.v && c.pasid_bits.v == 20 && c.page_request.v,
	   "SMTS, PASID of 20 bits, PRS");
	ok(c.first_level.v && c.second_level.v, "FLTS and SLTS");
	ok(c.caching_mode.v == 1, "CM (a virtualized IOMMU)");
	ok(c.n_widths == 2 && c.widths[0] == 39 && c.widths[1] == 48, "SAGAW 0x06: 39 and 48 bits");
	is_int(c.max_address_bits.v, 1, "MGAW field 0 means 1 bit (the kernel adds one)");
}

static void test_amd(void)
{
	struct di_iommu_caps c = { 0 };
	struct uval cap = { 0 }, efr = { 0 };

	/* EFR: PPR (1), GT (4), HATS (10-11) = 1, GATS (12-13) = 0, PASMAX (32-36) = 0xf, SNP (63). */
	uval_set(&cap, 1u << 24);
	uval_set(&efr, (1ULL << 1) | (1ULL << 4) | (1ULL << 10) | (0xfULL << 32) | (1ULL << 63));
	iommu_decode_amd(&cap, &efr, &c);
	ok(c.page_request.v && c.nested.v && c.pasid.v, "PPR, GT, PASID");
	is_int(c.pasid_bits.v, 16, "PASMAX 15: 16-bit PASIDs");
	is_int(c.max_address_bits.v, 57, "HATS 1: 5-level, 57 bits");
	is_int(c.guest_address_bits.v, 48, "GATS 0: 48 bits");
	ok(c.snp.v == 1 && c.device_iotlb.v == 1, "SNP; IOTLB from the capability header");
	ok(!c.pass_through.set && !c.scalable_mode.set, "Intel-only capabilities stay unset");

	memset(&c, 0, sizeof(c));
	uval_set(&efr, 3ULL << 10);
	iommu_decode_amd(&(struct uval){ 0 }, &efr, &c);
	ok(!c.max_address_bits.set && !c.device_iotlb.set, "HATS 3 is reserved; no cap, no IOTLB answer");

	/*
	 * QEMU's amd-iommu: EFR 0x29d3 = PreF (0), PPR (1), GT (4), IA (6), GA (7),
	 * HE (8), HATS (10-11) 2, GATS (12-13) 2, PASMAX 0.
	 */
	memset(&c, 0, sizeof(c));
	uval_set(&efr, 0x29d3);
	iommu_decode_amd(&(struct uval){ 0 }, &efr, &c);
	ok(c.max_address_bits.v == 64 && c.guest_address_bits.v == 64,
	   "HATS and GATS 2: 6-level tables, capped at 64 bits");
	ok(c.pasid.v == 1 && c.pasid_bits.v == 1, "GT and PPR: PASIDs, PASMAX 0 is 1 bit as the kernel computes");
	memset(&c, 0, sizeof(c));
	uval_set(&efr, 1ULL << 4);
	iommu_decode_amd(&(struct uval){ 0 }, &efr, &c);
	ok(c.nested.v == 1 && c.pasid.v == 0 && !c.pasid_bits.set, "GT without PPR: no PASIDs");
}

static void split(const char *raw, const struct efr_seen *log, size_t n, struct di_iommu_unit *u)
{
	memset(u, 0, sizeof(*u));
	amd_features_split(raw, log, n, u);
}

static void test_features(void)
{
	struct efr_seen log[] = { { 0x246577efa2254afaULL, 0x10, true } };
	struct di_iommu_unit u;

	split("246577efa2254afa", NULL, 0, &u);
	ok(u.efr.set && u.efr.v == 0x246577efa2254afaULL && !u.efr2.set, "EFR alone (before 6.1)");
	free(u.caps_source);
	split("10:246577efa2254afa", log, 1, &u);
	ok(u.efr.v == 0x246577efa2254afaULL && u.efr2.v == 0x10, "6.1 EFR2:EFR told by the log");
	free(u.caps_source);
	split("246577efa2254afa:10", log, 1, &u);
	ok(u.efr.v == 0x246577efa2254afaULL && u.efr2.v == 0x10, "6.12 EFR:EFR2 told by the log");
	free(u.caps_source);
	split("0:a2294", NULL, 0, &u);
	ok(u.efr.v == 0xa2294 && u.efr2.v == 0, "a zero half is EFR2 (6.1 order)");
	free(u.caps_source);
	split("a2294:0", NULL, 0, &u);
	ok(u.efr.v == 0xa2294 && u.efr2.v == 0, "a zero half is EFR2 (6.12 order)");
	free(u.caps_source);
	split("10:246577efa2254afa", NULL, 0, &u);
	ok(!u.efr.set && !u.efr2.set && u.caps_error, "two non-zero halves, no log: order unknown");
	free(u.caps_error);
	split("xyz:1", NULL, 0, &u);
	ok(!u.efr.set && u.caps_error, "garbage is refused");
	free(u.caps_error);
	split("11111111111111111:1", NULL, 0, &u);
	ok(!u.efr.set && u.caps_error, "more than 64 bits is refused");
	free(u.caps_error);
}

static void test_resv(void)
{
	struct di_resv *r;
	size_t n;

	parse_reserved_regions("0x00000000fee00000 0x00000000feefffff msi\n"
			       "0x00000000000a0000 0x00000000000bffff direct-relaxable\n"
			       "0x0000000000000000 0x00000000000fffff\n"
			       "0x10 0x0f reserved\n"
			       "0xffffffffffffffff 0xffffffffffffffff reserved\n"
			       "0x-1 0x2 msi\n"
			       "0x1 0x2 msi \n"
			       "0x1 0x2 MSI\n"
			       "0x00000000fed00000 0x00000000fed03fff reserved", &r, &n);
	is_int(n, 4, "four well-formed lines, five refused");
	ok(r[0].start == 0xfee00000 && r[0].end == 0xfeefffff && strcmp(r[0].type, "msi") == 0,
	   "MSI window, end inclusive");
	is_str(r[1].type, "direct-relaxable", "direct-relaxable");
	ok(r[2].start == UINT64_MAX && r[2].end == UINT64_MAX, "addresses up to 2^64-1 stay exact");
	ok(r[3].start == 0xfed00000 && strcmp(r[3].type, "reserved") == 0, "last line without a newline");
	for (size_t i = 0; i < n; i++)
		free(r[i].type);
	free(r);
	is_str(iommu_domain_meaning("DMA-FQ"), "translated, lazy invalidation with a flush queue", "DMA-FQ");
	is_str(iommu_domain_meaning("DMA"), "translated, strict invalidation", "DMA");
	ok(iommu_domain_meaning("dma") == NULL && iommu_domain_meaning(NULL) == NULL, "unknown types");
}

static bool has_conclusion(const struct di_system *sys, const char *needle, const char *src)
{
	for (size_t i = 0; i < sys->iommu.conclusions.n; i++)
		if (strstr(sys->iommu.conclusions.v[i], needle) &&
		    (!src || strstr(sys->iommu.sources.v[i], src)))
			return true;
	return false;
}

static void test_conclusions(void)
{
	struct di_system sys = { 0 };
	struct di_iommu_unit unit = { .name = (char *)"ivhd0", .kind = "amd-vi" };
	struct di_group groups[2] = { { .id = 0 }, { .id = 1 } };

	/* No IOMMU, but the log claims a default domain: noted, not believed. */
	ival_set(&sys.kmsg.readable, 1);
	ival_set(&sys.kmsg.from_boot, 1);
	sval_set(&sys.iommu.default_domain, "Translated");
	ival_set(&sys.iommu.default_domain_cmdline, 0);
	sval_set(&sys.cmdline.raw, "quiet");
	iommu_conclude(&sys);
	ok(has_conclusion(&sys, "no IOMMU unit exists", "/sys/class/iommu"), "no unit");
	ok(has_conclusion(&sys, "proves nothing", "Default domain type: Translated"),
	   "a default domain line without a unit proves nothing");
	ok(has_conclusion(&sys, "sets no IOMMU policy", "/proc/cmdline"), "no command-line policy");
	strv_free(&sys.iommu.conclusions);
	strv_free(&sys.iommu.sources);

	/* AMD under a hypervisor: lazy policy logged, groups strict, the reason logged. */
	sys.units = &unit;
	sys.n_units = 1;
	sys.groups = groups;
	sys.n_groups = 2;
	sval_set(&groups[0].type, "DMA");
	sval_set(&groups[1].type, "DMA");
	sval_set(&sys.iommu.tlb_policy, "lazy");
	ival_set(&sys.iommu.tlb_policy_cmdline, 0);
	strv_add(&sys.iommu.log_lines, "AMD-Vi: Using strict mode due to virtualization");
	strv_add(&sys.cmdline.amd_iommu, "on");
	iommu_conclude(&sys);
	ok(has_conclusion(&sys, "2 IOMMU groups: 2 DMA (translated, strict invalidation)", NULL),
	   "group types counted");
	ok(has_conclusion(&sys, "overrode the lazy policy", "Using strict mode due to virtualization"),
	   "the strict override is explained by its log line");
	ok(has_conclusion(&sys, "amd_iommu=on is passed to the IOMMU driver", "amd_iommu=on"),
	   "an option without a known meaning is still reported");
	ok(has_conclusion(&sys, "the default domain type is Translated", NULL), "default domain");
	is_int(sys.iommu.conclusions.n, sys.iommu.sources.n, "every conclusion has a source");
	strv_free(&sys.iommu.conclusions);
	strv_free(&sys.iommu.sources);
	strv_free(&sys.iommu.log_lines);
	strv_free(&sys.cmdline.amd_iommu);
	free(groups[0].type.s);
	free(groups[1].type.s);
	free(sys.iommu.default_domain.s);
	free(sys.iommu.tlb_policy.s);
	free(sys.cmdline.raw.s);
}

static struct di_bounce *bounce_of(struct di_system *sys, const char *name)
{
	for (size_t i = 0; i < sys->swiotlb.n_bounce; i++)
		if (strcmp(sys->swiotlb.bounce[i].device, name) == 0)
			return &sys->swiotlb.bounce[i];
	return NULL;
}

static void test_swiotlb(void)
{
	struct di_device devs[3] = {
		{ .name = (char *)"0000:00:02.0", .bus = (char *)"pci" },
		{ .name = (char *)"0000:00:03.0", .bus = (char *)"pci" },
		{ .name = (char *)"0000:00:04.0", .bus = (char *)"pci" },
	};
	struct di_system sys = { .devs = devs, .n_devs = 3 };
	struct di_bounce *b;

	is_int(swiotlb_suggest_nslabs(32768, 65536), 65536, "twice the default pool");
	is_int(swiotlb_suggest_nslabs(1000, 4096), 2048, "rounded up to IO_TLB_SEGSIZE");
	is_int(swiotlb_suggest_nslabs(32768, 262145), 0, "above 256 KiB no pool helps");
	is_int(swiotlb_suggest_nslabs(0, 4096), 65536, "unknown size: twice the 64 MiB default");

	/* 5 GiB of RAM, no IOMMU, a 64 MiB pool, one full event. */
	uval_set(&sys.ram.top, 5ULL << 30);
	sval_set(&sys.cmdline.raw, "quiet");
	ival_set(&sys.memenc.guest, 0);
	ival_set(&sys.swiotlb.default_pool, 1);
	sys.swiotlb.full_count = 3;
	ival_set(&sys.swiotlb.full_largest, 65536);
	ival_set(&sys.swiotlb.full_total, 32768);
	sval_set(&devs[0].driver, "bochs-drm");
	ival_set(&devs[0].dma_mask_bits, 32);
	ival_set(&devs[0].coherent_dma_mask_bits, 32);
	ival_set(&devs[1].dma_mask_bits, 64);
	ival_set(&devs[1].coherent_dma_mask_bits, 64);
	sval_set(&devs[2].driver, "vmwgfx");
	ival_set(&devs[2].dma_mask_bits, 32);
	ival_set(&devs[2].coherent_dma_mask_bits, 32);
	ival_set(&devs[2].iommu_group, 4);
	sval_set(&devs[2].iommu_domain, "DMA-FQ");
	swiotlb_conclude(&sys);
	ok(sys.swiotlb.forced.set && sys.swiotlb.forced.v == 0, "not forced: no swiotlb=force, no encryption");
	ok(sys.swiotlb.advice && strstr(sys.swiotlb.advice, "swiotlb=65536 ") &&
	   strstr(sys.swiotlb.advice, "128 MiB"), "advice: twice the pool the events report");
	b = bounce_of(&sys, "0000:00:02.0");
	ok(b && b->can_bounce.v == 1 && b->streaming_below.v == 1 && b->coherent_below.v == 1,
	   "a 32-bit device without translation on 5 GiB can bounce");
	b = bounce_of(&sys, "0000:00:03.0");
	ok(b && b->can_bounce.set && b->can_bounce.v == 0 && b->streaming_below.v == 0,
	   "a 64-bit device cannot");
	b = bounce_of(&sys, "0000:00:04.0");
	ok(b && b->translated.v == 1 && b->can_bounce.v == 0, "a translated 32-bit device does not bounce");
	for (size_t i = 0; i < sys.swiotlb.n_bounce; i++) {
		free(sys.swiotlb.bounce[i].device);
		strv_free(&sys.swiotlb.bounce[i].reasons);
	}
	free(sys.swiotlb.bounce);
	free(sys.swiotlb.advice);
	sys.swiotlb.bounce = NULL;
	sys.swiotlb.n_bounce = 0;
	sys.swiotlb.advice = NULL;

	/* swiotlb=force on 1 GiB: everything direct bounces, whatever its mask. */
	uval_set(&sys.ram.top, 1ULL << 30);
	ival_set(&sys.cmdline.swiotlb_force, 1);
	sys.swiotlb.full_count = 0;
	swiotlb_conclude(&sys);
	ok(sys.swiotlb.forced.v == 1 && sys.swiotlb.forced_by.n == 1, "forced by swiotlb=force");
	b = bounce_of(&sys, "0000:00:03.0");
	ok(b && b->can_bounce.v == 1 && b->streaming_below.v == 0, "forced: a 64-bit device bounces too");
	b = bounce_of(&sys, "0000:00:02.0");
	ok(b && b->streaming_below.v == 0, "32 bits reach all of 1 GiB");
	ok(sys.swiotlb.advice == NULL, "no event, no advice");
	for (size_t i = 0; i < sys.swiotlb.n_bounce; i++) {
		free(sys.swiotlb.bounce[i].device);
		strv_free(&sys.swiotlb.bounce[i].reasons);
	}
	free(sys.swiotlb.bounce);
	strv_free(&sys.swiotlb.forced_by);
	for (size_t i = 0; i < 3; i++)
		free(devs[i].driver.s), free(devs[i].iommu_domain.s);
	free(sys.cmdline.raw.s);
}

/*
 * A device directory at REL (under sys/devices): its subsystem link to
 * sys/bus/pci, its DMA mask.
 */
static void dev_at(const char *rel, const char *mask)
{
	char p[512], up[256] = "";

	tree_dirs(rel);
	tree_dir(rel);
	for (const char *c = rel; (c = strchr(c, '/')); c++)
		strcat(up, "../");
	snprintf(p, sizeof(p), "%s/subsystem", rel);
	snprintf(up + strlen(up), sizeof(up) - strlen(up), "bus/pci");
	tree_link(up, p);
	snprintf(p, sizeof(p), "%s/dma_mask_bits", rel);
	tree_file(p, mask);
}

/* A PCI function under pci0000:00 with its bus link. */
static void pci_dev(const char *name, const char *mask)
{
	char rel[256], target[256];

	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s", name);
	dev_at(rel, mask);
	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/consistent_dma_mask_bits", name);
	tree_file(rel, mask);
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", name);
	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", name);
	tree_link(target, rel);
}

/* Where tree_base() makes its trees. */
static const char *tree_parent = "/tmp";

/* The skeleton every scratch sysroot shares. */
static void tree_base(const char *release, const char *version, const char *arch)
{
	static const char *const dirs[] = {
		"dev", "proc", "proc/sys", "proc/sys/kernel", "sys", "sys/bus", "sys/bus/pci",
		"sys/bus/pci/devices", "sys/devices", "sys/devices/pci0000:00", "sys/class",
		"sys/class/drm", "sys/kernel", "sys/kernel/debug", "sys/kernel/debug/swiotlb",
	};

	snprintf(tree_top, sizeof(tree_top), "%s/dmainspect-facts-XXXXXX", tree_parent);
	if (!mkdtemp(tree_top))
		exit(99);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		tree_dir(dirs[i]);
	tree_file("proc/cmdline", "quiet\n");
	tree_file("proc/sys/kernel/osrelease", release);
	if (version)
		tree_file("proc/sys/kernel/version", version);
	if (arch)
		tree_file("proc/sys/kernel/arch", arch);
}

/* Collect a scratch sysroot as 'dmainspect --sysroot' does, with the advice. */
static void collect_tree(struct di_system *sys, struct rootfs *r)
{
	tree_collect(sys, r);
	collect_driver_facts(sys);
	advise_system(sys);
}

static const struct di_fault *fault_of(const struct di_system *sys, const char *kind,
				       const char *device)
{
	for (size_t i = 0; i < sys->n_faults; i++)
		if (strcmp(sys->faults[i].kind, kind) == 0 && strcmp(sys->faults[i].device, device) == 0)
			return &sys->faults[i];
	return NULL;
}

#define SMMU "arm-smmu-v3 arm-smmu-v3.0.auto: "

/* arm64 7.2: SMMUv3 events printed raw and decoded; each fault counted once, under its client. */
static void test_tree_smmu(void)
{
	struct di_system sys;
	struct rootfs r;
	const struct di_fault *f;

	tree_base("7.2.13+deb14-arm64", "#1 SMP PREEMPT_DYNAMIC Debian 7.2.13-1 (2026-11-01)", "aarch64");
	pci_dev("0000:00:01.0", "64");
	tree_file("dev/kmsg",
		  "5,0,0,-;Linux version 7.2.13+deb14-arm64 (debian-kernel@lists.debian.org) #1 SMP "
		  "PREEMPT_DYNAMIC Debian 7.2.13-1 (2026-11-01)\n"
		  "3,1,5000000,-;" SMMU "event 0x10 received:\n"
		  "3,2,5000001,-;" SMMU "\\x090x0000000800000010\n"
		  "3,3,5000002,-;" SMMU "\\x090x0000020880000000\n"
		  "3,4,5000003,-;" SMMU "\\x090x000000000007f000\n"
		  "3,5,5000004,-;" SMMU "\\x090x0000000000000000\n"
		  "3,6,5000005,-;" SMMU "event: F_TRANSLATION client: 0000:00:01.0 sid: 0x8 ssid: 0 "
		  "iova: 0x7f000 ipa: 0\n"
		  "3,7,5000006,-;" SMMU "priv data read s1 \"Input address caused fault\" stag: 0\n"
		  "3,8,6000000,-;" SMMU "event 0x10 received:\n"
		  "3,9,6000001,-;" SMMU "\\x090x0000000800000010\n"
		  "3,10,6000002,-;" SMMU "\\x090x0000020000000000\n"
		  "3,11,6000003,-;" SMMU "\\x090x0000000000080000\n"
		  "3,12,6000004,-;" SMMU "\\x090x0000000000000000\n"
		  "3,13,6000005,-;" SMMU "event: F_TRANSLATION client: 0000:00:01.0 sid: 0x8 ssid: 0 "
		  "iova: 0x80000 ipa: 0\n"
		  "3,14,6000006,-;" SMMU "priv data write s1 \"Input address caused fault\" stag: 0\n"
		  "3,15,7000000,-;" SMMU "event 0x03 received:\n"
		  "3,16,7000001,-;" SMMU "\\x090x0000001000000003\n"
		  "3,17,7000002,-;" SMMU "\\x090x0000000000000000\n"
		  "3,18,7000003,-;" SMMU "\\x090x0000000000000000\n"
		  "3,19,7000004,-;" SMMU "\\x090x000000004000a080\n"
		  "3,20,7000005,-;" SMMU "event: F_STE_FETCH client: (unassigned sid) sid: 0x10 ssid: 0 "
		  "fetch_addr: 0x4000a080\n");
	collect_tree(&sys, &r);
	is_int(sys.n_faults, 2, "7.2 SMMUv3: two fault entries (a client, the SMMU itself)");
	f = fault_of(&sys, "arm-smmu-v3", "0000:00:01.0");
	ok(f && f->count == 2 && f->last_address.v == 0x80000 && f->last_access &&
	   strcmp(f->last_access, "write") == 0 && f->last_usec == 6000000,
	   "7.2 SMMUv3: two translation faults counted once each, under the client");
	f = fault_of(&sys, "arm-smmu-v3", "arm-smmu-v3.0.auto");
	ok(f && f->count == 1 && !f->last_address.set, "7.2 SMMUv3: the unassigned STE fetch under the SMMU");
	ok(sys.kver.set && sys.kver.major == 7 && sys.kver.minor == 2 && sys.kver.sublevel == 13,
	   "7.2 from /proc/sys/kernel/version");
	ok(sys.x86.set && !sys.x86.v, "aarch64 is not x86");
	tree_release(&sys, &r);

	/* 6.12 prints the raw event only: one fault per event, under the SMMU. */
	tree_base("6.12.117+deb13-arm64", NULL, NULL);
	tree_file("dev/kmsg",
		  "6,1,5000000,-;" SMMU "event 0x10 received:\n"
		  "6,2,5000001,-;" SMMU "\\x090x0000000800000010\n"
		  "6,3,5000002,-;" SMMU "\\x090x0000020880000000\n"
		  "6,4,5000003,-;" SMMU "\\x090x000000000007f000\n"
		  "6,5,5000004,-;" SMMU "\\x090x0000000000000000\n"
		  "6,6,6000000,-;" SMMU "event 0x10 received:\n"
		  "6,7,6000001,-;" SMMU "\\x090x0000000800000010\n");
	collect_tree(&sys, &r);
	f = fault_of(&sys, "arm-smmu-v3", "arm-smmu-v3.0.auto");
	ok(sys.n_faults == 1 && f && f->count == 2 && f->last_detail &&
	   strcmp(f->last_detail, "event 0x10") == 0,
	   "6.12 SMMUv3: two raw events (the last one cut short), two faults");
	ok(sys.kver.sublevel == 117 && !sys.x86.set, "6.12.117 from the release alone");
	tree_release(&sys, &r);
}

/* x86 7.2: DMAR lines with the PCI segment, memory encryption's bounce line, vmwgfx's own word. */
/* SMMU units: capabilities from their probe lines (v3 one line, v2 a report). */
static void smmu_unit_dir(const char *unit, const char *parent)
{
	char path[512], target[512];

	snprintf(path, sizeof(path), "sys/devices/platform/%s/iommu/%s/devices", parent, unit);
	tree_dirs(path);
	snprintf(path, sizeof(path), "sys/class/iommu/%s", unit);
	snprintf(target, sizeof(target), "../../devices/platform/%s/iommu/%s", parent, unit);
	tree_dirs("sys/class/iommu");
	tree_link(target, path);
}

static const struct di_iommu_unit *unit_named(const struct di_system *sys, const char *name)
{
	for (size_t i = 0; i < sys->n_units; i++)
		if (strcmp(sys->units[i].name, name) == 0)
			return &sys->units[i];
	return NULL;
}

static void test_tree_smmu_units(void)
{
	struct di_system sys;
	struct rootfs r;
	const struct di_iommu_unit *u;

	tree_base("6.12.117+deb13-arm64", NULL, "aarch64");
	smmu_unit_dir("smmu3.0x0000000009050000", "9050000.smmuv3");
	smmu_unit_dir("smmu.0x0000000015000000", "15000000.iommu");
	smmu_unit_dir("smmu.0x0000000003d40000", "3d40000.iommu");
	tree_file("dev/kmsg",
		  "6,1,629892,-;arm-smmu-v3 9050000.smmuv3: ias 44-bit, oas 44-bit (features 0x00008305)\n"
		  "5,2,700000,-;arm-smmu 15000000.iommu: probing hardware configuration...\n"
		  "5,3,700001,-;arm-smmu 15000000.iommu: SMMUv2 with:\n"
		  "5,4,700002,-;arm-smmu 15000000.iommu: \\x09stage 1 translation\n"
		  "5,5,700003,-;arm-smmu 15000000.iommu: \\x09stage 2 translation\n"
		  "5,6,700004,-;arm-smmu 15000000.iommu: \\x09nested translation\n"
		  "5,7,700005,-;arm-smmu 15000000.iommu: \\x09non-coherent table walk\n"
		  "5,8,700006,-;arm-smmu 15000000.iommu: \\x09(IDR0.CTTW overridden by FW configuration)\n"
		  "5,9,700007,-;arm-smmu 15000000.iommu: \\x09stream matching with 76 register groups\n"
		  "5,10,700008,-;arm-smmu 15000000.iommu: \\x09Stage-1: 48-bit VA -> 40-bit IPA\n"
		  "5,11,700009,-;arm-smmu 15000000.iommu: \\x09Stage-2: 40-bit IPA -> 44-bit PA\n");
	collect_tree(&sys, &r);
	u = unit_named(&sys, "smmu3.0x0000000009050000");
	ok(u && strcmp(u->kind, "arm-smmu-v3") == 0 && u->caps.max_address_bits.v == 44 &&
	   u->caps.output_address_bits.v == 44 && u->caps.page_walk_coherent.v == 1 &&
	   u->caps.first_level.v == 1 && u->caps.second_level.set && !u->caps.second_level.v &&
	   u->features.s && strcmp(u->features.s, "0x00008305") == 0 && u->caps_source,
	   "SMMUv3: ias, oas, coherent walk, stage 1 only, from features 0x8305");
	u = unit_named(&sys, "smmu.0x0000000015000000");
	ok(u && strcmp(u->kind, "arm-smmu-v2") == 0 && u->caps.max_address_bits.v == 48 &&
	   u->caps.output_address_bits.v == 44 && u->caps.page_walk_coherent.set &&
	   !u->caps.page_walk_coherent.v && u->caps.first_level.v && u->caps.second_level.v &&
	   u->caps.nested.v, "SMMUv2: 48-bit VA in, 44-bit PA out, non-coherent walk, both stages, nested");
	u = unit_named(&sys, "smmu.0x0000000003d40000");
	ok(u && !u->caps.max_address_bits.set && u->caps_error && strstr(u->caps_error, "SMMUv2 with:"),
	   "an SMMUv2 the log says nothing about: no capabilities, and why");
	tree_release(&sys, &r);
}

static void test_tree_x86(void)
{
	struct di_system sys;
	struct rootfs r;
	const struct di_fault *f;
	const struct di_device *d;

	tree_base("7.2.13+deb14-amd64", NULL, "x86_64");
	pci_dev("0000:00:02.0", "32");
	pci_dev("0000:00:0f.0", "64");
	tree_file("dev/kmsg",
		  "5,0,0,-;Linux version 7.2.13+deb14-amd64 (debian-kernel@lists.debian.org) (x86_64-linux-gnu-gcc-15 "
		  "(Debian 15.2.0-7) 15.2.0) #1 SMP PREEMPT_DYNAMIC Debian 7.2.13-1 (2026-11-01)\n"
		  "3,1,100,-;DMAR: [DMA Read NO_PASID] Request device [0000:00:02.0] fault addr 0x7fa000 "
		  "[fault reason 0x06] PTE Read access is not set\n"
		  "3,2,200,-;DMAR: [DMA Write NO_PASID] Request device [0000:00:02.0] fault addr 0x7fb000 "
		  "[fault reason 0x05] PTE Write access is not set\n"
		  "3,3,300,-;DMAR: [INTR-REMAP] Request device [0000:00:02.0] fault index 0x3 "
		  "[fault reason 0x25] Blocked a compatibility format interrupt request\n"
		  "4,4,400,-;software IO TLB: Memory encryption is active and system is using DMA "
		  "bounce buffers\n"
		  "6,5,500,-;vmwgfx 0000:00:0f.0: [drm] DMA map mode: Using coherent TTM pages.\n");
	tree_file("sys/kernel/debug/swiotlb/io_tlb_nslabs", "32768\n");
	tree_file("sys/kernel/debug/swiotlb/io_tlb_used", "18446744073709551615\n");
	tree_file("sys/kernel/debug/swiotlb/io_tlb_used_hiwater", "12\n");
	collect_tree(&sys, &r);
	f = fault_of(&sys, "intel-dmar", "0000:00:02.0");
	ok(f && f->count == 2 && f->last_address.v == 0x7fb000 && strcmp(f->logged_as, "0000:00:02.0") == 0,
	   "7.2 DMAR: two DMA faults of 0000:00:02.0, named with their segment");
	f = fault_of(&sys, "intel-intr-remap", "0000:00:02.0");
	ok(f && f->count == 1 && !f->last_address.set, "7.2 INTR-REMAP: one, apart from the DMA faults");
	ok(sys.memenc.guest.set && sys.memenc.guest.v && sys.memenc.sources.n &&
	   strstr(sys.memenc.sources.v[0], "Memory encryption is active"),
	   "the bounce line alone: an encrypted guest, the line its source");
	ok(sys.swiotlb.forced.set && sys.swiotlb.forced.v && sys.swiotlb.forced_by.n &&
	   strstr(sys.swiotlb.forced_by.v[0], "kernel log: 'software IO TLB: Memory encryption is active"),
	   "swiotlb: forced, by that line");
	d = system_find_device(&sys, "0000:00:02.0");
	ok(d && d->advice.mode == MODE_ALLOC_COHERENT && d->advice.reasons.n > 1 &&
	   strstr(d->advice.reasons.v[1], "Memory encryption is active"),
	   "advise: alloc-coherent because of that line");
	ok(sys.swiotlb.n_pools == 1 && sys.swiotlb.pools[0].used.err == -DI_EUNDERFLOW &&
	   sys.swiotlb.pools[0].hiwater.v == 12 &&
	   sys.swiotlb.pools[0].transient_nslabs.err == -DI_ENOTRANSIENT,
	   "debugfs: 2^64-1 used is unknown with its reason; hiwater read; no transient pools");
	d = system_find_device(&sys, "0000:00:0f.0");
	ok(d && d->logged_mode == MODE_ALLOC_COHERENT && d->logged_mode_line &&
	   strstr(d->logged_mode_line, "Using coherent TTM pages."),
	   "vmwgfx's own 'DMA map mode' line is kept on its device");
	ok(sys.kver.sublevel == 13 && sys.x86.set && sys.x86.v, "7.2.13 from the banner, x86_64");
	tree_release(&sys, &r);

	/* 6.1: no io_tlb_used_hiwater yet. */
	tree_base("6.1.0-56-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)", NULL);
	tree_file("sys/kernel/debug/swiotlb/io_tlb_nslabs", "32768\n");
	tree_file("sys/kernel/debug/swiotlb/io_tlb_used", "0\n");
	collect_tree(&sys, &r);
	ok(sys.swiotlb.n_pools == 1 && sys.swiotlb.pools[0].used.v == 0 &&
	   !sys.swiotlb.pools[0].hiwater.set && sys.swiotlb.pools[0].hiwater.err == -DI_ENOHIWATER,
	   "6.1 debugfs: hiwater null with its reason, not an error");
	ok(!strstr(di_strerror(-DI_ENOHIWATER), "rror"), "the reason names the 6.4 file");
	ok(sys.kver.sublevel == 192, "6.1.192 from the utsname version");
	tree_release(&sys, &r);
}

/*
 * The bus's links are read as they stand where nothing on the way is a
 * link, and walked where something is: a device behind a linked directory,
 * a ".." after a link with a decoy where reading it as it stands would go,
 * a unit's devices/ reached through its class link, and a device directory
 * whose listing needs more than one getdents. On tmpfs (/dev/shm), where a
 * getdents that leaves room ends a listing, as on sysfs.
 */
static void test_tree_links(void)
{
	struct di_system sys;
	struct rootfs r;
	const struct di_device *d;
	struct statfs sf;
	char name[64];

	if (statfs("/dev/shm", &sf) < 0 || sf.f_type != 0x01021994 || access("/dev/shm", W_OK) < 0) {
		printf("# ====================================================================\n"
		       "# SKIP: /dev/shm is no writable tmpfs: the listing of a tmpfs\n"
		       "# directory, as sysfs's, is not exercised here.\n"
		       "# ====================================================================\n");
		ok(1, "# SKIP no writable tmpfs at /dev/shm");
		return;
	}
	tree_parent = "/dev/shm";
	tree_base("7.2.13+deb14-amd64", NULL, "x86_64");
	tree_parent = "/tmp";
	pci_dev("0000:00:01.0", "64");
	/* Behind a linked bridge directory. */
	dev_at("sys/devices/pci0000:00/real-bridge/0000:01:00.0", "40");
	tree_link("real-bridge", "sys/devices/pci0000:00/bridge");
	tree_link("../../../devices/pci0000:00/bridge/0000:01:00.0", "sys/bus/pci/devices/0000:01:00.0");
	/* hop/.. is real-bridge, not pci0000:00, where the decoy waits. */
	dev_at("sys/devices/pci0000:00/real-bridge/inner", "12");
	dev_at("sys/devices/pci0000:00/real-bridge/0000:02:00.0", "44");
	dev_at("sys/devices/pci0000:00/0000:02:00.0", "32");
	tree_link("real-bridge/inner", "sys/devices/pci0000:00/hop");
	tree_link("../../../devices/pci0000:00/hop/../0000:02:00.0", "sys/bus/pci/devices/0000:02:00.0");
	/* Only in an IOMMU unit's devices/, reached through /sys/class/iommu. */
	dev_at("sys/devices/pci0000:00/0000:03:00.0", "36");
	tree_dirs("sys/devices/virtual/iommu/dmar0/devices/x");
	tree_dir("sys/class/iommu");
	tree_link("../../devices/virtual/iommu/dmar0", "sys/class/iommu/dmar0");
	tree_link("../../../../pci0000:00/0000:03:00.0", "sys/devices/virtual/iommu/dmar0/devices/0000:03:00.0");
	/* 400 attributes before its mask: the listing takes several getdents. */
	pci_dev("0000:00:04.0", "48");
	for (int i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "sys/devices/pci0000:00/0000:00:04.0/attribute_%03d", i);
		tree_file(name, "0\n");
	}
	tree_file("sys/devices/pci0000:00/0000:00:04.0/numa_node", "1\n");
	collect_tree(&sys, &r);
	d = system_find_device(&sys, "0000:00:01.0");
	ok(d && strcmp(d->path, "/sys/devices/pci0000:00/0000:00:01.0") == 0 && d->dma_mask_bits.v == 64,
	   "a plain bus link: its device");
	d = system_find_device(&sys, "0000:01:00.0");
	ok(d && strcmp(d->path, "/sys/devices/pci0000:00/real-bridge/0000:01:00.0") == 0 &&
	   d->dma_mask_bits.v == 40, "behind a linked directory: the device at its canonical path");
	d = system_find_device(&sys, "0000:02:00.0");
	ok(d && strcmp(d->path, "/sys/devices/pci0000:00/real-bridge/0000:02:00.0") == 0 &&
	   d->dma_mask_bits.v == 44, "'..' after a link: where the walk goes, not the decoy");
	ok(sys.n_devs == 5, "five devices, the decoy not among them (%zu)", sys.n_devs);
	d = system_find_device(&sys, "0000:03:00.0");
	ok(d && strcmp(d->path, "/sys/devices/pci0000:00/0000:03:00.0") == 0 && d->dma_mask_bits.v == 36,
	   "from a unit's devices/ reached through its class link");
	d = system_find_device(&sys, "0000:00:04.0");
	ok(d && d->dma_mask_bits.v == 48 && d->numa_node.set && d->numa_node.v == 1,
	   "a tmpfs directory of 400 attributes is listed whole");
	tree_release(&sys, &r);
}

/* vgem: a platform device on 6.x, a faux device on 7.x; listed with its DRM nodes on both. */
static void test_tree_vgem(void)
{
	static const struct {
		const char *kernel, *dir, *bus;
	} layouts[] = {
		{ "6.12.117+deb13-amd64", "platform", "platform" },
		{ "7.2.13+deb14-amd64", "faux", "faux" },
	};

	for (size_t i = 0; i < 2; i++) {
		const char *dir = layouts[i].dir;
		char rel[256], target[256];
		const struct di_device *d;
		struct di_system sys;
		struct rootfs r;

		tree_base(layouts[i].kernel, NULL, NULL);
		snprintf(rel, sizeof(rel), "sys/bus/%s/devices", dir);
		tree_dirs(rel);
		snprintf(rel, sizeof(rel), "sys/devices/%s/vgem/drm/card0", dir);
		tree_dirs(rel);
		snprintf(rel, sizeof(rel), "sys/devices/%s/vgem/drm/renderD128", dir);
		tree_dirs(rel);
		snprintf(rel, sizeof(rel), "sys/devices/%s/vgem/subsystem", dir);
		snprintf(target, sizeof(target), "../../../bus/%s", dir);
		tree_link(target, rel);
		snprintf(rel, sizeof(rel), "sys/bus/%s/devices/vgem", dir);
		snprintf(target, sizeof(target), "../../../devices/%s/vgem", dir);
		tree_link(target, rel);
		snprintf(target, sizeof(target), "../../devices/%s/vgem/drm/card0", dir);
		tree_link(target, "sys/class/drm/card0");
		snprintf(target, sizeof(target), "../../devices/%s/vgem/drm/renderD128", dir);
		tree_link(target, "sys/class/drm/renderD128");
		if (strcmp(dir, "faux") == 0) {
			/* drivers/base/faux.c: every faux device binds to "faux_driver". */
			tree_dir("sys/bus/faux/drivers");
			tree_dir("sys/bus/faux/drivers/faux_driver");
			tree_link("../../../bus/faux/drivers/faux_driver", "sys/devices/faux/vgem/driver");
		}
		collect_tree(&sys, &r);
		d = system_find_device(&sys, "vgem");
		ok(d && strcmp(d->bus, layouts[i].bus) == 0 && d->drm_nodes.n == 2 &&
		   strcmp(d->drm_nodes.v[0], "card0") == 0 && strcmp(d->drm_nodes.v[1], "renderD128") == 0 &&
		   d->advice.mode == MODE_MAP_POPULATE,
		   "vgem on %s: a %s device with card0 and renderD128, advised", layouts[i].kernel, dir);
		tree_release(&sys, &r);
	}
}

int main(void)
{
	test_intel();
	test_amd();
	test_features();
	test_resv();
	test_conclusions();
	test_swiotlb();
	test_tree_smmu();
	test_tree_x86();
	test_tree_smmu_units();
	test_tree_vgem();
	test_tree_links();
	return tap_done();
}

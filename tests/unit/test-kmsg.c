// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel log splitter and line parsers: real lines of several kernel
 * versions, then every truncation of each, mutations, and garbage. A parser
 * may refuse a damaged line but must never report what the line does not say.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/kmsg.h"
#include "tap.h"

static char *dup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		abort();
	return d;
}

static void test_split(void)
{
	char *buf = dup("6,1,0,-;Linux version 6.1.0-56-amd64\n"
			" SUBSYSTEM=pci\n"
			" DEVICE=+pci:0000:00:02.0\n"
			"14,2,5,-;iommu: Default domain type: Passthrough\n"
			"4,3,1234567,-,caller=T1;DMAR: IOMMU enabled\n"
			"[    1.500000] software IO TLB: mapped [mem 0x1000-0x2000] (0MB)\r\n"
			"<6>[   12.25] PCI-DMA: hello\n"
			"\n"
			"plain line without a timestamp\n"
			"[ 3.x] not a timestamp\n"
			"last");
	struct kmsg_iter it;
	struct kmsg_line l;
	const char *want[] = { "Linux version 6.1.0-56-amd64", "DMAR: IOMMU enabled",
			       "software IO TLB: mapped [mem 0x1000-0x2000] (0MB)", "PCI-DMA: hello",
			       "plain line without a timestamp", "[ 3.x] not a timestamp", "last" };
	long long usec[] = { 0, 1234567, 1500000, 12250000, -1, -1, -1 };
	size_t n = 0;

	kmsg_iter_init(&it, buf, strlen(buf));
	while (kmsg_next(&it, &l)) {
		if (n < 7) {
			is_str(l.text, want[n], "line %zu text", n);
			is_int(l.usec, usec[n], "line %zu timestamp", n);
		}
		n++;
	}
	is_int(n, 7, "continuation lines, user-space records (facility 1) and empty lines skipped");
	free(buf);

	buf = dup("");
	kmsg_iter_init(&it, buf, 0);
	ok(!kmsg_next(&it, &l), "empty log: no line");
	free(buf);
}

static void test_policy_lines(void)
{
	char type[32];
	bool cmd, strict;

	ok(kmsg_parse_default_domain("iommu: Default domain type: Translated ", type, sizeof(type),
				     &cmd) && strcmp(type, "Translated") == 0 && !cmd,
	   "6.1 default domain line with its trailing space");
	ok(kmsg_parse_default_domain("iommu: Default domain type: Passthrough (set via kernel command line)",
				     type, sizeof(type), &cmd) && strcmp(type, "Passthrough") == 0 && cmd,
	   "default domain set via the command line");
	ok(!kmsg_parse_default_domain("iommu: Default domain type: Transl", type, sizeof(type), &cmd),
	   "a truncated type is refused");
	ok(!kmsg_parse_default_domain("iommu: Default domain type: Translated (set via kernel",
				      type, sizeof(type), &cmd), "a truncated suffix is refused");
	ok(!kmsg_parse_default_domain("iommu: Default domain type: Translated junk", type,
				      sizeof(type), &cmd), "trailing junk is refused");
	ok(kmsg_parse_tlb_policy("iommu: DMA domain TLB invalidation policy: lazy mode ", &strict, &cmd) &&
	   !strict && !cmd, "lazy TLB policy");
	ok(kmsg_parse_tlb_policy("iommu: DMA domain TLB invalidation policy: strict mode (set via kernel command line)",
				 &strict, &cmd) && strict && cmd, "strict TLB policy via the command line");
	ok(!kmsg_parse_tlb_policy("iommu: DMA domain TLB invalidation policy: lazy", &strict, &cmd),
	   "a TLB policy without 'mode' is refused");
	ok(kmsg_is_boot_banner("Linux version 6.1.0 (debian-kernel@lists.debian.org)"), "boot banner");
	ok(kmsg_is_iommu_policy_line("AMD-Vi: Using strict mode due to virtualization"),
	   "AMD strict override is policy evidence");
	ok(!kmsg_is_iommu_policy_line("DMAR: DRHD base: 0x000000fed90000 flags: 0x1"),
	   "DRHD lines are not policy evidence");
}

static void test_faults(void)
{
	struct kmsg_fault f;

	ok(kmsg_parse_dmar_fault("DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x7fa000 "
				 "[fault reason 0x06] PTE Read access is not set", &f) &&
	   strcmp(f.device, "00:02.0") == 0 && f.addr == 0x7fa000 && strcmp(f.access, "read") == 0 &&
	   strcmp(f.detail, "reason 0x06: PTE Read access is not set") == 0, "6.1 DMAR fault");
	ok(kmsg_parse_dmar_fault("DMAR: [DMA Write PASID 0x2] Request device [3a:00.1] fault addr 0xffffe000 "
				 "[fault reason 0x05] PTE Write access is not set", &f) &&
	   strcmp(f.device, "3a:00.1") == 0 && f.addr == 0xffffe000 && strcmp(f.access, "write") == 0,
	   "DMAR fault with a PASID");
	ok(kmsg_parse_dmar_fault("DMAR: [DMA Read] Request device [00:1f.6] fault addr 7fa000 [fault reason 05] "
				 "PTE Read access is not set", &f) && f.addr == 0x7fa000 &&
	   strcmp(f.device, "00:1f.6") == 0, "4.x DMAR fault without 0x");
	ok(kmsg_parse_dmar_fault("DMAR: [DMA Read] Request device [00:02.0] PASID ffffffff fault addr 1000 "
				 "[fault reason 06] x", &f) && f.addr == 0x1000, "5.5 DMAR fault, PASID after the device");
	ok(kmsg_parse_dmar_fault("DMAR: [DMA Read NO_PASID] Request device [0x00:0x02.0] fault addr 0x1000 "
				 "[fault reason 0x06] x", &f) && strcmp(f.device, "00:02.0") == 0,
	   "DMAR fault with 0x-prefixed bus and slot");
	/* drivers/iommu/intel/dmar.c dmar_fault_do_one(), 6.1 and 6.12: "[%02x:%02x.%d]". */
	ok(kmsg_parse_dmar_fault("DMAR: [INTR-REMAP] Request device [f0:1f.0] fault index 0x0 "
				 "[fault reason 0x25] Blocked a compatibility format interrupt request", &f) &&
	   f.kind == FAULT_INTEL_IR && strcmp(f.device, "f0:1f.0") == 0 && !f.has_addr &&
	   !f.access[0] && strcmp(f.detail, "index 0x0 reason 0x25: Blocked a compatibility format "
				  "interrupt request") == 0,
	   "6.1 interrupt-remapping fault: its own kind, its device, no DMA address");
	/* 7.2: "[%04x:%02x:%02x.%d]", the PCI segment first, on every fault line. */
	ok(kmsg_parse_dmar_fault("DMAR: [DMA Read NO_PASID] Request device [0000:00:02.0] fault addr "
				 "0x7fa000 [fault reason 0x06] PTE Read access is not set", &f) &&
	   f.kind == FAULT_INTEL_DMAR && strcmp(f.device, "0000:00:02.0") == 0 && f.addr == 0x7fa000 &&
	   strcmp(f.access, "read") == 0, "7.2 DMAR fault with the PCI segment");
	ok(kmsg_parse_dmar_fault("DMAR: [DMA Write PASID 0x1] Request device [0001:3a:00.1] fault addr "
				 "0xffffe000 [fault reason 0x05] PTE Write access is not set", &f) &&
	   strcmp(f.device, "0001:3a:00.1") == 0 && strcmp(f.access, "write") == 0,
	   "7.2 DMAR fault with a PASID and segment 1");
	ok(kmsg_parse_dmar_fault("DMAR: [INTR-REMAP] Request device [0000:f0:1f.0] fault index 0x1f "
				 "[fault reason 0x26] Blocked an interrupt request due to source-id "
				 "verification failure", &f) && f.kind == FAULT_INTEL_IR &&
	   strcmp(f.device, "0000:f0:1f.0") == 0 && strstr(f.detail, "index 0x1f reason 0x26"),
	   "7.2 interrupt-remapping fault with the PCI segment");
	ok(!kmsg_parse_dmar_fault("DMAR: [INTR-REMAP] Request device [0000:f0:1f.0] fault addr 0x0 "
				  "[fault reason 0x26] x", &f), "an INTR-REMAP line has an index, not an address");
	ok(!kmsg_parse_dmar_fault("DMAR: [DMA Read NO_PASID] Request device [00:20.0] fault addr 0x1000 "
				  "[fault reason 0x06] x", &f), "slot 0x20 does not exist");

	ok(kmsg_parse_amd_fault("AMD-Vi: Event logged [IO_PAGE_FAULT device=00:01.0 domain=0x0001 "
				"address=0xfffff000 flags=0x0020]", &f) && strcmp(f.device, "00:01.0") == 0 &&
	   f.addr == 0xfffff000 && strcmp(f.access, "write") == 0 &&
	   strcmp(f.detail, "domain=0x0001 flags=0x0020") == 0, "6.1 AMD-Vi fault without a driver");
	ok(kmsg_parse_amd_fault("amdgpu 0000:0a:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0000 "
				"address=0x0 flags=0x0000]", &f) && strcmp(f.device, "0000:0a:00.0") == 0 &&
	   f.addr == 0 && strcmp(f.access, "read") == 0, "AMD-Vi fault named by its device's prefix");
	ok(kmsg_parse_amd_fault("AMD-Vi: Event logged [IO_PAGE_FAULT device=0001:00:14.2 domain=0x0000 "
				"address=0x1000 flags=0x0050]", &f) && strcmp(f.device, "0001:00:14.2") == 0,
	   "AMD-Vi fault with a PCI segment");
	ok(!kmsg_parse_amd_fault("AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0000 address=0x0 flags=0x0000]",
				 &f), "an AMD-Vi fault that names no device is refused");
	ok(!kmsg_parse_amd_fault("[Thu Nov 21 10:00:00 2024] amdgpu 0000:0a:00.0: AMD-Vi: Event logged "
				 "[IO_PAGE_FAULT domain=0x0000 address=0x0 flags=0x0000]", &f),
	   "a dmesg -T prefix is not a device prefix");

	ok(kmsg_parse_smmu_fault("arm-smmu 12c00000.iommu: Unhandled context fault: fsr=0x402, iova=0x8000f000, "
				 "fsynr=0x30013, cbfrsynra=0x1a, cb=3", &f) && f.kind == FAULT_ARM_SMMU &&
	   strcmp(f.device, "12c00000.iommu") == 0 && f.addr == 0x8000f000 &&
	   strcmp(f.access, "write") == 0, "SMMUv2 context fault");
	ok(kmsg_parse_smmu_fault("arm-smmu 5040000.iommu: Unhandled context fault: fsr=0x2, iova=0x00001000, "
				 "fsynr=0x0, cb=0", &f) && f.addr == 0x1000, "SMMUv2 context fault before cbfrsynra");
	ok(kmsg_parse_smmu_fault("arm-smmu-v3 arm-smmu-v3.0.auto: event: F_TRANSLATION client: 0000:01:00.0 "
				 "sid: 0x100 ssid: 0x0 iova: 0x7f000 ipa: 0x0", &f) &&
	   f.kind == FAULT_ARM_SMMU_V3 && strcmp(f.device, "0000:01:00.0") == 0 && f.addr == 0x7f000,
	   "SMMUv3 event naming its client");
	ok(kmsg_parse_smmu_fault("arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:", &f) &&
	   strcmp(f.device, "arm-smmu-v3.0.auto") == 0 && !f.has_addr, "SMMUv3 event before 6.15");
	ok(!kmsg_parse_smmu_fault("xhci_hcd 0000:00:14.0: event 0x10 received:", &f),
	   "an event line of another driver is refused");
}

/* arm-smmu-v3.c arm_smmu_dump_event() of 6.15 and later; "%#x" prints zero as "0". */
static void test_smmu_lines(void)
{
	struct kmsg_fault f;
	char smmu[64], access[8];
	uint64_t v;
	unsigned int ias, oas;
	uint32_t feat;

	ok(kmsg_parse_smmu_v3_features("arm-smmu-v3 9050000.smmuv3: ias 44-bit, oas 44-bit (features "
				       "0x00008305)", smmu, sizeof(smmu), &ias, &oas, &feat) &&
	   strcmp(smmu, "9050000.smmuv3") == 0 && ias == 44 && oas == 44 && feat == 0x8305,
	   "SMMUv3 probe line: ias, oas, features");
	ok(kmsg_parse_smmu_v3_features("arm-smmu-v3 9050000.smmuv3: oas 44-bit (features 0x01008305)",
				       smmu, sizeof(smmu), &ias, &oas, &feat) && ias == 0 && oas == 44 &&
	   feat == 0x01008305, "7.x SMMUv3 probe line: no ias");
	ok(!kmsg_parse_smmu_v3_features("arm-smmu 9050000.smmu: ias 44-bit, oas 44-bit (features "
					"0x00008305)", smmu, sizeof(smmu), &ias, &oas, &feat),
	   "the probe line of another driver is refused");
	ok(!kmsg_parse_smmu_v3_features("arm-smmu-v3 9050000.smmuv3: ias 44-bit, oas 44-bit (features "
					"0x00008305", smmu, sizeof(smmu), &ias, &oas, &feat),
	   "a cut probe line is refused");
	ok(kmsg_parse_smmu_v2_probe("arm-smmu 51400000.iommu: SMMUv2 with:", smmu, sizeof(smmu), &ias,
				    &oas) == V2_VERSION && ias == 2 && strcmp(smmu, "51400000.iommu") == 0,
	   "SMMUv2 report: the version line");
	ok(kmsg_parse_smmu_v2_probe("arm-smmu 51400000.iommu: \tStage-1: 48-bit VA -> 48-bit IPA", smmu,
				    sizeof(smmu), &ias, &oas) == V2_S1_BITS && ias == 48 && oas == 48,
	   "SMMUv2 report: stage 1 widths (dmesg's tab)");
	ok(kmsg_parse_smmu_v2_probe("arm-smmu 15000000.iommu: \\x09non-coherent table walk", smmu,
				    sizeof(smmu), &ias, &oas) == V2_WALK && ias == 0,
	   "SMMUv2 report: non-coherent table walk (/dev/kmsg's escaped tab)");
	ok(kmsg_parse_smmu_v2_probe("arm-smmu 15000000.iommu: \tStage-2: 40-bit IPA -> 44-bit", smmu,
				    sizeof(smmu), &ias, &oas) == V2_NONE, "a cut stage 2 line is refused");
	ok(kmsg_parse_smmu_v2_probe("arm-smmu-v3 15000000.iommu: \tstage 1 translation", smmu,
				    sizeof(smmu), &ias, &oas) == V2_NONE, "another driver's line is refused");

	ok(kmsg_parse_smmu_fault("arm-smmu-v3 arm-smmu-v3.0.auto: event: F_TRANSLATION client: "
				 "0000:00:01.0 sid: 0x8 ssid: 0 iova: 0x7f000 ipa: 0", &f) &&
	   f.v3 == V3_IOVA && f.has_addr && f.addr == 0x7f000 && strcmp(f.device, "0000:00:01.0") == 0 &&
	   strcmp(f.iommu, "arm-smmu-v3.0.auto") == 0 && strcmp(f.detail, "F_TRANSLATION sid=0x8 ssid=0x0") == 0,
	   "iova event: client, address, stream id");
	ok(kmsg_parse_smmu_fault("arm-smmu-v3 arm-smmu-v3.0.auto: event: F_STE_FETCH client: (unassigned sid) "
				 "sid: 0x10 ssid: 0 fetch_addr: 0x4000a080", &f) && f.v3 == V3_FETCH &&
	   !f.has_addr && strcmp(f.device, "arm-smmu-v3.0.auto") == 0 &&
	   strcmp(f.detail, "F_STE_FETCH sid=0x10 ssid=0x0 fetch_addr=0x4000a080") == 0,
	   "fetch event: no IOVA, an unassigned stream stays with the SMMU");
	ok(kmsg_parse_smmu_fault("arm-smmu-v3 arm-smmu-v3.0.auto: event: C_BAD_STE client: 0000:00:02.0 "
				 "sid: 0x10 ssid: 0", &f) && f.v3 == V3_PLAIN && !f.has_addr &&
	   strcmp(f.device, "0000:00:02.0") == 0, "event without an address");
	ok(kmsg_parse_smmu_fault("arm-smmu-v3 arm-smmu-v3.0.auto: event: UNKNOWN client: 0000:00:02.0 "
				 "sid: 0x10 ssid: 0x3", &f) && f.v3 == V3_PLAIN, "an UNKNOWN event name");
	ok(!kmsg_parse_smmu_fault("arm-smmu-v3 arm-smmu-v3.0.auto: event: F_TRANSLATION client: 0000:00:01.0 "
				  "sid: 0x8 ssid: 0 iova: 0x7f000", &f), "an iova without its ipa is refused");
	ok(kmsg_parse_smmu_access("arm-smmu-v3 arm-smmu-v3.0.auto: unpriv data write s1 "
				  "\"Input address caused fault\" stag: 0", smmu, sizeof(smmu), access) &&
	   strcmp(access, "write") == 0 && strcmp(smmu, "arm-smmu-v3.0.auto") == 0, "access line");
	ok(kmsg_parse_smmu_access("arm-smmu-v3 arm-smmu-v3.0.auto: priv inst read s2 "
				  "\"Stage 1 translation table fetch\" ttd_read stall stag: 0x2a", smmu,
				  sizeof(smmu), access) && strcmp(access, "read") == 0,
	   "access line with ttd_read and stall");
	ok(!kmsg_parse_smmu_access("arm-smmu-v3 arm-smmu-v3.0.auto: unpriv data write s1 "
				   "\"Input address caused fault\" stall", smmu, sizeof(smmu), access),
	   "an access line without its stag is refused");
	ok(kmsg_parse_smmu_dword("arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000800000010", smmu,
				 sizeof(smmu), &v) && v == 0x800000010ULL, "raw dword, tab as printed");
	ok(kmsg_parse_smmu_dword("arm-smmu-v3 arm-smmu-v3.0.auto: \\x090x0000000800000010", smmu,
				 sizeof(smmu), &v) && v == 0x800000010ULL, "raw dword, tab escaped by /dev/kmsg");
	ok(!kmsg_parse_smmu_dword("arm-smmu-v3 arm-smmu-v3.0.auto: \t0x000000080000001", smmu,
				  sizeof(smmu), &v), "a dword of 15 digits is refused");
	ok(!kmsg_parse_smmu_dword("nvme 0000:01:00.0: \t0x0000000800000010", smmu, sizeof(smmu), &v),
	   "a dword of another driver is refused");
}

/* Feed lines to the SMMUv3 assembler; collect what it completes. */
static int assemble(const char *const *lines, struct kmsg_fault *out, int cap)
{
	struct kmsg_smmu_block b = { 0 };
	struct kmsg_fault two[2];
	int n = 0;

	for (int i = 0; lines[i]; i++) {
		int k = kmsg_smmu_feed(&b, lines[i], i, two);

		for (int j = 0; j < k && n < cap; j++)
			out[n++] = two[j];
	}
	if (n < cap && kmsg_smmu_end(&b, &out[n]))
		n++;
	return n;
}

#define SMMU "arm-smmu-v3 arm-smmu-v3.0.auto: "

static void test_smmu_events(void)
{
	/* 6.1 and 6.12: dev_info() raw only; 0x10 F_TRANSLATION, sid 8, RnW (bit 35) set, address. */
	static const char *const raw[] = {
		SMMU "event 0x10 received:", SMMU "\\x090x0000000800000010",
		SMMU "\\x090x0000020880000000", SMMU "\\x090x000000000007f000",
		SMMU "\\x090x0000000000000000", "virtio_gpu virtio0: something else",
		SMMU "event 0x10 received:", SMMU "\\x090x0000000800000010",
		SMMU "\\x090x0000020000000000", SMMU "\\x090x0000000000080000",
		SMMU "\\x090x0000000000000000", NULL,
	};
	/* 7.2: dev_err() raw, then decoded: an iova event with its access line, a fetch event. */
	static const char *const decoded[] = {
		SMMU "event 0x10 received:", SMMU "\\x090x0000000800000010",
		SMMU "\\x090x0000020880000000", SMMU "\\x090x000000000007f000",
		SMMU "\\x090x0000000000000000", "random: crng init done",
		SMMU "event: F_TRANSLATION client: 0000:00:01.0 sid: 0x8 ssid: 0 iova: 0x7f000 ipa: 0",
		SMMU "priv data read s1 \"Input address caused fault\" stag: 0",
		SMMU "event 0x03 received:", SMMU "\\x090x0000001000000003",
		SMMU "\\x090x0000000000000000", SMMU "\\x090x0000000000000000",
		SMMU "\\x090x000000004000a080",
		SMMU "event: F_STE_FETCH client: (unassigned sid) sid: 0x10 ssid: 0 fetch_addr: 0x4000a080",
		SMMU "event 0x04 received:", SMMU "\\x090x0000000800000004",
		SMMU "\\x090x0000000000000000", SMMU "\\x090x0000000000000000",
		SMMU "\\x090x0000000000000000",
		SMMU "event: C_BAD_STE client: 0000:00:01.0 sid: 0x8 ssid: 0", NULL,
	};
	struct kmsg_fault f[8];
	int n = assemble(raw, f, 8);

	is_int(n, 2, "6.12: two raw events, two faults");
	ok(n == 2 && strcmp(f[0].device, "arm-smmu-v3.0.auto") == 0 && f[0].has_addr &&
	   f[0].addr == 0x7f000 && strcmp(f[0].access, "read") == 0 &&
	   strcmp(f[0].detail, "event 0x10 sid=0x8") == 0 && f[0].usec == 0,
	   "6.12: a raw event decoded: stream id, address, read");
	ok(n == 2 && f[1].addr == 0x80000 && strcmp(f[1].access, "write") == 0 && f[1].usec == 6,
	   "6.12: the second event, a write");
	n = assemble(decoded, f, 8);
	is_int(n, 3, "7.2: three events printed raw and decoded, three faults");
	ok(n == 3 && strcmp(f[0].device, "0000:00:01.0") == 0 && f[0].addr == 0x7f000 &&
	   strcmp(f[0].access, "read") == 0 && strcmp(f[0].detail, "F_TRANSLATION sid=0x8 ssid=0x0") == 0 &&
	   f[0].usec == 0, "7.2: the iova event under its client, with the access line's read");
	ok(n == 3 && strcmp(f[1].device, "arm-smmu-v3.0.auto") == 0 && !f[1].has_addr &&
	   strstr(f[1].detail, "F_STE_FETCH"), "7.2: the STE fetch of an unassigned stream, under the SMMU");
	ok(n == 3 && strcmp(f[2].device, "0000:00:01.0") == 0 && strstr(f[2].detail, "C_BAD_STE"),
	   "7.2: an event without address, under its client");
}

static void test_swiotlb_lines(void)
{
	struct kmsg_swiotlb_full full;
	uint64_t s, e, mb;

	ok(kmsg_parse_swiotlb_mapped("software IO TLB: mapped [mem 0x00000000bbfdf000-0x00000000bffdf000] (64MB)",
				     &s, &e, &mb) && s == 0xbbfdf000 && e == 0xbffdf000 && mb == 64,
	   "6.1 'mapped' line");
	ok(!kmsg_parse_swiotlb_mapped("software IO TLB: mapped [mem 0x2000-0x1000] (64MB)", &s, &e, &mb),
	   "an end before the start is refused");
	ok(kmsg_parse_swiotlb_full("nvme 0000:01:00.0: swiotlb buffer is full (sz: 65536 bytes), total 32768 "
				   "(slots), used 32704 (slots)", &full) &&
	   strcmp(full.device, "0000:01:00.0") == 0 && full.size == 65536 && full.has_slots &&
	   full.total == 32768 && full.used == 32704, "6.1 'buffer is full' line");
	ok(kmsg_parse_swiotlb_full("swiotlb buffer is full (sz: 4096 bytes)", &full) && !full.has_slots &&
	   full.size == 4096 && !full.device[0], "'buffer is full' before 5.11, no device");
	ok(!kmsg_parse_swiotlb_full("nvme 0000:01:00.0: swiotlb buffer is full (sz: -1 bytes)", &full),
	   "a negative size is refused");
	ok(!kmsg_parse_swiotlb_full("swiotlb buffer is full (sz: 4096 bytes), total 10 (slots), used 11 (slots)",
				    &full), "more slots used than exist is refused");
	ok(kmsg_is_swiotlb_in_use("PCI-DMA: Using software bounce buffering for IO (SWIOTLB)"), "PCI-DMA line");
	/* kernel/dma/swiotlb.c: pr_warn_once() under pr_fmt "software IO TLB: " (6.1, 6.12, 7.2). */
	ok(kmsg_is_memenc_bounce("software IO TLB: Memory encryption is active and system is using DMA "
				 "bounce buffers"), "memory encryption bounce line");
	ok(!kmsg_is_memenc_bounce("software IO TLB: Memory encryption is active and system is using DMA "
				  "bounce"), "a cut memory encryption bounce line is refused");
}

/* vmwgfx_drv.c vmw_dma_select_mode(): drm_info(), "[drm] " before the format. */
static void test_vmwgfx_lines(void)
{
	enum kmsg_vmw_mode m;
	char dev[64];

	ok(kmsg_parse_vmwgfx_mode("vmwgfx 0000:00:0f.0: [drm] DMA map mode: Caching DMA mappings.", dev,
				  sizeof(dev), &m) && m == VMW_POPULATE && strcmp(dev, "0000:00:0f.0") == 0,
	   "vmwgfx map_populate");
	ok(kmsg_parse_vmwgfx_mode("vmwgfx 0000:00:0f.0: [drm] DMA map mode: Using coherent TTM pages.",
				  dev, sizeof(dev), &m) && m == VMW_COHERENT, "vmwgfx alloc_coherent");
	ok(kmsg_parse_vmwgfx_mode("vmwgfx 0000:00:0f.0: [drm] DMA map mode: Giving up DMA mappings early.",
				  dev, sizeof(dev), &m) && m == VMW_BIND, "vmwgfx map_bind");
	ok(kmsg_parse_vmwgfx_mode("[drm] DMA map mode: Using physical TTM page addresses.", dev,
				  sizeof(dev), &m) && m == VMW_PHYS && !dev[0], "older DRM_INFO line, no device");
	ok(!kmsg_parse_vmwgfx_mode("vmwgfx 0000:00:0f.0: [drm] DMA map mode: Caching DMA", dev,
				   sizeof(dev), &m), "a cut mode is refused");
	ok(!kmsg_parse_vmwgfx_mode("bochs-drm 0000:00:02.0: [drm] DMA map mode: Caching DMA mappings.",
				   dev, sizeof(dev), &m), "another driver's line is refused");
}

static void test_memenc_efr(void)
{
	uint64_t a, b;
	bool two;

	is_int(kmsg_parse_mem_encrypt("Memory Encryption Features active: AMD SEV SEV-ES"),
	       MEMENC_SEV | MEMENC_SEV_ES, "SEV-ES guest");
	is_int(kmsg_parse_mem_encrypt("Memory Encryption Features active: Intel TDX"), MEMENC_TDX, "TDX guest");
	is_int(kmsg_parse_mem_encrypt("AMD Memory Encryption Features active: SME"), MEMENC_SME, "5.x SME host");
	is_int(kmsg_parse_mem_encrypt("tdx: Guest detected"), MEMENC_TDX, "tdx: Guest detected");
	is_int(kmsg_parse_mem_encrypt("Memory Encryption Features active: AMD SEV-"), 0,
	       "a cut word is refused");
	is_int(kmsg_parse_mem_encrypt("Memory Encryption Features active: AMD  SEV"), 0,
	       "a double space is refused");
	ok(kmsg_parse_amd_efr("AMD-Vi: Extended features (0x29d2294 0, 0x0): PPR X2APIC NX GT IA GA",
			      &a, &b, &two) == false, "an EFR with a stray word is refused");
	ok(kmsg_parse_amd_efr("AMD-Vi: Extended features (0x29d2294, 0): PPR NX GT IA GA", &a, &b, &two) &&
	   a == 0x29d2294 && b == 0 && two, "6.1 EFR and EFR2 (a zero EFR2 printed as 0)");
	ok(kmsg_parse_amd_efr("AMD-Vi: Extended features (0xf77ef22294ada):", &a, &b, &two) && !two &&
	   a == 0xf77ef22294ada, "EFR alone, before 6.1");
}

/* Device-tree DMA lines: coherency (dynamic debug), reserved memory, kmalloc pool size. */
static void test_dt_lines(void)
{
	char dev[64], node[64], compat[64];
	enum kmsg_rmem_kind kind;
	uint64_t base, mib;
	bool coh = true;

	ok(kmsg_parse_dt_coherent("virtio-pci 0000:00:01.0: device is not dma coherent", dev,
				  sizeof(dev), &coh) && !coh && strcmp(dev, "0000:00:01.0") == 0,
	   "'device is not dma coherent' of a PCI function");
	ok(kmsg_parse_dt_coherent("virtio-mmio a000000.virtio_mmio: device is dma coherent", dev,
				  sizeof(dev), &coh) && coh && strcmp(dev, "a000000.virtio_mmio") == 0,
	   "'device is dma coherent' of a platform device");
	ok(!kmsg_parse_dt_coherent("device is dma coherent", dev, sizeof(dev), &coh),
	   "no device prefix: refused");
	ok(!kmsg_parse_dt_coherent("pci 0000:00:01.0: device is dma coherent now", dev, sizeof(dev),
				   &coh), "trailing words: refused");
	ok(!kmsg_parse_dt_coherent("pci 0000:00:01.0: device is behind an iommu", dev, sizeof(dev),
				   &coh), "the iommu line is another line");
	ok(kmsg_parse_rmem_assigned("virtio-mmio a000000.virtio_mmio: assigned reserved memory node "
				    "restricted-dma-pool@70000000", dev, sizeof(dev), node, sizeof(node)) &&
	   strcmp(dev, "a000000.virtio_mmio") == 0 && strcmp(node, "restricted-dma-pool@70000000") == 0,
	   "'assigned reserved memory node'");
	ok(!kmsg_parse_rmem_assigned("pci 0000:00:01.0: assigned reserved memory node a/b", dev,
				     sizeof(dev), node, sizeof(node)), "a node path is refused");
	ok(kmsg_parse_rmem_created("Reserved memory: created DMA memory pool at 0x0000000018000000, "
				   "size 8 MiB", &kind, &base, &mib) && kind == RMEM_COHERENT &&
	   base == 0x18000000 && mib == 8, "'created DMA memory pool' (shared-dma-pool)");
	ok(kmsg_parse_rmem_created("Reserved memory: created restricted DMA pool at 0x0000000070000000, "
				   "size 4 MiB", &kind, &base, &mib) && kind == RMEM_RESTRICTED &&
	   base == 0x70000000 && mib == 4, "'created restricted DMA pool'");
	ok(kmsg_parse_rmem_created("Reserved memory: created CMA memory pool at 0x00000000f8000000, "
				   "size 128 MiB", &kind, &base, &mib) && kind == RMEM_CMA && mib == 128,
	   "'created CMA memory pool'");
	ok(kmsg_parse_rmem_created("Reserved memory: created DMA memory pool at 0x10000000, size 0 MiB",
				   &kind, &base, &mib) && mib == 0, "a 32-bit address, a pool under 1 MiB");
	ok(!kmsg_parse_rmem_created("Reserved memory: created DMA memory pool at 0x18000000, size 8 M",
				    &kind, &base, &mib), "a cut unit is refused");
	ok(kmsg_parse_rmem_initialized("OF: reserved mem: initialized node vram@18000000, compatible id "
				       "shared-dma-pool", node, sizeof(node), compat, sizeof(compat)) &&
	   strcmp(node, "vram@18000000") == 0 && strcmp(compat, "shared-dma-pool") == 0,
	   "'initialized node'");
	ok(kmsg_parse_rmem_initialized("OF: reserved mem: initialized node linux,cma, compatible id "
				       "shared-dma-pool", node, sizeof(node), compat, sizeof(compat)) == false,
	   "a node name with a comma is refused");
	ok(kmsg_parse_rmem_initialized("OF: reserved mem: initialized node adsp@8b800000, compatible id "
				       "qcom,adsp-pool", node, sizeof(node), compat, sizeof(compat)) &&
	   strcmp(compat, "qcom,adsp-pool") == 0, "a vendor compatible");
	ok(kmsg_parse_swiotlb_adjusted("software IO TLB: SWIOTLB bounce buffer size adjusted to 1MB",
				       &mib) && mib == 1, "arm64's kmalloc pool size");
	ok(!kmsg_parse_swiotlb_adjusted("software IO TLB: SWIOTLB bounce buffer size adjusted to 0MB",
					&mib), "a zero size is refused");
}

/* Every parser on one line; a summary of what it reported. */
struct result {
	bool dd, tlb, dmar, amd, smmu, mapped, full, has_addr;
	bool dtc, coh, assigned, created, init, adjusted;
	char node[64];
	enum kmsg_rmem_kind kind;
	uint64_t base, mib, adj;
	char type[32], dev[64];
	bool cmd, strict;
	uint64_t addr, s, e, mb, size, total, used;
	bool slots;
	unsigned int enc;
};

static void parse_all(const char *t, struct result *r)
{
	struct kmsg_fault f;
	struct kmsg_swiotlb_full full;

	memset(r, 0, sizeof(*r));
	r->dd = kmsg_parse_default_domain(t, r->type, sizeof(r->type), &r->cmd);
	r->tlb = kmsg_parse_tlb_policy(t, &r->strict, &r->cmd);
	if ((r->dmar = kmsg_parse_dmar_fault(t, &f)) || (r->amd = kmsg_parse_amd_fault(t, &f)) ||
	    (r->smmu = kmsg_parse_smmu_fault(t, &f))) {
		strcpy(r->dev, f.device);
		r->addr = f.addr;
		r->has_addr = f.has_addr;
	}
	r->mapped = kmsg_parse_swiotlb_mapped(t, &r->s, &r->e, &r->mb);
	if ((r->full = kmsg_parse_swiotlb_full(t, &full))) {
		strcpy(r->dev, full.device);
		r->size = full.size;
		r->slots = full.has_slots;
		r->total = full.total;
		r->used = full.used;
	}
	r->enc = kmsg_parse_mem_encrypt(t);
	if ((r->dtc = kmsg_parse_dt_coherent(t, r->dev, sizeof(r->dev), &r->coh)))
		return;
	if ((r->assigned = kmsg_parse_rmem_assigned(t, r->dev, sizeof(r->dev), r->node, sizeof(r->node))))
		return;
	r->created = kmsg_parse_rmem_created(t, &r->kind, &r->base, &r->mib);
	{
		char compat[64];

		r->init = kmsg_parse_rmem_initialized(t, r->node, sizeof(r->node), compat, sizeof(compat));
	}
	r->adjusted = kmsg_parse_swiotlb_adjusted(t, &r->adj);
}

/* What a damaged line reports is either nothing or agrees with the whole line. */
static bool agrees(const struct result *w, const struct result *g)
{
	if ((g->dd && (!w->dd || strcmp(g->type, w->type))) || (g->tlb && (!w->tlb || g->strict != w->strict)))
		return false;
	if ((g->dmar && !w->dmar) || (g->amd && !w->amd) || (g->smmu && !w->smmu) || (g->full && !w->full))
		return false;
	if ((g->dmar || g->amd || g->smmu || g->full) && strcmp(g->dev, w->dev) != 0)
		return false;
	/* A cut SMMUv3 iova event is the event without address: it claims none. */
	if ((g->dmar || g->amd || g->smmu) && g->has_addr && g->addr != w->addr)
		return false;
	if (g->full && (g->size != w->size ||
			(g->slots && (g->total != w->total || g->used != w->used))))
		return false;
	if (g->mapped && (!w->mapped || g->s != w->s || g->e != w->e || g->mb != w->mb))
		return false;
	if ((g->dtc && (!w->dtc || g->coh != w->coh || strcmp(g->dev, w->dev))) ||
	    /*
	     * The node name ends the line: a cut one is a prefix of the whole,
	     * and the collector matches it against the device tree's names.
	     */
	    (g->assigned && (!w->assigned || strcmp(g->dev, w->dev) ||
			     strncmp(g->node, w->node, strlen(g->node)))) ||
	    (g->created && (!w->created || g->kind != w->kind || g->base != w->base || g->mib != w->mib)) ||
	    (g->init && (!w->init || strcmp(g->node, w->node))) ||
	    (g->adjusted && (!w->adjusted || g->adj != w->adj)))
		return false;
	return (g->enc & ~w->enc) == 0;
}

static const char *const samples[] = {
	"iommu: Default domain type: Translated (set via kernel command line)",
	"iommu: DMA domain TLB invalidation policy: strict mode (set via kernel command line)",
	"DMAR: [DMA Write NO_PASID] Request device [00:02.0] fault addr 0xfe000 [fault reason 0x05] PTE Write access is not set",
	"AMD-Vi: Event logged [IO_PAGE_FAULT device=00:01.0 domain=0x0001 address=0xfffff000 flags=0x0020]",
	"amdgpu 0000:0a:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0000 address=0x1000 flags=0x0000]",
	"arm-smmu 12c00000.iommu: Unhandled context fault: fsr=0x402, iova=0x8000f000, fsynr=0x30013, cbfrsynra=0x1a, cb=3",
	"arm-smmu-v3 arm-smmu-v3.0.auto: event: F_TRANSLATION client: 0000:01:00.0 sid: 0x100 ssid: 0x0 iova: 0x7f000 ipa: 0x0",
	"arm-smmu-v3 arm-smmu-v3.0.auto: event: F_CD_FETCH client: 0000:01:00.0 sid: 0x100 ssid: 0 fetch_addr: 0x4000a080",
	"DMAR: [DMA Write NO_PASID] Request device [0000:00:02.0] fault addr 0xfe000 [fault reason 0x05] PTE Write access is not set",
	"DMAR: [INTR-REMAP] Request device [0000:f0:1f.0] fault index 0x1f [fault reason 0x25] Blocked a compatibility format interrupt request",
	"software IO TLB: mapped [mem 0x00000000bbfdf000-0x00000000bffdf000] (64MB)",
	"nvme 0000:01:00.0: swiotlb buffer is full (sz: 65536 bytes), total 32768 (slots), used 32704 (slots)",
	"Memory Encryption Features active: AMD SEV SEV-ES SEV-SNP",
	"virtio-pci 0000:00:01.0: device is not dma coherent",
	"virtio-mmio a000000.virtio_mmio: assigned reserved memory node restricted-dma-pool@70000000",
	"Reserved memory: created restricted DMA pool at 0x0000000070000000, size 4 MiB",
	"OF: reserved mem: initialized node coherent-pool@7e000000, compatible id shared-dma-pool",
	"software IO TLB: SWIOTLB bounce buffer size adjusted to 16MB",
};

static void test_fuzz(void)
{
	size_t bad_trunc = 0, bad_mut = 0, garbage_hits = 0, n_trunc = 0;
	static const char subst[] = { 'x', ' ', '0', 'f', ':', ']', '\xff', '\t' };
	uint32_t seed = 12345;

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		size_t len = strlen(samples[i]);
		struct result whole, part;

		parse_all(samples[i], &whole);
		ok(whole.dd || whole.tlb || whole.dmar || whole.amd || whole.smmu || whole.mapped ||
		   whole.full || whole.enc || whole.dtc || whole.assigned || whole.created ||
		   whole.init || whole.adjusted, "sample %zu parses whole", i);
		for (size_t cut = 0; cut < len; cut++) {
			char *t = strndup(samples[i], cut);

			if (!t)
				abort();
			parse_all(t, &part);
			n_trunc++;
			if (!agrees(&whole, &part)) {
				bad_trunc++;
				printf("# truncation disagrees: '%s'\n", t);
			}
			free(t);
		}
		for (size_t pos = 0; pos < len; pos++) {
			for (size_t k = 0; k < sizeof(subst); k++) {
				char *t = dup(samples[i]);

				t[pos] = subst[k];
				parse_all(t, &part);	/* must not crash; values may differ */
				if (part.mapped && part.e <= part.s)
					bad_mut++;
				free(t);
			}
		}
	}
	is_int(bad_trunc, 0, "none of %zu truncated lines reports what the whole line does not say",
	       n_trunc);
	is_int(bad_mut, 0, "no mutated 'mapped' line yields an empty range");
	for (int i = 0; i < 20000; i++) {
		static const char alpha[] = "0123456789abcdefx:.,;[]() -=_ADMRIOTLBSWVEFPUQ\xff";
		char line[96];
		size_t len;
		struct result r;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % (sizeof(line) - 1);
		for (size_t k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			line[k] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		line[len] = '\0';
		parse_all(line, &r);
		if (r.dd || r.tlb || r.dmar || r.amd || r.smmu || r.mapped || r.full || r.enc ||
		    r.dtc || r.assigned || r.created || r.init || r.adjusted)
			garbage_hits++;
	}
	is_int(garbage_hits, 0, "20000 random garbage lines: no parser matches");

	/* Garbage through the splitter too: binary, NULs, huge numbers. */
	{
		char buf[] = "99999999999999999999,1,2,-;x\n1,2,99999999999999999999999,-;y\n"
			     "[99999999999999999999.1] z\n<6>[ 1.1234567891] w\n\0\0\n\xff\xfe;\n";
		struct kmsg_iter it;
		struct kmsg_line l;
		size_t n = 0;

		kmsg_iter_init(&it, buf, sizeof(buf) - 1);
		while (kmsg_next(&it, &l)) {
			if (l.usec < -1)
				n += 1000;
			n++;
		}
		ok(n > 0 && n < 1000, "malformed records become plain lines, never negative timestamps");
	}
}

int main(void)
{
	test_split();
	test_policy_lines();
	test_faults();
	test_smmu_lines();
	test_smmu_events();
	test_swiotlb_lines();
	test_dt_lines();
	test_vmwgfx_lines();
	test_memenc_efr();
	test_fuzz();
	return tap_done();
}

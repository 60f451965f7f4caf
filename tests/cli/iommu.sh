#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# dmainspect iommu on the fixture sysroots, against values worked out by hand
# from the captured files (intel-iommu/cap d2008c22260206 and ecap f00f4a
# decoded bit by bit from drivers/iommu/intel/iommu.h, each group's type and
# reserved_regions, the captured dev/kmsg), then on copies with faults added
# to the log and on damaged trees.
set -u
. "$(dirname "$0")/lib.sh"

lazy=$FIXTURES/q35-iommu-lazy-6.1
pt=$FIXTURES/q35-iommu-pt-6.1
force=$FIXTURES/q35-noiommu-swiotlb-force-6.1
dt=$FIXTURES/synthetic-dt-arm64

# cap 0xd2008c22260206: ND (0-2) 6 -> 65536 domains, CM (7) 0, SAGAW (8-12) 0x02
# -> 39 bits, MGAW (16-21) 0x26 + 1 = 39, SLLPS (34-37) 0x3 -> 2M and 1G.
# ecap 0xf00f4a: C (0) 0, DT (2) 0, PT (6) 1, SC (7) 0; nothing at or above
# bit 24: NEST, PRS, PASID, SMTS, SLTS, FLTS all 0.
unit_want='dmar0 intel-vt-d null 1:0 d2008c22260206 f00f4a
decoded max_address_bits=39 output_address_bits=null guest_address_bits=null pass_through=true scalable_mode=false nested=false first_level=false second_level=false page_request=false pasid=false pasid_bits=null device_iotlb=false snoop_control=false page_walk_coherent=false caching_mode=false domains=65536 superpage_2m=true superpage_1g=true snp=null page_table_widths=[39]
devices 0000:00:00.0 0000:00:01.0 0000:00:02.0 0000:00:03.0 0000:00:1f.0 0000:00:1f.2 0000:00:1f.3'
project_units() {
	jq -r '.units[] | "\(.name) \(.kind) \(.parent) \(.version) \(.cap) \(.ecap)",
		"decoded " + ([.decoded | to_entries[] | "\(.key)=\(.value | tojson)"] | join(" ")),
		"devices " + (.devices | join(" "))'
}

# reserved_regions: 0xfee00000-0xfeefffff msi everywhere (4276092928 4277141503),
# and 0x0-0xffffff direct-relaxable (ISA DMA) in the LPC/SATA/SMBus group 4.
groups_want() { # TYPE
	cat <<EOF
0 $1 0000:00:00.0=null | 4276092928-4277141503 msi
1 $1 0000:00:01.0=null | 4276092928-4277141503 msi
2 $1 0000:00:02.0=bochs-drm | 4276092928-4277141503 msi
3 $1 0000:00:03.0=virtio-pci | 4276092928-4277141503 msi
4 $1 0000:00:1f.0=null 0000:00:1f.2=null 0000:00:1f.3=null | 0-16777215 direct-relaxable 4276092928-4277141503 msi
EOF
}
project_groups() {
	jq -r '.groups[] | "\(.id) \(.type) " + ([.devices[] | "\(.name)=\(.driver)"] | join(" ")) + " | " +
		([.reserved_regions[] | "\(.start)-\(.end) \(.type)"] | join(" "))'
}
project_policy() {
	jq -r '.policy | "\(.default_domain) \(.default_domain_set_by_cmdline) \(.tlb_policy) \(.tlb_policy_set_by_cmdline)"'
}

run --sysroot "$lazy" iommu --json
is "$rc" 0 "lazy: iommu --json exits 0"
is "$(project_units <<<"$out")" "$unit_want" "lazy: dmar0 with cap/ecap decoded by hand"
is "$(project_groups <<<"$out")" "$(groups_want DMA-FQ)" "lazy: groups, members, drivers, reserved regions"
is "$(jq -r '[.groups[].type_meaning] | unique | join(",")' <<<"$out")" \
	"translated, lazy invalidation with a flush queue" "lazy: DMA-FQ decoded"
is "$(project_policy <<<"$out")" "Translated false lazy false" \
	"lazy: the log's 'Default domain type: Translated' and 'lazy mode' lines"
is "$(jq -r '.cmdline.intel_iommu | join(",")' <<<"$out")" "on" "lazy: intel_iommu=on"
is "$(jq -r '"\(.faults | length) \(.kernel_log.readable) \(.kernel_log.from_boot) \(.unreadable | length)"' <<<"$out")" \
	"0 true true 0" "lazy: no fault, a log from boot, nothing unreadable"
jq -e '.policy.conclusions[] | select(.conclusion == "DMA domains get lazy TLB invalidation by default"
	and .source == "kernel log: '\''iommu: DMA domain TLB invalidation policy: lazy mode'\''")' <<<"$out" >/dev/null
ok $? "lazy: the TLB conclusion names the log line it rests on"

run --sysroot "$pt" iommu --json
is "$(project_groups <<<"$out")" "$(groups_want identity)" "pt: identity groups"
is "$(project_policy <<<"$out")" "Passthrough true null null" \
	"pt: Passthrough set via the command line; no TLB line is logged for passthrough"
jq -e '.policy.conclusions[] | select(.conclusion == "iommu=pt asks for identity (passthrough) default domains"
	and .source == "kernel command line: iommu=pt")' <<<"$out" >/dev/null
ok $? "pt: iommu=pt explained, with its source"

run --sysroot "$force" iommu --json
is "$(jq -r '"\(.units | length) \(.groups | length)"' <<<"$out")" "0 0" "no IOMMU: no unit, no group"
is "$(project_policy <<<"$out")" "Translated false lazy false" "no IOMMU: the log still claims Translated/lazy"
jq -e '.policy.conclusions[] | select(.conclusion | test("claims default domain type Translated, but no IOMMU unit exists.*proves nothing"))' \
	<<<"$out" >/dev/null
ok $? "no IOMMU: the claim is reported as proving nothing"

# AMD: amd-iommu/features "0:29d3" is EFR2:EFR on 6.1, as the log's "Extended
# features (0x29d3, 0x0)" confirms. cap 0x1f03000f: IOTLB (24) 1. EFR 0x29d3 =
# 10707: PPR (1) 1, GT (4) 1, HATS (10-11) 2 and GATS (12-13) 2 -> 6-level,
# 64 bits; PASMAX (32-36) 0 -> 1 bit; SNP (63) 0.
run --sysroot "$FIXTURES/q35-amd-iommu-6.1" iommu --json
is "$(jq -r '.units[] | "\(.name) \(.kind) \(.parent) \(.cap) \(.features) \(.efr) \(.efr2)",
	(.decoded | "\(.max_address_bits) \(.guest_address_bits) \(.page_request) \(.nested) \(.pasid) \(.pasid_bits) \(.device_iotlb) \(.snp) \(.pass_through)")' <<<"$out")" \
	"ivhd0 amd-vi 0000:00:01.0 1f03000f 0:29d3 10707 0
64 64 true true true 1 true false null" "amd: ivhd0 under its PCI function, EFR told from EFR2 by the log, decoded"
is "$(jq -r '[.groups[].type] | unique | join(",")' <<<"$out") $(project_policy <<<"$out")" \
	"DMA Translated false lazy false" "amd: strict groups although the log's policy is lazy"
jq -e '.policy.conclusions[] | select((.conclusion | test("overrode the lazy policy"))
	and (.source | test("AMD-Vi: Using strict mode due to virtualization")))' <<<"$out" >/dev/null
ok $? "amd: the override is explained by the driver's own log line"

run --sysroot "$dt" iommu --json
is "$rc" 0 "synthetic DT: exits 0 without a kernel log"
is "$(jq -r '.units[0] | "\(.name) \(.kind) \(.parent) \(.decoded_from) \(.decoded.pass_through)"' <<<"$out")" \
	"smmu3.0x0000000009000000 arm-smmu-v3 9000000.iommu null null" \
	"synthetic DT: SMMUv3 unit, its parent from the sysfs path, no registers to decode"
is "$(jq -r '"\(.kernel_log.readable) \(.kernel_log.readable_error) \(.policy.default_domain_error)"' <<<"$out")" \
	"null No such file or directory No such file or directory" "synthetic DT: the missing log, with the reason"
is "$(jq -r '.unreadable[] | select(startswith("dev/kmsg"))' <<<"$out")" \
	"dev/kmsg in the snapshot: No such file or directory (the snapshot holds no kernel log)" \
	"synthetic DT: 'unreadable' says what and why"
is "$(jq -r '.cmdline.iommu_strict' <<<"$out")" "true" "synthetic DT: iommu.strict=1"

# --- faults added to a copy of the lazy tree's log ---

cp -a "$lazy" "$TMP/faults"
cat >>"$TMP/faults/dev/kmsg" <<'EOF'
3,900,5000000,-;DMAR: DRHD: handling fault status reg 2
3,901,5000100,-;DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x7fa000 [fault reason 0x06] PTE Read access is not set
3,902,5000200,-;DMAR: [DMA Write NO_PASID] Request device [00:02.0] fault addr 0x7fb000 [fault reason 0x05] PTE Write access is not set
3,903,5000300,-;DMAR: [DMA Read NO_PASID] Request device [00:07.0] fault addr 0x1000 [fault reason 0x02] Present bit in context entry is clear
3,904,5000400,-;DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x7fc0
3,905,5000500,-;AMD-Vi: Event logged [IO_PAGE_FAULT device=00:03.0 domain=0x0001 address=0xfffff000 flags=0x0020]
11,906,5000600,-;DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x1 [fault reason 0x06] from user space
EOF
run --sysroot "$TMP/faults" iommu --json
valid "faults"
is "$(jq -r '.faults[] | "\(.kind) \(.device) \(.logged_as) \(.count) \(.last_address) \(.last_access) \(.last_time) \(.last_detail)"' <<<"$out")" \
	"intel-dmar 0000:00:02.0 00:02.0 2 8368128 write 5.0002 reason 0x05: PTE Write access is not set
intel-dmar 00:07.0 00:07.0 1 4096 read 5.0003 reason 0x02: Present bit in context entry is clear
amd-vi 0000:00:03.0 00:03.0 1 4294963200 write 5.0005 domain=0x0001 flags=0x0020" \
	"faults: per device, resolved to sysfs names where one matches, truncated and user-space lines skipped"
run --sysroot "$TMP/faults" --color=never iommu
[[ $out == *"0000:00:02.0  intel-dmar  2 faults, last at 0x7fb000 (write)"* ]]
ok $? "faults: the text view shows count and last address"

# --- damaged trees: still exit 0, unknown values with reasons ---

mkdir -p "$TMP/bad/sys/class/iommu" "$TMP/bad/sys/devices/virtual/iommu/dmar0/intel-iommu" \
	"$TMP/bad/sys/kernel/iommu_groups/0/devices" "$TMP/bad/dev" "$TMP/bad/proc"
ln -s ../../devices/virtual/iommu/dmar0 "$TMP/bad/sys/class/iommu/dmar0"
echo zzzz >"$TMP/bad/sys/devices/virtual/iommu/dmar0/intel-iommu/cap"
echo f00f4a >"$TMP/bad/sys/devices/virtual/iommu/dmar0/intel-iommu/ecap"
echo DMA >"$TMP/bad/sys/kernel/iommu_groups/0/type"
printf '0xfee00000 0xfeefffff msi\nnot a region\n0x10 0x0f msi\n0x1 0x2 msi extra\n' \
	>"$TMP/bad/sys/kernel/iommu_groups/0/reserved_regions"
head -c 3000 /dev/urandom >"$TMP/bad/dev/kmsg"
printf '\n6,1,2,-;iommu: Default domain type: Transl\n[ 1.0] iommu: DMA domain TLB invalidation policy: lazy\n' \
	>>"$TMP/bad/dev/kmsg"
printf 'iommu.strict=perhaps intel_iommu=on\n' >"$TMP/bad/proc/cmdline"
run --sysroot "$TMP/bad" iommu --json
valid "bad"
is "$rc" 0 "damaged tree: exits 0"
is "$(jq -r '.units[0] | "\(.cap) \(.decoded_from) \(.decoded_from_error) \(.decoded.max_address_bits)"' <<<"$out")" \
	"zzzz null intel-iommu/cap or ecap is not a hexadecimal number null" \
	"damaged tree: a garbage cap is kept raw and not decoded"
is "$(jq -r '.groups[0].reserved_regions | map("\(.start)-\(.end) \(.type)") | join(",")' <<<"$out")" \
	"4276092928-4277141503 msi" "damaged tree: malformed reserved_regions lines are skipped"
is "$(project_policy <<<"$out")" "null null null null" "damaged tree: truncated policy lines are not believed"
is "$(jq -r '"\(.cmdline.iommu_strict) \(.cmdline.iommu_strict_error)"' <<<"$out")" "null Invalid argument" \
	"damaged tree: iommu.strict=perhaps is refused like the kernel refuses it"

rm "$TMP/bad/dev/kmsg"
mkfifo "$TMP/bad/dev/kmsg"
timeout 10 "$DMAINSPECT" --sysroot "$TMP/bad" iommu --json >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "a FIFO as the log: exits 0 without hanging"
is "$(jq -r '.unreadable[] | select(startswith("dev/kmsg"))' "$TMP/out")" \
	"dev/kmsg in the snapshot: not a regular file" \
	"a FIFO as the log: reported as not a regular file"

run --sysroot "$lazy" iommu extra
is "$rc" 1 "an operand is a usage error"
is "$err" "dmainspect: iommu: unexpected argument 'extra'" "the operand is named"

# One rule, two views: a removable device behind a translating IOMMU is
# untrusted (below an external-facing port), and its sub-page mappings
# bounce. swiotlb's can_bounce and advise's path must say the same.
cp -a "$FIXTURES/q35-amd-iommu-6.12" "$TMP/removable"
dev=$TMP/removable/sys/devices/pci0000:00/0000:00:02.0
echo removable >"$dev/removable"
run --sysroot "$TMP/removable" swiotlb --json
is "$(jq -r '.masks[] | select(.device == "0000:00:02.0") | "\(.translated) \(.can_bounce)"' <<<"$out")" \
	"true true" "removable behind a DMA domain: swiotlb says it can bounce"
run --sysroot "$TMP/removable" advise --json 0000:00:02.0
is "$(jq -r '.devices[0].advice | "\(.path) \(.mode)"' <<<"$out")" "bounce alloc-coherent" \
	"removable behind a DMA domain: advise agrees (path bounce, alloc-coherent)"
echo fixed >"$dev/removable"
run --sysroot "$TMP/removable" swiotlb --json
is "$(jq -r '.masks[] | select(.device == "0000:00:02.0") | .can_bounce' <<<"$out")" false \
	"fixed behind a DMA domain: no bounce"
run --sysroot "$TMP/removable" advise --json 0000:00:02.0
is "$(jq -r '.devices[0].advice.path' <<<"$out")" iommu-strict "fixed behind a DMA domain: advise agrees"

done_testing

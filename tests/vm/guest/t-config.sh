#!/bin/sh
# Checks that this guest runs the configuration it claims to run: its kernel
# command line holds the configuration's words, and the kernel's own log and
# files (IOMMU units, group types, SWIOTLB pool, vmwgfx mapping mode) show
# the expected effect: on x86 (q35) IOMMU units, group types, SWIOTLB pool,
# vmwgfx mapping mode; on arm64 (virt) the SMMUv3 (or its absence), group
# types, the SWIOTLB pool the kernel sizes for kmalloc bouncing, the
# dma-coherent properties and reserved memory of the device tree the guest
# booted, and dynamic debug's coherency lines where the configuration turns
# them on.  Nothing here runs dmainspect.
set -eu
# shellcheck source=tests/vm/guest/lib.sh
. "$(dirname "$0")/lib.sh"

config=$(vm_config)
log=$(mktemp)
dmesg >"$log"

# Expectations per configuration:
#   words  kernel command line words
#   units  IOMMU unit name pattern in /sys/class/iommu ("" for none)
#   gtype  type of every IOMMU group ("" for no groups)
#   logs   lines the kernel log must contain (fixed strings, one per line)
#   nologs text the kernel log must not contain (fixed strings, one per line)
#   nslabs SWIOTLB default pool slabs in debugfs ("" for no pool)
#   vmw    vmwgfx's "[drm] DMA map mode:" text ("" on arm64: no vmware-svga)
#   arch   the machine (uname -m) the configuration boots
#   dtcoh  arm64: "yes" when the PCIe host bridge and every virtio_mmio node
#          of the device tree are dma-coherent, "no" when none is
#   rmem   arm64: the nodes under /reserved-memory ("" for none)
#   dyndbg "yes" when the command line turns on dynamic debug for
#          drivers/of/device.c: the log then has of_dma_configure_id()'s
#          "device is (not) dma coherent" lines, else none
vmw_default="Caching DMA mappings."
intel_lazy_logs="DMAR: IOMMU enabled
iommu: Default domain type: Translated
iommu: DMA domain TLB invalidation policy: lazy mode"
vmw=$vmw_default
mem_above_4g=
arch=x86_64
dtcoh=
rmem=
nologs=
dyndbg=
# arm64 with SMMUv3: Debian's arm64 default domain policy is strict
# (CONFIG_IOMMU_DEFAULT_DMA_STRICT); with nothing that needs bouncing below
# 4 GiB the kernel keeps a pool for kmalloc bouncing
# (DMA_BOUNCE_UNALIGNED_KMALLOC) of 1 MiB per GiB of RAM: 1 MiB, 512 slabs,
# for the suite's 1024 MiB.
arm_smmu_logs="iommu: Default domain type: Translated
iommu: DMA domain TLB invalidation policy: strict mode
arm-smmu-v3 9050000.smmuv3: allocated
software IO TLB: SWIOTLB bounce buffer size adjusted to 1MB"
case $config in
intel-lazy)
	words="intel_iommu=on" units="dmar*" gtype=DMA-FQ nslabs=''
	logs=$intel_lazy_logs
	;;
intel-strict)
	words="intel_iommu=on iommu.strict=1" units="dmar*" gtype=DMA nslabs=''
	logs="DMAR: IOMMU enabled
iommu: Default domain type: Translated
iommu: DMA domain TLB invalidation policy: strict mode (set via kernel command line)"
	;;
intel-pt)
	words="intel_iommu=on iommu=pt" units="dmar*" gtype=identity nslabs=''
	logs="DMAR: IOMMU enabled
iommu: Default domain type: Passthrough (set via kernel command line)"
	;;
noiommu-force)
	# A forced pool survives on a small guest, but 6.1 does not log its
	# "software IO TLB: mapped" line there: debugfs is the evidence.
	words="intel_iommu=off swiotlb=force" units='' gtype='' nslabs=32768
	logs="DMAR: IOMMU disabled"
	;;
swiotlb128)
	words="intel_iommu=off swiotlb=65536,force" units='' gtype='' nslabs=65536
	logs="DMAR: IOMMU disabled"
	;;
amd)
	# 6.1 knows no amd_iommu=on ("Unknown option") and, seeing a
	# hypervisor, makes the default domain strict after having logged
	# the lazy policy.
	words="amd_iommu=on" units="ivhd*" gtype=DMA nslabs=''
	logs="AMD-Vi: Unknown option - 'on'
iommu: Default domain type: Translated
AMD-Vi: Using strict mode due to virtualization
AMD-Vi: Interrupt remapping enabled"
	;;
bigmem)
	# More than 4 GiB and no IOMMU: the default 64 MiB pool is kept.
	words='' units='' gtype='' nslabs=32768 mem_above_4g=1
	logs="PCI-DMA: Using software bounce buffering for IO (SWIOTLB)
software IO TLB: mapped [mem
(64MB)"
	;;
vmw-coherent)
	words="intel_iommu=on vmwgfx.force_coherent=1" units="dmar*" gtype=DMA-FQ nslabs=''
	logs=$intel_lazy_logs vmw="Using coherent TTM pages."
	;;
vmw-restrict)
	words="intel_iommu=on vmwgfx.restrict_iommu=1" units="dmar*" gtype=DMA-FQ nslabs=''
	logs=$intel_lazy_logs vmw="Giving up DMA mappings early."
	;;
arm-smmu)
	words='' units="smmu3.*" gtype=DMA nslabs=512 arch=aarch64 vmw='' dtcoh=yes dyndbg=yes
	logs="$arm_smmu_logs
pci-host-generic 4010000000.pcie: device is dma coherent"
	;;
arm-noncoherent)
	words='' units="smmu3.*" gtype=DMA nslabs=512 arch=aarch64 vmw='' dtcoh=no
	logs=$arm_smmu_logs
	;;
arm-nosmmu)
	# -M virt without an SMMU: no IOMMU at all, though iommu_subsys_init()
	# logs the default domain policy all the same; the 1 MiB pool for
	# kmalloc bouncing stays, and the host bridge is not coherent.
	words='' units='' gtype='' nslabs=512 arch=aarch64 vmw='' dtcoh=no dyndbg=yes
	logs="iommu: Default domain type: Translated
iommu: DMA domain TLB invalidation policy: strict mode
software IO TLB: SWIOTLB bounce buffer size adjusted to 1MB
OF: reserved mem: Reserved memory: No reserved-memory node in the DT
pci-host-generic 4010000000.pcie: device is not dma coherent"
	nologs="arm-smmu-v3"
	;;
arm-coherent-pool)
	# As arm-smmu, with a per-device coherent pool (shared-dma-pool,
	# no-map) the kernel sets up at boot.
	words='' units="smmu3.*" gtype=DMA nslabs=512 arch=aarch64 vmw='' dtcoh=yes
	rmem=coherent-pool@7e000000
	logs="$arm_smmu_logs
Reserved memory: created DMA memory pool at 0x000000007e000000, size 4 MiB
OF: reserved mem: initialized node coherent-pool@7e000000, compatible id shared-dma-pool"
	;;
*)
	tap_skip "configuration '$config' matches its kernel" "no expectations for this configuration"
	tap_done
	exit 0
	;;
esac

tap_is "$(uname -m)" "$arch" "the guest's machine (uname -m) is $arch"

missing=
for w in $words; do
	cmdline_has "$w" || missing="$missing $w"
done
if [ -n "$words" ]; then
	tap_is "${missing# }" "" "/proc/cmdline has '$words'"
else
	extra=
	read -r cl </proc/cmdline
	for w in $cl; do
		case $w in
		*iommu* | swiotlb*) extra="$extra $w" ;;
		esac
	done
	tap_is "${extra# }" "" "/proc/cmdline has no IOMMU or SWIOTLB option"
fi

got_units=
for u in /sys/class/iommu/*; do
	[ -e "$u" ] && got_units="$got_units ${u##*/}"
done
got_units=${got_units# }
if [ -z "$units" ]; then
	tap_is "$got_units" "" "no IOMMU unit in /sys/class/iommu"
else
	bad=
	for u in $got_units; do
		# shellcheck disable=SC2254 # $units is a pattern
		case $u in
		$units) ;;
		*) bad="$bad $u" ;;
		esac
	done
	if [ -n "$got_units" ] && [ -z "$bad" ]; then
		tap_ok "IOMMU units are $units ($got_units)"
	else
		tap_fail "IOMMU units are $units" "got: '$got_units'"
	fi
fi

types=
ngroups=0
for g in /sys/kernel/iommu_groups/*; do
	[ -e "$g/type" ] || continue
	ngroups=$((ngroups + 1))
	types="$types $(cat "$g/type")"
done
types=$(echo "$types" | tr ' ' '\n' | sed '/^$/d' | sort -u | tr '\n' ' ' | sed 's/ $//')
if [ -z "$gtype" ]; then
	tap_is "$ngroups" 0 "no IOMMU groups"
else
	if [ "$ngroups" -gt 0 ] && [ "$types" = "$gtype" ]; then
		tap_ok "all $ngroups IOMMU groups have type $gtype"
	else
		tap_fail "all IOMMU groups have type $gtype" "$ngroups groups, types: '$types'"
	fi
fi

while IFS= read -r l; do
	[ -n "$l" ] || continue
	if grep -qF -- "$l" "$log"; then
		tap_ok "kernel log says '$l'"
	else
		tap_fail "kernel log says '$l'" \
			"$(grep -E 'DMAR|AMD-Vi|iommu|smmu|IO TLB|PCI-DMA' "$log" | head -n 20)"
	fi
done <<EOF
$logs
EOF
while IFS= read -r l; do
	[ -n "$l" ] || continue
	if grep -qF -- "$l" "$log"; then
		tap_fail "kernel log never says '$l'" "$(grep -F -- "$l" "$log" | head -n 5)"
	else
		tap_ok "kernel log never says '$l'"
	fi
done <<EOF
$nologs
EOF

# Dynamic debug for drivers/of/device.c: of_dma_configure_id() then logs
# "<drv> <dev>: device is (not) dma coherent" for the devices it configures.
dd=no
grep -qF 'dyndbg="file drivers/of/device.c +p"' /proc/cmdline && dd=yes
ndbg=$(grep -cE '^\[[^]]*\] [^ ]+ [^ ]+: device is (not )?dma coherent$' "$log" || true)
if [ "${dyndbg:-no}" = yes ]; then
	if [ "$dd" = yes ] && [ "$ndbg" -gt 0 ]; then
		tap_ok "dynamic debug for drivers/of/device.c is on and the log has $ndbg 'device is ... dma coherent' lines"
	else
		tap_fail "dynamic debug for drivers/of/device.c is on and the log has 'device is ... dma coherent' lines" \
			"on the command line: $dd; lines: $ndbg"
	fi
else
	tap_is "$dd $ndbg" "no 0" "no dynamic debug for drivers/of/device.c, no 'device is ... dma coherent' line"
fi

sw=/sys/kernel/debug/swiotlb
if [ ! -d "$sw" ]; then
	tap_fail "SWIOTLB pool" "$sw is missing (debugfs not mounted?)"
elif [ -z "$nslabs" ]; then
	if [ -e "$sw/io_tlb_nslabs" ]; then
		got=$(cat "$sw/io_tlb_nslabs")
	else
		got=
	fi
	tap_is "$got" "" "no SWIOTLB default pool (debugfs swiotlb/ empty)"
else
	got=$(cat "$sw/io_tlb_nslabs" 2>/dev/null || echo missing)
	tap_is "$got" "$nslabs" "SWIOTLB pool has $nslabs slabs ($((nslabs * 2048 / 1048576)) MiB)"
fi

mode=$(grep -F '[drm] DMA map mode: ' "$log" | sed 's/.*DMA map mode: //' | head -n 1)
if [ -n "$vmw" ]; then
	tap_is "$mode" "$vmw" "vmwgfx logs DMA map mode '$vmw'"
else
	tap_is "$mode" "" "vmwgfx logs no DMA map mode (no vmware-svga on $arch)"
fi

# The device tree the kernel booted: QEMU's own (dma-coherent on the PCIe
# host bridge and the virtio_mmio nodes) or the edited one (on none).
if [ -n "$dtcoh" ]; then
	dt=/sys/firmware/devicetree/base
	pcie=no
	[ -e "$dt/pcie@10000000/dma-coherent" ] && pcie=yes
	tap_is "$pcie" "$dtcoh" "device tree: /pcie@10000000 dma-coherent: $dtcoh"
	nmmio=0 ncoh=0
	for n in "$dt"/virtio_mmio@*; do
		[ -d "$n" ] || continue
		nmmio=$((nmmio + 1))
		[ -e "$n/dma-coherent" ] && ncoh=$((ncoh + 1))
	done
	want=0
	[ "$dtcoh" = yes ] && want=$nmmio
	if [ "$nmmio" -gt 0 ] && [ "$ncoh" = "$want" ]; then
		tap_ok "device tree: $ncoh of $nmmio virtio_mmio nodes are dma-coherent"
	else
		tap_fail "device tree: $want of the virtio_mmio nodes are dma-coherent" "$ncoh of $nmmio are"
	fi
fi

# The device tree's reserved memory: none in QEMU's own, the coherent pool
# (vm_dtb_coherent_pool in tests/vm/common.sh) where the configuration adds
# it.
dt=/sys/firmware/devicetree/base
if [ "$arch" = aarch64 ]; then
	got=
	for n in "$dt"/reserved-memory/*; do
		[ -d "$n" ] && got="$got ${n##*/}"
	done
	tap_is "${got# }" "$rmem" "device tree: /reserved-memory nodes: '${rmem:-none}'"
fi
# bytes FILE: a property's bytes in hex, space-separated.
bytes() { od -An -v -tx1 "$1" 2>/dev/null | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }
if [ -n "$rmem" ]; then
	p=$dt/reserved-memory/$rmem
	tap_is "$(tr -d '\0' <"$p/compatible" 2>&1)" shared-dma-pool "device tree: $rmem is a shared-dma-pool"
	tap_is "$(bytes "$dt/reserved-memory/#address-cells") / $(bytes "$dt/reserved-memory/#size-cells")" \
		"00 00 00 02 / 00 00 00 02" "device tree: /reserved-memory has two address and two size cells"
	tap_is "$(bytes "$p/reg")" "00 00 00 00 7e 00 00 00 00 00 00 00 00 40 00 00" \
		"device tree: $rmem reg is 4 MiB at 0x7e000000"
	tap_check "device tree: $rmem is no-map" test -e "$p/no-map"
	tap_is "$(bytes "$p/phandle")" "00 00 7e 00" "device tree: $rmem phandle is 0x7e00"
	first=$(for n in "$dt"/virtio_mmio@*; do echo "${n##*/}"; done | sort | head -n 1)
	tap_is "$(bytes "$dt/$first/memory-region")" "00 00 7e 00" \
		"device tree: the first virtio_mmio node ($first) has memory-region <0x7e00>"
	others=$(find "$dt" -name memory-region | grep -vxF "$dt/$first/memory-region" || true)
	tap_is "$others" "" "device tree: no other node has a memory-region"
fi

if [ -n "$mem_above_4g" ]; then
	kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
	if [ "$kb" -gt 4194304 ]; then
		tap_ok "more than 4 GiB of RAM ($kb kB)"
	else
		tap_fail "more than 4 GiB of RAM" "MemTotal: $kb kB"
	fi
fi

rm -f "$log"
tap_done

#!/bin/sh
# Proves the advisor against a real driver: for the vmwgfx device (QEMU's
# vmware-svga), dmainspect's prediction of vmwgfx's own choice must equal the
# "[drm] DMA map mode: ..." line vmwgfx printed in this guest's kernel log,
# read here with dmesg, not by dmainspect.  On arm64 guests (uname -m), which
# have no vmware-svga (vmwgfx oopses probing QEMU's on aarch64), there is no
# such oracle: there the devices with a driver prediction must be exactly
# those bound to a driver dmainspect predicts (vmwgfx, nouveau, amdgpu,
# radeon), by sysfs.  Also checks that every device's advised path follows
# from its group's type as sysfs shows it.
# shellcheck disable=SC2016 # jq programs are in single quotes
set -eu
# shellcheck source=tests/vm/guest/lib.sh
. "$(dirname "$0")/lib.sh"

DMAINSPECT=${DMAINSPECT:-dmainspect}
work=$(mktemp -d)

# The vmware-svga function: vendor 0x15ad, device 0x0405, wherever QEMU put it.
vmw=
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat "$d/vendor")" = 0x15ad ] && [ "$(cat "$d/device")" = 0x0405 ]; then
		vmw=$(basename "$d")
	fi
done

case $(uname -m) in
x86_64 | i?86)
	tap_check "the guest has a vmware-svga device" test -n "$vmw"

	# What vmwgfx itself printed.
	line=$(dmesg | grep -o 'DMA map mode: .*' | tail -n 1 || true)
	case $line in
	*"Using coherent TTM pages."*) truth=alloc-coherent ;;
	*"Giving up DMA mappings early."*) truth=map-bind ;;
	*"Caching DMA mappings."*) truth=map-populate ;;
	*) truth="(no DMA map mode line: '$line')" ;;
	esac
	tap_diag "vmwgfx says: $line"

	rc=0
	"$DMAINSPECT" advise "$vmw" --json >"$work/advise.json" 2>"$work/err" || rc=$?
	tap_is "$rc" 0 "advise $vmw --json exits 0"
	pred=$(jq -r '.devices[0].advice.prediction.mode // "null"' "$work/advise.json" 2>/dev/null || echo invalid)
	tap_is "$pred" "$truth" "predicted vmwgfx choice equals vmwgfx's own log line"
	tap_diag "$(jq -r '.devices[0].advice | "advice \(.mode) (\(.path)); prediction: \(.prediction.reasons | join("; ")); differs: \(.prediction.differs)"' "$work/advise.json" 2>/dev/null)"

	# Where the advice and vmwgfx's choice differ, dmainspect says why.
	mode=$(jq -r '.devices[0].advice.mode' "$work/advise.json" 2>/dev/null || echo invalid)
	differs=$(jq -r '.devices[0].advice.prediction.differs // ""' "$work/advise.json" 2>/dev/null || true)
	if [ "$mode" != "$truth" ]; then
		tap_check "advice ($mode) and vmwgfx ($truth) differ: the reason is given" test -n "$differs"
	else
		tap_is "$differs" "" "advice and vmwgfx agree ($mode): no difference reported"
	fi
	;;
*)
	tap_is "$vmw" "" "no vmware-svga device on $(uname -m)"
	rc=0
	"$DMAINSPECT" advise --json >"$work/advise.json" 2>"$work/err" || rc=$?
	tap_is "$rc" 0 "advise --json exits 0"
	for d in /sys/bus/pci/devices/* /sys/bus/platform/devices/*; do
		[ -L "$d/driver" ] || continue
		case $(basename "$(readlink "$d/driver")") in
		vmwgfx | nouveau | amdgpu | radeon) basename "$d" ;;
		esac
	done | sort >"$work/pred.truth"
	jq -r '.devices[] | select(.advice.prediction != null) | .name' "$work/advise.json" 2>/dev/null |
		sort >"$work/pred.got"
	tap_same_lines "$work/pred.truth" "$work/pred.got" \
		"driver predictions exactly for the devices bound to vmwgfx, nouveau, amdgpu or radeon ($(wc -l <"$work/pred.truth"))"
	;;
esac

# The advised path of every device follows from the kernel's own group type.
"$DMAINSPECT" list --json >"$work/list.json" 2>/dev/null || true
forced=no
grep -qw 'swiotlb=[0-9,]*force' /proc/cmdline && forced=yes
# End of RAM: the highest online memory block, from /sys/devices/system/memory.
bs=$(($(sed 's/^/0x/' /sys/devices/system/memory/block_size_bytes)))
ram_end=0
for m in /sys/devices/system/memory/memory*; do
	[ "$(cat "$m/state")" = online ] || continue
	e=$(( ($(sed 's/^/0x/' "$m/phys_index") + 1) * bs ))
	[ "$e" -gt "$ram_end" ] && ram_end=$e
done
tap_diag "end of RAM: $(printf '0x%x' "$ram_end")"
bad=
for d in /sys/bus/pci/devices/*; do
	n=$(basename "$d")
	if [ -L "$d/iommu_group" ]; then
		case $(cat "$d/iommu_group/type") in
		DMA-FQ) want=iommu-lazy ;;
		DMA) want=iommu-strict ;;
		identity) want=direct ;;
		unmanaged) want=owned ;;
		blocked) want=blocked ;;
		*) want=unknown ;;
		esac
	else
		want=direct
	fi
	bits=$(cat "$d/dma_mask_bits")
	if [ $want = direct ] && { [ $forced = yes ] || { [ "$bits" -lt 63 ] && [ "$ram_end" -gt $((1 << bits)) ]; }; }; then
		want=bounce
	fi
	got=$(jq -r --arg n "$n" '.devices[] | select(.name == $n) | .advice.path' "$work/list.json")
	[ "$got" = "$want" ] || bad="$bad $n:$got(want $want)"
done
tap_is "${bad:-none}" none "every PCI function's advised path follows from its group type"

tap_done

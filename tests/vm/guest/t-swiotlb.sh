#!/bin/sh
# Checks `dmainspect swiotlb --json` against the running kernel: the default
# pool as debugfs shows it (swiotlb=force: 64 MiB, swiotlb=65536,force:
# 128 MiB), forced bouncing from the command line, "buffer is full" events,
# the top of RAM from the memory blocks and each PCI function's masks beside
# it; then as an unprivileged user, for whom debugfs is closed and the pool
# comes from the boot log or the command line.  The truth is read here with
# shell tools, never by dmainspect.
set -eu
# shellcheck source=tests/vm/guest/lib.sh
. "$(dirname "$0")/lib.sh"

DMAINSPECT=${DMAINSPECT:-dmainspect}
config=$(vm_config)
work=$(mktemp -d)
json=$work/swiotlb.json
log=$work/dmesg
dmesg >"$log"
sw=/sys/kernel/debug/swiotlb

rc=0
"$DMAINSPECT" swiotlb --json >"$json" 2>"$work/err" || rc=$?
tap_is "$rc" 0 "swiotlb --json exits with status 0"
if jq -e '.version == 1 and (.pools | type) == "array" and (.swiotlb | type) == "object"
	and (.masks | type) == "array"' "$json" >/dev/null 2>&1; then
	tap_ok "swiotlb --json has version 1, pools, swiotlb and masks"
else
	tap_fail "swiotlb --json has version 1, pools, swiotlb and masks" "$(head -c 2000 "$json")"
	echo '{"pools":[],"swiotlb":{},"masks":[],"ram":{}}' >"$json"
fi

# --- the default pool, from debugfs ---

read -r cmdline </proc/cmdline
forced=false
for w in $cmdline; do
	case $w in
	swiotlb=force | swiotlb=*,force) forced=true ;;
	esac
done
if [ -r "$sw/io_tlb_nslabs" ]; then
	n=$(cat "$sw/io_tlb_nslabs")
	want="default debugfs $n $((n * 2048)) $forced"
else
	want=none
fi
got=$(jq -r '[.pools[] | select(.name == "default")] |
	if length == 0 then "none" else .[0] | "\(.name) \(.source) \(.nslabs) \(.size_bytes) \(.forced)" end' "$json")
tap_is "$got" "$want" "default pool: debugfs io_tlb_nslabs, its bytes, forced as the command line says"

case $config in
noiommu-force) tap_is "$got" "default debugfs 32768 67108864 true" "swiotlb=force gives a 64 MiB forced pool" ;;
swiotlb128) tap_is "$got" "default debugfs 65536 134217728 true" "swiotlb=65536,force gives a 128 MiB forced pool" ;;
esac

used=$(jq -r '[.pools[] | select(.name == "default")][0].used // "none"' "$json")
if [ -r "$sw/io_tlb_used" ]; then
	# A live counter: it only has to be a count within the pool.
	if [ "$used" -ge 0 ] 2>/dev/null && [ "$used" -le "$(cat "$sw/io_tlb_nslabs")" ]; then
		tap_ok "used ($used) is a slab count within the pool"
	else
		tap_fail "used is a slab count within the pool" "got '$used'"
	fi
else
	tap_is "$used" none "no pool, no used count"
fi
tap_is "$(jq -r '"\(.swiotlb.forced) \(.swiotlb.debugfs)"' "$json")" "$forced true" \
	"forced as the command line says; debugfs was read"

# --- exhaustion events ---

full=$(grep -c 'swiotlb buffer is full' "$log" || true)
tap_is "$(jq -r '.swiotlb.full_events.count' "$json")" "$full" "'buffer is full' events as in the log"

# --- top of RAM and masks ---

bs=0x$(cat /sys/devices/system/memory/block_size_bytes)
top=0
for m in /sys/devices/system/memory/memory*; do
	[ "$(cat "$m/state")" = online ] || continue
	i=${m##*/memory}
	end=$(((i + 1) * bs))
	[ "$end" -gt "$top" ] && top=$end
done
tap_is "$(jq -r '.ram.top' "$json")" "$top" "top of RAM is the end of the highest online memory block"

pool=false
[ -r "$sw/io_tlb_nslabs" ] && pool=true
: >"$work/masks.truth"
for d in /sys/bus/pci/devices/*; do
	[ -r "$d/dma_mask_bits" ] || continue
	bits=$(cat "$d/dma_mask_bits")
	t=none
	[ -L "$d/iommu_group" ] && t=$(cat "$d/iommu_group/type")
	below=false
	[ "$bits" -lt 63 ] && [ $((1 << bits)) -lt "$top" ] && below=true
	case $t in
	DMA | DMA-FQ) tr=true bounce=false ;;
	blocked | unmanaged) tr=false bounce=false ;;
	*)
		tr=false bounce=false
		if [ "$forced" = true ] || { [ "$below" = true ] && [ "$pool" = true ]; }; then
			bounce=true
		fi
		;;
	esac
	echo "${d##*/} $bits $tr $below $bounce" >>"$work/masks.truth"
done
sort "$work/masks.truth" -o "$work/masks.truth"
jq -r '.masks[] | "\(.device) \(.dma_mask_bits) \(.translated) \(.streaming_below_ram_top) \(.can_bounce)"' \
	"$json" | sort >"$work/masks.got"
tap_same_lines "$work/masks.truth" "$work/masks.got" \
	"each PCI function's mask, translation, mask below the top of RAM, and whether it can bounce"

enc=$(grep -c 'Memory Encryption Features active' "$log" || true)
tap_is "$(jq -r '.memory_encryption.guest' "$json")" "$([ "$enc" -gt 0 ] && echo true || echo false)" \
	"guest memory encryption as the log says"

# --- without privileges: debugfs is closed ---

grep -q '^nobody:' /etc/passwd 2>/dev/null || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null || echo 'nogroup:x:65534:' >>/etc/group
rc=0
su -s /bin/sh nobody -c "$DMAINSPECT swiotlb --json" >"$work/user.json" 2>"$work/user.err" || rc=$?
tap_is "$rc" 0 "swiotlb --json as nobody exits with status 0"
if jq -e '.swiotlb.debugfs == null and .swiotlb.debugfs_error == "Permission denied" and
	(.unreadable | map(select(test("^/sys/kernel/debug/swiotlb: Permission denied \\(debugfs is readable by root only\\)"))) | length) == 1' \
	"$work/user.json" >/dev/null 2>&1; then
	tap_ok "as nobody, debugfs is reported unreadable with the reason"
else
	tap_fail "as nobody, debugfs is reported unreadable with the reason" \
		"$(jq -c '[.swiotlb, .unreadable]' "$work/user.json" 2>&1 | head -c 1500)"
fi

# What the log and command line establish: the mapped line's range, or a
# forced pool's size from swiotlb=, or nothing certain.  Once with the log
# closed (dmesg_restrict 1), once open (0).
mapped=$(sed -n 's/.*software IO TLB: mapped \[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\] .*/\1 \2/p' "$log" | tail -n 1)
nslabs=
for w in $cmdline; do
	case $w in
	swiotlb=[0-9]*) nslabs=${w#swiotlb=}; nslabs=${nslabs%%,*} ;;
	esac
done
restrict=$(cat /proc/sys/kernel/dmesg_restrict)
for r in 1 0; do
	echo "$r" >/proc/sys/kernel/dmesg_restrict
	rc=0
	su -s /bin/sh nobody -c "$DMAINSPECT swiotlb --json" >"$work/user.json" 2>"$work/user.err" || rc=$?
	kmsg_ok=$(jq -r '.kernel_log.readable' "$work/user.json" 2>&1)
	if [ "$r" = 0 ] && [ -n "$mapped" ]; then
		# shellcheck disable=SC2086 # two words on purpose
		set -- $mapped
		want="true kernel log $((($2 - $1) / 2048)) $(($2 - $1))"
	elif [ "$forced" = true ]; then
		n=${nslabs:-32768}
		want="$([ "$r" = 0 ] && echo true || echo null) kernel command line $n $((n * 2048))"
	else
		want="$([ "$r" = 0 ] && echo true || echo null) none"
	fi
	got=$(jq -r '[.pools[] | select(.name == "default")] |
		if length == 0 then "none" else .[0] | "\(.source) \(.nslabs) \(.size_bytes)" end' "$work/user.json")
	tap_is "$kmsg_ok $got" "$want" \
		"as nobody, dmesg_restrict $r: the default pool from the boot log or the command line, saying which"
done
echo "$restrict" >/proc/sys/kernel/dmesg_restrict

rm -rf "$work"
tap_done

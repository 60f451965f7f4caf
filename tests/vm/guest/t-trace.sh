#!/bin/sh
# Checks `dmainspect trace` against the kernel's own record of the same
# events: while dmainspect counts `dd` reading the guest's AHCI and
# virtio-blk (iommu_platform=on) disks, this test records the same events
# in a tracefs instance of its own, from before dmainspect starts until
# after it ends, and counts them per device from the instance's text with
# awk. With swiotlb=force every map bounces; behind an IOMMU none does;
# 6.1 has no dma: events, and trace must say so. On 7.x the dma_buf:
# counts per exporter are compared the same way while `dmainspect buf`
# exports a vgem buffer. With swiotlb=force and on arm64 without an SMMU,
# 10 s of a busy disk lose no event. Behind an IOMMU (intel-lazy, and
# arm-noncoherent: an SMMU, non-coherent PCI, and a guest shorter than
# arm-smmu's with its churn test), the instance is gone after
# SIGINT and SIGTERM mid-run, a stale instance is refused with how to
# remove it, and as nobody trace exits 2.
set -eu
# shellcheck source=tests/vm/guest/lib.sh
. "$(dirname "$0")/lib.sh"

only_on "trace against the kernel's own count" noiommu-force intel-lazy arm-noncoherent arm-nosmmu

DMAINSPECT=${DMAINSPECT:-dmainspect}
T=/sys/kernel/tracing
work=$(mktemp -d)
own=$T/instances/t-trace

# The PCI function a block device's DMA goes through: the last PCI address
# on its device path (the AHCI controller; virtio-blk's virtio-pci function).
pci_of() {
	readlink -f "/sys/block/$1/device" | tr / '\n' |
		grep -E '^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$' | tail -n 1
}
ahci=$(pci_of sda)
vblk=$(pci_of vda)
tap_diag "AHCI $ahci, virtio-blk $vblk, $(uname -r)"
tap_check "the guest has its AHCI and virtio-blk disks" test -n "$ahci" -a -n "$vblk"

has_dma=no
[ -d $T/events/dma ] && has_dma=yes
forced=no
cmdline_has swiotlb=force && forced=yes

# The test's own instance: the same events, a buffer that holds them all.
rmdir "$own" 2>/dev/null || true
mkdir "$own"
echo 16384 >"$own/buffer_size_kb"
echo 1 >"$own/events/swiotlb/swiotlb_bounced/enable"
[ $has_dma = no ] || echo 1 >"$own/events/dma/enable"

echo 3 >/proc/sys/vm/drop_caches
dd='dd if=/dev/sda of=/dev/null bs=64k iflag=direct 2>/dev/null &&
	dd if=/dev/vda of=/dev/null bs=64k iflag=direct 2>/dev/null'
rc=0
"$DMAINSPECT" trace --json "$ahci" "$vblk" -- sh -c \
	"$dd" \
	>"$work/trace.json" 2>"$work/err" || rc=$?
echo 0 >"$own/tracing_on"
cat "$own/trace" >"$work/own.txt"
own_lost=$(awk '/^overrun:|^dropped events:/ { n += $NF } END { print n + 0 }' "$own"/per_cpu/cpu*/stats)
rmdir "$own"
tap_is "$rc" 0 "trace -- dd ... exits with dd's status"
tap_is "$(cat "$work/err")" "" "trace -- dd ... writes nothing to stderr"
tap_is "$own_lost" 0 "the test's own instance lost no events"
tap_is "$(jq -r '.trace.lost_events' "$work/trace.json")" 0 "trace lost no events"
tap_is "$(jq -r '.trace.command | join(" ")' "$work/trace.json")" "sh -c $dd" \
	"the JSON names the command"
# instances_left: how many dmainspect instances tracefs holds.
instances_left() { find $T/instances -maxdepth 1 -name 'dmainspect-*' | wc -l; }
tap_is "$(instances_left)" 0 "no dmainspect instance is left"

# The test's count for DEVICE from its own instance's text: bounces, bytes
# bounced, maps (page or phys, sg), unmaps, bytes mapped, map errors.
own_count() {
	awk -v dev="$1" '
	function hex(s,   i, v) {
		s = tolower(s); sub(/^0x/, "", s); v = 0
		for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	function hexsum(s,   n, i, a, t) {
		sub(/^\{/, "", s); sub(/\}$/, "", s)
		n = split(s, a, ","); t = 0
		for (i = 1; i <= n; i++) t += hex(a[i])
		return t
	}
	function field(k,   i) { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2); return "" }
	/^#/ { next }
	{
		# The event name: the first word ending in ":" after the timestamp.
		for (i = 1; i <= NF; i++) if ($i ~ /:$/ && $i !~ /^[0-9.]+:$/) { ev = $i; break }
		sub(/:$/, "", ev)
		d = $(i + 1)
		if (ev == "swiotlb_bounced") {
			if ($(i + 2) != dev) next
			b++; bb += field("size"); next
		}
		if (d != dev) next
		if (ev == "dma_map_sg") { msg++; mb += hexsum(field("sizes")) }
		else if (ev == "dma_map_page" || ev == "dma_map_phys") {
			if (field("dma_addr") == "ffffffffffffffff") err++
			else { mp++; mb += field("size") }
		}
		else if (ev == "dma_unmap_sg") usg++
		else if (ev == "dma_unmap_page" || ev == "dma_unmap_phys") up++
		else if (ev ~ /^dma_sync_.*_for_cpu$/) sc++
		else if (ev ~ /^dma_sync_.*_for_device$/) sd++
	}
	END { printf "%d %d %d %d %d %d %d %d %d %d\n", b, bb, mp, msg, up, usg, mb, err, sc, sd }
	' "$work/own.txt"
}

# dmainspect's count for DEVICE, in own_count's order ("null" where not counted).
its_count() {
	jq -r --arg d "$1" '.trace.devices[] | select(.name == $d) | .counts |
		"\(.bounces) \(.bounced_bytes) \(.maps_page) \(.maps_sg) \(.unmaps_page) \(.unmaps_sg) \(.map_bytes) \(.map_errors) \(.syncs_for_cpu) \(.syncs_for_device)"' \
		"$work/trace.json"
}

for dev in "$ahci" "$vblk"; do
	want=$(own_count "$dev")
	got=$(its_count "$dev")
	if [ $has_dma = no ]; then
		# 6.1: bounces only; the dma: counts are null, not zero.
		want="${want%% *} $(echo "$want" | cut -d' ' -f2) null null null null null null null null"
	fi
	tap_is "$got" "$want" "$dev: trace counts what the kernel recorded (bounces, bytes, maps page/sg, unmaps page/sg, bytes mapped, errors, syncs cpu/device)"
	bounces=${want%% *}
	if [ $forced = yes ]; then
		tap_check "$dev: swiotlb=force: its reads bounced ($bounces times)" test "$bounces" -gt 0
	elif [ -n "$(ls /sys/bus/pci/devices/"$dev"/iommu_group 2>/dev/null)" ] &&
		[ "$(vm_config)" = arm-noncoherent ]; then
		# iommu-dma bounces a non-coherent device's buffers that do not
		# fill whole IOVA granules (virtio-blk's request headers), and
		# nothing else: every bounce the kernel recorded is under a page.
		largest=$(awk -v dev="$dev" '$0 ~ "swiotlb_bounced: dev_name: " dev " " {
			for (i = 1; i <= NF; i++) if ($i ~ /^size=/) { v = substr($i, 6) + 0; if (v > m) m = v } }
			END { print m + 0 }' "$work/own.txt")
		tap_check "$dev: behind the SMMU, non-coherent: only sub-page buffers bounced ($bounces, the largest $largest bytes)" \
			test "$largest" -lt 4096
	elif [ -n "$(ls /sys/bus/pci/devices/"$dev"/iommu_group 2>/dev/null)" ]; then
		tap_is "$bounces" 0 "$dev: behind an IOMMU, nothing bounced"
	fi
	if [ $has_dma = yes ]; then
		# shellcheck disable=SC2086 # the counts are words
		set -- $want
		tap_check "$dev: its reads were mapped ($3 page, $4 sg maps, $7 bytes)" test "$(($3 + $4))" -gt 0
	fi
done
tap_is "$(jq -r '[.trace.families[] | select(.system == "dma")][0].available' "$work/trace.json")" \
	"$([ $has_dma = yes ] && echo true || echo false)" "the dma: family is available exactly when tracefs lists it"

# 7.x: dma-buf exports, attaches, detaches and mmaps per exporter, while
# dmainspect buf makes a test buffer on vgem's node (a PRIME export) and
# probes mmap on it, against the test's own record of the dma_buf: events.
vgem=
for c in /sys/class/drm/card*; do
	case ${c##*/} in *-*) continue ;; esac # a connector
	# vgem's card: its device is vgem's own (platform or faux) device.
	[ "$(basename "$(readlink -f "$c/device")")" = vgem ] && vgem=/dev/dri/${c##*/}
done
if [ -d $T/events/dma_buf ] && [ -n "$vgem" ]; then
	mkdir "$own"
	echo 1 >"$own/events/dma_buf/enable"
	rc=0
	"$DMAINSPECT" trace --json -- sh -c "$DMAINSPECT buf $vgem >/dev/null" >"$work/buf.json" \
		2>"$work/buf.err" || rc=$?
	echo 0 >"$own/tracing_on"
	awk '/^#/ { next }
	{
		for (i = 1; i <= NF; i++) if ($i ~ /:$/ && $i !~ /^[0-9.]+:$/) { ev = $i; break }
		sub(/:$/, "", ev)
		x = ""
		for (i = 1; i <= NF; i++) if (index($i, "exp_name=") == 1) x = substr($i, 10)
		if (x == "") next
		seen[x] = 1
		if (ev == "dma_buf_export") e[x]++
		else if (ev == "dma_buf_attach" || ev == "dma_buf_dynamic_attach") a[x]++
		else if (ev == "dma_buf_detach") d[x]++
		else if (ev == "dma_buf_mmap" || ev == "dma_buf_mmap_internal") m[x]++
	}
	END { for (x in seen) printf "%s %d %d %d %d\n", x, e[x], a[x], d[x], m[x] }' "$own/trace" |
		sort >"$work/own-bufs"
	rmdir "$own"
	tap_is "$rc" 0 "trace -- dmainspect buf $vgem: exits 0"
	jq -r '.trace.exporters[] | "\(.name) \(.counts.exports) \(.counts.attaches) \(.counts.detaches) \(.counts.mmaps)"' \
		"$work/buf.json" | sort >"$work/its-bufs"
	tap_same_lines "$work/own-bufs" "$work/its-bufs" \
		"dma-buf exports, attaches, detaches, mmaps per exporter: what the kernel recorded"
	tap_check "the test buffer's export was counted" test -s "$work/own-bufs"
fi

# A busy device for 10 s (4 KiB direct reads of the virtio disk, over and
# over): the ring buffers, read every 100 ms, lose nothing.
case $(vm_config) in
noiommu-force | arm-nosmmu)
	(while :; do dd if=/dev/vda of=/dev/null bs=4k iflag=direct 2>/dev/null; done) &
	busy=$!
	rc=0
	"$DMAINSPECT" trace --json --seconds 10 "$vblk" >"$work/busy.json" 2>"$work/busy.err" || rc=$?
	kill $busy
	wait $busy 2>/dev/null || true
	tap_is "$rc $(jq -r '.trace.lost_events' "$work/busy.json")" "0 0" "10 s of a busy device: no event lost"
	tap_diag "$(jq -r '"\(.trace.events) events in \(.trace.seconds) s"' "$work/busy.json")"
	tap_check "10 s of a busy device: its events were counted" \
		test "$(jq -r '.trace.events' "$work/busy.json")" -gt 1000
	;;
esac

# interrupt SIGNAL OUT ARGS...: start trace --json ARGS writing OUT, send it
# SIGNAL once it has made its instance (at most 10 s), wait; its status in rc.
interrupt() {
	_sig=$1 _out=$2
	shift 2
	"$DMAINSPECT" trace --json "$@" >"$_out" 2>"$_out.err" &
	_pid=$!
	_i=0
	while [ ! -d "$T/instances/dmainspect-$_pid" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	sleep 0.5
	kill -"$_sig" $_pid
	rc=0
	wait $_pid || rc=$?
}

# What follows does not depend on the DMA path: one configuration per
# architecture runs it.
case $(vm_config) in
intel-lazy | arm-noncoherent) ;;
*)
	rm -rf "$work"
	tap_done
	exit 0
	;;
esac

# Interrupted mid-run: SIGINT ends the count (exit 0, the counts printed,
# marked interrupted); SIGTERM to trace with a program ends the program.
interrupt INT "$work/int.json" --seconds 60
tap_is "$rc $(jq -r '.trace.interrupted' "$work/int.json" 2>&1)" "0 true" "SIGINT mid-run: exit 0, the counts printed, marked interrupted"
tap_is "$(instances_left)" 0 "SIGINT mid-run: the instance is gone"
interrupt TERM "$work/term.json" -- sleep 60
tap_is "$rc $(jq -r '.trace.command_status' "$work/term.json" 2>&1)" "143 143" "SIGTERM mid-run: the program ends by it, its status is trace's"
tap_is "$(instances_left)" 0 "SIGTERM mid-run: the instance is gone"

# A stale instance (its pid runs no dmainspect) is refused, with the remedy.
mkdir $T/instances/dmainspect-999999
rc=0
"$DMAINSPECT" trace --seconds 1 >/dev/null 2>"$work/stale" || rc=$?
tap_is "$rc" 2 "a stale instance: trace exits 2"
tap_check "a stale instance: trace says how to remove it" grep "rmdir $T/instances/dmainspect-999999" "$work/stale"
rmdir $T/instances/dmainspect-999999
rc=0
"$DMAINSPECT" trace --seconds 1 >/dev/null 2>&1 || rc=$?
tap_is "$rc" 0 "once removed, trace runs"

# Without root: exit 2, and why.
rc=0
su -s /bin/sh nobody -c "$DMAINSPECT trace --seconds 1" >/dev/null 2>"$work/nobody" || rc=$?
tap_is "$rc" 2 "as nobody: trace exits 2"
tap_check "as nobody: trace says it needs root" grep 'tracing needs root' "$work/nobody"

rm -rf "$work"
tap_done

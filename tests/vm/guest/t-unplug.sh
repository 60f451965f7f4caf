#!/bin/sh
# A device that leaves and comes back, and processes holding dma-bufs that
# come and go, while dmainspect reads: the bochs display (QEMU's 1234:1111,
# in every configuration) is removed and rescanned in a loop
# (/sys/bus/pci/devices/D/remove, /sys/bus/pci/rescan), and dmabuf-holder
# processes (five vgem buffers each) start and are killed in another,
# thousands of short-lived processes (dmabuf-holder --churn: 2-20 ms each,
# every one holding a vgem buffer, every fourth one of its own) come and go
# in a third, and the kernel log floods (debug records written to /dev/kmsg without the rate
# limit, kernel.printk_devkmsg=on) in a third, while list, iommu, advise,
# bufs and report run again and again. Every run exits 0 (or
# 3 with its reason on stderr) and prints JSON that jq reads; the device is
# shown whole or not at all: its ids, class, revision and DMA masks each
# have a value or an error saying why (never a device whose directory went
# away mid-read shown without them); bufs exits 0 and says nothing of the
# processes that vanished, and its totals per exporter add up to the
# buffers it lists; each report ends within REPORT_LIMIT seconds and its
# bundle stays under report's size limit and replays. Runs last: the
# device it unplugs is back (rescanned) when it ends. It runs on one
# configuration of each kernel, intel-lazy and arm-smmu (every series has
# one of them), for DMAINSPECT_UNPLUG_SECONDS (30); elsewhere it has no tests.
# shellcheck disable=SC2016 # jq programs are in single quotes
set -eu
# shellcheck source=tests/vm/guest/lib.sh
. "$(dirname "$0")/lib.sh"
only_on "the unplug test" intel-lazy arm-smmu

DMAINSPECT=${DMAINSPECT:-dmainspect}
work=$(mktemp -d)
pci=/sys/bus/pci/devices
seconds=${DMAINSPECT_UNPLUG_SECONDS:-30}
report_limit=60

dev=
for d in "$pci"/*; do
	[ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x1111 ] && dev=${d##*/}
done
if [ -z "$dev" ]; then
	tap_fail "the guest has a bochs display (1234:1111) to unplug"
	tap_done
	exit 0
fi
tap_ok "unplugging $dev (bochs display) while dmainspect runs"

# The loop in the background: it stops when $work/stop appears.
(
	while [ ! -e "$work/stop" ]; do
		[ -e "$pci/$dev/remove" ] && echo 1 >"$pci/$dev/remove" 2>/dev/null
		echo gone >>"$work/cycles"
		sleep 0.05
		echo 1 >/sys/bus/pci/rescan 2>/dev/null
		sleep 0.1
	done
	echo 1 >/sys/bus/pci/rescan 2>/dev/null
) &
churn=$!
(
	while [ ! -e "$work/stop" ]; do
		dmabuf-holder "$work/holder" >/dev/null 2>&1 &
		h=$!
		sleep 0.3
		kill "$h" 2>/dev/null || true
		wait "$h" 2>/dev/null || true
		echo held >>"$work/holders"
	done
) &
holders=$!
# Until it is told to stop (SIGTERM), after the last run.
dmabuf-holder --churn $((seconds + 600)) "$work/churn" 2>"$work/churn.err" &
shortlived=$!
# Its buffer is held before the first run.
wait_line "$work/churn" '^holding' "$shortlived" 100 || true
devkmsg=$(cat /proc/sys/kernel/printk_devkmsg 2>/dev/null || echo ratelimit)
echo on >/proc/sys/kernel/printk_devkmsg 2>/dev/null || true
(
	i=0
	while [ ! -e "$work/stop" ]; do
		i=$((i + 1))
		echo "<7>dmainspect-flood: record $i of a kernel log flood" >/dev/kmsg 2>/dev/null || true
	done
	echo "$i" >"$work/flood"
) &
flood=$!

# whole FILE: the device in a list or advise JSON, when there, has each of
# these or an error saying why; prints what it lacks.
whole() {
	jq -r --arg d "$dev" '.devices[] | select(.name == $d) as $x |
		["vendor_id", "device_id", "class", "revision", "dma_mask_bits",
		 "coherent_dma_mask_bits"][] | select($x[.] == null and $x[. + "_error"] == null)' "$1"
}

runs=0 bad_status=0 bad_json=0 half=0 seen=0 absent=0 partial=0 bad_totals=0 bufs_seen=0 bufs_noisy=0 bufs_missed=0
diag=$work/diag
: >"$diag"
# one NAME ARGS...: a run, judged.
one() {
	_n=$1
	shift
	runs=$((runs + 1))
	_rc=0
	"$DMAINSPECT" "$@" >"$work/out" 2>"$work/err" || _rc=$?
	if [ "$_rc" = 3 ] && [ -s "$work/err" ]; then
		partial=$((partial + 1))
	elif [ "$_rc" != 0 ]; then
		bad_status=$((bad_status + 1))
		echo "$_n: exit status $_rc: $(head -c 300 "$work/err")" >>"$diag"
		return 0
	fi
	if ! jq -e . "$work/out" >/dev/null 2>&1; then
		bad_json=$((bad_json + 1))
		echo "$_n: not JSON: $(head -c 200 "$work/out")" >>"$diag"
		return 0
	fi
	case $_n in
	bufs)
		if [ "$_rc" != 0 ] || [ -s "$work/err" ]; then
			bufs_noisy=$((bufs_noisy + 1))
			echo "bufs: exit status $_rc: $(head -c 300 "$work/err")" >>"$diag"
		fi
		if ! jq -e '([.exporters[].count] | add // 0) == (.buffers | length) and
			([.exporters[].bytes] | add // 0) == ([.buffers[].size // 0] | add // 0)' \
			"$work/out" >/dev/null; then
			bad_totals=$((bad_totals + 1))
			echo "bufs: totals per exporter differ from the buffers listed" >>"$diag"
		fi
		bufs_seen=$((bufs_seen + $(jq '.buffers | length' "$work/out")))
		# The buffer the churn's parent holds throughout, with it among its holders.
		read -r _ _ino _pid <"$work/churn" 2>/dev/null || _ino=
		if [ -n "$_ino" ] && ! jq -e --argjson i "$_ino" --argjson p "$_pid" \
			'any(.buffers[]; .inode == $i and any(.holders[]; .pid == $p))' "$work/out" >/dev/null; then
			bufs_missed=$((bufs_missed + 1))
			echo "bufs: buffer $_ino, held by $_pid throughout, not listed with it:" \
				"$(jq -c --argjson i "$_ino" '[.scan, (.buffers[] | select(.inode == $i) |
					[.exporter, (.holders | length), ([.holders[].pid] | unique | .[:5])])]' \
					"$work/out" | head -c 600)" >>"$diag"
		fi
		;;
	list | advise)
		_lack=$(whole "$work/out")
		if [ -n "$_lack" ]; then
			half=$((half + 1))
			echo "$_n: $dev shown without $(echo "$_lack" | tr '\n' ' ')" >>"$diag"
		elif jq -e --arg d "$dev" 'any(.devices[]; .name == $d)' "$work/out" >/dev/null; then
			seen=$((seen + 1))
		else
			absent=$((absent + 1))
		fi
		;;
	esac
}

end=$(($(date +%s) + seconds))
bundles=0 replays_bad=0 rounds=0 report_slowest=0 bundle_largest=0 bundles_big=0
while [ "$(date +%s)" -lt "$end" ]; do
	rounds=$((rounds + 1))
	one list list --json
	one iommu iommu --json
	one advise advise --json
	one bufs bufs --json
	if [ $((rounds % 4)) = 1 ]; then
		rm -f "$work/b.tar.xz"
		t0=$(date +%s)
		one report report --json -o "$work/b.tar.xz"
		t=$(($(date +%s) - t0))
		[ "$t" -gt "$report_slowest" ] && report_slowest=$t
		if [ -s "$work/b.tar.xz" ]; then
			bundles=$((bundles + 1))
			# Its uncompressed bytes, under report's default --max-size (64 MiB).
			_size=$(unxz -c "$work/b.tar.xz" 2>/dev/null | wc -c)
			[ "$_size" -gt "$bundle_largest" ] && bundle_largest=$_size
			if [ "$_size" -eq 0 ] || [ "$_size" -gt $((64 << 20)) ]; then
				bundles_big=$((bundles_big + 1))
				echo "report: the bundle holds $_size bytes uncompressed" >>"$diag"
			fi
			_rc=0
			"$DMAINSPECT" --sysroot "$work/b.tar.xz" list --json >"$work/replay" 2>"$work/err" ||
				_rc=$?
			if [ "$_rc" != 0 ] || ! jq -e . "$work/replay" >/dev/null 2>&1; then
				replays_bad=$((replays_bad + 1))
				echo "replay: exit status $_rc: $(head -c 300 "$work/err")" >>"$diag"
			fi
		fi
	fi
done
touch "$work/stop"
wait "$churn" || true
wait "$holders" || true
wait "$flood" || true
kill -TERM "$shortlived" 2>/dev/null || true
wait "$shortlived" || true
procs=$(awk '$1 == "processes" { print $2 }' "$work/churn" 2>/dev/null)
own=$(awk '$1 == "processes" { print $4 }' "$work/churn" 2>/dev/null)
[ -n "$procs" ] || procs="none ($(head -c 200 "$work/churn.err"))"
echo "$devkmsg" >/proc/sys/kernel/printk_devkmsg 2>/dev/null || true
records=$(cat "$work/flood" 2>/dev/null || echo 0)
cycles=$(wc -l <"$work/cycles" 2>/dev/null || echo 0)
held=$(wc -l <"$work/holders" 2>/dev/null || echo 0)

tap_diag "$runs runs over ${seconds} s while $dev was removed and rescanned $cycles times;" \
	"$dev shown whole $seen times, absent $absent times; $partial runs exited 3 with a reason;" \
	"$bundles bundles written, the slowest report in $report_slowest s;" \
	"$held dma-buf holders and $procs short-lived processes ($own with a buffer of their own)" \
	"came and went, bufs saw $bufs_seen buffers;" \
	"$records records flooded the kernel log"
ok_if() { if [ "$1" = 0 ]; then tap_ok "$2"; else tap_fail "$2" "$(head -n 10 "$diag")"; fi; }
ok_if "$bad_status" "under churn every run exits 0, or 3 with its reason ($runs runs)"
ok_if "$bad_json" "under churn every run prints JSON"
ok_if "$half" "under churn $dev is shown whole or not at all"
ok_if "$replays_bad" "under churn every bundle replays ($bundles bundles)"
ok_if "$bundles_big" "under a kernel-log flood every bundle stays under 64 MiB uncompressed (largest $bundle_largest bytes)"
ok_if "$bad_totals" "under churn bufs' totals per exporter add up to the buffers it lists"
ok_if "$bufs_noisy" "under churn bufs exits 0 and says nothing of the processes that vanished"
ok_if "$bufs_missed" "under churn bufs lists the buffer held throughout, with its holder"
if [ "$report_slowest" -le "$report_limit" ]; then
	tap_ok "under a kernel-log flood every report ends within $report_limit s ($report_slowest s)"
else
	tap_fail "under a kernel-log flood every report ends within $report_limit s ($report_slowest s)"
fi
_what="($cycles removals, $held holders, $procs short-lived processes, $records log records, $runs runs)"
if [ "$cycles" -ge 5 ] && [ "$held" -ge 5 ] && [ "$records" -ge 1000 ] && [ "$runs" -ge 5 ] &&
	[ "${procs%% *}" -ge 1000 ] 2>/dev/null; then
	tap_ok "the churn happened while dmainspect ran $_what"
else
	tap_fail "the churn happened while dmainspect ran $_what"
fi
i=0
while [ ! -e "$pci/$dev" ] && [ $i -lt 50 ]; do
	echo 1 >/sys/bus/pci/rescan 2>/dev/null
	sleep 0.1
	i=$((i + 1))
done
tap_check "$dev is back after the churn" test -e "$pci/$dev"
tap_done

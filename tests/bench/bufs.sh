#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark of `dmainspect bufs` (not part of make check): prints how long a
# scan takes on a synthetic snapshot with many processes and fds, and, on the
# running system with many extra processes holding many fds, how much faster
# `bufs --json` is than `lsfd -J` over the same processes: the median CPU
# (user+sys) and wall time of LIVE_RUNS paired runs, the two alternating,
# beside the target "at least 5 times faster" with "meets" or "misses". A
# figure, never asserted. Timings on a busy machine are noisy: the verdict
# is on CPU time.
#
# Usage: tests/bench/bufs.sh [DMAINSPECT]  (default src/dmainspect, else build/src/dmainspect)
# Env:   PROCS (default 2000), FDS per process (default 20), DMABUFS per
#        process among them (default 2), MAPS lines per process (default 200),
#        RUNS per snapshot measurement (default 3; the best is printed),
#        LIVE_PROCS (default 2000) and LIVE_FDS (default 50) for the live run,
#        LIVE_RUNS paired runs there (default 7), LSFD (default lsfd).
# Needs: bash, lsfd (util-linux).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dmainspect=${1:-${DMAINSPECT:-src/dmainspect}}
[ -n "${1:-${DMAINSPECT:-}}" ] || [ -x "$dmainspect" ] || dmainspect=$here/../../build/src/dmainspect
procs=${PROCS:-2000}
fds=${FDS:-20}
dmabufs=${DMABUFS:-2}
maps=${MAPS:-200}
live_procs=${LIVE_PROCS:-2000}
live_fds=${LIVE_FDS:-50}
live_runs=${LIVE_RUNS:-7}
runs=${RUNS:-3}
lsfd=${LSFD:-lsfd}

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
[ -x "$dmainspect" ] || { echo "bench: $dmainspect is not executable" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dmainspect-bench.XXXXXX")
pids=()
cleanup() {
	[ "${#pids[@]}" -gt 0 ] && kill "${pids[@]}" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# best_of CMD...: the best wall time of $runs runs, in milliseconds.
best_of() {
	local best='' t0 t1 ms
	for _ in $(seq "$runs"); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		t1=$(date +%s%N)
		ms=$(((t1 - t0) / 1000000))
		if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
	done
	echo "$best"
}

# --- a synthetic snapshot ---
s=$tmp/snap
mkdir -p "$s/sys/kernel/debug/dma_buf" "$s/proc"
ino=1000
{
	printf '\nDma-buf Objects:\nsize    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n'
	for ((p = 1; p <= procs; p++)); do
		for ((k = 0; k < dmabufs; k++)); do
			printf '%08d\t%08x\t%08x\t%08d\tdrm\t%08d\t<none>\n\tAttached Devices:\nTotal 0 devices attached\n\n' \
				16384 2 0xa001f 2 $((ino + p * dmabufs + k))
		done
	done
	printf '\nTotal %d objects, %d bytes\n' $((procs * dmabufs)) $((procs * dmabufs * 16384))
} >"$s/sys/kernel/debug/dma_buf/bufinfo"
maps_text=$(for ((m = 0; m < maps; m++)); do
	printf '7f%010x-7f%010x r--p 00000000 08:01 %-8d                   /usr/lib/x86_64-linux-gnu/lib%d.so\n' \
		$((m * 4096)) $((m * 4096 + 4096)) $((5000 + m)) "$m"
done)
for ((p = 1; p <= procs; p++)); do
	d=$s/proc/$p
	mkdir -p "$d/fd" "$d/fdinfo"
	echo "proc$p" >"$d/comm"
	for ((f = 0; f < fds; f++)); do
		if [ "$f" -lt "$dmabufs" ]; then
			i=$((ino + p * dmabufs + f))
			ln -s /dmabuf: "$d/fd/$f"
			printf 'pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t%d\nsize:\t16384\ncount:\t2\nexp_name:\tdrm\n' \
				"$i" >"$d/fdinfo/$f"
		else
			ln -s "/usr/lib/file$f" "$d/fd/$f"
		fi
	done
	printf '%s\n' "$maps_text" >"$d/maps"
done
echo "snapshot: $procs processes, $((procs * fds)) fds ($((procs * dmabufs)) dma-bufs), $maps maps lines each"
echo "  bufs --json:           $(best_of "$dmainspect" --sysroot "$s" bufs --json) ms (best of $runs)"
echo "  bufs --pid 1 --json:   $(best_of "$dmainspect" --sysroot "$s" bufs --pid 1 --json) ms"

# --- the running system, with extra processes holding many fds ---
for ((p = 0; p < live_procs; p++)); do
	(
		for ((f = 10; f < 10 + live_fds; f++)); do
			eval "exec $f</dev/null"
		done
		exec sleep 300
	) &
	pids+=($!)
done
sleep 1
nprocs=$(find /proc -maxdepth 1 -name '[0-9]*' | wc -l)
echo "live: $nprocs processes ($live_procs extra with $live_fds fds each), uid $(id -u), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
if ! command -v "$lsfd" >/dev/null; then
	echo "  bufs --json:           $(best_of "$dmainspect" bufs --json) ms (best of $runs); no $lsfd to compare with"
	exit 0
fi
"$dmainspect" bufs --json >/dev/null 2>&1 || true; "$lsfd" -J >/dev/null 2>&1 || true	# warm up
paired "$live_runs" "$tmp/dm" "$tmp/lsfd" "$dmainspect" bufs --json -- "$lsfd" -J
read -r dm_wall dm_cpu _ < <(med "$tmp/dm")
read -r ls_wall ls_cpu _ < <(med "$tmp/lsfd")
speedup() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 99) }'; }
cpu_x=$(speedup "$ls_cpu" "$dm_cpu")
printf '  %-24s %10s %10s %9s  %-22s %s\n' "median of $live_runs paired" "bufs --json" "lsfd -J" speedup target verdict
printf '  %-24s %8s s %8s s %8sx  %-22s %s\n' "CPU (user+sys)" "$dm_cpu" "$ls_cpu" "$cpu_x" \
	">= 5x faster" "$(verdict "$cpu_x" ">=" 5)"
printf '  %-24s %8s s %8s s %8sx\n' "wall" "$dm_wall" "$ls_wall" "$(speedup "$ls_wall" "$dm_wall")"

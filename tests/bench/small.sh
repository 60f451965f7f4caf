#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark of `dmainspect list` (text and --json) on this machine's own
# sysfs, the small-machine case: whatever the large trees gain, a laptop or
# a small VM must not pay for it. Prints the median wall and CPU time of
# RUNS runs, and, given a BASELINE binary (an earlier build), the same for
# it from paired runs (the two alternating) and the ratio, beside the target
# "no slower than the baseline" with "meets" or "misses" (figures, never
# asserted; not part of make check). Also the system calls of one run.
#
# Usage: tests/bench/small.sh [BASELINE]
#        e.g. git worktree add /tmp/base v1 && (cd /tmp/base && ./configure && make)
#             tests/bench/small.sh /tmp/base/src/dmainspect
# Env:   DMAINSPECT  the binary (default build/src/dmainspect)
#        RUNS        runs (default 31, at least 7: each run takes milliseconds)
# Needs: bash, strace.
set -eu
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
bin=${DMAINSPECT:-$here/../../build/src/dmainspect}
base=${1:-}
runs=${RUNS:-31}
[ "$runs" -ge 7 ] || runs=7

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
bench_need "$bin" strace -- strace
if [ -n "$base" ] && ! [ -x "$base" ]; then
	echo "bench: BASELINE $base is not an executable" >&2
	exit 1
fi
bench_tmpdir

devices=$("$bin" list --json | grep -c '"bus": ' || true)
echo "# list on this machine's sysfs: $devices devices; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $runs runs each$([ -n "$base" ] && echo ", paired with the baseline, alternating"); timings on a busy machine are noisy"
printf '%-18s %12s %12s %7s  %-24s %s\n' figure dmainspect baseline ratio target verdict
for mode in text json; do
	args=(list)
	[ "$mode" = json ] && args+=(--json)
	"$bin" "${args[@]}" >/dev/null	# warm the caches
	if [ -n "$base" ]; then
		"$base" "${args[@]}" >/dev/null
		paired "$runs" "$tmp/$mode-new" "$tmp/$mode-base" "$bin" "${args[@]}" -- "$base" "${args[@]}"
		read -r _ b_cpu _ _ < <(med "$tmp/$mode-base")
	else
		for ((i = 0; i < runs; i++)); do timed "$tmp/$mode-new" "$bin" "${args[@]}"; done
		b_cpu=-
	fi
	read -r n_wall n_cpu _ _ < <(med "$tmp/$mode-new")
	if [ "$b_cpu" = - ]; then
		printf '%-18s %10s s %12s %7s  %-24s %s\n' "CPU, list $mode" "$n_cpu" - - \
			"<= 1.00 x baseline" "(no baseline given)"
	else
		ratio=$(awk -v a="$n_cpu" -v b="$b_cpu" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 99) }')
		printf '%-18s %10s s %10s s %7s  %-24s %s\n' "CPU, list $mode" "$n_cpu" "$b_cpu" "$ratio" \
			"<= 1.00 x baseline" "$(verdict "$ratio" "<=" 1.0)"
	fi
	printf '%-18s %10s s\n' "  wall, median" "$n_wall"
done
strace -f -c -o "$tmp/st" "$bin" list --json >/dev/null
echo "  system calls of list --json: $(awk '$NF == "total" { print $4 }' "$tmp/st")"
if [ -n "$base" ]; then
	strace -f -c -o "$tmp/st" "$base" list --json >/dev/null
	echo "  the baseline's:              $(awk '$NF == "total" { print $4 }' "$tmp/st")"
fi

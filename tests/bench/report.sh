#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark of `dmainspect report` on the generated SR-IOV sysroot of
# tests/bench/list.sh (N PCI functions in IOMMU groups of 8, one Intel unit;
# tests/bench/gen-sriov.py). Prints the median wall and CPU time of RUNS
# runs and the peak RSS (/usr/bin/time -f %M) beside the target, "under 3 s
# and 64 MiB", with "meets" or "misses"; then the bundle's size, the exit
# status and what report said it left out. A figure, never asserted; not
# part of make check. Timings on a busy machine are noisy.
#
# Usage: tests/bench/report.sh [N]   (default 4096, a multiple of 8)
# Env:   DMAINSPECT  the binary (default build/src/dmainspect)
#        RUNS        runs (default 3; after a run over 30 s, no more are made)
#        TMPDIR      where the tree and bundles go (default /dev/shm, else /tmp)
# Needs: bash, python3, GNU time (/usr/bin/time).
set -eu
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
n=${1:-4096}
bin=${DMAINSPECT:-$here/../../build/src/dmainspect}
runs=${RUNS:-3}

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
bench_need "$bin" /usr/bin/time python3 -- time python3
bench_tmpdir

t=$tmp/tree
python3 "$here/gen-sriov.py" "$t" "$n"
"$bin" --sysroot "$t" list >/dev/null	# warm the dentry and page caches

echo "# report on $n PCI functions ($((n / 8)) IOMMU groups of 8, one Intel unit)"
echo "# $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); timings on a busy machine are noisy"
rc=0
for ((i = 1; i <= runs; i++)); do
	rm -f "$tmp/bundle.tar.xz"
	rc=0
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" \
		"$bin" --sysroot "$t" report -o "$tmp/bundle.tar.xz" >/dev/null 2>"$tmp/stderr" || rc=$?
	last=$(tail -n 1 "$tmp/time")	# after "Command exited with non-zero status"
	echo "$last" >>"$tmp/times"
	if awk -v w="${last%% *}" 'BEGIN { exit !(w > 30) }'; then
		echo "# run $i took ${last%% *} s: no more runs"
		break
	fi
done
wall=$(awk '{ print $1 }' "$tmp/times" | median)
cpu=$(awk '{ print $2 + $3 }' "$tmp/times" | median)
rss=$(awk '{ print $4 / 1024 }' "$tmp/times" | median)
printf '%-24s %12s  %-12s %s\n' figure dmainspect target verdict
printf '%-24s %10s s  %-12s %s\n' "wall, median of $(wc -l <"$tmp/times")" "$wall" "< 3 s" "$(verdict "$wall" "<" 3)"
printf '%-24s %10s s\n' "CPU (user+sys), median" "$cpu"
printf '%-24s %8.1f MiB  %-12s %s\n' "peak RSS, median" "$rss" "< 64 MiB" "$(verdict "$rss" "<" 64)"
if [ -f "$tmp/bundle.tar.xz" ]; then
	echo "  bundle: $(du -k "$tmp/bundle.tar.xz" | cut -f1) KiB compressed, $(tar -tJf "$tmp/bundle.tar.xz" | wc -l) entries; exit status $rc"
else
	echo "  no bundle written; exit status $rc"
fi
grep -v ': collecting \|: writing ' "$tmp/stderr" | sed 's/^/  /' || true

#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark of `dmainspect list --json` against `lspci -vmm -D` on a generated
# sysroot shaped like a large SR-IOV host: N PCI functions in IOMMU groups of
# 8 (a physical function and 7 virtual functions per slot), one Intel VT-d
# unit, a driver link and a modalias per function (tests/bench/gen-sriov.py).
# Both tools read the same tree in the same run. Prints, each beside its
# target with "meets" or "misses" (figures, never asserted; not part of make
# check):
#   - median CPU time (user+sys) and wall time of RUNS paired runs, the two
#     tools alternating (which goes first swaps every pair), and the ratio,
#     beside the median of each pair's own ratio (less moved by a machine
#     whose speed drifts during the run);
#   - system calls per device of each (strace -f -c);
#   - peak RSS and minor page faults of each (/usr/bin/time -f '%M %R');
#   - dmainspect's CPU on 4N functions over N (paired runs again);
#   - when a C compiler is at hand (CC, default cc), the CPU of floor.c, the
#     system calls list --json cannot do without and nothing else, paired
#     with lspci again: what is left of the target for dmainspect's own work.
# On a shared or small machine timings are noisy: compare CPU medians, and
# rerun before believing a change of a few percent.
#
# Usage: tests/bench/list.sh [N]   (default 4096, a multiple of 8)
# Env:   DMAINSPECT  the binary (default build/src/dmainspect)
#        LSPCI       lspci (default lspci, from pciutils)
#        RUNS        paired runs per figure (default 7, at least 7)
#        SCALE=0     skip the 4N run (quick runs)
#        HYPERFINE=1 also print hyperfine's comparison, when it is installed
#        CC          the compiler for floor.c (default cc; FLOOR=0 skips it)
#        TMPDIR      where the trees go (default /dev/shm, else /tmp)
# Needs: bash, python3, strace, GNU time (/usr/bin/time), lspci.
set -eu
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
n=${1:-4096}
bin=${DMAINSPECT:-$here/../../build/src/dmainspect}
lspci=${LSPCI:-lspci}
runs=${RUNS:-7}
scale=${SCALE:-1}
[ "$runs" -ge 7 ] || runs=7

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
bench_need "$bin" "$lspci" strace /usr/bin/time python3 -- pciutils strace time python3
bench_tmpdir

dm_cmd() { "$bin" --sysroot "$1" list --json; }
ls_cmd() { "$lspci" -A linux-sysfs -O "sysfs.path=$1/sys/bus/pci" -vmm -D; }

# syscalls FILE N: the total of an strace -c summary over N.
per_dev() { awk -v n="$2" '$NF == "total" { printf "%.1f\n", $4 / n }' "$1"; }
# top FILE N: the system calls made at least once per device, per device.
top() {
	awk -v n="$2" '$NF != "total" && $1 ~ /^[0-9.]+$/ && $4 / n >= 0.5 {
		e = ($6 != "") ? sprintf(" (%.0f%% failing)", 100 * $5 / $4) : ""
		printf "%s %.1f%s\n", $NF, $4 / n, e }' "$1" | sort -k2,2nr | paste -sd, - | sed 's/,/, /g'
}
# mem CMD...: peak RSS in MiB and minor page faults (pages first touched).
mem() {
	/usr/bin/time -f '%M %R' -o "$tmp/mem" "$@" >/dev/null 2>&1 || true
	awk '{ printf "%.1f %d\n", $1 / 1024, $2 }' "$tmp/mem"
}

t=$tmp/t$n
python3 "$here/gen-sriov.py" "$t" "$n"
got_dm=$(dm_cmd "$t" | grep -c '"bus": "pci"' || true)
got_ls=$(ls_cmd "$t" | grep -c '^Slot:' || true)
if [ "$got_dm" != "$n" ] || [ "$got_ls" != "$n" ]; then
	echo "bench: expected $n functions, dmainspect listed $got_dm, lspci $got_ls" >&2
	exit 1
fi

echo "# list --json against lspci -vmm -D on $n PCI functions ($((n / 8)) IOMMU groups of 8, one Intel unit)"
echo "# $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $runs paired runs, alternating; timings on a busy machine are noisy"
# Warm the dentry and page caches for both.
dm_cmd "$t" >/dev/null; ls_cmd "$t" >/dev/null
paired "$runs" "$tmp/dm" "$tmp/ls" dm_cmd "$t" -- ls_cmd "$t"
read -r dm_wall dm_cpu dm_min dm_max < <(med "$tmp/dm")
read -r ls_wall ls_cpu ls_min ls_max < <(med "$tmp/ls")
ratio=$(awk -v a="$dm_cpu" -v b="$ls_cpu" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 99) }')
wratio=$(awk -v a="$dm_wall" -v b="$ls_wall" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 99) }')

strace -f -c -o "$tmp/st-dm" "$bin" --sysroot "$t" list --json >/dev/null
strace -f -c -o "$tmp/st-ls" "$lspci" -A linux-sysfs -O "sysfs.path=$t/sys/bus/pci" -vmm -D >/dev/null
dm_sc=$(per_dev "$tmp/st-dm" "$n")
ls_sc=$(per_dev "$tmp/st-ls" "$n")

read -r dm_rss dm_pf < <(mem "$bin" --sysroot "$t" list --json)
read -r ls_rss ls_pf < <(mem "$lspci" -A linux-sysfs -O "sysfs.path=$t/sys/bus/pci" -vmm -D)

printf '%-26s %12s %12s %7s  %-22s %s\n' figure dmainspect lspci ratio target verdict
printf '%-26s %10s s %10s s %7s  %-22s %s\n' "CPU (user+sys), median" "$dm_cpu" "$ls_cpu" "$ratio" \
	"<= 0.50 x lspci" "$(verdict "$ratio" "<=" 0.5)"
printf '%-26s %12s %12s %7s\n' "  CPU, smallest-largest" "$dm_min-$dm_max" "$ls_min-$ls_max" ""
printf '%-26s %12s %12s %7s  %-22s\n' "  CPU ratio, pairs' median" "" "" "$(pair_ratio "$tmp/dm" "$tmp/ls")" \
	"(each pair's own ratio)"
printf '%-26s %10s s %10s s %7s  %-22s\n' "wall, median" "$dm_wall" "$ls_wall" "$wratio" "(none)"
printf '%-26s %12s %12s %7s  %-22s %s\n' "system calls per device" "$dm_sc" "$ls_sc" "" \
	"<= lspci's" "$(verdict "$dm_sc" "<=" "$ls_sc")"
printf '%-26s %8s MiB %8s MiB %7s  %-22s %s\n' "peak RSS" "$dm_rss" "$ls_rss" "" \
	"<= 16 MiB" "$(verdict "$dm_rss" "<=" 16)"
printf '%-26s %12s %12s %7s  %-22s\n' "  page faults (minor)" "$dm_pf" "$ls_pf" "" "(none)"
echo "  dmainspect's calls per device: $(top "$tmp/st-dm" "$n")"
echo "  lspci's calls per device:      $(top "$tmp/st-ls" "$n")"

cc=${CC:-cc}
if [ "${FLOOR:-1}" != 0 ] && command -v "$cc" >/dev/null &&
	"$cc" -O2 -o "$tmp/floor" "$here/floor.c" 2>"$tmp/floor.err"; then
	fl_cmd() { "$tmp/floor" "$1"; }
	paired "$runs" "$tmp/fl" "$tmp/ls2" fl_cmd "$t" -- ls_cmd "$t"
	read -r _ fl_cpu fl_min fl_max < <(med "$tmp/fl")
	read -r _ ls2_cpu _ _ < <(med "$tmp/ls2")
	printf '%-26s %10s s %10s s %7s  %s\n' "floor.c's calls alone" "$fl_cpu" "$ls2_cpu" \
		"$(awk -v a="$fl_cpu" -v b="$ls2_cpu" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 99) }')" \
		"(the system calls list --json needs, nothing else)"
	printf '%-26s %12s\n' "  CPU, smallest-largest" "$fl_min-$fl_max"
elif [ "${FLOOR:-1}" != 0 ]; then
	echo "  floor.c: not measured ($cc is missing or failed: $(head -c 200 "$tmp/floor.err" 2>/dev/null))"
fi

if [ "${HYPERFINE:-0}" != 0 ] && command -v hyperfine >/dev/null; then
	hyperfine -N -w 1 -r "$runs" \
		-n dmainspect "$bin --sysroot $t list --json" \
		-n lspci "$lspci -A linux-sysfs -O sysfs.path=$t/sys/bus/pci -vmm -D" 2>&1 | sed 's/^/  /'
fi

if [ "$scale" != 0 ]; then
	n4=$((n * 4))
	t4=$tmp/t$n4
	python3 "$here/gen-sriov.py" "$t4" "$n4"
	dm_cmd "$t4" >/dev/null
	paired "$runs" "$tmp/s1" "$tmp/s4" dm_cmd "$t" -- dm_cmd "$t4"
	read -r _ s1_cpu _ _ < <(med "$tmp/s1")
	read -r _ s4_cpu _ _ < <(med "$tmp/s4")
	sratio=$(awk -v a="$s4_cpu" -v b="$s1_cpu" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 99) }')
	printf '%-26s %10s s %12s %7s  %-22s %s\n' "CPU $n4 / $n" "$s4_cpu" "" "$sratio" \
		"<= 4.2" "$(verdict "$sratio" "<=" 4.2)"
	read -r s4_rss _ < <(mem "$bin" --sysroot "$t4" list --json)
	printf '%-26s %8s MiB\n' "  peak RSS at $n4" "$s4_rss"
fi

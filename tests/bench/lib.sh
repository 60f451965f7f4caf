# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Shared by the benchmark scripts (sourced).

# bench_need TOOL... -- PACKAGE...: every tool is on PATH, or say what to install.
bench_need() {
	local tool pkgs=${*##*-- }
	for tool in "$@"; do
		[ "$tool" = -- ] && break
		command -v "$tool" >/dev/null || {
			echo "bench: $tool is missing (apt-get install $pkgs)" >&2
			exit 1
		}
	done
}

# bench_tmpdir: $tmp, a scratch directory (on /dev/shm when it can be), removed on exit.
bench_tmpdir() {
	local base=${TMPDIR:-/dev/shm}
	[ -d "$base" ] && [ -w "$base" ] || base=/tmp
	tmp=$(mktemp -d "$base/dmainspect-bench.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
}

# timed FILE CMD...: append "wall user sys" (seconds, getrusage of the child) to FILE.
timed() {
	local out=$1 TIMEFORMAT='%3R %3U %3S'
	shift
	{ time "$@" >/dev/null 2>&1; } 2>>"$out"
}

# paired RUNS FILE_A FILE_B CMD_A... -- CMD_B...: RUNS timed runs of each,
# alternating which goes first.
paired() {
	local runs=$1 fa=$2 fb=$3 i a=()
	shift 3
	while [ "$1" != -- ]; do
		a+=("$1")
		shift
	done
	shift
	for ((i = 0; i < runs; i++)); do
		if ((i % 2 == 0)); then
			timed "$fa" "${a[@]}"; timed "$fb" "$@"
		else
			timed "$fb" "$@"; timed "$fa" "${a[@]}"
		fi
	done
}

# median: of the numbers on stdin.
median() {
	sort -n | awk '{ a[NR] = $1 } END { printf "%.3f\n", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# med FILE (of timed): the medians of wall and of user+sys, the smallest and largest CPU.
med() {
	echo "$(awk '{ print $1 }' "$1" | median) $(awk '{ print $2 + $3 }' "$1" | median)" \
		"$(awk '{ print $2 + $3 }' "$1" | sort -n | sed -n '1p;$p' | paste -sd' ' -)"
}

# pair_ratio FILE_A FILE_B (of paired): the median of the pairs' CPU ratios A / B.
# The two runs of a pair are seconds apart: a machine whose speed drifts over a
# run moves both, and their ratio less than the medians' ratio.
pair_ratio() {
	paste -d' ' "$1" "$2" | awk '{ b = $5 + $6; print (b > 0 ? ($2 + $3) / b : 99) }' | median |
		awk '{ printf "%.2f\n", $1 }'
}

# verdict VALUE OP LIMIT: "meets" when VALUE OP LIMIT holds (OP: <, <=, >=), else "misses".
verdict() {
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
		ok = op == "<" ? v + 0 < l + 0 : op == "<=" ? v + 0 <= l + 0 : v + 0 >= l + 0
		print ok ? "meets" : "misses" }'
}

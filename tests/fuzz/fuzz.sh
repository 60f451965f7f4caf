#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs every parser's fuzz target over its seeds: real files from the fixture
# sysroots, captured from real kernels, plus the seed corpus beside this
# script (corpus/<target>/); then mutations of them.
#
# Built with tests/fuzz/driver.c (the default), a target runs the seeds and
# DMAINSPECT_FUZZ_ITERATIONS deterministic mutations (default 20000).
# Built against libFuzzer (configure --enable-fuzzing-engine, which sets
# DMAINSPECT_FUZZ_ENGINE=libfuzzer for make check), libFuzzer runs that many
# inputs from the seeds; with DMAINSPECT_FUZZ_SECONDS ('make fuzz') it fuzzes
# each target that long instead, or with DMAINSPECT_FUZZ_RUNS ('make
# fuzz-long': 10 million) for that many executions; either keeps what it
# finds in tests/fuzz/work/<target>/, writes crashing inputs to
# tests/fuzz/findings/ and prints executions, time and coverage per target.
# DMAINSPECT_FUZZ_TARGETS narrows the run to some targets.
# shellcheck disable=SC2046 # fixture paths have no spaces: one seed a word
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
n=${DMAINSPECT_FUZZ_ITERATIONS:-20000}
engine=${DMAINSPECT_FUZZ_ENGINE:-driver}
seconds=${DMAINSPECT_FUZZ_SECONDS:-}
runs=${DMAINSPECT_FUZZ_RUNS:-}
only=${DMAINSPECT_FUZZ_TARGETS:-}
fx=$top_srcdir/tests/fixtures
corpus=$top_srcdir/tests/fuzz/corpus
i=0
failed=0
seeds=$(mktemp -d) || exit 99
tmpwork=
# Killed too (make's ^C, a timeout), it leaves nothing behind.
trap 'rm -rf "$seeds" ${tmpwork:+"$tmpwork"}' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# libfuzzer TARGET SEED...: libFuzzer's run over a work corpus made of the
# seeds, and corpus/TARGET read-only beside it. Prints the TAP line's text.
libfuzzer() {
	local t=$1 work findings=$top_builddir/tests/fuzz/findings out rc k=0 limit dirs
	shift
	if [ -n "$seconds$runs" ]; then
		work=$top_builddir/tests/fuzz/work/$t
		limit=(-max_total_time="$seconds")
		[ -z "$runs" ] || limit=(-runs="$runs")
		# Kernel logs: a few dozen lines reach all of the parser; whole
		# logs (30 KiB seeds) would make each input ten times slower.
		[ "$t" != kmsg ] || limit+=(-max_len=4096)
	else
		work=$(mktemp -d) || return 1
		tmpwork=$work
		limit=(-runs="$n" -seed=1)
	fi
	mkdir -p "$work" "$findings" || return 1
	for s in "$@"; do
		k=$((k + 1))
		cp "$s" "$work/seed-$k" || return 1
	done
	dirs=("$work")
	[ -d "$corpus/$t" ] && dirs+=("$corpus/$t")
	out=$("$top_builddir/tests/fuzz/fuzz-$t" "${limit[@]}" -artifact_prefix="$findings/$t-" \
		"${dirs[@]}" 2>&1)
	rc=$?
	[ -n "$seconds$runs" ] || rm -rf "$work"
	tmpwork=
	if [ $rc -ne 0 ]; then
		printf '%s\n' "$out" | tail -n 30
		return $rc
	fi
	echo "fuzz-$t: libFuzzer, $(printf '%s\n' "$out" | sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 inputs in \2 s/p') from $# seeds ($(printf '%s\n' "$out" | sed -n 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*\(cov: [0-9]* ft: [0-9]* corp: [^ ]*\).*exec\/s: \([0-9]*\).*/\1, \2 exec\/s/p' | tail -n 1)), no crash or broken promise"
}

# dt_seeds: one seed per reserved-memory node of the fixtures' device trees,
# laid out as fuzz-dt reads it (cells, lengths, reg, size, compatible).
dt_seeds() {
	local node dir k=0 ac sc reg size
	for node in "$fx"/*/sys/firmware/devicetree/base/reserved-memory/*/; do
		[ -f "$node/compatible" ] || continue
		dir=${node%/*/}
		ac=$(od -An -tu1 -j3 -N1 "$dir/#address-cells" 2>/dev/null | tr -d ' ')
		sc=$(od -An -tu1 -j3 -N1 "$dir/#size-cells" 2>/dev/null | tr -d ' ')
		reg=255 size=255
		[ -f "$node/reg" ] && reg=$(stat -c %s "$node/reg")
		[ -f "$node/size" ] && size=$(stat -c %s "$node/size")
		k=$((k + 1))
		{
			# shellcheck disable=SC2059 # the format is the four octal escapes
			printf "\\$(printf %o "${ac:-2}")\\$(printf %o "${sc:-1}")\\$(printf %o "$reg")\\$(printf %o "$size")"
			cat "$node/reg" "$node/size" "$node/compatible" 2>/dev/null
		} >"$seeds/dt-$k"
		echo "$seeds/dt-$k"
	done
}

# driver TARGET SEED...: the standalone driver's run.
driver() {
	local t=$1 out rc
	shift
	out=$("$top_builddir/tests/fuzz/fuzz-$t" "$n" "$@" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] || [[ $out != "ok 1 - "* ]]; then
		printf '%s\n' "$out" | tail -n 20
		return $((rc ? rc : 1))
	fi
	out=${out#ok 1 - }
	echo "${out%%$'\n'*}"
}

run() { # TARGET SEED...
	local t=$1 out rc
	case " ${only:-$1} " in
	*" $1 "*) ;;
	*) return 0 ;;
	esac
	i=$((i + 1))
	out=$($engine "$@")
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $i - $out"
	else
		echo "not ok $i - fuzz-$t (exit $rc)"
		printf '%s\n' "$out" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
}

case $engine in
driver | libfuzzer) ;;
*) echo "Bail out! DMAINSPECT_FUZZ_ENGINE must be driver or libfuzzer, not '$engine'"; exit 99 ;;
esac

run kmsg "$fx"/*/dev/kmsg "$corpus"/kmsg/*
run cmdline "$fx"/*/proc/cmdline "$corpus"/cmdline/*
run reserved-regions $(find "$fx" -name reserved_regions)
run iomem "$corpus"/iomem/*
run fdinfo "$corpus"/fdinfo/*
run bufinfo "$corpus"/bufinfo/* $(find "$fx" -name bufinfo)
run maps "$corpus"/maps/*
run buf-arg "$corpus"/buf-arg/*
run tar "$corpus"/tar/*
run modalias $(find "$fx" -path '*/sys/devices/*' -name modalias) "$corpus"/modalias/*
run dt $(dt_seeds)
run bundle "$corpus"/bundle/* "$corpus"/tar/*
run trace "$corpus"/trace/*
echo "1..$i"
[ "$failed" -eq 0 ]

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
# each target that long instead, keeps what it finds in
# tests/fuzz/work/<target>/ and writes crashing inputs to tests/fuzz/findings/.
# DMAINSPECT_FUZZ_TARGETS narrows the run to some targets.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
n=${DMAINSPECT_FUZZ_ITERATIONS:-20000}
engine=${DMAINSPECT_FUZZ_ENGINE:-driver}
seconds=${DMAINSPECT_FUZZ_SECONDS:-}
only=${DMAINSPECT_FUZZ_TARGETS:-}
fx=$top_srcdir/tests/fixtures
corpus=$top_srcdir/tests/fuzz/corpus
i=0
failed=0

# libfuzzer TARGET SEED...: libFuzzer's run over a work corpus made of the
# seeds, and corpus/TARGET read-only beside it. Prints the TAP line's text.
libfuzzer() {
	local t=$1 work findings=$top_builddir/tests/fuzz/findings out rc k=0 limit dirs
	shift
	if [ -n "$seconds" ]; then
		work=$top_builddir/tests/fuzz/work/$t
		limit=(-max_total_time="$seconds")
	else
		work=$(mktemp -d) || return 1
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
	[ -n "$seconds" ] || rm -rf "$work"
	if [ $rc -ne 0 ]; then
		printf '%s\n' "$out" | tail -n 30
		return $rc
	fi
	echo "fuzz-$t: libFuzzer, $(printf '%s\n' "$out" | sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 inputs in \2 s/p') from $# seeds, no crash or broken promise"
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
run reserved-regions $(find "$fx" -name reserved_regions | head -n 8)
run iomem "$corpus"/iomem/*
run fdinfo "$corpus"/fdinfo/*
run bufinfo "$corpus"/bufinfo/* $(find "$fx" -name bufinfo | head -n 2)
run maps "$corpus"/maps/*
run buf-arg "$corpus"/buf-arg/*
run tar "$corpus"/tar/*
run modalias $(find "$fx" -path '*/sys/devices/*' -name modalias | head -n 16) "$corpus"/modalias/*
echo "1..$i"
[ "$failed" -eq 0 ]

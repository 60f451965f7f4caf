#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs every parser's fuzz target (built with tests/fuzz/driver.c) over its
# seeds: real files from the fixture sysroots, captured from real kernels,
# plus the seed corpus beside this script; then deterministic mutations.
# DMAINSPECT_FUZZ_ITERATIONS sets how many (default 20000 per target).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
n=${DMAINSPECT_FUZZ_ITERATIONS:-20000}
fx=$top_srcdir/tests/fixtures
corpus=$top_srcdir/tests/fuzz/corpus
i=0
failed=0

run() { # TARGET SEED...
	local t=$1 out rc
	shift
	i=$((i + 1))
	out=$("$top_builddir/tests/fuzz/fuzz-$t" "$n" "$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [[ $out == "ok 1 - "* ]]; then
		echo "ok $i - ${out#ok 1 - }" | head -n 1
	else
		echo "not ok $i - fuzz-$t (exit $rc)"
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
		failed=$((failed + 1))
	fi
}

run kmsg "$fx"/*/dev/kmsg "$corpus/kmsg-dt.seed"
run cmdline "$fx"/*/proc/cmdline "$corpus/cmdline.seed"
run reserved-regions $(find "$fx" -name reserved_regions | head -n 8)
run iomem "$corpus/iomem.seed"
run fdinfo "$corpus/fdinfo.seed"
run bufinfo "$corpus/bufinfo.seed" $(find "$fx" -name bufinfo | head -n 2)
run maps "$corpus/maps.seed"
run buf-arg "$corpus"/buf-arg-*.seed
run tar "$corpus/tar.seed"
echo "1..$i"
[ "$failed" -eq 0 ]

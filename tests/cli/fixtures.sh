#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Replays every fixture sysroot and compares dmainspect's view with the
# expected files beside it (tests/fixtures/NAME/expected/: list.tsv, and where
# present dt.tsv, rmem.tsv and swiotlb.tsv), which were
# written by hand from the captured kernel files and log, not from
# dmainspect's output.
set -u
. "$(dirname "$0")/lib.sh"

# One line per device, tab-separated, "-" for null or empty.
project_list() {
	jq -r 'def hex: if . == null then null else [(. / 4096 | floor) % 16, (. / 256 | floor) % 16,
			(. / 16 | floor) % 16, . % 16] | map("0123456789abcdef"[.:. + 1]) | add end;
		.devices[] | [.name, .bus, (.vendor_id | hex), (.device_id | hex), .driver, .iommu_group,
		.iommu_domain, .iommu_unit, .dma_mask_bits, .coherent_dma_mask_bits,
		.dt_coherent, .dt_coherent_from, (.drm_nodes | join(","))]
		| map(if . == null or . == "" then "-" else tostring end) | @tsv'
}

# Where each device's DMA configuration comes from in the device tree.
project_dt() {
	jq -r '.devices[] | [.name, .of_node, .dma_of_node]
		| map(if . == null or . == "" then "-" else tostring end) | @tsv'
}

# Reserved-memory pools each device names, and those it gets.
project_rmem() {
	jq -r '.devices[] | select(.dma_of_node != null)
		| [.name, (.memory_regions | join(",")), .restricted_pool, .coherent_pool]
		| map(if . == null or . == "" then "-" else tostring end) | @tsv'
}

# SWIOTLB pools, wherever debugfs holds them.
project_pools() {
	jq -r '.pools[] | [.name, .source, .nslabs, .used, .size_bytes, .hiwater]
		| map(if . == null or . == "" then "-" else tostring end) | @tsv'
}

# compare FIXTURE FILE GOT: the expected file without comments against GOT.
compare() {
	local want
	want=$(grep -v '^#' "$FIXTURES/$1/expected/$2")
	is "$3" "$want" "$1: matches expected/$2"
	if [ "$3" != "$want" ]; then
		diff <(echo "$want") <(echo "$3") | sed 's/^/# /' || true
	fi
}

n=0
for fx in $(fixtures); do
	dir=$FIXTURES/$fx
	[ -f "$dir/expected/list.tsv" ] || continue
	n=$((n + 1))
	run --sysroot "$dir" list --json
	is "$rc" 0 "$fx: list exits 0"
	got=$(project_list <<<"$out")
	want=$(grep -v '^#' "$dir/expected/list.tsv")
	is "$got" "$want" "$fx: list matches expected/list.tsv"
	if [ "$got" != "$want" ]; then
		diff <(echo "$want") <(echo "$got") | sed 's/^/# /' || true
	fi
	# The walk without openat2 sees exactly the same tree.
	DMAINSPECT_NO_OPENAT2=1 run --sysroot "$dir" list --json
	is "$(project_list <<<"$out")" "$want" "$fx: same result without openat2"
	if [ -f "$dir/expected/dt.tsv" ]; then
		compare "$fx" dt.tsv "$(project_dt <<<"$out")"
	fi
	if [ -f "$dir/expected/rmem.tsv" ]; then
		compare "$fx" rmem.tsv "$(project_rmem <<<"$out")"
	fi
	if [ -f "$dir/expected/swiotlb.tsv" ]; then
		run --sysroot "$dir" swiotlb --json
		compare "$fx" swiotlb.tsv "$(project_pools <<<"$out")"
	fi
done
[ "$n" -ge 1 ]; ok $? "at least one fixture has expected output ($n)"

done_testing

#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Replays every fixture sysroot and compares dmainspect's view with the
# expected files beside it (tests/fixtures/NAME/expected/: list.tsv, dt.tsv,
# rmem.tsv, restricted.tsv, swiotlb.tsv, pools.tsv, each where present), which were
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

# The restricted pool of every device with a device-tree DMA node.
project_restricted() {
	jq -r '.devices[] | select(.dma_of_node != null) | [.name, .restricted_pool]
		| map(if . == null or . == "" then "-" else tostring end) | @tsv'
}

# Each SWIOTLB pool with the debugfs directory it came from and its size.
project_pool_dirs() {
	jq -r '.pools[] | [.name, if .name == "default" then "/sys/kernel/debug/swiotlb"
		else "/sys/kernel/debug/\(.name)", "/sys/kernel/debug/swiotlb/\(.name)" end, .nslabs]
		| map(tostring) | @tsv'
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
	[ -d "$dir/expected" ] || continue
	n=$((n + 1))
	run --sysroot "$dir" list --json
	is "$rc" 0 "$fx: list exits 0"
	list=$out
	if [ -f "$dir/expected/list.tsv" ]; then
		compare "$fx" list.tsv "$(project_list <<<"$list")"
		# The walk without openat2 sees exactly the same tree.
		DMAINSPECT_NO_OPENAT2=1 run --sysroot "$dir" list --json
		is "$(project_list <<<"$out")" "$(project_list <<<"$list")" "$fx: same result without openat2"
	fi
	for e in dt rmem restricted; do
		[ -f "$dir/expected/$e.tsv" ] && compare "$fx" "$e.tsv" "$("project_$e" <<<"$list")"
	done
	run --sysroot "$dir" swiotlb --json
	[ -f "$dir/expected/swiotlb.tsv" ] && compare "$fx" swiotlb.tsv "$(project_pools <<<"$out")"
	if [ -f "$dir/expected/pools.tsv" ]; then
		# A pool's directory is the one of the two that exists in the fixture.
		got=$(project_pool_dirs <<<"$out" | while IFS=$'\t' read -r name d1 d2 slabs; do
			d=$d1
			[ -n "$slabs" ] || { slabs=$d2 d2=; }
			[ -n "$d2" ] && [ ! -d "$dir$d1" ] && d=$d2
			printf '%s\t%s\t%s\n' "$name" "$d" "$slabs"
		done)
		compare "$fx" pools.tsv "$got"
	fi
done
[ "$n" -ge 1 ]; ok $? "at least one fixture has expected output ($n)"

done_testing

#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark: 'dmainspect list' on a generated sysroot with N PCI functions,
# each in its own IOMMU group behind one IOMMU unit. Prints wall time and
# system calls per device. Not part of 'make check': a figure, not a test.
# Usage: tests/bench/list.sh [N] (default 5000); DMAINSPECT names the binary.
set -eu
n=${1:-5000}
bin=${DMAINSPECT:-$(dirname "$0")/../../build/src/dmainspect}
root=$(mktemp -d /tmp/dmainspect-bench.XXXXXX)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/sys/bus/pci/devices" "$root/sys/bus/pci/drivers/nvme" "$root/sys/kernel/iommu_groups" \
	"$root/sys/devices/virtual/iommu/dmar0/devices" "$root/sys/class/iommu"
ln -s ../../devices/virtual/iommu/dmar0 "$root/sys/class/iommu/dmar0"
for ((i = 0; i < n; i++)); do
	bus=$((i / 32)); slot=$((i % 32))
	name=$(printf '0000:%02x:%02x.0' $((bus % 256)) "$slot")
	[ $bus -ge 256 ] && name=$(printf '%04x:%02x:%02x.0' $((bus / 256)) $((bus % 256)) "$slot")
	d=$root/sys/devices/pci0000:00/$name
	mkdir -p "$d" "$root/sys/kernel/iommu_groups/$i/devices"
	printf '0x8086\n' >"$d/vendor"; printf '0x0a54\n' >"$d/device"
	printf '0x8086\n' >"$d/subsystem_vendor"; printf '0x0000\n' >"$d/subsystem_device"
	printf '0x010802\n' >"$d/class"; printf '0x00\n' >"$d/revision"
	printf '64\n' >"$d/dma_mask_bits"; printf '64\n' >"$d/consistent_dma_mask_bits"
	printf -- '-1\n' >"$d/numa_node"; printf 'fixed\n' >"$d/removable"
	printf 'pci:v00008086d00000A54sv00008086sd00000000bc01sc08i02\n' >"$d/modalias"
	echo DMA-FQ >"$root/sys/kernel/iommu_groups/$i/type"
	ln -s ../../../bus/pci "$d/subsystem"
	ln -s ../../../bus/pci/drivers/nvme "$d/driver"
	ln -s "../../../kernel/iommu_groups/$i" "$d/iommu_group"
	ln -s ../../virtual/iommu/dmar0 "$d/iommu"
	ln -s "../../../../devices/pci0000:00/$name" "$root/sys/kernel/iommu_groups/$i/devices/$name"
	ln -s "../../../devices/pci0000:00/$name" "$root/sys/bus/pci/devices/$name"
	ln -s "../../../../pci0000:00/$name" "$root/sys/devices/virtual/iommu/dmar0/devices/$name"
done

echo "# dmainspect list on $n PCI functions ($(nproc) cores)"
for mode in openat2 walk; do
	env=()
	[ $mode = walk ] && env=(DMAINSPECT_NO_OPENAT2=1)
	env "${env[@]}" "$bin" --sysroot "$root" list --json >/dev/null	# warm the cache
	start=$(date +%s.%N)
	env "${env[@]}" "$bin" --sysroot "$root" list --json >/dev/null
	end=$(date +%s.%N)
	if command -v strace >/dev/null; then
		calls=$(env "${env[@]}" strace -f -c -o /dev/stdout "$bin" --sysroot "$root" list --json 2>/dev/null |
			awk '/^100.00/ {print $4}')
	fi
	printf '%-8s %8.3f s  %6.1f us/device  %s syscalls (%s per device)\n' "$mode" \
		"$(echo "$end - $start" | bc)" "$(echo "($end - $start) * 1000000 / $n" | bc)" \
		"${calls:-?}" "$( [ -n "${calls:-}" ] && echo "scale=1; $calls / $n" | bc || echo ?)"
done

#!/bin/sh
# Copy into DEST exactly the kernel files dmainspect reads, as a small
# snapshot tree that `dmainspect --sysroot DEST` replays.  Symlinks stay
# symlinks with their (relative) targets; regular files are copied with cat,
# since sysfs reports 4096 bytes for every attribute.  The kernel log goes to
# DEST/dev/kmsg in /dev/kmsg record format.  Unreadable or missing files are
# skipped.  POSIX sh: runs under busybox in the test guest and on a host.
# Usage: capture.sh DEST
set -eu

[ $# -eq 1 ] || { echo "usage: $0 DEST" >&2; exit 1; }
mkdir -p "$1"
dest=$(cd "$1" && pwd)

# file PATH...: copy regular files (skip unreadable, missing, or done ones).
file() {
	for _f in "$@"; do
		if [ ! -f "$_f" ] || [ -L "$_f" ]; then
			continue
		fi
		[ -e "$dest$_f" ] && continue
		mkdir -p "$dest${_f%/*}"
		cat "$_f" >"$dest$_f" 2>/dev/null || rm -f "$dest$_f"
	done
}

# link PATH...: recreate symlinks with their own targets.
link() {
	for _l in "$@"; do
		[ -L "$_l" ] || continue
		[ -L "$dest$_l" ] && continue
		mkdir -p "$dest${_l%/*}"
		ln -s "$(readlink "$_l")" "$dest$_l"
	done
}

# dir PATH...: the directory itself, so that links to it resolve.
dir() {
	for _d in "$@"; do
		[ -d "$_d" ] && mkdir -p "$dest$_d"
	done
	return 0
}

seen_devs=" "
seen_mods=" "

module_dir() {
	_m=/sys/module/$1
	case $seen_mods in *" $1 "*) return 0 ;; esac
	seen_mods="$seen_mods$1 "
	[ -d "$_m" ] || return 0
	dir "$_m"
	file "$_m/initstate"
	for _p in "$_m"/parameters/*; do
		file "$_p"
	done
}

# device PATH: one device directory, its attributes, links and their targets.
device() {
	_dv=$(readlink -f "$1") || return 0
	[ -d "$_dv" ] || return 0
	case $seen_devs in *" $_dv "*) return 0 ;; esac
	seen_devs="$seen_devs$_dv "
	dir "$_dv"
	for _a in vendor device subsystem_vendor subsystem_device class revision modalias \
		dma_mask_bits consistent_dma_mask_bits numa_node removable uevent; do
		file "$_dv/$_a"
	done
	for _k in driver iommu_group iommu subsystem of_node firmware_node; do
		link "$_dv/$_k"
	done
	if [ -L "$_dv/driver" ]; then
		_drv=$(readlink -f "$_dv/driver")
		dir "$_drv"
		link "$_drv/module"
		[ -L "$_drv/module" ] && module_dir "$(basename "$(readlink "$_drv/module")")"
	fi
	[ -L "$_dv/subsystem" ] && dir "$(readlink -f "$_dv/subsystem")"
	if [ -L "$_dv/firmware_node" ]; then
		_fw=$(readlink -f "$_dv/firmware_node")
		dir "$_fw"
		file "$_fw/path" "$_fw/hid" "$_fw/uid"
	fi
	if [ -L "$_dv/of_node" ]; then
		_of=$(readlink -f "$_dv/of_node")
		dir "$_of"
		file "$_of/name" "$_of/compatible" "$_of/dma-coherent" "$_of/dma-noncoherent" "$_of/dma-ranges" \
			"$_of/memory-region" "$_of/phandle" "$_of/iommus" "$_of/iommu-map" "$_of/iommu-map-mask"
	fi
	for _n in "$_dv"/drm/card* "$_dv"/drm/renderD*; do
		case ${_n##*/} in
		card*[!0-9]* | renderD*[!0-9]* | 'card*' | 'renderD*') continue ;;
		esac
		dir "$_n"
		file "$_n/dev"
	done
	return 0
}

# PCI devices and their bus.
if [ -d /sys/bus/pci/devices ]; then
	dir /sys/bus/pci/devices
	for l in /sys/bus/pci/devices/*; do
		link "$l"
		device "$l"
	done
fi

# The device-tree node PCI devices are DMA-configured from: their host
# bridge (the parent of the root bus, pciDOMAIN:BUS), where it has a node.
for l in /sys/bus/pci/devices/*; do
	[ -L "$l" ] || continue
	_p=$(readlink -f "$l")
	while [ "$_p" != /sys/devices ] && [ -n "$_p" ]; do
		case ${_p##*/} in
		pci[0-9a-f]*:[0-9a-f]*)
			_hb=${_p%/*}
			[ -L "$_hb/of_node" ] || break
			device "$_hb"
			if [ -L "/sys/bus/platform/devices/${_hb##*/}" ]; then
				dir /sys/bus/platform/devices
				link "/sys/bus/platform/devices/${_hb##*/}"
			fi
			break
			;;
		esac
		_p=${_p%/*}
	done
done

# Devices whose own device-tree node names reserved memory (memory-region):
# a restricted DMA pool or a per-device coherent pool is theirs, bound to a
# driver or not.
for l in /sys/bus/platform/devices/*; do
	[ -e "$l/of_node/memory-region" ] || continue
	dir /sys/bus/platform/devices
	link "$l"
	device "$l"
done

# IOMMU groups and the devices in them.
if [ -d /sys/kernel/iommu_groups ]; then
	dir /sys/kernel/iommu_groups
	for g in /sys/kernel/iommu_groups/*; do
		[ -d "$g" ] || continue
		file "$g/type" "$g/reserved_regions" "$g/name"
		dir "$g/devices"
		for l in "$g"/devices/*; do
			link "$l"
			device "$l"
		done
	done
fi

# IOMMU units: class links, the units' attributes and their devices.
if [ -d /sys/class/iommu ]; then
	dir /sys/class/iommu
	for u in /sys/class/iommu/*; do
		[ -L "$u" ] || continue
		link "$u"
		ud=$(readlink -f "$u")
		dir "$ud"
		for f in "$ud"/intel-iommu/* "$ud"/amd-iommu/*; do
			file "$f"
		done
		dir "$ud/devices"
		for l in "$ud"/devices/*; do
			link "$l"
			device "$l"
		done
	done
fi

# DRM: class links of cards and render nodes, and the devices behind them.
if [ -d /sys/class/drm ]; then
	dir /sys/class/drm
	file /sys/class/drm/version
	for l in /sys/class/drm/card* /sys/class/drm/renderD*; do
		case ${l##*/} in
		card*[!0-9]* | renderD*[!0-9]* | 'card*' | 'renderD*') continue ;;
		esac
		[ -L "$l" ] || continue
		link "$l"
		node=$(readlink -f "$l")
		device "${node%/drm/*}"
	done
fi

# Loaded modules (drivers that failed to bind still made their choices).
for m in /sys/module/*; do
	[ -e "$m/initstate" ] && module_dir "${m##*/}"
done

# SWIOTLB pools (an empty directory means no pool) and dma-bufs.
if [ -d /sys/kernel/debug/swiotlb ]; then
	dir /sys/kernel/debug/swiotlb
	for f in /sys/kernel/debug/swiotlb/* /sys/kernel/debug/swiotlb/*/*; do
		file "$f"
	done
fi
# Pools with a debugfs directory of their own outside swiotlb/ (a restricted
# DMA pool set up before swiotlb/ existed: restricted-dma-pool@ADDRESS/).
for d in /sys/kernel/debug/*; do
	[ -f "$d/io_tlb_nslabs" ] || continue
	dir "$d"
	for f in "$d"/*; do
		file "$f"
	done
done
file /sys/kernel/debug/dma_buf/bufinfo

# The device tree's reserved memory, every property of every node.
if [ -d /sys/firmware/devicetree/base/reserved-memory ]; then
	find /sys/firmware/devicetree/base/reserved-memory | while read -r f; do
		if [ -d "$f" ]; then
			dir "$f"
		else
			file "$f"
		fi
	done
fi

# Memory blocks (the top of RAM for non-root readers).
file /sys/devices/system/memory/block_size_bytes
for b in /sys/devices/system/memory/memory*; do
	file "$b/state" "$b/phys_index"
done

file /proc/cmdline /proc/sys/kernel/osrelease
if [ -r /proc/cpuinfo ]; then
	mkdir -p "$dest/proc"
	awk '/^$/ { exit } { print }' /proc/cpuinfo >"$dest/proc/cpuinfo"
fi

# Kernel log, in /dev/kmsg record format; dmesg text when that cannot be read.
mkdir -p "$dest/dev"
kmsg=$dest/dev/kmsg
: >"$kmsg"
if [ -r /dev/kmsg ]; then
	dd if=/dev/kmsg of="$kmsg" iflag=nonblock bs=16384 2>/dev/null || true
	if [ ! -s "$kmsg" ] && command -v timeout >/dev/null 2>&1; then
		timeout 2 cat /dev/kmsg >"$kmsg" 2>/dev/null || true
	fi
fi
[ -s "$kmsg" ] || dmesg >"$kmsg" 2>/dev/null || true
[ -s "$kmsg" ] || rm -f "$kmsg"
exit 0

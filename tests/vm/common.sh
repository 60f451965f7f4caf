# Shared by suite.sh and update-fixtures.sh (bash): the configuration matrix
# and booting one guest under QEMU.
# shellcheck shell=bash

# Every configuration, in the order the suite runs them.
# shellcheck disable=SC2034 # used by the scripts that source this file
VM_CONFIGS_ALL="intel-lazy intel-strict intel-pt noiommu-force swiotlb128 amd bigmem vmw-coherent vmw-restrict"

# Kernel series the suite boots (fetch-kernel.sh SERIES), and the
# configurations each one runs: the whole matrix on the newest kernel and on
# 6.1, the three that differ most on 6.12.
# shellcheck disable=SC2034
VM_KERNELS_ALL="newest 6.1 6.12"
vm_series_configs() {
	case $1 in
	6.12) echo "intel-lazy noiommu-force amd" ;;
	*) echo "$VM_CONFIGS_ALL" ;;
	esac
}

# vm_kernel_label ROOT: "7.2", "6.12", "6.1": the major.minor of the kernel
# unpacked in ROOT (what fetch-kernel.sh printed), for TAP names.
vm_kernel_label() {
	vm_kernel_version "$1" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/'
}

# vm_kernel_version ROOT: the kernel's release (uname -r), from its modules.
vm_kernel_version() {
	find "$1/lib/modules/" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -V | tail -n 1
}

# Devices every guest gets: three display adapters for three DRM drivers.
VM_DEVICES=(-device vmware-svga -device bochs-display -device virtio-gpu-pci)

# vm_config NAME: set VM_MACHINE (array of QEMU options) and VM_APPEND (the
# configuration's kernel command line words).  Returns 1 for an unknown name.
vm_config() {
	local intel=(-M q35 -device intel-iommu -m 1G)
	case $1 in
	intel-lazy) VM_MACHINE=("${intel[@]}") VM_APPEND="intel_iommu=on" ;;
	intel-strict) VM_MACHINE=("${intel[@]}") VM_APPEND="intel_iommu=on iommu.strict=1" ;;
	intel-pt) VM_MACHINE=("${intel[@]}") VM_APPEND="intel_iommu=on iommu=pt" ;;
	noiommu-force) VM_MACHINE=(-M q35 -m 1G) VM_APPEND="intel_iommu=off swiotlb=force" ;;
	swiotlb128) VM_MACHINE=(-M q35 -m 1G) VM_APPEND="intel_iommu=off swiotlb=65536,force" ;;
	amd) VM_MACHINE=(-M q35 -device amd-iommu -m 1G) VM_APPEND="amd_iommu=on" ;;
	bigmem) VM_MACHINE=(-M q35 -m 5G) VM_APPEND="" ;;
	vmw-coherent) VM_MACHINE=("${intel[@]}") VM_APPEND="intel_iommu=on vmwgfx.force_coherent=1" ;;
	vmw-restrict) VM_MACHINE=("${intel[@]}") VM_APPEND="intel_iommu=on vmwgfx.restrict_iommu=1" ;;
	*) return 1 ;;
	esac
}

# vm_boot CONFIG TAG OUTDIR LIMIT_SECONDS KERNEL INITRD [EXTRA KERNEL ARGS]:
# boot configuration CONFIG with KERNEL and INITRD.  Writes OUTDIR/TAG.console
# (ttyS0, kernel messages), TAG.tap (ttyS1, test output), TAG.capture
# (ttyS2), TAG.cmdline (QEMU command line), TAG.append (kernel command line),
# TAG.rc (QEMU's exit status, 124 when killed at the limit) and TAG.time
# (wall seconds).
vm_boot() {
	local name=$1 tag=$2 out=$3 limit=$4 kernel=$5 initrd=$6 extra=${7:-} append start rc=0
	vm_config "$name" || { echo 127 >"$out/$tag.rc"; return 0; }
	# no_timer_check: under TCG on a loaded machine the IO-APIC timer check
	# can miss its deadline and panic the boot; it proves nothing here.
	append="${VM_APPEND:+$VM_APPEND }${extra:+$extra }dmainspect.config=$name console=ttyS0 panic=-1 no_timer_check"
	local cmd=(qemu-system-x86_64 -accel tcg -nographic -no-reboot -nic none -monitor none
		"${VM_MACHINE[@]}" "${VM_DEVICES[@]}"
		-kernel "$kernel" -initrd "$initrd" -append "$append"
		-serial "file:$out/$tag.console" -serial "file:$out/$tag.tap"
		-serial "file:$out/$tag.capture")
	printf '%s\n' "$append" >"$out/$tag.append"
	printf '%q ' "${cmd[@]}" | sed 's/ $//' >"$out/$tag.cmdline"
	echo >>"$out/$tag.cmdline"
	: >"$out/$tag.console"
	: >"$out/$tag.tap"
	start=$(date +%s)
	timeout -k 5 "$limit" "${cmd[@]}" </dev/null >"$out/$tag.qemu" 2>&1 || rc=$?
	echo $(($(date +%s) - start)) >"$out/$tag.time"
	echo "$rc" >"$out/$tag.rc"
}

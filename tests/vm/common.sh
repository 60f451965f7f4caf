# Shared by suite.sh and update-fixtures.sh (bash): the configuration matrix
# and booting one guest under QEMU.
# shellcheck shell=bash

# Every configuration, in the order the suite runs them.
# shellcheck disable=SC2034 # used by the scripts that source this file
VM_CONFIGS_ALL="lazy strict pt noiommu-force swiotlb128 amd bigmem vmw-coherent vmw-restrict"

# Devices every guest gets: three display adapters for three DRM drivers.
VM_DEVICES=(-device vmware-svga -device bochs-display -device virtio-gpu-pci)

# vm_config NAME: set VM_MACHINE (array of QEMU options) and VM_APPEND (the
# configuration's kernel command line words).  Returns 1 for an unknown name.
vm_config() {
	local intel=(-M q35 -device intel-iommu -m 1G)
	case $1 in
	lazy) VM_MACHINE=("${intel[@]}") VM_APPEND="intel_iommu=on" ;;
	strict) VM_MACHINE=("${intel[@]}") VM_APPEND="intel_iommu=on iommu.strict=1" ;;
	pt) VM_MACHINE=("${intel[@]}") VM_APPEND="intel_iommu=on iommu=pt" ;;
	noiommu-force) VM_MACHINE=(-M q35 -m 1G) VM_APPEND="intel_iommu=off swiotlb=force" ;;
	swiotlb128) VM_MACHINE=(-M q35 -m 1G) VM_APPEND="intel_iommu=off swiotlb=65536,force" ;;
	amd) VM_MACHINE=(-M q35 -device amd-iommu -m 1G) VM_APPEND="amd_iommu=on" ;;
	bigmem) VM_MACHINE=(-M q35 -m 5G) VM_APPEND="" ;;
	vmw-coherent) VM_MACHINE=("${intel[@]}") VM_APPEND="intel_iommu=on vmwgfx.force_coherent=1" ;;
	vmw-restrict) VM_MACHINE=("${intel[@]}") VM_APPEND="intel_iommu=on vmwgfx.restrict_iommu=1" ;;
	*) return 1 ;;
	esac
}

# vm_boot NAME OUTDIR LIMIT_SECONDS [EXTRA KERNEL ARGS]: boot configuration
# NAME with $VM_KERNEL and $VM_INITRD.  Writes OUTDIR/NAME.console (ttyS0,
# kernel messages), NAME.tap (ttyS1, test output), NAME.capture (ttyS2),
# NAME.cmdline (QEMU command line), NAME.append (kernel command line),
# NAME.rc (QEMU's exit status, 124 when killed at the limit) and NAME.time
# (wall seconds).
vm_boot() {
	local name=$1 out=$2 limit=$3 extra=${4:-} append start rc=0
	vm_config "$name" || { echo 127 >"$out/$name.rc"; return 0; }
	# no_timer_check: under TCG on a loaded machine the IO-APIC timer check
	# can miss its deadline and panic the boot; it proves nothing here.
	append="${VM_APPEND:+$VM_APPEND }${extra:+$extra }dmainspect.config=$name console=ttyS0 panic=-1 no_timer_check"
	local cmd=(qemu-system-x86_64 -accel tcg -nographic -no-reboot -nic none -monitor none
		"${VM_MACHINE[@]}" "${VM_DEVICES[@]}"
		-kernel "$VM_KERNEL" -initrd "$VM_INITRD" -append "$append"
		-serial "file:$out/$name.console" -serial "file:$out/$name.tap"
		-serial "file:$out/$name.capture")
	printf '%s\n' "$append" >"$out/$name.append"
	printf '%q ' "${cmd[@]}" | sed 's/ $//' >"$out/$name.cmdline"
	echo >>"$out/$name.cmdline"
	: >"$out/$name.console"
	: >"$out/$name.tap"
	start=$(date +%s)
	timeout -k 5 "$limit" "${cmd[@]}" </dev/null >"$out/$name.qemu" 2>&1 || rc=$?
	echo $(($(date +%s) - start)) >"$out/$name.time"
	echo "$rc" >"$out/$name.rc"
}

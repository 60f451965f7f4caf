# Shared by suite.sh and update-fixtures.sh (bash): the configuration matrix
# and booting one guest under QEMU.
# shellcheck shell=bash

# Every configuration, in the order the suite runs them: the x86 ones
# (qemu-system-x86_64 -M q35) and the arm64 ones (qemu-system-aarch64
# -M virt); vm_config_arch tells which.
VM_CONFIGS_X86="intel-lazy intel-strict intel-pt noiommu-force swiotlb128 amd bigmem vmw-coherent vmw-restrict"
VM_CONFIGS_ARM64="arm-smmu arm-noncoherent"

# Kernel series the suite boots (fetch-kernel.sh SERIES [ARCH]; a series
# ending in -arm64 is Debian's arm64 kernel of that series), and the
# configurations each one runs: the whole x86 matrix on the newest kernel
# and on 6.1, the three that differ most on 6.12, the arm64 ones on arm64.
# shellcheck disable=SC2034
VM_KERNELS_ALL="newest 6.1 6.12 newest-arm64 6.12-arm64"
vm_series_configs() {
	case $1 in
	*-arm64) echo "$VM_CONFIGS_ARM64" ;;
	6.12) echo "intel-lazy noiommu-force amd" ;;
	*) echo "$VM_CONFIGS_X86" ;;
	esac
}

# vm_series_arch SERIES: the Debian architecture of a series (amd64, arm64).
vm_series_arch() {
	case $1 in
	*-arm64) echo arm64 ;;
	*) echo amd64 ;;
	esac
}

# vm_config_arch NAME: the Debian architecture configuration NAME boots.
vm_config_arch() {
	case $1 in
	arm-*) echo arm64 ;;
	*) echo amd64 ;;
	esac
}

# vm_kernel_label ROOT: "7.2", "6.12", "6.1", "7.2-arm64": the major.minor
# of the kernel unpacked in ROOT (what fetch-kernel.sh printed), and its
# architecture where it is not amd64, for TAP names.
vm_kernel_label() {
	vm_release_label "$(vm_kernel_version "$1")"
}

# vm_release_label RELEASE: the label of a kernel release (uname -r).
vm_release_label() {
	case $1 in
	*-arm64) printf '%s-arm64\n' "$(echo "$1" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')" ;;
	*) echo "$1" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/' ;;
	esac
}

# vm_kernel_version ROOT: the kernel's release (uname -r), from its modules.
vm_kernel_version() {
	find "$1/lib/modules/" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -V | tail -n 1
}

# Devices every x86 guest gets: three display adapters for three DRM
# drivers.  arm64 guests get no vmware-svga (vmwgfx oopses probing it on
# aarch64), and virtio-gpu with iommu_platform=on, so that virtio uses the
# DMA API and its device sits behind the SMMU.
VM_DEVICES=(-device vmware-svga -device bochs-display -device virtio-gpu-pci)
# shellcheck disable=SC2054 # commas separate QEMU's suboptions
VM_DEVICES_ARM64=(-device bochs-display -device virtio-gpu-pci,iommu_platform=on)

# The arm64 machine: QEMU's virt board with an SMMUv3 (pauth-impdef=on
# halves the boot time under TCG).
# shellcheck disable=SC2054
VM_ARM64_MACHINE=(-M virt,iommu=smmuv3 -cpu max,pauth-impdef=on -m 1024)

# vm_config NAME: set VM_MACHINE (array of QEMU options), VM_APPEND (the
# configuration's kernel command line words) and VM_DTB_EDIT (for arm64:
# "noncoherent" when the guest boots QEMU's device tree without
# dma-coherent, empty for QEMU's own).  Returns 1 for an unknown name.
vm_config() {
	local intel=(-M q35 -device intel-iommu -m 1G)
	VM_DTB_EDIT=
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
	arm-smmu) VM_MACHINE=("${VM_ARM64_MACHINE[@]}") VM_APPEND="" ;;
	arm-noncoherent) VM_MACHINE=("${VM_ARM64_MACHINE[@]}") VM_APPEND="" VM_DTB_EDIT=noncoherent ;;
	*) return 1 ;;
	esac
}

# vm_noncoherent_dtb OUT DTB QEMU-OPTIONS...: dump QEMU's device tree for the
# machine options given (the same -M, -cpu and -m as the boot) to DTB, and
# remove dma-coherent from the PCIe host bridge and every virtio_mmio node.
vm_noncoherent_dtb() {
	local dtb=$1 m n
	shift
	local opts=("$@")
	for i in "${!opts[@]}"; do
		[ "${opts[$i]}" = -M ] || continue
		m=$((i + 1))
		opts[m]="${opts[m]},dumpdtb=$dtb"
	done
	qemu-system-aarch64 -accel tcg -nographic -nic none -monitor none -serial none "${opts[@]}" \
		>/dev/null 2>&1 || return 1
	fdtput -d "$dtb" /pcie@10000000 dma-coherent || return 1
	for n in $(fdtget -l "$dtb" /); do
		case $n in
		virtio_mmio@*) fdtput -d "$dtb" "/$n" dma-coherent 2>/dev/null || true ;;
		esac
	done
}

# vm_boot CONFIG TAG OUTDIR LIMIT_SECONDS KERNEL INITRD [EXTRA KERNEL ARGS]:
# boot configuration CONFIG with KERNEL and INITRD.  Writes OUTDIR/TAG.console
# (kernel messages: ttyS0, or ttyAMA0 on arm64), TAG.tap (test output:
# ttyS1, or on arm64, whose virt machine has one UART, the virtio-serial port
# named dmainspect.tap), TAG.capture (ttyS2 or port dmainspect.capture),
# TAG.cmdline (QEMU command line), TAG.append (kernel command line), TAG.dtb
# (arm64 with an edited device tree), TAG.rc (QEMU's exit status, 124 when
# killed at the limit) and TAG.time (wall seconds).
vm_boot() {
	local name=$1 tag=$2 out=$3 limit=$4 kernel=$5 initrd=$6 extra=${7:-} append start rc=0 cmd
	vm_config "$name" || { echo 127 >"$out/$tag.rc"; return 0; }
	: >"$out/$tag.console"
	: >"$out/$tag.tap"
	: >"$out/$tag.capture"
	if [ "$(vm_config_arch "$name")" = arm64 ]; then
		append="${VM_APPEND:+$VM_APPEND }${extra:+$extra }dmainspect.config=$name dmainspect.ports=virtio console=ttyAMA0 panic=-1"
		cmd=(qemu-system-aarch64 -accel tcg -nographic -no-reboot -nic none -monitor none
			"${VM_MACHINE[@]}" "${VM_DEVICES_ARM64[@]}")
		if [ "$VM_DTB_EDIT" = noncoherent ]; then
			rm -f "$out/$tag.dtb"
			if ! vm_noncoherent_dtb "$out/$tag.dtb" "${VM_MACHINE[@]}"; then
				echo "vm_boot: cannot make the non-coherent device tree $out/$tag.dtb" >"$out/$tag.qemu"
				echo 0 >"$out/$tag.time"
				echo 1 >"$out/$tag.rc"
				return 0
			fi
			cmd+=(-dtb "$out/$tag.dtb")
		fi
		# shellcheck disable=SC2054
		cmd+=(-kernel "$kernel" -initrd "$initrd" -append "$append"
			-serial "file:$out/$tag.console"
			-device virtio-serial-pci
			-chardev "file,id=tap,path=$out/$tag.tap" -device virtserialport,chardev=tap,name=dmainspect.tap
			-chardev "file,id=capture,path=$out/$tag.capture"
			-device virtserialport,chardev=capture,name=dmainspect.capture)
	else
		# no_timer_check: under TCG on a loaded machine the IO-APIC timer
		# check can miss its deadline and panic the boot; it proves nothing
		# here.
		append="${VM_APPEND:+$VM_APPEND }${extra:+$extra }dmainspect.config=$name console=ttyS0 panic=-1 no_timer_check"
		cmd=(qemu-system-x86_64 -accel tcg -nographic -no-reboot -nic none -monitor none
			"${VM_MACHINE[@]}" "${VM_DEVICES[@]}"
			-kernel "$kernel" -initrd "$initrd" -append "$append"
			-serial "file:$out/$tag.console" -serial "file:$out/$tag.tap"
			-serial "file:$out/$tag.capture")
	fi
	printf '%s\n' "$append" >"$out/$tag.append"
	printf '%q ' "${cmd[@]}" | sed 's/ $//' >"$out/$tag.cmdline"
	echo >>"$out/$tag.cmdline"
	start=$(date +%s)
	timeout -k 5 "$limit" "${cmd[@]}" </dev/null >"$out/$tag.qemu" 2>&1 || rc=$?
	echo $(($(date +%s) - start)) >"$out/$tag.time"
	echo "$rc" >"$out/$tag.rc"
}

# Shared by suite.sh and update-fixtures.sh (bash): the configuration matrix
# and booting one guest under QEMU.
# shellcheck shell=bash

# Every configuration, in the order the suite runs them: the x86 ones
# (qemu-system-x86_64 -M q35) and the arm64 ones (qemu-system-aarch64
# -M virt); vm_config_arch tells which.
VM_CONFIGS_X86="intel-lazy intel-strict intel-pt noiommu-force swiotlb128 amd bigmem vmw-coherent vmw-restrict"
VM_CONFIGS_ARM64="arm-smmu arm-noncoherent arm-nosmmu arm-coherent-pool"

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

# vm_disks OUTDIR TAG ARCH: print the QEMU options of the two small disks
# every guest reads under 'dmainspect trace' (t-trace.sh), one word per
# line, after making their images: one on AHCI (q35's own controller; an
# ich9-ahci added to arm64's virt board) and one on virtio-blk with
# iommu_platform=on (modern only: disable-legacy=on), so that virtio uses
# the DMA API.
VM_DISK_MIB=16
vm_disks() {
	local out=$1 tag=$2 arch=$3 d
	for d in ahci vblk; do
		rm -f "$out/$tag.$d.img"
		truncate -s "${VM_DISK_MIB}M" "$out/$tag.$d.img" || return 1
	done
	[ "$arch" = arm64 ] && printf '%s\n' -device ich9-ahci,id=ide
	printf '%s\n' -drive "file=$out/$tag.ahci.img,if=none,id=ahcidisk,format=raw" \
		-device ide-hd,drive=ahcidisk,bus=ide.0 \
		-drive "file=$out/$tag.vblk.img,if=none,id=vblkdisk,format=raw" \
		-device virtio-blk-pci,drive=vblkdisk,disable-legacy=on,iommu_platform=on
}

# The arm64 machine: QEMU's virt board with an SMMUv3 (pauth-impdef=on
# halves the boot time under TCG).
# shellcheck disable=SC2054
VM_ARM64_MACHINE=(-M virt,iommu=smmuv3 -cpu max,pauth-impdef=on -m 1024)

# Dynamic debug for of_dma_configure_id(), which logs "device is (not) dma
# coherent" for every device it configures (the kernel's only word on
# coherency).
VM_DYNDBG_COHERENCY='dyndbg="file drivers/of/device.c +p"'

# vm_config NAME: set VM_MACHINE (array of QEMU options), VM_APPEND (the
# configuration's kernel command line words) and VM_DTB_EDIT (for arm64:
# the edits, vm_dtb_EDIT, made to QEMU's device tree before the guest boots
# it; empty: QEMU's own).  Returns 1 for an unknown name.
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
	arm-smmu) VM_MACHINE=("${VM_ARM64_MACHINE[@]}") VM_APPEND=$VM_DYNDBG_COHERENCY ;;
	arm-noncoherent) VM_MACHINE=("${VM_ARM64_MACHINE[@]}") VM_APPEND="" VM_DTB_EDIT=noncoherent ;;
	arm-nosmmu)
		VM_MACHINE=("${VM_ARM64_MACHINE[@]}") VM_MACHINE[1]=virt VM_DTB_EDIT=noncoherent
		VM_APPEND=$VM_DYNDBG_COHERENCY
		;;
	arm-coherent-pool) VM_MACHINE=("${VM_ARM64_MACHINE[@]}") VM_APPEND="" VM_DTB_EDIT=coherent-pool ;;
	# The restricted DMA pool, with and without SMMUv3: build-kernel.sh's
	# kernel only, for update-fixtures.sh (not in VM_CONFIGS_ARM64).
	arm-restricted)
		VM_MACHINE=("${VM_ARM64_MACHINE[@]}") VM_DTB_EDIT=restricted-pool
		VM_APPEND=$VM_DYNDBG_COHERENCY
		;;
	arm-restricted-nosmmu)
		VM_MACHINE=("${VM_ARM64_MACHINE[@]}") VM_MACHINE[1]=virt VM_DTB_EDIT=restricted-pool
		VM_APPEND=$VM_DYNDBG_COHERENCY
		;;
	*) return 1 ;;
	esac
}

# vm_edit_dtb DTB "EDITS" QEMU-OPTIONS...: dump QEMU's device tree for the
# machine options given (the same -M, -cpu and -m as the boot) to DTB, then
# apply each edit named in EDITS (vm_dtb_EDIT DTB, - in EDIT read as _).
vm_edit_dtb() {
	local dtb=$1 edits=$2 m e
	shift 2
	local opts=("$@")
	for i in "${!opts[@]}"; do
		[ "${opts[$i]}" = -M ] || continue
		m=$((i + 1))
		opts[m]="${opts[m]},dumpdtb=$dtb"
	done
	qemu-system-aarch64 -accel tcg -nographic -nic none -monitor none -serial none "${opts[@]}" \
		>/dev/null 2>&1 || return 1
	for e in $edits; do
		"vm_dtb_${e//-/_}" "$dtb" || return 1
	done
}

# vm_dtb_noncoherent DTB: remove dma-coherent from the PCIe host bridge and
# every virtio_mmio node.
vm_dtb_noncoherent() {
	local dtb=$1 n
	fdtput -d "$dtb" /pcie@10000000 dma-coherent || return 1
	for n in $(fdtget -l "$dtb" /); do
		case $n in
		virtio_mmio@*) fdtput -d "$dtb" "/$n" dma-coherent 2>/dev/null || true ;;
		esac
	done
}

# vm_dtb_pool DTB NAME COMPATIBLE START PHANDLE NO-MAP NODE...: add the 4 MiB
# reserved-memory node NAME at START (creating /reserved-memory, 2 address and
# 2 size cells), with no-map when NO-MAP is "no-map", and name it in the
# memory-region of each NODE ("first-virtio-mmio": the virtio_mmio node with
# the lowest address).
vm_dtb_pool() {
	local dtb=$1 name=$2 compat=$3 start=$4 ph=$5 nomap=$6 n rm=/reserved-memory
	shift 6
	if ! fdtget "$dtb" "$rm" '#size-cells' >/dev/null 2>&1; then
		fdtput -c "$dtb" "$rm" || return 1
		fdtput -t x "$dtb" "$rm" '#address-cells' 2 || return 1
		fdtput -t x "$dtb" "$rm" '#size-cells' 2 || return 1
		fdtput "$dtb" "$rm" ranges || return 1
	fi
	fdtput -c "$dtb" "$rm/$name" || return 1
	fdtput -t s "$dtb" "$rm/$name" compatible "$compat" || return 1
	fdtput -t x "$dtb" "$rm/$name" reg 0 "$start" 0 0x400000 || return 1
	[ "$nomap" != no-map ] || fdtput "$dtb" "$rm/$name" no-map || return 1
	fdtput -t x "$dtb" "$rm/$name" phandle "$ph" || return 1
	for n in "$@"; do
		[ "$n" != first-virtio-mmio ] ||
			n=/$(fdtget -l "$dtb" / | grep '^virtio_mmio@' | sort | head -n 1)
		[ "$n" != / ] || return 1
		fdtput -t x "$dtb" "$n" memory-region "$ph" || return 1
	done
}

# The per-device coherent pool of arm-coherent-pool: a shared-dma-pool
# without a kernel mapping (no-map), at the top of the guest's 1 GiB, named by
# the first virtio_mmio node (of_reserved_mem_device_init() takes the
# device's own node only).
VM_COHERENT_POOL=coherent-pool@7e000000
vm_dtb_coherent_pool() {
	vm_dtb_pool "$1" "$VM_COHERENT_POOL" shared-dma-pool 0x7e000000 0x7e00 no-map first-virtio-mmio
}

# The restricted DMA pool of arm-restricted and arm-restricted-nosmmu: a
# restricted-dma-pool (SWIOTLB bounce buffers that the device's DMA is
# confined to; a kernel mapping, so neither no-map nor reusable) at
# 0x70000000, named by the PCIe host bridge (for the PCI devices, which have
# no node of their own: of_dma_set_restricted_buffer() takes the node DMA is
# configured from) and by the first virtio_mmio node (a device's own node).
# The kernel assigns it only to devices not behind an IOMMU.  Needs
# CONFIG_DMA_RESTRICTED_POOL (build-kernel.sh's kernel; Debian's lack it).
VM_RESTRICTED_POOL=restricted-dma-pool@70000000
vm_dtb_restricted_pool() {
	vm_dtb_pool "$1" "$VM_RESTRICTED_POOL" restricted-dma-pool 0x70000000 0x7000 map \
		/pcie@10000000 first-virtio-mmio
}

# The private apt state of fetch-kernel.sh and build-kernel.sh, under
# CACHE/apt: its own sources list (bookworm, bookworm-backports, trixie,
# unstable; the mirror is the one the host's apt uses for Debian, or
# $DMAINSPECT_VM_MIRROR), lists and status file, so that the host's apt is
# never changed.  Messages go to stderr, prefixed with $VM_LOG_TAG.
vm_log() { printf '%s: %s\n' "${VM_LOG_TAG:-vm}" "$*" >&2; }

# vm_fall_back ROOT WHAT MESSAGE...: after a failure, print ROOT (a kernel
# root from before, when ROOT is not empty) and exit 0, saying so; else say
# MESSAGE and exit 1.  WHAT names it in the message.
vm_fall_back() {
	local root=$1 what=$2
	shift 2
	if [ -n "$root" ]; then
		vm_log "$*; using $what $(cat "$root/.package")"
		printf '%s\n' "$root"
		exit 0
	fi
	vm_log "$*"
	exit 1
}

# The Debian mirror the host's apt uses (not its security or backports
# archive), from its own index targets.
vm_host_mirror() {
	# shellcheck disable=SC2016 # apt's own $(FIELD) syntax
	apt-get indextargets --format '$(SITE) $(ORIGIN) $(LABEL)' 'Identifier: Packages' 2>/dev/null |
		awk '$2 == "Debian" && $3 == "Debian" { print $1; exit }'
}

# vm_apt_setup CACHE: set VM_APT (the state's directory, CACHE/apt) and
# VM_APT_OPTS (apt-get and apt-cache options that use it), and update its
# lists when the sources changed or the last update is over an hour old
# (one update at a time: the suite fetches several series in a row).  A
# failed update is reported and the old lists stay.  Leaves file descriptor
# 9 open on VM_APT/lock (unlocked), for callers that serialize on it.
# Debian's apt.conf turns the binary package cache off, so every apt-get and
# apt-cache call would parse all eight Packages lists again (about 6 s each,
# a minute per kernel): the state keeps its own cache, which apt rebuilds
# when the lists change.
vm_apt_setup() {
	local cache=$1 mirror keyring s
	VM_APT=$cache/apt
	mkdir -p "$VM_APT/lists/partial" "$VM_APT/cache/archives/partial"
	# apt drops privileges to _apt for downloads: let it write there.
	chmod 0755 "$cache" "$VM_APT" "$VM_APT/lists" "$VM_APT/cache" 2>/dev/null || true
	mirror=${DMAINSPECT_VM_MIRROR:-$(vm_host_mirror)}
	mirror=${mirror:-http://deb.debian.org/debian}
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	{
		for s in bookworm bookworm-backports trixie unstable; do
			echo "deb [signed-by=$keyring] ${mirror%/} $s main"
		done
	} >"$VM_APT/sources.list.new"
	: >>"$VM_APT/status"
	VM_APT_OPTS=(-o Dir::Etc::SourceList="$VM_APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
		-o Dir::State::Lists="$VM_APT/lists" -o Dir::State::Status="$VM_APT/status"
		-o Dir::Cache="$VM_APT/cache" -o Dir::Cache::pkgcache="$VM_APT/cache/pkgcache.bin"
		-o Dir::Cache::srcpkgcache="$VM_APT/cache/srcpkgcache.bin" -o APT::Architecture=amd64 -o APT::Architectures::=amd64
		-o APT::Architectures::=arm64 -o Acquire::Languages=none -o Debug::NoLocking=1 -o APT::Sandbox::User=root)

	exec 9>"$VM_APT/lock"
	flock 9
	if ! cmp -s "$VM_APT/sources.list.new" "$VM_APT/sources.list" 2>/dev/null ||
		[ -z "$(find "$VM_APT/updated" -mmin -60 2>/dev/null)" ]; then
		mv "$VM_APT/sources.list.new" "$VM_APT/sources.list"
		vm_log "updating the private apt lists from $mirror"
		if apt-get "${VM_APT_OPTS[@]}" -q update >"$VM_APT/update.log" 2>&1; then
			touch "$VM_APT/updated"
		else
			sed "s/^/${VM_LOG_TAG:-vm}: apt: /" "$VM_APT/update.log" | tail -n 5 >&2
		fi
	else
		rm -f "$VM_APT/sources.list.new"
	fi
	flock -u 9
}

# vm_fetch_userland CACHE ARCH: the guest userland for a foreign
# architecture, busybox-static and gojq of the versions the host has
# installed (so that the host's `busybox --list-full` names the same
# applets), downloaded through the private apt state (vm_apt_setup first)
# and unpacked into CACHE/ARCH/userland (bin/busybox, usr/bin/gojq;
# `.package` lists what was unpacked).  Nothing is done when that userland
# is there already.  The caller holds the lock on VM_APT/lock.
vm_fetch_userland() {
	local cache=$1 arch=$2 u=$1/$2/userland want='' p v d deb
	for p in busybox-static gojq; do
		v=$(dpkg-query -W -f '${Version}' "$p" 2>/dev/null) || v=''
		[ -n "$v" ] || { vm_log "$p is not installed on the host (apt-get install $p)"; return 1; }
		want="$want $p:$arch=$v"
	done
	want=${want# }
	if [ -e "$u/.complete" ] && [ "$(cat "$u/.package")" = "$want" ]; then
		return 0
	fi
	d=$(mktemp -d "$cache/.userland.XXXXXX")
	chmod 0755 "$d"
	for p in $want; do
		if ! (cd "$d" && apt-get "${VM_APT_OPTS[@]}" download -q "$p" >&2 2>&1); then
			vm_log "apt-get download $p failed"
			rm -rf "$d"
			return 1
		fi
	done
	rm -rf "$u"
	mkdir -p "$u"
	for deb in "$d"/*.deb; do
		dpkg -x "$deb" "$u"
	done
	rm -rf "$d"
	if [ ! -x "$u/bin/busybox" ] || [ ! -x "$u/usr/bin/gojq" ]; then
		vm_log "$want hold no bin/busybox and usr/bin/gojq"
		return 1
	fi
	printf '%s\n' "$want" >"$u/.package"
	touch "$u/.complete"
	vm_log "guest userland ($want) unpacked in $u"
}

# vm_guest_userland CACHE ARCH: vm_fetch_userland under the apt state's
# lock; an older userland in the cache does when none can be had.  Returns 1
# (and says so) when there is none.
vm_guest_userland() {
	local rc=0
	exec 9>"$VM_APT/lock"
	flock 9
	vm_fetch_userland "$1" "$2" || [ -e "$1/$2/userland/.complete" ] || rc=1
	flock -u 9
	[ "$rc" = 0 ] || vm_log "no $2 busybox and gojq for the guest"
	return "$rc"
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
	local disks
	mapfile -t disks < <(vm_disks "$out" "$tag" "$(vm_config_arch "$name")")
	: >"$out/$tag.console"
	: >"$out/$tag.tap"
	: >"$out/$tag.capture"
	if [ "$(vm_config_arch "$name")" = arm64 ]; then
		append="${VM_APPEND:+$VM_APPEND }${extra:+$extra }dmainspect.config=$name dmainspect.ports=virtio console=ttyAMA0 panic=-1"
		cmd=(qemu-system-aarch64 -accel tcg -nographic -no-reboot -nic none -monitor none
			"${VM_MACHINE[@]}" "${VM_DEVICES_ARM64[@]}" "${disks[@]}")
		if [ -n "$VM_DTB_EDIT" ]; then
			rm -f "$out/$tag.dtb"
			if ! vm_edit_dtb "$out/$tag.dtb" "$VM_DTB_EDIT" "${VM_MACHINE[@]}"; then
				echo "vm_boot: cannot make the device tree $out/$tag.dtb ($VM_DTB_EDIT)" >"$out/$tag.qemu"
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
			"${VM_MACHINE[@]}" "${VM_DEVICES[@]}" "${disks[@]}"
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

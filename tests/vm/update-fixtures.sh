#!/bin/bash
# Regenerate the fixture sysroots under tests/fixtures/: for each kernel
# series (default: every x86 series of the real-kernel suite and
# restricted-arm64, or those given as arguments: 6.1 6.12 newest
# restricted-arm64), boots the series' capture configurations with
# dmainspect.capture=1 (the guest runs guest/capture.sh and sends the tree
# over its third serial port, or on arm64 its virtio-serial port
# dmainspect.capture), and captures this host into host-noiommu/ when no
# series was named.
#   x86 series (Debian's kernels, fetch-kernel.sh): intel-lazy, intel-pt,
#     noiommu-force and amd into tests/fixtures/q35-*-LABEL (LABEL is the
#     kernel's major.minor: 6.1, 6.12, 7.2), each with an expected/list.tsv
#     written from its own sysfs files by tests/fixtures/expected-list.sh.
#   restricted-arm64 (the arm64 kernel with CONFIG_DMA_RESTRICTED_POOL that
#     build-kernel.sh builds from Debian's linux-source-6.12, 10 to 20
#     minutes the first time): arm-restricted and arm-restricted-nosmmu into
#     tests/fixtures/virt-restricted-smmu-LABEL and
#     virt-restricted-nosmmu-LABEL, each with expected/restricted.tsv and
#     expected/pools.tsv written from its captured kernel log, device tree
#     and debugfs files by tests/fixtures/expected-restricted.sh.
#     make update-fixtures SERIES=restricted-arm64 does only these.
# Each fixture gets a SOURCE file (kernel, QEMU and kernel command lines,
# date).  Env: DMAINSPECT (optional, any dynamically linked binary will do
# since the guest does not run it), DMAINSPECT_ARM64 (the same for the arm64
# guests; default ARM64/src/dmainspect beside DMAINSPECT's build tree, where
# make check cross-builds it, else the arm64 busybox fetch-kernel.sh
# unpacks), DMAINSPECT_VM_CACHE, DMAINSPECT_VM_TIMEOUT.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
fixtures=$top/tests/fixtures
# shellcheck source=tests/vm/common.sh
. "$here/common.sh"

limit=${DMAINSPECT_VM_TIMEOUT:-150}
DMAINSPECT=${DMAINSPECT:-$(type -P true)}
export DMAINSPECT
# The x86 series of the suite (arm64 guests of Debian's kernels have no
# fixtures yet), and the restricted DMA pool kernel.
series=${*:-$(for s in $VM_KERNELS_ALL; do [ "$(vm_series_arch "$s")" = amd64 ] && echo "$s"; done) restricted-arm64}

work=$(mktemp -d "${TMPDIR:-/tmp}/dmainspect-fixtures.XXXXXX")
trap 'rm -rf "$work"' EXIT

# configuration:fixture directory (without the kernel label)
pairs="intel-lazy:q35-iommu-lazy intel-pt:q35-iommu-pt noiommu-force:q35-noiommu-swiotlb-force amd:q35-amd-iommu"
restricted_pairs="arm-restricted:virt-restricted-smmu arm-restricted-nosmmu:virt-restricted-nosmmu"

# The arm64 binary mkinitramfs.sh copies into the arm64 guests (they do not
# run it): DMAINSPECT_ARM64, the cross build beside DMAINSPECT's build tree,
# or the guest's own busybox.
arm64_binary() {
	local b=${DMAINSPECT_ARM64:-$(cd "$(dirname "$DMAINSPECT")/.." && pwd)/arm64/src/dmainspect}
	[ -f "$b" ] || b=$(dirname "$1")/userland/bin/busybox
	printf '%s\n' "$b"
}

status=0
# Per guest: KEY (the kernel's key in kroots and the initrd's name),
# configuration and fixture directory, as KEY/CONFIG:FIXTURE.
declare -A kroots=()
guests=''
for s in $series; do
	case $s in
	restricted-arm64)
		if ! kroot=$("$here/build-kernel.sh"); then
			echo "update-fixtures: $s: build-kernel.sh failed; no restricted-pool fixtures" >&2
			status=1
			continue
		fi
		key=$s
		kroots[$key]=$kroot
		DMAINSPECT=$(arm64_binary "$kroot") DMAINSPECT_VM_HELPERS=' ' \
			"$here/mkinitramfs.sh" "$kroot" "$work/initrd-$key.gz"
		# The fixtures are named by the kernel's major.minor (6.12).
		mm=$(vm_kernel_version "$kroot" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
		for p in $restricted_pairs; do
			guests="$guests $key/$p-$mm"
		done
		;;
	*)
		kroot=$("$here/fetch-kernel.sh" "$s")
		key=$(vm_kernel_label "$kroot")
		kroots[$key]=$kroot
		"$here/mkinitramfs.sh" "$kroot" "$work/initrd-$key.gz"
		for p in $pairs; do
			guests="$guests $key/$p-$key"
		done
		;;
	esac
done

for g in $guests; do
	key=${g%%/*} p=${g#*/}
	vm_boot "${p%%:*}" "$key-${p%%:*}" "$work" "$limit" "${kroots[$key]}/vmlinuz" \
		"$work/initrd-$key.gz" dmainspect.capture=1 &
	while [ "$(jobs -rp | wc -l)" -ge 2 ]; do
		wait -n || true
	done
done
wait

# Empty directories carry an empty .gitkeep, or git would drop them (an empty
# debugfs swiotlb/ means "no pool", a missing one "no debugfs").
keep_empty_dirs() {
	find "$1" -type d -empty -exec touch '{}/.gitkeep' \;
}

for g in $guests; do
	key=${g%%/*} p=${g#*/}
	config=${p%%:*}
	c=$key-$config
	kroot=${kroots[$key]}
	kver=$(vm_kernel_version "$kroot")
	out=$fixtures/${p#*:}
	if ! tr -d '\r' <"$work/$c.capture" |
		sed -n '/^@@dmainspect-capture begin/,/^@@dmainspect-capture end/p' |
		sed '1d;$d' >"$work/$c.b64" || [ ! -s "$work/$c.b64" ]; then
		echo "update-fixtures: $c: no capture (qemu status $(cat "$work/$c.rc")); console tail:" >&2
		tr -d '\r' <"$work/$c.console" | tail -n 20 >&2
		status=1
		continue
	fi
	rm -rf "$out"
	mkdir -p "$out"
	base64 -d "$work/$c.b64" | tar -xzf - -C "$out" --no-same-owner
	keep_empty_dirs "$out"
	qemu_cmd=$(sed -e "s|$work/|/tmp/|g" -e "s|$kroot/|/|g" "$work/$c.cmdline")
	mkdir -p "$out/expected"
	if [ "$(vm_config_arch "$config")" = arm64 ]; then
		vm_config "$config"
		first=$(fdtget -l "$work/$c.dtb" / | grep '^virtio_mmio@' | sort | head -n 1)
		cat >"$out/SOURCE" <<EOS
Captured by tests/vm/update-fixtures.sh (tests/vm/guest/capture.sh in a QEMU guest).
Kernel: $kver, built by tests/vm/build-kernel.sh from Debian's $(sed 's/ + .*//' "$kroot/.package") with tests/vm/kernel-restricted.config (make ARCH=arm64 allnoconfig KCONFIG_ALLCONFIG=, everything built in, no modules)
QEMU: $(qemu-system-aarch64 --version | head -n 1)
QEMU command line: $qemu_cmd
Device tree (-dtb): QEMU's own for $(printf '%s ' "${VM_MACHINE[@]}" | sed 's/ $//') (dumpdtb), edited by tests/vm/common.sh's vm_dtb_${VM_DTB_EDIT//-/_} (VM_DTB_EDIT=$VM_DTB_EDIT): a /reserved-memory node (#address-cells 2, #size-cells 2, empty ranges) with $VM_RESTRICTED_POOL (compatible "restricted-dma-pool", reg <0 0x70000000 0 0x400000>, phandle 0x7000), and memory-region = <0x7000> on /pcie@10000000 and /$first.
Kernel command line: $(cat "$out/proc/cmdline")
Capture date: $(date -u +%Y-%m-%dT%H:%M:%SZ)
Empty directories hold an empty .gitkeep so that git keeps them.
expected/restricted.tsv and expected/pools.tsv were written from the captured kernel log (dev/kmsg), device tree (sys/firmware/devicetree) and debugfs files by tests/fixtures/expected-restricted.sh, not from dmainspect's output.
There is no expected/list.tsv: tests/fixtures/expected-list.sh writes "-" for the device-tree columns and lists no platform device, which is wrong for a device-tree guest.
EOS
		if ! bash "$fixtures/expected-restricted.sh" "$out"; then
			echo "update-fixtures: $c: expected-restricted.sh failed" >&2
			status=1
		fi
	else
		cat >"$out/SOURCE" <<EOS
Captured by tests/vm/update-fixtures.sh (tests/vm/guest/capture.sh in a QEMU guest).
Kernel: $kver (Debian package $(cat "$kroot/.package"))
QEMU: $(qemu-system-x86_64 --version | head -n 1)
QEMU command line: $qemu_cmd
Kernel command line: $(cat "$out/proc/cmdline")
Capture date: $(date -u +%Y-%m-%dT%H:%M:%SZ)
Empty directories hold an empty .gitkeep so that git keeps them.
expected/list.tsv was written from the captured sysfs files by tests/fixtures/expected-list.sh.
EOS
		bash "$fixtures/expected-list.sh" "$out" >"$out/expected/list.tsv"
	fi
	echo "update-fixtures: $out ($(find "$out" -type f -printf "%s\n" | awk "{ s += \$1 } END { print s }") bytes in files)" >&2
done

# This host, as it is (no IOMMU), only when every series was asked for; what
# a non-root or absent file is, is skipped.  Its expected/ was written by
# hand for the host it was captured on: it is kept, to be checked again.
[ $# -eq 0 ] || exit "$status"
out=$fixtures/host-noiommu
rm -rf "$work/host-expected"
[ -d "$out/expected" ] && mv "$out/expected" "$work/host-expected"
rm -rf "$out"
mkdir -p "$out"
[ -d "$work/host-expected" ] && mv "$work/host-expected" "$out/expected"
sh "$here/guest/capture.sh" "$out"
keep_empty_dirs "$out"
# A host's command line and log describe the machine it runs on, not its DMA:
# keep only the words and lines dmainspect reads.
relevant='Linux version|iommu|DMAR|AMD-Vi|swiotlb|software IO TLB|PCI-DMA|[Ee]ncrypt|SEV|TDX|smmu|SMMU|DMA'
tr ' ' '\n' </proc/cmdline | grep -E '^(iommu|intel_iommu|amd_iommu|swiotlb|mem_encrypt|vmwgfx|amdgpu|radeon|nouveau)[.=]' |
	paste -sd ' ' >"$out/proc/cmdline" || : >"$out/proc/cmdline"
if [ -f "$out/dev/kmsg" ]; then
	# The boot banner stays (it shows the log reaches back to boot), less its build host.
	grep -E "$relevant" "$out/dev/kmsg" | grep -v 'ommand line: ' |
		sed -E 's/(Linux version [^ ]+ )\([^)]*\)/\1(redacted)/' >"$out/dev/kmsg.relevant" || true
	mv "$out/dev/kmsg.relevant" "$out/dev/kmsg"
fi
cat >"$out/SOURCE" <<EOS
Captured by tests/vm/update-fixtures.sh (tests/vm/guest/capture.sh run on the host, as root).
Kernel: $(uname -r)
QEMU command line: none (not a QEMU guest of the suite; the host machine itself)
Kernel command line and log: reduced to the DMA-related words and lines
(proc/cmdline, dev/kmsg); the rest describes the host, not its DMA.
Capture date: $(date -u +%Y-%m-%dT%H:%M:%SZ)
Empty directories hold an empty .gitkeep so that git keeps them.
EOS
echo "update-fixtures: $out ($(find "$out" -type f -printf "%s\n" | awk "{ s += \$1 } END { print s }") bytes in files); check its expected/ by hand" >&2
exit "$status"

#!/bin/bash
# Regenerate the fixture sysroots under tests/fixtures/: for each kernel
# series (default: every series of the real-kernel suite, or those given as
# arguments: 6.1 6.12 newest), boots the intel-lazy, intel-pt, noiommu-force
# and amd configurations with dmainspect.capture=1 (the guest runs
# guest/capture.sh and sends the tree over its third serial port) into
# tests/fixtures/q35-*-LABEL (LABEL is the kernel's major.minor: 6.1, 6.12,
# 7.2), and captures this host into host-noiommu/.  Each fixture gets a
# SOURCE file (kernel, QEMU and kernel command lines, date) and an
# expected/list.tsv written from its own sysfs files by
# tests/fixtures/expected-list.sh.  Env: DMAINSPECT (optional, any
# dynamically linked binary will do since the guest does not run it),
# DMAINSPECT_VM_CACHE, DMAINSPECT_VM_TIMEOUT.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
fixtures=$top/tests/fixtures
# shellcheck source=tests/vm/common.sh
. "$here/common.sh"

limit=${DMAINSPECT_VM_TIMEOUT:-150}
DMAINSPECT=${DMAINSPECT:-$(type -P true)}
export DMAINSPECT
# The x86 series only: arm64 guests have no fixtures yet.
series=${*:-$(for s in $VM_KERNELS_ALL; do [ "$(vm_series_arch "$s")" = amd64 ] && echo "$s"; done)}

work=$(mktemp -d "${TMPDIR:-/tmp}/dmainspect-fixtures.XXXXXX")
trap 'rm -rf "$work"' EXIT

# configuration:fixture directory (without the kernel label)
pairs="intel-lazy:q35-iommu-lazy intel-pt:q35-iommu-pt noiommu-force:q35-noiommu-swiotlb-force amd:q35-amd-iommu"

declare -A kroots=()
guests=''
for s in $series; do
	kroot=$("$here/fetch-kernel.sh" "$s")
	label=$(vm_kernel_label "$kroot")
	kroots[$label]=$kroot
	"$here/mkinitramfs.sh" "$kroot" "$work/initrd-$label.gz"
	for p in $pairs; do
		guests="$guests $label/$p"
	done
done

for g in $guests; do
	label=${g%%/*} p=${g#*/}
	vm_boot "${p%%:*}" "$label-${p%%:*}" "$work" "$limit" "${kroots[$label]}/vmlinuz" \
		"$work/initrd-$label.gz" dmainspect.capture=1 &
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

status=0
for g in $guests; do
	label=${g%%/*} p=${g#*/}
	c=$label-${p%%:*}
	kroot=${kroots[$label]}
	kver=$(vm_kernel_version "$kroot")
	out=$fixtures/${p#*:}-$label
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
	mkdir -p "$out/expected"
	bash "$fixtures/expected-list.sh" "$out" >"$out/expected/list.tsv"
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

#!/bin/bash
# Fetch one Debian kernel series for the real-kernel test suite and unpack it
# into a cache directory (default tests/vm/cache/, or $DMAINSPECT_VM_CACHE).
#
# Usage: fetch-kernel.sh SERIES [ARCH]
#   SERIES  6.1 (bookworm), 6.12 (trixie, bookworm-backports) or newest
#           (unstable); the newest version of the series is taken.
#   ARCH    amd64 (default) or arm64.
#
# The kernel is resolved in a private apt state under the cache (its own
# sources list, lists and status file; the mirror is the one the host's apt
# uses for Debian, or $DMAINSPECT_VM_MIRROR), so the host's apt is never
# changed and whatever suites the host sees never change what is tested.
# Both package layouts are handled: a single linux-image-ABI with
# boot/vmlinuz-VER and lib/modules/VER, and the split one (linux-image-ABI
# depending on linux-binary-ABI, linux-modules-ABI and linux-base-ABI) with
# usr/lib/modules/VER/vmlinuz.  A rerun with the kernel cached downloads
# nothing; when the archive cannot be reached, the newest cached kernel of the
# series is used.
#
# For an architecture other than the host's (arm64 on x86), the guest's own
# userland comes from the same private apt state: busybox-static and gojq of
# the versions the host has installed (so that the host's `busybox
# --list-full` names the same applets), unpacked into CACHE/ARCH/userland
# (bin/busybox, usr/bin/gojq; `.package` lists what was unpacked), which
# mkinitramfs.sh takes for a kernel of that architecture.
#
# Prints the unpacked root on stdout.  The root holds `vmlinuz` (a link to
# the kernel image), lib/modules/VER (a link where the package put it under
# usr/), `.package` ("PACKAGE VERSION") and `.series`.  Diagnostics go to
# stderr.  Exit status 0 on success, 1 when no kernel could be had, 2 on a
# usage error.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${DMAINSPECT_VM_CACHE:-$here/cache}

# shellcheck source=tests/vm/common.sh
. "$here/common.sh"
VM_LOG_TAG='fetch-kernel'
log() { vm_log "$@"; }

series=${1:-}
arch=${2:-amd64}
case $series in
6.1) suites="bookworm" ;;
6.12) suites="trixie bookworm-backports" ;;
newest) suites="unstable" ;;
*) log "usage: $0 6.1|6.12|newest [amd64|arm64]"; exit 2 ;;
esac
case $arch in
amd64 | arm64) ;;
*) log "unknown architecture '$arch' (amd64 or arm64)"; exit 2 ;;
esac

# Versions of the series' kernels, as "VERSION" lines sorted oldest first.
series_filter() {
	case $series in
	6.1) grep -E '^6\.1\.' ;;
	6.12) grep -E '^6\.12\.' ;;
	*) cat ;;
	esac
}

# The newest complete kernel of this series and architecture in the cache.
cached_root() {
	local stamp root best='' bestv=''
	for stamp in "$cache/$arch"/*/.complete; do
		[ -e "$stamp" ] || continue
		root=$(dirname "$stamp")
		[ "$(cat "$root/.series" 2>/dev/null)" = "$series" ] || continue
		v=$(awk '{ print $2 }' "$root/.package")
		if [ -z "$bestv" ] || dpkg --compare-versions "$v" gt "$bestv"; then
			best=$root bestv=$v
		fi
	done
	printf '%s\n' "$best"
}

use_cached() {
	vm_fall_back "$(cached_root)" "cached kernel" "$@"
}

mkdir -p "$cache/$arch" 2>/dev/null || true
[ -w "$cache/$arch" ] || use_cached "cache directory $cache/$arch is not writable"

vm_apt_setup "$cache"
apt_opts=("${VM_APT_OPTS[@]}")

# The guest userland for a foreign architecture (see the top of this file).
if [ "$arch" != "$(dpkg --print-architecture)" ]; then
	vm_guest_userland "$cache" "$arch" || exit 1
fi

# Newest version of the linux-image-ARCH metapackage in the series' suites.
pkgver=$(apt-cache "${apt_opts[@]}" madison "linux-image-$arch:$arch" 2>/dev/null |
	awk -F' *[|] *' -v suites=" $suites " '{
		split($3, w, " "); split(w[2], s, "/")
		if (index(suites, " " s[1] " ")) print $2 }' | series_filter | sort -V | tail -n 1)
[ -n "$pkgver" ] || use_cached "no linux-image-$arch of series $series in $suites at $mirror"

# The ABI package the metapackage names (linux-image-6.1.0-50-amd64,
# linux-image-7.2.13+deb14-amd64), then every package it depends on that
# carries the same ABI name (the split layout's binary, modules and base).
abi=$(apt-cache "${apt_opts[@]}" depends "linux-image-$arch:$arch=$pkgver" 2>/dev/null |
	sed -n "s/^ *|\{0,1\}Depends: linux-image-\([0-9][^ :]*-$arch\)\(:$arch\)\{0,1\}\$/\1/p" | head -n 1)
[ -n "$abi" ] || use_cached "cannot tell which kernel linux-image-$arch $pkgver depends on"
pkgs="linux-image-$abi"
todo=$pkgs
while [ -n "$todo" ]; do
	next=''
	for p in $todo; do
		for d in $(apt-cache "${apt_opts[@]}" depends "$p:$arch" 2>/dev/null |
			sed -n "s/^ *|\{0,1\}Depends: \(linux-[a-z]*-$abi\)\(:$arch\)\{0,1\}\$/\1/p"); do
			case " $pkgs " in *" $d "*) continue ;; esac
			pkgs="$pkgs $d" next="$next $d"
		done
	done
	todo=$next
done

root=$cache/$arch/$abi
if [ -e "$root/.complete" ] && [ "$(cat "$root/.package")" = "linux-image-$abi $pkgver" ]; then
	printf '%s\n' "$root"
	exit 0
fi

dl=$(mktemp -d "$cache/.download.XXXXXX")
trap 'rm -rf "$dl"' EXIT
chmod 0755 "$dl"
log "downloading $pkgs ($arch, $pkgver)"
for p in $pkgs; do
	if ! (cd "$dl" && apt-get "${apt_opts[@]}" download -q "$p:$arch" >&2 2>&1); then
		use_cached "apt-get download $p:$arch failed"
	fi
done

rm -rf "$root"
mkdir -p "$root"
for deb in "$dl"/*.deb; do
	dpkg -x "$deb" "$root"
done
# Modules under usr/lib/modules: lib/ points there, so that depmod -b and
# modprobe -d (which look in lib/modules) find them.
if [ ! -d "$root/lib/modules" ] && [ -d "$root/usr/lib/modules" ]; then
	rm -rf "${root:?}/lib"
	ln -s usr/lib "$root/lib"
fi
kver=$(find "$root/lib/modules/" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -V | tail -n 1)
image=''
for f in "boot/vmlinuz-$kver" "lib/modules/$kver/vmlinuz"; do
	[ -f "$root/$f" ] && image=$f && break
done
if [ -z "$kver" ] || [ -z "$image" ]; then
	log "linux-image-$abi $pkgver holds no kernel image and modules directory"
	rm -rf "$root"
	use_cached "unusable packages"
fi
# QEMU's -kernel boots an arm64 kernel only as a plain Image (magic "ARMd"
# at offset 56), not as a compressed or EFI zboot file.
if [ "$arch" = arm64 ] && [ "$(dd if="$root/$image" bs=1 skip=56 count=4 2>/dev/null)" != ARMd ]; then
	log "linux-image-$abi $pkgver: $image is not an arm64 Image (no ARMd magic at offset 56)"
	rm -rf "$root"
	use_cached "unbootable kernel image"
fi
ln -s "$image" "$root/vmlinuz"
depmod -b "$root" "$kver"
printf '%s\n' "$series" >"$root/.series"
printf 'linux-image-%s %s\n' "$abi" "$pkgver" >"$root/.package"
touch "$root/.complete"
log "kernel $kver ($pkgver) unpacked in $root"
printf '%s\n' "$root"

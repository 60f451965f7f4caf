#!/bin/bash
# Build the arm64 kernel with CONFIG_DMA_RESTRICTED_POOL (which Debian's
# kernels lack) for the restricted-dma-pool fixtures of update-fixtures.sh,
# and unpack it like fetch-kernel.sh unpacks Debian's kernels.  Never run by
# make check: the build takes 10 to 20 minutes on two cores.
#
# Usage: build-kernel.sh
#
# Debian's linux-source-6.12 (trixie; the newest version there) is fetched
# through fetch-kernel.sh's private apt state (common.sh's vm_apt_setup, so
# the host's apt is never changed) into CACHE/src/ (default cache
# tests/vm/cache/, or $DMAINSPECT_VM_CACHE) and unpacked there.  The kernel
# is configured with `make allnoconfig KCONFIG_ALLCONFIG=
# tests/vm/kernel-restricted.config` (every symbol the fragment sets must
# come out of it unchanged, or the build stops), cross-built with
# aarch64-linux-gnu- in CACHE/build/restricted-arm64/ (log beside it,
# restricted-arm64.log), and installed in CACHE/arm64/restricted-arm64: a
# `vmlinuz` link to boot/vmlinuz-RELEASE (the uncompressed Image QEMU's
# -kernel boots), boot/config-RELEASE, boot/System.map-RELEASE,
# lib/modules/RELEASE/ with the built-in modules' lists and depmod's indexes
# (there are no loadable modules), `.package` ("linux-source-6.12 VERSION +
# tests/vm/kernel-restricted.config"), `.series` (restricted-arm64) and
# `.stamp`.  The arm64 guest userland (busybox, gojq) is unpacked beside it
# as fetch-kernel.sh does.  RELEASE (uname -r) is VERSION-restricted-arm64.
#
# The kernel is rebuilt only when the source version or the fragment changed
# (.stamp holds both).  When the archive cannot be reached, the kernel
# already built is used.  Prints the kernel's root on stdout; diagnostics go
# to stderr.  Exit status 0 on success, 1 when no kernel could be had.
#
# Env: DMAINSPECT_VM_CACHE, DMAINSPECT_VM_MIRROR (see fetch-kernel.sh),
#      DMAINSPECT_VM_BUILD_JOBS (make -j, default: the number of CPUs).
# Host packages: gcc-aarch64-linux-gnu, make, gcc, flex, bison, bc, perl,
# xz-utils, kmod (depmod), busybox-static and gojq (the guest userland's
# versions).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${DMAINSPECT_VM_CACHE:-$here/cache}
# shellcheck source=tests/vm/common.sh
. "$here/common.sh"
VM_LOG_TAG='build-kernel'

[ $# -eq 0 ] || { vm_log "usage: $0"; exit 2; }

pkg=linux-source-6.12
suite=trixie
series=restricted-arm64
fragment=$here/kernel-restricted.config
fragment_name=tests/vm/kernel-restricted.config
root=$cache/arm64/$series
build=$cache/build/$series
buildlog=$cache/build/$series.log
jobs=${DMAINSPECT_VM_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}
kmake=(make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- LOCALVERSION=
	KBUILD_BUILD_USER=dmainspect KBUILD_BUILD_HOST=build-kernel)

# The kernel built before, when there is one; else give up.
use_built() {
	vm_fall_back "$([ -e "$root/.complete" ] && echo "$root")" "the kernel built before" "$@"
}

for tool in make gcc aarch64-linux-gnu-gcc flex bison bc perl xz dpkg-deb depmod flock; do
	command -v "$tool" >/dev/null 2>&1 ||
		use_built "$tool is not installed (apt-get install gcc-aarch64-linux-gnu make gcc flex bison bc perl xz-utils kmod)"
done
[ -f "$fragment" ] || { vm_log "no $fragment"; exit 1; }

mkdir -p "$cache/arm64" "$cache/src" "$cache/build" 2>/dev/null || true
for d in arm64 src build; do
	[ -w "$cache/$d" ] || use_built "cache directory $cache/$d is not writable"
done
chmod 0755 "$cache/src" 2>/dev/null || true

# One build at a time.
exec 8>"$cache/build/$series.lock"
flock 8

vm_apt_setup "$cache"
vm_guest_userland "$cache" arm64 || exit 1

# The newest linux-source-6.12 in trixie.
version=$(apt-cache "${VM_APT_OPTS[@]}" madison "$pkg" 2>/dev/null |
	awk -F' *[|] *' -v suite="$suite" '{
		split($3, w, " "); split(w[2], s, "/")
		if (s[1] == suite) print $2 }' | sort -uV | tail -n 1)
[ -n "$version" ] || use_built "no $pkg in $suite"

stamp=$(printf '%s %s\nfragment sha256 %s\n' "$pkg" "$version" "$(sha256sum <"$fragment" | cut -d' ' -f1)")
if [ -e "$root/.complete" ] && [ "$(cat "$root/.stamp" 2>/dev/null)" = "$stamp" ]; then
	printf '%s\n' "$root"
	exit 0
fi

# The source tree: CACHE/src/linux-source-6.12_VERSION, from the tarball in
# the package (usr/src/linux-source-6.12.tar.xz).
src=$cache/src/${pkg}_$version
if [ ! -e "$src/.unpacked" ]; then
	deb=$cache/src/${pkg}_${version}_all.deb
	if [ ! -f "$deb" ]; then
		vm_log "downloading $pkg $version"
		dl=$(mktemp -d "$cache/src/.download.XXXXXX")
		chmod 0755 "$dl"
		if ! (cd "$dl" && apt-get "${VM_APT_OPTS[@]}" download -q "$pkg=$version" >&2 2>&1); then
			rm -rf "$dl"
			use_built "apt-get download $pkg=$version failed"
		fi
		mv "$dl"/*.deb "$deb"
		rm -rf "$dl"
	fi
	vm_log "unpacking $pkg $version in $src"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	if ! dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "./usr/src/$pkg.tar.xz" | xz -T0 -dc |
		tar -xf - -C "$src.tmp" || [ ! -f "$src.tmp/$pkg/Makefile" ]; then
		rm -rf "$src.tmp"
		use_built "cannot unpack usr/src/$pkg.tar.xz from $deb"
	fi
	mv "$src.tmp/$pkg" "$src"
	rmdir "$src.tmp"
	touch "$src/.unpacked"
	rm -f "$deb"
	# Older versions' trees.
	for old in "$cache/src/${pkg}"_*; do
		[ "$old" = "$src" ] || rm -rf "$old"
	done
fi

# A build directory made from another source tree starts over.
if [ "$(cat "$build/.source" 2>/dev/null)" != "$pkg $version" ]; then
	rm -rf "$build"
fi
mkdir -p "$build"
printf '%s %s\n' "$pkg" "$version" >"$build/.source"

vm_log "building $pkg $version with $fragment_name in $build (log: $buildlog)"
t0=$(date +%s)
: >"$buildlog"
if ! (cd "$src" && "${kmake[@]}" O="$build" KCONFIG_ALLCONFIG="$fragment" allnoconfig) >>"$buildlog" 2>&1; then
	tail -n 20 "$buildlog" | sed 's/^/build-kernel: make: /' >&2
	vm_log "make allnoconfig failed"
	exit 1
fi

# Every symbol the fragment sets, with the value it sets.
missing=''
while read -r line; do
	case $line in
	'# CONFIG_'*' is not set')
		sym=${line#\# }
		sym=${sym%% *}
		grep -q "^$sym=" "$build/.config" && missing="$missing
  $line (the .config has $(grep "^$sym=" "$build/.config"))"
		;;
	CONFIG_*=*)
		sym=${line%%=*}
		grep -qxF -- "$line" "$build/.config" || missing="$missing
  $line (the .config has $(grep -E "^($sym=|# $sym is not set)" "$build/.config" || echo nothing))"
		;;
	esac
done <"$fragment"
if [ -n "$missing" ]; then
	vm_log "the configuration lacks what $fragment_name asks for (a dependency is missing, or the symbol is gone):$missing"
	exit 1
fi

if ! (cd "$src" && nice "${kmake[@]}" O="$build" -j"$jobs" Image) >>"$buildlog" 2>&1; then
	tail -n 30 "$buildlog" | sed 's/^/build-kernel: make: /' >&2
	vm_log "make Image failed (whole log: $buildlog)"
	exit 1
fi
secs=$(($(date +%s) - t0))
echo "build-kernel: built in $secs s" >>"$buildlog"

krel=$(cat "$build/include/config/kernel.release")
case $krel in
*-arm64) ;;
*) vm_log "kernel release '$krel' does not end in -arm64"; exit 1 ;;
esac
image=$build/arch/arm64/boot/Image
# QEMU's -kernel boots an arm64 kernel only as a plain Image (magic "ARMd"
# at offset 56).
if [ "$(dd if="$image" bs=1 skip=56 count=4 2>/dev/null)" != ARMd ]; then
	vm_log "$image is not an arm64 Image (no ARMd magic at offset 56)"
	exit 1
fi

new=$root.new
rm -rf "$new"
mkdir -p "$new/boot" "$new/lib/modules/$krel"
cp "$image" "$new/boot/vmlinuz-$krel"
cp "$build/.config" "$new/boot/config-$krel"
cp "$build/System.map" "$new/boot/System.map-$krel"
ln -s "boot/vmlinuz-$krel" "$new/vmlinuz"
# No loadable modules: the built-in ones' lists, an empty modules.order, and
# depmod's indexes (empty modules.dep; modprobe --show-depends says
# "builtin" for the drivers built in).
for f in modules.builtin modules.builtin.modinfo; do
	[ -f "$build/$f" ] && cp "$build/$f" "$new/lib/modules/$krel/$f"
done
: >"$new/lib/modules/$krel/modules.order"
depmod -b "$new" "$krel"
printf '%s\n' "$series" >"$new/.series"
printf '%s %s + %s\n' "$pkg" "$version" "$fragment_name" >"$new/.package"
printf '%s\n' "$stamp" >"$new/.stamp"
touch "$new/.complete"
rm -rf "$root"
mv "$new" "$root"
vm_log "kernel $krel ($pkg $version + $fragment_name) built in ${secs}s, installed in $root"
printf '%s\n' "$root"

#!/bin/bash
# Build the initramfs (cpio, gzip) that the real-kernel test suite boots:
# busybox-static, the dmainspect binary named by $DMAINSPECT with its shared
# libraries, jq, the DRM/virtio kernel modules with their dependencies (none
# for a kernel without loadable modules, such as build-kernel.sh's, whose
# drivers must then be built in), the guest scripts from tests/vm/guest/ and
# tests/vm/init.sh as /init.
# Usage: mkinitramfs.sh KERNEL_ROOT OUTPUT.cpio.gz
#   KERNEL_ROOT is what fetch-kernel.sh printed (boot/ and lib/modules/VER).
# Env: DMAINSPECT (required), DMAINSPECT_DATADIR (optional, copied to
#   /usr/share/dmainspect in the guest).
# An arm64 kernel (release ending in -arm64) gets an arm64 guest: DMAINSPECT
# must then be an arm64 build, busybox and gojq come from the arm64 userland
# fetch-kernel.sh unpacked beside the kernel (CACHE/arm64/userland), and the
# shared libraries are found by walking the binaries' DT_NEEDED entries with
# aarch64-linux-gnu-readelf in the multiarch directories (the host's ldd
# cannot run an arm64 binary).
set -eu

here=$(cd "$(dirname "$0")" && pwd)

die() { printf 'mkinitramfs: %s\n' "$*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: $0 KERNEL_ROOT OUTPUT.cpio.gz"
kroot=$1
out=$2
: "${DMAINSPECT:?DMAINSPECT must name the dmainspect binary}"
[ -f "$DMAINSPECT" ] || die "DMAINSPECT=$DMAINSPECT does not exist"

kver=$(basename "$(find "$kroot/lib/modules" -mindepth 1 -maxdepth 1 -type d | sort -V | tail -n 1)")
[ -n "$kver" ] || die "no lib/modules/VERSION under $kroot"

case $kver in
*-arm64) arch=arm64 elf_machine=AArch64 ;;
*) arch=amd64 elf_machine=X86-64 ;;
esac

# The host's busybox names the applets (the arm64 one is the same version).
host_busybox=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"
busybox=$host_busybox
# The guest scripts run jq a few hundred times per guest: under TCG jq 1.6
# needs about 0.6 s to start (it compiles its builtins each time), gojq, a
# static binary, a twentieth of that.
gojq=$(command -v gojq) || die "gojq not found (apt-get install gojq)"
if [ "$arch" = arm64 ]; then
	userland=$(dirname "$kroot")/userland
	[ -e "$userland/.complete" ] ||
		die "no arm64 busybox and gojq in $userland (fetch-kernel.sh SERIES arm64 unpacks them)"
	busybox=$userland/bin/busybox
	gojq=$userland/usr/bin/gojq
	command -v aarch64-linux-gnu-readelf >/dev/null ||
		die "aarch64-linux-gnu-readelf not found (apt-get install binutils-aarch64-linux-gnu)"
fi

# A libtool wrapper script stands in front of the real binary in .libs/.
bin=$DMAINSPECT
if [ "$(head -c 4 "$bin" | od -An -c | tr -d ' ')" != '177ELF' ]; then
	lt=$(dirname "$bin")/.libs/$(basename "$bin")
	[ -f "$lt" ] || lt=$(dirname "$bin")/.libs/lt-$(basename "$bin")
	[ -f "$lt" ] || die "$bin is not an ELF binary"
	bin=$lt
fi
# The binary must be built for the kernel's architecture.
machine=$(LC_ALL=C readelf -h "$bin" 2>/dev/null | sed -n 's/^ *Machine: *//p')
case $machine in
*"$elf_machine"*) ;;
*) die "$bin is built for '${machine:-?}', not for the $arch kernel $kver" ;;
esac

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# mktemp made it 0700: the guest's / must be searchable by other users.
chmod 0755 "$stage"

# Merged-/usr layout, as on the host, so that ldd's paths work unchanged.
mkdir -p "$stage/usr/bin" "$stage/usr/sbin" "$stage/usr/lib" "$stage/usr/lib64" \
	"$stage/proc" "$stage/sys" "$stage/dev" "$stage/tmp" "$stage/run" "$stage/etc" "$stage/root"
for d in bin sbin lib lib64; do
	ln -s "usr/$d" "$stage/$d"
done

# Copy a file to the same absolute path in the image, resolving symlinks.
install_file() {
	mkdir -p "$stage$(dirname "$2")"
	cp -L "$1" "$stage$2"
}

# Copy a dynamically linked ELF and everything ldd says it loads.
install_elf() {
	install_file "$1" "$2"
	if [ "$arch" = arm64 ]; then
		install_elf_arm64 "$1"
		return
	fi
	ldd "$1" | awk '
		$2 == "=>" && $3 ~ /^\// { print $3; next }
		$1 ~ /^\// { print $1 }' |
	while read -r lib; do
		install_file "$lib" "$lib"
	done
}

# arm64: the dynamic loader and, transitively, every DT_NEEDED library,
# looked up in the multiarch directories of the :arm64 packages.
arm64_libdirs="/usr/lib/aarch64-linux-gnu /lib/aarch64-linux-gnu"
install_elf_arm64() {
	local todo=$1 next f lib d found
	[ -e "$stage/lib/ld-linux-aarch64.so.1" ] ||
		install_file /lib/ld-linux-aarch64.so.1 /lib/ld-linux-aarch64.so.1
	while [ -n "$todo" ]; do
		next=''
		for f in $todo; do
			for lib in $(LC_ALL=C aarch64-linux-gnu-readelf -d "$f" |
				sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
				found=''
				for d in $arm64_libdirs; do
					[ -e "$d/$lib" ] && found=$d/$lib && break
				done
				[ -n "$found" ] || die "$f needs $lib, which is in none of $arm64_libdirs (install its :arm64 package)"
				[ -e "$stage/usr/lib/aarch64-linux-gnu/$lib" ] && continue
				install_file "$found" "/usr/lib/aarch64-linux-gnu/$lib"
				next="$next $found"
			done
		done
		todo=$next
	done
}

install_file "$busybox" /usr/bin/busybox
"$host_busybox" --list-full | while read -r applet; do
	case $applet in
	*/busybox) continue ;;
	esac
	[ -e "$stage/$applet" ] || [ -L "$stage/$applet" ] || ln -s /usr/bin/busybox "$stage/$applet"
done

install_elf "$bin" /usr/bin/dmainspect
install_file "$gojq" /usr/bin/gojq
# jq for the guest scripts: gojq always prints object keys sorted, which is
# what jq's -S asks for, and gojq has no such option.  Only -S before the
# filter is dropped.
cat >"$stage/usr/bin/jq" <<'EOF'
#!/bin/sh
n=$# opts=1
while [ "$n" -gt 0 ]; do
	a=$1
	shift
	n=$((n - 1))
	case $a in
	-S) [ "$opts" = 1 ] && continue ;;
	-*) ;;
	*) opts=0 ;;
	esac
	set -- "$@" "$a"
done
exec gojq "$@"
EOF
chmod 0755 "$stage/usr/bin/jq"
# Test helpers built beside dmainspect by make check (tests/vm/*.c), or the
# binaries named by DMAINSPECT_VM_HELPERS.
for h in ${DMAINSPECT_VM_HELPERS:-$(dirname "$DMAINSPECT")/../tests/vm/dmabuf-holder}; do
	[ -f "$h" ] && install_elf "$h" "/usr/bin/$(basename "$h")"
done
# The schema: guest tests compare JSON apart from the fields it marks 'live'.
mkdir -p "$stage/usr/share/dmainspect"
cp "$here/../../data/dmainspect.schema.json" "$stage/usr/share/dmainspect/"
if [ -n "${DMAINSPECT_DATADIR:-}" ] && [ -d "$DMAINSPECT_DATADIR" ]; then
	mkdir -p "$stage/usr/share/dmainspect"
	cp -R "$DMAINSPECT_DATADIR/." "$stage/usr/share/dmainspect/"
fi

# Kernel modules, in load order, without duplicates.  Module files keep
# their path; compressed ones are unpacked since busybox insmod may not
# read them.
# Modules in /etc/modules.extra are copied but left for the tests to load
# with their own options (vivid: t-dmabuf.sh).
modules="vgem vmwgfx bochs virtio_pci virtio_gpu ahci sd_mod virtio_blk"
# No vmware-svga on arm64 guests (vmwgfx oopses probing it there); their
# TAP stream goes through a virtio-serial port (built in on Debian's
# kernels, loaded where it is a module).
[ "$arch" = arm64 ] && modules="vgem bochs virtio_pci virtio_gpu virtio_console ahci sd_mod virtio_blk"
moddir=/lib/modules/$kver
copy_modules() { # copy_modules "MODULES" LISTFILE
for m in $1; do
	modprobe -d "$kroot" -S "$kver" --show-depends "$m" ||
		die "modprobe --show-depends $m failed"
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r ko; do
	rel=${ko#"$kroot"}
	case $rel in
	*.ko.xz) dst=${rel%.xz}; mkdir -p "$stage$(dirname "$dst")"; xz -dc "$ko" >"$stage$dst" ;;
	*.ko.zst) dst=${rel%.zst}; mkdir -p "$stage$(dirname "$dst")"; zstd -qdc "$ko" >"$stage$dst" ;;
	*.ko.gz) dst=${rel%.gz}; mkdir -p "$stage$(dirname "$dst")"; gzip -dc "$ko" >"$stage$dst" ;;
	*) dst=$rel; install_file "$ko" "$dst" ;;
	esac
	echo "$dst" >>"$2"
done
}
: >"$stage/etc/modules.load"
: >"$stage/etc/modules.extra"
if [ -s "$kroot$moddir/modules.dep" ]; then
	copy_modules "$modules" "$stage/etc/modules.load"
	[ -s "$stage/etc/modules.load" ] || die "no modules found under $kroot$moddir"
	copy_modules vivid "$stage/etc/modules.extra"
else
	# A kernel without loadable modules (build-kernel.sh's: modules.dep is
	# empty): the drivers must be built in, and nothing is loaded.
	for m in $modules; do
		modprobe -d "$kroot" -S "$kver" --show-depends "$m" 2>/dev/null | grep -q '^builtin ' ||
			die "$kver has no loadable modules and $m is not built in (modules.builtin)"
	done
fi
# depmod's indexes, so that libkmod in the guest can map drivers to modules.
for f in "$kroot$moddir"/modules.*; do
	case ${f##*/} in
	modules.alias | modules.symbols) continue ;;
	esac
	install_file "$f" "$moddir/${f##*/}"
done

mkdir -p "$stage/tests"
cp "$here"/guest/*.sh "$stage/tests/"
install -m 0755 "$here/init.sh" "$stage/init"
printf '%s\n' "$kver" >"$stage/etc/kernel-version"
# Users for tests that drop root (su -s /bin/sh nobody -c ...).
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/sh' \
	>"$stage/etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$stage/etc/group"
chmod 1777 "$stage/tmp"

(cd "$stage" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"

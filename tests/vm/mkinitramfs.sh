#!/bin/bash
# Build the initramfs (cpio, gzip) that the real-kernel test suite boots:
# busybox-static, the dmainspect binary named by $DMAINSPECT with its shared
# libraries, jq, the DRM/virtio kernel modules with their dependencies, the
# guest scripts from tests/vm/guest/ and tests/vm/init.sh as /init.
# Usage: mkinitramfs.sh KERNEL_ROOT OUTPUT.cpio.gz
#   KERNEL_ROOT is what fetch-kernel.sh printed (boot/ and lib/modules/VER).
# Env: DMAINSPECT (required), DMAINSPECT_DATADIR (optional, copied to
#   /usr/share/dmainspect in the guest).
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

busybox=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"
# The guest scripts run jq a few hundred times per guest: under TCG jq 1.6
# needs about 0.6 s to start (it compiles its builtins each time), gojq, a
# static binary, a twentieth of that.
gojq=$(command -v gojq) || die "gojq not found (apt-get install gojq)"

# A libtool wrapper script stands in front of the real binary in .libs/.
bin=$DMAINSPECT
if [ "$(head -c 4 "$bin" | od -An -c | tr -d ' ')" != '177ELF' ]; then
	lt=$(dirname "$bin")/.libs/$(basename "$bin")
	[ -f "$lt" ] || lt=$(dirname "$bin")/.libs/lt-$(basename "$bin")
	[ -f "$lt" ] || die "$bin is not an ELF binary"
	bin=$lt
fi

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
	ldd "$1" | awk '
		$2 == "=>" && $3 ~ /^\// { print $3; next }
		$1 ~ /^\// { print $1 }' |
	while read -r lib; do
		install_file "$lib" "$lib"
	done
}

install_file "$busybox" /usr/bin/busybox
"$busybox" --list-full | while read -r applet; do
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
modules="vgem vmwgfx bochs virtio_pci virtio_gpu"
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
copy_modules "$modules" "$stage/etc/modules.load"
[ -s "$stage/etc/modules.load" ] || die "no modules found under $kroot$moddir"
: >"$stage/etc/modules.extra"
copy_modules vivid "$stage/etc/modules.extra"
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

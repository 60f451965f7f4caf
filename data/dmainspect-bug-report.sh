#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# dmainspect-bug-report.sh [--no-redact] [OUTPUT.tar.xz]
#
# Makes the one file to attach to a bug report about DMA, the IOMMU, SWIOTLB
# or dma-bufs: runs 'dmainspect report' and adds dmainspect-report/system.txt
# to its bundle: uname (without the host name, unless --no-redact), the
# distribution (/etc/os-release), the versions of dmainspect and of the
# packages it relies on (libdrm, systemd/udev, kmod, json-c, util-linux,
# xz), from dpkg or rpm. Run it as root for a complete report.
#
# The bundle still replays with 'dmainspect --sysroot OUTPUT.tar.xz COMMAND'.
# Appending needs a tar that can append (GNU tar, bsdtar); with one that
# cannot, system.txt is left beside the bundle as OUTPUT.system.txt.
#
# Environment: DMAINSPECT (the dmainspect binary; default: from PATH),
# TMPDIR (scratch space, removed at exit).
# Exit status: dmainspect's (0, or 3 when it left files out); 1 on usage
# errors; 2 when no bundle could be made.
set -eu

prog='dmainspect-bug-report.sh'
dmainspect=${DMAINSPECT:-dmainspect}
redact=1

die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--no-redact) redact=0 ;;
	-h | --help)
		sed -n '4,21s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	--) shift; break ;;
	-*) printf '%s: unknown option %s\n' "$prog" "$1" >&2; exit 1 ;;
	*) break ;;
	esac
	shift
done
[ $# -le 1 ] || { printf '%s: too many arguments\n' "$prog" >&2; exit 1; }
out=${1:-dmainspect-report-$(date +%Y%m%d-%H%M%S).tar.xz}

command -v "$dmainspect" >/dev/null 2>&1 || die "$dmainspect not found (install dmainspect)"
command -v xz >/dev/null 2>&1 || die "xz not found (install xz-utils)"

status=0
if [ "$redact" = 1 ]; then
	"$dmainspect" report -o "$out" >/dev/null || status=$?
else
	"$dmainspect" report --no-redact -o "$out" >/dev/null || status=$?
fi
case $status in
0 | 3) ;;
*) die "dmainspect report failed (exit status $status)" ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dmainspect-bug-report.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP

# The versions of the packages dmainspect uses, as the package manager knows them.
packages() {
	if command -v dpkg-query >/dev/null 2>&1; then
		dpkg-query -W -f '${Package} ${Version} ${Architecture}\n' dmainspect 'libdrm2' \
			'libudev1' udev systemd kmod 'libkmod2' 'libjson-c[0-9]*' 'libsmartcols1' \
			'liblzma5' 2>/dev/null | awk 'NF == 3' || true
	elif command -v rpm >/dev/null 2>&1; then
		rpm -q dmainspect libdrm systemd-udev systemd-libs kmod kmod-libs json-c \
			libsmartcols xz-libs 2>/dev/null | grep -v 'is not installed' || true
	else
		echo "(neither dpkg nor rpm found)"
	fi
}

mkdir "$tmp/dmainspect-report"
{
	echo "# Made by $prog on $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo
	echo "## dmainspect --version"
	"$dmainspect" --version 2>&1 || true
	echo
	if [ "$redact" = 1 ]; then
		echo "## uname -srvmo (the host name left out)"
		uname -srvmo 2>/dev/null || uname -srvm
	else
		echo "## uname -a"
		uname -a
	fi
	echo
	echo "## /etc/os-release"
	cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null ||
		echo "(no os-release)"
	echo
	echo "## packages"
	packages
} >"$tmp/dmainspect-report/system.txt"

# Append system.txt: decompress, append with tar, compress beside the bundle,
# rename over it.
dir=$(dirname -- "$out")
new=$dir/.$(basename -- "$out").$$
if xz -dc -- "$out" >"$tmp/bundle.tar" &&
	tar -rf "$tmp/bundle.tar" -C "$tmp" dmainspect-report/system.txt 2>"$tmp/tar.err" &&
	xz -c "$tmp/bundle.tar" >"$new" && mv -f -- "$new" "$out"; then
	printf '%s\n' "$out"
else
	rm -f -- "$new"
	side=${out%.tar.xz}.system.txt
	cp -- "$tmp/dmainspect-report/system.txt" "$side"
	printf '%s: could not add system.txt to the bundle (%s); attach %s too\n' "$prog" \
		"$(head -n 1 "$tmp/tar.err" 2>/dev/null)" "$side" >&2
	printf '%s\n%s\n' "$out" "$side"
fi
exit "$status"

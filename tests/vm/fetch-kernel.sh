#!/bin/bash
# Fetch the Debian kernel used by the real-kernel test suite and unpack it
# into a cache directory (default tests/vm/cache/, or $DMAINSPECT_VM_CACHE).
# The version is the one linux-image-amd64 currently depends on; when apt is
# unavailable, the newest kernel already in the cache is used.  A rerun with
# the kernel cached downloads nothing.
# Prints the unpacked root directory on stdout (it holds boot/vmlinuz-VER and
# lib/modules/VER); diagnostics go to stderr.  Exit status 0 on success,
# 1 when no kernel could be had.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${DMAINSPECT_VM_CACHE:-$here/cache}

log() { printf 'fetch-kernel: %s\n' "$*" >&2; }

# Version wanted by the linux-image-amd64 metapackage, e.g. 6.1.0-56-amd64.
resolve_version() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *|\{0,1\}Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' |
		head -n 1
}

# Newest complete kernel already unpacked in the cache.
cached_version() {
	[ -d "$cache" ] || return 0
	for stamp in "$cache"/*/.complete; do
		[ -e "$stamp" ] || continue
		basename "$(dirname "$stamp")"
	done | sort -V | tail -n 1
}

kver=$(resolve_version || true)
if [ -z "$kver" ]; then
	kver=$(cached_version)
	if [ -z "$kver" ]; then
		log "cannot resolve linux-image-amd64 with apt-cache and no kernel is cached in $cache"
		exit 1
	fi
	log "apt-cache gave no answer, using cached kernel $kver"
fi

root=$cache/$kver
if [ -e "$root/.complete" ]; then
	printf '%s\n' "$root"
	exit 0
fi

# The wanted kernel cannot be had: an older cached one will do.
fallback() {
	old=$(cached_version)
	if [ -n "$old" ]; then
		log "$*; using cached kernel $old instead of $kver"
		printf '%s\n' "$cache/$old"
		exit 0
	fi
	log "$*"
	exit 1
}

if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
	fallback "cache directory $cache is not writable"
fi

pkg=linux-image-$kver
dl=$(mktemp -d "$cache/.download.XXXXXX")
trap 'rm -rf "$dl"' EXIT
chmod 0755 "$dl"
log "downloading $pkg"
if ! (cd "$dl" && apt-get download -q "$pkg" >&2 2>&1); then
	fallback "apt-get download $pkg failed"
fi
deb=$(find "$dl" -maxdepth 1 -name '*.deb' | head -n 1)
if [ -z "$deb" ]; then
	fallback "apt-get download $pkg produced no .deb"
fi

rm -rf "$root"
mkdir -p "$root"
dpkg -x "$deb" "$root"
if [ ! -d "$root/lib/modules/$kver" ] || ! ls "$root/boot/vmlinuz-$kver" >/dev/null 2>&1; then
	log "$pkg does not contain boot/vmlinuz-$kver and lib/modules/$kver"
	exit 1
fi
depmod -b "$root" "$kver"
dpkg-deb -f "$deb" Package Version | sed 's/^[A-Za-z]*: //' | tr '\n' ' ' | sed 's/ $/\n/' >"$root/.package"
touch "$root/.complete"
log "kernel $kver unpacked in $root"
printf '%s\n' "$root"

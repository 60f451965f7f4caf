#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The layers of src/README, enforced: a source file may include headers of
# its own layer or a lower one, never of a higher one. Every file under src/
# must belong to a layer. With --graph, prints which file includes which.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top/src" || exit 99

# layer NUMBER PATTERN...: the lower the number, the higher the layer.
# shellcheck disable=SC2054
layers=(
	"1 main.c cmd.h cmd.c cmd-*.c report*.c report*.h bundle.c bundle.h"
	"2 render/*"
	"3 conclude.c conclude.h advise*.c advise*.h"
	"4 collect/*"
	"5 parse/*"
	"6 model.c model.h model-dmabuf.c model-dmabuf.h model-trace.c model-trace.h"
	"7 record.c record.h record-child.c tar.c tar.h"
	"8 rootfs.c rootfs.h rootfs-attr.c rootfs-replay.c rootfs-replay.h"
	"9 shared/*"
)

# layer_of FILE: its layer number (the first pattern that matches), or "".
layer_of() {
	local l p
	for l in "${layers[@]}"; do
		for p in ${l#* }; do
			# shellcheck disable=SC2254 # the patterns are globs
			case $1 in
			$p) echo "${l%% *}"; return ;;
			esac
		done
	done
}

n=0 failed=0
files=$(find . -name '*.[ch]' ! -name config.h | sed 's|^\./||' | sort)
for f in $files; do
	lf=$(layer_of "$f")
	n=$((n + 1))
	if [ -z "$lf" ]; then
		echo "not ok $n - $f is in no layer of src/README"
		failed=$((failed + 1))
		continue
	fi
	bad=
	incs=
	# shellcheck disable=SC2013 # include names have no spaces
	for inc in $(sed -n 's/^#include "\(.*\)"$/\1/p' "$f"); do
		[ "$inc" = config.h ] && continue
		# As the compiler resolves it: beside the file, else from src/.
		if [ -e "$(dirname "$f")/$inc" ]; then
			target=$(realpath -m --relative-to=. "$(dirname "$f")/$inc")
		else
			target=$inc
		fi
		incs="$incs $target"
		lt=$(layer_of "$target")
		if [ -z "$lt" ] || [ "$lt" -lt "$lf" ]; then
			bad="$bad $target(layer ${lt:-none})"
		fi
	done
	[ "${1:-}" = --graph ] && echo "# $f ($lf):$incs"
	if [ -n "$bad" ]; then
		echo "not ok $n - $f (layer $lf) includes only its layer or lower ones"
		echo "# upward:$bad"
		failed=$((failed + 1))
	else
		echo "ok $n - $f (layer $lf) includes only its layer or lower ones"
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]

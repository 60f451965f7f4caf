#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Bad input: each gets a one-line message and the documented exit status.
set -u
. "$(dirname "$0")/lib.sh"

one_line() { [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ $err == dmainspect:* ]]; }

run --sysroot /nonexistent-dmainspect list
is "$rc" 2 "--sysroot naming nothing exits 2"
is "$err" "dmainspect: --sysroot /nonexistent-dmainspect: No such file or directory" \
	"--sysroot naming nothing says so"

echo data >"$TMP/file"
run --sysroot "$TMP/file" list
is "$rc" 2 "--sysroot naming a file exits 2"
is "$err" "dmainspect: --sysroot $TMP/file: neither a directory nor a report bundle (not an xz-compressed file)" \
	"--sysroot naming a file that is not a bundle says so"

mkdir "$TMP/empty"
run --sysroot "$TMP/empty" list
is "$rc" 2 "--sysroot naming an empty directory exits 2"
one_line; ok $? "empty sysroot: one line on stderr"
[[ $err == *"not a system snapshot: no sys/ directory"* ]]; ok $? "empty sysroot: says why"
is "$out" "" "empty sysroot: nothing on stdout"

run --sysroot
is "$rc" 1 "--sysroot without a directory is a usage error"
run --sysroot=
is "$rc" 1 "--sysroot= with an empty directory is a usage error"

run frobnicate
is "$rc" 1 "unknown command exits 1"
[[ $err == "dmainspect: unknown command 'frobnicate'"* ]]; ok $? "unknown command is named"

run --frobnicate
is "$rc" 1 "unknown global option exits 1"
[[ $err == "dmainspect: unknown option '--frobnicate'"* ]]; ok $? "unknown option is named"

run list --frobnicate
is "$rc" 1 "unknown command option exits 1"
[[ $err == "dmainspect: list: unknown option '--frobnicate'"* ]]; ok $? "unknown command option is named"

run list -q
is "$rc" 1 "unknown short option exits 1"
[[ $err == "dmainspect: list: unknown option '-q'"* ]]; ok $? "unknown short option is named"

run list extra
is "$rc" 1 "list with an operand is a usage error"

run --color=sometimes list
is "$rc" 1 "bad --color value exits 1"
[[ $err == *"invalid --color value 'sometimes'"* ]]; ok $? "bad --color value is named"

fx=$FIXTURES/synthetic-dt-arm64
"$DMAINSPECT" --sysroot "$fx" list >&- 2>"$TMP/err"
rc=$?
is "$rc" 2 "closed stdout exits 2"
[[ $(cat "$TMP/err") == "dmainspect: write error: "* ]]; ok $? "closed stdout reports a write error"

"$DMAINSPECT" --sysroot "$fx" list --json >/dev/full 2>"$TMP/err"
rc=$?
is "$rc" 2 "full disk on stdout exits 2"
is "$(cat "$TMP/err")" "dmainspect: write error: No space left on device" "full disk is reported"

# Snapshot hostility: a FIFO where an attribute should be, links that lead
# out of the snapshot (absolute and relative), a link loop, a huge attribute.
h=$TMP/hostile
d=$h/sys/devices/pci0000:00/0000:00:01.0
mkdir -p "$d" "$h/sys/bus/pci/devices"
ln -s ../../../devices/pci0000:00/0000:00:01.0 "$h/sys/bus/pci/devices/0000:00:01.0"
ln -s ../../../bus/pci "$d/subsystem"
mkfifo "$d/dma_mask_bits"
ln -s /etc/hostname "$d/vendor"
echo "0x9999" >"$TMP/outside"
ln -s ../../../../../outside "$d/device"
ln -s class "$d/loop" && rm "$d/loop"
ln -s class2 "$d/class" && ln -s class "$d/class2"
head -c 100000 /dev/zero | tr '\0' 1 >"$d/consistent_dma_mask_bits"
run --sysroot "$h" list --json
is "$rc" 0 "hostile snapshot: list still succeeds"
got=$(jq -r '.devices[] | "\(.name) \(.dma_mask_bits_error) \(.vendor_id) \(.vendor_id_error) \(.device_id) \(.class_error) \(.coherent_dma_mask_bits_error)"' <<<"$out")
is "$got" "0000:00:01.0 not a regular file null path leads outside the directory null Too many levels of symbolic links larger than the read limit" \
	"hostile snapshot: FIFO refused, links not followed out, loop and huge file reported"
DMAINSPECT_NO_OPENAT2=1 run --sysroot "$h" list --json
got2=$(jq -r '.devices[] | "\(.name) \(.dma_mask_bits_error) \(.vendor_id) \(.vendor_id_error) \(.device_id) \(.class_error) \(.coherent_dma_mask_bits_error)"' <<<"$out")
is "$got2" "$got" "hostile snapshot: the same without openat2"

run --version
is "$rc" 0 "--version exits 0"
[[ $out == "dmainspect "*$'\n'"features: "* ]]; ok $? "--version prints version and features"
run list --help
is "$rc" 0 "list --help exits 0"
[[ $out == "Usage: dmainspect list"* ]]; ok $? "list --help shows the list usage"

# Global options work before or after the command.
run --sysroot "$fx" --json list
a=$out
run list --json --sysroot "$fx"
is "$out" "$a" "--json and --sysroot work after the command"
run --sysroot="$fx" --json
is "$out" "$a" "no command means list"

# Colour: never by default into a pipe, always on request, never with NO_COLOR and auto.
run --sysroot "$fx" list
[[ $out != *$'\e['* ]]; ok $? "no colour into a pipe"
run --sysroot "$fx" --color=always list
[[ $out == *$'\e['* ]]; ok $? "--color=always colours"
NO_COLOR=1 run --sysroot "$fx" --color=auto list
[[ $out != *$'\e['* ]]; ok $? "NO_COLOR honoured"

done_testing

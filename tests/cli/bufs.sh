#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# dmainspect bufs on a hand-written snapshot (dmabuf-snapshot.sh): every
# buffer, its holders, the totals per exporter and per process, the buffers
# no process holds, and what could not be read. Expected values come from
# the snapshot's text, counted by hand.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dmabuf-snapshot.sh"

s=$TMP/snap
make_dmabuf_snapshot "$s"

run --sysroot "$s" bufs --json
is "$rc" 0 "bufs on the snapshot exits 0"
is "$err" "" "bufs on the snapshot: nothing on stderr"
printf '%s\n' "$out" >"$TMP/bufs.json"
q() { jq -c "$@" "$TMP/bufs.json"; }
msg=$(validate_json "$TMP/bufs.json" 2>&1)
ok $? "bufs --json on the snapshot validates against the schema"
[ -z "$msg" ] || diag "$msg"

is "$(q '[.buffers[].inode]')" "[32,30,33,31]" "buffers sorted by size, largest first"
is "$(q '[.buffers[].size]')" "[65536,16384,8192,4096]" "sizes from bufinfo"
is "$(q '[.buffers[].exporter]')" '["system","drm","drm","drm"]' "exporters"
is "$(q '[.buffers[].name]')" '[null,null,"mapped only","two words"]' "names (<none> is no name)"
is "$(q '[.buffers[] | [.holders[] | [.pid, .fd, .mapped]]]')" \
	'[[],[[100,3,true],[100,6,true]],[[100,null,true]],[[100,4,false],[200,7,false]]]' \
	"holders: fds, mapped fds and a mapping without an fd"
is "$(q '.buffers[1].holders[0].fd_flags_decoded')" '["O_RDWR","O_CLOEXEC"]' "holder fd flags decoded"
is "$(q '.buffers[3].fences')" \
	'[{"usage":"write","driver":"vgem","timeline":"vgem","context":null,"context_error":"not printed by this kernel'"'"'s bufinfo","seqno":3,"signalled":false}]' \
	"the fence of buffer 31"
is "$(q '.buffers[1].attachments | map(.device)')" '["vivid.0"]' "the attachment of buffer 30"
is "$(q '.buffers[1].attachments[0].known')" "false" "an attached device absent from the snapshot's sysfs"
is "$(q '.buffers[1].file_count')" "3" "file count"
is "$(q '.buffers[1].map_info')" "null" "map_info is null in bufs"
is "$(q -r '.buffers[1].map_info_error')" "not probed by bufs (dmainspect buf probes a buffer)" \
	"map_info says why it is null"
is "$(q '[.exporters[] | [.exporter, .count, .bytes]]')" '[["system",1,65536],["drm",3,28672]]' \
	"totals per exporter"
is "$(q '[.processes[] | [.pid, .comm, .count, .bytes]]')" \
	'[[100,"compositor",3,28672],[200,"client",1,4096]]' "totals per process, distinct buffers"
is "$(q '.processes[0].buffers | map([.inode, .fd, .mapped])')" \
	'[[30,3,true],[30,6,true],[33,null,true],[31,4,false]]' "process 100's buffers, largest first"
is "$(q '.unheld')" '{"count":1,"bytes":65536,"complete":false,"inodes":[32]}' \
	"held by no process: buffer 32; not complete, a process was unreadable"
is "$(q '.scan')" \
	'{"bufinfo":true,"processes_scanned":2,"processes_unreadable":1,"unreadable_reason":"Not a directory","cut_short":[]}' \
	"scan: two processes read, one unreadable"

# Text: the tables and the summary lines.
run --sysroot "$s" bufs
is "$rc" 0 "bufs text exits 0"
line=$(printf '%s\n' "$out" | awk '$1 == 30')
[[ $line == *"16384"*"drm"*"100:3+map,100:6+map"*"vivid.0"* ]]; ok $? "text row of buffer 30"
line=$(printf '%s\n' "$out" | awk '$1 == 33')
[[ $line == *"mapped only"*"100:map"* ]]; ok $? "text row of the mapped-only buffer"
[[ $out == *"Held by no process (kernel-held or leaked): 1 buffer, 65536 bytes; some may be held by the processes that could not be read in full."* ]]
ok $? "text says what no process holds"
[[ $out == *"1 of 3 processes could not be read (Not a directory)"* ]]; ok $? "text says what was unreadable"

# Filters.
run --sysroot "$s" bufs --json --pid 200
printf '%s\n' "$out" >"$TMP/bufs.json"
is "$(q '[.buffers[].inode]')" "[31]" "--pid 200: its one buffer"
is "$(q '[.buffers[0].holders[].pid]')" "[200]" "--pid 200: only that process is read"
is "$(q '[.processes[].pid]')" "[200]" "--pid 200: one process"
is "$(q '.unheld')" "null" "--pid: buffers held by no process are not counted"
is "$(q -r '.unheld_error')" "not counted with --pid: only the given processes were scanned" \
	"--pid: says why"
run --sysroot "$s" bufs --json -e system
printf '%s\n' "$out" >"$TMP/bufs.json"
is "$(q '[.buffers[].inode]')" "[32]" "--exporter system: one buffer"
is "$(q '[.exporters[].exporter]')" '["system"]' "--exporter system: one exporter"
is "$(q '.processes')" '[]' "--exporter system: no process holds it"
run --sysroot "$s" bufs --json --exporter drm --exporter system --pid 100 -p 200
printf '%s\n' "$out" >"$TMP/bufs.json"
is "$(q '[.buffers[].inode]')" "[30,33,31]" "repeated filters add up"

run --sysroot "$s" bufs --pid abc
is "$rc" 1 "--pid with a non-number is a usage error"
run --sysroot "$s" bufs --pid 0
is "$rc" 1 "--pid 0 is a usage error"
run --sysroot "$s" bufs 12
is "$rc" 1 "bufs with an operand is a usage error"

# What one process may cost: 5000 dma-buf fds (all on buffer 32) and 20000
# other fds, and a 1 GiB maps (sparse). Limits from src/collect/dmabuf-scan.c:
# 4096 dma-buf fds listed per process, maps read up to 16 MiB.
big=$TMP/big
make_dmabuf_snapshot "$big"
mkdir -p "$big/proc/500/fd" "$big/proc/500/fdinfo"
echo hoarder >"$big/proc/500/comm"
(
	cd "$big/proc/500" || exit 1
	for i in $(seq 10 5009); do
		ln -s /dmabuf: "fd/$i"
		printf 'pos:\t0\nflags:\t02\nmnt_id:\t15\nino:\t50\nsize:\t65536\ncount:\t5001\nexp_name:\tsystem\n' >"fdinfo/$i"
	done
	for i in $(seq 6000 25999); do ln -s /dev/null "fd/$i"; done
	truncate -s 1G maps
)
t0=$(date +%s%N)
/usr/bin/time -f %M -o "$TMP/rss" "$DMAINSPECT" --sysroot "$big" bufs --json >"$TMP/big.json" 2>"$TMP/big.err"
rc=$? t=$((($(date +%s%N) - t0) / 1000000))
is "$rc" 0 "bufs with a 5000-dma-buf-fd process and a 1 GiB maps exits 0"
diag "bufs on 25000 fds and a 1 GiB maps: ${t} ms, peak RSS $(cat "$TMP/rss") KiB"
jq -e . "$TMP/big.json" >/dev/null && msg=$(validate_json "$TMP/big.json" 2>&1)
ok $? "bufs --json with processes cut short validates against the schema"
[ -z "${msg-}" ] || diag "$msg"
is "$(jq -c '.scan.cut_short' "$TMP/big.json")" \
	'[{"pid":500,"what":"dma-buf fds","limit":4096,"beyond":904},{"pid":500,"what":"maps","limit":16777216,"beyond":null}]' \
	"scan says what was cut short: 904 dma-buf fds beyond the 4096 listed, and the maps"
is "$(jq '[.buffers[] | select(.inode == 50) | .holders[] | select(.pid == 500)] | length' "$TMP/big.json")" 4096 \
	"the first 4096 dma-buf fds of the process are listed"
is "$(jq '.unheld.complete' "$TMP/big.json")" false "unheld buffers are not said to be complete"
run --sysroot "$big" bufs
[[ $out == *"Process 500: only 4096 of its 5000 dma-buf fds are listed (the limit per process)."* &&
	$out == *"Process 500: its maps are larger than 16 MiB and were not read"* ]]
ok $? "text says what was cut short"
# The memory the maps may cost: the same run with a one-line maps instead,
# and the difference at most twice the 16 MiB read (a growing buffer and its
# copy), whatever the file's size. ASan's quarantine would keep every freed
# buffer: off for both runs.
rss=$(cat "$TMP/rss")
mv "$big/proc/500/maps" "$TMP/big-maps"
echo "7f0000000000-7f0000001000 r--p 00000000 00:00 0" >"$big/proc/500/maps"
ASAN_OPTIONS=quarantine_size_mb=0 /usr/bin/time -f %M -o "$TMP/rss-small" \
	"$DMAINSPECT" --sysroot "$big" bufs --json >/dev/null 2>&1
mv "$TMP/big-maps" "$big/proc/500/maps"
ASAN_OPTIONS=quarantine_size_mb=0 /usr/bin/time -f %M -o "$TMP/rss" \
	"$DMAINSPECT" --sysroot "$big" bufs --json >/dev/null 2>&1
grow=$(($(cat "$TMP/rss") - $(cat "$TMP/rss-small")))
[ "$grow" -le $((40 * 1024)) ]
ok $? "bufs reads a 1 GiB maps in bounded memory (peak RSS $rss KiB; $grow KiB more than with a one-line maps, at most 40 MiB)"

# Without bufinfo (no root, no debugfs): holders only, and it says so.
rm "$s/sys/kernel/debug/dma_buf/bufinfo"
run --sysroot "$s" bufs --json
printf '%s\n' "$out" >"$TMP/bufs.json"
is "$rc" 0 "bufs without bufinfo exits 0"
is "$(q '[.buffers[].inode]')" "[30,31,33]" "without bufinfo: the buffers processes hold"
is "$(q '[.buffers[].size]')" "[16384,4096,null]" "without bufinfo: sizes from fdinfo, none for a mapping"
is "$(q -r '.buffers[2].size_error')" \
	"known from a mapping only (/proc/PID/maps has no size or exporter)" "a mapping has no size"
is "$(q '.buffers[0].attachments')" "null" "without bufinfo: attachments unknown"
is "$(q -r '.buffers[0].attachments_error')" "No such file or directory" "attachments say why"
is "$(q '.unheld')" "null" "without bufinfo: nothing known of unheld buffers"
is "$(q '.scan.bufinfo')" "false" "scan says bufinfo was not read"
run --sysroot "$s" bufs
[[ $out == *"debugfs dma_buf/bufinfo could not be read (No such file or directory)"* ]]
ok $? "text says bufinfo could not be read"

# A snapshot with neither /proc nor bufinfo: nothing to inspect, valid JSON.
mkdir -p "$TMP/bare/sys"
run --sysroot "$TMP/bare" bufs --json
is "$rc" 2 "bufs with nothing readable exits 2"
[[ $err == "dmainspect: bufs: neither /proc (No such file or directory) nor debugfs dma_buf/bufinfo (No such file or directory) could be read" ]]
ok $? "bufs with nothing readable says so on one line"
printf '%s\n' "$out" | jq -e '.buffers == [] and .scan.processes_scanned == null' >/dev/null
ok $? "bufs with nothing readable still prints valid JSON"

done_testing

#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# dmainspect buf: bad input on the running system (each argument gets one
# line naming it and why, exit 2 when none worked, 3 when some did, and the
# JSON stays valid with an error entry per failed argument), and the
# snapshot forms against the hand-written snapshot of dmabuf-snapshot.sh.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dmabuf-snapshot.sh"

# buf_valid: the last output ($out) validates; its errors on stdout.
buf_valid() { printf '%s\n' "$out" >"$TMP/v.json" && validate_json "$TMP/v.json"; }

run buf
is "$rc" 1 "buf without an argument is a usage error"
[[ $err == "dmainspect: buf: which buffer?"* ]]; ok $? "buf without an argument says what it wants"

# Inherited fds that are no dma-buf: a regular file, a pipe, a closed fd.
echo data >"$TMP/file"
set +e
out=$("$DMAINSPECT" buf 7 7<"$TMP/file" 2>"$TMP/err"); rc=$?
err=$(cat "$TMP/err")
is "$rc" 2 "a regular file's fd: exit 2"
is "$err" "dmainspect: buf 7: fd 7 is not a dma-buf: a regular file ($TMP/file)" "a regular file's fd: named and why"
out=$(: | "$DMAINSPECT" buf 0 2>"$TMP/err"); rc=$?
err=$(cat "$TMP/err")
is "$rc" 2 "a pipe: exit 2"
[[ $err =~ ^"dmainspect: buf 0: fd 0 is not a dma-buf: a pipe (pipe:["[0-9]+"])"$ ]]; ok $? "a pipe: named and why"
run buf 9
is "$rc" 2 "a closed fd: exit 2"
is "$err" "dmainspect: buf 9: fd 9 is not open" "a closed fd: named and why"
run buf 99999999999
is "$err" "dmainspect: buf 99999999999: process or fd number out of range" "an fd number out of range"
run buf ""
is "$err" "dmainspect: buf : an empty argument names no buffer" "an empty argument"

# Other processes: a dead pid, an fd it does not have, one that is no dma-buf.
sleep 0 & dead=$!
wait "$dead"
run buf "$dead:0"
is "$rc" 2 "a dead pid: exit 2"
[[ $err == "dmainspect: buf $dead:0: process $dead "@(does not exist|exited) ]]; ok $? "a dead pid: named and why"
sleep 30 & live=$!
run buf "/proc/$live/fd/77"
is "$err" "dmainspect: buf /proc/$live/fd/77: process $live has no fd 77" "an fd a process lacks"
run buf "$live:1"
[[ $err == "dmainspect: buf $live:1: fd 1 of process $live is not a dma-buf: "* ]]; ok $? "another process's fd that is no dma-buf"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	set +e
	err=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$DMAINSPECT" buf "$live:0" 2>&1 >/dev/null)
	rc=$?
	is "$rc" 2 "a process that is not ours: exit 2"
	[[ $err == "dmainspect: buf $live:0: not permitted to duplicate fd 0 of process $live: this needs ptrace rights"* ]]
	ok $? "a process that is not ours: named and why"
else
	ok 0 "a process that is not ours # SKIP needs root and setpriv to run as nobody"
	ok 0 "a process that is not ours: message # SKIP needs root and setpriv"
fi
kill "$live" 2>/dev/null
wait "$live" 2>/dev/null

# Paths that are no device we allocate on: never opened for reading.
mkfifo "$TMP/fifo"
run buf "$TMP/fifo"
is "$rc" 2 "a FIFO: exit 2, and no hang"
is "$err" "dmainspect: buf $TMP/fifo: not a device node (a FIFO); expected an fd number, PID:N, /proc/PID/fd/N, a DRM node, /dev/dma_heap/NAME or /dev/udmabuf" \
	"a FIFO: named and why"
run buf "$TMP/file"
[[ $err == "dmainspect: buf $TMP/file: not a device node (a regular file);"* ]]; ok $? "a regular file path"
run buf "$TMP"
[[ $err == "dmainspect: buf $TMP: not a device node (a directory);"* ]]; ok $? "a directory path"
run buf /dev/null
is "$err" "dmainspect: buf /dev/null: character device 1:3 (mem null) is not a DRM card or render node, a DMA heap or udmabuf" \
	"a character device of another kind"
run buf "$TMP/nonexistent"
is "$err" "dmainspect: buf $TMP/nonexistent: No such file or directory" "a path that does not exist"
if [ ! -e /dev/dma_heap/system ]; then
	run buf /dev/dma_heap/system
	is "$err" "dmainspect: buf /dev/dma_heap/system: No such file or directory" "a DMA heap this kernel lacks"
else
	ok 0 "a DMA heap this kernel lacks # SKIP this machine has /dev/dma_heap/system"
fi
if [ ! -e /dev/udmabuf ]; then
	run buf /dev/udmabuf
	is "$err" "dmainspect: buf /dev/udmabuf: No such file or directory" "udmabuf this kernel lacks"
else
	ok 0 "udmabuf this kernel lacks # SKIP this machine has /dev/udmabuf"
fi

# Several bad arguments: one line each, exit 2, valid JSON with error entries.
run buf 9 /dev/null "$TMP/fifo" --json
is "$rc" 2 "three bad arguments: exit 2"
is "$(printf '%s\n' "$err" | wc -l)" 3 "three bad arguments: three lines"
msg=$(buf_valid 2>&1); ok $? "three bad arguments: the JSON validates"
[ -z "$msg" ] || diag "$msg"
is "$(printf '%s\n' "$out" | jq -c '[.buffers[] | [.argument, (.error | length > 0), .inode]]')" \
	"[[\"9\",true,null],[\"/dev/null\",true,null],[\"$TMP/fifo\",true,null]]" \
	"three bad arguments: one error entry each, in order"

# The snapshot forms: PID:N and /proc/PID/fd/N from fdinfo and bufinfo.
s=$TMP/snap
make_dmabuf_snapshot "$s"
run --sysroot "$s" buf 100:4 --json
is "$rc" 0 "snapshot PID:N: exit 0"
msg=$(buf_valid 2>&1); ok $? "snapshot PID:N: the JSON validates"
[ -z "$msg" ] || diag "$msg"
printf '%s\n' "$out" >"$TMP/buf.json"
q() { jq -c "$@" "$TMP/buf.json"; }
is "$(q '.buffers[0] | [.inode, .size, .exporter, .name, .file_count, .fd_flags]')" \
	'[31,4096,"drm","two words",2,2]' "snapshot PID:N: the fdinfo facts"
is "$(q '.buffers[0].source | [.kind, .pid, .fd]')" '["process",100,4]' "snapshot PID:N: the source"
is "$(q '.buffers[0] | [.listed, .file_mode, .file_mode_access, (.fences | length), .attachments]')" \
	'[true,655391,"read-write",1,[]]' "snapshot PID:N: the bufinfo facts"
is "$(q '.buffers[0].cpu_access | [.mmap, .sync, .export_sync_file, .advice]')" \
	'[null,null,null,"bracket-with-sync"]' "snapshot PID:N: nothing probed, SYNC advised"
is "$(q -r '.buffers[0].cpu_access.mmap_error')" "not probed: a snapshot holds no file to probe" \
	"snapshot PID:N: says why nothing was probed"
is "$(q '.buffers[0].map_info')" "null" "snapshot: map_info null"

run --sysroot "$s" buf /proc/100/fd/3 100:5 3 /dev/dri/card0 100:9 --json
is "$rc" 3 "snapshot with good and bad arguments: exit 3"
is "$(printf '%s\n' "$err" | wc -l)" 4 "snapshot with four bad arguments: four lines"
[[ $err == *"dmainspect: buf 100:5: fd 5 of process 100 in the snapshot is not a dma-buf (/dev/null)"* ]]
ok $? "snapshot: an fd that is no dma-buf"
[[ $err == *"dmainspect: buf 3: not available with --sysroot: only PID:N and /proc/PID/fd/N can be read from a snapshot"* ]]
ok $? "snapshot: an fd number is refused"
[[ $err == *"dmainspect: buf /dev/dri/card0: not available with --sysroot"* ]]; ok $? "snapshot: a device node is refused"
[[ $err == *"dmainspect: buf 100:9: the snapshot has no fd 9 of process 100"* ]]; ok $? "snapshot: a missing fd"
msg=$(buf_valid 2>&1); ok $? "snapshot with good and bad arguments: the JSON validates"
[ -z "$msg" ] || diag "$msg"
is "$(printf '%s\n' "$out" | jq -c '[.buffers[] | .inode]')" '[30,null,null,null,null]' \
	"snapshot with good and bad arguments: entries in argument order"
is "$(printf '%s\n' "$out" | jq -c '.buffers[0].attachments | map([.device, .known])')" '[["vivid.0",false]]' \
	"snapshot: the attached device"

run --sysroot "$s" buf 1:99999999999
is "$err" "dmainspect: buf 1:99999999999: process or fd number out of range" "snapshot: a number out of range"
run --sysroot "$s" buf ""
is "$err" "dmainspect: buf : an empty argument names no buffer" "snapshot: an empty argument"

# Without bufinfo the buffer is still described, and says what is missing.
rm "$s/sys/kernel/debug/dma_buf/bufinfo"
run --sysroot "$s" buf 100:3 --json
is "$rc" 0 "snapshot without bufinfo: exit 0"
is "$(printf '%s\n' "$out" | jq -c '.buffers[0] | [.inode, .listed, .listed_error, .fences, .attachments]')" \
	'[30,false,"No such file or directory",null,null]' "snapshot without bufinfo: lists unknown, with why"

done_testing

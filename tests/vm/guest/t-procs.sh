#!/bin/sh
# Processes that cost much or vanish, against the running kernel:
#   - a process holding 1,000,000 fds (dmabuf-holder --fds: duplicates of
#     /dev/null and 8 of one vgem buffer, its fd limit raised): bufs --pid
#     lists the buffer with its 8 fds, as their fdinfo says, in bounded
#     memory; the time and peak RSS are printed (wait4()'s figures);
#   - a holder killed while `buf PID:FD` reads its buffer, at staggered
#     moments: each run either reads the buffer (the inode fstat gives in the
#     holder) or fails with one line naming the process or fd, never crashes,
#     hangs or prints a half answer.
# It runs on amd and arm-coherent-pool (one configuration of every kernel,
# and not intel-lazy or arm-smmu, whose unplug test is long already). Each
# fd costs bufs one readlinkat, and procfs a dentry and an inode: about
# 30 us under x86 TCG, and under arm64 TCG 60 us at 250,000 fds and 90 us
# at a million, which would take 90 s of the script's 150: arm64 guests
# hold 250,000.
# shellcheck disable=SC2016 # jq programs are in single quotes
set -eu
# shellcheck source=tests/vm/guest/lib.sh
. "$(dirname "$0")/lib.sh"
only_on "the process tests" amd arm-coherent-pool

DMAINSPECT=${DMAINSPECT:-dmainspect}
work=$(mktemp -d)
case $(uname -m) in
aarch64) nfds=${DMAINSPECT_PROCS_FDS:-250000} ;;
*) nfds=${DMAINSPECT_PROCS_FDS:-1000000} ;;
esac
rss_limit_kib=65536

# --- a process with a million fds (a quarter million on arm64) ---
dmabuf-holder --fds "$nfds" "$work/fds" 2>"$work/fds.err" &
fpid=$!
if ! wait_line "$work/fds" '^ready' "$fpid" 1800; then
	tap_fail "a process holds $nfds fds" "$(cat "$work/fds.err" 2>/dev/null)"
	kill "$fpid" 2>/dev/null || true
	tap_done
	exit 0
fi
ino=$(awk '{ print $2 }' "$work/fds")
# The 8 fds the holder made of the buffer, each confirmed by its fdinfo
# (listing a million fd links here would take longer than bufs itself).
held=$(awk '$1 == "FDSize:" { print $2 }' "/proc/$fpid/status")
mine=$(for f in $(cut -d' ' -f3- "$work/fds"); do
	[ "$(awk '$1 == "ino:" { print $2 }' "/proc/$fpid/fdinfo/$f")" = "$ino" ] && echo "$f"
done | sort -n | tr '\n' ' ')
tap_diag "process $fpid: fd table of $held, buffer $ino on fds $mine"
# shellcheck disable=SC2086 # the fds, one word each
tap_is "$(set -- $mine; echo $#)" 8 "fdinfo confirms the holder's 8 fds of the buffer"
rc=0
timeout 600 dmabuf-holder --measure "$DMAINSPECT" bufs --pid "$fpid" --json \
	>"$work/bufs.json" 2>"$work/bufs.err" || rc=$?
m=$(tail -n 1 "$work/bufs.err")
tap_diag "bufs --pid over $nfds fds: $m"
tap_is "$rc" 0 "bufs --pid on a process with $nfds fds exits 0"
tap_is "$(jq -r --argjson i "$ino" '[.buffers[] | select(.inode == $i) | .holders[].fd] | map(tostring) | join(" ")' \
	"$work/bufs.json") " "$mine" "bufs --pid: the buffer's holders are the fds fdinfo names"
tap_is "$(jq -c '.scan.cut_short' "$work/bufs.json")" "[]" "bufs --pid: nothing cut short (8 dma-buf fds)"
rss=$(echo "$m" | sed -n 's/.*maxrss_kib \([0-9]*\).*/\1/p')
if [ -n "$rss" ] && [ "$rss" -lt "$rss_limit_kib" ]; then
	tap_ok "bufs --pid over $nfds fds in bounded memory ($rss KiB < $rss_limit_kib KiB)"
else
	tap_fail "bufs --pid over $nfds fds in bounded memory (${rss:-?} KiB < $rss_limit_kib KiB)" "$m"
fi
kill "$fpid" 2>/dev/null || true
wait "$fpid" 2>/dev/null || true

# --- a holder killed while buf reads its buffer ---
now_cs() { awk '{ printf "%d\n", $1 * 100 }' /proc/uptime; }
# How long one buf takes in this guest, unkilled: the kills spread over it.
if holder_start "$work/h"; then
	t0=$(now_cs)
	"$DMAINSPECT" buf "$hpid:$(awk '$1 == "named" { print $2 }' "$work/h")" --json >/dev/null 2>&1 || true
	took=$(($(now_cs) - t0))
	kill "$hpid" 2>/dev/null || true
	wait "$hpid" 2>/dev/null || true
fi
step=$(((${took:-16} + 15) / 16))
tap_diag "one buf takes ${took:-?}0 ms here: the holder is killed 0 to $((step * 150)) ms into each run"
read_ok=0 gone=0 bad=0
: >"$work/diag"
for k in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
	rm -f "$work/h"
	if ! holder_start "$work/h"; then
		bad=$((bad + 1))
		echo "holder $k did not start: $(cat "$work/h" 2>/dev/null)" >>"$work/diag"
		continue
	fi
	fd=$(awk '$1 == "named" { print $2 }' "$work/h")
	hino=$(awk '$1 == "named" { print $3 }' "$work/h")
	rc=0
	(
		# Staggered over the time one buf takes here (step centiseconds each).
		[ "$k" = 0 ] || sleep "$(awk -v c=$((k * step)) 'BEGIN { printf "%.2f", c / 100 }')"
		kill -9 "$hpid"
	) &
	killer=$!
	timeout 60 "$DMAINSPECT" buf "$hpid:$fd" --json >"$work/b.json" 2>"$work/b.err" || rc=$?
	wait "$killer" || true
	wait "$hpid" 2>/dev/null || true
	if [ "$rc" = 0 ] && [ "$(jq '.buffers[0].inode' "$work/b.json" 2>/dev/null)" = "$hino" ] &&
		[ ! -s "$work/b.err" ]; then
		read_ok=$((read_ok + 1))
	elif [ "$rc" = 2 ] && [ "$(wc -l <"$work/b.err")" = 1 ] &&
		grep -qE "^dmainspect: buf $hpid:$fd: .*(process $hpid|fd $fd)" "$work/b.err" &&
		jq -e '.buffers[0].error | length > 0' "$work/b.json" >/dev/null 2>&1; then
		gone=$((gone + 1))
		echo "run $k: $(cat "$work/b.err")" >>"$work/gone"
	else
		bad=$((bad + 1))
		echo "run $k: exit status $rc: $(head -c 300 "$work/b.err")" >>"$work/diag"
	fi
done
tap_diag "buf while its holder is killed: read $read_ok times, gone $gone times" \
	"$(sort -u "$work/gone" 2>/dev/null | sed 's/^run [0-9]*: //' | sort -u | head -n 3)"
if [ "$bad" = 0 ]; then
	tap_ok "buf while its holder is killed: the buffer, or one line saying the holder is gone (16 runs)"
else
	tap_fail "buf while its holder is killed: the buffer, or one line saying the holder is gone (16 runs)" \
		"$(head -n 10 "$work/diag")"
fi
rm -rf "$work"
tap_done

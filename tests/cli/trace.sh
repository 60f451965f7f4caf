#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# dmainspect trace on this machine: bad command lines, --sysroot refused,
# no root; as root, a run around a program passes its exit status on,
# validates against the schema and leaves no tracefs instance behind. The
# counts themselves are checked against the kernel's own record in the
# real-kernel suite (tests/vm/guest/t-trace.sh), where devices do DMA.
set -u
. "$(dirname "$0")/lib.sh"

one_line() { [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ $err == dmainspect:* ]]; }

run trace --help
is "$rc" 0 "trace --help exits 0"
[[ $out == *"Count fields"* ]]; ok $? "trace --help lists the count fields"

for bad in "--seconds 0" "--seconds -3" "--seconds abc" "--seconds 604801"; do
	# shellcheck disable=SC2086 # the option and its argument are words
	run trace $bad
	is "$rc" 1 "trace $bad: usage error"
	one_line; ok $? "trace $bad: one line on stderr ($err)"
done
run trace -s
is "$rc" 1 "-s without N: usage error"
run trace --seconds 2 -- true
is "$rc" 1 "--seconds with a program: usage error"
is "$err" "dmainspect: trace: --seconds and a program to run exclude each other" "... and why"
run trace --
is "$rc" 1 "'--' without a program: usage error"
is "$err" "dmainspect: trace: no program after '--'" "... and why"
run --sysroot "$FIXTURES/$(fixtures | head -n 1)" trace --seconds 1
is "$rc" 1 "trace with --sysroot: usage error"
is "$err" "dmainspect: trace: reads the running kernel only; --sysroot cannot be used with it" \
	"... and why"

# Without root: exit 2 and why (or, where tracefs is not mounted, that).
if command -v setpriv >/dev/null; then
	err=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$DMAINSPECT" trace --seconds 1 2>&1 >/dev/null)
	rc=$?
	is "$rc" 2 "as nobody: exit 2"
	[[ $err == *"tracing needs root"* || $err == *"no tracefs"* ]]
	ok $? "as nobody: says why ($err)"
else
	ok 1 "setpriv is installed (util-linux)"
fi

instances() { find /sys/kernel/tracing/instances -maxdepth 1 -name 'dmainspect-*' 2>/dev/null | wc -l; }
if [ "$(id -u)" -ne 0 ]; then
	diag "not root: the runs as root are left to the real-kernel suite"
	done_testing
	exit 0
fi
before=$(instances)

run trace --json -- sh -c 'exit 7'
is "$rc" 7 "trace -- PROGRAM: its exit status is trace's"
printf '%s\n' "$out" >"$TMP/trace.json"
msg=$(validate_json "$TMP/trace.json" 2>&1)
ok $? "trace --json validates against the schema"
[ -z "$msg" ] || diag "$msg"
is "$(jq -c '[.trace.command, .trace.command_status, .trace.interrupted]' "$TMP/trace.json")" \
	'[["sh","-c","exit 7"],7,false]' "the JSON names the program and its status"
is "$(jq -r '.trace.lost_events' "$TMP/trace.json")" 0 "no events lost"
is "$(instances)" "$before" "no instance left behind"

run trace -- sh -c 'kill -TERM $$'
is "$rc" 143 "a program killed by SIGTERM: 128 + 15"
run trace -- /nonexistent/program
is "$rc" 127 "a program that does not exist: 127"
[[ $err == "dmainspect: trace: /nonexistent/program: No such file or directory" ]]
ok $? "... and why ($err)"
is "$(instances)" "$before" "no instance left behind after a failed start"
run trace no-such-device --seconds 1
is "$rc" 1 "an unknown device: usage error"
is "$err" "dmainspect: trace: no-such-device: no such device (see 'dmainspect list')" "... named"

# An instance whose pid runs no dmainspect is stale: refused, with the remedy.
stale=/sys/kernel/tracing/instances/dmainspect-999999
mkdir "$stale"
run trace --seconds 1
is "$rc" 2 "a stale instance: exit 2"
is "$err" "dmainspect: trace: tracefs instance dmainspect-999999 is left over from a dmainspect that no longer runs; remove it with: rmdir $stale" \
	"a stale instance: named, with how to remove it"
rmdir "$stale"

# A run around a program under memcheck: no invalid access, no leak (the
# ASan/UBSan rerun of this script checks its own build instead).
if [ -n "${DMAINSPECT_SANITIZER_RUN:-}" ]; then
	diag "memcheck: not over the ASan build, which checks itself"
elif command -v valgrind >/dev/null; then
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		"$DMAINSPECT" trace --json -- true >/dev/null 2>"$TMP/vg"
	rc=$?
	[ $rc -ne 99 ] && ! grep -q '^==[0-9]*== ' "$TMP/vg"
	ok $? "trace -- true is memcheck-clean (exit $rc)"
	[ $rc -eq 99 ] && grep '^==' "$TMP/vg" | head -n 20 | sed 's/^/# /'
else
	ok 1 "valgrind is installed"
fi

# On a terminal (script(1) gives it one), the counts are redrawn every second.
if command -v script >/dev/null; then
	script -qec "$DMAINSPECT trace --seconds 3" /dev/null >"$TMP/tty" 2>&1
	rc=$?
	is "$rc" 0 "on a terminal: exit 0"
	views=$(grep -c 'counting; Ctrl-C stops' "$TMP/tty")
	[ "$views" -ge 2 ] && grep -q $'\e\[H\e\[2J' "$TMP/tty"
	ok $? "on a terminal: the live view is redrawn each second ($views views in 3 s)"
	tail -n 3 "$TMP/tty" | grep -q 'Ctrl-C stops'
	is "$?" 1 "on a terminal: the final counts replace the live view"
else
	ok 1 "script is installed (util-linux)"
fi

run trace --seconds 1
is "$rc" 0 "trace --seconds 1 exits 0"
[[ $out == "Counted for 1."* ]]; ok $? "the text starts with what was counted ($(head -n 1 <<<"$out"))"
is "$(instances)" "$before" "no instance left behind"

done_testing

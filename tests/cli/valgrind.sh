#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every command that needs no operand, on every fixture sysroot, under
# valgrind's memcheck: no invalid access, no use of uninitialised memory, no
# leak. Without valgrind this says so loudly; with CI=true that is a failure.
set -u
. "$(dirname "$0")/lib.sh"

if ! command -v valgrind >/dev/null; then
	if [ "${CI:-}" = true ]; then
		ok 1 "valgrind is installed (required in CI)"
	else
		echo "# SKIP: valgrind is not installed: the memcheck runs did NOT happen" >&2
		echo "1..0 # SKIP valgrind is not installed"
		exit 0
	fi
	done_testing
	exit
fi

mapfile -t commands < <(commands_without_operands)
for fx in $(fixtures); do
	for cmd in "${commands[@]}"; do
		[ "$cmd" = report ] && continue
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
			"$DMAINSPECT" --sysroot "$FIXTURES/$fx" "$cmd" --json >/dev/null 2>"$TMP/vg"
		rc=$?
		[ $rc -ne 99 ] && ! grep -q '^==[0-9]*== ' "$TMP/vg"
		ok $? "$cmd on $fx is memcheck-clean (exit $rc)"
		[ $rc -eq 99 ] && grep '^==' "$TMP/vg" | head -n 20 | sed 's/^/# /'
	done
done
done_testing

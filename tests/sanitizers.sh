#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds dmainspect again with AddressSanitizer and UndefinedBehaviorSanitizer
# in a scratch directory and runs the unit, fuzz and command-line tests with
# that build (the real-kernel suite runs once, with the normal build).  The
# scratch build configures a copy of the distributed sources (make distdir),
# so it works whether the tree was built in place or out of tree.
# Any sanitizer report aborts the process and so fails a test.
set -u
: "${top_builddir:?top_builddir must name the build directory}"
# The outer make's command-line variables (TESTS=...) travel in MAKEFLAGS:
# the build below must not inherit them, nor run this script again.
unset MAKEFLAGS MFLAGS MAKELEVEL
if [ -n "${DMAINSPECT_SANITIZER_RUN:-}" ]; then
	echo "1..0 # SKIP already inside the sanitizer build"
	exit 0
fi
export DMAINSPECT_SANITIZER_RUN=1
tmp=$(mktemp -d /tmp/dmainspect-san.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/build.log

if ! (make -C "$top_builddir" distdir distdir="$tmp/src" && mkdir "$tmp/build" && cd "$tmp/build" &&
	../src/configure --enable-asan --enable-ubsan --enable-werror && make -j"$(nproc)") >"$log" 2>&1; then
	echo "not ok 1 - build with --enable-asan --enable-ubsan"
	tail -n 30 "$log" | sed 's/^/# /'
	echo "1..1"
	exit 1
fi
echo "ok 1 - build with --enable-asan --enable-ubsan"
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
tests=$(cd "$tmp/build" && make -s --no-print-directory -f Makefile -f - print-tests <<'MK' 2>/dev/null
print-tests:
	@echo $(unit_tests) $(fuzz_tests) $(cli_tests)
MK
)
case $tests in *sanitizers*|"") echo "not ok 2 - list of tests to rerun: '$tests'"; echo "1..2"; exit 1 ;; esac
n=1
failed=0
set +e
# check_DATA= : the arm64 cross build serves only the real-kernel suite.
make -k -j"$(nproc)" -C "$tmp/build" check TESTS="$tests" check_DATA= DMAINSPECT_FUZZ_ITERATIONS=5000 >"$tmp/check.log" 2>&1
set -e
for t in $tests; do
	n=$((n + 1))
	base=${t%.sh}	# Automake names logs without the .sh extension
	res=$(sed -n 's/^:test-result: //p' "$tmp/build/$base.trs" 2>/dev/null | sort -u | tr '\n' ' ')
	if [ -f "$tmp/build/$base.trs" ] && ! grep -qE '^:test-result: (FAIL|ERROR)' "$tmp/build/$base.trs"; then
		echo "ok $n - $t under ASan and UBSan ($res)"
	else
		echo "not ok $n - $t under ASan and UBSan (${res:-did not run})"
		grep -E '^(not ok|ERROR|#)|Sanitizer|runtime error' "$tmp/build/$base.log" 2>/dev/null | head -n 20 | sed 's/^/# /'
		failed=$((failed + 1))
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]

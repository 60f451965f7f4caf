#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# dmainspect diff between fixture trees captured from real kernels in
# different configurations, and between bundles made from them: the changes
# it reports for the kernel, the PCI functions and the IOMMU groups are
# exactly those this test reads from the two trees' own files; A against A
# is empty with exit 0; the JSON validates; bad operands exit 2.
set -u
. "$(dirname "$0")/lib.sh"

# The facts the test reads from two trees' own files, and those diff --json
# reports, as "section|item|key|change|a|b" lines (tests/cli/diff-facts.py).
expected() { "$PYTHON" "$top_srcdir/tests/cli/diff-facts.py" expected "$1" "$2"; }
reported() { "$PYTHON" "$top_srcdir/tests/cli/diff-facts.py" reported "$1"; }

pairs=(
	"q35-iommu-lazy-6.1 q35-iommu-pt-7.2"
	"q35-iommu-lazy-7.2 q35-noiommu-swiotlb-force-7.2"
	"q35-amd-iommu-6.12 q35-iommu-lazy-6.12"
	"q35-noiommu-swiotlb-force-6.1 q35-iommu-pt-6.1"
)
for p in "${pairs[@]}"; do
	read -r a b <<<"$p"
	run diff "$FIXTURES/$a" "$FIXTURES/$b" --json
	printf '%s\n' "$out" >"$TMP/d.json"
	is "$rc" 1 "diff $a $b: exit 1 (they differ)"
	msg=$(validate_json "$TMP/d.json" 2>&1)
	ok $? "diff $a $b: the JSON validates"
	[ -z "$msg" ] || diag "$msg"
	expected "$FIXTURES/$a" "$FIXTURES/$b" >"$TMP/want"
	reported "$TMP/d.json" >"$TMP/got"
	[ -s "$TMP/want" ]
	ok $? "diff $a $b: the trees' files differ ($(wc -l <"$TMP/want") changes)"
	cmp -s "$TMP/want" "$TMP/got"
	ok $? "diff $a $b: release, command line, PCI functions and groups changed as the files say"
	cmp -s "$TMP/want" "$TMP/got" || diag "$(diff "$TMP/want" "$TMP/got" | head -n 20)"
done

# The swiotlb section: forced bouncing as each command line says.
run diff "$FIXTURES/q35-iommu-lazy-7.2" "$FIXTURES/q35-noiommu-swiotlb-force-7.2" --json
is "$(jq -c '[.diff.changes[] | select(.section == "swiotlb" and .item == "forced") | [.a, .b]]' <<<"$out")" \
	'[[false,true]]' "swiotlb=force on B only: forced false -> true"

for fx in $(fixtures); do
	run diff "$FIXTURES/$fx" "$FIXTURES/$fx"
	is "$rc:$out" "0:" "diff $fx $fx: nothing, exit 0"
done

# Bundles made from two trees report what the trees do; A A is empty.
a=q35-iommu-lazy-6.1 b=q35-iommu-pt-7.2
"$DMAINSPECT" --sysroot "$FIXTURES/$a" report -o "$TMP/a.tar.xz" >/dev/null 2>&1
"$DMAINSPECT" --sysroot "$FIXTURES/$b" report -o "$TMP/b.tar.xz" >/dev/null 2>&1
run diff "$TMP/a.tar.xz" "$TMP/b.tar.xz" --json
is "$rc" 1 "diff of two bundles: exit 1"
printf '%s\n' "$out" >"$TMP/bundles.json"
reported "$TMP/bundles.json" >"$TMP/got"
expected "$FIXTURES/$a" "$FIXTURES/$b" >"$TMP/want"
cmp -s "$TMP/want" "$TMP/got"
ok $? "diff of two bundles: what their trees' files say"
is "$(jq -r '[.diff.a.kind, .diff.b.kind] | join(" ")' "$TMP/bundles.json")" "bundle bundle" "both read as bundles"
left=$(find "${TMPDIR:-/tmp}" -maxdepth 1 -newer "$TMP/b.tar.xz" -name 'dmainspect-bundle.*' 2>/dev/null | wc -l)
is "$left" 0 "no extracted bundle is left behind"
run diff "$TMP/a.tar.xz" "$TMP/a.tar.xz"
is "$rc:$out" "0:" "diff of a bundle with itself: nothing, exit 0"

# Saved --json outputs of the same command; of different ones, nothing to compare.
"$DMAINSPECT" --sysroot "$FIXTURES/$a" iommu --json >"$TMP/a-iommu.json"
"$DMAINSPECT" --sysroot "$FIXTURES/$b" iommu --json >"$TMP/b-iommu.json"
"$DMAINSPECT" --sysroot "$FIXTURES/$b" list --json >"$TMP/b-list.json"
run diff "$TMP/a-iommu.json" "$TMP/b-iommu.json"
is "$rc" 1 "diff of two iommu --json outputs: exit 1"
[[ $out == *"iommu: default_domain: Translated -> Passthrough"* ]]
ok $? "... the default domain, as the two kernel logs say"
run diff "$TMP/a-iommu.json" "$TMP/a-iommu.json"
is "$rc:$out" "0:" "diff of a JSON output with itself: nothing, exit 0"
run diff "$TMP/a-iommu.json" "$TMP/b-list.json"
is "$rc" 2 "iommu against list output: exit 2"
[[ $err == *"have nothing in common to compare"* ]]; ok $? "... and why"
run diff "$TMP/a-iommu.json" "$FIXTURES/$b"
is "$rc" 1 "a JSON output against a tree: the sections both hold are compared"
[[ $out == *"not compared: devices, which only B has"* ]]; ok $? "... the others are named"

# Bad operands: exit 2 and why.
run diff "$FIXTURES/$a"
is "$rc" 2 "one operand: exit 2"
run diff "$FIXTURES/$a" /nonexistent
is "$rc:$err" "2:dmainspect: diff: /nonexistent: No such file or directory" "a missing operand: exit 2, named"
echo '{"a": 1}' >"$TMP/other.json"
run diff "$TMP/other.json" "$TMP/a-iommu.json"
is "$rc" 2 "JSON of another kind: exit 2"
[[ $err == *"JSON, but not dmainspect's"* ]]; ok $? "... and why"
echo garbage >"$TMP/garbage"
run diff "$TMP/garbage" "$TMP/a-iommu.json"
is "$rc" 2 "neither JSON nor a bundle: exit 2"
mkdir "$TMP/empty"
run diff "$TMP/empty" "$FIXTURES/$a"
is "$rc" 2 "a directory without sys/: exit 2"
[[ $err == *"not a system snapshot"* ]]; ok $? "... and why"
run --sysroot "$FIXTURES/$a" diff "$FIXTURES/$a" "$FIXTURES/$b"
is "$rc" 2 "--sysroot with diff: exit 2"
# A bad command line is trouble too, as in diff(1): 1 would say they differ.
run diff --frobnicate "$FIXTURES/$a" "$FIXTURES/$b"
is "$rc:$err" "2:dmainspect: diff: unknown option '--frobnicate'
Try 'dmainspect diff --help'." "an unknown option: exit 2, not 1"
run --color=sometimes diff "$FIXTURES/$a" "$FIXTURES/$b"
is "$rc" 2 "a bad --color with diff: exit 2"

done_testing

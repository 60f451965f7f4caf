#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# dmainspect metrics: promtool (Debian's prometheus) accepts the output of
# every fixture and of this machine, as root and as nobody; the values are
# those of the fixtures' own files; -o writes atomically; and a real
# prometheus-node-exporter, started here on a loopback port with its textfile
# collector on the written file, serves the same series.
set -u
. "$(dirname "$0")/lib.sh"

need() {
	command -v "$1" >/dev/null && return 0
	ok 1 "$1 is installed ($2)"
	return 1
}

run metrics --json
is "$rc" 1 "metrics --json: usage error"
is "$err" "dmainspect: metrics: prints a text format of its own; --json does not apply" "... and why"
run metrics extra
is "$rc" 1 "metrics with an operand: usage error"

# promtool check metrics FILE: its complaints, one a line; none when clean.
promcheck() { promtool check metrics <"$1" 2>&1; }

if need promtool "apt-get install prometheus"; then
	for fx in $(fixtures); do
		run --sysroot "$FIXTURES/$fx" metrics
		printf '%s\n' "$out" >"$TMP/$fx.prom"
		msg=$(promcheck "$TMP/$fx.prom")
		[ "$rc" -eq 0 ] && [ -z "$msg" ]
		ok $? "metrics on $fx: exit $rc, promtool check metrics is clean"
		[ -z "$msg" ] || diag "$msg"
	done
	run metrics
	printf '%s\n' "$out" >"$TMP/live.prom"
	msg=$(promcheck "$TMP/live.prom")
	[ "$rc" -eq 0 ] && [ -z "$msg" ]
	ok $? "metrics on this machine: exit $rc, promtool check metrics is clean"
	[ -z "$msg" ] || diag "$msg"
fi

# Every family has HELP and TYPE before its samples.
for fx in $(fixtures); do
	"$DMAINSPECT" --sysroot "$FIXTURES/$fx" metrics | awk '
		/^# HELP / { help[$3] = 1; next }
		/^# TYPE / { type[$3] = 1; next }
		{ n = $1; sub(/\{.*/, "", n); if (!help[n] || !type[n]) { print "no HELP/TYPE before " n; bad = 1 } }
		END { exit bad }' >"$TMP/ht" 2>&1
	ok $? "$fx: HELP and TYPE precede every sample"
done

# The values, against the fixtures' own files. value FILE NAME LABELS: the
# sample NAME{LABELS} of FILE ("none" when absent).
value() { awk -v s="$2$3" '$1 == s { print $2; f = 1 } END { if (!f) print "none" }' "$1"; }
for fx in $(fixtures); do
	root=$FIXTURES/$fx
	"$DMAINSPECT" --sysroot "$root" metrics >"$TMP/v.prom"
	sw=$root/sys/kernel/debug/swiotlb
	if [ -r "$sw/io_tlb_nslabs" ]; then
		want="$(cat "$sw/io_tlb_nslabs") $(cat "$sw/io_tlb_used") $(($(cat "$sw/io_tlb_used") * 2048))"
		got="$(value "$TMP/v.prom" dmainspect_swiotlb_pool_slabs '{pool="default"}') $(value "$TMP/v.prom" \
			dmainspect_swiotlb_pool_used_slabs '{pool="default"}') $(value "$TMP/v.prom" \
			dmainspect_swiotlb_pool_used_bytes '{pool="default"}')"
		is "$got" "$want" "$fx: default pool slabs, used slabs and bytes as debugfs says"
	fi
	want=$(cat "$root"/sys/kernel/iommu_groups/*/type 2>/dev/null | sort | uniq -c |
		awk '{ printf "dmainspect_iommu_groups{type=\"%s\"} %s\n", $2, $1 }')
	got=$(grep '^dmainspect_iommu_groups{' "$TMP/v.prom" | sort)
	is "$got" "$want" "$fx: groups by domain type as the groups' type files say"
	want=$(for d in "$root"/sys/bus/pci/devices/*; do
		[ -r "$d/dma_mask_bits" ] &&
			printf 'dmainspect_device_dma_mask_width{device="%s"} %s\n' "${d##*/}" "$(cat "$d/dma_mask_bits")"
	done | sort)
	got=$(grep '^dmainspect_device_dma_mask_width{device="[0-9a-f]*:' "$TMP/v.prom" | sort)
	is "$got" "$want" "$fx: each PCI function's mask width as its dma_mask_bits says"
done

# -o FILE: written whole through a temporary file in its directory.
mkdir "$TMP/tf"
run --sysroot "$FIXTURES/q35-iommu-lazy-7.2" metrics -o "$TMP/tf/dmainspect.prom"
is "$rc $out" "0 " "-o FILE: exit 0, nothing on stdout"
"$DMAINSPECT" --sysroot "$FIXTURES/q35-iommu-lazy-7.2" metrics >"$TMP/stdout.prom"
cmp -s "$TMP/tf/dmainspect.prom" "$TMP/stdout.prom"
ok $? "-o FILE holds what stdout would"
is "$(ls "$TMP/tf")" "dmainspect.prom" "-o FILE leaves no temporary file"
is "$(stat -c %a "$TMP/tf/dmainspect.prom")" 644 "-o FILE is readable by node_exporter (0644)"
run metrics -o "$TMP/nodir/dmainspect.prom"
is "$rc" 2 "-o into a missing directory: exit 2"
is "$err" "dmainspect: metrics: $TMP/nodir/dmainspect.prom: $TMP/nodir/: No such file or directory" \
	"... and why, naming the missing directory as report does"

# As nobody: fewer series, and the readability gauges say why.
if command -v setpriv >/dev/null && [ "$(id -u)" -eq 0 ]; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$DMAINSPECT" metrics >"$TMP/nobody.prom" 2>"$TMP/nobody.err"
	rc=$?
	is "$rc" 0 "as nobody: exit 0"
	if command -v promtool >/dev/null; then
		msg=$(promcheck "$TMP/nobody.prom")
		is "$msg" "" "as nobody: promtool check metrics is clean"
	fi
	if setpriv --reuid=65534 --regid=65534 --clear-groups test -r /sys/kernel/debug/swiotlb/io_tlb_used; then
		want=1
	else
		want=0
	fi
	got=$(awk '/^dmainspect_source_readable\{source="debugfs_swiotlb"/ { print $NF }' "$TMP/nobody.prom")
	is "$got" "$want" "as nobody: debugfs readability as nobody finds it"
	grep -q '^dmainspect_source_readable{source="debugfs_swiotlb",reason="[^"]' "$TMP/nobody.prom" ||
		[ "$want" = 1 ]
	ok $? "as nobody: an unreadable source carries its reason"
else
	diag "not root: the run as nobody is left out"
fi

# A real node_exporter serves the file's series (values as floats).
normalize() { # the samples of a text exposition, labels sorted, values as numbers
	"$PYTHON" -c '
import re, sys
for line in sys.stdin:
    if not line.startswith("dmainspect_"):
        continue
    m = re.match(r"([a-z_]+)(?:\{(.*)\})? (\S+)$", line.strip())
    labels = sorted(re.findall(r"([a-z_]+)=\"((?:[^\"\\\\]|\\\\.)*)\"", m.group(2) or ""))
    print(m.group(1), labels, float(m.group(3)))' | sort
}
if need prometheus-node-exporter "apt-get install prometheus-node-exporter" && need curl "apt-get install curl"; then
	port=$((20000 + $$ % 20000))
	mkdir "$TMP/textfile"
	"$DMAINSPECT" --sysroot "$FIXTURES/q35-iommu-lazy-7.2" metrics -o "$TMP/textfile/dmainspect.prom"
	prometheus-node-exporter --web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
		--collector.textfile --collector.textfile.directory="$TMP/textfile" >"$TMP/ne.log" 2>&1 &
	ne=$!
	for _ in $(seq 50); do
		curl -sf "http://127.0.0.1:$port/metrics" >"$TMP/scraped" 2>/dev/null && break
		sleep 0.1
	done
	kill "$ne"
	wait "$ne" 2>/dev/null
	grep -q '^dmainspect_' "$TMP/scraped"
	ok $? "node_exporter serves dmainspect_* series"
	[ -s "$TMP/scraped" ] || diag "$(tail -n 5 "$TMP/ne.log")"
	normalize <"$TMP/textfile/dmainspect.prom" >"$TMP/want"
	normalize <"$TMP/scraped" >"$TMP/got"
	cmp -s "$TMP/want" "$TMP/got"
	ok $? "node_exporter serves exactly the file's samples ($(wc -l <"$TMP/want") of them)"
	cmp -s "$TMP/want" "$TMP/got" || diag "$(diff "$TMP/want" "$TMP/got" | head -n 10)"
	kill -0 "$ne" 2>/dev/null
	is "$?" 1 "node_exporter is stopped afterwards"
fi

done_testing

#!/bin/sh
# Checks `dmainspect report` on the running kernel: the bundle holds the
# kernel's own files as they are (command line, IOMMU group types, debugfs
# swiotlb counts, the kernel log), and every command replayed from it, from
# the bundle file and from its extracted tree, prints the JSON the live run
# printed, apart from the fields the schema marks 'live'; the same for a
# bundle made by an unprivileged user.  The truth is read here with shell
# tools, never by dmainspect.
# shellcheck disable=SC2016 # jq programs are in single quotes
set -eu
# shellcheck source=tests/vm/guest/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/vm/guest/live-fields.sh
. "$(dirname "$0")/live-fields.sh"

DMAINSPECT=${DMAINSPECT:-dmainspect}
schema=${DMAINSPECT_SCHEMA:-/usr/share/dmainspect/dmainspect.schema.json}
config=$(vm_config)
work=$(mktemp -d)
chmod 0755 "$work"
top=dmainspect-report

if [ ! -r "$schema" ]; then
	tap_fail "the schema is installed in the guest ($schema)"
	tap_done
	exit 0
fi

# roundtrip NAME BUNDLE file|dir: each command's captured JSON equals its
# replay from the bundle file (file) or from the extracted sysroot/ (dir);
# list is replayed from the other one too.  (Each replay of the file
# extracts it again, which takes a while under TCG.)
roundtrip() {
	_dir=$work/x-$1
	mkdir -p "$_dir"
	if xz -dc "$2" | tar -x -C "$_dir" 2>"$work/tar.err"; then
		tap_ok "$1: the bundle extracts with xz and tar"
	else
		tap_fail "$1: the bundle extracts with xz and tar" "$(head -n 5 "$work/tar.err")"
	fi
	_n=0
	for _j in "$_dir/$top"/json/*.json; do
		[ -f "$_j" ] || continue
		_n=$((_n + 1))
		_cmd=$(basename "$_j" .json)
		strip_live "$schema" "$_j" >"$work/want.json" 2>&1
		for _from in file dir; do
			[ "$_from" = "$3" ] || [ "$_cmd" = list ] || continue
			if [ "$_from" = file ]; then
				_root=$2 _what="the bundle file"
			else
				_root=$_dir/$top/sysroot _what="the extracted sysroot/"
			fi
			"$DMAINSPECT" --sysroot "$_root" "$_cmd" --json 2>"$work/replay.err" |
				strip_live "$schema" >"$work/got.json" 2>&1 || true
			tap_same_lines "$work/want.json" "$work/got.json" \
				"$1: $_cmd replayed from $_what prints what the live run printed"
		done
	done
	# Every command of --help without operands is in the bundle, but report,
	# trace (it counts the live kernel for a time) and metrics (no JSON).
	_want=$("$DMAINSPECT" --help | awk '/^Commands:/{f=1; next} /^$/{f=0}
		f && $1 != "report" && $1 != "trace" && $1 != "metrics" {
		    a = substr($0, 12, 16); sub(/ +$/, "", a)
		    if (a == "" || a ~ /^\[/) n++ } END { print n + 0 }')
	tap_is "$_n" "$_want" "$1: the bundle holds the JSON of every command without operands"
}

# --- as root, while a process holds dma-bufs ---

hpid=
if command -v dmabuf-holder >/dev/null; then
	holder_start "$work/holder" || tap_diag "dmabuf-holder: $(cat "$work/holder" 2>&1)"
fi

# A record user space writes to the log: the bundle must not keep it.
marker=
if echo "dmainspect-report-guest-marker" >/dev/kmsg 2>/dev/null; then
	marker=dmainspect-report-guest-marker
fi
t0=$(date +%s)
rc=0
"$DMAINSPECT" report -o "$work/root.tar.xz" >"$work/out" 2>"$work/err" || rc=$?
tap_diag "report took $(($(date +%s) - t0)) s"
tap_is "$rc" 0 "report exits with status 0 ($config)"
[ -s "$work/err" ] && tap_diag "stderr: $(head -n 10 "$work/err")"
tap_is "$(cat "$work/out")" "$work/root.tar.xz" "report prints the bundle's name"
roundtrip root "$work/root.tar.xz" file
s=$work/x-root/$top/sysroot

# intel-lazy and intel-strict send their bundle to the host on the capture
# stream: the suite compares the bundles of two guests with 'dmainspect diff'
# and checks that it finds it missing when none came.
case $config in
intel-lazy | intel-strict)
	if [ -n "${DMAINSPECT_CAPTURE_DEV:-}" ]; then
		{
			echo "@@dmainspect-bundle begin"
			base64 "$work/root.tar.xz"
			echo "@@dmainspect-bundle end"
		} >"$DMAINSPECT_CAPTURE_DEV"
	fi
	;;
esac

if cmp -s /proc/cmdline "$s/proc/cmdline"; then
	tap_ok "the bundle's proc/cmdline is the kernel's command line"
else
	tap_fail "the bundle's proc/cmdline is the kernel's command line" \
		"kernel: $(cat /proc/cmdline)" "bundle: $(cat "$s/proc/cmdline" 2>&1)"
fi

: >"$work/groups.truth"
: >"$work/groups.got"
for g in /sys/kernel/iommu_groups/*; do
	[ -e "$g/type" ] || continue
	n=$(basename "$g")
	printf '%s %s\n' "$n" "$(cat "$g/type")" >>"$work/groups.truth"
	printf '%s %s\n' "$n" "$(cat "$s/sys/kernel/iommu_groups/$n/type" 2>/dev/null)" >>"$work/groups.got"
done
tap_same_lines "$work/groups.truth" "$work/groups.got" \
	"the bundle holds every IOMMU group's type as the kernel says it ($(wc -l <"$work/groups.truth") groups)"

sw=/sys/kernel/debug/swiotlb
if [ -r "$sw/io_tlb_nslabs" ]; then
	tap_is "$(cat "$s/sys/kernel/debug/swiotlb/io_tlb_nslabs" 2>&1)" "$(cat "$sw/io_tlb_nslabs")" \
		"the bundle holds debugfs io_tlb_nslabs as the kernel says it"
else
	# No default pool: the kernel has none to show, and the bundle must not invent one.
	tap_check "no default pool in debugfs ($config): the bundle holds none either" \
		test ! -e "$s/sys/kernel/debug/swiotlb/io_tlb_nslabs"
fi

bufinfo=/sys/kernel/debug/dma_buf/bufinfo
if [ -n "$hpid" ] && [ -r "$bufinfo" ]; then
	# The holder sleeps: nothing changed since the capture.
	if cmp -s "$bufinfo" "$s/sys/kernel/debug/dma_buf/bufinfo"; then
		tap_ok "the bundle holds debugfs bufinfo as the kernel says it"
	else
		tap_fail "the bundle holds debugfs bufinfo as the kernel says it" \
			"$(diff "$bufinfo" "$s/sys/kernel/debug/dma_buf/bufinfo" 2>&1 | head -n 20)"
	fi
	grep /dmabuf: "/proc/$hpid/maps" >"$work/maps.truth" || true
	tap_same_lines "$work/maps.truth" "$s/proc/$hpid/maps" \
		"the holder's maps are kept, its dma-buf lines only"
	n=$(jq --argjson p "$hpid" '[.buffers[] | select(any(.holders[]?; .pid == $p))] | length' \
		"$work/x-root/$top/json/bufs.json" 2>/dev/null || echo 0)
	if [ "$n" -gt 0 ]; then
		tap_ok "the captured bufs JSON has the holder's buffers ($n)"
	else
		tap_fail "the captured bufs JSON has the holder's buffers" \
			"$(jq -c '.buffers[0]' "$work/x-root/$top/json/bufs.json" 2>&1 | head -c 600)"
	fi
else
	tap_fail "the bundle holds debugfs bufinfo and the holder's maps" \
		"the dma-buf holder did not start (pid '$hpid') or bufinfo is unreadable"
fi
if [ -n "$hpid" ]; then
	kill "$hpid" 2>/dev/null || true
fi

# The kernel log: its first kernel line, and no record of user space.
first=$(dmesg | head -n 1 | sed 's/^\[[^]]*\] //')
if grep -qF -- "$first" "$s/dev/kmsg" 2>/dev/null; then
	tap_ok "the bundle's dev/kmsg holds the kernel log (first line: $first)"
else
	tap_fail "the bundle's dev/kmsg holds the kernel log" "first line: $first" \
		"bundle: $(head -n 2 "$s/dev/kmsg" 2>&1)"
fi
if [ -z "$marker" ] || ! dmesg | grep -q "$marker"; then
	tap_fail "a record user space wrote to /dev/kmsg is not kept" \
		"the test could not write its record to /dev/kmsg"
elif grep -q "$marker" "$s/dev/kmsg"; then
	tap_fail "a record user space wrote to /dev/kmsg is not kept"
else
	tap_ok "a record user space wrote to /dev/kmsg is not kept"
fi

# --- as nobody ---

grep -q '^nobody:' /etc/passwd 2>/dev/null || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
mkdir "$work/nobody"
chmod 0777 "$work/nobody"
rc=0
(cd "$work/nobody" && su -s /bin/sh nobody -c "$DMAINSPECT report -o $work/nobody/user.tar.xz") \
	>"$work/out" 2>"$work/err" || rc=$?
if [ "$rc" = 0 ] || [ "$rc" = 3 ]; then
	tap_ok "report as nobody writes a bundle (exit status $rc)"
else
	tap_fail "report as nobody writes a bundle (exit status $rc)" "$(head -n 10 "$work/err")"
fi
if [ -r "$sw/io_tlb_nslabs" ] || [ -r /sys/kernel/debug/dma_buf/bufinfo ]; then
	if grep -q 'run it as root' "$work/err"; then
		tap_ok "as nobody, stderr says what was not readable and how to get it"
	else
		tap_fail "as nobody, stderr says what was not readable and how to get it" "$(cat "$work/err")"
	fi
fi
roundtrip nobody "$work/nobody/user.tar.xz" dir
if grep -q 'as uid 65534 (not root' "$work/x-nobody/$top/README" 2>/dev/null; then
	tap_ok "the README of nobody's bundle says it was made without root"
else
	tap_fail "the README of nobody's bundle says it was made without root" \
		"$(head -n 5 "$work/x-nobody/$top/README" 2>&1)"
fi

rm -rf "$work"
tap_diag "t-report.sh took $(($(date +%s) - t0)) s"
tap_done

#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# dmainspect report: round trips (capture, extract, replay, compare apart
# from the fields the schema marks 'live') on this machine as root and as an
# unprivileged user, on every fixture and on a dma-buf snapshot; what the
# bundle holds and what it must not; redaction; the size cap; writing
# safely; hostile bundles given to --sysroot; the bug-report script.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dmabuf-snapshot.sh"
. "$top_srcdir/tests/vm/guest/live-fields.sh"

schema=$SCHEMA
script=$top_srcdir/data/dmainspect-bug-report.sh
top=dmainspect-report
chmod 0755 "$TMP"
# Where --sysroot extracts bundles: memory when there is some (fast), else $TMP.
if TMPDIR=$(mktemp -d /dev/shm/dmainspect-report-test.XXXXXX 2>/dev/null); then
	trap 'rm -rf "$TMP" "$TMPDIR"' EXIT
else
	TMPDIR=$TMP/tmpdir
	mkdir "$TMPDIR"
fi
chmod 0777 "$TMPDIR"
export TMPDIR

# Commands a report runs: those without operands that print JSON and can
# replay (not trace, which counts the live kernel for a time, nor metrics,
# which prints Prometheus text), but report itself.
mapfile -t commands < <(commands_without_operands | grep -vx report)
[[ " ${commands[*]} " == *" list iommu swiotlb "* && " ${commands[*]} " == *" bufs "* &&
	" ${commands[*]} " != *" buf "* && " ${commands[*]} " != *" trace "* &&
	" ${commands[*]} " != *" metrics "* && " ${commands[*]} " != *" diff "* ]]
ok $? "the commands a report runs: ${commands[*]}"

# extract BUNDLE DIR: GNU tar unpacks it (the format is plain ustar/pax).
extract() {
	rm -rf "$2" && mkdir -p "$2" && tar -xJf "$1" -C "$2"
}

# no_leftovers DESCRIPTION: --sysroot removed its extraction directories.
no_leftovers() {
	local left
	left=$(find "$TMPDIR" -maxdepth 1 -name 'dmainspect-bundle.*' | wc -l)
	is "$left" 0 "$1: no extraction directory is left behind"
}

# roundtrip NAME BUNDLE [DMAINSPECT]: every command's JSON in the bundle is
# what a replay of the bundle file, and of its extracted sysroot/, prints.
roundtrip() {
	local name=$1 bundle=$2 bin=${3:-$DMAINSPECT} dir=$TMP/x-$1 cmd
	extract "$bundle" "$dir"
	ok $? "$name: GNU tar extracts the bundle"
	for cmd in "${commands[@]}"; do
		if [ ! -f "$dir/$top/json/$cmd.json" ]; then
			ok 1 "$name: the bundle holds json/$cmd.json"
			continue
		fi
		strip_live "$schema" "$dir/$top/json/$cmd.json" >"$TMP/want.json"
		"$bin" --sysroot "$bundle" "$cmd" --json 2>"$TMP/replay.err" | strip_live "$schema" >"$TMP/got.json"
		if cmp -s "$TMP/want.json" "$TMP/got.json"; then
			ok 0 "$name: $cmd replayed from the bundle file prints the captured JSON"
		else
			ok 1 "$name: $cmd replayed from the bundle file prints the captured JSON"
			diff "$TMP/want.json" "$TMP/got.json" | head -n 20 | sed 's/^/#   /'
		fi
		"$bin" --sysroot "$dir/$top/sysroot" "$cmd" --json 2>/dev/null | strip_live "$schema" >"$TMP/got.json"
		cmp -s "$TMP/want.json" "$TMP/got.json"
		ok $? "$name: $cmd replayed from the extracted sysroot/ prints the captured JSON"
	done
	no_leftovers "$name"
}

# --- this machine, as root ---

if [ "$(id -u)" = 0 ]; then
	run report -o "$TMP/live.tar.xz"
	is "$rc" 0 "live: report exits 0"
	is "$out" "$TMP/live.tar.xz" "live: report prints the bundle's name"
	roundtrip live "$TMP/live.tar.xz"
	d=$TMP/x-live/$top
	for cmd in "${commands[@]}"; do
		msg=$(validate_json "$d/json/$cmd.json" 2>&1)
		ok $? "live: json/$cmd.json validates against the schema"
		[ -z "$msg" ] || diag "$msg"
	done
	cmp -s /proc/cmdline "$d/sysroot/proc/cmdline"
	ok $? "live: sysroot/proc/cmdline is the kernel's command line"
	grep -q '^  buf .*not run' "$d/README"
	ok $? "live: the README says buf was not run, and why"
	grep -q 'Made by dmainspect .* as uid 0 (root)' "$d/README"
	ok $? "live: the README says who made it"
	[ -f "$d/sysroot/dmainspect/errors" ] && [ -f "$d/sysroot/dmainspect/names.json" ]
	ok $? "live: the bundle holds dmainspect/errors and dmainspect/names.json"
	if [ -r /dev/kmsg ] && head -c 1 /dev/kmsg >/dev/null 2>&1; then
		first=$(dd if=/dev/kmsg iflag=nonblock bs=8192 count=1 2>/dev/null | head -n 1 | cut -d';' -f2-)
		grep -qF -- "$first" "$d/sysroot/dev/kmsg"
		ok $? "live: sysroot/dev/kmsg holds the kernel log's first record"
	fi
else
	echo "ok $((_tap_n += 1)) - live round trip as root # SKIP not root"
fi

# --- this machine, without privileges ---

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	nb=$TMP/nobody
	mkdir -m 0777 "$nb"
	cp "$DMAINSPECT" "$nb/dmainspect"
	chmod 0755 "$nb/dmainspect"
	as_nobody() { (cd "$nb" && setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"); }
	as_nobody "$nb/dmainspect" report -o "$nb/nobody.tar.xz" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	ok $((rc == 0 || rc == 3 ? 0 : 1)) "non-root: report writes a bundle (exit status $rc)"
	is "$(stat -c %U "$nb/nobody.tar.xz" 2>/dev/null)" nobody "non-root: the bundle is the caller's"
	roundtrip non-root "$nb/nobody.tar.xz"
	grep -q 'as uid 65534 (not root' "$TMP/x-non-root/$top/README"
	ok $? "non-root: the README says it was made without root"
	if grep -qE 'Permission denied|Operation not permitted' "$TMP/x-non-root/$top/README"; then
		grep -q 'run it as root' "$TMP/err"
		ok $? "non-root: what could not be read is summed up on stderr, with the remedy"
	fi
	as_nobody "$nb/dmainspect" --sysroot "$nb/nobody.tar.xz" list --json >/dev/null 2>&1
	ok $? "non-root: the unprivileged user replays its own bundle"
else
	echo "ok $((_tap_n += 1)) - non-root round trip # SKIP needs root and setpriv"
fi

# --- every fixture: replay equals capture; the tree holds what was read ---

for fx in $(fixtures); do
	run --sysroot "$FIXTURES/$fx" report --no-redact -o "$TMP/$fx.tar.xz"
	is "$rc" 0 "$fx: report exits 0"
	roundtrip "$fx" "$TMP/$fx.tar.xz"
	d=$TMP/x-$fx/$top
	for cmd in "${commands[@]}"; do
		"$DMAINSPECT" --sysroot "$FIXTURES/$fx" "$cmd" --json >"$TMP/direct.json" 2>/dev/null
		cmp -s "$TMP/direct.json" "$d/json/$cmd.json"
		ok $? "$fx: json/$cmd.json is exactly what $cmd --json prints on the fixture"
	done
	# Every file kept is the fixture's, byte for byte (or empty: listed, never
	# read); every link has the fixture's target.
	bad=$(cd "$d/sysroot" && find . -path ./dmainspect -prune -o -path ./dev/kmsg -prune -o \
		\( -type f -o -type l \) -print | while read -r f; do
		if [ -L "$f" ]; then
			[ "$(readlink "$f")" = "$(readlink "$FIXTURES/$fx/$f")" ] || echo "$f"
		elif [ -s "$f" ]; then
			cmp -s "$f" "$FIXTURES/$fx/$f" || echo "$f"
		fi
	done)
	is "$bad" "" "$fx: every file and link in sysroot/ is the fixture's"
done

# A replay takes names from dmainspect/names.json, not from this machine's hwdb and
# module index: change one answer there and the replay shows it.
d=$TMP/x-q35-iommu-lazy-6.1/$top/sysroot
alias=$(jq -r '.hwdb | keys[0]' "$d/dmainspect/names.json")
jq --arg a "$alias" '.hwdb[$a] = {"vendor": "Replayed Vendor", "model": "Replayed Model"} |
	.modules[$a] = {"module": "replayed_module"}' "$d/dmainspect/names.json" >"$TMP/names.json"
cp "$TMP/names.json" "$d/dmainspect/names.json"
is "$("$DMAINSPECT" --sysroot "$d" list --json | jq -r --arg a "$alias" \
	'.devices[] | select(.modalias == $a) | "\(.vendor_name) \(.device_name)"')" \
	"Replayed Vendor Replayed Model" "a replay takes vendor and model names from names.json"
is "$(jq -r '[.modules[] | select(.module == null and .errno == null)] | length' "$TMP/names.json")" 0 \
	"names.json: every module answer is a module or an errno"

# What no command reads stays out.
cp -a "$FIXTURES/q35-iommu-lazy-6.1" "$TMP/secret"
dev=$(basename "$(find "$TMP/secret/sys/bus/pci/devices/" -mindepth 1 | head -n 1)")
echo TOPSECRET >"$TMP/secret/sys/bus/pci/devices/$dev/zz_unread_attr"
mkdir -p "$TMP/secret/etc" && echo TOPSECRET >"$TMP/secret/etc/shadow"
run --sysroot "$TMP/secret" report -o "$TMP/secret.tar.xz"
extract "$TMP/secret.tar.xz" "$TMP/x-secret"
! grep -rq TOPSECRET "$TMP/x-secret"
ok $? "files no command reads are not in the bundle"

# --- the dma-buf snapshot: processes, fds, maps ---

mkdir -p "$TMP/dmabuf/sys"
make_dmabuf_snapshot "$TMP/dmabuf"
run --sysroot "$TMP/dmabuf" report -o "$TMP/dmabuf.tar.xz"
is "$rc" 0 "dma-bufs: report exits 0"
roundtrip dma-bufs "$TMP/dmabuf.tar.xz"
d=$TMP/x-dma-bufs/$top/sysroot
is "$(cat "$d/proc/100/maps")" "7f0000000000-7f0000004000 rw-s 00000000 00:0e 30                         /dmabuf:
7f0000004000-7f0000006000 r--s 00000000 00:0e 33                         /dmabuf:mapped only" \
	"dma-bufs: of the maps, only the dma-buf lines are kept"
is "$(readlink "$d/proc/100/fd/4")" "/dmabuf:two words" "dma-bufs: a dma-buf fd keeps its target"
[ ! -e "$d/proc/100/fd/5" ] && [ ! -L "$d/proc/100/fd/5" ]
ok $? "dma-bufs: an fd on something else is not kept"

# --- redaction ---

cp -a "$FIXTURES/q35-iommu-lazy-6.1" "$TMP/private"
host=$(hostname)
{
	echo '6,9000,5000000,-;e1000e 0000:00:19.0 eth0: (PCI Express:2.5GT/s:Width x1) 00:1f:16:0a:bb:cc'
	echo '6,9001,5000001,-;usb 1-1: SerialNumber: ABCDEF123456'
	echo '6,9002,5000002,-;audit: zq7user logged in'
	echo "6,9003,5000003,-;DMAR: this host is $host today"
	echo '14,9004,5000004,-;systemd[1]: user-space record'
} >>"$TMP/private/dev/kmsg"
SUDO_USER=zq7user "$DMAINSPECT" --sysroot "$TMP/private" report -o "$TMP/private.tar.xz" >/dev/null 2>&1
extract "$TMP/private.tar.xz" "$TMP/x-private"
for secret in 00:1f:16:0a:bb:cc ABCDEF123456 zq7user; do
	! grep -rqF "$secret" "$TMP/x-private"
	ok $? "redaction: '$secret' is nowhere in the bundle"
done
case $host in
localhost* | '(none)' | '') ;;
*)
	! grep -rqw -- "$host" "$TMP/x-private/$top/sysroot/dev/kmsg"
	ok $? "redaction: the host name is not in the kernel log kept"
	;;
esac
grep -q 'xx:xx:xx:xx:xx:xx' "$TMP/x-private/$top/sysroot/dev/kmsg" &&
	grep -q 'SerialNumber: SERIAL' "$TMP/x-private/$top/sysroot/dev/kmsg" &&
	grep -q 'USERNAME logged in' "$TMP/x-private/$top/sysroot/dev/kmsg"
ok $? "redaction: placeholders stand where they were"
! grep -q 'user-space record' "$TMP/x-private/$top/sysroot/dev/kmsg"
ok $? "the kernel log keeps no user-space records"
grep -qE '^  MAC addresses +[1-9]' "$TMP/x-private/$top/README"
ok $? "redaction: the README counts what was redacted"
roundtrip redacted "$TMP/private.tar.xz"
SUDO_USER=zq7user "$DMAINSPECT" --sysroot "$TMP/private" report --no-redact -o "$TMP/private-nr.tar.xz" \
	>/dev/null 2>&1
extract "$TMP/private-nr.tar.xz" "$TMP/x-private-nr"
grep -qF 00:1f:16:0a:bb:cc "$TMP/x-private-nr/$top/sysroot/dev/kmsg" &&
	grep -qF zq7user "$TMP/x-private-nr/$top/sysroot/dev/kmsg"
ok $? "--no-redact keeps them"
grep -q 'Redacted: nothing' "$TMP/x-private-nr/$top/README"
ok $? "--no-redact: the README says nothing was redacted"

# --- the size cap ---

run --sysroot "$FIXTURES/q35-iommu-lazy-6.1" report --max-size 64K -o "$TMP/small.tar.xz"
is "$rc" 3 "--max-size too small for everything: exit status 3"
[[ $err == *"left out"*"--max-size"* ]]
ok $? "--max-size: stderr says files were left out"
extract "$TMP/small.tar.xz" "$TMP/x-small"
grep -q '^Left out to stay within --max-size' "$TMP/x-small/$top/README"
ok $? "--max-size: the README lists what was left out"
bytes=$(xz -dc "$TMP/small.tar.xz" | wc -c)
ok $((bytes <= 65536 ? 0 : 1)) "--max-size: the bundle holds at most 64 KiB ($bytes bytes)"
for bad in 0 -5 1T abc 2G 1K; do
	run --sysroot "$FIXTURES/q35-iommu-lazy-6.1" report --max-size "$bad" -o "$TMP/bad.tar.xz"
	is "$rc" 1 "--max-size $bad is a usage error"
done
[ ! -e "$TMP/bad.tar.xz" ]
ok $? "a usage error writes nothing"

# --- writing safely ---

lazy=$FIXTURES/q35-iommu-lazy-6.1
echo keep >"$TMP/victim"
ln -s "$TMP/victim" "$TMP/link.tar.xz"
run --sysroot "$lazy" report -o "$TMP/link.tar.xz"
is "$rc" 2 "-o naming a symlink: exit status 2"
is "$err" "dmainspect: report: $TMP/link.tar.xz: is a symbolic link; refusing to write through it or replace it" \
	"-o naming a symlink: refused with the reason"
is "$(cat "$TMP/victim")" keep "-o naming a symlink: its target is untouched"
run --sysroot "$lazy" report -o "$TMP/no/such/dir/r.tar.xz"
is "$rc" 2 "-o in a missing directory: exit status 2"
run --sysroot "$lazy" report -o "$TMP"
is "$rc" 2 "-o naming a directory: exit status 2"
echo old >"$TMP/replace.tar.xz"
run --sysroot "$lazy" report -o "$TMP/replace.tar.xz"
xz -t "$TMP/replace.tar.xz" 2>/dev/null
ok $? "-o naming a file: replaced by the bundle"
is "$(find "$TMP" -maxdepth 1 -name '.*.tar.xz.*' | wc -l)" 0 "no temporary file is left beside it"
mkdir "$TMP/cwd"
out=$(cd "$TMP/cwd" && "$DMAINSPECT" --sysroot "$lazy" report 2>/dev/null)
[[ $out =~ ^dmainspect-report-[0-9]{8}-[0-9]{6}\.tar\.xz$ ]] && [ -f "$TMP/cwd/$out" ]
ok $? "without -o: dmainspect-report-DATE.tar.xz in the current directory ($out)"
run --sysroot "$lazy" report extra
is "$rc" 1 "an operand is a usage error"
run --sysroot "$lazy" report --json -o "$TMP/j.tar.xz"
echo "$out" >"$TMP/summary.json"
validate_json "$TMP/summary.json" >/dev/null 2>&1
ok $? "--json: the summary validates against the schema"
is "$(jq -r '.report.file, (.report.commands[] | select(.name == "buf") | .skipped)' <<<"$out")" \
	"$TMP/j.tar.xz
needs an operand" "--json: the summary names the file and the skipped command"

# --- hostile bundles ---

# hostile NAME: python writes $TMP/NAME.tar (members from stdin: a small program).
hostile() {
	"$PYTHON" - "$TMP/$1.tar" && xz -f "$TMP/$1.tar"
}
mkdir -p "$TMP/outside"
echo OUTSIDE-SECRET >"$TMP/outside/cmdline"
hostile escape <<EOF
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT)
def add(name, type=tarfile.REGTYPE, data=b"", link=""):
    i = tarfile.TarInfo("$top/sysroot/" + name)
    i.type, i.linkname, i.size = type, link, len(data)
    t.addfile(i, io.BytesIO(data))
add("sys", tarfile.DIRTYPE)
add("proc", tarfile.DIRTYPE)
add("proc/cmdline", tarfile.SYMTYPE, link="$TMP/outside/cmdline")
add("sys/class", tarfile.SYMTYPE, link="../../../../../../../../$TMP/outside")
add("sys/bus", tarfile.SYMTYPE, link="/etc")
add("sys/firmware", tarfile.SYMTYPE, link="../..")
add("dev", tarfile.DIRTYPE)
add("dev/kmsg", tarfile.FIFOTYPE)
add("sys/devices", tarfile.CHRTYPE)
t.close()
EOF
timeout 30 "$DMAINSPECT" --sysroot "$TMP/escape.tar.xz" iommu --json >"$TMP/out" 2>"$TMP/err"
rc=$?
is "$rc" 0 "hostile bundle with escaping links, a FIFO and a device: replays (no hang)"
! grep -q OUTSIDE-SECRET "$TMP/out" && ! grep -q 'root:' "$TMP/out"
ok $? "hostile bundle: nothing outside it is read"
grep -q 'left out 2 members that are not directories, regular files or symlinks' "$TMP/err"
ok $? "hostile bundle: the FIFO and the device node are left out, and it says so"
no_leftovers "hostile bundle"

hostile loop <<EOF
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w")
for name, link in (("sys/kernel", "kernel"), ("sys/class", "bus"), ("sys/bus", "class")):
    i = tarfile.TarInfo("$top/sysroot/" + name)
    i.type, i.linkname = tarfile.SYMTYPE, link
    t.addfile(i)
t.close()
EOF
timeout 30 "$DMAINSPECT" --sysroot "$TMP/loop.tar.xz" iommu >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $((rc == 0 || rc == 2 ? 0 : 1)) "a bundle of symlink loops: no hang, no crash (exit status $rc)"
[ "$rc" = 0 ] || grep -q 'Too many levels of symbolic links' "$TMP/err"
ok $? "a bundle of symlink loops: a failure says why"
no_leftovers "a bundle of symlink loops"

hostile dotdot <<EOF
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w")
i = tarfile.TarInfo("$top/sysroot/../../../escaped")
i.size = 4
t.addfile(i, io.BytesIO(b"evil"))
t.close()
EOF
run --sysroot "$TMP/dotdot.tar.xz" list
is "$rc" 2 "a '..' member: refused, exit status 2"
[[ $err == *"unsafe member name"* ]]
ok $? "a '..' member: the reason is given"
[ ! -e "$TMP/escaped" ] && [ ! -e "$TMPDIR/escaped" ]
ok $? "a '..' member: nothing is written outside"
no_leftovers "a '..' member"

hostile absolute <<EOF
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT)
i = tarfile.TarInfo("$TMP/absolute-escape")
i.size = 4
t.addfile(i, io.BytesIO(b"evil"))
t.close()
EOF
run --sysroot "$TMP/absolute.tar.xz" list
is "$rc" 2 "an absolute member: refused"
[ ! -e "$TMP/absolute-escape" ]
ok $? "an absolute member: nothing is written there"

hostile through <<EOF
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w")
i = tarfile.TarInfo("$top/sysroot/sys")
i.type, i.linkname = tarfile.SYMTYPE, "$TMP/outside"
t.addfile(i)
i = tarfile.TarInfo("$top/sysroot/sys/evil")
i.size = 4
t.addfile(i, io.BytesIO(b"evil"))
t.close()
EOF
run --sysroot "$TMP/through.tar.xz" list
is "$rc" 2 "a member under a symlink: refused"
[[ $err == *"its directory is a symbolic link"* ]]
ok $? "a member under a symlink: the reason is given"
[ ! -e "$TMP/outside/evil" ]
ok $? "a member under a symlink: nothing is written through it"

# A header that claims 1 GiB: refused before anything is read or written.
hostile huge <<EOF
import sys, tarfile
i = tarfile.TarInfo("$top/sysroot/sys/huge")
i.size = 1 << 30
with open(sys.argv[1], "wb") as f:
    f.write(i.tobuf(format=tarfile.USTAR_FORMAT))
    f.write(b"\0" * 4096)
EOF
start=$(date +%s)
run --sysroot "$TMP/huge.tar.xz" list
is "$rc" 2 "a huge member: refused"
[[ $err == *"over the 512 MiB limit"* ]]
ok $? "a huge member: the limit is named"
ok $(($(date +%s) - start < 10 ? 0 : 1)) "a huge member: refused at once"
no_leftovers "a huge member"

head -c 3000 "$TMP/q35-iommu-lazy-6.1.tar.xz" >"$TMP/truncated.tar.xz"
run --sysroot "$TMP/truncated.tar.xz" list
is "$rc" 2 "a truncated bundle: refused"
[[ $err == *"corrupt or truncated"* || $err == *"ends in the middle"* ]]
ok $? "a truncated bundle: says so ($err)"

# tmpdir_empty DESCRIPTION: nothing at all is left in $TMPDIR.
tmpdir_empty() {
	local left
	left=$(find "$TMPDIR" -mindepth 1 | wc -l)
	is "$left" 0 "$1: nothing is left in \$TMPDIR"
}

# one_file NAME PATH: $TMP/NAME.tar.xz holds one 4-byte file, PATH (a Python
# expression) under $top/sysroot/.
one_file() {
	hostile "$1" <<EOF
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT)
i = tarfile.TarInfo("$top/sysroot/" + $2)
i.size = 4
t.addfile(i, io.BytesIO(b"data"))
t.close()
EOF
}

# xz bombs. Three honest members of 200 MiB of zeros (under 200 KiB
# compressed): the third would take the bundle over 512 MiB and is refused
# by its header, before it is written.
"$PYTHON" - "$TMP/bomb.tar.xz" <<EOF
import lzma, sys, tarfile
class Zeros:
    def __init__(self, n): self.n = n
    def read(self, k=-1):
        k = self.n if k < 0 else min(k, self.n)
        self.n -= k
        return bytes(k)
with lzma.open(sys.argv[1], "wb", preset=0) as z, tarfile.open(fileobj=z, mode="w", format=tarfile.PAX_FORMAT) as t:
    for k in range(3):
        i = tarfile.TarInfo("$top/sysroot/zeros%d" % k)
        i.size = 200 << 20
        t.addfile(i, Zeros(i.size))
EOF
start=$(date +%s)
run --sysroot "$TMP/bomb.tar.xz" list
diag "xz bomb: $(stat -c %s "$TMP/bomb.tar.xz") bytes for 600 MiB; refused in $(($(date +%s) - start)) s"
is "$rc" 2 "an xz bomb (600 MiB of zeros): refused"
[[ $err == *"member '$top/sysroot/zeros2' (209715200 bytes) takes the bundle over the 512 MiB limit"* ]]
ok $? "an xz bomb: the member that crosses the limit and the limit are named"
tmpdir_empty "an xz bomb"
# An xz stream whose header asks for a 1.5 GiB dictionary: the decoder's
# memory limit refuses it before it allocates anything.
"$PYTHON" - "$TMP/dict.tar.xz" <<'EOF'
import lzma, struct, sys, zlib
x = bytearray(lzma.compress(b"\0" * 10240, check=lzma.CHECK_CRC64, filters=[{"id": lzma.FILTER_LZMA2, "preset": 0}]))
size = (x[12] + 1) * 4                  # the block header, after the 12-byte stream header
assert x[14] == 0x21                    # one filter, LZMA2: its one property byte is the dictionary size
x[16] = 37                              # 37: 1.5 GiB
x[12 + size - 4:12 + size] = struct.pack("<I", zlib.crc32(bytes(x[12:12 + size - 4])))
open(sys.argv[1], "wb").write(x)
EOF
run --sysroot "$TMP/dict.tar.xz" list
is "$rc" 2 "an xz stream asking for a 1.5 GiB dictionary: refused"
[[ $err == *": the xz stream needs "*" MiB of memory to decompress, more than the 256 MiB of memory allowed" ]]
ok $? "an xz stream asking for a 1.5 GiB dictionary: the memory limit is named ($err)"
tmpdir_empty "an xz stream asking for a 1.5 GiB dictionary"

# Shapes a bundle may take; each is replayed (or refused) and leaves nothing.
one_file deep '"d/" * 2000 + "f"'
run --sysroot "$TMP/deep.tar.xz" list
is "$rc" 2 "2000 nested directories: refused"
[[ $err == *"more than the limit of 64 directories deep"* ]]
ok $? "2000 nested directories: the depth limit is named ($err)"
tmpdir_empty "2000 nested directories"

one_file deep64 '"sys/" + "d/" * 61 + "f"'
run --sysroot "$TMP/deep64.tar.xz" iommu
is "$rc" 0 "a member 64 directories deep: replayed"
tmpdir_empty "a member 64 directories deep"

hostile wide <<EOF
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w")
for d in ("$top", "$top/sysroot", "$top/sysroot/sys", "$top/sysroot/sys/wide"):
    i = tarfile.TarInfo(d)
    i.type = tarfile.DIRTYPE
    t.addfile(i)
for n in range(30000):
    i = tarfile.TarInfo("$top/sysroot/sys/wide/%06d" % n)
    i.size = 2
    t.addfile(i, io.BytesIO(b"w\n"))
t.close()
EOF
run --sysroot "$TMP/wide.tar.xz" iommu
is "$rc" 0 "30000 files in one directory: replayed"
tmpdir_empty "30000 files in one directory"

hostile names <<EOF
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT)
for name in ("n" * 255, "m" * 255 + "/" + "o" * 255):
    i = tarfile.TarInfo("$top/sysroot/sys/" + name)
    i.size = 1
    t.addfile(i, io.BytesIO(b"x"))
for n in range(2):
    i = tarfile.TarInfo("$top/sysroot/sys/twice")
    i.size = 1
    t.addfile(i, io.BytesIO(b"1" if n == 0 else b"2"))
t.close()
EOF
run --sysroot "$TMP/names.tar.xz" iommu
is "$rc" 0 "names of 255 bytes and a duplicate member: replayed"
[[ $err == *"left out 1 members"*"duplicates"* ]]
ok $? "the duplicate is left out, and it says so"
tmpdir_empty "names of 255 bytes"

one_file toolong '"l" * 256'
run --sysroot "$TMP/toolong.tar.xz" list
is "$rc" 2 "a name of 256 bytes: refused"
[[ $err == *"File name too long"* ]]
ok $? "a name of 256 bytes: says why ($err)"
tmpdir_empty "a name of 256 bytes"

head -c 100000 /dev/urandom | xz -0 >"$TMP/garbage.tar.xz"
run --sysroot "$TMP/garbage.tar.xz" list
is "$rc" 2 "xz-compressed garbage: refused"
[[ $err == *"not a tar archive"* || $err == *"neither a directory nor a report bundle"* ]]
ok $? "xz-compressed garbage: says so ($err)"
tmpdir_empty "xz-compressed garbage"

# interrupt SIGNAL: replay the wide bundle, send SIGNAL once its extraction
# directory holds something; prints "SEEN STATUS LEFT" (Popen's status: -N
# for a death by signal N; LEFT: what is in $TMPDIR after it).
interrupt() {
	"$PYTHON" - "$1" "$DMAINSPECT" "$TMP/wide.tar.xz" "$TMPDIR" <<'PY'
import glob, os, signal, subprocess, sys, time
sig = getattr(signal, sys.argv[1])
def default_signals():
    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, signal.SIG_DFL)
p = subprocess.Popen([sys.argv[2], "--sysroot", sys.argv[3], "iommu"], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, preexec_fn=default_signals)
seen, end = False, time.time() + 60
while p.poll() is None and time.time() < end and not seen:
    for d in glob.glob(os.path.join(sys.argv[4], "dmainspect-bundle.*")):
        if os.path.isdir(os.path.join(d, "dmainspect-report")):
            seen = True
            p.send_signal(sig)
    time.sleep(0.001)
status = p.wait()
print(seen, status, len(os.listdir(sys.argv[4])))
PY
}
for sig in SIGTERM SIGINT; do
	read -r seen status left < <(interrupt "$sig")
	n=$(kill -l "$sig")
	is "$seen $status" "True -$n" "$sig during extraction: the replay dies of it"
	is "$left" 0 "$sig during extraction: nothing is left in \$TMPDIR"
done

# --- the bug-report script ---

if command -v shellcheck >/dev/null; then
	shellcheck -s sh "$script"
	ok $? "dmainspect-bug-report.sh is shellcheck-clean"
else
	ok 1 "shellcheck is installed"
fi
printf '#!/bin/sh\nexec "%s" --sysroot "%s" "$@"\n' "$DMAINSPECT" "$lazy" >"$TMP/dmi"
chmod +x "$TMP/dmi"
DMAINSPECT=$TMP/dmi sh "$script" "$TMP/script.tar.xz" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "the script exits 0"
is "$(cat "$TMP/out")" "$TMP/script.tar.xz" "the script prints the bundle's name"
xz -dc "$TMP/script.tar.xz" | tar -xOf - "$top/system.txt" >"$TMP/system.txt" 2>/dev/null
grep -q '^## uname' "$TMP/system.txt" && grep -q '^## /etc/os-release' "$TMP/system.txt" &&
	grep -q '^dmainspect ' "$TMP/system.txt"
ok $? "the script adds system.txt to the bundle"
! grep -qw -- "$(uname -n)" "$TMP/system.txt"
ok $? "system.txt leaves the host name out"
roundtrip script "$TMP/script.tar.xz"

done_testing

#!/bin/sh
# Checks `dmainspect buf` and `dmainspect bufs` against what the kernel says
# of its dma-bufs: debugfs dma_buf/bufinfo, /proc/PID/fdinfo, /proc/PID/fd
# links and /proc/PID/maps, read here with shell tools, never by dmainspect.
# The helper dmabuf-holder makes five vgem buffers (named with a space and a
# tab, unnamed, mapped without an fd, held by the kernel only, and one for
# vgem's fences), a udmabuf and one buffer per DMA heap where the kernel has
# them, and queues the unnamed one on vivid (dma-contig allocator), which
# attaches vivid.0. On a signal it attaches a real pending vgem write fence
# (or signals it).
set -eu
# shellcheck source=tests/vm/guest/lib.sh
. "$(dirname "$0")/lib.sh"

DMAINSPECT=${DMAINSPECT:-dmainspect}
work=$(mktemp -d)
bufinfo=/sys/kernel/debug/dma_buf/bufinfo
NAME=$(printf 'dmainspect named\tbuf')

# --- truth, read with shell tools ---

# The kernel prints numbers with leading zeros, which busybox awk reads as octal.
AWKDEC='function dec(s) { sub(/^0+/, "", s); return s == "" ? "0" : s }'

# bi INODE FIELD: a field of bufinfo's line for the buffer (1 size, 2 flags
# hex, 3 mode hex, 4 count, 5 exporter, 7- name).
bi() {
	awk -F '\t' -v ino="$1" "$AWKDEC"'/^[0-9]/ && dec($6) == ino { print; exit }' "$bufinfo" |
		cut -f"$2"
}
bi_dec() { awk -v v="$(bi "$1" "$2")" "$AWKDEC"'BEGIN { print dec(v) }'; }
bi_hex() { printf '%d' "0x$(bi "$1" "$2")"; }
# The attached devices (one per line) and the number of fences of a buffer.
bi_attached() {
	awk -v ino="$1" "$AWKDEC"'
		/^[0-9]/ { split($0, f, "\t"); cur = dec(f[6]) == ino; att = 0; next }
		cur && $0 == "\tAttached Devices:" { att = 1; next }
		/^Total/ { cur = 0; next }
		cur && att && /^\t/ { sub(/^\t/, ""); print }' "$bufinfo"
}
bi_fences() {
	awk -v ino="$1" "$AWKDEC"'
		/^[0-9]/ { split($0, f, "\t"); cur = dec(f[6]) == ino; next }
		/^\tAttached Devices:/ || /^Total/ { cur = 0 }
		cur && / fence:/ { n++ }
		END { print n + 0 }' "$bufinfo"
}
bi_inodes() { awk -F '\t' "$AWKDEC"'/^[0-9]/ { print dec($6) }' "$bufinfo" | sort -n; }
bi_objects() { sed -n 's/^Total \([0-9]*\) objects.*/\1/p' "$bufinfo"; }
# fdi PID FD KEY: a value of /proc/PID/fdinfo/FD.
fdi() { awk -v k="$3:" 'index($0, k) == 1 { sub(/^[^\t]*\t/, ""); print; exit }' "/proc/$1/fdinfo/$2"; }
# The fence lines of a buffer, as bufinfo prints them.
bi_fence_lines() {
	awk -v ino="$1" "$AWKDEC"'
		/^[0-9]/ { split($0, f, "\t"); cur = dec(f[6]) == ino; next }
		/^\tAttached Devices:/ || /^Total/ { cur = 0 }
		cur && / fence:/' "$bufinfo"
}
# Those lines as "usage|driver|timeline|context|seqno|[un]signalled", from
# either format of dma_fence_describe: 7.x "fence:CONTEXT:SEQNO TIMELINE
# DRIVER" (names empty once signalled), 5.19 to 6.x "fence:DRIVER TIMELINE
# seq N" (context "null": not printed).
TAB=$(printf '\t')
bi_fence_fields() {
	bi_fence_lines "$1" | sed -E \
		-e "s/^$TAB([a-z]+) fence:([0-9]+):([0-9]+) (.*) ([^ ]*) ((un)?signalled)\$/\\1|\\5|\\4|\\2|\\3|\\6/" -e t \
		-e "s/^$TAB([a-z]+) fence:([^ ]*) (.*) seq ([0-9]+) ((un)?signalled)\$/\\1|\\2|\\3|null|\\4|\\5/"
}
# The same fields of buffers[0] as dmainspect printed them (null names as empty).
JQ_FENCES='.buffers[0].fences[] | [.usage, (.driver // ""), (.timeline // ""), .context, .seqno,
	(if .signalled then "signalled" else "unsignalled" end)] | map(if . == null then "null" else tostring end) | join("|")'
# Hundredths of a second since boot.
now_cs() { awk '{ printf "%d\n", $1 * 100 }' /proc/uptime; }
script_t0=$(now_cs)
# The kernel's page size, from its own smaps.
PAGE=$(awk '/^KernelPageSize:/ { print $2 * 1024; exit }' /proc/self/smaps)
# mode_of NODE: "mode 0600, owner 0:0" as dmainspect words a refusal.
mode_of() { printf 'node mode %04o, owner %s' "0$(stat -c %a "$1")" "$(stat -c %u:%g "$1")"; }
# others_rw NODE: the node's permissions let any user read and write it.
others_rw() { [ $((0$(stat -c %a "$1") & 06)) = 6 ]; }
# The DRM node of a driver: drm_node PREFIX DRIVER, by the DRM driver name
# that debugfs dri/MINOR/name starts with.
drm_node() {
	for n in /dev/dri/"$1"*; do
		[ -c "$n" ] || continue
		minor=$(stat -c %T "$n")
		minor=$((0x$minor))
		read -r name _ <"/sys/kernel/debug/dri/$minor/name" 2>/dev/null || continue
		if [ "$name" = "$2" ]; then
			echo "$n"
			return
		fi
	done
}

j() { jq -r "$1" "$work/out.json"; }
jc() { jq -c "$1" "$work/out.json"; }
# dmi ARGS...: run dmainspect, JSON to out.json, stderr to err, status to $rc.
dmi() {
	rc=0
	"$DMAINSPECT" "$@" >"$work/out.json" 2>"$work/err" || rc=$?
}

if [ ! -r "$bufinfo" ]; then
	tap_fail "debugfs dma_buf/bufinfo is readable" "init mounts debugfs; $bufinfo is missing"
	tap_done
	exit 0
fi

# --- vivid with the dma-contig allocator, to attach a device to a buffer ---

vivid=0
if [ -s /etc/modules.extra ]; then
	while read -r ko; do
		case ${ko##*/} in
		vivid.ko) insmod "$ko" allocators=1 2>/dev/null && vivid=1 ;;
		*) insmod "$ko" 2>/dev/null || true ;;
		esac
	done </etc/modules.extra
fi
[ "$vivid" = 1 ] || tap_diag "NOTE: vivid could not be loaded: no device will be attached to a buffer"

# --- the helper ---

if ! command -v dmabuf-holder >/dev/null; then
	tap_fail "the dmabuf-holder helper is in the guest" "build it with 'make check' beside dmainspect"
	tap_done
	exit 0
fi
if ! holder_start "$work/holder"; then
	tap_fail "dmabuf-holder made its buffers" "$(cat "$work/holder" 2>/dev/null)"
	kill "$hpid" 2>/dev/null || true
	tap_done
	exit 0
fi
tap_ok "dmabuf-holder made its buffers"
objects_before=$(bi_objects)
field() { awk -v k="$1" -v f="$2" '$1 == k { print $f; exit }' "$work/holder"; }
named_fd=$(field named 2) named_ino=$(field named 3)
unnamed_fd=$(field unnamed 2) unnamed_ino=$(field unnamed 3)
mapped_ino=$(field mapped 3) kernel_ino=$(field kernel 3)
fenced_fd=$(field fenced 2) fenced_ino=$(field fenced 3)
import=$(field import 2)
if [ "$import" = none ]; then
	tap_diag "NOTE: no buffer was imported ($(sed -n 's/^import none //p' "$work/holder")):" \
		"attached devices were NOT exercised"
fi

# --- buf on another process's fd: the named buffer ---

# The kernel's count while dmainspect does not run; dmainspect adds its duplicate.
count=$(fdi "$hpid" "$named_fd" count)
dmi buf "/proc/$hpid/fd/$named_fd" --json
tap_is "$rc" 0 "buf /proc/PID/fd/N exits 0"
[ -s "$work/err" ] && tap_diag "stderr: $(cat "$work/err")"
tap_is "$(j '.buffers[0].inode')" "$(stat -L -c %i "/proc/$hpid/fd/$named_fd")" "buf: inode as stat sees it"
tap_is "$(j '.buffers[0].inode')" "$(fdi "$hpid" "$named_fd" ino)" "buf: inode as fdinfo says"
tap_is "$(j '.buffers[0].size')" "$(fdi "$hpid" "$named_fd" size)" "buf: size as fdinfo says"
tap_is "$(j '.buffers[0].size')" "$(bi_dec "$named_ino" 1)" "buf: size as bufinfo says"
tap_is "$(j '.buffers[0].exporter')" "$(fdi "$hpid" "$named_fd" exp_name)" "buf: exporter as fdinfo says"
tap_is "$(j '.buffers[0].name')" "$(fdi "$hpid" "$named_fd" name)" "buf: name as fdinfo says"
tap_is "$(j '.buffers[0].name')" "$NAME" "buf: the name with a space and a tab"
tap_is "$(j '.buffers[0].name')" "$(bi "$named_ino" 7-)" "buf: name as bufinfo says"
tap_is "$(j '.buffers[0].fd_flags')" "$(printf '%d' "$(fdi "$hpid" "$named_fd" flags)")" "buf: fd flags as fdinfo says"
tap_is "$(j '.buffers[0].file_count')" "$((count + 1))" "buf: file count is fdinfo's plus dmainspect's duplicate"
tap_is "$(j '.buffers[0].listed')" true "buf: bufinfo lists the buffer"
tap_is "$(j '.buffers[0].file_flags')" "$(bi_hex "$named_ino" 2)" "buf: file flags as bufinfo says"
tap_is "$(j '.buffers[0].file_mode')" "$(bi_hex "$named_ino" 3)" "buf: file mode as bufinfo says"
tap_is "$(j '.buffers[0].fences | length')" "$(bi_fences "$named_ino")" "buf: fences as bufinfo says"
tap_is "$(j '.buffers[0].attachments[].device')" "$(bi_attached "$named_ino")" "buf: attachments as bufinfo says"
tap_is "$(jc '.buffers[0].source | [.kind, .pid, .fd]')" "[\"process\",$hpid,$named_fd]" "buf: the source"
tap_is "$(jc '.buffers[0].cpu_access | [.mmap, .sync, .export_sync_file]')" "[true,true,true]" \
	"buf: vgem's buffer can be mmap'ed and synced, and 6.1 exports sync files"
tap_is "$(jc '[.buffers[0].map_info, .buffers[0].map_info_error]')" '[null,"not reported by this kernel"]' \
	"buf: map_info is not reported by this kernel"
tap_is "$(j '.buffers[0].cpu_access.advice')" bracket-with-sync "buf: advice is to bracket CPU access with SYNC"
tap_is "$(fdi "$hpid" "$named_fd" count)" "$count" "buf: the holder's file count is back to what it was"

# --- the unnamed buffer, attached to vivid.0 where the import worked ---

dmi buf "$hpid:$unnamed_fd" --json
tap_is "$rc" 0 "buf PID:N exits 0"
tap_is "$(j '.buffers[0].inode')" "$unnamed_ino" "buf PID:N: the inode the holder saw"
tap_is "$(j '.buffers[0].name')" null "buf: an unnamed buffer has a null name"
tap_is "$(j '.buffers[0].attachments[].device')" "$(bi_attached "$unnamed_ino")" \
	"buf: attachments of the imported buffer as bufinfo says"
if [ "$import" != none ]; then
	a=/sys/bus/platform/devices/$import
	tap_is "$(j '.buffers[0].attachments[0].device')" "$import" "buf: the importer is attached"
	tap_is "$(jc '.buffers[0].attachments[0] | [.known, .bus, .driver]')" \
		"[true,\"$(basename "$(readlink "$a/subsystem")")\",\"$(basename "$(readlink "$a/driver")")\"]" \
		"buf: the attached device's bus and driver as sysfs says"
	grp=null
	[ -L "$a/iommu_group" ] && grp=$(basename "$(readlink "$a/iommu_group")")
	tap_is "$(j '.buffers[0].attachments[0].iommu_group')" "$grp" "buf: the attached device's IOMMU group as sysfs says"
fi

# --- a real pending fence: vgem's write fence, which vgem signals after 10 s ---

# fence_req USR1|USR2: ask the holder to attach (USR1) or signal (USR2) the
# fence of the "fenced" buffer; prints its answer line.
fence_req() {
	_n=$(grep -c '^fence ' "$work/holder" || true)
	kill -"$1" "$hpid"
	_i=0
	while [ "$(grep -c '^fence ' "$work/holder" || true)" -le "$_n" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	grep '^fence ' "$work/holder" | tail -n 1
}

# vgem signals the fence 10 s after attaching it: first run everything
# (buf --json, timed; buf; bufs --json), then check. A guest stalled by a
# loaded host can outlast the fence: then again, three times at most.
try=0
while :; do
	try=$((try + 1))
	a=$(fence_req USR1)
	bi_fence_fields "$fenced_ino" >"$work/fence-before"
	t0=$(now_cs)
	dmi buf "$hpid:$fenced_fd" --json
	t1=$(now_cs)
	fence_rc=$rc
	cp "$work/out.json" "$work/fence.json"
	cp "$work/err" "$work/fence.err"
	dmi buf "$hpid:$fenced_fd"
	cp "$work/out.json" "$work/fence.txt"
	dmi bufs --json
	cp "$work/out.json" "$work/fence-bufs.json"
	bi_fence_fields "$fenced_ino" >"$work/fence-after"
	if grep -q '|unsignalled$' "$work/fence-after" && [ $((t1 - t0)) -lt 300 ]; then
		break
	fi
	[ $try -lt 3 ] || break
	tap_diag "NOTE: attempt $try: the fence had signalled by the end, or buf took $((t1 - t0))0 ms:" \
		"a stalled guest; once more"
	fence_req USR2 >/dev/null
done
case $a in
"fence attached "*) tap_ok "vgem attached an unsignalled write fence" ;;
*) tap_fail "vgem attached an unsignalled write fence" "holder: $a" ;;
esac
cp "$work/fence.json" "$work/out.json"
tap_diag "bufinfo: $(bi_fence_lines "$fenced_ino")"
tap_is "$(grep -c '^write|vgem|unbound|.*|unsignalled$' "$work/fence-after")" 1 \
	"fence: bufinfo still shows it unsignalled after the dmainspect runs"
tap_is "$fence_rc" 0 "buf on a buffer with a pending fence exits 0"
[ -s "$work/fence.err" ] && tap_diag "stderr: $(cat "$work/fence.err")"
tap_is "$(j "$JQ_FENCES")" "$(cat "$work/fence-before")" \
	"fence: usage, driver, timeline, context, seqno, state as bufinfo says"
tap_is "$(jc '.buffers[0].fences[0] | [.usage, .driver, .timeline, .signalled]')" \
	'["write","vgem","unbound",false]' "fence: a write fence of driver vgem, timeline unbound, unsignalled"
tap_is "$(j '.buffers[0].fences[0].seqno')" "$(cut -d'|' -f5 "$work/fence-before")" "fence: the seqno bufinfo prints"
tap_is "$(j '.buffers[0].fences[0].context')" "$(cut -d'|' -f4 "$work/fence-before")" \
	"fence: the context where bufinfo prints it (7.x), else null"
tap_is "$(jc '.buffers[0].cpu_access | [.mmap, .sync, .sync_error, .export_sync_file]')" \
	'[true,null,"not probed: unsignalled write fences, DMA_BUF_IOCTL_SYNC would wait for them",true]' \
	"fence: SYNC is not tried while a write fence is pending; mmap and EXPORT_SYNC_FILE are"
if [ $((t1 - t0)) -lt 300 ]; then
	tap_ok "fence: buf returned at once ($((t1 - t0))0 ms; the fence signals after 10 s)"
else
	tap_fail "fence: buf returned at once" "it took $((t1 - t0))0 ms"
fi
tap_is "$(jc '.buffers[0].notes | map(select(startswith("1 unsignalled fence"))) | length')" 1 \
	"fence: the unsignalled fence is noted"
case $(cat "$work/fence.txt") in
*"write: vgem unbound"*"seq $(cut -d'|' -f5 "$work/fence-before") unsignalled"*)
	tap_ok "fence: the text names driver, timeline, seqno and state" ;;
*) tap_fail "fence: the text names driver, timeline, seqno and state" "$(cat "$work/fence.txt")" ;;
esac
tap_is "$(jq -r ".buffers[] | select(.inode == $fenced_ino) | {buffers: [.]} | $JQ_FENCES" "$work/fence-bufs.json")" \
	"$(cat "$work/fence-before")" "fence: bufs shows it as bufinfo does"

a=$(fence_req USR2)
case $a in
"fence signalled "*) tap_ok "vgem signalled the fence" ;;
*) tap_fail "vgem signalled the fence" "holder: $a" ;;
esac
bi_fence_fields "$fenced_ino" >"$work/fence-done"
tap_diag "bufinfo: $(bi_fence_lines "$fenced_ino")"
dmi buf "$hpid:$fenced_fd" --json
tap_is "$(j "$JQ_FENCES")" "$(cat "$work/fence-done")" "signalled fence: as bufinfo says"
tap_is "$(j '.buffers[0].fences[0].signalled')" true "signalled fence: signalled"
if grep -q '^write|||' "$work/fence-done"; then
	# 7.x prints no names once signalled: null, with why.
	tap_is "$(jc '.buffers[0].fences[0] | [.driver, .timeline, (.driver_error | length > 0)]')" \
		'[null,null,true]' "signalled fence: bufinfo prints no names, so driver and timeline are null with why"
else
	tap_is "$(jc '.buffers[0].fences[0] | [.driver, .timeline]')" '["vgem","unbound"]' \
		"signalled fence: bufinfo still names driver and timeline"
fi
tap_is "$(j '.buffers[0].cpu_access.sync')" true "signalled fence: SYNC is probed and works"

# --- test buffers from DRM nodes ---

vgem_card=$(drm_node card vgem)
dmi buf "$vgem_card" --json
tap_is "$rc" 0 "buf $vgem_card (vgem) exits 0"
[ -s "$work/err" ] && tap_diag "stderr: $(cat "$work/err")"
tap_is "$(jc '.buffers[0] | [.exporter, .size, .listed, .source.kind, .source.driver]')" \
	'["drm",16384,true,"drm","vgem"]' "buf on vgem's card: a 64x64x32 dumb buffer exported by drm"
tap_is "$(jc '.buffers[0].cpu_access | [.mmap, .sync, .export_sync_file]')" "[true,true,true]" \
	"buf on vgem's card: CPU access probed"
tap_is "$(bi_objects)" "$objects_before" "buf on vgem's card: the test buffer is freed (bufinfo as before)"
vgem_render=$(drm_node renderD vgem)
dmi buf "$vgem_render" --json
tap_is "$rc" 0 "buf $vgem_render (vgem's render node) exits 0"
tap_is "$(j '.buffers[0].source.allocation')" \
	"dumb buffer 64x64x32 on $vgem_card (render nodes refuse dumb buffers)" \
	"buf on vgem's render node: allocated on its card node"
virtio_render=$(drm_node renderD virtio_gpu)
if [ -n "$virtio_render" ]; then
	dmi buf "$virtio_render" --json
	tap_is "$rc" 0 "buf $virtio_render (virtio-gpu's render node) exits 0"
	[ -s "$work/err" ] && tap_diag "stderr: $(cat "$work/err")"
	tap_is "$(jc '.buffers[0] | [.size, .listed, .source.driver, .source.allocation]')" \
		'[16384,true,"virtio_gpu","virtio-gpu 2D resource 64x64"]' "buf on virtio-gpu's render node: its own allocation"
else
	tap_fail "virtio-gpu has a render node" "$(ls /sys/class/drm)"
fi
tap_is "$(bi_objects)" "$objects_before" "test buffers are freed (bufinfo as before)"
# bochs: DRM_CAP_PRIME is 0 before 6.6 and 3 (import and export) after, for
# every driver; dmainspect tries the export. 6.1 has no prime_handle_to_fd
# for bochs (ENOSYS); 6.6 and later export through the GEM helpers.
kernel_at_least() { # MAJOR MINOR: uname -r is that version or later
	_v=$(uname -r)
	_maj=${_v%%.*} _min=${_v#*.}
	_min=${_min%%[!0-9]*}
	[ "$_maj" -gt "$1" ] || { [ "$_maj" -eq "$1" ] && [ "$_min" -ge "$2" ]; }
}
bochs=$(drm_node card bochs-drm)
if [ -z "$bochs" ]; then
	tap_fail "bochs-drm has a card node" "$(ls /sys/class/drm)"
elif kernel_at_least 6 6; then
	dmi buf "$bochs" --json
	tap_is "$rc" 0 "buf on bochs exits 0: $(uname -r) exports through the GEM PRIME helpers"
	[ -s "$work/err" ] && tap_diag "stderr: $(cat "$work/err")"
	tap_is "$(jc '.buffers[0] | [.exporter, .size, .listed, .source.driver]')" '["drm",16384,true,"bochs-drm"]' \
		"buf on bochs: a dumb buffer exported by drm"
	tap_is "$(bi_objects)" "$objects_before" "buf on bochs: the test buffer is freed (bufinfo as before)"
else
	dmi buf "$bochs" --json
	tap_is "$rc" 2 "buf on bochs ($(uname -r): no PRIME export) exits 2"
	tap_is "$(cat "$work/err")" \
		"dmainspect: buf $bochs: driver bochs-drm refused to export the buffer through PRIME: Function not implemented (DRM_CAP_PRIME is 0)" \
		"buf on bochs: one line naming it, the export's error and the cap"
	tap_is "$(jc '.buffers[0] | [.argument, (.error | length > 0), .inode]')" "[\"$bochs\",true,null]" \
		"buf on bochs: an error entry in valid JSON"
fi

# --- udmabuf and DMA heaps ---

# nobody ARGS...: dmainspect as user 65534, like dmi.
nobody() {
	rc=0
	dmabuf-holder --run-as 65534 "$DMAINSPECT" "$@" >"$work/out.json" 2>"$work/err" || rc=$?
}

# Each guest command costs time under TCG: the checks below read each
# source once. fdinfo_vals PID FD: "ino size count exp_name flags name"
# lines (empty when absent); bufinfo_vals INODE: "size flags mode count
# exporter" lines of its bufinfo line, numbers in decimal.
fdinfo_vals() {
	awk '{ k = $0; sub(/:.*/, "", k); v = $0; sub(/^[^:]*:\t?/, "", v); f[k] = v }
		END { print f["ino"]; print f["size"]; print f["count"]; print f["exp_name"]
			print f["flags"]; print f["name"] }' "/proc/$1/fdinfo/$2"
}
bufinfo_vals() {
	awk -F '\t' -v ino="$1" "$AWKDEC"'/^[0-9]/ && dec($6) == ino {
		print dec($1); print $2; print $3; print dec($4); print $5; exit }' "$bufinfo" >"$work/bi.raw"
	{ read -r _s; read -r _f; read -r _m; read -r _c; read -r _e; } <"$work/bi.raw"
	printf '%s\n%d\n%d\n%s\n%s\n' "$_s" "0x$_f" "0x$_m" "$_c" "$_e"
}
# The fields of buffers[0] that check_held compares, one line each.
JQ_HELD='.buffers[0] | [.inode, .size, .file_count, .exporter, .fd_flags, .name, .listed, .file_flags,
	.file_mode, (.fences | length), ([.attachments[].device] | join(",")), ([.source.kind, .source.pid,
	.source.fd] | tostring), ([.cpu_access.mmap, .cpu_access.sync, .cpu_access.export_sync_file] | tostring)]
	| .[] | if . == null then "null" else tostring end'

# check_held KIND FD INODE: buf PID:FD on a buffer the holder allocated,
# every field against its fdinfo and bufinfo.
check_held() {
	_k=$1 _fd=$2 _ino=$3
	fdinfo_vals "$hpid" "$_fd" >"$work/fdi"
	dmi buf "$hpid:$_fd" --json
	bufinfo_vals "$_ino" >"$work/bi"
	{ read -r f_ino; read -r f_size; read -r f_count; read -r f_exp; read -r f_flags; read -r f_name; } <"$work/fdi"
	{ read -r b_size; read -r b_flags; read -r b_mode; read -r _; read -r b_exp; } <"$work/bi"
	j "$JQ_HELD" >"$work/vals"
	{ read -r g_ino; read -r g_size; read -r g_count; read -r g_exp; read -r g_fdflags; read -r g_name
	  read -r g_listed; read -r g_flags; read -r g_mode; read -r g_fences; read -r g_att; read -r g_src
	  read -r g_cpu; } <"$work/vals"
	tap_is "$rc" 0 "$_k: buf PID:N exits 0"
	[ -s "$work/err" ] && tap_diag "stderr: $(cat "$work/err")"
	tap_is "$g_src" "[\"process\",$hpid,$_fd]" "$_k: the source"
	tap_is "$g_ino" "$_ino" "$_k: inode as the holder's fstat says"
	tap_is "$g_ino" "$f_ino" "$_k: inode as fdinfo says"
	tap_is "$g_size" "$f_size" "$_k: size as fdinfo says"
	tap_is "$g_size" "$b_size" "$_k: size as bufinfo says"
	tap_is "$g_exp" "$f_exp" "$_k: exporter as fdinfo says"
	tap_is "$g_exp" "$b_exp" "$_k: exporter as bufinfo says"
	tap_is "$g_name" "${f_name:-null}" "$_k: name as fdinfo says (none: null)"
	tap_is "$g_fdflags" "$(printf '%d' "$f_flags")" "$_k: fd flags as fdinfo says"
	tap_is "$g_count" "$((f_count + 1))" "$_k: file count is fdinfo's plus dmainspect's duplicate"
	tap_is "$g_listed" true "$_k: bufinfo lists the buffer"
	tap_is "$g_flags" "$b_flags" "$_k: file flags as bufinfo says"
	tap_is "$g_mode" "$b_mode" "$_k: file mode as bufinfo says"
	tap_is "$g_fences" "$(bi_fences "$_ino")" "$_k: fences as bufinfo says"
	tap_is "$g_att" "$(bi_attached "$_ino" | paste -sd, -)" "$_k: attachments as bufinfo says"
	tap_is "$g_cpu" "[true,true,true]" \
		"$_k: mmap, SYNC and EXPORT_SYNC_FILE work (the exporter has mmap and begin_cpu_access)"
}

# check_node NODE KIND EXPORTER HELD_INO HELD_FD: buf NODE, a test buffer,
# as root, as nobody, and as nobody with access to the node. Its fields are
# those of the holder's buffer from the same node (fdinfo, bufinfo), its
# size one page.
check_node() {
	_n=$1 _k=$2 _e=$3 _hino=$4 _hfd=$5
	fdinfo_vals "$hpid" "$_hfd" >"$work/fdi"
	bufinfo_vals "$_hino" >"$work/bi"
	{ read -r _; read -r _; read -r f_count; read -r _; read -r f_flags; } <"$work/fdi"
	{ read -r _; read -r b_flags; read -r b_mode; } <"$work/bi"
	dmi buf "$_n" --json
	jq -c '.buffers[0] | ([.source.kind, .source.device, .source.driver], [.exporter, .size, .name, .listed,
		.fences, .attachments], [.file_flags, .file_mode, .fd_flags, .file_count],
		[.cpu_access.mmap, .cpu_access.sync, .cpu_access.export_sync_file])' "$work/out.json" >"$work/vals"
	{ read -r g_src; read -r g_buf; read -r g_flags; read -r g_cpu; } <"$work/vals"
	tap_is "$rc" 0 "buf $_n exits 0"
	[ -s "$work/err" ] && tap_diag "stderr: $(cat "$work/err")"
	tap_is "$g_src" "[\"$_k\",\"$_n\",\"$_e\"]" "buf $_n: a test buffer from the node"
	tap_is "$g_buf" "[\"$_e\",$PAGE,null,true,[],[]]" \
		"buf $_n: exporter $_e, one page, listed, no fence or attachment"
	tap_is "$g_flags" "[$b_flags,$b_mode,$(printf '%d' "$f_flags"),$f_count]" \
		"buf $_n: file flags, mode, fd flags and count as bufinfo and fdinfo say of the holder's buffer"
	tap_is "$g_cpu" "[true,true,true]" "buf $_n: mmap, SYNC and EXPORT_SYNC_FILE work"
	tap_is "$(bi_objects)" "$objects_before" "buf $_n: the test buffer is freed (bufinfo as before)"
	nobody buf "$_n" --json
	if others_rw "$_n"; then
		tap_is "$rc" 0 "buf $_n as nobody exits 0 ($(mode_of "$_n"))"
	else
		tap_is "$rc" 2 "buf $_n as nobody exits 2 ($(mode_of "$_n"))"
		tap_is "$(cat "$work/err")" \
			"dmainspect: buf $_n: cannot open it read-write: Permission denied ($(mode_of "$_n"))" \
			"buf $_n as nobody: one line naming the node's permissions"
		tap_is "$(jc '.buffers[0] | [.argument, (.error | length > 0), .inode]')" "[\"$_n\",true,null]" \
			"buf $_n as nobody: an error entry in valid JSON"
	fi
	_mode=$(stat -c %a "$_n")
	chmod 0666 "$_n"
	nobody buf "$_n" --json
	chmod "$_mode" "$_n"
	tap_is "$rc" 0 "buf $_n as nobody with access to the node exits 0"
	[ -s "$work/err" ] && tap_diag "stderr: $(cat "$work/err")"
	tap_is "$(jc '.buffers[0] | [.source.kind, .exporter, .size, .file_count, .listed, .listed_error,
		.cpu_access.mmap, .cpu_access.sync, .cpu_access.export_sync_file]')" \
		"[\"$_k\",\"$_e\",$PAGE,1,false,\"Permission denied\",true,true,true]" \
		"buf $_n as nobody: the buffer probed, and bufinfo unreadable without root"
}

# check_in_bufs KIND INODE SIZE EXPORTER FD: bufs finds the holder's buffer.
check_in_bufs() {
	tap_is "$(jq -c ".buffers[] | select(.inode == $2) | [.exporter, .size, [.holders[] | [.pid, .fd]]]" "$work/bufs.json")" \
		"[\"$4\",$3,[[$hpid,$5]]]" "bufs: finds the $1 buffer the holder allocated, its exporter, size and holder"
}
# bufs as the fence section ran it: the holder's buffers are the same.
cp "$work/fence-bufs.json" "$work/bufs.json"

# udmabuf: CONFIG_UDMABUF is bool; built in, it shows in /sys/module/udmabuf.
if [ -d /sys/module/udmabuf ] || [ -e /dev/udmabuf ]; then
	line=$(awk '$1 == "udmabuf"' "$work/holder")
	case $line in
	"udmabuf "[0-9]*)
		tap_ok "the holder allocated a udmabuf"
		u_fd=$(field udmabuf 2) u_ino=$(field udmabuf 3)
		check_held udmabuf "$u_fd" "$u_ino"
		check_in_bufs udmabuf "$u_ino" 8192 udmabuf "$u_fd"
		check_node /dev/udmabuf udmabuf udmabuf "$u_ino" "$u_fd"
		limit=/sys/module/udmabuf/parameters/size_limit_mb
		if [ -w "$limit" ]; then
			old=$(cat "$limit")
			echo 0 >"$limit"
			dmi buf /dev/udmabuf --json
			echo "$old" >"$limit"
			tap_is "$rc" 2 "buf /dev/udmabuf with size_limit_mb 0 exits 2"
			tap_is "$(cat "$work/err")" \
				"dmainspect: buf /dev/udmabuf: udmabuf refused a $PAGE-byte memfd buffer: Invalid argument: the size is above its size_limit_mb module parameter (0 MiB, $limit)" \
				"buf /dev/udmabuf with size_limit_mb 0: the error names size_limit_mb"
			tap_is "$(cat "$limit")" "$old" "size_limit_mb is restored"
		else
			tap_fail "udmabuf's size_limit_mb parameter is writable" "$(ls -l "$limit" 2>&1)"
		fi
		;;
	*) tap_fail "the holder allocated a udmabuf" "holder: ${line:-no udmabuf line}" ;;
	esac
elif grep -q '/udmabuf\.ko' "/lib/modules/$(uname -r)/modules.dep" 2>/dev/null; then
	tap_fail "udmabuf is loaded" "udmabuf is a module here: add it to mkinitramfs.sh's module list"
else
	tap_ok "udmabuf: not applicable, this kernel has none (no /sys/module/udmabuf, no udmabuf.ko)"
	dmi buf /dev/udmabuf "/proc/$hpid/fd/$named_fd" --json
	tap_is "$rc" 3 "buf with a missing /dev/udmabuf and one buffer exits 3"
	tap_is "$(cat "$work/err")" "dmainspect: buf /dev/udmabuf: No such file or directory" \
		"missing /dev/udmabuf: one line"
	tap_is "$(jc '[.buffers[] | .inode]')" "[null,$named_ino]" "missing /dev/udmabuf: an error entry, then the buffer"
fi

# DMA heaps: CONFIG_DMABUF_HEAPS registers the dma_heap class; the heaps
# are whatever /dev/dma_heap holds (names differ between kernels).
if [ -d /sys/class/dma_heap ]; then
	heaps=$(ls /sys/class/dma_heap)
	# The heaps are tristate from 7.x on: a heap module must be loaded by init.
	hmods=$(grep -o '[a-z_]*_heap\.ko' "/lib/modules/$(uname -r)/modules.dep" 2>/dev/null | sort -u)
	if [ -z "$heaps" ] && [ -n "$hmods" ]; then
		tap_fail "DMA heaps are registered" "heap modules not loaded: $hmods (add them to mkinitramfs.sh)"
	elif [ -z "$heaps" ]; then
		tap_ok "DMA heaps: not applicable, the kernel registered none (/sys/class/dma_heap is empty)"
	fi
	for h in $heaps; do
		hfd=$(field "heap:$h" 2) hino=$(field "heap:$h" 3)
		if [ -z "$hino" ]; then
			tap_fail "the holder allocated from heap $h" "$(grep -E "heap" "$work/holder")"
			continue
		fi
		tap_ok "the holder allocated from heap $h"
		check_held "heap $h" "$hfd" "$hino"
		check_in_bufs "heap $h" "$hino" 12288 "$h" "$hfd"
		check_node "/dev/dma_heap/$h" dma-heap "$h" "$hino" "$hfd"
	done
	dmi buf /dev/dma_heap/dmainspect-no-such-heap --json
	tap_is "$(cat "$work/err")" "dmainspect: buf /dev/dma_heap/dmainspect-no-such-heap: No such file or directory" \
		"a heap that does not exist: one line"
else
	tap_ok "DMA heaps: not applicable, this kernel has none (no /sys/class/dma_heap)"
	dmi buf /dev/dma_heap/system "/proc/$hpid/fd/$named_fd" --json
	tap_is "$rc" 3 "buf with a missing heap and one buffer exits 3"
	tap_is "$(cat "$work/err")" "dmainspect: buf /dev/dma_heap/system: No such file or directory" \
		"missing heap: one line"
	tap_is "$(jc '[.buffers[] | .inode]')" "[null,$named_ino]" "missing heap: an error entry, then the buffer"
fi

# --- bufs against bufinfo, fd links, fdinfo and maps ---

dmi bufs --json
tap_is "$rc" 0 "bufs exits 0"
[ -s "$work/err" ] && tap_diag "stderr: $(cat "$work/err")"
j '.buffers[].inode' | sort -n >"$work/got"
bi_inodes >"$work/want"
tap_same_lines "$work/want" "$work/got" "bufs: the buffers bufinfo lists"
jq -r '.buffers[] | "\(.inode) \(.size) \(.exporter)"' "$work/out.json" | sort -n >"$work/got"
awk -F '\t' "$AWKDEC"'/^[0-9]/ { print dec($6), dec($1), $5 }' "$bufinfo" | sort -n >"$work/want"
tap_same_lines "$work/want" "$work/got" "bufs: sizes and exporters as bufinfo says"
# Every fd link naming a dma-buf, with the inode its fdinfo gives.
for l in /proc/[0-9]*/fd/*; do
	case $(readlink "$l" 2>/dev/null) in
	/dmabuf:*) ;;
	*) continue ;;
	esac
	p=${l#/proc/} p=${p%%/*} f=${l##*/}
	echo "$(fdi "$p" "$f" ino) $p $f"
done | sort -n >"$work/want"
jq -r '.buffers[] | .inode as $i | .holders[] | select(.fd != null) | "\($i) \(.pid) \(.fd)"' \
	"$work/out.json" | sort -n >"$work/got"
tap_same_lines "$work/want" "$work/got" "bufs: holders as the fd links and fdinfo say"
awk '$6 ~ /^\/dmabuf:/ { split(FILENAME, a, "/"); print $5, a[3] }' /proc/[0-9]*/maps 2>/dev/null |
	sort -u | sort -n >"$work/want"
jq -r '.buffers[] | .inode as $i | .holders[] | select(.mapped) | "\($i) \(.pid)"' "$work/out.json" |
	sort -u | sort -n >"$work/got"
tap_same_lines "$work/want" "$work/got" "bufs: mappings as /proc/PID/maps says"
tap_is "$(jc ".buffers[] | select(.inode == $mapped_ino) | [.holders[] | [.pid, .fd, .mapped]]")" \
	"[[$hpid,null,true]]" "bufs: the buffer mapped without an fd"
tap_is "$(jc ".buffers[] | select(.inode == $kernel_ino) | .holders")" "[]" "bufs: the kernel-held buffer has no holder"
tap_is "$(jc ".unheld.inodes | index($kernel_ino) != null")" true "bufs: the kernel-held buffer is held by no process"
# What the holder holds: buffers with an fd, and the mapped one.
held=$(awk '$1 == "mapped" || ($2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/) { print $3 }' "$work/holder")
held_bytes=0
for i in $held; do
	held_bytes=$((held_bytes + $(bi_dec "$i" 1)))
done
tap_is "$(jc ".processes[] | select(.pid == $hpid) | [.comm, .count, .bytes]")" \
	"[\"dmabuf-holder\",$(echo "$held" | wc -w),$held_bytes]" "bufs: the helper's buffers, and their bytes as bufinfo says"
awk -F '\t' "$AWKDEC"'/^[0-9]/ { n[$5]++; b[$5] += dec($1) } END { for (e in n) print e, n[e], b[e] }' \
	"$bufinfo" | sort >"$work/want"
jq -r '.exporters[] | "\(.exporter) \(.count) \(.bytes)"' "$work/out.json" | sort >"$work/got"
tap_same_lines "$work/want" "$work/got" "bufs: totals per exporter as bufinfo adds up"
tap_is "$(jc '.scan | [.bufinfo, .processes_unreadable]')" "[true,0]" "bufs as root: everything was read"

# --- without root ---

nobody bufs --json
tap_is "$rc" 0 "bufs as nobody exits 0"
tap_is "$(jc '[.scan.bufinfo, .scan.bufinfo_error, .scan.processes_unreadable > 0, .scan.unreadable_reason]')" \
	'[false,"Permission denied",true,"Permission denied"]' "bufs as nobody: says what it could not read"
tap_is "$(jc '[.buffers[].holders[].pid] | index('"$hpid"')')" null "bufs as nobody: root's buffers are not shown"
nobody bufs
case $(cat "$work/out.json") in
*"processes could not be read (Permission denied)"*) tap_ok "bufs as nobody: the text says the rest was not readable" ;;
*) tap_fail "bufs as nobody: the text says the rest was not readable" "$(cat "$work/out.json")" ;;
esac
nobody buf "$hpid:$named_fd"
tap_is "$rc" 2 "buf on root's process as nobody exits 2"
case $(cat "$work/err") in
"dmainspect: buf $hpid:$named_fd: not permitted to duplicate fd $named_fd of process $hpid:"*)
	tap_ok "buf on root's process as nobody: one line naming it and why" ;;
*) tap_fail "buf on root's process as nobody: one line naming it and why" "$(cat "$work/err")" ;;
esac

kill "$hpid" 2>/dev/null || true
wait "$hpid" 2>/dev/null || true
[ "$vivid" = 1 ] && rmmod vivid 2>/dev/null || true
rm -rf "$work"
tap_diag "t-dmabuf.sh ran for $((($(now_cs) - script_t0) / 100)) s"
tap_done

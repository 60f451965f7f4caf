#!/bin/sh
# Checks `dmainspect buf` and `dmainspect bufs` against what the kernel says
# of its dma-bufs: debugfs dma_buf/bufinfo, /proc/PID/fdinfo, /proc/PID/fd
# links and /proc/PID/maps, read here with shell tools, never by dmainspect.
# The helper dmabuf-holder makes four vgem buffers (named with a space and a
# tab, unnamed, mapped without an fd, held by the kernel only) and queues
# the unnamed one on vivid (dma-contig allocator), which attaches vivid.0.
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
bochs=$(drm_node card bochs-drm)
if [ -n "$bochs" ]; then
	dmi buf "$bochs" --json
	tap_is "$rc" 2 "buf on bochs (no PRIME) exits 2"
	tap_is "$(cat "$work/err")" \
		"dmainspect: buf $bochs: driver bochs-drm cannot export buffers: no PRIME export (DRM_CAP_PRIME is 0)" \
		"buf on bochs: one line naming it and why"
	tap_is "$(jc '.buffers[0] | [.argument, (.error | length > 0), .inode]')" "[\"$bochs\",true,null]" \
		"buf on bochs: an error entry in valid JSON"
else
	tap_fail "bochs-drm has a card node" "$(ls /sys/class/drm)"
fi

# udmabuf and DMA heaps: Debian's 6.1 has neither; only their clean errors are checked.
tap_diag "NOTE: CONFIG_UDMABUF and CONFIG_DMABUF_HEAPS are not set in this kernel:" \
	"the udmabuf and DMA-heap allocations were NOT exercised, only their error paths"
dmi buf /dev/udmabuf /dev/dma_heap/system "/proc/$hpid/fd/$named_fd" --json
tap_is "$rc" 3 "buf with two missing devices and one buffer exits 3"
tap_is "$(cat "$work/err")" "dmainspect: buf /dev/udmabuf: No such file or directory
dmainspect: buf /dev/dma_heap/system: No such file or directory" "missing devices: one line each"
tap_is "$(jc '[.buffers[] | .inode]')" "[null,null,$named_ino]" "missing devices: error entries, then the buffer"

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
tap_is "$(jc ".processes[] | select(.pid == $hpid) | [.comm, .count, .bytes]")" \
	'["dmabuf-holder",3,49152]' "bufs: the helper holds three 16 KiB buffers"
awk -F '\t' "$AWKDEC"'/^[0-9]/ { n[$5]++; b[$5] += dec($1) } END { for (e in n) print e, n[e], b[e] }' \
	"$bufinfo" | sort >"$work/want"
jq -r '.exporters[] | "\(.exporter) \(.count) \(.bytes)"' "$work/out.json" | sort >"$work/got"
tap_same_lines "$work/want" "$work/got" "bufs: totals per exporter as bufinfo adds up"
tap_is "$(jc '.scan | [.bufinfo, .processes_unreadable]')" "[true,0]" "bufs as root: everything was read"

# --- without root ---

# nobody ARGS...: dmainspect as user 65534, like dmi.
nobody() {
	rc=0
	dmabuf-holder --run-as 65534 "$DMAINSPECT" "$@" >"$work/out.json" 2>"$work/err" || rc=$?
}
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
tap_done

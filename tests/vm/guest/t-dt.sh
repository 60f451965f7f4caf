#!/bin/sh
# Checks what dmainspect says about device-tree DMA (`list --json`:
# of_node, dma_of_node, dt_coherent, dt_coherent_from, dt_coherent_log,
# memory_regions, coherent_pool, restricted_pool and the coherency notes of
# the advice; `swiotlb --json`: reserved_memory and kmalloc_bounce) against
# what this guest's kernel shows: /sys/firmware/devicetree/base (the
# of_dma_is_coherent() walk, memory-region phandles resolved against the
# /reserved-memory nodes, their reg), sysfs (each device's of_node, a PCI
# function's host bridge) and the kernel log (dynamic debug's "device is
# (not) dma coherent", the reserved-memory and SWIOTLB sizing lines).  As
# root, then as nobody with the log closed (dmesg_restrict 1) and open (0);
# nobody never reads debugfs.  On x86 there is no device tree: no device has
# a DMA node, and kmalloc never bounces.  The truth is read here with
# busybox tools, never by dmainspect.
# shellcheck disable=SC2016 # jq programs are in single quotes
set -eu
# shellcheck source=tests/vm/guest/lib.sh
. "$(dirname "$0")/lib.sh"

DMAINSPECT=${DMAINSPECT:-dmainspect}
work=$(mktemp -d)
chmod 0755 "$work"
dt=/sys/firmware/devicetree/base
sw=/sys/kernel/debug/swiotlb
arch=$(uname -m)
tab=$(printf '\t')

# --- the kernel: architecture, version, command line, log ---

# arm64 6.5 and later bounce kmalloc buffers smaller than a cache line
# mapped for a non-coherent device (DMA_BOUNCE_UNALIGNED_KMALLOC).
rel=$(uname -r)
major=${rel%%.*}
minor=${rel#*.}
minor=${minor%%[!0-9]*}
ge_6_5=false
if [ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -ge 5 ]; }; then
	ge_6_5=true
fi
# of_dma_is_coherent()'s answer where no node decides (dma_default_coherent).
case $arch in
aarch64 | arm*) arch_default=false ;;
x86_64 | i?86) arch_default=true ;;
*) arch_default=null ;;
esac
forced=false
read -r cmdline </proc/cmdline
for w in $cmdline; do
	case $w in
	swiotlb=force | swiotlb=*,force) forced=true ;;
	esac
done

# The log as dmesg prints it, without the timestamps.
dmesg | sed 's/^\[[^]]*\] *//' >"$work/log"
# "DEV<TAB>true|false": the last "<drv> <dev>: device is (not) dma coherent"
# line of each device (of_dma_configure_id(), dynamic debug).
awk '$3 == "device" && $4 == "is" && $2 ~ /:$/ &&
	($0 ~ /^[^ ]+ [^ ]+: device is dma coherent$/ || $0 ~ /^[^ ]+ [^ ]+: device is not dma coherent$/) {
		d = substr($2, 1, length($2) - 1)
		v[d] = ($5 == "not") ? "false" : "true"
	}
	END { for (d in v) print d "\t" v[d] }' "$work/log" | sort >"$work/log-coherent"
# "DEV<TAB>NODE": "<drv> <dev>: assigned reserved memory node NODE".
awk '$2 ~ /:$/ && $0 ~ /^[^ ]+ [^ ]+: assigned reserved memory node [^ ]+$/ {
		print substr($2, 1, length($2) - 1) "\t" $NF
	}' "$work/log" | sort -u >"$work/log-assigned"
adjusted=$(sed -n 's/^software IO TLB: SWIOTLB bounce buffer size adjusted to \([0-9][0-9]*\)MB$/\1/p' \
	"$work/log" | tail -n 1)
adjusted=${adjusted:-null}

# The default SWIOTLB pool (debugfs, root only) and its high-water mark.
pool=unknown hw0=
if [ -r "$sw/io_tlb_nslabs" ]; then
	pool=true
	hw0=$(cat "$sw/io_tlb_used_hiwater" 2>/dev/null || true)
elif [ -d "$sw" ]; then
	pool=false
fi

# --- device-tree helpers ---

# cells FILE: a property's 32-bit big-endian cells, 8 hex digits a line.
cells() {
	od -An -v -tx1 "$1" | tr -s ' ' '\n' | sed '/^$/d' |
		awk '{ c = c $1 } NR % 4 == 0 { print c; c = "" }'
}

# nodedir PATH: the directory of device-tree node PATH ("/" is the base).
nodedir() {
	if [ "$1" = / ]; then echo "$dt"; else echo "$dt$1"; fi
}

# of_node_of SYSFS_DIR: the device-tree path of the device's node, empty
# without one.
of_node_of() {
	if [ -L "$1/of_node" ]; then
		_p=$(readlink -f "$1/of_node")
		_p=${_p#"$dt"}
		echo "${_p:-/}"
	fi
}

# dma_node_of SYSFS_DIR BUS: the node of_dma_configure() is given: a
# platform device's own (platform_dma_configure()); for a PCI function its
# host bridge's parent's (pci_dma_configure(): the innermost pciDDDD:BB
# above the function, then its parent), none when the bridge sits directly
# under /sys/devices (ACPI).
dma_node_of() {
	if [ "$2" != pci ]; then
		of_node_of "$1"
		return 0
	fi
	_p=$1
	while [ -n "$_p" ] && [ "$_p" != /sys/devices ]; do
		case ${_p##*/} in
		pci[0-9a-f][0-9a-f][0-9a-f][0-9a-f]*:[0-9a-f][0-9a-f])
			_p=${_p%/*}
			[ "$_p" = /sys/devices ] || of_node_of "$_p"
			return 0
			;;
		esac
		_p=${_p%/*}
	done
}

# walk NODE: of_dma_is_coherent(): the nearest of NODE and its parents with
# dma-coherent or dma-noncoherent decides, else the architecture default.
# Sets coh (true/false/null) and from (the deciding node, or "architecture
# default").
walk() {
	_n=$1
	while :; do
		_d=$(nodedir "$_n")
		if [ -e "$_d/dma-coherent" ]; then
			coh=true from=$_n
			return 0
		fi
		if [ -e "$_d/dma-noncoherent" ]; then
			coh=false from=$_n
			return 0
		fi
		[ "$_n" != / ] || break
		_n=${_n%/*}
		[ -n "$_n" ] || _n=/
	done
	coh=$arch_default from="architecture default"
}

# --- reserved memory: the DMA pools of /reserved-memory ---

# One line per shared-dma-pool or restricted-dma-pool child:
# PHANDLE NAME COMPATIBLE START SIZE NO_MAP REUSABLE STATUS (tab-separated).
rmd=$dt/reserved-memory
: >"$work/rmem.tsv"
if [ -d "$rmd" ]; then
	ac=2 sc=1
	[ -f "$rmd/#address-cells" ] && ac=$((0x$(cells "$rmd/#address-cells")))
	[ -f "$rmd/#size-cells" ] && sc=$((0x$(cells "$rmd/#size-cells")))
	for n in "$rmd"/*; do
		[ -d "$n" ] || continue
		compat=
		for c in restricted-dma-pool shared-dma-pool; do
			[ -z "$compat" ] && tr '\0' '\n' <"$n/compatible" 2>/dev/null | grep -qx -- "$c" && compat=$c
		done
		[ -n "$compat" ] || continue
		ph=-
		if [ -f "$n/phandle" ]; then
			ph=$(cells "$n/phandle")
		elif [ -f "$n/linux,phandle" ]; then
			ph=$(cells "$n/linux,phandle")
		fi
		start=null size=null
		if [ -f "$n/reg" ]; then
			# shellcheck disable=SC2046 # two words on purpose
			set -- $(cells "$n/reg" | awk -v ac="$ac" -v sc="$sc" '
				NR <= ac { s = s $1 } NR > ac && NR <= ac + sc { z = z $1 }
				END { if (NR >= ac + sc) print s, z }')
			if [ $# = 2 ]; then
				start=$((0x$1)) size=$((0x$2))
			fi
		elif [ -f "$n/size" ]; then
			size=$((0x$(cells "$n/size" | tr -d '\n')))
		fi
		nomap=false reusable=false status=null
		[ -e "$n/no-map" ] && nomap=true
		[ -e "$n/reusable" ] && reusable=true
		[ -f "$n/status" ] && status=$(tr -d '\0' <"$n/status")
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ph" "${n##*/}" "$compat" "$start" "$size" \
			"$nomap" "$reusable" "$status" >>"$work/rmem.tsv"
	done
fi

# rmem_names FILE: the pool names of the phandles in memory-region FILE, in
# order, one a line.
rmem_names() {
	cells "$1" | awk -F '\t' 'FILENAME == ARGV[1] { n[$1] = $2; next } ($1 in n) { print n[$1] }' \
		"$work/rmem.tsv" -
}

# --- as root: the listing, and the truth for each listed device ---

grep -q '^nobody:' /etc/passwd 2>/dev/null || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null || echo 'nogroup:x:65534:' >>/etc/group

# run ROLE: list --json and swiotlb --json as ROLE (root, nobody) into
# $work/ROLE-list.json and ROLE-swiotlb.json; sets rc_list and rc_sw.
run() {
	rc_list=0 rc_sw=0
	if [ "$1" = root ]; then
		"$DMAINSPECT" list --json >"$work/$2-list.json" 2>"$work/$2-list.err" || rc_list=$?
		"$DMAINSPECT" swiotlb --json >"$work/$2-swiotlb.json" 2>"$work/$2-swiotlb.err" || rc_sw=$?
	else
		su -s /bin/sh nobody -c "$DMAINSPECT list --json" >"$work/$2-list.json" \
			2>"$work/$2-list.err" || rc_list=$?
		su -s /bin/sh nobody -c "$DMAINSPECT swiotlb --json" >"$work/$2-swiotlb.json" \
			2>"$work/$2-swiotlb.err" || rc_sw=$?
	fi
	for _f in list swiotlb; do
		jq -e 'type == "object"' "$work/$2-$_f.json" >/dev/null 2>&1 ||
			echo '{"devices":[],"reserved_memory":[],"kmalloc_bounce":{}}' >"$work/$2-$_f.json"
	done
}

run root root
# The high-water mark only rises: where it rose from 0 while dmainspect ran,
# run it again, now that it is above 0.
if [ "$pool" = true ] && [ "${hw0:-0}" = 0 ]; then
	hw1=$(cat "$sw/io_tlb_used_hiwater" 2>/dev/null || echo 0)
	if [ "$hw1" -gt 0 ]; then
		tap_diag "io_tlb_used_hiwater rose from 0 to $hw1 while dmainspect ran: running it again"
		hw0=$hw1
		run root root
	fi
fi

jq -r '.devices[] | "\(.name)\t\(.path)\t\(.bus)"' "$work/root-list.json" >"$work/devs.tsv"

# Per listed device, tab-separated: NAME OF_NODE DMA_OF_NODE DT_COHERENT
# DT_COHERENT_FROM MEMORY_REGIONS COHERENT_POOL RESTRICTED_POOL (as the root
# log shows it); then the log's DT_COHERENT_LOG goes in as column 6.  null
# for none, "-" for an empty list.
: >"$work/truth.tsv"
while IFS="$tab" read -r name path bus; do
	own=$(of_node_of "$path")
	dma=$(dma_node_of "$path" "$bus")
	coh=null from=null
	[ -z "$dma" ] || walk "$dma"
	# memory-region: the device's own node's, else that of its DMA node
	# (of_dma_set_restricted_buffer()); a coherent pool is the first entry
	# of its own node's only (of_reserved_mem_device_init()).
	regions=- cpool=null rpool=null
	mr=
	if [ -n "$own" ] && [ -s "$(nodedir "$own")/memory-region" ]; then
		mr=$(nodedir "$own")/memory-region
		first=$(cells "$mr" | head -n 1)
		cpool=$(awk -F '\t' -v p="$first" '$1 == p && $3 == "shared-dma-pool" && $7 == "false" { print $2 }' \
			"$work/rmem.tsv" | head -n 1)
		cpool=${cpool:-null}
	elif [ -n "$dma" ] && [ -s "$(nodedir "$dma")/memory-region" ]; then
		mr=$(nodedir "$dma")/memory-region
	fi
	if [ -n "$mr" ]; then
		regions=$(rmem_names "$mr" | tr '\n' ',' | sed 's/,$//')
		regions=${regions:--}
		# The restricted pool the log says the kernel assigned to it.
		rpool=$(awk -F '\t' -v d="$name" 'FILENAME == ARGV[1] { if ($3 == "restricted-dma-pool") r[$2] = 1; next }
			$1 == d && ($2 in r) { print $2; exit }' "$work/rmem.tsv" "$work/log-assigned")
		rpool=${rpool:-null}
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "${own:-null}" "${dma:-null}" "$coh" "$from" \
		"$regions" "$cpool" "$rpool" >>"$work/truth.tsv"
done <"$work/devs.tsv"
# The log's word on each device's coherency, as column 6.
awk -F '\t' -v OFS='\t' 'FILENAME == ARGV[1] { l[$1] = $2; next }
	{ print $1, $2, $3, $4, $5, (($1 in l) ? l[$1] : "null"), $6, $7, $8 }' \
	"$work/log-coherent" "$work/truth.tsv" >"$work/truth2.tsv"
mv "$work/truth2.tsv" "$work/truth.tsv"

# kmalloc bouncing: arm64 6.5+, a default pool, and a listed device that is
# not coherent by the walk (dma_kmalloc_safe()).
awk -F '\t' '$4 == "false" { print $1 }' "$work/truth.tsv" | sort >"$work/noncoherent"
bounces=false
if [ "$arch" = aarch64 ] && [ "$ge_6_5" = true ] && [ "$pool" != false ] && [ -s "$work/noncoherent" ]; then
	bounces=true
fi

# Each reserved-memory pool with the listed devices whose memory-region
# names it.
: >"$work/rmem.want"
while IFS="$tab" read -r ph rname compat start size nomap reusable status; do
	devs=$(awk -F '\t' -v r="$rname" '{ n = split($7, a, ","); for (i = 1; i <= n; i++) if (a[i] == r) print $1 }' \
		"$work/truth.tsv" | sort | tr '\n' ',' | sed 's/,$//')
	echo "$rname $start $size $nomap $reusable $status ${devs:--}" >>"$work/rmem.want"
done <"$work/rmem.tsv"
sort "$work/rmem.want" -o "$work/rmem.want"

# Its boot log lines: "Reserved memory: created ... at START, size N MiB"
# and "OF: reserved mem: initialized node NAME, compatible id ...".
: >"$work/rmem-lines.want"
while IFS="$tab" read -r ph rname compat start size nomap reusable status; do
	created=null
	if [ "$start" != null ]; then
		created=$(grep '^Reserved memory: created .* at 0x[0-9a-f]*, size [0-9]* MiB$' "$work/log" |
			while read -r l; do
				a=$(echo "$l" | sed 's/.* at \(0x[0-9a-f]*\), size .*/\1/')
				[ "$((a))" = "$start" ] && echo "$l"
			done | tail -n 1)
		created=${created:-null}
	fi
	init=$(grep -F "OF: reserved mem: initialized node $rname, compatible id " "$work/log" | tail -n 1 || true)
	init=${init:-null}
	setup=false
	[ "$created" != null ] || [ "$init" != null ] && setup=true
	printf '%s\t%s\t%s\t%s\n' "$rname" "$created" "$init" "$setup" >>"$work/rmem-lines.want"
done <"$work/rmem.tsv"
sort "$work/rmem-lines.want" -o "$work/rmem-lines.want"

# --- checks that need no second listing ---

ndt=$(awk -F '\t' '$3 != "null"' "$work/truth.tsv" | wc -l)
case $arch in
x86_64 | i?86)
	if [ ! -e "$dt" ] && [ "$ndt" = 0 ] &&
		jq -e '[.devices[] | select(.dma_of_node != null or .dt_coherent != null)] | length == 0' \
			"$work/root-list.json" >/dev/null 2>&1; then
		tap_ok "no device tree on $arch: no device has a dma_of_node, and dt_coherent is null"
	else
		tap_fail "no device tree on $arch: no device has a dma_of_node, and dt_coherent is null" \
			"$dt exists: $([ -e "$dt" ] && echo yes || echo no); DMA nodes by sysfs: $ndt" \
			"$(jq -c '[.devices[] | select(.dma_of_node != null or .dt_coherent != null) | [.name, .dma_of_node, .dt_coherent]]' \
				"$work/root-list.json" 2>&1 | head -c 1500)"
	fi
	;;
*)
	if [ -d "$dt" ] && [ "$ndt" -gt 0 ]; then
		tap_ok "the device tree is there and $ndt listed devices have a DMA node by sysfs"
	else
		tap_fail "the device tree is there and listed devices have a DMA node by sysfs" \
			"$dt exists: $([ -d "$dt" ] && echo yes || echo no); DMA nodes: $ndt"
	fi
	;;
esac

# Every platform or AMBA device whose node describes DMA is listed.
for d in /sys/bus/platform/devices/* /sys/bus/amba/devices/*; do
	[ -e "$d/of_node" ] || continue
	for p in dma-coherent dma-noncoherent memory-region iommus dma-ranges; do
		if [ -e "$d/of_node/$p" ]; then
			echo "${d##*/}"
			break
		fi
	done
done | sort >"$work/dtdevs.truth"
jq -r '.devices[] | select(.bus == "platform" or .bus == "amba") | .name' "$work/root-list.json" |
	sort >"$work/dtdevs.all"
# Platform devices listed for another reason (a DRM card, an IOMMU group)
# may be there too: only the missing ones count.
awk 'FILENAME == ARGV[1] { l[$0] = 1; next } !($0 in l)' "$work/dtdevs.all" "$work/dtdevs.truth" \
	>"$work/dtdevs.missing"
if [ ! -s "$work/dtdevs.missing" ]; then
	tap_ok "every platform/AMBA device whose node has a DMA property is listed ($(wc -l <"$work/dtdevs.truth"))"
else
	tap_fail "every platform/AMBA device whose node has a DMA property is listed" \
		"missing: $(tr '\n' ' ' <"$work/dtdevs.missing")"
fi

# --- the checks, for one run ---

# got ROLE: dmainspect's columns, as in truth.tsv, plus the three notes.
got() {
	jq -r '.devices[] | [.name, (.of_node // "null"), (.dma_of_node // "null"),
		(.dt_coherent | tostring),
		(.dt_coherent_from // "null" | if startswith("architecture default") then "architecture default" else . end),
		(.dt_coherent_log | tostring),
		((.memory_regions // []) | if length == 0 then "-" else join(",") end),
		(.coherent_pool // "null"), (.restricted_pool // "null"),
		([.advice.notes[]? | select(startswith("not DMA-coherent"))] | length > 0 | tostring),
		([.advice.notes[]? | select(startswith("small kmalloc buffers mapped for it bounce"))] | length > 0 | tostring),
		([.advice.notes[]? | select(startswith("the device tree declares a per-device coherent pool for it, ")) |
			ltrimstr("the device tree declares a per-device coherent pool for it, ") | split(" ")[0]] |
			if length == 0 then "null" else join(",") end)] | @tsv' "$work/$1-list.json" 2>&1 | sort
}

# col N DESCRIPTION: column N of want.tsv and got.tsv, by device.
col() {
	cut -f "1,$1" "$work/want.tsv" >"$work/want.col"
	cut -f "1,$1" "$work/got.tsv" >"$work/got.col"
	tap_same_lines "$work/want.col" "$work/got.col" "$2"
}

# check ROLE LABEL LOG_READABLE DEBUGFS_READABLE
check() {
	r=$1 who=$2 logok=$3 dbgok=$4
	tap_is "$rc_list $rc_sw" "0 0" "$who: list --json and swiotlb --json exit with status 0"
	[ -s "$work/$r-list.err" ] && tap_diag "list stderr: $(head -n 5 "$work/$r-list.err")"

	# The want columns for this run: the log's words only where the log
	# can be read; a restricted pool with the log closed is not decided
	# here (Debian's kernels have none: CONFIG_DMA_RESTRICTED_POOL is off).
	got "$r" >"$work/got.tsv"
	awk -F '\t' -v OFS='\t' -v logok="$logok" -v bounces="$bounces" '
		FILENAME == ARGV[1] { if ($3 == "restricted-dma-pool") rp[$2] = 1; next }
		FILENAME == ARGV[2] { g[$1] = $9; next }
		{
			log_ = logok ? $6 : "null"
			rpool = $9
			if (!logok) {
				rpool = "null"
				n = split($7, a, ",")
				for (i = 1; i <= n; i++) if (a[i] in rp) rpool = ($1 in g) ? g[$1] : "?"
			}
			print $1, $2, $3, $4, $5, log_, $7, $8, rpool, ($4 == "false") ? "true" : "false",
				($4 == "false" && bounces == "true") ? "true" : "false", $8
		}' "$work/rmem.tsv" "$work/got.tsv" "$work/truth.tsv" | sort >"$work/want.tsv"

	if [ "$r" != root ]; then
		cut -f 1 "$work/want.tsv" >"$work/want.col"
		cut -f 1 "$work/got.tsv" >"$work/got.col"
		tap_same_lines "$work/want.col" "$work/got.col" "$who: the same devices as root's listing"
	fi
	col 2 "$who: of_node is the node of the device's of_node link (null without one)"
	col 3 "$who: dma_of_node is the node of_dma_configure() takes (a PCI function's: its host bridge's parent's)"
	col 4 "$who: dt_coherent is of_dma_is_coherent() by the device tree (architecture default: $arch_default)"
	col 5 "$who: dt_coherent_from names the node that decided, or the architecture default"
	col 10 "$who: the advice has a 'not DMA-coherent' note exactly for the non-coherent devices"
	if [ "$logok" = 1 ]; then
		col 6 "$who: dt_coherent_log is the log's 'device is (not) dma coherent' line for the device (null without one)"
	else
		col 6 "$who: the log is closed: dt_coherent_log is null"
	fi
	col 7 "$who: memory_regions are the pools the memory-region phandles name (own node, else the DMA node)"
	col 8 "$who: coherent_pool is the first entry of the own node's memory-region when a shared-dma-pool"
	col 12 "$who: the advice names the per-device coherent pool exactly where there is one"
	col 9 "$who: restricted_pool is the one the log says was assigned (null: no CONFIG_DMA_RESTRICTED_POOL)"
	col 11 "$who: the advice's kmalloc-bounce note exactly for non-coherent devices where kmalloc bounces"

	# reserved_memory: the device tree's DMA pools.
	s=$work/$r-swiotlb.json
	jq -r '.reserved_memory[]? | "\(.name) \(.start) \(.size_bytes) \(.no_map) \(.reusable) \(.status) \((.devices // []) | sort | if length == 0 then "-" else join(",") end)"' \
		"$s" 2>&1 | sort >"$work/rmem.got"
	tap_same_lines "$work/rmem.want" "$work/rmem.got" \
		"$who: reserved_memory is /reserved-memory's DMA pools (name, reg start and size, no-map, reusable, status, devices): $(wc -l <"$work/rmem.want")"
	if [ "$logok" = 1 ]; then
		cp "$work/rmem-lines.want" "$work/lines.want"
	else
		awk -F '\t' -v OFS='\t' '{ print $1, "null", "null", "null" }' "$work/rmem-lines.want" >"$work/lines.want"
	fi
	jq -r '.reserved_memory[]? | [.name, (.created_line // "null"), (.initialized_line // "null"), (.set_up | tostring)] | @tsv' \
		"$s" 2>&1 | sort >"$work/lines.got"
	tap_same_lines "$work/lines.want" "$work/lines.got" \
		"$who: each pool's 'created' and 'initialized' log lines and set_up$([ "$logok" = 1 ] || echo ' (log closed: null)')"

	# kmalloc_bounce.
	want=null
	[ "$logok" = 1 ] && want=$adjusted
	tap_is "$(jq -r '.kmalloc_bounce.pool_adjusted_mb | tostring' "$s" 2>&1)" "$want" \
		"$who: pool_adjusted_mb is the log's 'SWIOTLB bounce buffer size adjusted to NMB' ($want)"
	tap_is "$(jq -r '.kmalloc_bounce.bounces | tostring' "$s" 2>&1)" "$bounces" \
		"$who: kmalloc_bounce.bounces is $bounces ($arch $rel, $(wc -l <"$work/noncoherent") non-coherent by the device tree)"
	jq -r '.kmalloc_bounce.noncoherent_devices[]?' "$s" 2>&1 | sort >"$work/nc.got"
	tap_same_lines "$work/noncoherent" "$work/nc.got" \
		"$who: noncoherent_devices are the listed devices not coherent by the device tree"
	# The pool's high-water mark, explained by kmalloc bouncing where
	# nothing is forced (debugfs: root only).
	if [ "$dbgok" = 0 ]; then
		mention=false why="debugfs closed"
	elif [ "$bounces" = true ] && [ "$forced" = false ] && [ "${hw0:-0}" -gt 0 ]; then
		mention=true why="io_tlb_used_hiwater $hw0, nothing forced"
	else
		mention=false why="io_tlb_used_hiwater ${hw0:-none}, bounces $bounces, forced $forced"
	fi
	tap_is "$(jq -r '[.kmalloc_bounce.reasons[]? | select(contains("io_tlb_used_hiwater"))] | length > 0' "$s" 2>&1)" \
		"$mention" "$who: the reasons mention io_tlb_used_hiwater: $mention ($why)"
	if [ "$arch" != aarch64 ]; then
		tap_is "$(jq -r --arg a "$arch" '[.kmalloc_bounce.reasons[]? | select(contains($a))] | length > 0' "$s" 2>&1)" \
			true "$who: a kmalloc_bounce reason names the architecture ($arch)"
	fi
}

check root root 1 1

# --- as nobody: debugfs closed; the log closed, then open ---

restrict=$(cat /proc/sys/kernel/dmesg_restrict)
for rs in 1 0; do
	echo "$rs" >/proc/sys/kernel/dmesg_restrict
	logok=0
	su -s /bin/sh nobody -c 'dmesg' >/dev/null 2>&1 && logok=1
	dbgok=0
	su -s /bin/sh nobody -c "cat $sw/io_tlb_nslabs" >/dev/null 2>&1 && dbgok=1
	run nobody "nobody$rs"
	check "nobody$rs" "nobody, dmesg_restrict $rs (log $([ "$logok" = 1 ] && echo open || echo closed))" "$logok" "$dbgok"
done
echo "$restrict" >/proc/sys/kernel/dmesg_restrict

# What root's dmainspect said, devices alike grouped, for the suite's log.
jq -r '[.devices[] | {name, v: "dt_coherent \(.dt_coherent) (\(if .dt_coherent_from != null and .dt_coherent_from == .of_node then "its own node" else .dt_coherent_from end)), log \(.dt_coherent_log), regions \(.memory_regions // [] | if length == 0 then "-" else join(",") end), coherent pool \(.coherent_pool), restricted \(.restricted_pool), advice \(.advice.mode)/\(.advice.path)\([.advice.notes[]? | select(startswith("not DMA-coherent"))] | if length > 0 then ", not-coherent note" else "" end)\([.advice.notes[]? | select(startswith("small kmalloc"))] | if length > 0 then ", kmalloc note" else "" end)\([.advice.notes[]? | select(startswith("the device tree declares a per-device coherent pool"))] | if length > 0 then ", pool note" else "" end)"}] |
	group_by(.v)[] | "said: \(.[0].name)\(if length > 1 then " .. \(.[-1].name) (\(length))" else "" end): \(.[0].v)"' \
	"$work/root-list.json" 2>&1 | head -n 20 | while read -r l; do tap_diag "$l"; done
tap_diag "$(jq -r '"said: kmalloc_bounce \(.kmalloc_bounce.bounces), \(.kmalloc_bounce.noncoherent_devices | length) non-coherent, pool_adjusted_mb \(.kmalloc_bounce.pool_adjusted_mb); reserved_memory: \([.reserved_memory[] | "\(.name) \(.compatible) set_up \(.set_up) devices \(.devices | join(","))"] | join("; ") | if . == "" then "none" else . end)"' \
	"$work/root-swiotlb.json" 2>&1)"

rm -rf "$work"
tap_done

#!/bin/sh
# Checks `dmainspect list --json` against the running kernel's own sysfs:
# every PCI function is listed once, with the IDs, driver, IOMMU group,
# domain type, IOMMU unit, DMA masks, NUMA node and DRM nodes the kernel
# shows.  The truth is read here with plain shell tools, never by dmainspect.
# shellcheck disable=SC2016 # jq programs are in single quotes
set -eu
# shellcheck source=tests/vm/guest/lib.sh
. "$(dirname "$0")/lib.sh"

DMAINSPECT=${DMAINSPECT:-dmainspect}
work=$(mktemp -d)
json=$work/list.json
pcidir=/sys/bus/pci/devices

rc=0
"$DMAINSPECT" list --json >"$json" 2>"$work/list.err" || rc=$?
tap_is "$rc" 0 "list --json exits with status 0"
[ -s "$work/list.err" ] && tap_diag "stderr: $(head -n 20 "$work/list.err")"

if jq -e 'type == "object" and .version == 1 and (.devices | type) == "array"' \
	"$json" >/dev/null 2>&1; then
	tap_ok "list --json prints an object with version 1 and a devices array"
else
	tap_fail "list --json prints an object with version 1 and a devices array" \
		"$(head -c 2000 "$json")"
	# Keep the checks below meaningful (they all fail) without jq errors.
	echo '{"version":null,"devices":[]}' >"$json"
fi

# --- truth from sysfs, one "NAME<TAB>JSON value" line per PCI function ---

null_or_num() { if [ -r "$1" ]; then printf '%d' "$(cat "$1")"; else printf 'null'; fi; }
link_base() { if [ -L "$1" ]; then basename "$(readlink "$1")"; fi; }
quoted_or_null() { if [ -n "$1" ]; then printf '"%s"' "$1"; else printf 'null'; fi; }

truth_vendor_id() { null_or_num "$1/vendor"; }
truth_device_id() { null_or_num "$1/device"; }
truth_class() { null_or_num "$1/class"; }
truth_bus() { quoted_or_null "$(link_base "$1/subsystem")"; }
truth_path() { quoted_or_null "$(readlink -f "$1")"; }
truth_driver() { quoted_or_null "$(link_base "$1/driver")"; }
truth_iommu_group() {
	g=$(link_base "$1/iommu_group")
	if [ -n "$g" ]; then printf '%d' "$g"; else printf 'null'; fi
}
truth_iommu_domain() {
	g=$(link_base "$1/iommu_group")
	if [ -n "$g" ] && [ -r "/sys/kernel/iommu_groups/$g/type" ]; then
		quoted_or_null "$(cat "/sys/kernel/iommu_groups/$g/type")"
	else
		printf 'null'
	fi
}
truth_iommu_unit() { quoted_or_null "$(link_base "$1/iommu")"; }
truth_dma_mask_bits() { null_or_num "$1/dma_mask_bits"; }
truth_coherent_dma_mask_bits() { null_or_num "$1/consistent_dma_mask_bits"; }
truth_numa_node() { null_or_num "$1/numa_node"; }

truth() {
	for d in "$pcidir"/*; do
		[ -e "$d" ] || continue
		printf '%s\t%s\n' "$(basename "$d")" "$("truth_$1" "$d")"
	done | sort
}

got() {
	jq -r --arg f "$1" \
		'.devices[] | select(.bus == "pci") | "\(.name)\t\(.[$f] | tojson)"' \
		"$json" | sort
}

# Lines of file $2 whose first field is a first field of file $1.
only_known() {
	awk -F '\t' 'NR == FNR { k[$1] = 1; next } ($1 in k)' "$1" "$2"
}

# --- the device set ---

for d in "$pcidir"/*; do
	[ -e "$d" ] && basename "$d"
done | sort >"$work/pci.truth"
jq -r '.devices[] | select(.bus == "pci") | .name' "$json" | sort -u >"$work/pci.got"
tap_same_lines "$work/pci.truth" "$work/pci.got" \
	"every PCI function in $pcidir is listed with bus \"pci\", and no other"

# A check whose whole evidence is a jq query: ok when jq succeeds and prints
# nothing, else the printed lines (or jq's error) are the diagnostics.
# jq_none DESCRIPTION FILTER
jq_none() {
	if jq -r "$2" "$json" >"$work/jq.out" 2>&1 && [ ! -s "$work/jq.out" ]; then
		tap_ok "$1"
	else
		tap_fail "$1" "$(head -n 40 "$work/jq.out")"
	fi
}

jq_none "no device is listed twice (by path, and PCI functions by name)" '
	([.devices[] | .path] | group_by(.) | map(select(length > 1) | .[0]) | .[]),
	([.devices[] | select(.bus == "pci") | .name] | group_by(.) |
		map(select(length > 1) | .[0]) | .[])'

jq_none "every device has all list keys (null when unknown, never left out)" '
	["name", "path", "bus", "vendor_id", "device_id", "class", "driver", "module",
	 "iommu_group", "iommu_domain", "iommu_unit", "dma_mask_bits",
	 "coherent_dma_mask_bits", "numa_node", "drm_nodes"] as $keys |
	.devices[] | . as $d | $keys[] as $k | select(($d | has($k)) | not) |
	"\($d.name // "?"): no \($k)"'

jq_none "values have their JSON types (IDs and masks numbers, names strings)" '
	.devices[] | . as $d |
	(["vendor_id", "device_id", "class", "iommu_group", "dma_mask_bits",
	  "coherent_dma_mask_bits", "numa_node"][] as $k |
	  select(($d[$k] | type) as $t | $t != "number" and $t != "null") |
	  "\($d.name): \($k) is \($d[$k] | tojson)"),
	(["name", "path", "bus", "driver", "module", "iommu_domain", "iommu_unit"][] as $k |
	  select(($d[$k] | type) as $t | $t != "string" and $t != "null") |
	  "\($d.name): \($k) is \($d[$k] | tojson)"),
	(select(($d.drm_nodes | type) as $t | $t != "array" and $t != "null") |
	  "\($d.name): drm_nodes is \($d.drm_nodes | tojson)")'

# --- one check per field, over all PCI functions ---

check_field() {
	truth "$1" >"$work/$1.truth"
	got "$1" >"$work/$1.got"
	tap_same_lines "$work/$1.truth" "$work/$1.got" "$2"
}

check_field path "path is the device's real sysfs directory"
check_field vendor_id "vendor_id equals sysfs vendor"
check_field device_id "device_id equals sysfs device"
check_field class "class equals sysfs class"
check_field driver "driver is the bound driver's name (null when unbound)"
check_field iommu_group "iommu_group is the group of the iommu_group link (null without one)"
check_field iommu_domain "iommu_domain is the group's type file (null without a group)"
check_field iommu_unit "iommu_unit is the target of the iommu link (null without one)"
check_field dma_mask_bits "dma_mask_bits equals sysfs dma_mask_bits"
check_field coherent_dma_mask_bits "coherent_dma_mask_bits equals sysfs consistent_dma_mask_bits"
check_field numa_node "numa_node equals sysfs numa_node"

# module: where the driver links to its module, that module's name.
for d in "$pcidir"/*; do
	[ -L "$d/driver/module" ] || continue
	printf '%s\t"%s"\n' "$(basename "$d")" "$(basename "$(readlink "$d/driver/module")")"
done | sort >"$work/module.truth"
got module >"$work/module.all"
only_known "$work/module.truth" "$work/module.all" >"$work/module.got"
tap_same_lines "$work/module.truth" "$work/module.got" \
	"module is the bound driver's module (where the driver links to one)"

# --- DRM nodes: card*/renderD* entries of each device's drm/ directory ---

drm_truth() {
	if [ -d "$1/drm" ]; then
		for n in "$1"/drm/card* "$1"/drm/renderD*; do
			case ${n##*/} in
			card*[!0-9]* | renderD*[!0-9]* | 'card*' | 'renderD*') ;;
			*) echo "${n##*/}" ;;
			esac
		done | sort | tr '\n' ' ' | sed 's/ $//'
	fi
}
{
	for d in "$pcidir"/*; do
		[ -e "$d" ] || continue
		printf '%s\t%s\n' "$(readlink -f "$d")" "$(drm_truth "$d")"
	done
	# Other devices dmainspect lists (e.g. vgem on the platform bus).
	jq -r '.devices[] | select(.bus != "pci") | .path // empty' "$json" | while read -r p; do
		case $p in
		/sys/devices/*) [ -d "$p" ] && printf '%s\t%s\n' "$p" "$(drm_truth "$p")" ;;
		esac
	done
} | sort -u >"$work/drm.truth"
jq -r '.devices[] | select(.path != null) |
	"\(.path)\t\((.drm_nodes // []) | map(select(test("^controlD[0-9]+$") | not)) | sort | join(" "))"' \
	"$json" | sort -u >"$work/drm.all"
# Compare only the devices the truth side knows about (all PCI functions
# plus the listed devices that exist in sysfs).
only_known "$work/drm.truth" "$work/drm.all" >"$work/drm.got"
tap_same_lines "$work/drm.truth" "$work/drm.got" \
	"drm_nodes lists the card and render nodes in each device's drm/ directory"

# Every device that owns a DRM card node is listed (vgem is a platform
# device on 6.x and a faux device on 7.x), whatever its bus.
cards=0
missing=''
for c in /sys/class/drm/card*; do
	case ${c##*/} in
	card*[!0-9]*) continue ;;
	esac
	[ -e "$c/device" ] || continue
	cards=$((cards + 1))
	p=$(readlink -f "$c/device")
	jq -e --arg p "$p" 'any(.devices[]; .path == $p)' "$json" >/dev/null || missing="$missing ${c##*/}:$p"
done
tap_is "${missing# }" "" "every device owning a DRM card node is listed ($cards cards)"

# Devices outside PCI must still be real sysfs devices named after their path.
bad=$(jq -r '.devices[] | select(.bus != "pci") | "\(.name)\t\(.path)"' "$json" |
	while IFS="$(printf '\t')" read -r n p; do
		if [ ! -d "$p" ] || [ "$(basename "$p")" != "$n" ]; then
			echo "$n: $p"
		fi
	done)
if [ -z "$bad" ]; then
	tap_ok "devices outside PCI are sysfs devices named after their directory"
else
	tap_fail "devices outside PCI are sysfs devices named after their directory" "$bad"
fi

rm -rf "$work"
tap_done

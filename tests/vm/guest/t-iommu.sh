#!/bin/sh
# Checks `dmainspect iommu --json` against the running kernel: IOMMU units and
# their cap/ecap bits, groups with their types, members, drivers and reserved
# regions, the default domain and TLB policy lines of the kernel log, the
# command line words, and fault counts; then the same as an unprivileged
# user, who cannot read the kernel log.  The truth is read here with shell
# tools (sysfs, dmesg, /proc/cmdline), never by dmainspect.
set -eu
# shellcheck source=tests/vm/guest/lib.sh
. "$(dirname "$0")/lib.sh"

DMAINSPECT=${DMAINSPECT:-dmainspect}
work=$(mktemp -d)
json=$work/iommu.json
log=$work/dmesg
dmesg >"$log"

rc=0
"$DMAINSPECT" iommu --json >"$json" 2>"$work/err" || rc=$?
tap_is "$rc" 0 "iommu --json exits with status 0"
if jq -e '.version == 1 and (.units | type) == "array" and (.groups | type) == "array"
	and (.policy | type) == "object" and (.faults | type) == "array"' "$json" >/dev/null 2>&1; then
	tap_ok "iommu --json has version 1, units, groups, policy and faults"
else
	tap_fail "iommu --json has version 1, units, groups, policy and faults" "$(head -c 2000 "$json")"
	echo '{"units":[],"groups":[],"policy":{},"faults":[],"cmdline":{}}' >"$json"
fi

# --- units ---

for u in /sys/class/iommu/*; do
	[ -e "$u" ] && echo "${u##*/}"
done | sort >"$work/units.truth"
jq -r '.units[].name' "$json" | sort >"$work/units.got"
tap_same_lines "$work/units.truth" "$work/units.got" "units are the entries of /sys/class/iommu"

bit() { echo $(((($1) >> $2) & 1)); }
tf() { if [ "$1" = 1 ]; then echo true; else echo false; fi; }

: >"$work/caps.truth"
: >"$work/caps.got"
for u in /sys/class/iommu/*; do
	[ -e "$u" ] || continue
	n=${u##*/}
	if [ -r "$u/intel-iommu/cap" ]; then
		cap=0x$(cat "$u/intel-iommu/cap")
		ecap=0x$(cat "$u/intel-iommu/ecap")
		# Bits of drivers/iommu/intel/iommu.h, computed here independently.
		printf '%s intel-vt-d %s %s mgaw=%d pt=%s sm=%s nest=%s prs=%s cm=%s dt=%s\n' "$n" \
			"${cap#0x}" "${ecap#0x}" $((((cap >> 16) & 0x3f) + 1)) \
			"$(tf "$(bit "$ecap" 6)")" "$(tf "$(bit "$ecap" 43)")" "$(tf "$(bit "$ecap" 26)")" \
			"$(tf "$(bit "$ecap" 29)")" "$(tf "$(bit "$cap" 7)")" "$(tf "$(bit "$ecap" 2)")" \
			>>"$work/caps.truth"
		jq -r --arg n "$n" '.units[] | select(.name == $n) |
			"\(.name) \(.kind) \(.cap) \(.ecap) mgaw=\(.decoded.max_address_bits) pt=\(.decoded.pass_through) sm=\(.decoded.scalable_mode) nest=\(.decoded.nested) prs=\(.decoded.page_request) cm=\(.decoded.caching_mode) dt=\(.decoded.device_iotlb)"' \
			"$json" >>"$work/caps.got"
	elif [ -r "$u/amd-iommu/features" ]; then
		# The log prints "Extended features (EFR, EFR2)" in that order.
		efr=$(sed -n 's/.*AMD-Vi: Extended features (\([0-9a-fx]*\)[,)].*/\1/p' "$log" | head -n 1)
		printf '%s amd-vi %s ppr=%s gt=%s\n' "$n" "$(cat "$u/amd-iommu/features")" \
			"$(tf "$(bit "${efr:-0}" 1)")" "$(tf "$(bit "${efr:-0}" 4)")" >>"$work/caps.truth"
		jq -r --arg n "$n" '.units[] | select(.name == $n) |
			"\(.name) \(.kind) \(.features) ppr=\(.decoded.page_request) gt=\(.decoded.nested)"' \
			"$json" >>"$work/caps.got"
	elif [ -r "$u/device/of_node/compatible" ]; then
		# A device-tree IOMMU: the kind from its node's compatible.
		kind=$(tr '\0' '\n' <"$u/device/of_node/compatible" | sed -n '
			s/^arm,smmu-v3$/arm-smmu-v3/p
			s/^arm,smmu-v[12]$/arm-smmu-v2/p
			s/^arm,mmu-50[0-9]$/arm-smmu-v2/p' | head -n 1)
		# SMMUv3: "ias N-bit, oas M-bit (features 0x...)" in the log (7.x:
		# "oas M-bit (features 0x...)"), decoded with arm-smmu-v3.h's
		# ARM_SMMU_FEAT_* (8 COHERENCY, 9 TRANS_S1, 10 TRANS_S2, 5 ATS).
		dev=$(basename "$(readlink -f "$u/device")")
		probe=$(grep -E "arm-smmu-v3 $dev: (ias [0-9]+-bit, )?oas " "$log" | tail -n 1)
		if [ "$kind" = arm-smmu-v3 ] && [ -n "$probe" ]; then
			ias=null
			case $probe in
			*": ias "*) ias=$(echo "$probe" | sed 's/.*: ias \([0-9]*\)-bit.*/\1/') ;;
			esac
			oas=$(echo "$probe" | sed 's/.* oas \([0-9]*\)-bit.*/\1/')
			feat=$(echo "$probe" | sed 's/.*(features \(0x[0-9a-f]*\))$/\1/')
			printf '%s %s %s ias=%s oas=%s coh=%s s1=%s s2=%s ats=%s\n' "$n" "$kind" "$feat" \
				"$ias" "$oas" "$(tf "$(bit "$feat" 8)")" "$(tf "$(bit "$feat" 9)")" \
				"$(tf "$(bit "$feat" 10)")" "$(tf "$(bit "$feat" 5)")" >>"$work/caps.truth"
			jq -r --arg n "$n" '.units[] | select(.name == $n) | "\(.name) \(.kind) \(.features) ias=\(.decoded.max_address_bits) oas=\(.decoded.output_address_bits) coh=\(.decoded.page_walk_coherent) s1=\(.decoded.first_level) s2=\(.decoded.second_level) ats=\(.decoded.device_iotlb)"' \
				"$json" >>"$work/caps.got"
		else
			printf '%s %s\n' "$n" "${kind:-unknown}" >>"$work/caps.truth"
			jq -r --arg n "$n" '.units[] | select(.name == $n) | "\(.name) \(.kind)"' \
				"$json" >>"$work/caps.got"
		fi
	fi
done
tap_same_lines "$work/caps.truth" "$work/caps.got" \
	"unit kinds, raw cap/ecap/features and decoded bits match the registers ($(wc -l <"$work/caps.truth") units)"

for u in /sys/class/iommu/*; do
	[ -e "$u" ] || continue
	for d in "$u"/devices/*; do
		[ -e "$d" ] && echo "${u##*/} ${d##*/}"
	done
done | sort >"$work/unitdevs.truth"
jq -r '.units[] | .name as $u | .devices[] | "\($u) \(.)"' "$json" | sort >"$work/unitdevs.got"
tap_same_lines "$work/unitdevs.truth" "$work/unitdevs.got" "devices behind each unit"

# --- groups ---

for g in /sys/kernel/iommu_groups/*; do
	[ -d "$g" ] || continue
	id=${g##*/}
	for d in "$g"/devices/*; do
		[ -e "$d" ] || continue
		drv=null
		[ -L "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
		echo "$id $(cat "$g/type") member ${d##*/} $drv"
	done
	while read -r s e t; do
		[ -n "$s" ] && echo "$id $(cat "$g/type") region $((s)) $((e)) $t"
	done <"$g/reserved_regions"
done | sort >"$work/groups.truth"
jq -r '.groups[] | (.id | tostring) as $id | .type as $t |
	(.devices[] | "\($id) \($t) member \(.name) \(.driver)"),
	((.reserved_regions // [])[] | "\($id) \($t) region \(.start) \(.end) \(.type)")' "$json" |
	sort >"$work/groups.got"
tap_same_lines "$work/groups.truth" "$work/groups.got" \
	"groups: type, members with drivers, reserved regions (start, inclusive end, type)"

bad=$(jq -r '.groups[] | select(
	(.type == "DMA-FQ" and (.type_meaning | test("lazy")) == false) or
	(.type == "DMA" and (.type_meaning | test("strict")) == false) or
	(.type == "identity" and (.type_meaning | test("no translation")) == false)) | .id' "$json")
tap_is "$bad" "" "each group's decoded type says lazy, strict or no translation as its raw type does"

# --- policy: the kernel log's lines and the command line ---

dd_line=$(grep -o 'iommu: Default domain type: .*' "$log" | head -n 1 || true)
dd=$(echo "$dd_line" | sed -n 's/iommu: Default domain type: \([A-Za-z]*\).*/\1/p')
dd_cmd=false
case $dd_line in *"(set via kernel command line)"*) dd_cmd=true ;; esac
tlb=$(sed -n 's/.*iommu: DMA domain TLB invalidation policy: \([a-z]*\) mode.*/\1/p' "$log" | head -n 1)
got=$(jq -r '"\(.policy.default_domain) \(.policy.default_domain_set_by_cmdline) \(.policy.tlb_policy // "none")"' "$json")
tap_is "$got" "${dd:-null} $([ -n "$dd" ] && echo "$dd_cmd" || echo null) ${tlb:-none}" \
	"default domain, its command-line flag and the TLB policy are the kernel log's"

n_units=$(wc -l <"$work/units.truth")
if [ -n "$dd" ] && [ "$n_units" -eq 0 ]; then
	if jq -e '.policy.conclusions[] | select(.conclusion | test("no IOMMU unit exists.*proves nothing"))' \
		"$json" >/dev/null; then
		tap_ok "the log's default domain without a unit is reported as proving nothing"
	else
		tap_fail "the log's default domain without a unit is reported as proving nothing" \
			"$(jq -c '.policy.conclusions' "$json")"
	fi
fi

nosrc=$(jq -r '.policy.conclusions[] | select((.source // "") == "") | .conclusion' "$json")
tap_is "$nosrc" "" "every policy conclusion names its source"

want=
cmdline_has intel_iommu=on && want="$want intel_iommu:on"
cmdline_has iommu=pt && want="$want iommu:pt"
cmdline_has iommu.strict=1 && want="$want strict:true"
got=$(jq -r '[(.cmdline.intel_iommu[] | select(. == "on") | "intel_iommu:on"),
	(.cmdline.iommu[] | select(. == "pt") | "iommu:pt"),
	(if .cmdline.iommu_strict == true then "strict:true" else empty end)] | join(" ")' "$json")
tap_is "$got" "${want# }" "the command line words the kernel got"

# --- faults ---

dmar=$(grep -c 'DMAR: \[DMA \(Read\|Write\)' "$log" || true)
amd=$(grep -c 'AMD-Vi: Event logged \[IO_PAGE_FAULT' "$log" || true)
got=$(jq -r '"\([.faults[] | select(.kind == "intel-dmar") | .count] | add // 0) \([.faults[] | select(.kind == "amd-vi") | .count] | add // 0)"' "$json")
tap_is "$got" "$dmar $amd" "DMAR and AMD-Vi fault counts are the log's"

# --- without privileges ---

grep -q '^nobody:' /etc/passwd 2>/dev/null || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null || echo 'nogroup:x:65534:' >>/etc/group
restrict=$(cat /proc/sys/kernel/dmesg_restrict)
echo 1 >/proc/sys/kernel/dmesg_restrict
rc=0
su -s /bin/sh nobody -c "$DMAINSPECT iommu --json" >"$work/user.json" 2>"$work/user.err" || rc=$?
echo "$restrict" >/proc/sys/kernel/dmesg_restrict
tap_is "$rc" 0 "iommu --json as nobody exits with status 0"
got=$(jq -r '"\(.kernel_log.readable) \(.kernel_log.readable_error) \(.policy.default_domain) \(.policy.default_domain_error)"' \
	"$work/user.json" 2>&1)
tap_is "$got" "null Operation not permitted null Operation not permitted" \
	"as nobody, the kernel log is unreadable and the policy lines are unknown with the reason"
if jq -e '.unreadable[] | select(test("^/dev/kmsg: Operation not permitted \\(kernel.dmesg_restrict is 1"))' \
	"$work/user.json" >/dev/null 2>&1; then
	tap_ok "as nobody, 'unreadable' names /dev/kmsg and dmesg_restrict"
else
	tap_fail "as nobody, 'unreadable' names /dev/kmsg and dmesg_restrict" \
		"$(jq -c '.unreadable' "$work/user.json" 2>&1)"
fi
# Only what the log told root may differ: where the AMD EFR order was
# learnt, and an SMMU's capabilities, which only its probe lines give.
view='[(.units | map(del(.decoded_from) | if (.kind | startswith("arm-smmu")) then
	del(.decoded, .features, .decoded_from_error) else . end)), .groups]'
jq -S "$view" "$json" >"$work/root.view"
jq -S "$view" "$work/user.json" >"$work/user.view" 2>&1 || true
tap_same_lines "$work/root.view" "$work/user.view" "as nobody, units and groups are the same"
smmus=$(jq '[.units[] | select(.kind | startswith("arm-smmu"))] | length' "$work/user.json")
if [ "$smmus" -gt 0 ]; then
	tap_is "$(jq -r '[.units[] | select(.kind | startswith("arm-smmu")) |
		(.decoded_from_error | test("kernel log.*could not be read"))] | all' "$work/user.json")" \
		true "as nobody, each SMMU's capabilities are unknown because the log is unreadable"
fi

rm -rf "$work"
tap_done

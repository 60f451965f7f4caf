#!/bin/bash
# Real-kernel test suite.  Boots Debian's kernels under QEMU (TCG): each
# series of common.sh's VM_KERNELS_ALL (the newest, 6.1 and 6.12 for x86
# under qemu-system-x86_64; the newest and 6.12 for arm64 under
# qemu-system-aarch64; fetched by fetch-kernel.sh) with its configurations of
# the matrix (Intel IOMMU lazy/strict/pt, no IOMMU with forced SWIOTLB, AMD
# IOMMU, >4 GiB RAM, vmwgfx parameters; on arm64 SMMUv3 with QEMU's device
# tree and with one whose PCIe and virtio_mmio nodes are not dma-coherent),
# runs the guest scripts tests/vm/guest/t-*.sh against dmainspect inside each
# guest and prints every result as TAP, named by kernel (and architecture
# where not x86) and configuration ("ok N - 7.2/intel-lazy: description",
# "ok N - 7.2-arm64/arm-smmu: description").
#
# Env: DMAINSPECT            the dmainspect binary to test (required)
#      DMAINSPECT_ARM64      the same sources built for arm64, for the arm64
#                            guests (default: ARM64/src/dmainspect beside
#                            the build tree of DMAINSPECT, where make check
#                            cross-builds it; missing: the arm64 series are
#                            a loud skip, a failure under CI=true)
#      CI=true               a skip (no QEMU, no kernel) is a failure
#      DMAINSPECT_VM_KERNELS kernel series to boot (default: all; e.g.
#                            "newest 6.12-arm64")
#      DMAINSPECT_VM_CONFIGS configurations to run on each (default: the
#                            series' own list; a kernel runs only those of
#                            its architecture, e.g. "intel-lazy arm-smmu")
#      DMAINSPECT_VM_TIMEOUT seconds one guest may run (default 300)
#      DMAINSPECT_VM_BUDGET  seconds for the whole matrix (default 2400: it
#                            took 1453 s on 2 cores booting the longest guests
#                            last, less now that they boot first; a busy or
#                            slower machine must not fail on time alone)
#      DMAINSPECT_VM_JOBS    guests booted at a time (default: CPUs)
#      DMAINSPECT_VM_LOGDIR  keep consoles and TAP streams there
#      DMAINSPECT_VM_CACHE   kernel cache (see fetch-kernel.sh)
#      DMAINSPECT_DATADIR    data files copied into the guest
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/common.sh
. "$here/common.sh"

t0=$(date +%s)
kernels=${DMAINSPECT_VM_KERNELS:-$VM_KERNELS_ALL}
limit=${DMAINSPECT_VM_TIMEOUT:-300}
budget=${DMAINSPECT_VM_BUDGET:-2400}
jobs=${DMAINSPECT_VM_JOBS:-$(nproc 2>/dev/null || echo 2)}
ci=${CI:-}

n=0
failed=0
emit() { # emit ok|not-ok DESCRIPTION [DIAGNOSTIC LINES...]
	local st=$1 desc=$2
	shift 2
	n=$((n + 1))
	if [ "$st" = ok ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failed=$((failed + 1))
	fi
	local l
	for l in "$@"; do
		printf '%s\n' "$l" | sed 's/^/# /'
	done
}

loud() {
	echo "# ===================================================================="
	printf '# %s\n' "$@"
	echo "# ===================================================================="
}

# Nothing to test with: a loud skip, or a failure under CI=true.
unavailable() {
	if [ "$ci" = true ]; then
		echo "1..1"
		echo "not ok 1 - real-kernel suite cannot run (CI=true makes this a failure): $*"
		exit 1
	fi
	loud "SKIP: the real-kernel suite cannot run here: $*" \
		"No guest was booted; nothing was tested.  (With CI=true this fails.)"
	echo "1..0 # SKIP real-kernel suite: $*"
	exit 0
}

if [ -z "${DMAINSPECT:-}" ] || [ ! -f "$DMAINSPECT" ]; then
	echo "Bail out! DMAINSPECT must name the dmainspect binary (got '${DMAINSPECT:-}')"
	exit 1
fi

for tool in busybox jq gojq cpio gzip xz timeout flock; do
	command -v "$tool" >/dev/null 2>&1 || unavailable "$tool is not installed"
done

# What each architecture's guests need on this host; an empty answer means
# they can run.
arm64_bin=${DMAINSPECT_ARM64:-$(cd "$(dirname "$DMAINSPECT")/.." && pwd)/arm64/src/dmainspect}
arch_missing() {
	local tool
	case $1 in
	arm64)
		for tool in qemu-system-aarch64 fdtput fdtget aarch64-linux-gnu-readelf; do
			command -v "$tool" >/dev/null 2>&1 || { echo "$tool is not installed"; return; }
		done
		[ -f "$arm64_bin" ] ||
			echo "no arm64 dmainspect at $arm64_bin (make check cross-builds it with gcc-aarch64-linux-gnu and the :arm64 -dev packages of its libraries; see README.md)"
		;;
	*)
		for tool in qemu-system-x86_64 ldd; do
			command -v "$tool" >/dev/null 2>&1 || { echo "$tool is not installed"; return; }
		done
		;;
	esac
}

if [ -n "${DMAINSPECT_VM_LOGDIR:-}" ]; then
	work=$DMAINSPECT_VM_LOGDIR
	mkdir -p "$work"
	keep=1
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/dmainspect-vm.XXXXXX")
	keep=0
fi

rm -f "$work/script-times"

# Fetch every series (one at a time: they share the private apt state), then
# build one initramfs per kernel, all at once; every configuration of a
# kernel boots the same one.
labels=''
missing=''
guests=''
declare -A kroots=() checks=() series_label=()
for s in $kernels; do
	arch=$(vm_series_arch "$s")
	why=$(arch_missing "$arch")
	if [ -n "$why" ]; then
		echo "fetch-kernel: $why" >"$work/fetch-$s.log"
		missing="$missing|$s: $why"
		continue
	fi
	bin=$DMAINSPECT
	[ "$arch" = amd64 ] || bin=$arm64_bin
	if ! kroot=$("$here/fetch-kernel.sh" "${s%-"$arch"}" "$arch" 2>"$work/fetch-$s.log"); then
		why=$(tail -n 1 "$work/fetch-$s.log" | sed 's/^fetch-kernel: //')
		missing="$missing|$s: ${why:-fetch-kernel.sh failed}"
		continue
	fi
	label=$(vm_kernel_label "$kroot")
	case " $labels " in
	*" $label "*) continue ;; # two series resolved to the same kernel
	esac
	labels="$labels $label"
	series_label[$s]=$label
	echo "# kernel $label: $(cat "$kroot/.package") ($s)"
	kroots[$label]=$kroot
	DMAINSPECT=$bin "$here/mkinitramfs.sh" "$kroot" "$work/initrd-$label.gz" \
		>"$work/mkinitramfs-$label.log" 2>&1 &
	for c in ${DMAINSPECT_VM_CONFIGS:-$(vm_series_configs "$s")}; do
		# Configurations of another architecture are not this kernel's.
		[ "$(vm_config_arch "$c")" = "$arch" ] || continue
		guests="$guests $label/$c"
	done
done
wait
[ -n "$labels" ] || unavailable "no kernel: ${missing#|}"
IFS='|' read -r -a missing_list <<<"${missing#|}"
for m in "${missing_list[@]}"; do
	[ -n "$m" ] || continue
	if [ "$ci" = true ]; then
		emit not-ok "kernel series ${m%%:*} could not be had (CI=true makes this a failure):${m#*:}" \
			"$(sed 's/^/fetch: /' "$work/fetch-${m%%:*}.log")"
	else
		loud "SKIP: kernel series ${m%%:*} could not be had:${m#*:}" \
			"None of its configurations was tested.  (With CI=true this fails.)"
		n=$((n + 1))
		echo "ok $n - kernel series ${m%%:*} # SKIP not available:${m#*:}"
	fi
done
for label in $labels; do
	if [ ! -s "$work/initrd-$label.gz" ]; then
		emit not-ok "$label: build the guest initramfs" "$(sed 's/^/mkinitramfs: /' "$work/mkinitramfs-$label.log")"
		guests=$(for g in $guests; do [ "${g%%/*}" = "$label" ] || echo "$g"; done)
	fi
done

# The files of guest LABEL/CONFIG are named LABEL-CONFIG.* in $work.
tagof() { printf '%s\n' "${1/\//-}"; }

# Boot the guests, $jobs at a time, each within $limit seconds and all of
# them within $budget seconds; the longest first (arm-smmu and intel-lazy
# with the churn test, then arm-coherent-pool and amd with the process test,
# each about twice as long as the rest), so that the last to end is a short
# one. Results keep $guests' order.
deadline=$((t0 + budget))
boot_order=$(for g in $guests; do
	case ${g#*/} in
	arm-smmu | intel-lazy) echo "0 $g" ;;
	arm-coherent-pool | amd) echo "1 $g" ;;
	*) echo "2 $g" ;;
	esac
done | sort -s -k1,1n | cut -d' ' -f2)
for g in $boot_order; do
	label=${g%%/*} c=${g#*/} tag=$(tagof "$g")
	rm -f "$work/$tag.rc"
	if ! vm_config "$c"; then
		echo 127 >"$work/$tag.rc"
		continue
	fi
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n || true
	done
	left=$((deadline - $(date +%s)))
	if [ "$left" -lt 30 ]; then
		echo 125 >"$work/$tag.rc"
		continue
	fi
	[ "$left" -lt "$limit" ] || left=$limit
	echo "$left" >"$work/$tag.limit"
	vm_boot "$c" "$tag" "$work" "$left" "${kroots[$label]}/vmlinuz" "$work/initrd-$label.gz" &
done
wait

console_tail() {
	echo "last console lines of $1:"
	tr -d '\r' <"$work/$(tagof "$1").console" 2>/dev/null | tail -n 25
}

# Re-emit one guest's TAP stream; check that each script ran to its plan.
report() {
	local c=$1 f rc tsecs script='' plan='' count=0 line booted=0 done=0 kernel
	f=$(tagof "$c")
	rc=$(cat "$work/$f.rc" 2>/dev/null || echo 126)
	case $rc in
	127) emit not-ok "$c: unknown configuration"; return ;;
	125) emit not-ok "$c: not started, the suite's ${budget} s budget was spent"; return ;;
	esac
	tsecs=$(cat "$work/$f.time" 2>/dev/null || echo '?')
	grep -q '^@@dmainspect-vm config=' <(tr -d '\r' <"$work/$f.tap") && booted=1
	grep -q '^@@dmainspect-vm done' <(tr -d '\r' <"$work/$f.tap") && done=1
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		emit not-ok "$c: guest killed after $(cat "$work/$f.limit") s (hung)" "$(console_tail "$c")"
	elif [ "$booted" = 0 ]; then
		emit not-ok "$c: guest did not boot to its tests (qemu exit status $rc)" \
			"$(sed 's/^/qemu: /' "$work/$f.qemu")" "$(console_tail "$c")"
	elif [ "$done" = 0 ] || [ "$rc" != 0 ]; then
		emit not-ok "$c: guest did not finish its tests (qemu exit status $rc)" "$(console_tail "$c")"
	else
		emit ok "$c: guest booted, ran its tests and powered off (${tsecs} s)"
	fi
	[ "$booted" = 1 ] || return 0
	# The guest says which kernel it runs: it must be the one named.
	kernel=$(tr -d '\r' <"$work/$f.tap" | sed -n 's/^@@dmainspect-vm config=.* kernel=//p' | head -n 1)
	if [ -z "$kernel" ] || [ "$(vm_release_label "$kernel")" != "${c%%/*}" ]; then
		emit not-ok "$c: the guest runs kernel ${kernel:-?}, not ${c%%/*}"
	fi

	local re_result='^(not ok|ok)([ ]+[0-9]+)?([ ]+-)?([ ]+(.*))?$'
	local re_skip='#[ ]*[Ss][Kk][Ii][Pp]'
	while IFS= read -r line; do
		case $line in
		'@@dmainspect-vm begin '*)
			script=${line#@@dmainspect-vm begin }
			plan='' count=0
			;;
		'@@dmainspect-vm end '*)
			local src=${line##* rc=} secs=${line##* secs=}
			src=${src%% *}
			printf '%s\t%s\t%s\n' "$secs" "$c" "$script" >>"$work/script-times"
			if [ -z "$plan" ] || [ "$count" != "$plan" ] || [ "$src" != 0 ]; then
				emit not-ok "$c: $script ran to its end (plan ${plan:-missing}, $count results, exit status $src)"
			fi
			script=''
			;;
		'@@dmainspect-vm '*) ;;
		*)
			if [ -z "$script" ]; then
				[ -n "$line" ] && printf '# %s: %s\n' "$c" "$line"
			elif [[ $line =~ ^1\.\.([0-9]+) ]]; then
				plan=${BASH_REMATCH[1]}
			elif [[ $line =~ $re_result ]]; then
				count=$((count + 1))
				local st=ok desc=${BASH_REMATCH[5]}
				[ "${BASH_REMATCH[1]}" = ok ] || st=not-ok
				if [ "$ci" = true ] && [[ $desc =~ $re_skip ]]; then
					st=not-ok
					desc="${desc%%#*}(skipped, and CI=true forbids skips:${desc#*#})"
				fi
				emit "$st" "$c: $desc"
			elif [ -n "$line" ]; then
				printf '# %s: %s\n' "$c" "${line#\# }"
			fi
			;;
		esac
	done < <(tr -d '\r' <"$work/$f.tap")
	if [ -n "$script" ]; then
		emit not-ok "$c: $script ran to its end (stopped after $count results)"
	fi
}

for g in $guests; do
	before=$n
	report "$g"
	checks[${g%%/*}]=$((${checks[${g%%/*}]:-0} + n - before))
done

# The bundle guest G sent on its capture stream (t-report.sh), into OUT.
bundle_of() {
	tr -d '\r' <"$work/$(tagof "$1").capture" |
		sed -n '/^@@dmainspect-bundle begin/,/^@@dmainspect-bundle end/p' | sed '1d;$d' |
		base64 -d >"$2" 2>/dev/null && [ -s "$2" ]
}

# diff_guests A B: 'dmainspect diff' between the bundles of guests A and B
# reports exactly the changes diff-facts.py reads from the bundles' own
# files; A against A is empty. Only when both guests ran.
diff_guests() {
	local a=$1 b=$2 d rc
	case " $guests " in *" $a "*) ;; *) return 0 ;; esac
	case " $guests " in *" $b "*) ;; *) return 0 ;; esac
	d=$work/diff-$(tagof "$a")-$(tagof "$b")
	mkdir -p "$d/a" "$d/b"
	if ! bundle_of "$a" "$d/a.tar.xz" || ! bundle_of "$b" "$d/b.tar.xz" ||
		! tar -xJf "$d/a.tar.xz" -C "$d/a" || ! tar -xJf "$d/b.tar.xz" -C "$d/b"; then
		emit not-ok "diff $a $b: both guests sent a report bundle that unpacks"
		return 0
	fi
	rc=0
	"$DMAINSPECT" diff "$d/a.tar.xz" "$d/b.tar.xz" --json >"$d/diff.json" 2>"$d/diff.err" || rc=$?
	if [ "$rc" = 1 ]; then
		emit ok "diff $a $b: exit 1, they differ"
	else
		emit not-ok "diff $a $b: exit 1, they differ (exit $rc)" "$(cat "$d/diff.err")"
	fi
	python3 "$here/../cli/diff-facts.py" expected "$d/a/dmainspect-report/sysroot" \
		"$d/b/dmainspect-report/sysroot" >"$d/want" 2>&1
	python3 "$here/../cli/diff-facts.py" reported "$d/diff.json" >"$d/got" 2>&1
	if [ -s "$d/want" ] && cmp -s "$d/want" "$d/got"; then
		emit ok "diff $a $b: release, command line, PCI functions and groups changed as the bundles' files say ($(wc -l <"$d/want") changes)"
	else
		emit not-ok "diff $a $b: release, command line, PCI functions and groups changed as the bundles' files say" \
			"$(diff "$d/want" "$d/got" | head -n 20)"
	fi
	rc=0
	"$DMAINSPECT" diff "$d/a.tar.xz" "$d/a.tar.xz" >"$d/same" 2>&1 || rc=$?
	if [ "$rc" = 0 ] && [ ! -s "$d/same" ]; then
		emit ok "diff $a $a: nothing, exit 0"
	else
		emit not-ok "diff $a $a: nothing, exit 0 (exit $rc)" "$(head -n 10 "$d/same")"
	fi
}
newest=${series_label[newest]:-none}
diff_guests "${series_label[6.1]:-none}/intel-lazy" "$newest/intel-strict"
diff_guests "${series_label[6.12]:-none}/intel-lazy" "$newest/intel-lazy"

echo "1..$n"
for label in $labels; do
	echo "# kernel $label: ${checks[$label]:-0} results from $(for g in $guests; do echo "$g"; done | grep -c "^$label/") guests"
done
echo "# slowest guest scripts (seconds, guest, script):"
sort -rn "$work/script-times" 2>/dev/null | head -n 5 | sed 's/^/#   /'
echo "# wall time: $(($(date +%s) - t0)) s for $(echo "$guests" | wc -w) guests on $(echo "$labels" | wc -w) kernels, $jobs at a time"
if [ "$failed" -gt 0 ] || [ "$keep" = 1 ]; then
	echo "# logs kept in $work"
else
	rm -rf "$work"
fi
[ "$failed" = 0 ]

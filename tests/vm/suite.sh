#!/bin/bash
# Real-kernel test suite.  Boots the Debian kernel under QEMU (TCG) once per
# configuration of the matrix in common.sh (Intel IOMMU lazy/strict/pt, no
# IOMMU with forced SWIOTLB, AMD IOMMU, >4 GiB RAM, vmwgfx parameters), runs
# the guest scripts tests/vm/guest/t-*.sh against $DMAINSPECT inside each
# guest and prints every result as TAP ("ok N - CONFIG: description").
#
# Env: DMAINSPECT            the dmainspect binary to test (required)
#      CI=true               a skip (no QEMU, no kernel) is a failure
#      DMAINSPECT_VM_CONFIGS configurations to run (default: all)
#      DMAINSPECT_VM_TIMEOUT seconds one guest may run (default 150)
#      DMAINSPECT_VM_BUDGET  seconds for the whole matrix (default 450)
#      DMAINSPECT_VM_JOBS    guests booted at a time (default 2)
#      DMAINSPECT_VM_LOGDIR  keep consoles and TAP streams there
#      DMAINSPECT_VM_CACHE   kernel cache (see fetch-kernel.sh)
#      DMAINSPECT_DATADIR    data files copied into the guest
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/common.sh
. "$here/common.sh"

t0=$(date +%s)
configs=${DMAINSPECT_VM_CONFIGS:-$VM_CONFIGS_ALL}
limit=${DMAINSPECT_VM_TIMEOUT:-150}
budget=${DMAINSPECT_VM_BUDGET:-450}
jobs=${DMAINSPECT_VM_JOBS:-2}
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

# Nothing to test with: a loud skip, or a failure under CI=true.
unavailable() {
	if [ "$ci" = true ]; then
		echo "1..1"
		echo "not ok 1 - real-kernel suite cannot run (CI=true makes this a failure): $*"
		exit 1
	fi
	echo "# ===================================================================="
	echo "# SKIP: the real-kernel suite cannot run here: $*"
	echo "# No guest was booted; nothing was tested.  (With CI=true this fails.)"
	echo "# ===================================================================="
	echo "1..0 # SKIP real-kernel suite: $*"
	exit 0
}

if [ -z "${DMAINSPECT:-}" ] || [ ! -f "$DMAINSPECT" ]; then
	echo "Bail out! DMAINSPECT must name the dmainspect binary (got '${DMAINSPECT:-}')"
	exit 1
fi

for tool in qemu-system-x86_64 busybox jq cpio gzip ldd timeout; do
	command -v "$tool" >/dev/null 2>&1 || unavailable "$tool is not installed"
done

if [ -n "${DMAINSPECT_VM_LOGDIR:-}" ]; then
	work=$DMAINSPECT_VM_LOGDIR
	mkdir -p "$work"
	keep=1
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/dmainspect-vm.XXXXXX")
	keep=0
fi

if ! kroot=$("$here/fetch-kernel.sh" 2>"$work/fetch-kernel.log"); then
	sed 's/^/# /' "$work/fetch-kernel.log"
	why=$(tail -n 1 "$work/fetch-kernel.log" | sed 's/^fetch-kernel: //')
	[ "$keep" = 1 ] || rm -rf "$work"
	unavailable "no kernel: ${why:-fetch-kernel.sh failed}"
fi
VM_KERNEL=$(find "$kroot/boot" -maxdepth 1 -name 'vmlinuz-*' | sort -V | tail -n 1)
VM_INITRD=$work/initrd.gz
[ -n "$VM_KERNEL" ] || unavailable "no vmlinuz in $kroot/boot"
echo "# kernel: $VM_KERNEL"

if ! DMAINSPECT=$DMAINSPECT "$here/mkinitramfs.sh" "$kroot" "$VM_INITRD" >"$work/mkinitramfs.log" 2>&1; then
	echo "1..1"
	echo "not ok 1 - build the guest initramfs"
	sed 's/^/# /' "$work/mkinitramfs.log"
	echo "# logs kept in $work"
	exit 1
fi

# Boot the configurations, $jobs at a time, each within $limit seconds and
# all of them within $budget seconds.
deadline=$((t0 + budget))
for c in $configs; do
	rm -f "$work/$c.rc"
	if ! vm_config "$c"; then
		echo 127 >"$work/$c.rc"
		continue
	fi
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n || true
	done
	left=$((deadline - $(date +%s)))
	if [ "$left" -lt 30 ]; then
		echo 125 >"$work/$c.rc"
		continue
	fi
	[ "$left" -lt "$limit" ] || left=$limit
	echo "$left" >"$work/$c.limit"
	vm_boot "$c" "$work" "$left" &
done
wait

console_tail() {
	echo "last console lines of $1:"
	tr -d '\r' <"$work/$1.console" 2>/dev/null | tail -n 25
}

# Re-emit one guest's TAP stream; check that each script ran to its plan.
report() {
	local c=$1 rc tsecs script='' plan='' count=0 line booted=0 done=0
	rc=$(cat "$work/$c.rc" 2>/dev/null || echo 126)
	case $rc in
	127) emit not-ok "$c: unknown configuration"; return ;;
	125) emit not-ok "$c: not started, the suite's ${budget} s budget was spent"; return ;;
	esac
	tsecs=$(cat "$work/$c.time" 2>/dev/null || echo '?')
	grep -q '^@@dmainspect-vm config=' <(tr -d '\r' <"$work/$c.tap") && booted=1
	grep -q '^@@dmainspect-vm done' <(tr -d '\r' <"$work/$c.tap") && done=1
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		emit not-ok "$c: guest killed after $(cat "$work/$c.limit") s (hung)" "$(console_tail "$c")"
	elif [ "$booted" = 0 ]; then
		emit not-ok "$c: guest did not boot to its tests (qemu exit status $rc)" \
			"$(sed 's/^/qemu: /' "$work/$c.qemu")" "$(console_tail "$c")"
	elif [ "$done" = 0 ] || [ "$rc" != 0 ]; then
		emit not-ok "$c: guest did not finish its tests (qemu exit status $rc)" "$(console_tail "$c")"
	else
		emit ok "$c: guest booted, ran its tests and powered off (${tsecs} s)"
	fi
	[ "$booted" = 1 ] || return 0

	local re_result='^(not ok|ok)([ ]+[0-9]+)?([ ]+-)?([ ]+(.*))?$'
	local re_skip='#[ ]*[Ss][Kk][Ii][Pp]'
	while IFS= read -r line; do
		case $line in
		'@@dmainspect-vm begin '*)
			script=${line#@@dmainspect-vm begin }
			plan='' count=0
			;;
		'@@dmainspect-vm end '*)
			local src=${line##* rc=}
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
	done < <(tr -d '\r' <"$work/$c.tap")
	if [ -n "$script" ]; then
		emit not-ok "$c: $script ran to its end (stopped after $count results)"
	fi
}

for c in $configs; do
	report "$c"
done

echo "1..$n"
echo "# wall time: $(($(date +%s) - t0)) s for $(echo "$configs" | wc -w) configurations"
if [ "$failed" -gt 0 ] || [ "$keep" = 1 ]; then
	echo "# logs kept in $work"
else
	rm -rf "$work"
fi
[ "$failed" = 0 ]

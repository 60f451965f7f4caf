#!/bin/sh
# /init of the real-kernel test guest (busybox sh).  Mounts the kernel
# filesystems, loads the modules listed in /etc/modules.load (dependency
# order, with MODULE.param=value options taken from /proc/cmdline), waits for
# devices to bind, then either captures a fixture snapshot to /dev/ttyS2
# (dmainspect.capture=1 on the command line) or runs every /tests/t-*.sh with
# its TAP on /dev/ttyS1, and powers off.  With dmainspect.ports=virtio (arm64:
# QEMU's virt machine has one UART, the console) the two streams go to the
# virtio-serial ports named dmainspect.tap and dmainspect.capture instead.
# The configuration name comes from dmainspect.config=NAME on the command line
# and is exported to the tests as DMAINSPECT_VM_CONFIG.
set -eu

export PATH=/usr/bin:/usr/sbin
export HOME=/root

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run

cmdline=$(cat /proc/cmdline)

# Value of KEY=value on the kernel command line (empty when absent).
cmdline_value() {
	for word in $cmdline; do
		case $word in
		"$1"=*) printf '%s\n' "${word#*=}"; return 0 ;;
		esac
	done
	return 0
}

# Options for module $1 from MODULE.param=value words (- and _ are equal).
module_options() {
	opts=
	for word in $cmdline; do
		case $word in
		*.*=*) ;;
		*) continue ;;
		esac
		mod=$(printf '%s' "${word%%.*}" | tr - _)
		[ "$mod" = "$1" ] || continue
		opts="$opts ${word#*.}"
	done
	printf '%s\n' "$opts"
}

DMAINSPECT_VM_CONFIG=$(cmdline_value dmainspect.config)
export DMAINSPECT_VM_CONFIG
echo "init: config '$DMAINSPECT_VM_CONFIG', kernel $(uname -r)"

while read -r ko; do
	name=$(basename "$ko" .ko | tr - _)
	# shellcheck disable=SC2046 # options are separate words on purpose
	insmod "$ko" $(module_options "$name") || echo "init: insmod $ko failed"
done </etc/modules.load

# Probing is synchronous for PCI, but virtio devices bind in a second step:
# wait until the number of bound devices stops changing (at most ~5 s).
bound() {
	n=0
	for l in /sys/bus/*/devices/*/driver; do
		[ -e "$l" ] && n=$((n + 1))
	done
	echo "$n"
}
prev=-1
i=0
while [ $i -lt 25 ]; do
	now=$(bound)
	[ "$now" = "$prev" ] && [ $i -ge 3 ] && break
	prev=$now
	i=$((i + 1))
	sleep 0.2
done
echo "init: $(bound) devices bound"

# The TAP and capture streams: the second and third UART, or virtio-serial
# ports found by name (they appear once the host has answered the driver).
tap_dev=/dev/ttyS1
capture_dev=/dev/ttyS2
if [ "$(cmdline_value dmainspect.ports)" = virtio ]; then
	vport() {
		for p in /sys/class/virtio-ports/*; do
			[ -r "$p/name" ] && [ "$(cat "$p/name")" = "$1" ] && echo "/dev/${p##*/}" && return 0
		done
		return 0
	}
	i=0
	while [ -z "$(vport dmainspect.tap)" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	tap_dev=$(vport dmainspect.tap)
	capture_dev=$(vport dmainspect.capture)
	echo "init: TAP on ${tap_dev:-(no virtio port dmainspect.tap)}, capture on ${capture_dev:-(none)}"
	[ -n "$tap_dev" ] || tap_dev=/dev/console
	[ -n "$capture_dev" ] || capture_dev=/dev/console
fi

if [ "$(cmdline_value dmainspect.capture)" = 1 ]; then
	stty -F "$capture_dev" raw -echo 2>/dev/null || true
	rm -rf /tmp/snap
	mkdir -p /tmp/snap
	sh /tests/capture.sh /tmp/snap || echo "init: capture.sh failed"
	{
		echo "@@dmainspect-capture begin"
		tar -C /tmp/snap -cf - . | gzip -9 | base64
		echo "@@dmainspect-capture end"
	} >"$capture_dev"
else
	stty -F "$tap_dev" raw -echo 2>/dev/null || true
	stty -F "$capture_dev" raw -echo 2>/dev/null || true
	# t-report.sh sends its bundle there for the host's diff of two guests.
	DMAINSPECT_CAPTURE_DEV=$capture_dev
	export DMAINSPECT_CAPTURE_DEV
	{
		echo "@@dmainspect-vm config=$DMAINSPECT_VM_CONFIG kernel=$(uname -r)"
		for t in /tests/t-*.sh; do
			[ -e "$t" ] || continue
			name=$(basename "$t")
			echo "@@dmainspect-vm begin $name"
			rc=0
			s0=$(date +%s)
			(cd /tmp && timeout 150 sh "$t" 2>&1) || rc=$?
			echo "@@dmainspect-vm end $name rc=$rc secs=$(($(date +%s) - s0))"
		done
		echo "@@dmainspect-vm done"
	} >"$tap_dev"
fi

sync
poweroff -f

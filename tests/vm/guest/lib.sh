# TAP functions for the guest test scripts (busybox sh).  Source it, call the
# check functions, end with tap_done; the plan is printed at the end.
# Failures are reported in TAP, so a script exits 0 unless it crashes.

tap_n=0

# tap_result OK|NOT DESCRIPTION [DIAGNOSTIC...]
tap_result() {
	_st=$1
	shift
	tap_n=$((tap_n + 1))
	if [ "$_st" = OK ]; then
		echo "ok $tap_n - $1"
	else
		echo "not ok $tap_n - $1"
	fi
	shift
	for _l in "$@"; do
		tap_diag "$_l"
	done
}

tap_ok() { tap_result OK "$@"; }
tap_fail() { tap_result NOT "$@"; }

# tap_skip DESCRIPTION REASON
tap_skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# tap_diag TEXT...: each line of TEXT as a "# " comment.
tap_diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

# tap_is GOT EXPECTED DESCRIPTION
tap_is() {
	if [ "$1" = "$2" ]; then
		tap_ok "$3"
	else
		tap_fail "$3" "expected: $2" "     got: $1"
	fi
}

# tap_same_lines EXPECTED_FILE GOT_FILE DESCRIPTION: both files must hold the
# same lines; differences are shown as diagnostics (- expected, + got).
tap_same_lines() {
	if cmp -s "$1" "$2"; then
		tap_ok "$3"
	else
		tap_fail "$3" "$(diff -u "$1" "$2" | sed -n '3,$p' | grep '^[-+]' | head -n 40)"
	fi
}

# tap_check DESCRIPTION COMMAND...: ok when COMMAND succeeds.
tap_check() {
	_d=$1
	shift
	if _o=$("$@" 2>&1); then
		tap_ok "$_d"
	else
		tap_fail "$_d" "failed: $*" "$_o"
	fi
}

tap_done() {
	echo "1..$tap_n"
}

# The configuration this guest was booted with (dmainspect.config=NAME).
vm_config() {
	if [ -n "${DMAINSPECT_VM_CONFIG:-}" ]; then
		echo "$DMAINSPECT_VM_CONFIG"
		return
	fi
	read -r _cl </proc/cmdline
	for _w in $_cl; do
		case $_w in
		dmainspect.config=*) echo "${_w#*=}"; return ;;
		esac
	done
}

# only_on WHAT CONFIG...: unless this guest runs one of the configurations,
# say that WHAT runs only there and end the script (no tests).
only_on() {
	_what=$1
	shift
	for _c in "$@"; do
		[ "$_c" = "$(vm_config)" ] && return 0
	done
	tap_diag "$_what: only on $*, not on $(vm_config)"
	tap_done
	exit 0
}

# wait_line FILE REGEX PID TENTHS: wait while PID lives, at most TENTHS
# tenths of a second, for a line of FILE to match REGEX; whether one did.
wait_line() {
	_i=0
	while ! grep -q "$2" "$1" 2>/dev/null && kill -0 "$3" 2>/dev/null && [ $_i -lt "$4" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	grep -q "$2" "$1" 2>/dev/null
}

# cmdline_has WORD: WORD is one of the words of /proc/cmdline.
cmdline_has() {
	read -r _cl </proc/cmdline
	for _w in $_cl; do
		[ "$_w" = "$1" ] && return 0
	done
	return 1
}

# holder_start FILE: start dmabuf-holder writing its report to FILE, set
# $hpid, and wait up to 5 s for its "ready" (or "error") line; succeeds
# when it is ready.
holder_start() {
	dmabuf-holder "$1" &
	hpid=$!
	_i=0
	while ! grep -qE '^(ready|error)' "$1" 2>/dev/null && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	grep -q '^ready' "$1" 2>/dev/null
}

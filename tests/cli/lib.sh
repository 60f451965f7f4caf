# SPDX-License-Identifier: LGPL-2.1-or-later
# TAP helpers for the command-line tests (bash).
# Environment from Automake: DMAINSPECT (the binary), top_srcdir.

: "${DMAINSPECT:?DMAINSPECT must name the dmainspect binary}"
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
FIXTURES=$top_srcdir/tests/fixtures
SCHEMA=$top_srcdir/data/dmainspect.schema.json
PYTHON=/usr/bin/python3
_tap_n=0
_tap_failed=0
TMP=$(mktemp -d /tmp/dmainspect-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

ok() { # ok CONDITION-STATUS DESCRIPTION
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

is() { # is GOT WANT DESCRIPTION
	if [ "$1" == "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2" | sed '3,$s/^/#         /'
	fi
}

diag() { printf '# %s\n' "$@"; }

# run ARGS...: runs dmainspect; sets $out, $err, $rc.
run() {
	set +e
	"$DMAINSPECT" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?

	out=$(cat "$TMP/out")
	err=$(cat "$TMP/err")
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}

# The fixture sysroots (directories holding a sys/ tree).
fixtures() {
	local d
	for d in "$FIXTURES"/*/; do
		[ -d "$d/sys" ] && basename "$d"
	done
}

# Commands that run without operands: their synopsis column (the second, at a
# fixed position in --help) is empty or only optional ("[DEVICE...]").
# trace and metrics are left out: trace counts the running kernel's events
# until stopped, metrics prints no JSON; tests/cli/trace.sh and
# tests/cli/metrics.sh run them.
commands_without_operands() {
	"$DMAINSPECT" --help | awk '/^Commands:/ { f = 1; next } /^$/ { f = 0 }
		f && $1 != "trace" && $1 != "metrics" { args = substr($0, 12, 16); gsub(/ /, "", args)
		    if (args == "" || args ~ /^\[/) print $1 }'
}

# validate_json FILE...: validate JSON documents against the schema; one
# line per error on stdout, non-zero when any.
validate_json() { "$PYTHON" "$top_srcdir/tests/cli/validate-json.py" "$SCHEMA" "$@"; }

# valid WHAT: the last output ($out) validates against the schema.
valid() {
	local msg
	printf '%s\n' "$out" >"$TMP/valid.json"
	msg=$(validate_json "$TMP/valid.json" 2>&1)
	ok $? "$1: the JSON validates against the schema"
	[ -z "$msg" ] || diag "$msg"
}

#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every command's --json output, on every fixture sysroot and live, validates
# against the schema; the schema itself is valid.
set -u
. "$(dirname "$0")/lib.sh"

schema=$SCHEMA

"$PYTHON" -c 'import json, sys, jsonschema
jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1])))' "$schema"
ok $? "the schema is a valid JSON Schema (2020-12)"

# Commands that run without operands: their synopsis has none or only optional ones.
mapfile -t commands < <(commands_without_operands)

# A schema that forbids nothing proves nothing: a wrong type must fail.
echo '{"version": 1, "devices": [{"name": 3}]}' >"$TMP/bad.json"
! validate_json "$TMP/bad.json" >/dev/null; ok $? "the validator rejects a wrong document"

for cmd in "${commands[@]}"; do
	[ "$cmd" = report ] && continue
	for fx in $(fixtures); do
		run --sysroot "$FIXTURES/$fx" "$cmd" --json
		echo "$out" >"$TMP/$cmd-$fx.json"
		msg=$(validate_json "$TMP/$cmd-$fx.json" 2>&1)
		ok $? "$cmd --json on $fx validates"
		[ -z "$msg" ] || diag "$msg"
	done
	run "$cmd" --json
	echo "$out" >"$TMP/$cmd-live.json"
	msg=$(validate_json "$TMP/$cmd-live.json" 2>&1)
	ok $? "$cmd --json on this machine validates"
	[ -z "$msg" ] || diag "$msg"
done

done_testing

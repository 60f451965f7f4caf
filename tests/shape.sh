#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The size rules of src/README: no source file over 800 lines, no function
# over 80 (from the line that names it to its closing brace).
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top/src" || exit 99
max_file=800 max_fn=80

n=0 failed=0
for f in $(find . -name '*.[ch]' ! -name config.h | sed 's|^\./||' | sort); do
	n=$((n + 1))
	lines=$(wc -l <"$f")
	if [ "$lines" -gt "$max_file" ]; then
		echo "not ok $n - $f has $lines lines (at most $max_file)"
		failed=$((failed + 1))
	else
		echo "ok $n - $f has $lines lines (at most $max_file)"
	fi
	# A definition starts in column 0 with a name and '(' and no ';' at the end;
	# it ends at the first '}' in column 0.
	long=$(awk -v max="$max_fn" '
		/^[A-Za-z_].*\(/ && !/;[[:space:]]*$/ && !start { start = NR; name = $0 }
		/^}/ && start { if (NR - start + 1 > max) printf "%s (%d lines); ", name, NR - start + 1; start = 0 }
	' "$f")
	n=$((n + 1))
	if [ -n "$long" ]; then
		echo "not ok $n - $f: every function at most $max_fn lines"
		echo "# longer: $long"
		failed=$((failed + 1))
	else
		echo "ok $n - $f: every function at most $max_fn lines"
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]

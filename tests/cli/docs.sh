#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every command and option the binary offers (as its --help lists them) is in
# the man page and in the bash, zsh and fish completions; the man page and
# the README's commands are well-formed.
set -u
. "$(dirname "$0")/lib.sh"

man=$top_srcdir/man/dmainspect.1
comps=("$top_srcdir/completions/bash/dmainspect" "$top_srcdir/completions/zsh/_dmainspect"
	"$top_srcdir/completions/fish/dmainspect.fish")

# Commands: the lines under "Commands:" in the top-level help.
mapfile -t commands < <("$DMAINSPECT" --help | awk '/^Commands:/{f=1; next} /^$/{f=0} f {print $1}')
[ "${#commands[@]}" -gt 0 ]; ok $? "--help lists commands (${commands[*]})"

# Long options of a help text: "--name" words at the start of option lines.
options_of() { "$DMAINSPECT" "$@" --help | grep -oE '^ +(-[[:alnum:]], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+'; }
# Roff escapes hyphens: look for the plain and the escaped spelling.
in_man() { grep -qE -- "(^|[^[:alnum:]-])(${1//-/\\\\?-})([^[:alnum:]-]|$)" "$man"; }

for o in $(options_of); do
	in_man "$o"; ok $? "man page documents global option $o"
	for c in "${comps[@]}"; do
		grep -qE -- "(${o#--}|$o)" "$c"; ok $? "$(basename "$c") completes global option $o"
	done
done
for cmd in "${commands[@]}"; do
	grep -qE "^\.B $cmd( |$)" "$man"; ok $? "man page has an entry for '$cmd'"
	for c in "${comps[@]}"; do
		grep -qw -- "$cmd" "$c"; ok $? "$(basename "$c") offers '$cmd'"
	done
	for o in $("$DMAINSPECT" "$cmd" --help | awk '/^Options:/{f=1; next} /^$/{f=0} f' |
		grep -oE -- '--[a-z][a-z-]*'); do
		in_man "$o"; ok $? "man page documents $cmd $o"
		for c in "${comps[@]}"; do
			grep -qE -- "(\\b${o#--}\\b|$o)" "$c"; ok $? "$(basename "$c") completes $cmd $o"
		done
	done
done

# The completions do not offer commands the binary does not have.
bash_cmds=$(sed -n 's/^\tlocal commands="\(.*\)"/\1/p' "${comps[0]}")
is "$bash_cmds" "${commands[*]}" "bash completion offers exactly the binary's commands"

for sec in "EXIT STATUS" ENVIRONMENT FILES "Stability of machine output"; do
	grep -qE "^\.S[HS] \"?$sec" "$man"; ok $? "man page has a '$sec' section"
done
warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man" 2>&1 >/dev/null || true)
is "$warnings" "" "man page renders without warnings"

bash -n "${comps[0]}"; ok $? "bash completion parses"
if command -v zsh >/dev/null; then zsh -n "${comps[1]}"; ok $? "zsh completion parses"; else ok 1 "zsh is installed"; fi
if command -v fish >/dev/null; then fish -n "${comps[2]}"; ok $? "fish completion parses"; else ok 1 "fish is installed"; fi

# The bash completion really completes: load it and ask.
if [ -f /usr/share/bash-completion/bash_completion ]; then
	got=$(bash -c '. /usr/share/bash-completion/bash_completion; . "$1";
		COMP_WORDS=(dmainspect li); COMP_CWORD=1; COMP_LINE="dmainspect li"; COMP_POINT=13;
		_dmainspect dmainspect li dmainspect; echo "${COMPREPLY[*]}"' _ "${comps[0]}")
	is "$got" "list" "bash completion completes 'li' to 'list'"
else
	ok 1 "bash-completion is installed"
fi

# The README's two commands are what CI runs.
blocks=$(awk '/^```sh$/{f=1; next} /^```$/{f=0} f' "$top_srcdir/README.md" | wc -l)
is "$blocks" 2 "README starts with two commands"

done_testing

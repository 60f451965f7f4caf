# SPDX-License-Identifier: LGPL-2.1-or-later
# fish completion for dmainspect

set -l commands list

complete -c dmainspect -f
complete -c dmainspect -l json -d 'print JSON'
complete -c dmainspect -l sysroot -r -F -d 'inspect a captured tree'
complete -c dmainspect -l color -x -a 'auto always never' -d 'colour the output'
complete -c dmainspect -s h -l help -d 'show help'
complete -c dmainspect -s V -l version -d 'show version and features'

complete -c dmainspect -n "not __fish_seen_subcommand_from $commands" -a list -d 'devices that do DMA, with their DMA setup and advice'
complete -c dmainspect -n '__fish_seen_subcommand_from list' -s v -l verbose -d 'show every field'

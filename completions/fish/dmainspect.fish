# SPDX-License-Identifier: LGPL-2.1-or-later
# fish completion for dmainspect

set -l commands list iommu swiotlb buf bufs advise report trace metrics diff

complete -c dmainspect -f
complete -c dmainspect -l json -d 'print JSON'
complete -c dmainspect -l sysroot -r -F -d 'inspect a captured tree or report bundle'
complete -c dmainspect -l color -x -a 'auto always never' -d 'colour the output'
complete -c dmainspect -s h -l help -d 'show help'
complete -c dmainspect -s V -l version -d 'show version and features'

complete -c dmainspect -n "not __fish_seen_subcommand_from $commands" -a list -d 'devices that do DMA, with their DMA setup and advice'
complete -c dmainspect -n '__fish_seen_subcommand_from list' -s v -l verbose -d 'show every field'
complete -c dmainspect -n "not __fish_seen_subcommand_from $commands" -a iommu -d 'IOMMU units, groups, default domain policy and its evidence'
complete -c dmainspect -n "not __fish_seen_subcommand_from $commands" -a swiotlb -d 'bounce-buffer pools: size, use, forced or not, exhaustion events'
complete -c dmainspect -n "not __fish_seen_subcommand_from $commands" -a buf -d 'one or more dma-bufs in depth'
complete -c dmainspect -n "not __fish_seen_subcommand_from $commands" -a bufs -d 'every dma-buf in the system, by exporter and by process'
complete -c dmainspect -n "not __fish_seen_subcommand_from $commands" -a advise -d 'recommended mapping mode per device, with the reasons'
complete -c dmainspect -n '__fish_seen_subcommand_from buf' -F -d 'fd, PID:N, /proc/PID/fd/N or device node'
complete -c dmainspect -n '__fish_seen_subcommand_from bufs' -s p -l pid -x -a '(__fish_complete_pids)' -d 'only the buffers this process holds'
complete -c dmainspect -n '__fish_seen_subcommand_from bufs' -s e -l exporter -x -d 'only the buffers of this exporter'
complete -c dmainspect -n "not __fish_seen_subcommand_from $commands" -a report -d 'bug-report bundle that replays with --sysroot'
complete -c dmainspect -n '__fish_seen_subcommand_from report' -s o -l output -r -F -d 'write the bundle to FILE'
complete -c dmainspect -n '__fish_seen_subcommand_from report' -l no-redact -d 'keep MAC addresses, serial numbers, host and user names'
complete -c dmainspect -n '__fish_seen_subcommand_from report' -l max-size -x -d 'most uncompressed bytes in the bundle (K, M, G)'
complete -c dmainspect -n "not __fish_seen_subcommand_from $commands" -a trace -d "per-device DMA API activity counted from the kernel's tracepoints"
complete -c dmainspect -n '__fish_seen_subcommand_from trace' -s s -l seconds -x -d 'count for N seconds'
complete -c dmainspect -n '__fish_seen_subcommand_from trace' -a '(command ls /sys/bus/pci/devices 2>/dev/null)' -d 'device'
complete -c dmainspect -n "not __fish_seen_subcommand_from $commands" -a metrics -d "Prometheus text exposition for node_exporter's textfile collector"
complete -c dmainspect -n '__fish_seen_subcommand_from metrics' -s o -l output -r -F -d 'write FILE atomically'
complete -c dmainspect -n "not __fish_seen_subcommand_from $commands" -a diff -d 'what changed for DMA between two bundles, trees or JSON outputs'
complete -c dmainspect -n '__fish_seen_subcommand_from diff' -F -d 'bundle, tree or JSON output'

#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# dmainspect swiotlb on the fixture sysroots, against values worked out by
# hand from the captured files (debugfs io_tlb_*, proc/cmdline, memory
# blocks, each function's dma_mask_bits and group), then on copies without
# debugfs (what a non-root reader gets), with exhaustion events, with memory
# encryption, and on damaged trees.
set -u
. "$(dirname "$0")/lib.sh"

force=$FIXTURES/q35-noiommu-swiotlb-force-6.1
lazy=$FIXTURES/q35-iommu-lazy-6.1
host=$FIXTURES/host-noiommu

pools() { jq -r '.pools[] | "\(.name) \(.source) \(.nslabs) \(.used) \(.size_bytes) \(.forced) \(.hiwater) \(.start) \(.end)"'; }
masks() { jq -r '.masks[] | "\(.device) \(.dma_mask_bits) \(.translated) \(.streaming_below_ram_top) \(.can_bounce)"'; }

# swiotlb=force, 1 GiB: memory7 is the last block of 0x8000000 bytes -> top 8 * 128 MiB.
run --sysroot "$force" swiotlb --json
is "$rc" 0 "force: swiotlb --json exits 0"
is "$(pools <<<"$out")" "default debugfs 32768 2000 67108864 true null null null" \
	"force: debugfs io_tlb_nslabs 32768 (64 MiB), io_tlb_used 2000, forced"
is "$(jq -r '"\(.swiotlb.forced) \(.swiotlb.forced_by | join(";")) \(.swiotlb.default_pool_source)"' <<<"$out")" \
	"true swiotlb=force on the kernel command line debugfs" "force: forced, because of swiotlb=force"
is "$(jq -r '"\(.ram.top) \(.ram.block_size)"' <<<"$out")" "1073741824 134217728" "force: top of RAM 1 GiB"
# Every direct mapping bounces when forced; 2^32 is above 1 GiB, so no mask is below the top.
is "$(masks <<<"$out")" "0000:00:00.0 32 false false true
0000:00:01.0 64 false false true
0000:00:02.0 32 false false true
0000:00:03.0 64 false false true
0000:00:1f.0 32 false false true
0000:00:1f.2 32 false false true
0000:00:1f.3 32 false false true" "force: every function bounces, none for its mask"
is "$(jq -r '"\(.memory_encryption.guest) \(.memory_encryption.sources | join(";"))"' <<<"$out")" \
	"false kernel log since boot: no memory encryption line" "force: no memory encryption, from the log"

# Intel IOMMU, 1 GiB: debugfs swiotlb/ empty, so no pool; every group translates.
run --sysroot "$lazy" swiotlb --json
is "$(pools <<<"$out")" "" "lazy: no pool"
is "$(jq -r '"\(.swiotlb.default_pool) \(.swiotlb.default_pool_source) \(.swiotlb.forced)"' <<<"$out")" \
	"false debugfs (empty swiotlb directory) false" "lazy: the empty debugfs directory says no pool"
is "$(masks <<<"$out" | awk '{print $3, $5}' | sort -u)" "true false" "lazy: all translated, none bounces"

# The host: swiotlb=noforce, 25 GiB (memory199 -> 200 * 128 MiB), no IOMMU.
run --sysroot "$host" swiotlb --json
is "$(jq -r '"\(.swiotlb.default_pool) \(.swiotlb.default_pool_source) \(.ram.top)"' <<<"$out")" \
	"false kernel command line: swiotlb=noforce allocates no pool 26843545600" "host: noforce, no pool"
is "$(masks <<<"$out")" "0000:00:00.0 32 false true false
0000:00:01.0 64 false false false
0000:00:02.0 64 false false false
0000:00:03.0 64 false false false
0000:00:04.0 64 false false false
0000:00:05.0 64 false false false" "host: a 32-bit mask is below 25 GiB, but with no pool nothing bounces"
jq -e '.masks[0].reasons | index("no SWIOTLB pool exists: such mappings fail")' <<<"$out" >/dev/null
ok $? "host: the 32-bit function's mappings above its mask fail, and it says so"

# A restricted pool is a debugfs subdirectory with the same files (6.6 adds the high-water mark).
cp -a "$force" "$TMP/restricted"
mkdir "$TMP/restricted/sys/kernel/debug/swiotlb/restricted-dma-pool@50000000"
echo 1024 >"$TMP/restricted/sys/kernel/debug/swiotlb/restricted-dma-pool@50000000/io_tlb_nslabs"
echo 5 >"$TMP/restricted/sys/kernel/debug/swiotlb/restricted-dma-pool@50000000/io_tlb_used"
echo 17 >"$TMP/restricted/sys/kernel/debug/swiotlb/restricted-dma-pool@50000000/io_tlb_used_hiwater"
run --sysroot "$TMP/restricted" swiotlb --json
is "$(pools <<<"$out")" "default debugfs 32768 2000 67108864 true null null null
restricted-dma-pool@50000000 debugfs 1024 5 2097152 true 17 null null" \
	"restricted pool: its own slabs, use and high-water mark; its devices always bounce"

# --- no debugfs (a non-root reader): the log and the command line answer ---

cp -a "$force" "$TMP/nodebug"
rm -rf "$TMP/nodebug/sys/kernel/debug"
run --sysroot "$TMP/nodebug" swiotlb --json
valid "nodebug"
is "$(pools <<<"$out")" "default kernel command line 32768 null 67108864 true null null null" \
	"no debugfs, swiotlb=force: a 64 MiB pool from the command line, use unknown"
is "$(jq -r '"\(.pools[0].used_error) \(.swiotlb.debugfs) \(.swiotlb.debugfs_error)"' <<<"$out")" \
	"No such file or directory null No such file or directory" "no debugfs: why the use is unknown"
is "$(jq -r '.unreadable[] | select(contains("debug"))' <<<"$out")" \
	"/sys/kernel/debug/swiotlb: No such file or directory (the snapshot holds no debugfs swiotlb directory)" \
	"no debugfs: 'unreadable' says what and why"

echo 'intel_iommu=off swiotlb=65536,force' >"$TMP/nodebug/proc/cmdline"
run --sysroot "$TMP/nodebug" swiotlb --json
is "$(pools <<<"$out")" "default kernel command line 65536 null 134217728 true null null null" \
	"no debugfs, swiotlb=65536,force: 128 MiB"

cp -a "$lazy" "$TMP/mapped"
rm -rf "$TMP/mapped/sys/kernel/debug"
echo '6,999,900000,-;software IO TLB: mapped [mem 0x00000000bbfdf000-0x00000000bffdf000] (64MB)' \
	>>"$TMP/mapped/dev/kmsg"
run --sysroot "$TMP/mapped" swiotlb --json
valid "mapped"
is "$(pools <<<"$out")" "default kernel log 32768 null 67108864 false null 3153981440 3221090304" \
	"no debugfs: the 'mapped' line gives the range (end exclusive) and 64 MiB"

echo '6,1000,950000,-;software IO TLB: tearing down default memory pool' >>"$TMP/mapped/dev/kmsg"
run --sysroot "$TMP/mapped" swiotlb --json
is "$(jq -r '"\(.pools | length) \(.swiotlb.default_pool) \(.swiotlb.default_pool_source)"' <<<"$out")" \
	"0 false kernel log: 'software IO TLB: tearing down default memory pool'" \
	"no debugfs: a later 'tearing down' line means the pool is gone"

cp -a "$lazy" "$TMP/unknown"
rm -rf "$TMP/unknown/sys/kernel/debug"
run --sysroot "$TMP/unknown" swiotlb --json
is "$(jq -r '"\(.pools | length) \(.swiotlb.default_pool) \(.swiotlb.default_pool_error)"' <<<"$out")" \
	"0 null No such file or directory" "no debugfs, no line, no force: the default pool is unknown, not guessed"

# --- exhaustion ---

cp -a "$force" "$TMP/full"
cat >>"$TMP/full/dev/kmsg" <<'EOF'
4,950,9000000,-;virtio-pci 0000:00:03.0: swiotlb buffer is full (sz: 65536 bytes), total 32768 (slots), used 32700 (slots)
4,951,9000100,-;bochs-drm 0000:00:02.0: swiotlb buffer is full (sz: 131072 bytes), total 32768 (slots), used 32760 (slots)
4,952,9000200,-;virtio-pci 0000:00:03.0: swiotlb buffer is full (sz: 4096 bytes), total 32768 (slots), used 32767 (slots)
4,953,9000300,-;virtio-pci 0000:00:03.0: swiotlb buffer is full (sz: 99999999 by
EOF
run --sysroot "$TMP/full" swiotlb --json
is "$(jq -r '.swiotlb.full_events | "\(.count) \(.largest_bytes) \(.total_slots) \(.used_slots) \(.devices | join(","))"' <<<"$out")" \
	"3 131072 32768 32767 0000:00:03.0,0000:00:02.0" "full: three events, the largest 128 KiB, the truncated one skipped"
is "$(jq -r '.swiotlb.full_events.advice' <<<"$out")" \
	"the pool ran out 3 times: try swiotlb=65536,force on the kernel command line (128 MiB, twice the 32768 slabs it has now)" \
	"full: advice doubles the pool and keeps force"
echo '4,954,9000400,-;virtio-pci 0000:00:03.0: swiotlb buffer is full (sz: 524288 bytes), total 32768 (slots), used 0 (slots)' \
	>>"$TMP/full/dev/kmsg"
run --sysroot "$TMP/full" swiotlb --json
[[ $(jq -r '.swiotlb.full_events.advice' <<<"$out") == "a request of 524288 bytes exceeds the largest single SWIOTLB mapping (256 KiB)"* ]]
ok $? "full: a request above 256 KiB gets no pool-size advice"
run --sysroot "$TMP/full" --color=never swiotlb
[[ $out == *"4 'swiotlb buffer is full' events, largest request 524288 bytes"* ]]
ok $? "full: the text view shows count and largest request"

# --- memory encryption ---

cp -a "$lazy" "$TMP/sev"
echo '6,980,100,-;Memory Encryption Features active: AMD SEV SEV-ES' >>"$TMP/sev/dev/kmsg"
run --sysroot "$TMP/sev" swiotlb --json
valid "sev"
is "$(jq -r '"\(.memory_encryption.guest) \(.memory_encryption.kinds | join(",")) \(.swiotlb.forced)"' <<<"$out")" \
	"true SEV,SEV-ES true" "SEV guest: encryption from the log forces bouncing"

cp -a "$lazy" "$TMP/tdx"
rm "$TMP/tdx/dev/kmsg"
printf 'processor\t: 0\nflags\t\t: fpu hypervisor tdx_guest\n' >"$TMP/tdx/proc/cpuinfo"
run --sysroot "$TMP/tdx" swiotlb --json
is "$(jq -r '"\(.memory_encryption.guest) \(.memory_encryption.sources | join(";"))"' <<<"$out")" \
	"true /proc/cpuinfo: flag tdx_guest" "TDX guest: from cpuinfo without a log"
printf 'processor\t: 0\nflags\t\t: fpu hypervisor\n' >"$TMP/tdx/proc/cpuinfo"
run --sysroot "$TMP/tdx" swiotlb --json
is "$(jq -r '"\(.memory_encryption.guest) \(.memory_encryption.guest_error) \(.swiotlb.forced)"' <<<"$out")" \
	"null No such file or directory null" "a guest without a log: encryption unknown, so forcing is unknown"
printf 'processor\t: 0\nflags\t\t: fpu sev\n' >"$TMP/tdx/proc/cpuinfo"
run --sysroot "$TMP/tdx" swiotlb --json
is "$(jq -r '"\(.memory_encryption.guest) \(.swiotlb.forced)"' <<<"$out")" "false false" \
	"no hypervisor flag: not an encrypted guest, whatever the CPU supports"

# --- damaged trees ---

cp -a "$force" "$TMP/bad"
echo 18446744073709551615 >"$TMP/bad/sys/kernel/debug/swiotlb/io_tlb_used"
echo zz >"$TMP/bad/sys/devices/system/memory/block_size_bytes"
run --sysroot "$TMP/bad" swiotlb --json
valid "bad"
is "$rc" 0 "damaged tree: exits 0"
is "$(jq -r '"\(.pools[0].used) \(.pools[0].used_error) \(.ram.top) \(.ram.top_error)"' <<<"$out")" \
	"null the kernel reported 2^64-1, an underflowed count (a bug of 6.4 to 6.8): unknown null Invalid argument" \
	"damaged tree: io_tlb_used of 2^64-1 and a garbage block size are unknown, with reasons"
is "$(masks <<<"$out" | awk '{print $2, $4}' | sort -u)" "32 null
64 false" "damaged tree: without the top of RAM, 'below' is unknown for 32 bits, still false for 64"

run --sysroot "$force" swiotlb extra
is "$rc" 1 "an operand is a usage error"

done_testing

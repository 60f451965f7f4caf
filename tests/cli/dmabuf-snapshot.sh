# SPDX-License-Identifier: LGPL-2.1-or-later
# A small snapshot with dma-bufs, written by hand from the kernel's formats
# (6.1 bufinfo and fdinfo, /proc/PID/maps), for buf.sh and bufs.sh.
#
# Buffers (bufinfo):  ino 30  16384 drm     no name   vivid.0 attached
#                     ino 31   4096 drm     "two words", one unsignalled write fence
#                     ino 32  65536 system  no name   held by no process
#                     ino 33   8192 drm     "mapped only"
# Process 100 "compositor": fds 3 and 6 on 30 (both mapped), fd 4 on 31, fd 5 on
#   /dev/null, and 33 mapped without an fd.
# Process 200 "client": fd 7 on 31, no maps file.
# Process 300: its fd entry is a file, not a directory: unreadable.
# Process 400: no fd directory (a zombie): skipped.
# shellcheck shell=bash

make_dmabuf_snapshot() {
	local s=$1 tab=$'\t'
	mkdir -p "$s/sys/kernel/debug/dma_buf" "$s/proc/100/fd" "$s/proc/100/fdinfo" \
		"$s/proc/200/fd" "$s/proc/200/fdinfo" "$s/proc/300" "$s/proc/400"
	cat >"$s/sys/kernel/debug/dma_buf/bufinfo" <<-EOF

	Dma-buf Objects:
	size    ${tab}flags   ${tab}mode    ${tab}count   ${tab}exp_name${tab}ino     ${tab}name
	00016384${tab}00000002${tab}000a001f${tab}00000003${tab}drm${tab}00000030${tab}<none>
	${tab}Attached Devices:
	${tab}vivid.0
	Total 1 devices attached

	00004096${tab}00000002${tab}000a001f${tab}00000002${tab}drm${tab}00000031${tab}two words
	${tab}write fence:vgem vgem seq 3 unsignalled
	${tab}Attached Devices:
	Total 0 devices attached

	00065536${tab}00000002${tab}000a001f${tab}00000001${tab}system${tab}00000032${tab}<none>
	${tab}Attached Devices:
	Total 0 devices attached

	00008192${tab}00000002${tab}000a001f${tab}00000001${tab}drm${tab}00000033${tab}mapped only
	${tab}Attached Devices:
	Total 0 devices attached


	Total 4 objects, 94208 bytes
	EOF
	ln -s 100 "$s/proc/self"
	echo compositor >"$s/proc/100/comm"
	ln -s /dmabuf: "$s/proc/100/fd/3"
	ln -s "/dmabuf:two words" "$s/proc/100/fd/4"
	ln -s /dev/null "$s/proc/100/fd/5"
	ln -s /dmabuf: "$s/proc/100/fd/6"
	printf 'pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t30\nsize:\t16384\ncount:\t3\nexp_name:\tdrm\n' \
		>"$s/proc/100/fdinfo/3"
	printf 'pos:\t0\nflags:\t02\nmnt_id:\t15\nino:\t31\nsize:\t4096\ncount:\t2\nexp_name:\tdrm\nname:\ttwo words\n' \
		>"$s/proc/100/fdinfo/4"
	printf 'pos:\t0\nflags:\t0100002\nmnt_id:\t24\nino:\t4\n' >"$s/proc/100/fdinfo/5"
	printf 'pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t30\nsize:\t16384\ncount:\t3\nexp_name:\tdrm\n' \
		>"$s/proc/100/fdinfo/6"
	cat >"$s/proc/100/maps" <<-'EOF'
	55d0c0a00000-55d0c0a21000 r--p 00000000 08:01 1312                       /usr/bin/compositor
	7f0000000000-7f0000004000 rw-s 00000000 00:0e 30                         /dmabuf:
	7f0000004000-7f0000006000 r--s 00000000 00:0e 33                         /dmabuf:mapped only
	7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]
	EOF
	echo client >"$s/proc/200/comm"
	ln -s "/dmabuf:two words" "$s/proc/200/fd/7"
	printf 'pos:\t0\nflags:\t02\nmnt_id:\t15\nino:\t31\nsize:\t4096\ncount:\t2\nexp_name:\tdrm\nname:\ttwo words\n' \
		>"$s/proc/200/fdinfo/7"
	echo "not a directory" >"$s/proc/300/fd"
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The dma-buf parsers against text written from the kernel's own format
 * strings (fs/proc/fd.c, drivers/dma-buf/dma-buf.c, dma-resv.c, dma-fence.c,
 * fs/proc/task_mmu.c) of 4.14, 5.10, 6.1, 6.12 and 7.2; and the CPU-access
 * advisor.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse/dmabuf-parse.h"
#include "model-dmabuf.h"
#include "tap.h"

static void test_fdinfo(void)
{
	struct fdinfo fi;

	/* 6.1: dma_buf_show_fdinfo after the generic lines; the name holds a tab. */
	is_int(parse_fdinfo("pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1042\n"
			    "size:\t16384\ncount:\t3\nexp_name:\tdrm\nname:\tmy buf\twith tab\n", &fi),
	       0, "fdinfo 6.1: parsed");
	is_int(fi.flags.v, 02000002, "fdinfo: flags are octal");
	is_int(fi.ino.v, 1042, "fdinfo: ino");
	is_int(fi.size.v, 16384, "fdinfo: size");
	is_int(fi.count.v, 3, "fdinfo: count");
	is_int(fi.mnt_id.v, 15, "fdinfo: mnt_id");
	is_str(fi.exp_name.s, "drm", "fdinfo: exp_name");
	is_str(fi.name.s, "my buf\twith tab", "fdinfo: name keeps spaces and tabs");
	fdinfo_free(&fi);

	/* 5.10: no ino line; no name line when the buffer has none. */
	is_int(parse_fdinfo("pos:\t0\nflags:\t0100002\nmnt_id:\t14\nsize:\t4096\ncount:\t1\n"
			    "exp_name:\ti915\n", &fi), 0, "fdinfo 5.10: parsed");
	ok(!fi.ino.set && !fi.ino.err, "fdinfo without ino: ino unset, no error");
	ok(!fi.name.s && !fi.name.err, "fdinfo without name: name unset");
	is_int(fi.size.v, 4096, "fdinfo 5.10: size");
	fdinfo_free(&fi);

	/* Missing fields and a garbled number. */
	is_int(parse_fdinfo("exp_name:\tsystem\ncount:\tlots\n", &fi), 0, "fdinfo: exp_name alone suffices");
	ok(!fi.size.set && !fi.pos.set, "fdinfo: absent fields stay unset");
	ok(!fi.count.set && fi.count.err == -EINVAL, "fdinfo: a garbled count is an error");
	fdinfo_free(&fi);

	/* Not a dma-buf: a pipe's fdinfo. */
	is_int(parse_fdinfo("pos:\t0\nflags:\t02\nmnt_id:\t13\nino:\t8812\n", &fi), -ENOMSG,
	       "fdinfo of a pipe: not a dma-buf");
	fdinfo_free(&fi);
	is_int(parse_fdinfo("", &fi), -ENOMSG, "empty fdinfo: not a dma-buf");
	fdinfo_free(&fi);

	/* A name with a newline cannot override the lines before it. */
	is_int(parse_fdinfo("size:\t4096\ncount:\t1\nexp_name:\tdrm\nname:\tx\nexp_name:\tevil\n"
			    "size:\t1\n", &fi), 0, "fdinfo with an injected line: parsed");
	is_str(fi.exp_name.s, "drm", "first exp_name wins");
	is_int(fi.size.v, 4096, "first size wins");
	is_str(fi.name.s, "x", "name up to its line end");
	fdinfo_free(&fi);

	/* An empty name and no tab after the colon. */
	is_int(parse_fdinfo("exp_name:drm\nname:\t\n", &fi), 0, "fdinfo without tab: parsed");
	is_str(fi.exp_name.s, "drm", "exp_name without a tab");
	is_str(fi.name.s, "", "an empty name is an empty string");
	fdinfo_free(&fi);
}

static const char bufinfo_61[] =
	"\nDma-buf Objects:\n"
	"size    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n"
	"00016384\t00000002\t000a001f\t00000003\tdrm\t00000025\tdmainspect test\tbuf\n"
	"\twrite fence:vgem vgem timeline 2 seq 7 unsignalled\n"
	"\tread fence:drm_sched gfx_0.0.0 seq 1234 signalled\n"
	"\tAttached Devices:\n"
	"\tvivid.0\n"
	"\t0000:00:02.0\n"
	"Total 2 devices attached\n\n"
	"00004096\t00000802\t000a001f\t00000001\tsystem\t00000026\t<none>\n"
	"\tAttached Devices:\n"
	"Total 0 devices attached\n\n"
	"\nTotal 2 objects, 20480 bytes\n";

static const char bufinfo_510[] =
	"\nDma-buf Objects:\n"
	"size    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n"
	"00008192\t00000002\t0000000f\t00000002\ti915\t00001234\t\n"
	"\tExclusive fence: i915 0000:00:02.0 signalled\n"
	"\tShared fence: i915 0000:00:02.0 unsignalled\n"
	"\tAttached Devices:\n"
	"\t0000:00:02.0\n"
	"Total 1 devices attached\n\n"
	"\nTotal 1 objects, 8192 bytes\n";

/*
 * 6.12: dma_fence_describe "%s %s seq %llu %ssignalled" (driver, timeline);
 * an empty timeline, and a timeline holding the word "seq".
 */
static const char bufinfo_612[] =
	"\nDma-buf Objects:\n"
	"size    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n"
	"00016384\t00000002\t000a001f\t00000002\tdrm\t00000042\t<none>\n"
	"\twrite fence:vgem unbound seq 1 unsignalled\n"
	"\tkernel fence:i915  seq 18446744073709551615 signalled\n"
	"\tbookkeep fence:drm_sched ring seq 3 seq 12 signalled\n"
	"\tread fence:weird no-seq-here unsignalled\n"
	"\tAttached Devices:\n"
	"Total 0 devices attached\n\n"
	"\nTotal 1 objects, 16384 bytes\n";

/*
 * 7.2: "%llu:%llu %s %s %ssignalled" (context:seqno, timeline, driver), the
 * names empty once signalled.
 */
static const char bufinfo_72[] =
	"\nDma-buf Objects:\n"
	"size    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n"
	"00016384\t00000002\t000a001f\t00000002\tdrm\t00000043\t<none>\n"
	"\twrite fence:4:1 unbound vgem unsignalled\n"
	"\tread fence:12:345 gfx 0.0.0 amdgpu unsignalled\n"
	"\tbookkeep fence:7:2   signalled\n"
	"\tkernel fence:9:8  i915 unsignalled\n"
	"\tread fence:x:1 t d unsignalled\n"
	"\tread fence:5:6 nodriver\n"
	"\tAttached Devices:\n"
	"\tvivid.0\n"
	"Total 1 devices attached\n\n"
	"\nTotal 1 objects, 16384 bytes\n";

static void test_fences(void)
{
	struct di_dmabuf *b;
	struct di_fence *f;
	size_t n;

	is_int(parse_bufinfo(bufinfo_612, &b, &n), 0, "bufinfo 6.12: parsed");
	is_int(n == 1 ? b[0].n_fences : 0, 4, "6.12: four fence lines");
	if (n == 1 && b[0].n_fences == 4) {
		f = b[0].fences;
		is_str(f[0].usage, "write", "6.12 vgem: usage");
		is_str(f[0].driver.s, "vgem", "6.12 vgem: driver first");
		is_str(f[0].timeline.s, "unbound", "6.12 vgem: timeline second");
		ok(f[0].seqno.set && f[0].seqno.v == 1, "6.12 vgem: seq 1");
		ok(!f[0].context.set && f[0].context.err == -DB_ENOTPRINTED, "6.12: no context, with why");
		ok(!f[0].signalled, "6.12 vgem: unsignalled");
		is_str(f[1].driver.s, "i915", "6.12: driver before an empty timeline");
		is_str(f[1].timeline.s, "", "6.12: an empty timeline");
		ok(!f[1].seqno.set && f[1].seqno.err, "6.12: a seqno beyond the range is an error");
		is_str(f[2].timeline.s, "ring seq 3", "6.12: the last 'seq N' is the seqno");
		is_int(f[2].seqno.v, 12, "6.12: seqno after a timeline holding 'seq'");
		ok(f[2].signalled, "6.12: signalled");
		is_str(f[3].timeline.s, "no-seq-here", "no seq: all after the driver is the timeline");
		ok(!f[3].seqno.set && f[3].seqno.err == -DB_ENOTPRINTED, "no seq: seqno not printed");
	}
	dmabufs_free(b, n);

	is_int(parse_bufinfo(bufinfo_72, &b, &n), 0, "bufinfo 7.2: parsed");
	is_int(n == 1 ? b[0].n_fences : 0, 5, "7.2: five fence lines, a line without status skipped");
	if (n == 1 && b[0].n_fences == 5) {
		f = b[0].fences;
		is_str(f[0].usage, "write", "7.2 vgem: usage");
		is_str(f[0].driver.s, "vgem", "7.2 vgem: the driver is the last word");
		is_str(f[0].timeline.s, "unbound", "7.2 vgem: the timeline comes before the driver");
		ok(f[0].context.set && f[0].context.v == 4, "7.2 vgem: context 4");
		ok(f[0].seqno.set && f[0].seqno.v == 1, "7.2 vgem: seqno 1");
		ok(!f[0].signalled, "7.2 vgem: unsignalled");
		is_str(f[1].timeline.s, "gfx 0.0.0", "7.2: a timeline with a space");
		is_str(f[1].driver.s, "amdgpu", "7.2: the driver after a timeline with a space");
		ok(f[1].context.v == 12 && f[1].seqno.v == 345, "7.2: context 12, seqno 345");
		ok(f[2].signalled, "7.2: signalled");
		ok(!f[2].driver.s && f[2].driver.err == -DB_ESIGNALLEDNAMES,
		   "7.2 signalled: no driver, with why");
		ok(!f[2].timeline.s && f[2].timeline.err == -DB_ESIGNALLEDNAMES,
		   "7.2 signalled: no timeline, with why");
		ok(f[2].context.v == 7 && f[2].seqno.v == 2, "7.2 signalled: context and seqno kept");
		is_str(f[3].timeline.s, "", "7.2: an empty timeline");
		is_str(f[3].driver.s, "i915", "7.2: the driver after an empty timeline");
		/* "x:1" is no context:seqno: read as the old form, driver first */
		is_str(f[4].driver.s, "x:1", "not context:seqno: the 6.x form");
		is_str(f[4].timeline.s, "t d", "not context:seqno: the 6.x timeline");
		is_int(b[0].n_attachments, 1, "7.2: the attachment after the fences");
	}
	dmabufs_free(b, n);
}

static const char bufinfo_414[] =
	"\nDma-buf Objects:\n"
	"size\tflags\tmode\tcount\texp_name\n"
	"00004096\t00000002\t00000007\t00000001\tion-system-heap\n"
	"\tAttached Devices:\n"
	"Total 0 devices attached\n\n"
	"\nTotal 1 objects, 4096 bytes\n";

static void test_bufinfo(void)
{
	struct di_dmabuf *b;
	size_t n;

	is_int(parse_bufinfo(bufinfo_61, &b, &n), 0, "bufinfo 6.1: parsed");
	is_int(n, 2, "bufinfo 6.1: two buffers");
	if (n == 2) {
		is_int(b[0].size.v, 16384, "size (decimal with leading zeros)");
		is_int(b[0].file_flags.v, 2, "f_flags (hex)");
		is_int(b[0].file_mode.v, 0xa001f, "f_mode (hex)");
		is_int(b[0].file_count.v, 3, "count");
		is_str(b[0].exporter.s, "drm", "exporter");
		is_int(b[0].inode.v, 25, "inode (decimal, not octal)");
		is_str(b[0].name.s, "dmainspect test\tbuf", "name with a space and a tab");
		ok(b[0].listed, "listed");
		is_int(b[0].n_fences, 2, "two fences");
		if (b[0].n_fences == 2) {
			is_str(b[0].fences[0].usage, "write", "fence usage");
			is_str(b[0].fences[0].driver.s, "vgem", "fence driver");
			is_str(b[0].fences[0].timeline.s, "vgem timeline 2", "timeline with spaces");
			ok(!b[0].fences[0].context.set && b[0].fences[0].context.err,
			   "6.1 prints no fence context");
			is_int(b[0].fences[0].seqno.v, 7, "fence seqno");
			ok(!b[0].fences[0].signalled, "unsignalled");
			is_str(b[0].fences[1].usage, "read", "second fence usage");
			ok(b[0].fences[1].signalled, "signalled");
		}
		is_int(b[0].n_attachments, 2, "two attachments");
		if (b[0].n_attachments == 2) {
			is_str(b[0].attachments[0].device, "vivid.0", "platform device name");
			is_str(b[0].attachments[1].device, "0000:00:02.0", "PCI device name");
		}
		ok(!b[1].name.s && !b[1].name.err, "<none>: no name");
		is_int(b[1].file_flags.v, 0x802, "second f_flags");
		is_int(b[1].n_attachments, 0, "no attachment");
		is_int(b[1].n_fences, 0, "no fence");
	}
	dmabufs_free(b, n);

	is_int(parse_bufinfo(bufinfo_510, &b, &n), 0, "bufinfo 5.10: parsed");
	is_int(n, 1, "bufinfo 5.10: one buffer");
	if (n == 1) {
		ok(!b[0].name.s, "5.10 empty name: no name");
		is_int(b[0].inode.v, 1234, "5.10 inode");
		is_int(b[0].n_fences, 2, "5.10 fences");
		if (b[0].n_fences == 2) {
			is_str(b[0].fences[0].usage, "exclusive", "Exclusive fence");
			is_str(b[0].fences[0].driver.s, "i915", "old fence driver");
			is_str(b[0].fences[0].timeline.s, "0000:00:02.0", "old fence timeline");
			ok(!b[0].fences[0].seqno.set, "old fences print no seqno");
			ok(b[0].fences[0].signalled, "old fence signalled");
			is_str(b[0].fences[1].usage, "shared", "Shared fence");
			ok(!b[0].fences[1].signalled, "old fence unsignalled");
		}
		is_int(b[0].n_attachments, 1, "5.10 attachment");
	}
	dmabufs_free(b, n);

	is_int(parse_bufinfo(bufinfo_414, &b, &n), 0, "bufinfo 4.14: parsed");
	is_int(n, 1, "bufinfo 4.14: one buffer");
	if (n == 1) {
		ok(!b[0].inode.set && b[0].inode.err, "4.14: no inode, with a reason");
		is_str(b[0].exporter.s, "ion-system-heap", "4.14 exporter");
		ok(!b[0].name.s, "4.14: no name");
	}
	dmabufs_free(b, n);

	is_int(parse_bufinfo("\nDma-buf Objects:\nsize\tflags\tmode\tcount\texp_name\tino\tname\n"
			     "\nTotal 0 objects, 0 bytes\n", &b, &n), 0, "empty bufinfo: parsed");
	is_int(n, 0, "empty bufinfo: no buffer");
	dmabufs_free(b, n);

	is_int(parse_bufinfo("hello\nworld\n", &b, &n), -EINVAL, "not bufinfo: -EINVAL");
	is_int(parse_bufinfo("", &b, &n), -EINVAL, "empty text: -EINVAL");

	/* A truncated read: the last buffer without its totals, a garbled line. */
	is_int(parse_bufinfo("Dma-buf Objects:\n00004096\t2\t7\t1\tdrm\t9\tx\n\tAttached Devices:\n"
			     "\tvgem\nxx\tyy\n0000zz\t1\n", &b, &n), 0, "truncated bufinfo: parsed");
	is_int(n, 1, "truncated bufinfo: the readable buffer");
	if (n == 1)
		is_int(b[0].n_attachments, 1, "truncated bufinfo: its attachment");
	dmabufs_free(b, n);
}

static void test_args(void)
{
	struct buf_arg a;

	is_int(parse_buf_arg("3", &a), 0, "'3' parses");
	ok(a.kind == BUF_ARG_FD && a.fd == 3, "'3' is fd 3");
	is_int(parse_buf_arg("0", &a), 0, "'0' parses");
	ok(a.kind == BUF_ARG_FD && a.fd == 0, "'0' is fd 0");
	is_int(parse_buf_arg("812:5", &a), 0, "'812:5' parses");
	ok(a.kind == BUF_ARG_PROC && a.pid == 812 && a.fd == 5, "'812:5' is fd 5 of 812");
	is_int(parse_buf_arg("/proc/812/fd/5", &a), 0, "/proc/812/fd/5 parses");
	ok(a.kind == BUF_ARG_PROC && a.pid == 812 && a.fd == 5, "/proc/812/fd/5 is fd 5 of 812");
	is_int(parse_buf_arg("/proc/self/fd/7", &a), 0, "/proc/self/fd/7 parses");
	ok(a.kind == BUF_ARG_FD && a.fd == 7, "/proc/self/fd/7 is our fd 7");
	is_int(parse_buf_arg("/proc/thread-self/fd/7", &a), 0, "/proc/thread-self/fd/7 parses");
	ok(a.kind == BUF_ARG_FD && a.fd == 7, "/proc/thread-self/fd/7 is our fd 7");
	is_int(parse_buf_arg("99999999999", &a), -ERANGE, "an fd beyond INT_MAX is out of range");
	is_int(parse_buf_arg("1:99999999999", &a), -ERANGE, "PID:N with N too large");
	is_int(parse_buf_arg("0:3", &a), -ERANGE, "pid 0 is out of range");
	is_int(parse_buf_arg("/proc/0/fd/3", &a), -ERANGE, "/proc/0 is out of range");
	is_int(parse_buf_arg("", &a), -EINVAL, "empty argument");
	is_int(parse_buf_arg("/dev/dri/card0", &a), 0, "a DRM node parses");
	ok(a.kind == BUF_ARG_PATH, "a DRM node is a path");
	parse_buf_arg("/proc/812/fd/", &a);
	ok(a.kind == BUF_ARG_PATH, "/proc/812/fd/ without a number is a path");
	parse_buf_arg("/proc/abc/fd/3", &a);
	ok(a.kind == BUF_ARG_PATH, "/proc/abc/fd/3 is a path");
	parse_buf_arg("3a", &a);
	ok(a.kind == BUF_ARG_PATH, "'3a' is a path");
	parse_buf_arg(":3", &a);
	ok(a.kind == BUF_ARG_PATH, "':3' is a path");
	parse_buf_arg("12:", &a);
	ok(a.kind == BUF_ARG_PATH, "'12:' is a path");
}

static void test_maps(void)
{
	static const char maps[] =
		"55d0c0a00000-55d0c0a21000 r--p 00000000 08:01 1312                       /usr/bin/x\n"
		"7f0000000000-7f0000004000 rw-s 00000000 00:0e 1042                       /dmabuf:\n"
		"7f0000004000-7f0000008000 r--s 00000000 00:0e 1043                       /dmabuf:my buf\n"
		"7f0000008000-7f0000009000 r--p 00000000 08:01 77                         /home/u/dmabuf:x\n"
		"7f000000a000-7f000000b000 rw-p 00000000 00:00 0 \n"
		"7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]";
	const char *pos = maps, *name;
	unsigned long long ino;
	size_t len;

	ok(maps_next_dmabuf(&pos, &ino, &name, &len), "maps: first dma-buf mapping");
	is_int(ino, 1042, "maps: its inode");
	is_int(len, 0, "maps: unnamed");
	ok(maps_next_dmabuf(&pos, &ino, &name, &len), "maps: second dma-buf mapping");
	is_int(ino, 1043, "maps: second inode");
	ok(len == 6 && strncmp(name, "my buf", 6) == 0, "maps: name with a space");
	ok(!maps_next_dmabuf(&pos, &ino, &name, &len), "maps: a file path holding /dmabuf: is no dma-buf");
	pos = "";
	ok(!maps_next_dmabuf(&pos, &ino, &name, &len), "maps: empty text");

	ok(is_dmabuf_link("/dmabuf:"), "readlink /dmabuf: is a dma-buf");
	ok(is_dmabuf_link("/dmabuf:name"), "readlink /dmabuf:name is a dma-buf");
	ok(!is_dmabuf_link("anon_inode:[eventfd]"), "an eventfd is not");
	ok(!is_dmabuf_link("/home/u/dmabuf:x"), "a file is not");
}

static void test_classify(void)
{
	is_int(classify_chardev("drm", "card0"), DEV_DRM_CARD, "drm card0");
	is_int(classify_chardev("drm", "renderD128"), DEV_DRM_RENDER, "drm renderD128");
	is_int(classify_chardev("drm", "controlD64"), DEV_OTHER, "drm controlD64 is not ours");
	is_int(classify_chardev("drm", "card"), DEV_OTHER, "drm 'card' without number");
	is_int(classify_chardev("dma_heap", "system"), DEV_DMA_HEAP, "dma_heap system");
	is_int(classify_chardev("misc", "udmabuf"), DEV_UDMABUF, "misc udmabuf");
	is_int(classify_chardev("misc", "fuse"), DEV_OTHER, "misc fuse is not ours");
	is_int(classify_chardev("mem", "null"), DEV_OTHER, "mem null is not ours");
}

static bool has(const struct strv *sv, const char *needle)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strstr(sv->v[i], needle))
			return true;
	return false;
}

static void probes(struct di_dmabuf *b, int mmap_err)
{
	memset(b, 0, sizeof(*b));
	ival_set(&b->mmap.ok, mmap_err == 0);
	b->mmap.ok.err = mmap_err;
	ival_set(&b->sync.ok, 1);
	ival_set(&b->export_sync_file.ok, 1);
}

static struct di_attachment att(const char *name, int group, const char *domain)
{
	struct di_attachment a = { .device = (char *)name, .known = true };

	if (group >= 0)
		ival_set(&a.iommu_group, group);
	a.iommu_domain.s = (char *)domain;
	return a;
}

static void test_advice(void)
{
	struct di_dmabuf b;
	struct di_attachment two[2];
	struct di_fence fence = { .signalled = false };

	probes(&b, 0);
	b.map_info.err = -DB_ENOTREPORTED;
	dmabuf_advise(&b);
	is_str(b.cpu_advice, "bracket-with-sync", "coherency not reported: bracket with SYNC");
	ok(has(&b.reasons, "not reported by this kernel"), "the reason names the missing report");
	ok(has(&b.notes, "EXPORT_SYNC_FILE works"), "EXPORT_SYNC_FILE noted");
	strv_free(&b.reasons);
	strv_free(&b.notes);

	probes(&b, 0);
	ival_set(&b.map_info, MAP_INFO_COHERENT_WC);
	dmabuf_advise(&b);
	is_str(b.cpu_advice, "coherent", "COHERENT_WC: coherent");
	ok(has(&b.reasons, "COHERENT_WC"), "the reason names the map_info");
	strv_free(&b.reasons);
	strv_free(&b.notes);

	probes(&b, 0);
	ival_set(&b.map_info, MAP_INFO_INCOHERENT);
	dmabuf_advise(&b);
	is_str(b.cpu_advice, "bracket-with-sync", "INCOHERENT: bracket with SYNC");
	strv_free(&b.reasons);
	strv_free(&b.notes);

	probes(&b, -ENODEV);
	ival_set(&b.map_info, MAP_INFO_COHERENT_CACHED);
	dmabuf_advise(&b);
	is_str(b.cpu_advice, "no-cpu-mapping", "mmap refused: no CPU mapping, whatever map_info says");
	strv_free(&b.reasons);
	strv_free(&b.notes);

	/* Two devices, one translated by an IOMMU, one not: different address spaces. */
	probes(&b, 0);
	b.map_info.err = -DB_ENOTREPORTED;
	two[0] = att("0000:00:02.0", 3, "DMA-FQ");
	two[1] = att("vivid.0", -1, NULL);
	b.attachments = two;
	b.n_attachments = 2;
	b.fences = &fence;
	b.n_fences = 1;
	dmabuf_advise(&b);
	ok(has(&b.notes, "different DMA address spaces"), "different address spaces noted");
	ok(has(&b.notes, "1 unsignalled fence"), "the unsignalled fence noted");
	strv_free(&b.reasons);
	strv_free(&b.notes);

	/* Both in the same identity-less group setup: the same space, no note. */
	two[1] = att("0000:00:03.0", 3, "DMA-FQ");
	b.n_fences = 0;
	dmabuf_advise(&b);
	ok(!has(&b.notes, "different DMA address spaces"), "same group: no address-space note");
	strv_free(&b.reasons);
	strv_free(&b.notes);

	/* Coherency differs (device tree). */
	two[0] = att("a.dev", -1, NULL);
	two[1] = att("b.dev", -1, NULL);
	ival_set(&two[0].dt_coherent, 1);
	ival_set(&two[1].dt_coherent, 0);
	dmabuf_advise(&b);
	ok(has(&b.notes, "differ in DMA coherency"), "coherency difference noted");
	ok(!has(&b.notes, "different DMA address spaces"), "both untranslated: no address-space note");
	strv_free(&b.reasons);
	strv_free(&b.notes);
}

int main(void)
{
	test_fdinfo();
	test_bufinfo();
	test_fences();
	test_args();
	test_maps();
	test_classify();
	test_advice();
	return tap_done();
}

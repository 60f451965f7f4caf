// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One fuzz target per parser of kernel text (src/parse/), chosen at build
 * time with -DFUZZ_<NAME>. Run by 'make check' through tests/fuzz/driver.c
 * over a seed corpus and deterministic mutations of it; linked against
 * libFuzzer instead with configure --enable-fuzzing-engine ('make fuzz').
 * Each target checks the parser's own promises, not only that it does not
 * crash.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model-dmabuf.h"
#include "parse/dmabuf-parse.h"
#include "parse/kmsg.h"
#include "parse/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy: every text parser here takes C strings (tar does not). */
static __attribute__((unused)) char *text_of(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#if defined(FUZZ_KMSG)
static void one_line(const char *t)
{
	char type[32];
	bool b1, b2;
	struct kmsg_fault f;
	struct kmsg_swiotlb_full full;
	uint64_t a, e, mb, efr, efr2;

	if (kmsg_parse_default_domain(t, type, sizeof(type), &b1) && strlen(type) >= sizeof(type))
		abort();
	kmsg_parse_tlb_policy(t, &b1, &b2);
	memset(&f, 0, sizeof(f));
	if (kmsg_parse_dmar_fault(t, &f) && !memchr(f.device, '\0', sizeof(f.device)))
		abort();
	kmsg_parse_amd_fault(t, &f);
	kmsg_parse_smmu_fault(t, &f);
	if (kmsg_parse_swiotlb_mapped(t, &a, &e, &mb) && e < a)
		abort();	/* a range that runs backwards must be refused */
	kmsg_parse_swiotlb_full(t, &full);
	kmsg_parse_mem_encrypt(t);
	kmsg_parse_amd_efr(t, &efr, &efr2, &b1);
	kmsg_is_boot_banner(t);
	kmsg_is_iommu_policy_line(t);
	kmsg_is_swiotlb_in_use(t);
	{
		char dev[64], node[64], compat[64];
		enum kmsg_rmem_kind kind;

		if (kmsg_parse_dt_coherent(t, dev, sizeof(dev), &b1) && !memchr(dev, '\0', sizeof(dev)))
			abort();
		if (kmsg_parse_rmem_assigned(t, dev, sizeof(dev), node, sizeof(node)) &&
		    (!memchr(node, '\0', sizeof(node)) || strchr(node, '/')))
			abort();	/* a node name, never a path */
		kmsg_parse_rmem_created(t, &kind, &a, &mb);
		if (kmsg_parse_rmem_initialized(t, node, sizeof(node), compat, sizeof(compat)) &&
		    !memchr(compat, '\0', sizeof(compat)))
			abort();
		if (kmsg_parse_swiotlb_adjusted(t, &mb) && mb == 0)
			abort();
		{
			unsigned int ias, oas;
			uint32_t feat;

			if (kmsg_parse_smmu_v3_features(t, dev, sizeof(dev), &ias, &oas, &feat) &&
			    (ias > 64 || oas > 64))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = text_of(data, size);
	struct kmsg_iter it;
	struct kmsg_line l;

	kmsg_iter_init(&it, buf, size);
	while (kmsg_next(&it, &l)) {
		if (l.text < buf || l.text > buf + size)
			abort();
		one_line(l.text);
	}
	free(buf);
	return 0;
}
#elif defined(FUZZ_CMDLINE)
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = text_of(data, size);
	struct di_system sys;

	memset(&sys, 0, sizeof(sys));
	cmdline_parse(s, &sys.cmdline);
	if (sys.cmdline.swiotlb_nslabs.set && sys.cmdline.swiotlb_nslabs.v < 0)
		abort();
	system_free(&sys);
	free(s);
	return 0;
}
#elif defined(FUZZ_RESERVED_REGIONS)
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = text_of(data, size);
	struct di_resv *r = NULL;
	size_t n = 0;

	parse_reserved_regions(s, &r, &n);
	for (size_t i = 0; i < n; i++) {
		if (r[i].end < r[i].start || !r[i].type)
			abort();	/* inclusive ranges never run backwards */
		free(r[i].type);
	}
	free(r);
	free(s);
	return 0;
}
#elif defined(FUZZ_IOMEM)
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = text_of(data, size);
	uint64_t top = 1;
	int err = iomem_top(s, &top);

	if (err == -EPERM && top != 0)
		abort();
	free(s);
	return 0;
}
#elif defined(FUZZ_FDINFO)
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = text_of(data, size);
	struct fdinfo fi;

	memset(&fi, 0, sizeof(fi));
	parse_fdinfo(s, &fi);
	fdinfo_free(&fi);
	free(s);
	return 0;
}
#elif defined(FUZZ_BUFINFO)
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = text_of(data, size);
	struct di_dmabuf *b = NULL;
	size_t n = 0;

	if (parse_bufinfo(s, &b, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			dmabuf_free(&b[i]);
	}
	free(b);
	free(s);
	return 0;
}
#elif defined(FUZZ_MAPS)
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = text_of(data, size);
	const char *pos = s, *name;
	unsigned long long ino;
	size_t len, guard = 0;

	while (maps_next_dmabuf(&pos, &ino, &name, &len)) {
		if (name && (name < s || name + len > s + size))
			abort();
		if (++guard > size + 1)
			abort();	/* every step must consume input */
	}
	free(s);
	return 0;
}
#elif defined(FUZZ_BUF_ARG)
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = text_of(data, size);
	struct buf_arg a;

	memset(&a, 0, sizeof(a));
	parse_buf_arg(s, &a);
	free(s);
	return 0;
}
#elif defined(FUZZ_MODALIAS)
#include <stdio.h>

/* A PCI modalias: what is accepted is exactly what the kernel prints for its ids. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = text_of(data, size), again[64];
	struct pci_ids ids;

	if (parse_pci_modalias(s, &ids)) {
		snprintf(again, sizeof(again), "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X",
			 ids.vendor, ids.device, ids.subsystem_vendor, ids.subsystem_device,
			 ids.class >> 16, (ids.class >> 8) & 0xff, ids.class & 0xff);
		if (strcmp(again, s) != 0 || ids.vendor > 0xffff || ids.class > 0xffffff)
			abort();
	}
	free(s);
	return 0;
}
#elif defined(FUZZ_DT)
/* Property bytes at exactly their length, so that reading past them is caught. */
static unsigned char *prop(const uint8_t **p, size_t len)
{
	unsigned char *b = malloc(len ? len : 1);

	if (!b)
		abort();
	memcpy(b, *p, len);
	*p += len;
	return b;
}

/* What of_property_match_string() says: one of the strings, NUL to NUL, is WANT. */
static bool strlist_ref(const unsigned char *s, size_t n, const char *want)
{
	size_t w = strlen(want), start = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0' || i + 1 == n) {
			size_t end = s[i] == '\0' ? i : n;	/* the last string may lack its NUL */

			if (end - start == w && memcmp(s + start, want, w) == 0)
				return true;
			start = i + 1;
		}
	return false;
}

static uint64_t be_ref(const unsigned char *p, uint32_t cells)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < cells; i++)
		v = v << 32 | (uint64_t)p[4 * i] << 24 | (uint64_t)p[4 * i + 1] << 16 |
		    (uint64_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	return v;
}

/*
 * A reserved-memory node: #address-cells and #size-cells (a byte each, 0-3), the
 * lengths of reg and size (a byte each; 255 absent), their bytes, then the
 * compatible string list. The range read is the first entry of reg, cell
 * for cell, or else size; the list holds a name exactly when a whole string
 * is that name.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "restricted-dma-pool", "shared-dma-pool", "" };
	const uint8_t *p = data + 4, *end = data + size;
	struct uval start = { 0 }, len = { 0 };
	unsigned char *reg, *sz, *compat;
	ssize_t n_reg, n_size;
	size_t n_compat;
	uint32_t ac, sc;

	if (size < 4)
		return 0;
	ac = data[0] % 4;	/* 0 and 3: never valid */
	sc = data[1] % 4;
	n_reg = data[2] == 255 ? -ENOENT : data[2];
	n_size = data[3] == 255 ? -ENOENT : data[3];
	if ((n_reg > 0 ? n_reg : 0) + (n_size > 0 ? n_size : 0) > end - p)
		return 0;
	reg = prop(&p, n_reg > 0 ? (size_t)n_reg : 0);
	sz = prop(&p, n_size > 0 ? (size_t)n_size : 0);
	n_compat = (size_t)(end - p);
	compat = prop(&p, n_compat);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (dt_strlist_has((const char *)compat, n_compat, names[i]) !=
		    strlist_ref(compat, n_compat, names[i]))
			abort();
	dt_rmem_range(reg, n_reg, sz, n_size, ac, sc, &start, &len);
	if (start.set != (n_reg >= 0 && ac >= 1 && ac <= 2 && sc >= 1 && sc <= 2 &&
			  n_reg >= (ssize_t)(ac + sc) * 4) ||
	    (start.set && (start.v != be_ref(reg, ac) || len.v != be_ref(reg + 4 * ac, sc))) ||
	    (!start.set && len.set != (n_reg < 0 && sc >= 1 && sc <= 2 && n_size == (ssize_t)sc * 4)) ||
	    (!start.set && len.set && len.v != be_ref(sz, sc)))
		abort();
	free(reg);
	free(sz);
	free(compat);
	return 0;
}
#elif defined(FUZZ_TAR) || defined(FUZZ_BUNDLE)
#include <limits.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tar.h"

/* Header checksums made right again, so that mutations get past them. */
static uint8_t *fix_checksums(const uint8_t *data, size_t size)
{
	uint8_t *d = malloc(size + 1);

	if (!d)
		abort();
	memcpy(d, data, size);
	for (size_t off = 0; off + 512 <= size; off += 512) {
		unsigned int sum = 0;
		uint8_t *h = d + off;

		if (memcmp(h + 257, "ustar", 5) != 0)
			continue;
		memset(h + 148, ' ', 8);
		for (size_t i = 0; i < 512; i++)
			sum += h[i];
		for (int i = 5; i >= 0; i--, sum >>= 3)
			h[148 + i] = (uint8_t)('0' + (sum & 7));
		h[154] = '\0';
	}
	return d;
}

/*
 * The encoder's memory, from one arena reset for every input: the xz wrapping
 * is not under test, and fresh mappings for its tables would cost most of
 * the time of a run.
 */
static uint8_t arena[16u << 20] __attribute__((aligned(64)));
static size_t arena_used;

static void *arena_alloc(void *opaque, size_t nmemb, size_t size)
{
	size_t n = (nmemb * size + 63) & ~(size_t)63;

	(void)opaque;
	if (n > sizeof(arena) - arena_used)
		abort();
	arena_used += n;
	return arena + arena_used - n;
}

static void arena_free(void *opaque, void *ptr)
{
	(void)opaque;
	(void)ptr;
}

/*
 * A memfd holding DATA as an xz-compressed tar (the smallest dictionary:
 * quick to make), its header checksums made right; the same fd every time.
 */
static int xz_memfd(const uint8_t *data, size_t size)
{
	static const lzma_allocator alloc = { arena_alloc, arena_free, NULL };
	static uint8_t *xz;
	static size_t xz_cap;
	static int fd = -1;
	size_t cap = lzma_stream_buffer_bound(size), xz_len = 0;
	uint8_t *tar = fix_checksums(data, size);
	lzma_options_lzma opt;
	lzma_filter filters[] = { { LZMA_FILTER_LZMA2, &opt }, { LZMA_VLI_UNKNOWN, NULL } };

	if (fd < 0)
		fd = memfd_create("fuzz-tar", MFD_CLOEXEC);
	if (cap > xz_cap) {
		free(xz);
		xz = malloc(xz_cap = cap);
	}
	arena_used = 0;
	if (!xz || fd < 0 || lzma_lzma_preset(&opt, 0))
		abort();
	opt.dict_size = LZMA_DICT_SIZE_MIN;
	if (lzma_stream_buffer_encode(filters, LZMA_CHECK_NONE, &alloc, tar, size, xz, &xz_len, cap) != LZMA_OK ||
	    ftruncate(fd, 0) != 0 || pwrite(fd, xz, xz_len, 0) != (ssize_t)xz_len || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	free(tar);
	return fd;
}

/*
 * The report bundle reader (--sysroot FILE) over any tar stream, compressed
 * here so that the mutations reach
 * the tar headers, not the xz decoder: names stay terminated, no member
 * yields more data than its header says, a refusal says why, and the reader
 * ends (every member costs a block).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tar_in t;
	size_t members = 0;
	uint8_t buf[4096];
	int ret;

	if (tar_in_open(&t, xz_memfd(data, size), 64u << 20) < 0)
		abort();
	while ((ret = tar_in_next(&t)) > 0) {
		uint64_t got = 0;
		ssize_t n;

		if (!memchr(t.path, '\0', sizeof(t.path)) || !memchr(t.link, '\0', sizeof(t.link)))
			abort();
		while ((n = tar_in_read(&t, buf, sizeof(buf))) > 0)
			got += (uint64_t)n;
		if (got > t.size || (n < 0 && n != -EBADMSG && n != -EFBIG) || (n < 0 && !t.why))
			abort();
		if (++members > size / 512 + 1)
			abort();
	}
	if (ret < 0 && ((ret != -EBADMSG && ret != -EFBIG) || !t.why))
		abort();
	tar_in_close(&t);
	return 0;
}
#elif defined(FUZZ_BUNDLE)
#include <dirent.h>
#include <stdio.h>

#include "bundle.h"
#include "rootfs.h"

/* Entries in DIR other than "." and "..", at most 2 counted. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		abort();
	while ((de = readdir(d)) && n < 2)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/*
 * --sysroot FILE end to end: the bundle extracted under TMPDIR within its
 * limits, read through the rooted reader, and removed. A refusal says why;
 * after every input TMPDIR is empty again and nothing has appeared beside
 * it (the fuzzer's own directory holds TMPDIR and nothing else).
 */
static char top[PATH_MAX], tmp[PATH_MAX + 8];

static void remove_top(void)
{
	rmdir(tmp);
	rmdir(top);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], why[512] = "", buf[512], *sysroot = NULL;
	struct rootfs r;
	int ret;

	if (!top[0]) {
		const char *t = getenv("TMPDIR");

		snprintf(top, sizeof(top), "%s/fuzz-bundle.XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(top))
			abort();
		snprintf(tmp, sizeof(tmp), "%s/tmp", top);
		if (mkdir(tmp, 0700) < 0 || setenv("TMPDIR", tmp, 1) < 0 || atexit(remove_top) != 0)
			abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", xz_memfd(data, size));
	ret = bundle_open(path, &sysroot, why, sizeof(why));
	if (ret < 0 ? !why[0] : ret != 1 || !sysroot)
		abort();
	if (ret == 1 && rfs_init(&r, sysroot) == 0) {
		struct rfs_dir d;

		rfs_read(&r, RFS_ROOT, "proc/cmdline", buf, sizeof(buf));
		rfs_realpath(&r, "sys/bus/pci/devices", buf, sizeof(buf));
		if (rfs_dir_open(&r, RFS_ROOT, "sys/kernel/iommu_groups/0", &d) == 0) {
			rfs_dir_readlink(&d, "devices", buf, sizeof(buf));
			rfs_dir_read(&d, "type", buf, sizeof(buf));
			rfs_dir_close(&d);
		}
		rfs_fini(&r);
	}
	free(sysroot);
	bundle_close();
	if (entries(tmp) != 0 || entries(top) != 1)
		abort();
	return 0;
}
#elif defined(FUZZ_TRACE)
#include <errno.h>
#include <stdio.h>

#include "parse/trace-parse.h"

/*
 * The first line is SYSTEM:EVENT for the classifier and an instance name
 * for trace_instance_pid(); the rest a per-CPU stats file.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = text_of(data, size), *nl = strchr(s, '\n'), *colon, again[64];
	const char *stats = nl ? nl + 1 : "";
	struct trace_event_class c;
	uint64_t lost;
	long pid;
	int err;

	if (nl)
		*nl = '\0';
	colon = strchr(s, ':');
	if (colon) {
		*colon = '\0';
		if (trace_event_classify(s, colon + 1, &c)) {
			int n = c.family == TF_DMA_BUF ? TB_N : TC_N;

			if ((unsigned)c.family >= TF_N || c.count < 0 || c.count >= n ||
			    c.bytes_count >= n || (c.bytes_count < 0) != (c.bytes == TBYTES_NONE) ||
			    (c.fail_field && (c.fail_count < 0 || c.fail_count >= n)))
				abort();
		}
		*colon = ':';
	}
	if (trace_instance_pid(s, "dmainspect-", &pid)) {
		snprintf(again, sizeof(again), "dmainspect-%ld", pid);
		if (strcmp(again, s) != 0 || pid <= 0)
			abort();
	}
	err = trace_stats_lost(stats, &lost);
	if (err != 0 && err != -EINVAL)
		abort();
	free(s);
	return 0;
}
#else
#error "define one FUZZ_<TARGET>"
#endif

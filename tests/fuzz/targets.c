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
#elif defined(FUZZ_TAR)
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
 * The report bundle reader (--sysroot FILE) over any tar stream, compressed
 * here so that the mutations reach the tar headers, not the xz decoder:
 * names stay terminated, no member yields more data than its header says,
 * a refusal says why, and the reader ends (every member costs a block).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap = lzma_stream_buffer_bound(size), xz_len = 0, members = 0;
	uint8_t *xz = malloc(cap), buf[4096], *tar = fix_checksums(data, size);
	struct tar_in *t = malloc(sizeof(*t));
	int fd = memfd_create("fuzz-tar", MFD_CLOEXEC), ret;

	if (!xz || !t || fd < 0 ||
	    lzma_easy_buffer_encode(0, LZMA_CHECK_NONE, NULL, tar, size, xz, &xz_len, cap) != LZMA_OK ||
	    write(fd, xz, xz_len) != (ssize_t)xz_len || lseek(fd, 0, SEEK_SET) != 0 ||
	    tar_in_open(t, fd, 64u << 20) < 0)
		abort();
	while ((ret = tar_in_next(t)) > 0) {
		uint64_t got = 0;
		ssize_t n;

		if (!memchr(t->path, '\0', sizeof(t->path)) || !memchr(t->link, '\0', sizeof(t->link)))
			abort();
		while ((n = tar_in_read(t, buf, sizeof(buf))) > 0)
			got += (uint64_t)n;
		if (got > t->size || (n < 0 && n != -EBADMSG))
			abort();
		if (++members > size / 512 + 1)
			abort();
	}
	if ((ret == -EBADMSG && !t->why) || (ret < 0 && ret != -EBADMSG))
		abort();
	tar_in_close(t);
	close(fd);
	free(t);
	free(xz);
	free(tar);
	return 0;
}
#else
#error "define one FUZZ_<TARGET>"
#endif

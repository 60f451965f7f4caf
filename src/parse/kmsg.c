// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel log, line by line, and one strict parser per line format.
 * Formats are those of Linux 4.x to 7.x; where a format changed, every
 * variant is accepted explicitly and anything else is refused.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "kmsg.h"

#include "kmsg-lex.h"

void kmsg_iter_init(struct kmsg_iter *it, char *buf, size_t len)
{
	it->p = buf;
	it->end = buf + len;
}

/* "pri,seq,usec,flags[,...];": the text after ';', or NULL. */
static char *kmsg_record(char *s, long long *usec, int *facility)
{
	uint64_t pri, seq, us;
	const char *p = kl_parse_dec(s, &pri);

	if (!p || *p != ',')
		return NULL;
	p = kl_parse_dec(p + 1, &seq);
	if (!p || *p != ',')
		return NULL;
	p = kl_parse_dec(p + 1, &us);
	if (!p || *p != ',' || us > (uint64_t)1 << 62)
		return NULL;
	p = strchr(p, ';');
	if (!p)
		return NULL;
	*usec = (long long)us;
	*facility = (int)(pri >> 3);
	return s + (p + 1 - s);
}

/* "[    1.234567] " with an optional "<N>" before: the text after, or NULL. */
static char *dmesg_line(char *s, long long *usec)
{
	uint64_t sec, frac;
	const char *p = s, *q;
	int digits;

	if (*p == '<') {
		p = kl_parse_dec(p + 1, &sec);
		if (!p || *p != '>')
			return NULL;
		p++;
	}
	if (*p++ != '[')
		return NULL;
	while (*p == ' ')
		p++;
	p = kl_parse_dec(p, &sec);
	if (!p || *p != '.' || sec > 1000000000000ULL)
		return NULL;
	q = kl_parse_dec(p + 1, &frac);
	if (!q || *q != ']')
		return NULL;
	digits = (int)(q - p - 1);
	if (digits > 9)
		return NULL;
	while (digits < 6) {
		frac *= 10;
		digits++;
	}
	while (digits > 6) {
		frac /= 10;
		digits--;
	}
	*usec = (long long)(sec * 1000000 + frac);
	q++;
	if (*q == ' ')
		q++;
	return s + (q - s);
}

bool kmsg_next(struct kmsg_iter *it, struct kmsg_line *l)
{
	while (it->p < it->end) {
		char *s = it->p, *nl = memchr(s, '\n', (size_t)(it->end - s));
		char *text;
		int facility = 0;

		if (nl) {
			*nl = '\0';
			it->p = nl + 1;
		} else {
			/* The last line: the buffer holds a NUL at end. */
			it->p = it->end;
		}
		/* Trailing blanks (6.1 ends some lines with a space) and CR go. */
		for (char *e = nl ? nl : s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t' ||
								e[-1] == '\r'); e--)
			e[-1] = '\0';
		if (*s == '\0' || *s == ' ')
			continue;	/* empty, or a record's key=value continuation */
		l->usec = -1;
		text = kmsg_record(s, &l->usec, &facility);
		if (text && facility != 0)
			continue;	/* written by user space, not the kernel */
		if (!text)
			text = dmesg_line(s, &l->usec);
		if (!text) {
			text = s;
			l->usec = -1;
		}
		l->text = text;
		return true;
	}
	return false;
}

bool kmsg_is_boot_banner(const char *text)
{
	return kl_skip(text, "Linux version ") != NULL;
}

/* " (set via kernel command line)" or nothing, then only spaces. */
static bool cmdline_suffix(const char *p, bool *by_cmdline)
{
	const char *q;

	while (*p == ' ')
		p++;
	*by_cmdline = false;
	q = kl_skip(p, "(set via kernel command line)");
	if (q) {
		*by_cmdline = true;
		p = q;
	}
	while (*p == ' ')
		p++;
	return *p == '\0';
}

bool kmsg_parse_default_domain(const char *text, char *type, size_t cap, bool *by_cmdline)
{
	/* drivers/iommu/iommu.c iommu_domain_type_str() */
	static const char *const types[] = {
		"Translated", "Passthrough", "Unmanaged", "Blocked", "Platform", "Unknown",
	};
	const char *p = kl_skip(text, "iommu: Default domain type: "), *e;

	if (!p)
		return false;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		e = kl_skip(p, types[i]);
		if (!e || (*e != ' ' && *e != '\0') || strlen(types[i]) >= cap ||
		    !cmdline_suffix(e, by_cmdline))
			continue;
		strcpy(type, types[i]);
		return true;
	}
	return false;
}

bool kmsg_parse_tlb_policy(const char *text, bool *strict, bool *by_cmdline)
{
	const char *p = kl_skip(text, "iommu: DMA domain TLB invalidation policy: "), *q;

	if (!p)
		return false;
	if ((q = kl_skip(p, "strict mode")))
		*strict = true;
	else if ((q = kl_skip(p, "lazy mode")))
		*strict = false;
	else
		return false;
	return (*q == ' ' || *q == '\0') && cmdline_suffix(q, by_cmdline);
}

/* "] fault index 0x%llx [fault reason 0x%02x] %s": an interrupt-remapping fault. */
static bool dmar_intr_remap(const char *p, struct kmsg_fault *f)
{
	uint64_t index, reason;

	p = kl_parse_hex(kl_skip(p, " fault index "), &index, true);
	p = kl_parse_hex(kl_skip(p, " [fault reason "), &reason, true);
	if (!p || *p != ']' || reason > 0xff || index > 0xffff)
		return false;
	f->kind = FAULT_INTEL_IR;
	for (p++; *p == ' '; p++)
		;
	snprintf(f->detail, sizeof(f->detail), "index 0x%llx reason 0x%02x%s%s",
		 (unsigned long long)index, (unsigned)reason, *p ? ": " : "", p);
	return true;
}

bool kmsg_parse_dmar_fault(const char *text, struct kmsg_fault *f)
{
	const char *p = kl_skip(text, "DMAR: ["), *q;
	uint64_t v;

	memset(f, 0, sizeof(*f));
	f->kind = FAULT_INTEL_DMAR;
	if ((q = kl_skip(p, "INTR-REMAP] Request device ["))) {
		p = kl_parse_bdf(q, f->device, sizeof(f->device));
		return p && *p == ']' && dmar_intr_remap(p + 1, f);
	}
	p = kl_skip(p, "DMA ");
	if ((q = kl_skip(p, "Read")))
		strcpy(f->access, "read");
	else if ((q = kl_skip(p, "Write")))
		strcpy(f->access, "write");
	else
		return false;
	/* "", " NO_PASID", " PASID 0x1", " w/o PASID": words and hex only. */
	for (p = q; *p && *p != ']'; p++)
		if (!kl_name_char(*p) && *p != ' ' && *p != '/')
			return false;
	if (p - q > 32)
		return false;
	/* Before 7.x "[bb:dd.f]"; 7.x adds the segment: "[ssss:bb:dd.f]". */
	p = kl_parse_bdf(kl_skip(p, "] Request device ["), f->device, sizeof(f->device));
	if (!p || *p != ']')
		return false;
	p++;
	if ((q = kl_skip(p, " PASID "))) {	/* 5.5 to 5.9: "PASID %x fault addr" */
		p = kl_parse_hex(q, &v, false);
		if (!p)
			return false;
	}
	p = kl_parse_hex(kl_skip(p, " fault addr "), &f->addr, false);
	p = kl_parse_hex(kl_skip(p, " [fault reason "), &v, false);
	if (!p || *p != ']' || v > 0xff)
		return false;
	f->has_addr = true;
	p++;
	while (*p == ' ')
		p++;
	if (*p)
		snprintf(f->detail, sizeof(f->detail), "reason 0x%02x: %s", (unsigned)v, p);
	else
		snprintf(f->detail, sizeof(f->detail), "reason 0x%02x", (unsigned)v);
	return true;
}

bool kmsg_parse_amd_fault(const char *text, struct kmsg_fault *f)
{
	static const char tag[] = "AMD-Vi: Event logged [IO_PAGE_FAULT ";
	const char *at = strstr(text, tag), *p, *q;
	char drv[64];
	uint64_t dom, flags;

	memset(f, 0, sizeof(*f));
	f->kind = FAULT_AMD_VI;
	if (!at || (at != text && !kl_dev_prefix(text, at, drv, sizeof(drv), f->device,
					       sizeof(f->device))))
		return false;
	p = at + sizeof(tag) - 1;
	if ((q = kl_skip(p, "device="))) {
		p = kl_parse_bdf(q, f->device, sizeof(f->device));
		if (!p || *p != ' ')
			return false;
		p++;
	} else if (at == text) {
		return false;	/* names no device at all */
	}
	p = kl_parse_hex(kl_skip(p, "domain="), &dom, true);
	p = kl_parse_hex(kl_skip(p, " address="), &f->addr, true);
	p = kl_parse_hex(kl_skip(p, " flags="), &flags, true);
	if (!p || strcmp(p, "]") != 0 || dom > 0xffffff || flags > 0xffff)
		return false;
	f->has_addr = true;
	/* EVENT_FLAG_RW (0x020) in drivers/iommu/amd/amd_iommu_types.h: a write. */
	strcpy(f->access, flags & 0x20 ? "write" : "read");
	snprintf(f->detail, sizeof(f->detail), "domain=0x%04x flags=0x%04x", (unsigned)dom,
		 (unsigned)flags);
	return true;
}

/* SMMUv2: "fsr=0x%x, iova=0x%lx, fsynr=0x%x, [cbfrsynra=0x%x, ]cb=%d". */
static bool smmu_v2(const char *p, struct kmsg_fault *f)
{
	uint64_t fsr, fsynr, sid = 0, cb;
	const char *q;
	bool has_sid = false;

	p = kl_parse_hex(kl_skip(p, "fsr="), &fsr, true);
	p = kl_parse_hex(kl_skip(p, ", iova="), &f->addr, true);
	p = kl_parse_hex(kl_skip(p, ", fsynr="), &fsynr, true);
	if (!p)
		return false;
	if ((q = kl_skip(p, ", cbfrsynra="))) {
		p = kl_parse_hex(q, &sid, true);
		has_sid = true;
	}
	p = kl_parse_dec(kl_skip(p, ", cb="), &cb);
	if (!p || *p || fsr > 0xffffffff || fsynr > 0xffffffff || cb > 255)
		return false;
	f->kind = FAULT_ARM_SMMU;
	f->has_addr = true;
	/* ARM_SMMU_FSYNR0_WNR, bit 4: write not read. */
	strcpy(f->access, fsynr & 0x10 ? "write" : "read");
	if (has_sid)
		snprintf(f->detail, sizeof(f->detail), "fsr=0x%x cbfrsynra=0x%x cb=%u",
			 (unsigned)fsr, (unsigned)sid, (unsigned)cb);
	else
		snprintf(f->detail, sizeof(f->detail), "fsr=0x%x cb=%u", (unsigned)fsr,
			 (unsigned)cb);
	return true;
}

/*
 * SMMUv3 (6.15+), drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c arm_smmu_dump_event():
 * "event: %s client: %s sid: %#x ssid: %#x" then " iova: %#llx ipa: %#llx",
 * " fetch_addr: %#llx" or nothing. "%#x" prints a zero as "0".
 */
static bool smmu_v3(const char *p, struct kmsg_fault *f)
{
	char name[32], client[64];
	const char *e = strchr(p, ' '), *q;
	uint64_t sid, ssid, ipa, fetch;
	int n;

	if (!e || !kl_copy_name(p, e, name, sizeof(name)))
		return false;
	p = kl_skip(e, " client: ");
	if (!p)
		return false;
	if ((e = kl_skip(p, "(unassigned sid)"))) {
		client[0] = '\0';
	} else {
		e = strchr(p, ' ');
		if (!e || !kl_copy_name(p, e, client, sizeof(client)))
			return false;
	}
	p = kl_parse_hex(kl_skip(e, " sid: "), &sid, false);
	p = kl_parse_hex(kl_skip(p, " ssid: "), &ssid, false);
	if (!p || sid > 0xffffffff || ssid > 0xfffff)
		return false;
	n = snprintf(f->detail, sizeof(f->detail), "%s sid=0x%x ssid=0x%x", name, (unsigned)sid,
		     (unsigned)ssid);
	if ((q = kl_skip(p, " iova: "))) {
		p = kl_parse_hex(q, &f->addr, false);
		p = kl_parse_hex(kl_skip(p, " ipa: "), &ipa, false);
		f->has_addr = true;
		f->v3 = V3_IOVA;
	} else if ((q = kl_skip(p, " fetch_addr: "))) {
		/* The STE or CD the SMMU could not fetch: a physical address, not an IOVA. */
		p = kl_parse_hex(q, &fetch, false);
		if (p)
			snprintf(f->detail + n, sizeof(f->detail) - (size_t)n, " fetch_addr=0x%llx",
				 (unsigned long long)fetch);
		f->v3 = V3_FETCH;
	} else {
		f->v3 = V3_PLAIN;
	}
	if (!p || *p)
		return false;
	f->kind = FAULT_ARM_SMMU_V3;
	if (client[0])
		strcpy(f->device, client);
	return true;
}

bool kmsg_parse_smmu_fault(const char *text, struct kmsg_fault *f)
{
	static const char *const tags[] = { ": Unhandled context fault: ", ": event: ", ": event 0x" };
	char drv[64], dev[64];
	uint64_t id;

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		const char *at = strstr(text, tags[i]), *p;

		if (!at || !kl_dev_prefix(text, at + 2, drv, sizeof(drv), dev, sizeof(dev)) ||
		    !strstr(drv, "smmu"))
			continue;
		strcpy(f->device, dev);
		strcpy(f->iommu, dev);
		p = at + strlen(tags[i]);
		if (i == 0)
			return smmu_v2(p, f);
		if (i == 1)
			return smmu_v3(p, f);
		/* "event 0x10 received:" and the raw words on later lines. */
		p = kl_parse_hex(p - 2, &id, true);
		if (!p || strcmp(p, " received:") != 0 || id > 0xff)
			return false;
		f->kind = FAULT_ARM_SMMU_V3;
		f->v3 = V3_RAW;
		snprintf(f->detail, sizeof(f->detail), "event 0x%02x", (unsigned)id);
		return true;
	}
	return false;
}

/* "<smmu driver> <dev>: " before REST, which starts right after it. */
static const char *smmu_line(const char *text, char *smmu, size_t cap)
{
	const char *sp = strchr(text, ' '), *at;
	char drv[64];

	if (!sp || !(at = strstr(sp + 1, ": ")))
		return NULL;
	if (!kl_dev_prefix(text, at + 2, drv, sizeof(drv), smmu, cap) || !strstr(drv, "smmu"))
		return NULL;
	return at + 2;
}

bool kmsg_parse_smmu_dword(const char *text, char *smmu, size_t cap, uint64_t *v)
{
	const char *p = smmu_line(text, smmu, cap), *h, *q;

	if (!p)
		return false;
	h = kl_skip(p, "\t");
	if (!h)
		h = kl_skip(p, "\\x09");
	q = kl_parse_hex(h, v, true);
	return q && !*q && q - h == 18;	/* "0x%016llx": all sixteen digits */
}

bool kmsg_parse_smmu_access(const char *text, char *smmu, size_t cap, char access[8])
{
	static const char *const words[][2] = {
		{ "priv ", "unpriv " }, { "inst ", "data " }, { "read ", "write " }, { "s1 ", "s2 " },
	};
	const char *p = smmu_line(text, smmu, cap), *q;
	uint64_t stag;

	for (size_t i = 0; p && i < 4; i++) {
		q = kl_skip(p, words[i][0]);
		if (i == 2 && q)
			strcpy(access, "read");
		if (!q && (q = kl_skip(p, words[i][1])) && i == 2)
			strcpy(access, "write");
		p = q;
	}
	/* "\"%s\"%s%s stag: %#x": the event class, " ttd_read"/" ttd_write", " stall". */
	if (!p || *p != '"' || !(q = strchr(p + 1, '"')))
		return false;
	for (p = q + 1; *p == ' ' && !kl_skip(p, " stag: ");) {
		if ((q = kl_skip(p, " ttd_read")) || (q = kl_skip(p, " ttd_write")) || (q = kl_skip(p, " stall")))
			p = q;
		else
			return false;
	}
	p = kl_parse_hex(kl_skip(p, " stag: "), &stag, false);
	return p && !*p && stag <= 0xffff;
}

/* Pre-6.15 kernels print only the raw event: read the stream id, address and access from it. */
static void smmu_decode_raw(struct kmsg_smmu_block *b)
{
	/* arm-smmu-v3.h: EVTQ_0_ID 7:0, SSV 11, SSID 31:12, SID 63:32; EVTQ_1_RnW 35; EVTQ_2_ADDR. */
	unsigned id = (unsigned)(b->raw[0] & 0xff), sid = (unsigned)(b->raw[0] >> 32);
	int n = snprintf(b->f.detail, sizeof(b->f.detail), "event 0x%02x sid=0x%x", id, sid);

	if (b->raw[0] & (1u << 11))
		snprintf(b->f.detail + n, sizeof(b->f.detail) - (size_t)n, " ssid=0x%x",
			 (unsigned)((b->raw[0] >> 12) & 0xfffff));
	/* EVT_ID_TRANSLATION_FAULT, ADDR_SIZE, ACCESS, PERMISSION: the input address. */
	if (id >= 0x10 && id <= 0x13) {
		b->f.addr = b->raw[2];
		b->f.has_addr = true;
		strcpy(b->f.access, (b->raw[1] >> 35) & 1 ? "read" : "write");
	}
}

static int smmu_close(struct kmsg_smmu_block *b, struct kmsg_fault *out)
{
	if (!b->open)
		return 0;
	b->open = false;
	*out = b->f;
	return 1;
}

int kmsg_smmu_feed(struct kmsg_smmu_block *b, const char *text, long long usec,
		   struct kmsg_fault out[2])
{
	struct kmsg_fault f;
	char smmu[64], access[8];
	uint64_t v;
	int n = 0;

	if (kmsg_parse_smmu_dword(text, smmu, sizeof(smmu), &v)) {
		if (b->open && !b->decoded && b->n_raw < 4 && strcmp(smmu, b->f.iommu) == 0) {
			b->raw[b->n_raw++] = v;
			if (b->n_raw == 4)
				smmu_decode_raw(b);
		}
		return 0;
	}
	if (kmsg_parse_smmu_access(text, smmu, sizeof(smmu), access)) {
		if (!b->open || !b->decoded || strcmp(smmu, b->f.iommu) != 0)
			return 0;
		strcpy(b->f.access, access);
		return smmu_close(b, out);
	}
	if (!kmsg_parse_smmu_fault(text, &f) || f.kind != FAULT_ARM_SMMU_V3)
		return -1;
	f.usec = usec;
	if (f.v3 != V3_RAW && b->open && !b->decoded && strcmp(f.iommu, b->f.iommu) == 0) {
		/* 6.15+: the decoded line of the raw event just printed, the same fault. */
		f.usec = b->f.usec;
	} else {
		n = smmu_close(b, out);
		b->n_raw = 0;
	}
	b->f = f;
	b->open = true;
	b->decoded = f.v3 != V3_RAW;
	if (f.v3 == V3_FETCH || f.v3 == V3_PLAIN)
		n += smmu_close(b, out + n);
	return n;
}

bool kmsg_smmu_end(struct kmsg_smmu_block *b, struct kmsg_fault *out)
{
	return smmu_close(b, out) == 1;
}

bool kmsg_parse_swiotlb_mapped(const char *text, uint64_t *start, uint64_t *end, uint64_t *mb)
{
	const char *p = kl_skip(text, "software IO TLB: mapped [mem ");

	p = kl_parse_hex(p, start, true);
	p = kl_parse_hex(kl_skip(p, "-"), end, true);
	p = kl_parse_dec(kl_skip(p, "] ("), mb);
	if (!p || strcmp(p, "MB)") != 0 || *end <= *start)
		return false;
	return true;
}

bool kmsg_parse_swiotlb_full(const char *text, struct kmsg_swiotlb_full *f)
{
	static const char tag[] = "swiotlb buffer is full (sz: ";
	const char *at = strstr(text, tag), *p;
	char drv[64];

	memset(f, 0, sizeof(*f));
	if (!at || (at != text && !kl_dev_prefix(text, at, drv, sizeof(drv), f->device,
					       sizeof(f->device))))
		return false;
	p = kl_parse_dec(at + sizeof(tag) - 1, &f->size);
	p = kl_skip(p, " bytes)");
	if (!p)
		return false;
	if (*p == '\0')
		return true;	/* before 5.11: no slot counts */
	p = kl_parse_dec(kl_skip(p, ", total "), &f->total);
	p = kl_parse_dec(kl_skip(p, " (slots), used "), &f->used);
	if (!p || strcmp(p, " (slots)") != 0 || f->used > f->total)
		return false;
	f->has_slots = true;
	return true;
}

unsigned int kmsg_parse_mem_encrypt(const char *text)
{
	static const struct {
		const char *word;
		unsigned int bit;
	} words[] = {
		{ "SME", MEMENC_SME }, { "SEV", MEMENC_SEV }, { "SEV-ES", MEMENC_SEV_ES },
		{ "SEV-SNP", MEMENC_SEV_SNP }, { "TDX", MEMENC_TDX }, { "AMD", 0 }, { "Intel", 0 },
	};
	const char *p;
	unsigned int mask = 0;

	if (strcmp(text, "tdx: Guest detected") == 0)
		return MEMENC_TDX;
	if (strcmp(text, "AMD Secure Memory Encryption (SME) active") == 0)
		return MEMENC_SME;
	if (strcmp(text, "AMD Secure Encrypted Virtualization (SEV) active") == 0)
		return MEMENC_SEV;
	p = kl_skip(text, "Memory Encryption Features active:");
	if (!p)
		p = kl_skip(text, "AMD Memory Encryption Features active:");
	if (!p)
		return 0;
	while (*p) {
		const char *e;
		size_t i;

		if (*p++ != ' ')
			return 0;
		e = strchr(p, ' ');
		if (!e)
			e = p + strlen(p);
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if ((size_t)(e - p) == strlen(words[i].word) &&
			    strncmp(p, words[i].word, (size_t)(e - p)) == 0)
				break;
		if (i == sizeof(words) / sizeof(words[0]))
			return 0;
		mask |= words[i].bit;
		p = e;
	}
	return mask;
}

bool kmsg_parse_amd_efr(const char *text, uint64_t *efr, uint64_t *efr2, bool *has_efr2)
{
	const char *p = kl_skip(text, "AMD-Vi: Extended features ("), *q;

	/* "%#llx" prints a zero as "0", without "0x". */
	p = kl_parse_hex(p, efr, false);
	*has_efr2 = false;
	if (p && (q = kl_skip(p, ", "))) {
		p = kl_parse_hex(q, efr2, false);
		*has_efr2 = true;
	}
	p = kl_skip(p, "):");
	return p && (*p == '\0' || *p == ' ');
}

bool kmsg_parse_smmu_v3_features(const char *text, char *dev, size_t cap, unsigned int *ias,
				 unsigned int *oas, uint32_t *features)
{
	const char *at = strstr(text, ": ias "), *p;
	uint64_t i = 0, o, f;
	char drv[64];

	/* 7.x dropped the input size: "oas 44-bit (features 0x01008305)". */
	if (!at)
		at = strstr(text, ": oas ");
	if (!at || !kl_dev_prefix(text, at + 2, drv, sizeof(drv), dev, cap) ||
	    strcmp(drv, "arm-smmu-v3") != 0)
		return false;
	p = at[2] == 'i' ? kl_skip(kl_parse_dec(at + 6, &i), "-bit, oas ") : at + 6;
	p = kl_parse_dec(p, &o);
	p = kl_parse_hex(kl_skip(p, "-bit (features "), &f, true);
	if (!p || strcmp(p, ")") != 0 || (at[2] == 'i' && !i) || i > 64 || o > 64 ||
	    f > UINT32_MAX)
		return false;
	*ias = (unsigned int)i;
	*oas = (unsigned int)o;
	*features = (uint32_t)f;
	return true;
}

/* "N-bit WHAT -> M-bit WHAT2" */
static bool bits_pair(const char *p, const char *what, const char *what2, unsigned int *a,
		      unsigned int *b)
{
	uint64_t x, y;
	char mid[32];

	snprintf(mid, sizeof(mid), "-bit %s -> ", what);
	p = kl_parse_dec(p, &x);
	p = kl_parse_dec(kl_skip(p, mid), &y);
	p = kl_skip(p, "-bit ");
	if (!p || strcmp(p, what2) != 0 || x > 64 || y > 64)
		return false;
	*a = (unsigned int)x;
	*b = (unsigned int)y;
	return true;
}

enum kmsg_smmu_v2_item kmsg_parse_smmu_v2_probe(const char *text, char *dev, size_t cap,
						unsigned int *a, unsigned int *b)
{
	static const struct {
		const char *s;
		enum kmsg_smmu_v2_item item;
	} fixed[] = {
		{ "stage 1 translation", V2_S1 }, { "stage 2 translation", V2_S2 },
		{ "nested translation", V2_NESTED }, { "coherent table walk", V2_WALK },
		{ "non-coherent table walk", V2_WALK },
	};
	const char *at = strstr(text, ": "), *p;
	char drv[64];

	if (!at || !kl_dev_prefix(text, at + 2, drv, sizeof(drv), dev, cap) ||
	    strcmp(drv, "arm-smmu") != 0)
		return V2_NONE;
	p = at + 2;
	if (strcmp(p, "SMMUv1 with:") == 0 || strcmp(p, "SMMUv2 with:") == 0) {
		*a = (unsigned int)(p[5] - '0');
		return V2_VERSION;
	}
	p = kl_skip(p, "\t") ? kl_skip(p, "\t") : kl_skip(p, "\\x09");
	if (!p)
		return V2_NONE;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (strcmp(p, fixed[i].s) == 0) {
			*a = p[0] != 'n';
			return fixed[i].item;
		}
	}
	if (kl_skip(p, "Stage-1: ") && bits_pair(p + 9, "VA", "IPA", a, b))
		return V2_S1_BITS;
	if (kl_skip(p, "Stage-2: ") && bits_pair(p + 9, "IPA", "PA", a, b))
		return V2_S2_BITS;
	return V2_NONE;
}

bool kmsg_is_iommu_policy_line(const char *text)
{
	static const char *const prefixes[] = {
		"iommu: ", "DMAR: IOMMU enabled", "DMAR: IOMMU disabled", "DMAR: Intel-IOMMU force enabled",
		"DMAR: IOMMU batching", "DMAR: Disabling IOMMU", "DMAR: Disable GFX",
		"DMAR: Intel(R) Virtualization Technology for Directed I/O", "DMAR: Scalable mode",
		"AMD-Vi: Using strict mode", "AMD-Vi: Unknown option", "AMD-Vi: Lazy IO/TLB",
		"PCI-DMA: ",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (kl_skip(text, prefixes[i]))
			return true;
	return false;
}

bool kmsg_is_swiotlb_in_use(const char *text)
{
	return strcmp(text, "PCI-DMA: Using software bounce buffering for IO (SWIOTLB)") == 0;
}

bool kmsg_is_memenc_bounce(const char *text)
{
	/* pr_warn_once() under pr_fmt "software IO TLB: " (6.1 to 7.2). */
	return strcmp(text, "software IO TLB: Memory encryption is active and system is using "
		       "DMA bounce buffers") == 0;
}

bool kmsg_parse_vmwgfx_mode(const char *text, char *dev, size_t cap, enum kmsg_vmw_mode *mode)
{
	/* drivers/gpu/drm/vmwgfx/vmwgfx_drv.c vmw_dma_select_mode(), names[] */
	static const struct {
		const char *text;
		enum kmsg_vmw_mode mode;
	} names[] = {
		{ "Using coherent TTM pages.", VMW_COHERENT },
		{ "Caching DMA mappings.", VMW_POPULATE },
		{ "Giving up DMA mappings early.", VMW_BIND },
		{ "Using physical TTM page addresses.", VMW_PHYS },
	};
	static const char tag[] = "[drm] DMA map mode: ";
	const char *at = strstr(text, tag);
	char drv[64];

	dev[0] = '\0';
	if (!at || (at != text && (!kl_dev_prefix(text, at, drv, sizeof(drv), dev, cap) ||
				   strcmp(drv, "vmwgfx") != 0)))
		return false;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(at + sizeof(tag) - 1, names[i].text) == 0) {
			*mode = names[i].mode;
			return true;
		}
	}
	return false;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * IOMMU text the kernel prints, decoded: the capability registers of
 * /sys/class/iommu/<unit> (Intel VT-d, AMD-Vi), an SMMU's probe lines in the
 * kernel log, and an IOMMU group's reserved_regions. Pure: collect/iommu.c
 * reads the files and hands their text here.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

#define BIT(x, n) ((long long)(((x) >> (n)) & 1))

/*
 * Bit positions from drivers/iommu/intel/iommu.h (6.1; include/linux/intel-iommu.h
 * before 5.19): cap_sagaw bits 8-12, cap_mgaw bits 16-21 (+1), cap_caching_mode
 * bit 7, cap_ndoms bits 0-2 (1 << (4 + 2n)), cap_super_page_val bits 34-37 (2M, 1G);
 * ecap_coherent bit 0, ecap_dev_iotlb_support bit 2, ecap_pass_through bit 6,
 * ecap_sc_support bit 7, ecap_nest bit 26, ecap_prs bit 29, ecap_pss bits 35-39,
 * ecap_pasid bit 40, ecap_smts bit 43, ecap_slts bit 46, ecap_flts bit 47.
 */
void iommu_decode_intel(uint64_t cap, uint64_t ecap, struct di_iommu_caps *c)
{
	unsigned int sagaw = (unsigned int)(cap >> 8) & 0x1f;

	c->n_widths = 0;
	for (int i = 0; i < 5; i++)
		if (sagaw & (1u << i))
			c->widths[c->n_widths++] = 30 + 9 * i;	/* 2-level 30-bit ... 5-level 57-bit */
	ival_set(&c->max_address_bits, (long long)((cap >> 16) & 0x3f) + 1);
	ival_set(&c->caching_mode, BIT(cap, 7));
	ival_set(&c->domains, 1LL << (4 + 2 * (cap & 7)));
	ival_set(&c->superpage_2m, BIT(cap, 34));
	ival_set(&c->superpage_1g, BIT(cap, 35));
	ival_set(&c->page_walk_coherent, BIT(ecap, 0));
	ival_set(&c->device_iotlb, BIT(ecap, 2));
	ival_set(&c->pass_through, BIT(ecap, 6));
	ival_set(&c->snoop_control, BIT(ecap, 7));
	ival_set(&c->nested, BIT(ecap, 26));
	ival_set(&c->page_request, BIT(ecap, 29));
	ival_set(&c->pasid, BIT(ecap, 40));
	if (BIT(ecap, 40))
		ival_set(&c->pasid_bits, (long long)((ecap >> 35) & 0x1f) + 1);
	ival_set(&c->scalable_mode, BIT(ecap, 43));
	ival_set(&c->second_level, BIT(ecap, 46));
	ival_set(&c->first_level, BIT(ecap, 47));
}

/*
 * drivers/iommu/amd/amd_iommu_types.h: IOMMU_CAP_IOTLB bit 24 of the capability
 * header; EFR FEATURE_PPR bit 1, FEATURE_GT bit 4, FEATURE_HATS bits 10-11 and
 * FEATURE_GATS bits 12-13 (page-table depth: 0 4-level, 1 5-level, 2 6-level;
 * 12 + 9 bits a level, at most 64), FEATURE_PASMAX bits 32-36 (PASID width - 1),
 * FEATURE_SNP bit 63. The kernel offers PASIDs (IOMMUv2) with both GT and PPR.
 */
void iommu_decode_amd(const struct uval *cap, const struct uval *efr, struct di_iommu_caps *c)
{
	if (cap->set)
		ival_set(&c->device_iotlb, BIT(cap->v, 24));
	if (!efr->set)
		return;
	uint64_t e = efr->v;
	unsigned int hats = (unsigned int)(e >> 10) & 3, gats = (unsigned int)(e >> 12) & 3;

	ival_set(&c->page_request, BIT(e, 1));
	ival_set(&c->nested, BIT(e, 4));
	ival_set(&c->pasid, BIT(e, 4) && BIT(e, 1));
	if (BIT(e, 4) && BIT(e, 1))
		ival_set(&c->pasid_bits, (long long)((e >> 32) & 0x1f) + 1);
	if (hats < 3)
		ival_set(&c->max_address_bits, hats == 2 ? 64 : 48 + 9 * hats);
	if (BIT(e, 4) && gats < 3)
		ival_set(&c->guest_address_bits, gats == 2 ? 64 : 48 + 9 * gats);
	ival_set(&c->snp, BIT(e, 63));
}

bool parse_u64_hex(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || s[0] == '-' || strlen(s) > 18)
		return false;
	errno = 0;
	*v = strtoull(s, &end, 16);
	return !errno && end != s && *end == '\0';
}

void amd_features_split(const char *raw, const struct efr_seen *log, size_t n_log,
			struct di_iommu_unit *u)
{
	const char *colon = strchr(raw, ':');
	char a_s[32];
	uint64_t a, b;
	const char *how = NULL;

	if (!colon) {
		if (!parse_u64_hex(raw, &a))
			goto bad;
		uval_set(&u->efr, a);
		u->caps_source = xstrdup("amd-iommu/features (the EFR alone, before Linux 6.1)");
		return;
	}
	if ((size_t)(colon - raw) >= sizeof(a_s))
		goto bad;
	memcpy(a_s, raw, (size_t)(colon - raw));
	a_s[colon - raw] = '\0';
	if (!parse_u64_hex(a_s, &a) || !parse_u64_hex(colon + 1, &b))
		goto bad;
	for (size_t i = 0; i < n_log; i++) {
		if (!log[i].has_efr2)
			continue;
		if (log[i].efr == b && log[i].efr2 == a) {
			how = "amd-iommu/features read as EFR2:EFR, the order the kernel log's "
			      "'AMD-Vi: Extended features' line confirms";
			break;
		}
		if (log[i].efr == a && log[i].efr2 == b) {
			uint64_t t = a;

			a = b;
			b = t;
			how = "amd-iommu/features read as EFR:EFR2, the order the kernel log's "
			      "'AMD-Vi: Extended features' line confirms";
			break;
		}
	}
	if (!how && (a == 0 || b == 0 || a == b)) {
		/* EFR2 is only read where EFR is: a zero half is EFR2. */
		if (b == 0) {
			b = a;
			a = 0;
		}
		how = "amd-iommu/features: the non-zero half is the EFR";
	}
	if (!how) {
		u->caps_error = xstrdup("amd-iommu/features holds two non-zero halves and the kernel "
					"log does not say which is the EFR (Linux 6.1 prints EFR2:EFR, "
					"6.12 EFR:EFR2)");
		return;
	}
	uval_set(&u->efr2, a);
	uval_set(&u->efr, b);
	u->caps_source = xstrdup(how);
	return;
bad:
	u->caps_error = xstrdup("amd-iommu/features is not in a known format");
}

/* "0x" and 1 to 16 hex digits, then the character stop. */
static const char *hex_field(const char *p, uint64_t *v, char stop)
{
	int n = 0;

	if (p[0] != '0' || p[1] != 'x')
		return NULL;
	*v = 0;
	for (p += 2; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'); p++, n++) {
		if (n == 16)
			return NULL;
		*v = *v << 4 | (uint64_t)(*p <= '9' ? *p - '0' : *p - 'a' + 10);
	}
	return n && *p == stop ? p + 1 : NULL;
}

/* One line "0x%016llx 0x%016llx %s": start, inclusive end, type. */
static bool resv_line(const char *line, size_t len, struct di_resv *r, char *type, size_t cap)
{
	char buf[128];
	const char *p;
	size_t tl;

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, line, len);
	buf[len] = '\0';
	p = hex_field(buf, &r->start, ' ');
	p = p ? hex_field(p, &r->end, ' ') : NULL;
	if (!p || r->end < r->start)
		return false;
	tl = strspn(p, "abcdefghijklmnopqrstuvwxyz-");
	if (!tl || tl >= cap || p[tl])
		return false;
	memcpy(type, p, tl + 1);
	return true;
}

void parse_reserved_regions(const char *text, struct di_resv **out, size_t *n)
{
	const char *line = text;

	*out = NULL;
	*n = 0;
	while (*line) {
		const char *cur = line, *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		struct di_resv r;
		char type[32];

		line += len + (nl ? 1 : 0);
		if (!resv_line(cur, len, &r, type, sizeof(type)))
			continue;
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		r.type = xstrdup(type);
		(*out)[(*n)++] = r;
	}
}

/*
 * SMMUv3: ARM_SMMU_FEAT_* of drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h
 * (6.12; bits are only ever added), the ones that matter for DMA. SMMU v1/v2:
 * arm_smmu_device_cfg_probe()'s report; the widest input is stage 1's VA
 * (stage 2's IPA without stage 1), the output stage 2's PA (else stage 1's IPA).
 */
void iommu_decode_smmu(const struct smmu_seen *s, struct di_iommu_caps *c)
{
	uint32_t f = s->features;

	if (!s->v3) {
		if (s->s1_va || s->s2_ipa)
			ival_set(&c->max_address_bits, s->s1 && s->s1_va ? s->s1_va : s->s2_ipa);
		if (s->s2_pa || s->s1_ipa)
			ival_set(&c->output_address_bits, s->s2 && s->s2_pa ? s->s2_pa : s->s1_ipa);
		ival_set(&c->first_level, s->s1);
		ival_set(&c->second_level, s->s2);
		ival_set(&c->nested, s->nested);
		if (s->walk >= 0)
			ival_set(&c->page_walk_coherent, s->walk);
		return;
	}
	if (s->ias)
		ival_set(&c->max_address_bits, s->ias);
	ival_set(&c->output_address_bits, s->oas);
	ival_set(&c->page_request, !!(f & (1u << 4)));	/* PRI */
	ival_set(&c->device_iotlb, !!(f & (1u << 5)));	/* ATS */
	ival_set(&c->page_walk_coherent, !!(f & (1u << 8)));	/* COHERENCY */
	ival_set(&c->first_level, !!(f & (1u << 9)));	/* TRANS_S1 */
	ival_set(&c->second_level, !!(f & (1u << 10)));	/* TRANS_S2 */
	ival_set(&c->pasid, !!(f & (1u << 17)));	/* SVA */
	ival_set(&c->nested, !!(f & (1u << 19)));	/* NESTING */
}

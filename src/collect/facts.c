// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * System-wide DMA facts: one pass over the kernel log, the command line,
 * /proc/cpuinfo, then the IOMMU and SWIOTLB collectors and the pure
 * conclusions drawn from all of it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "parse/kmsg.h"

#define KMSG_MAX (32u << 20)	/* CONFIG_LOG_BUF_SHIFT is at most 25 */
#define MAX_FAULTS 256
#define MAX_POLICY_LINES 32
#define MAX_EFR 16
#define MAX_SMMU 16

static const char *const fault_kinds[] = {
	[FAULT_INTEL_DMAR] = "intel-dmar",
	[FAULT_AMD_VI] = "amd-vi",
	[FAULT_ARM_SMMU] = "arm-smmu",
	[FAULT_ARM_SMMU_V3] = "arm-smmu-v3",
	[FAULT_INTEL_IR] = "intel-intr-remap",
};

static void add_fault(struct di_system *sys, const struct kmsg_fault *f, long long usec)
{
	const char *kind = fault_kinds[f->kind];
	struct di_fault *e = NULL;

	for (size_t i = 0; i < sys->n_faults && !e; i++)
		if (sys->faults[i].kind == kind && strcmp(sys->faults[i].logged_as, f->device) == 0)
			e = &sys->faults[i];
	if (!e) {
		if (sys->n_faults == MAX_FAULTS)
			return;
		sys->faults = xreallocarray(sys->faults, sys->n_faults + 1, sizeof(*sys->faults));
		e = &sys->faults[sys->n_faults++];
		memset(e, 0, sizeof(*e));
		e->kind = kind;
		e->logged_as = xstrdup(f->device);
	}
	e->count++;
	e->last_usec = usec;
	if (f->has_addr)
		uval_set(&e->last_address, f->addr);
	free(e->last_access);
	free(e->last_detail);
	e->last_access = f->access[0] ? xstrdup(f->access) : NULL;
	e->last_detail = f->detail[0] ? xstrdup(f->detail) : NULL;
}

static void add_full(struct di_system *sys, const struct kmsg_swiotlb_full *f)
{
	struct di_swiotlb *sw = &sys->swiotlb;

	sw->full_count++;
	if (!sw->full_largest.set || (long long)f->size > sw->full_largest.v)
		ival_set(&sw->full_largest, f->size > (uint64_t)1 << 62 ? 1LL << 62 : (long long)f->size);
	if (f->has_slots) {
		ival_set(&sw->full_total, (long long)f->total);
		ival_set(&sw->full_used, (long long)f->used);
	}
	if (f->device[0] && !strv_contains(&sw->full_devices, f->device) &&
	    sw->full_devices.n < MAX_FAULTS)
		strv_add(&sw->full_devices, f->device);
}

struct scan {
	struct swiotlb_log sw;
	struct efr_seen efr[MAX_EFR];
	size_t n_efr;
	struct smmu_seen smmu_units[MAX_SMMU];
	size_t n_smmu_units;
	unsigned int memenc;
	char *memenc_line;
	struct kmsg_smmu_block smmu;
};

/* An SMMUv3 event line: each event, whatever lines it spans, is one fault. Whether taken. */
static bool smmu_line(struct di_system *sys, struct scan *sc, const struct kmsg_line *l)
{
	struct kmsg_fault out[2];
	int n = kmsg_smmu_feed(&sc->smmu, l->text, l->usec, out);

	for (int i = 0; i < n; i++)
		add_fault(sys, &out[i], out[i].usec);
	return n >= 0;
}

/* vmwgfx's "[drm] DMA map mode:" line: the driver's own answer, kept on its device. */
static bool vmwgfx_line(struct di_system *sys, const char *text)
{
	static const enum dma_mode modes[] = {
		[VMW_COHERENT] = MODE_ALLOC_COHERENT, [VMW_POPULATE] = MODE_MAP_POPULATE,
		[VMW_BIND] = MODE_MAP_BIND, [VMW_PHYS] = MODE_UNKNOWN,
	};
	enum kmsg_vmw_mode m;
	struct di_device *d = NULL;
	char dev[64];

	if (!kmsg_parse_vmwgfx_mode(text, dev, sizeof(dev), &m))
		return false;
	if (dev[0]) {
		d = system_find_device(sys, dev);
	} else {
		/* An older line without its device: only where one vmwgfx device exists. */
		for (size_t i = 0; i < sys->n_devs; i++) {
			if (!sys->devs[i].module.s || strcmp(sys->devs[i].module.s, "vmwgfx") != 0)
				continue;
			if (d)
				return true;
			d = &sys->devs[i];
		}
	}
	if (!d)
		return true;
	free(d->logged_mode_line);
	d->logged_mode_line = xstrdup(text);
	d->logged_mode = modes[m];
	return true;
}

/* Device-tree DMA lines: coherency (dynamic debug), reserved-memory pools. Whether taken. */
static bool dt_line(struct di_system *sys, const char *text)
{
	enum kmsg_rmem_kind kind;
	struct di_device *d;
	char dev[64], node[128], compat[64];
	uint64_t base, mib;
	bool coherent;

	if (kmsg_parse_dt_coherent(text, dev, sizeof(dev), &coherent)) {
		if ((d = system_find_device(sys, dev)))
			ival_set(&d->dt_coherent_log, coherent);
		return true;
	}
	if (kmsg_parse_rmem_assigned(text, dev, sizeof(dev), node, sizeof(node))) {
		d = system_find_device(sys, dev);
		if (d && !strv_contains(&d->rmem_assigned, node))
			strv_add(&d->rmem_assigned, node);
		return true;
	}
	if (kmsg_parse_rmem_created(text, &kind, &base, &mib))
		rmem_log_created(sys, text, base);
	else if (kmsg_parse_rmem_initialized(text, node, sizeof(node), compat, sizeof(compat)))
		rmem_log_initialized(sys, text, node);
	else if (kmsg_parse_swiotlb_adjusted(text, &mib))
		ival_set(&sys->swiotlb.adjusted_mb, (long long)mib);
	else
		return false;
	return true;
}

/* The entry for the SMMU DEV, new when it has none; NULL when the table is full. */
static struct smmu_seen *smmu_entry(struct scan *sc, const char *dev)
{
	struct smmu_seen *s;

	for (size_t i = 0; i < sc->n_smmu_units; i++)
		if (strcmp(sc->smmu_units[i].dev, dev) == 0)
			return &sc->smmu_units[i];
	if (sc->n_smmu_units == MAX_SMMU)
		return NULL;
	s = &sc->smmu_units[sc->n_smmu_units++];
	memset(s, 0, sizeof(*s));
	snprintf(s->dev, sizeof(s->dev), "%s", dev);
	s->walk = -1;
	return s;
}

/* An SMMU's probe lines: whether the line is one of them. */
static bool smmu_probe_line(struct scan *sc, const char *text)
{
	unsigned int a = 0, b = 0, ias, oas;
	enum kmsg_smmu_v2_item item;
	struct smmu_seen *s;
	uint32_t feat;
	char dev[64];

	if (kmsg_parse_smmu_v3_features(text, dev, sizeof(dev), &ias, &oas, &feat)) {
		if ((s = smmu_entry(sc, dev))) {
			s->v3 = true;
			s->ias = ias;
			s->oas = oas;
			s->features = feat;
			snprintf(s->line, sizeof(s->line), "%s", text);
		}
		return true;
	}
	item = kmsg_parse_smmu_v2_probe(text, dev, sizeof(dev), &a, &b);
	if (item == V2_NONE)
		return false;
	if (!(s = smmu_entry(sc, dev)))
		return true;
	switch (item) {
	case V2_VERSION: s->version = (int)a; break;
	case V2_S1: s->s1 = true; break;
	case V2_S2: s->s2 = true; break;
	case V2_NESTED: s->nested = true; break;
	case V2_WALK: s->walk = (int)a; break;
	case V2_S1_BITS: s->s1_va = a; s->s1_ipa = b; break;
	case V2_S2_BITS: s->s2_ipa = a; s->s2_pa = b; break;
	case V2_NONE: break;
	}
	return true;
}

static void scan_line(struct di_system *sys, struct scan *sc, const struct kmsg_line *l)
{
	struct di_iommu_policy *p = &sys->iommu;
	struct kmsg_swiotlb_full full;
	struct kmsg_fault f;
	char type[32];
	bool b, cmd, has2;
	uint64_t x, y, z;
	unsigned int enc;

	if (kmsg_is_boot_banner(l->text)) {
		ival_set(&sys->kmsg.from_boot, 1);
		free(sys->kmsg.banner);
		sys->kmsg.banner = xstrdup(l->text);
		return;
	}
	if (smmu_line(sys, sc, l) || vmwgfx_line(sys, l->text) || dt_line(sys, l->text))
		return;
	if (kmsg_is_memenc_bounce(l->text)) {
		if (!sys->memenc.bounce_line)
			sys->memenc.bounce_line = xstrdup(l->text);
		return;
	}
	if (kmsg_parse_default_domain(l->text, type, sizeof(type), &cmd)) {
		sval_set(&p->default_domain, type);
		ival_set(&p->default_domain_cmdline, cmd);
	} else if (kmsg_parse_tlb_policy(l->text, &b, &cmd)) {
		sval_set(&p->tlb_policy, b ? "strict" : "lazy");
		ival_set(&p->tlb_policy_cmdline, cmd);
	} else if (kmsg_parse_dmar_fault(l->text, &f) || kmsg_parse_amd_fault(l->text, &f) ||
		   kmsg_parse_smmu_fault(l->text, &f)) {
		/* SMMUv2 context faults here; SMMUv3 events went to smmu_line(). */
		add_fault(sys, &f, l->usec);
		return;
	} else if (kmsg_parse_swiotlb_full(l->text, &full)) {
		add_full(sys, &full);
		return;
	} else if (kmsg_parse_swiotlb_mapped(l->text, &x, &y, &z)) {
		sc->sw.mapped = true;
		sc->sw.torn_down = false;
		sc->sw.start = x;
		sc->sw.end = y;
		sc->sw.mb = z;
		return;
	} else if (strcmp(l->text, "software IO TLB: tearing down default memory pool") == 0) {
		sc->sw.torn_down = true;
		return;
	} else if (kmsg_is_swiotlb_in_use(l->text)) {
		ival_set(&sys->swiotlb.in_use_log, 1);
	} else if ((enc = kmsg_parse_mem_encrypt(l->text))) {
		sc->memenc |= enc;
		if (!sc->memenc_line)
			sc->memenc_line = xstrdup(l->text);
		return;
	} else if (smmu_probe_line(sc, l->text)) {
		return;
	} else if (kmsg_parse_amd_efr(l->text, &x, &y, &has2)) {
		if (sc->n_efr < MAX_EFR)
			sc->efr[sc->n_efr++] = (struct efr_seen){ x, has2 ? y : 0, has2 };
		return;
	}
	if (kmsg_is_iommu_policy_line(l->text) && p->log_lines.n < MAX_POLICY_LINES &&
	    !strv_contains(&p->log_lines, l->text))
		strv_add(&p->log_lines, l->text);
}

/* Why the log is unreadable, as precisely as the system tells. */
static const char *kmsg_hint(struct di_system *sys, int err)
{
	long long restrict_ = 0;

	if (!rfs_as_live(sys->root))
		return err == -ENOENT ? "the snapshot holds no kernel log" : NULL;
	if ((err == -EPERM || err == -EACCES) &&
	    rfs_read_ll(sys->root, RFS_ROOT, "proc/sys/kernel/dmesg_restrict", &restrict_) == 0 &&
	    restrict_)
		return "kernel.dmesg_restrict is 1: reading the log needs CAP_SYSLOG";
	return NULL;
}

static void scan_kmsg(struct di_system *sys, struct scan *sc)
{
	struct kmsg_iter it;
	struct kmsg_line l;
	struct kmsg_fault f;
	char *buf;
	ssize_t n = rfs_read_kmsg(sys->root, KMSG_MAX, &buf);

	sys->kmsg.source = rfs_as_live(sys->root) ? "/dev/kmsg" : "dev/kmsg in the snapshot";
	if (n < 0) {
		sys->kmsg.readable.err = (int)n;
		sys->kmsg.from_boot.err = (int)n;
		sys->swiotlb.in_use_log.err = (int)n;
		note_unreadable(sys, sys->kmsg.source, (int)n, kmsg_hint(sys, (int)n));
		return;
	}
	ival_set(&sys->kmsg.readable, 1);
	ival_set(&sys->kmsg.from_boot, 0);
	kmsg_iter_init(&it, buf, (size_t)n);
	while (kmsg_next(&it, &l)) {
		sys->kmsg.lines++;
		scan_line(sys, sc, &l);
	}
	free(buf);
	if (kmsg_smmu_end(&sc->smmu, &f))
		add_fault(sys, &f, f.usec);
	if (!sys->swiotlb.in_use_log.set)
		ival_set(&sys->swiotlb.in_use_log, 0);
}

/* A log's "bb:dd.f" is the PCI function whose sysfs name ends so, if only one does. */
static void resolve_faults(struct di_system *sys)
{
	for (size_t i = 0; i < sys->n_faults; i++) {
		struct di_fault *f = &sys->faults[i];
		const char *match = NULL;
		size_t len = strlen(f->logged_as), hits = 0;

		for (size_t k = 0; len == 7 && k < sys->n_devs; k++) {
			const char *name = sys->devs[k].name;
			size_t nl = strlen(name);

			if (strcmp(sys->devs[k].bus, "pci") == 0 && nl > len &&
			    name[nl - len - 1] == ':' && strcmp(name + nl - len, f->logged_as) == 0) {
				match = name;
				hits++;
			}
		}
		f->device = xstrdup(hits == 1 ? match : f->logged_as);
	}
}

/* A whole word of /proc/cpuinfo's first "flags" line. */
static bool has_flag(const char *flags, const char *flag)
{
	size_t n = strlen(flag);

	for (const char *p = flags; (p = strstr(p, flag)); p += n)
		if ((p == flags || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

static void memenc_kinds(struct di_memenc *m, unsigned int mask)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} k[] = {
		{ MEMENC_SME, "SME" }, { MEMENC_SEV, "SEV" }, { MEMENC_SEV_ES, "SEV-ES" },
		{ MEMENC_SEV_SNP, "SEV-SNP" }, { MEMENC_TDX, "TDX" },
	};

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if ((mask & k[i].bit) && !strv_contains(&m->kinds, k[i].name))
			strv_add(&m->kinds, k[i].name);
}

/*
 * Guest memory encryption (SEV, TDX) forces every DMA through SWIOTLB. The
 * boot log says so; /proc/cpuinfo's tdx_guest flag says so for TDX; a CPU
 * without the hypervisor flag cannot be an encrypted guest.
 */
static void collect_memenc(struct di_system *sys, struct scan *sc)
{
	struct di_memenc *m = &sys->memenc;
	char *info = NULL, *flags;
	ssize_t n;

	if (sc->memenc) {
		memenc_kinds(m, sc->memenc);
		strv_addf(&m->sources, "kernel log: '%s'", sc->memenc_line);
		if (sc->memenc & (MEMENC_SEV | MEMENC_SEV_ES | MEMENC_SEV_SNP | MEMENC_TDX))
			ival_set(&m->guest, 1);
	}
	n = rfs_read_alloc(sys->root, RFS_ROOT, "proc/cpuinfo", 16u << 20, &info);
	if (n < 0) {
		if (!m->guest.set && n != -ENOENT)
			note_unreadable(sys, "/proc/cpuinfo", (int)n, NULL);
	} else if ((flags = strstr(info, "\nflags\t"))) {
		char *nl = strchr(flags + 1, '\n');

		if (nl)
			*nl = '\0';
		if (has_flag(flags, "tdx_guest")) {
			memenc_kinds(m, MEMENC_TDX);
			strv_add(&m->sources, "/proc/cpuinfo: flag tdx_guest");
			ival_set(&m->guest, 1);
		} else if (!m->guest.set && !has_flag(flags, "hypervisor")) {
			strv_add(&m->sources, "/proc/cpuinfo: no hypervisor flag, not a guest");
			ival_set(&m->guest, 0);
		}
	}
	free(info);
	/*
	 * swiotlb's "Memory encryption is active and system is using DMA bounce
	 * buffers" (CC_ATTR_MEM_ENCRYPT): an encrypted guest, unless this is an
	 * SME host (the SME feature line, or a CPU without the hypervisor flag).
	 */
	if (m->bounce_line) {
		strv_addf(&m->sources, "kernel log: '%s'", m->bounce_line);
		if (!m->guest.set && !strv_contains(&m->kinds, "SME"))
			ival_set(&m->guest, 1);
	}
	if (!m->guest.set && sys->kmsg.from_boot.set && sys->kmsg.from_boot.v) {
		strv_add(&m->sources, "kernel log since boot: no memory encryption line");
		ival_set(&m->guest, 0);
	}
	if (!m->guest.set)
		m->guest.err = sys->kmsg.readable.err ? sys->kmsg.readable.err : -ENODATA;
}

static void collect_cmdline(struct di_system *sys)
{
	char buf[8192];
	ssize_t n = rfs_read_line(sys->root, RFS_ROOT, "proc/cmdline", buf, sizeof(buf));

	if (n < 0) {
		sys->cmdline.raw.err = (int)n;
		note_unreadable(sys, "/proc/cmdline", (int)n, NULL);
		return;
	}
	sval_set(&sys->cmdline.raw, buf);
	cmdline_parse(buf, &sys->cmdline);
}

void collect_facts(struct di_system *sys)
{
	struct scan sc = { 0 };

	if (sys->groups_dir.err)
		note_unreadable(sys, "/sys/kernel/iommu_groups", sys->groups_dir.err, NULL);
	collect_cmdline(sys);
	collect_rmem(sys);
	scan_kmsg(sys, &sc);
	collect_memenc(sys, &sc);
	free(sc.memenc_line);
	collect_iommu_units(sys, &(struct unit_log){ sc.efr, sc.n_efr, sc.smmu_units,
						     sc.n_smmu_units });
	resolve_faults(sys);
	collect_ram(sys);
	collect_swiotlb(sys, &sc.sw);
	rmem_collect_devices(sys);
}

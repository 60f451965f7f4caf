// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Conclusions drawn from the collected facts, each with the source it rests
 * on: the IOMMU policy and why, whether SWIOTLB bouncing is forced, what to
 * do about an exhausted pool, which devices' direct DMA can bounce, and the
 * restricted DMA pool each device gets. No I/O here.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conclude.h"

#define IO_TLB_SHIFT 11
#define IO_TLB_SEGSIZE 128

static void conclude(struct di_system *sys, const char *source, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void conclude(struct di_system *sys, const char *source, const char *fmt, ...)
{
	struct di_iommu_policy *p = &sys->iommu;
	va_list ap;

	va_start(ap, fmt);
	strv_vaddf(&p->conclusions, fmt, ap);
	va_end(ap);
	strv_add(&p->sources, source);
}

/* What one command-line option asks of the IOMMU, or NULL for none known. */
static const char *option_meaning(const char *param, const char *opt)
{
	static const struct {
		const char *param, *opt, *meaning;
	} m[] = {
		{ "iommu", "pt", "asks for identity (passthrough) default domains" },
		{ "iommu", "nopt", "asks for translated default domains" },
		{ "iommu", "off", "turns every IOMMU off" },
		{ "iommu", "soft", "asks for software bounce buffering (SWIOTLB)" },
		{ "iommu", "force", "forces the GART IOMMU on" },
		{ "intel_iommu", "on", "turns the Intel IOMMU on" },
		{ "intel_iommu", "off", "turns the Intel IOMMU off" },
		{ "intel_iommu", "strict", "asks for strict TLB invalidation (deprecated spelling)" },
		{ "intel_iommu", "sm_on", "turns scalable mode on" },
		{ "intel_iommu", "sm_off", "turns scalable mode off" },
		{ "intel_iommu", "igfx_off", "leaves the integrated graphics untranslated" },
		{ "amd_iommu", "off", "turns the AMD IOMMU off" },
		{ "amd_iommu", "fullflush", "asks for strict TLB invalidation (deprecated spelling)" },
		{ "amd_iommu", "force_isolation", "gives every device a domain of its own" },
		{ "amd_iommu", "force_enable", "forces the AMD IOMMU on" },
		{ "amd_iommu", "pgtbl_v1", "uses the v1 (host) page table for DMA domains" },
		{ "amd_iommu", "pgtbl_v2", "uses the v2 (guest) page table for DMA domains" },
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strcmp(param, m[i].param) == 0 && strcmp(opt, m[i].opt) == 0)
			return m[i].meaning;
	return NULL;
}

static void bool_word(struct di_system *sys, const char *param, const struct ival *v,
		     const char *yes, const char *no)
{
	char src[64];

	snprintf(src, sizeof(src), "kernel command line: %s=", param);
	if (!v->set)
		conclude(sys, src, "%s= has a value the kernel rejects: it is ignored", param);
	else
		conclude(sys, src, "%s=%lld asks for %s", param, v->v, v->v ? yes : no);
}

static void conclude_cmdline(struct di_system *sys)
{
	const struct di_cmdline *c = &sys->cmdline;
	const struct {
		const char *param;
		const struct strv *opts;
	} lists[] = {
		{ "iommu", &c->iommu }, { "intel_iommu", &c->intel_iommu },
		{ "amd_iommu", &c->amd_iommu },
	};
	char src[128];
	int n = 0;

	if (!c->raw.s) {
		conclude(sys, "/proc/cmdline unreadable",
			 "what the kernel command line asks for is unknown");
		return;
	}
	if (c->iommu_passthrough.set || c->iommu_passthrough.err) {
		n++;
		bool_word(sys, "iommu.passthrough", &c->iommu_passthrough,
				"identity (passthrough) default domains", "translated default domains");
	}
	if (c->iommu_strict.set || c->iommu_strict.err) {
		n++;
		bool_word(sys, "iommu.strict", &c->iommu_strict, "strict TLB invalidation",
			  "lazy TLB invalidation");
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		for (size_t k = 0; k < lists[i].opts->n; k++) {
			const char *o = lists[i].opts->v[k], *m = option_meaning(lists[i].param, o);

			n++;
			snprintf(src, sizeof(src), "kernel command line: %s=%s", lists[i].param, o);
			if (m)
				conclude(sys, src, "%s=%s %s", lists[i].param, o, m);
			else
				conclude(sys, src, "%s=%s is passed to the IOMMU driver", lists[i].param, o);
		}
	}
	if (!n)
		conclude(sys, "/proc/cmdline",
			 "the kernel command line sets no IOMMU policy: the kernel's built-in "
			 "default (Kconfig IOMMU_DEFAULT_*) and the IOMMU driver decide");
}

/* The evidence line a driver logs when it overrides the lazy policy, if any. */
static const char *strict_override(const struct di_system *sys)
{
	for (size_t i = 0; i < sys->iommu.log_lines.n; i++) {
		const char *l = sys->iommu.log_lines.v[i];

		if (strstr(l, "strict mode") && !strstr(l, "TLB invalidation policy"))
			return l;
		if (strstr(l, "batching disallowed"))
			return l;
	}
	return NULL;
}

static void conclude_groups(struct di_system *sys, size_t *n_translated)
{
	static const char *const types[] = { "DMA-FQ", "DMA", "identity", "blocked", "unmanaged" };
	size_t counts[5] = { 0 }, other = 0;
	char text[512] = "";
	size_t len = 0;

	*n_translated = 0;
	for (size_t i = 0; i < sys->n_groups; i++) {
		size_t t;

		for (t = 0; t < 5; t++)
			if (sys->groups[i].type.s && strcmp(sys->groups[i].type.s, types[t]) == 0)
				break;
		if (t < 5)
			counts[t]++;
		else
			other++;
	}
	*n_translated = counts[0] + counts[1];
	if (!sys->n_groups) {
		conclude(sys, "/sys/kernel/iommu_groups", "no IOMMU groups exist");
		return;
	}
	for (size_t t = 0; t < 5; t++)
		if (counts[t])
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%zu %s (%s)",
						len ? ", " : "", counts[t], types[t],
						iommu_domain_meaning(types[t]));
	if (other)
		snprintf(text + len, sizeof(text) - len, "%s%zu of another or unreadable type",
			 len ? ", " : "", other);
	conclude(sys, "/sys/kernel/iommu_groups/*/type", "%zu IOMMU group%s: %s",
		 sys->n_groups, sys->n_groups == 1 ? "" : "s", text);
}

/* The lazy policy asked for, and no group is lazy: the driver overrode it. */
static void conclude_overridden(struct di_system *sys)
{
	const char *why = strict_override(sys);
	char src[256];

	for (size_t i = 0; i < sys->n_groups; i++)
		if (sys->groups[i].type.s && strcmp(sys->groups[i].type.s, "DMA-FQ") == 0)
			return;
	snprintf(src, sizeof(src), "/sys/kernel/iommu_groups/*/type%s%s%s",
		 why ? ", kernel log: '" : "", why ? why : "", why ? "'" : "");
	conclude(sys, src, "yet every translated group is strict (DMA): the IOMMU "
		 "driver overrode the lazy policy%s", why ? "" : " (the log does not say why)");
}

static void conclude_log(struct di_system *sys, size_t n_translated)
{
	const struct di_iommu_policy *p = &sys->iommu;
	char src[256];

	if (!sys->kmsg.readable.set) {
		conclude(sys, "kernel log unreadable",
			 "the kernel log's default domain and TLB policy lines could not be read: "
			 "the group types above are the effective policy");
		return;
	}
	if (p->default_domain.s) {
		snprintf(src, sizeof(src), "kernel log: 'iommu: Default domain type: %s%s'",
			 p->default_domain.s,
			 p->default_domain_cmdline.v ? " (set via kernel command line)" : "");
		if (!sys->n_units)
			conclude(sys, src, "the kernel log claims default domain type %s, but no "
				 "IOMMU unit exists: the kernel prints that line on every boot, "
				 "so it proves nothing here", p->default_domain.s);
		else
			conclude(sys, src, "the default domain type is %s, %s", p->default_domain.s,
				 p->default_domain_cmdline.v ? "set on the kernel command line"
							 : "not set on the kernel command line");
	} else {
		conclude(sys, "kernel log", sys->kmsg.from_boot.v
			 ? "the kernel log has no 'Default domain type' line"
			 : "the kernel log no longer reaches back to boot: its "
			   "'Default domain type' line is gone");
	}
	if (!p->tlb_policy.s)
		return;
	snprintf(src, sizeof(src), "kernel log: 'iommu: DMA domain TLB invalidation policy: %s mode%s'",
		 p->tlb_policy.s, p->tlb_policy_cmdline.v ? " (set via kernel command line)" : "");
	if (!sys->n_units) {
		conclude(sys, src, "the kernel log names a %s TLB invalidation policy, but no "
			 "IOMMU unit exists to apply it", p->tlb_policy.s);
		return;
	}
	conclude(sys, src, "DMA domains get %s TLB invalidation%s", p->tlb_policy.s,
		 p->tlb_policy_cmdline.v ? ", as the kernel command line asks" : " by default");
	if (strcmp(p->tlb_policy.s, "lazy") == 0 && n_translated)
		conclude_overridden(sys);
}

void iommu_conclude(struct di_system *sys)
{
	size_t n_translated;

	if (!sys->n_units) {
		conclude(sys, "/sys/class/iommu", "no IOMMU unit exists: no device's DMA is translated");
	} else {
		char text[512] = "";
		size_t len = 0;

		for (size_t i = 0; i < sys->n_units && len < sizeof(text) - 64; i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s (%s)",
						i ? ", " : "", sys->units[i].name,
						iommu_kind_name(sys->units[i].kind));
		conclude(sys, "/sys/class/iommu", "%zu IOMMU unit%s: %s", sys->n_units,
			 sys->n_units == 1 ? "" : "s", text);
	}
	for (size_t i = 0; i < sys->n_units; i++) {
		const struct di_iommu_unit *u = &sys->units[i];

		if (u->caps.caching_mode.set && u->caps.caching_mode.v)
			conclude(sys, "intel-iommu/cap bit 7 (CM)",
				 "%s is a virtualized IOMMU (caching mode): every mapping "
				 "change traps to the hypervisor, so mapping is expensive", u->name);
	}
	conclude_groups(sys, &n_translated);
	conclude_log(sys, n_translated);
	conclude_cmdline(sys);
}

long long swiotlb_suggest_nslabs(long long nslabs, long long largest_bytes)
{
	long long n;

	/* One mapping spans at most IO_TLB_SEGSIZE slabs (256 KiB): no pool fits more. */
	if (largest_bytes > (long long)IO_TLB_SEGSIZE << IO_TLB_SHIFT)
		return 0;
	if (nslabs <= 0 || nslabs > (1LL << 40))
		nslabs = 32768;
	n = nslabs * 2;
	return (n + IO_TLB_SEGSIZE - 1) / IO_TLB_SEGSIZE * IO_TLB_SEGSIZE;
}

static void swiotlb_advice(struct di_system *sys)
{
	struct di_swiotlb *sw = &sys->swiotlb;
	const struct di_cmdline *c = &sys->cmdline;
	long long cur = 0, sugg;
	bool force = c->swiotlb_force.set && c->swiotlb_force.v == 1;

	if (!sw->full_count)
		return;
	for (size_t i = 0; i < sw->n_pools && !cur; i++)
		if (strcmp(sw->pools[i].name, "default") == 0 && sw->pools[i].nslabs.set)
			cur = sw->pools[i].nslabs.v;
	if (!cur && sw->full_total.set)
		cur = sw->full_total.v;
	if (!cur && c->swiotlb_nslabs.set)
		cur = c->swiotlb_nslabs.v;
	sugg = swiotlb_suggest_nslabs(cur, sw->full_largest.set ? sw->full_largest.v : 0);
	if (!sugg)
		sw->advice = xasprintf("a request of %lld bytes exceeds the largest single "
				       "SWIOTLB mapping (%d KiB): a bigger pool does not help; the "
				       "driver must keep its segments within dma_max_mapping_size()",
				       sw->full_largest.v, (IO_TLB_SEGSIZE << IO_TLB_SHIFT) >> 10);
	else
		sw->advice = xasprintf("the pool ran out %lld time%s: try swiotlb=%lld%s on the "
				       "kernel command line (%lld MiB, twice the %lld slabs it has now)",
				       sw->full_count, sw->full_count == 1 ? "" : "s", sugg,
				       force ? ",force" : "", (sugg << IO_TLB_SHIFT) >> 20,
				       cur ? cur : 32768);
}

static void swiotlb_forced(struct di_system *sys)
{
	struct di_swiotlb *sw = &sys->swiotlb;
	const struct di_cmdline *c = &sys->cmdline;
	const struct di_memenc *m = &sys->memenc;

	if (c->swiotlb_force.set && c->swiotlb_force.v == 1)
		strv_add(&sw->forced_by, "swiotlb=force on the kernel command line");
	if (m->guest.set && m->guest.v)
		strv_addf(&sw->forced_by, "encrypted guest memory (%s): every DMA bounces "
			  "through shared memory", m->sources.n ? m->sources.v[0] : "?");
	/* The log's own word that DMA bounces, unless it was the evidence just cited. */
	if (m->bounce_line && m->guest.set && m->guest.v &&
	    !(m->sources.n && strstr(m->sources.v[0], m->bounce_line)))
		strv_addf(&sw->forced_by, "the kernel bounces DMA through SWIOTLB under memory "
			  "encryption (kernel log: '%s')", m->bounce_line);
	if (sw->forced_by.n)
		ival_set(&sw->forced, 1);
	else if (c->raw.s && m->guest.set)
		ival_set(&sw->forced, 0);
	else
		sw->forced.err = c->raw.s ? m->guest.err : c->raw.err;
	for (size_t i = 0; i < sw->n_pools; i++)
		if (strcmp(sw->pools[i].name, "default") == 0)
			sw->pools[i].forced = sw->forced;
}

/* "2^N", the first address a mask of N bits cannot reach, is below the top of RAM. */
static void below(const struct di_ram *ram, const struct ival *bits, struct ival *out)
{
	if (!bits->set || bits->v <= 0) {
		out->err = bits->err ? bits->err : -ENODATA;
		return;
	}
	if (bits->v >= 64) {
		ival_set(out, 0);
		return;
	}
	if (!ram->top.set) {
		out->err = ram->top.err ? ram->top.err : -ENODATA;
		return;
	}
	ival_set(out, (1ULL << bits->v) < ram->top.v);
}

/* Behind a translating IOMMU: only an untrusted device's sub-page mappings bounce. */
static void bounce_translated(const struct di_device *d, struct di_bounce *b, const char *t)
{
	ival_set(&b->translated, 1);
	strv_addf(&b->reasons, "IOMMU group %lld translates (%s): the IOMMU maps within the masks",
		  d->iommu_group.v, t);
	if (!d->removable.s || strcmp(d->removable.s, "removable") != 0) {
		ival_set(&b->can_bounce, 0);
		return;
	}
	/*
	 * Untrusted is not in sysfs, but a PCI device is removable exactly
	 * when it sits below an external-facing port (pci_set_removable()),
	 * which is what makes it untrusted (set_pcie_untrusted()).
	 */
	ival_set(&b->can_bounce, 1);
	strv_addf(&b->reasons, "removable (%s/removable): below an external-facing port the kernel "
		  "treats it as untrusted and the IOMMU bounces its sub-page mappings", d->path);
}

/* Direct mapping: the masks, the pool and swiotlb=force decide. */
static void bounce_direct(const struct di_system *sys, const struct di_device *d,
			  struct di_bounce *b, const char *t)
{
	const struct di_swiotlb *sw = &sys->swiotlb;
	bool below_streaming = b->streaming_below.set && b->streaming_below.v;

	ival_set(&b->translated, 0);
	strv_add(&b->reasons, t ? "identity domain: DMA addresses are physical addresses"
				: "no IOMMU group: DMA addresses are physical addresses");
	if (!d->driver.s && d->dma_mask_bits.set)
		strv_add(&b->reasons, "no driver bound: the masks are the 32-bit default or what the "
			 "last driver left");
	if (below_streaming)
		strv_addf(&b->reasons, "the streaming mask (%lld bits) is below the top of RAM "
			  "(0x%llx): buffers above the mask cannot be reached directly",
			  d->dma_mask_bits.v, (unsigned long long)sys->ram.top.v);
	if (b->coherent_below.set && b->coherent_below.v)
		strv_addf(&b->reasons, "the coherent mask (%lld bits) is below the top of RAM: "
			  "coherent allocations come from memory below it (ZONE_DMA32)",
			  d->coherent_dma_mask_bits.v);
	if (sw->forced.set && sw->forced.v)
		strv_add(&b->reasons, "SWIOTLB bouncing is forced for every direct mapping");
	if (sw->default_pool.set && !sw->default_pool.v) {
		ival_set(&b->can_bounce, 0);
		strv_add(&b->reasons, below_streaming ? "no SWIOTLB pool exists: such mappings fail"
						      : "no SWIOTLB pool exists: nothing bounces");
	} else if (sw->forced.set && sw->forced.v) {
		ival_set(&b->can_bounce, 1);
	} else if (below_streaming) {
		ival_set(&b->can_bounce, 1);
		strv_add(&b->reasons, "such mappings bounce through the SWIOTLB pool");
	} else if (b->streaming_below.set && !sw->forced.err) {
		ival_set(&b->can_bounce, 0);
	} else {
		b->can_bounce.err = b->streaming_below.err ? b->streaming_below.err : sw->forced.err;
	}
}

static void bounce_one(const struct di_system *sys, const struct di_device *d, struct di_bounce *b)
{
	const char *t = d->iommu_domain.s;

	below(&sys->ram, &d->dma_mask_bits, &b->streaming_below);
	below(&sys->ram, &d->coherent_dma_mask_bits, &b->coherent_below);
	if (t && (strcmp(t, "DMA") == 0 || strcmp(t, "DMA-FQ") == 0)) {
		bounce_translated(d, b, t);
	} else if (t && (strcmp(t, "blocked") == 0 || strcmp(t, "unmanaged") == 0)) {
		ival_set(&b->translated, 0);
		ival_set(&b->can_bounce, 0);
		strv_addf(&b->reasons, "group type %s: the DMA API does not map for it", t);
	} else {
		bounce_direct(sys, d, b, t);
	}
}

void swiotlb_conclude(struct di_system *sys)
{
	struct di_swiotlb *sw = &sys->swiotlb;

	swiotlb_forced(sys);
	swiotlb_advice(sys);
	/* At most one a device: sized once, not grown device by device. */
	if (sys->n_devs)
		sw->bounce = xreallocarray(sw->bounce, sw->n_bounce + sys->n_devs, sizeof(*sw->bounce));
	for (size_t i = 0; i < sys->n_devs; i++) {
		const struct di_device *d = &sys->devs[i];
		struct di_bounce *nb;

		if (!d->dma_mask_bits.set && !d->coherent_dma_mask_bits.set)
			continue;
		nb = &sw->bounce[sw->n_bounce++];
		memset(nb, 0, sizeof(*nb));
		nb->device = xstrdup(d->name);
		bounce_one(sys, d, nb);
	}
}

/* Whether the kernel set up the pool M (debugfs, its boot log lines). */
static void set_up(const struct di_system *sys, struct di_rmem *m)
{
	const struct di_swiotlb *sw = &sys->swiotlb;

	for (size_t i = 0; i < sw->n_pools; i++)
		if (strcmp(sw->pools[i].name, m->name) == 0)
			return ival_set(&m->set_up, 1);
	if (m->created_line || m->initialized_line)
		ival_set(&m->set_up, 1);
	else if (sys->kmsg.from_boot.set && sys->kmsg.from_boot.v)
		ival_set(&m->set_up, 0);
	else
		m->set_up.err = sys->kmsg.readable.err ? sys->kmsg.readable.err : -ENODATA;
}

/*
 * The restricted pool the device gets (of_dma_configure_id()): its
 * restricted-dma-pool, set up by the kernel, when no IOMMU translates for it
 * and of_dma_configure() has run for it. Where the log reaches back to the
 * boot its "assigned reserved memory node" line says so; otherwise a bound
 * driver says the device was configured.
 */
static void device_restricted(const struct di_system *sys, struct di_device *d)
{
	const struct di_rmem *m = device_restricted_region(sys, d);

	if (!m)
		return;
	if (strv_contains(&d->rmem_assigned, m->name) ||
	    (!d->iommu_group.set && !(m->set_up.set && !m->set_up.v) &&
	     !(sys->kmsg.from_boot.set && sys->kmsg.from_boot.v) && d->driver.s))
		sval_set(&d->restricted_pool, m->name);
}

/* The restricted pool each device gets. */
static void rmem_conclude(struct di_system *sys)
{
	for (size_t i = 0; i < sys->swiotlb.n_rmem; i++)
		set_up(sys, &sys->swiotlb.rmem[i]);
	for (size_t i = 0; i < sys->n_devs; i++)
		device_restricted(sys, &sys->devs[i]);
}

/*
 * arm64 6.5 and later (DMA_BOUNCE_UNALIGNED_KMALLOC): a kmalloc buffer
 * smaller than a cache line that a driver maps for a non-coherent device
 * bounces through the default pool, which arm64's mem_init() keeps at
 * 1 MiB per GiB of RAM, at most 64 MiB, when nothing else needs it.
 */
/* kmalloc buffers do not bounce, for this reason. */
static void kmalloc_no(struct di_swiotlb *sw, const char *reason)
{
	ival_set(&sw->kmalloc_bounce, 0);
	strv_add(&sw->kmalloc_reasons, reason);
}

void kmalloc_conclude(struct di_system *sys)
{
	const struct di_kver *k = &sys->kver;
	int kver_6_5 = !k->set ? -1 : k->major > 6 || (k->major == 6 && k->minor >= 5);
	struct di_swiotlb *sw = &sys->swiotlb;
	const struct di_swiotlb_pool *def = sw->n_pools && strcmp(sw->pools[0].name, "default") == 0
					    ? &sw->pools[0] : NULL;

	strv_free(&sw->noncoherent);
	strv_free(&sw->kmalloc_reasons);
	memset(&sw->kmalloc_bounce, 0, sizeof(sw->kmalloc_bounce));
	for (size_t i = 0; i < sys->n_devs; i++)
		if (sys->devs[i].dt_coherent.set && !sys->devs[i].dt_coherent.v)
			strv_add(&sw->noncoherent, sys->devs[i].name);
	if (!sys->arch.s) {
		sw->kmalloc_bounce.err = sys->arch.err ? sys->arch.err : -ENODATA;
		return;
	}
	if (strcmp(sys->arch.s, "aarch64") != 0) {
		ival_set(&sw->kmalloc_bounce, 0);
		strv_addf(&sw->kmalloc_reasons, "a %s kernel: kmalloc buffers do not bounce for "
			  "coherency", sys->arch.s);
		return;
	}
	if (sw->adjusted_mb.set)
		strv_addf(&sw->kmalloc_reasons, "the kernel sized the default pool for it: 'SWIOTLB "
			  "bounce buffer size adjusted to %lldMB' (1 MiB per GiB of RAM, at most 64 MiB)",
			  sw->adjusted_mb.v);
	else if (kver_6_5 < 0)
		strv_add(&sw->kmalloc_reasons, "the kernel version is unknown: arm64 kernels 6.5 and "
			 "later bounce unaligned kmalloc buffers");
	if (kver_6_5 == 0 && !sw->adjusted_mb.set) {
		kmalloc_no(sw, "arm64 before 6.5: no kmalloc bouncing (ARCH_DMA_MINALIGN keeps "
			   "kmalloc buffers cache-line aligned)");
		return;
	}
	if (!sw->noncoherent.n) {
		kmalloc_no(sw, "every device with a device-tree DMA node is coherent: nothing "
			   "bounces for alignment");
		return;
	}
	if (sw->default_pool.set && !sw->default_pool.v) {
		kmalloc_no(sw, "no default SWIOTLB pool: kmalloc stays cache-line aligned for "
			   "non-coherent devices");
		return;
	}
	ival_set(&sw->kmalloc_bounce, 1);
	strv_addf(&sw->kmalloc_reasons, "arm64 (DMA_BOUNCE_UNALIGNED_KMALLOC): kmalloc buffers "
		  "smaller than a cache line mapped for streaming DMA by the %zu non-coherent "
		  "device%s bounce through the default pool", sw->noncoherent.n,
		  sw->noncoherent.n == 1 ? "" : "s");
	if (def && def->hiwater.set && def->hiwater.v > 0 && !(sw->forced.set && sw->forced.v))
		strv_addf(&sw->kmalloc_reasons, "this explains io_tlb_used_hiwater %lld with nothing "
			  "forced", def->hiwater.v);
}

void system_conclude(struct di_system *sys)
{
	rmem_conclude(sys);
	iommu_conclude(sys);
	swiotlb_conclude(sys);
	kmalloc_conclude(sys);
}

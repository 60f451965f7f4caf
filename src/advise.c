// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The advisor: which DMA mapping mode a driver should use for a device, in
 * the vocabulary of TTM and vmwgfx, with the facts behind it.
 *
 * Pure functions of the model: no I/O. Read top to bottom:
 *   1. the path the device's DMA takes (owned, blocked, IOMMU, direct),
 *   2. whether SWIOTLB can bounce it (forced, encryption, masks, untrusted),
 *   3. the mode that follows from the path,
 *   4. notes that do not change the mode,
 *   5. what the device's own driver will choose, where its procedure is known.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "advise-int.h"
#include "shared/hashmap.h"

#define GROUP_TYPE "/sys/kernel/iommu_groups/%lld/type"

static bool is(const char *s, const char *v)
{
	return s && strcmp(s, v) == 0;
}

static bool on(const struct ival *v)
{
	return v->set && v->v;
}

static bool bounce_match(const void *item, const void *name)
{
	return is(((const struct di_bounce *)item)->device, name);
}

/*
 * Each device's SWIOTLB conclusion (the first of its name), through an index
 * of sys->swiotlb.bounce: a scan per device would cost n^2 on large hosts.
 */
static void index_bounces(const struct di_system *sys, struct hmap *idx)
{
	for (size_t i = 0; i < sys->swiotlb.n_bounce; i++) {
		struct di_bounce *b = &sys->swiotlb.bounce[i];
		size_t h;

		if (!b->device)
			continue;
		h = hmap_hash(HMAP_SEED, b->device, strlen(b->device));
		if (!hmap_get(idx, h, bounce_match, b->device))
			hmap_add(idx, h, b);
	}
}

static const struct di_bounce *bounce_of(const struct hmap *idx, const struct di_device *d)
{
	return hmap_get(idx, hmap_hash(HMAP_SEED, d->name, strlen(d->name)), bounce_match,
			d->name);
}

/* Bits needed to address the top of RAM: fls64(top). */
static int top_bits(uint64_t top)
{
	int bits = 0;

	while (top) {
		bits++;
		top >>= 1;
	}
	return bits;
}

/* 1. The path. Returns the path and adds the reason for it. */
static enum dma_path path_of(const struct di_device *d, struct advice *a)
{
	const char *t = d->iommu_domain.s;

	if (d->iommu_group.err || (d->iommu_group.set && !t)) {
		strv_addf(&a->reasons, "the IOMMU group could not be read (%s)",
			  di_strerror(d->iommu_group.err ? d->iommu_group.err : d->iommu_domain.err));
		return PATH_UNKNOWN;
	}
	if (!d->iommu_group.set) {
		strv_addf(&a->reasons, "no IOMMU group: DMA addresses are physical addresses "
			  "(no %s/iommu_group link)", d->path);
		return PATH_DIRECT;
	}
	strv_addf(&a->reasons, "IOMMU group %lld has default domain type %s (" GROUP_TYPE ")",
		  d->iommu_group.v, t, d->iommu_group.v);
	if (is(t, "unmanaged"))
		return PATH_OWNED;
	if (is(t, "blocked"))
		return PATH_BLOCKED;
	if (is(t, "identity"))
		return PATH_DIRECT;
	if (is(t, "DMA-FQ"))
		return PATH_IOMMU_LAZY;
	if (is(t, "DMA"))
		return PATH_IOMMU_STRICT;
	return PATH_UNKNOWN;	/* "unknown" or a type this version does not know */
}

/*
 * 2. Bouncing. Returns 1 when SWIOTLB will or may copy, 0 when not, -1 when
 * it cannot be told. Adds the reasons.
 */
static int bounces(const struct di_system *sys, const struct di_device *d,
		   const struct di_bounce *b, enum dma_path path, struct advice *a)
{
	const struct di_swiotlb *sw = &sys->swiotlb;
	bool translated = path == PATH_IOMMU_LAZY || path == PATH_IOMMU_STRICT;

	if (translated) {
		/* iommu-dma bounces only for untrusted devices: the SWIOTLB conclusion says. */
		if (!b || !on(&b->can_bounce))
			return 0;
		strv_addf(&a->reasons, "%s (swiotlb)", b->reasons.n ? b->reasons.v[b->reasons.n - 1] :
			  "its mappings can bounce");
		return 1;
	}
	if (advise_restricted(sys, d, a))
		return 1;
	if (on(&sys->memenc.guest)) {
		strv_addf(&a->reasons, "memory encryption (%s): every direct DMA bounces through "
			  "shared memory", sys->memenc.sources.n ? sys->memenc.sources.v[0] : "detected");
		return 1;
	}
	if (on(&sw->forced)) {
		strv_addf(&a->reasons, "SWIOTLB bouncing is forced (%s)",
			  sw->forced_by.n ? sw->forced_by.v[0] : "swiotlb=force");
		return 1;
	}
	if (b && on(&b->can_bounce)) {
		strv_addf(&a->reasons, "the streaming mask (%lld bits) is below the top of RAM "
			  "(0x%llx, %d bits; /sys/devices/system/memory): higher buffers bounce",
			  d->dma_mask_bits.v, (unsigned long long)sys->ram.top.v,
			  top_bits(sys->ram.top.v));
		return 1;
	}
	if (b && b->can_bounce.set) {
		/* The SWIOTLB conclusion's last word says why nothing bounces. */
		if (b->reasons.n)
			strv_addf(&a->reasons, "%s (swiotlb)", b->reasons.v[b->reasons.n - 1]);
		return 0;
	}
	if (!d->dma_mask_bits.set && !d->dma_mask_bits.err)
		return 0;	/* no mask in sysfs (not PCI): nothing says it bounces */
	if (b && b->streaming_below.set && !sw->forced.set) {
		strv_addf(&a->reasons, "whether every DMA bounces could not be read (%s): forced "
			  "bouncing or encrypted guest memory would make this device bounce",
			  di_strerror(sw->forced.err));
		return -1;
	}
	strv_add(&a->reasons, "whether the masks reach all of RAM could not be told "
		 "(top of RAM or the masks unreadable)");
	return -1;
}

/* 4. Notes that do not change the mode. */
static void add_notes(const struct di_system *sys, const struct di_device *d, struct advice *a)
{
	const struct ival *m = &d->dma_mask_bits, *c = &d->coherent_dma_mask_bits;

	if (a->path == PATH_OWNED)
		strv_add(&a->notes, "owned by userspace (VFIO or an unmanaged domain): the kernel's "
			 "DMA mapping advice does not apply; the owner maps its own IOVAs");
	if (m->set && c->set && m->v != c->v)
		strv_addf(&a->notes, "streaming and coherent masks differ (%lld and %lld bits): "
			  "coherent allocations are limited to the narrower range", m->v, c->v);
	if (!d->driver.s && m->set && c->set && m->v == 32 && c->v == 32)
		strv_add(&a->notes, "no driver bound and both masks at the 32-bit default: "
			 "the driver has not set its masks yet");
	else if (!d->driver.s && m->set && m->v != 32)
		strv_addf(&a->notes, "no driver bound, yet the masks are set (%lld bits): "
			  "left by a driver that probed and failed or was unbound", m->v);
	if (a->path == PATH_IOMMU_LAZY)
		strv_add(&a->notes, "lazy invalidation: an unmapped IOVA stays reachable by the "
			 "device until the flush queue drains");
	advise_dt_notes(sys, d, a);
}

/* 5. Driver predictions. */
static const char *param(const struct di_device *d, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < d->module_params.n; i++)
		if (strncmp(d->module_params.v[i], name, n) == 0 && d->module_params.v[i][n] == '=')
			return d->module_params.v[i] + n + 1;
	return NULL;
}

/* "vmwgfx.force_coherent=1" on the kernel command line, as a fallback source. */
static const char *cmdline_param(const struct di_system *sys, const char *mod, const char *name,
				 char *buf, size_t cap)
{
	char key[96];
	const char *raw = sys->cmdline.raw.s, *p;

	if (!raw)
		return NULL;
	snprintf(key, sizeof(key), "%s.%s=", mod, name);
	for (p = raw; (p = strstr(p, key)); p++) {
		if (p != raw && p[-1] != ' ')
			continue;
		p += strlen(key);
		snprintf(buf, cap, "%.*s", (int)strcspn(p, " \n"), p);
		return buf;
	}
	return NULL;
}

static bool truthy(const char *v)
{
	return v && (strcmp(v, "0") != 0 && strcmp(v, "N") != 0 && strcmp(v, "n") != 0);
}

/*
 * CC_ATTR_MEM_ENCRYPT, which vmwgfx and drm_need_swiotlb() test: an SME host
 * or an encrypted guest. The evidence, or NULL when there is none.
 */
static const char *mem_encrypted(const struct di_system *sys)
{
	const struct di_memenc *m = &sys->memenc;

	if (!on(&m->guest) && !m->kinds.n && !m->bounce_line)
		return NULL;
	return m->sources.n ? m->sources.v[0] : "memory encryption detected";
}

/* The kernel is at least major.minor.sub (sub 0: any): 1, 0, or -1 when unknown. */
static int kver_at_least(const struct di_kver *k, int major, int minor, int sub)
{
	if (!k->set)
		return -1;
	if (k->major != major || k->minor != minor)
		return k->major > major || (k->major == major && k->minor > minor);
	if (sub <= 0)
		return 1;
	return k->sublevel < 0 ? -1 : k->sublevel >= sub;
}

/* "Linux 6.1.192 ('Debian 6.1.192-2' (/proc/sys/kernel/version))", for reasons. */
static const char *kver_text(const struct di_kver *k, char *buf, size_t cap)
{
	if (!k->set)
		snprintf(buf, cap, "an unknown kernel version (%s)", di_strerror(k->err));
	else if (k->sublevel < 0)
		snprintf(buf, cap, "Linux %d.%d.x, point release unknown (%s)", k->major, k->minor,
			 k->source ? k->source : "?");
	else
		snprintf(buf, cap, "Linux %d.%d.%d (%s)", k->major, k->minor, k->sublevel,
			 k->source ? k->source : "?");
	return buf;
}

/*
 * Whether vmw_dma_select_mode() has the memory-encryption branch that picks
 * coherent pages ("drm/vmwgfx: Enable DMA mappings with SEV", mainline 6.9;
 * stable 6.1.88 per Debian's changelog, in Debian's 6.1.90): 1, 0, or -1 when
 * it cannot be told. Series that ended before the fix (6.0, 6.2 to 6.5, 6.7)
 * refuse DMA under encryption; for 6.6.y, 6.8.y and 5.x no backport is
 * verified here.
 */
static int vmwgfx_memenc_branch(const struct di_kver *k)
{
	if (kver_at_least(k, 6, 9, 0) != 0)
		return kver_at_least(k, 6, 9, 0);
	if (k->major == 6 && k->minor == 1)
		return kver_at_least(k, 6, 1, 88);
	if (k->major == 6 && k->minor != 6 && k->minor != 8)
		return 0;
	return -1;
}

/* The driver's own log line settles what it chose. */
static void logged_choice(const struct di_device *d, struct di_prediction *p)
{
	p->source = "kernel log";
	p->mode = d->logged_mode;
	if (!p->mode)
		p->err = -EOPNOTSUPP;
	strv_addf(&p->reasons, "%s logged its choice: '%s' (kernel log)%s", p->driver,
		  d->logged_mode_line, p->mode ? "" : ": physical page addresses, no DMA mapping "
		  "mode this tool describes");
}

/*
 * vmw_dma_select_mode(): force_coherent or memory encryption -> alloc_coherent,
 * else restrict_iommu -> map_bind, else map_populate. Kernels without the
 * encryption branch refuse DMA under encryption (-EINVAL, the probe fails).
 */
static void predict_vmwgfx(const struct di_system *sys, const struct di_device *d,
			   struct di_prediction *p)
{
	char b1[32], b2[32], kv[192];
	const char *fc = param(d, "force_coherent"), *ri = param(d, "restrict_iommu");
	const char *src = "/sys/module/vmwgfx/parameters", *enc = mem_encrypted(sys);

	p->driver = "vmwgfx";
	p->source = "prediction";
	if (d->logged_mode_line) {
		logged_choice(d, p);
		return;
	}
	if (!fc || !ri) {
		fc = fc ? fc : cmdline_param(sys, "vmwgfx", "force_coherent", b1, sizeof(b1));
		ri = ri ? ri : cmdline_param(sys, "vmwgfx", "restrict_iommu", b2, sizeof(b2));
		src = "kernel command line";
	}
	if (enc) {
		int branch = vmwgfx_memenc_branch(&sys->kver);

		kver_text(&sys->kver, kv, sizeof(kv));
		if (branch == 1) {
			p->mode = MODE_ALLOC_COHERENT;
			strv_addf(&p->reasons, "memory encryption (%s): vmwgfx of %s uses coherent TTM "
				  "pages", enc, kv);
		} else if (branch == 0) {
			p->err = -EINVAL;
			strv_addf(&p->reasons, "memory encryption (%s): vmwgfx of %s predates the fix "
				  "(mainline 6.9, stable 6.1.88) and refuses DMA (probe fails, -EINVAL)",
				  enc, kv);
		} else {
			p->err = -ENODATA;
			strv_addf(&p->reasons, "memory encryption (%s): whether vmwgfx of %s uses "
				  "coherent pages (mainline 6.9, stable 6.1.88 and later) or refuses DMA "
				  "cannot be told", enc, kv);
		}
		return;
	}
	if (!fc || !ri) {
		p->err = d->module_params_err ? d->module_params_err : -ENOENT;
		strv_addf(&p->reasons, "vmwgfx parameters force_coherent and restrict_iommu "
			  "could not be read (%s) and the kernel command line does not set them",
			  di_strerror(p->err));
		return;
	}
	if (truthy(fc)) {
		p->mode = MODE_ALLOC_COHERENT;
		strv_addf(&p->reasons, "force_coherent=%s (%s)", fc, src);
	} else if (truthy(ri)) {
		p->mode = MODE_MAP_BIND;
		strv_addf(&p->reasons, "force_coherent=%s, restrict_iommu=%s (%s)", fc, ri, src);
	} else {
		p->mode = MODE_MAP_POPULATE;
		strv_addf(&p->reasons, "force_coherent=%s, restrict_iommu=%s (%s): vmwgfx caches "
			  "DMA mappings", fc, ri, src);
	}
}

/*
 * TTM drivers that call drm_need_swiotlb(dma_bits): Xen PV, memory
 * encryption, or the top of iomem above 2^dma_bits means use_dma_alloc
 * (dma_alloc_coherent); otherwise pages are allocated and mapped at populate.
 */
static void predict_ttm(const struct di_system *sys, const struct di_device *d,
			struct di_prediction *p)
{
	const struct ival *bits = &d->dma_mask_bits;

	const char *enc = mem_encrypted(sys);

	p->driver = d->module.s;
	p->source = "prediction";
	if (enc) {
		p->mode = MODE_ALLOC_COHERENT;
		strv_addf(&p->reasons, "memory encryption (%s): drm_need_swiotlb() is true, %s "
			  "allocates with dma_alloc_coherent", enc, p->driver);
		return;
	}
	if (!d->driver.s || !bits->set) {
		p->err = -ENODATA;
		strv_addf(&p->reasons, "%s is not bound: the DMA width it passes to "
			  "drm_need_swiotlb() is the mask it sets at probe", p->driver);
		return;
	}
	if (!sys->iomem_top.set) {
		p->err = sys->iomem_top.err ? sys->iomem_top.err : -ENODATA;
		strv_addf(&p->reasons, "the top of iomem could not be read from /proc/iomem (%s%s)",
			  di_strerror(p->err), p->err == -EPERM ? ": addresses need root" : "");
		return;
	}
	if (bits->v < 64 && sys->iomem_top.v > (1ULL << bits->v)) {
		p->mode = MODE_ALLOC_COHERENT;
		strv_addf(&p->reasons, "top of iomem 0x%llx is above 2^%lld (/proc/iomem): "
			  "drm_need_swiotlb() is true, TTM uses dma_alloc_coherent",
			  (unsigned long long)sys->iomem_top.v, bits->v);
	} else {
		p->mode = MODE_MAP_POPULATE;
		strv_addf(&p->reasons, "top of iomem 0x%llx is within 2^%lld (/proc/iomem): "
			  "drm_need_swiotlb() is false, TTM maps pages at populate",
			  (unsigned long long)sys->iomem_top.v, bits->v);
	}
}

/*
 * nouveau_ttm_init() before 6.5: need_swiotlb = is_swiotlb_active(), on x86
 * only; true when a SWIOTLB pool serves the device (x86 has only the default
 * pool), then TTM uses dma_alloc_coherent.
 */
static void predict_nouveau_pool(const struct di_system *sys, const char *kv,
				 struct di_prediction *p)
{
	const struct ival *pool = &sys->swiotlb.default_pool;
	const char *src = sys->swiotlb.default_pool_source ? sys->swiotlb.default_pool_source
							    : "swiotlb";

	p->driver = "nouveau";
	p->source = "prediction";
	if (sys->x86.set && !sys->x86.v) {
		p->mode = MODE_MAP_POPULATE;
		strv_addf(&p->reasons, "nouveau of %s asks is_swiotlb_active() on x86 only: not x86, "
			  "TTM maps pages at populate", kv);
	} else if (pool->set && !pool->v) {
		p->mode = MODE_MAP_POPULATE;
		strv_addf(&p->reasons, "nouveau of %s asks is_swiotlb_active(): no SWIOTLB pool (%s), "
			  "TTM maps pages at populate", kv, src);
	} else if (pool->set && sys->x86.set) {
		p->mode = MODE_ALLOC_COHERENT;
		strv_addf(&p->reasons, "nouveau of %s asks is_swiotlb_active() on x86: a SWIOTLB pool "
			  "exists (%s), TTM uses dma_alloc_coherent", kv, src);
	} else {
		p->err = pool->set ? (sys->x86.err ? sys->x86.err : -ENODATA)
				   : (pool->err ? pool->err : -ENODATA);
		strv_addf(&p->reasons, "nouveau of %s asks is_swiotlb_active() on x86: %s could not "
			  "be told (%s)", kv, pool->set ? "whether this is an x86 kernel" :
			  "whether a SWIOTLB pool exists", di_strerror(p->err));
	}
}

/* nouveau by the kernel's version: before 6.5 the SWIOTLB pool, since drm_need_swiotlb(). */
static void predict_nouveau(const struct di_system *sys, const struct di_device *d,
			    struct di_prediction *p)
{
	char kv[192];
	int v = kver_at_least(&sys->kver, 6, 5, 0);

	kver_text(&sys->kver, kv, sizeof(kv));
	if (v == 0) {
		predict_nouveau_pool(sys, kv, p);
		return;
	}
	if (v < 0) {
		p->driver = "nouveau";
		p->source = "prediction";
		p->err = -ENODATA;
		strv_addf(&p->reasons, "nouveau decides with is_swiotlb_active() before 6.5 and with "
			  "drm_need_swiotlb() since; this is %s", kv);
		return;
	}
	strv_addf(&p->reasons, "nouveau of %s passes its MMU's DMA width to drm_need_swiotlb()", kv);
	predict_ttm(sys, d, p);
}

static char *why_differs(const struct advice *a)
{
	const struct di_prediction *p = &a->prediction;
	const char *s = NULL;

	if (p->mode == MODE_UNKNOWN || a->mode == MODE_UNKNOWN || p->mode == a->mode)
		return NULL;
	if (a->mode == MODE_NOT_APPLICABLE)
		s = "the kernel does not manage this device's DMA, whatever the driver chooses";
	else if (a->mode == MODE_ALLOC_COHERENT)
		s = "the driver keeps streaming mappings although they bounce: every map and sync "
		    "copies through SWIOTLB and can exhaust the pool";
	else if (p->mode == MODE_ALLOC_COHERENT)
		s = "the driver allocates coherent memory although nothing bounces: it gives up "
		    "cached CPU access and large allocations for no bounce to avoid";
	else if (a->mode == MODE_MAP_BIND)
		s = "the driver keeps its mappings under strict invalidation: safe, but IOVA space "
		    "and IOTLB entries stay held while buffers are idle";
	else
		s = "the driver unmaps early although invalidation is lazy or absent: it pays "
		    "map and unmap costs that keeping the mappings would save";
	return xstrdup(s);
}

static void predict(const struct di_system *sys, const struct di_device *d, struct advice *a)
{
	const char *m = d->module.s;

	/* A device vmwgfx logged its choice for is vmwgfx's, bound or not (a failed probe). */
	if (is(m, "vmwgfx") || d->logged_mode_line)
		predict_vmwgfx(sys, d, &a->prediction);
	else if (is(m, "nouveau"))
		predict_nouveau(sys, d, &a->prediction);
	else if (is(m, "amdgpu") || is(m, "radeon"))
		predict_ttm(sys, d, &a->prediction);
	else
		return;
	a->prediction.differs = why_differs(a);
}

static int advise_device(const struct di_system *sys, const struct hmap *bounce_idx,
			 const struct di_device *d, struct advice *a)
{
	int b;

	memset(a, 0, sizeof(*a));
	a->path = path_of(d, a);
	switch (a->path) {
	case PATH_OWNED:
	case PATH_BLOCKED:
		a->mode = MODE_NOT_APPLICABLE;
		break;
	case PATH_UNKNOWN:
		a->mode = MODE_UNKNOWN;
		break;
	default:
		/* 3. The mode follows from the path. */
		b = bounces(sys, d, bounce_of(bounce_idx, d), a->path, a);
		if (b > 0) {
			a->path = PATH_BOUNCE;
			a->mode = MODE_ALLOC_COHERENT;
		} else if (b < 0) {
			a->mode = MODE_UNKNOWN;
		} else if (a->path == PATH_IOMMU_STRICT) {
			a->mode = MODE_MAP_BIND;
		} else {
			a->mode = MODE_MAP_POPULATE;
		}
	}
	add_notes(sys, d, a);
	predict(sys, d, a);
	return 0;
}

int advise_system(struct di_system *sys)
{
	struct hmap bounce_idx = { 0 };

	index_bounces(sys, &bounce_idx);
	for (size_t i = 0; i < sys->n_devs; i++) {
		struct advice *a = &sys->devs[i].advice;

		strv_free(&a->reasons);
		strv_free(&a->notes);
		strv_free(&a->prediction.reasons);
		free(a->prediction.differs);
		advise_device(sys, &bounce_idx, &sys->devs[i], a);
	}
	hmap_free(&bounce_idx, NULL);
	return 0;
}

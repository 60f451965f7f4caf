// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The advisor, table-driven: each path x masks x coherency x forced bounce x
 * untrusted combination that changes the answer, with the expected path,
 * mode, and a reason and note that must be there. Then the driver
 * predictions (vmwgfx, TTM drivers) and the /proc/iomem parser.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "collect/collect.h"
#include "conclude.h"
#include "parse/parse.h"
#include "tap.h"

enum { NO = 0, YES = 1, NONE = -1 };

struct row {
	const char *what;
	const char *type;	/* group type; NULL: no IOMMU group */
	const char *removable;
	int memenc, forced;
	int can_bounce;		/* the SWIOTLB collector's verdict; NONE: no entry */
	int mask, cmask;	/* 0: no mask in sysfs */
	const char *driver;
	int dt_coherent;	/* NONE: no device tree */
	enum dma_path path;
	enum dma_mode mode;
	const char *reason;	/* substring of some reason */
	const char *note;	/* substring of some note, or NULL for "no notes" */
};

static const struct row rows[] = {
	{ "lazy IOMMU", "DMA-FQ", NULL, NO, NO, NO, 64, 64, "drv", NONE,
	  PATH_IOMMU_LAZY, MODE_MAP_POPULATE, "default domain type DMA-FQ", "lazy invalidation" },
	{ "strict IOMMU", "DMA", NULL, NO, NO, NO, 64, 64, "drv", NONE,
	  PATH_IOMMU_STRICT, MODE_MAP_BIND, "/sys/kernel/iommu_groups/3/type", NULL },
	{ "strict IOMMU ignores swiotlb=force", "DMA", NULL, NO, YES, NO, 64, 64, "drv", NONE,
	  PATH_IOMMU_STRICT, MODE_MAP_BIND, "default domain type DMA", NULL },
	{ "lazy IOMMU, 32-bit masks: the IOMMU maps within them", "DMA-FQ", NULL, NO, NO, NO, 32, 32,
	  "drv", NONE, PATH_IOMMU_LAZY, MODE_MAP_POPULATE, "DMA-FQ", "lazy invalidation" },
	{ "untrusted (removable) behind strict IOMMU", "DMA", "removable", NO, NO, YES, 64, 64, "drv",
	  NONE, PATH_BOUNCE, MODE_ALLOC_COHERENT, "(swiotlb)", NULL },
	{ "translated, the SWIOTLB conclusion says no bounce", "DMA", "removable", NO, NO, NO, 64, 64,
	  "drv", NONE, PATH_IOMMU_STRICT, MODE_MAP_BIND, "DMA", NULL },
	{ "fixed device behind strict IOMMU", "DMA", "fixed", NO, NO, NO, 64, 64, "drv", NONE,
	  PATH_IOMMU_STRICT, MODE_MAP_BIND, "DMA", NULL },
	{ "identity domain, 64-bit masks", "identity", NULL, NO, NO, NO, 64, 64, "drv", NONE,
	  PATH_DIRECT, MODE_MAP_POPULATE, "default domain type identity", NULL },
	{ "identity domain, masks below RAM", "identity", NULL, NO, NO, YES, 32, 32, "drv", NONE,
	  PATH_BOUNCE, MODE_ALLOC_COHERENT, "below the top of RAM", NULL },
	{ "no IOMMU, 64-bit masks", NULL, NULL, NO, NO, NO, 64, 64, "drv", NONE,
	  PATH_DIRECT, MODE_MAP_POPULATE, "no IOMMU group", NULL },
	{ "no IOMMU, swiotlb=force", NULL, NULL, NO, YES, YES, 64, 64, "drv", NONE,
	  PATH_BOUNCE, MODE_ALLOC_COHERENT, "forced", NULL },
	{ "no IOMMU, memory encryption", NULL, NULL, YES, NO, NO, 64, 64, "drv", NONE,
	  PATH_BOUNCE, MODE_ALLOC_COHERENT, "memory encryption", NULL },
	{ "no IOMMU, mask below RAM", NULL, NULL, NO, NO, YES, 32, 64, "drv", NONE,
	  PATH_BOUNCE, MODE_ALLOC_COHERENT, "32 bits", "masks differ" },
	{ "no IOMMU, forced bouncing unreadable", NULL, NULL, NO, NONE, NO, 64, 64, "drv", NONE,
	  PATH_DIRECT, MODE_MAP_POPULATE, "no IOMMU group", "could not be read" },
	{ "no IOMMU, cannot tell the top of RAM", NULL, NULL, NO, NO, NONE, 32, 32, "drv", NONE,
	  PATH_DIRECT, MODE_UNKNOWN, "could not be told", NULL },
	{ "unmanaged: VFIO", "unmanaged", NULL, NO, YES, NO, 64, 64, "vfio-pci", NONE,
	  PATH_OWNED, MODE_NOT_APPLICABLE, "unmanaged", "VFIO" },
	{ "blocked domain", "blocked", NULL, NO, NO, NO, 64, 64, NULL, NONE,
	  PATH_BLOCKED, MODE_NOT_APPLICABLE, "blocked", "probed and failed" },
	{ "unknown domain type", "unknown", NULL, NO, NO, NO, 64, 64, "drv", NONE,
	  PATH_UNKNOWN, MODE_UNKNOWN, "unknown", NULL },
	{ "unbound, default masks", "DMA", NULL, NO, NO, NO, 32, 32, NULL, NONE,
	  PATH_IOMMU_STRICT, MODE_MAP_BIND, "DMA", "has not set its masks" },
	{ "unbound, masks left by a failed probe", "DMA", NULL, NO, NO, NO, 64, 64, NULL, NONE,
	  PATH_IOMMU_STRICT, MODE_MAP_BIND, "DMA", "probed and failed" },
	{ "device tree, non-coherent, strict SMMU", "DMA", NULL, NO, NO, NONE, 0, 0, "drv", NO,
	  PATH_IOMMU_STRICT, MODE_MAP_BIND, "DMA", "not DMA-coherent" },
	{ "device tree, coherent, no IOMMU", NULL, NULL, NO, NO, NONE, 0, 0, "drv", YES,
	  PATH_DIRECT, MODE_MAP_POPULATE, "no IOMMU group", NULL },
	{ "device tree, non-coherent, swiotlb=force", NULL, NULL, NO, YES, NONE, 0, 0, "drv", NO,
	  PATH_BOUNCE, MODE_ALLOC_COHERENT, "forced", "dma_sync_" },
};

static struct di_system sys;
static struct di_device dev;
static struct di_bounce bnc;

static void setup(const struct row *r)
{
	free(sys.kver.source);	/* the only thing set_kver() allocates */
	memset(&sys, 0, sizeof(sys));
	memset(&dev, 0, sizeof(dev));
	memset(&bnc, 0, sizeof(bnc));
	dev.name = (char *)"0000:00:02.0";
	dev.path = (char *)"/sys/devices/pci0000:00/0000:00:02.0";
	dev.bus = (char *)"pci";
	if (r->type) {
		ival_set(&dev.iommu_group, 3);
		dev.iommu_domain.s = (char *)r->type;
	}
	dev.removable.s = (char *)r->removable;
	dev.driver.s = (char *)r->driver;
	if (r->mask)
		ival_set(&dev.dma_mask_bits, r->mask);
	if (r->cmask)
		ival_set(&dev.coherent_dma_mask_bits, r->cmask);
	if (r->dt_coherent != NONE) {
		ival_set(&dev.dt_coherent, r->dt_coherent);
		dev.dt_coherent_from.s = (char *)"/soc/bus";
	}
	ival_set(&sys.memenc.guest, r->memenc);
	if (r->forced == NONE)
		sys.swiotlb.forced.err = -EPERM;	/* the log was unreadable */
	else
		ival_set(&sys.swiotlb.forced, r->forced);
	uval_set(&sys.ram.top, 0x140000000ULL);
	bnc.device = dev.name;
	if (r->can_bounce != NONE)
		ival_set(&bnc.can_bounce, r->can_bounce);
	if (r->can_bounce != NONE || r->mask) {
		sys.swiotlb.bounce = &bnc;
		sys.swiotlb.n_bounce = 1;
	}
}

static bool has(const struct strv *v, const char *sub)
{
	for (size_t i = 0; i < v->n; i++)
		if (strstr(v->v[i], sub))
			return true;
	return false;
}

/* The kernel version as collect_driver_facts() finds it. */
static void set_kver(const char *release, const char *version)
{
	free(sys.kver.source);
	sys.osrelease.s = (char *)release;
	kernel_version_parse(release, version, "/proc/sys/kernel/version", &sys.kver);
}

static void free_advice(struct advice *a)
{
	strv_free(&a->reasons);
	strv_free(&a->notes);
	strv_free(&a->prediction.reasons);
	free(a->prediction.differs);
}

static void test_rows(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct advice a;

		setup(r);
		advise_device(&sys, &dev, &a);
		is_str(dma_path_name(a.path), dma_path_name(r->path), "%s: path", r->what);
		is_str(dma_mode_name(a.mode), dma_mode_name(r->mode), "%s: mode", r->what);
		ok(has(&a.reasons, r->reason), "%s: a reason says '%s'", r->what, r->reason);
		if (r->note)
			ok(has(&a.notes, r->note), "%s: a note says '%s'", r->what, r->note);
		else
			ok(!has(&a.notes, "probed") && !has(&a.notes, "coherent") &&
			   !has(&a.notes, "differ"), "%s: no mask or coherency note", r->what);
		ok(a.prediction.driver == NULL, "%s: no prediction for an unknown driver", r->what);
		free_advice(&a);
	}
}

enum { SME = 2 };

struct vmw_case {
	const char *what;
	const char *const *params;
	const char *cmdline;
	int memenc;		/* NO, YES (encrypted guest), SME (an SME host) */
	const char *release, *version;	/* osrelease; utsname version or NULL */
	const char *logged;	/* vmwgfx's "[drm] DMA map mode:" line, or NULL */
	int forced;
	enum dma_mode want;
	const char *reason;
	bool differs;
};

static void vmwgfx_case(const struct vmw_case *c);

static void vmwgfx(const char *what, const char *params[], const char *cmdline, int memenc,
		   const char *release, int forced, enum dma_mode want, const char *reason,
		   bool differs)
{
	struct vmw_case c = { what, params, cmdline, memenc, release, NULL, NULL, forced, want,
			      reason, differs };

	vmwgfx_case(&c);
}

static void vmwgfx_case(const struct vmw_case *c)
{
	/* Forced bouncing and encrypted guests come without an IOMMU here. */
	const char *const *params = c->params;
	struct row r = { .type = c->forced || c->memenc ? NULL : "DMA-FQ", .forced = c->forced,
			 .memenc = c->memenc == YES, .can_bounce = c->forced, .mask = 64, .cmask = 64,
			 .driver = "vmwgfx", .dt_coherent = NONE };
	const char *what = c->what;
	struct advice a;

	setup(&r);
	dev.module.s = (char *)"vmwgfx";
	for (; params && *params; params++)
		strv_add(&dev.module_params, *params);
	if (!dev.module_params.n)
		dev.module_params_err = -EACCES;
	sys.cmdline.raw.s = (char *)c->cmdline;
	if (c->memenc == SME)
		strv_add(&sys.memenc.kinds, "SME");
	set_kver(c->release, c->version);
	dev.logged_mode_line = (char *)c->logged;
	if (c->logged)
		dev.logged_mode = strstr(c->logged, "coherent") ? MODE_ALLOC_COHERENT :
				  strstr(c->logged, "Caching") ? MODE_MAP_POPULATE : MODE_MAP_BIND;
	advise_device(&sys, &dev, &a);
	is_str(a.prediction.driver, "vmwgfx", "vmwgfx %s: predicted", what);
	is_str(dma_mode_name(a.prediction.mode), dma_mode_name(c->want), "vmwgfx %s: mode", what);
	ok(has(&a.prediction.reasons, c->reason), "vmwgfx %s: reason says '%s'", what, c->reason);
	ok(!!a.prediction.differs == c->differs, "vmwgfx %s: %s the advice (%s)", what,
	   c->differs ? "differs from" : "agrees with",
	   a.prediction.differs ? a.prediction.differs : "-");
	is_str(a.prediction.source, c->logged ? "kernel log" : "prediction", "vmwgfx %s: source", what);
	free_advice(&a);
	strv_free(&dev.module_params);
	strv_free(&sys.memenc.kinds);
}

static void test_vmwgfx(void)
{
	const char *dflt[] = { "force_coherent=0", "restrict_iommu=0", NULL };
	const char *coh[] = { "force_coherent=1", "restrict_iommu=0", NULL };
	const char *res[] = { "force_coherent=0", "restrict_iommu=1", NULL };
	const char *both[] = { "force_coherent=1", "restrict_iommu=1", NULL };

	vmwgfx("defaults", dflt, NULL, NO, "6.1.0-56-amd64", NO, MODE_MAP_POPULATE,
	       "caches DMA mappings", false);
	vmwgfx("force_coherent", coh, NULL, NO, "6.1.0", NO, MODE_ALLOC_COHERENT,
	       "force_coherent=1", true);
	vmwgfx("restrict_iommu", res, NULL, NO, "6.1.0", NO, MODE_MAP_BIND, "restrict_iommu=1", true);
	vmwgfx("force_coherent wins", both, NULL, NO, "6.1.0", NO, MODE_ALLOC_COHERENT,
	       "force_coherent=1", true);
	vmwgfx("defaults under swiotlb=force", dflt, NULL, NO, "6.1.0", YES, MODE_MAP_POPULATE,
	       "caches", true);
	vmwgfx("unreadable parameters, command line", NULL, "ro vmwgfx.restrict_iommu=1 "
	       "vmwgfx.force_coherent=0 quiet", NO, "6.1.0", NO, MODE_MAP_BIND, "kernel command line",
	       true);
	vmwgfx("unreadable parameters", NULL, "ro quiet", NO, "6.1.0", NO, MODE_UNKNOWN,
	       "could not be read", false);
	vmwgfx("memory encryption, 6.12", dflt, NULL, YES, "6.12.9-amd64", NO, MODE_ALLOC_COHERENT,
	       "coherent TTM pages", false);
	vmwgfx("memory encryption, unknown release", dflt, NULL, YES, NULL, NO, MODE_UNKNOWN,
	       "unknown kernel version", false);

	/* The memory-encryption branch: mainline 6.9, stable 6.1.88 (Debian 6.1.90). */
	const struct vmw_case cases[] = {
		{ "encryption, Debian 6.1.192", dflt, NULL, YES, "6.1.0-56-amd64",
		  "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)", NULL, NO,
		  MODE_ALLOC_COHERENT, "Linux 6.1.192 ('Debian 6.1.192-2'", false },
		{ "encryption, Debian 6.1.76", dflt, NULL, YES, "6.1.0-18-amd64",
		  "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)", NULL, NO, MODE_UNKNOWN,
		  "refuses DMA", false },
		{ "encryption, stable 6.1.88", dflt, NULL, YES, "6.1.88", NULL, NULL, NO,
		  MODE_ALLOC_COHERENT, "coherent TTM pages", false },
		{ "encryption, 6.1 ABI name only", dflt, NULL, YES, "6.1.0-56-amd64", NULL, NULL, NO,
		  MODE_UNKNOWN, "cannot be told", false },
		{ "encryption, 6.5.13 (series ended before the fix)", dflt, NULL, YES, "6.5.13", NULL,
		  NULL, NO, MODE_UNKNOWN, "refuses DMA", false },
		{ "encryption, 6.6.30 (backport not verified)", dflt, NULL, YES, "6.6.30", NULL, NULL,
		  NO, MODE_UNKNOWN, "cannot be told", false },
		{ "encryption, 6.9.0", dflt, NULL, YES, "6.9.0", NULL, NULL, NO, MODE_ALLOC_COHERENT,
		  "coherent TTM pages", false },
		{ "encryption, Debian 6.12.117", dflt, NULL, YES, "6.12.117+deb13-amd64",
		  "#1 SMP PREEMPT_DYNAMIC Debian 6.12.117-1 (2026-10-01)", NULL, NO,
		  MODE_ALLOC_COHERENT, "coherent TTM pages", false },
		{ "encryption, Debian 7.2.13", dflt, NULL, YES, "7.2.13+deb14-amd64",
		  "#1 SMP PREEMPT_DYNAMIC Debian 7.2.13-1 (2026-11-01)", NULL, NO,
		  MODE_ALLOC_COHERENT, "Linux 7.2.13", false },
		{ "an SME host is encrypted too", dflt, NULL, SME, "6.12.9", NULL, NULL, NO,
		  MODE_ALLOC_COHERENT, "coherent TTM pages", true },
		{ "logged alloc_coherent", dflt, NULL, YES, "6.1.0-56-amd64", NULL,
		  "vmwgfx 0000:00:0f.0: [drm] DMA map mode: Using coherent TTM pages.", NO,
		  MODE_ALLOC_COHERENT, "logged its choice: 'vmwgfx 0000:00:0f.0: [drm] DMA map mode: "
		  "Using coherent TTM pages.' (kernel log)", false },
		{ "logged map_populate beats the parameters", coh, NULL, NO, "6.1.0-56-amd64", NULL,
		  "vmwgfx 0000:00:0f.0: [drm] DMA map mode: Caching DMA mappings.", NO,
		  MODE_MAP_POPULATE, "Caching DMA mappings.", false },
		{ "logged map_bind", dflt, NULL, NO, "7.2.13", NULL,
		  "vmwgfx 0000:00:0f.0: [drm] DMA map mode: Giving up DMA mappings early.", NO,
		  MODE_MAP_BIND, "kernel log", true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		vmwgfx_case(&cases[i]);
}

static void ttm(const char *what, const char *module, const char *driver, int bits,
		uint64_t iomem, int iomem_err, enum dma_mode want, const char *reason)
{
	struct row r = { .type = "DMA-FQ", .mask = bits, .cmask = bits, .driver = driver,
			 .dt_coherent = NONE };
	struct advice a;

	setup(&r);
	set_kver("6.12.9-amd64", NULL);
	dev.module.s = (char *)module;
	if (iomem_err)
		sys.iomem_top.err = iomem_err;
	else
		uval_set(&sys.iomem_top, iomem);
	advise_device(&sys, &dev, &a);
	is_str(a.prediction.driver, module, "%s %s: predicted", module, what);
	is_str(dma_mode_name(a.prediction.mode), dma_mode_name(want), "%s %s: mode", module, what);
	ok(has(&a.prediction.reasons, reason), "%s %s: reason says '%s'", module, what, reason);
	free_advice(&a);
}

static void test_ttm(void)
{
	ttm("iomem within 2^44", "amdgpu", "amdgpu", 44, 0xfffffffffULL, 0, MODE_MAP_POPULATE,
	    "drm_need_swiotlb() is false");
	ttm("iomem above 2^40", "radeon", "radeon", 40, 0x38000000000ULL, 0, MODE_ALLOC_COHERENT,
	    "drm_need_swiotlb() is true");
	ttm("iomem exactly 2^40", "nouveau", "nouveau", 40, 1ULL << 40, 0, MODE_MAP_POPULATE,
	    "within 2^40");
	ttm("iomem hidden", "amdgpu", "amdgpu", 44, 0, -EPERM, MODE_UNKNOWN, "need root");
	ttm("unbound", "amdgpu", NULL, 32, 0xfffffffffULL, 0, MODE_UNKNOWN, "not bound");
}

/* nouveau before 6.5: is_swiotlb_active() on x86; 6.5 and later: drm_need_swiotlb(). */
static void nouveau(const char *what, const char *release, const char *version, int x86, int pool,
		    uint64_t iomem, enum dma_mode want, const char *reason)
{
	struct row r = { .type = "DMA-FQ", .mask = 40, .cmask = 40, .driver = "nouveau",
			 .dt_coherent = NONE };
	struct advice a;

	setup(&r);
	set_kver(release, version);
	dev.module.s = (char *)"nouveau";
	if (x86 != NONE)
		ival_set(&sys.x86, x86);
	else
		sys.x86.err = -ENOENT;
	if (pool != NONE) {
		ival_set(&sys.swiotlb.default_pool, pool);
		sys.swiotlb.default_pool_source = pool ? "debugfs" : "debugfs (empty swiotlb directory)";
	} else {
		sys.swiotlb.default_pool.err = -EACCES;
	}
	uval_set(&sys.iomem_top, iomem);
	advise_device(&sys, &dev, &a);
	is_str(a.prediction.driver, "nouveau", "nouveau %s: predicted", what);
	is_str(dma_mode_name(a.prediction.mode), dma_mode_name(want), "nouveau %s: mode", what);
	ok(has(&a.prediction.reasons, reason), "nouveau %s: reason says '%s'", what, reason);
	free_advice(&a);
}

static void test_nouveau(void)
{
	const char *deb61 = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)";

	nouveau("6.1, x86, a pool", "6.1.0-56-amd64", deb61, YES, YES, 0xfffffffffULL,
		MODE_ALLOC_COHERENT, "is_swiotlb_active() on x86: a SWIOTLB pool exists (debugfs)");
	nouveau("6.1, x86, no pool", "6.1.0-56-amd64", deb61, YES, NO, 0x38000000000ULL,
		MODE_MAP_POPULATE, "no SWIOTLB pool");
	nouveau("6.1, arm64, a pool", "6.1.0-56-arm64", deb61, NO, YES, 0xfffffffffULL,
		MODE_MAP_POPULATE, "not x86");
	nouveau("6.4, architecture unknown, a pool", "6.4.16", NULL, NONE, YES, 0xfffffffffULL,
		MODE_UNKNOWN, "whether this is an x86 kernel");
	nouveau("6.4, x86, pool unreadable", "6.4.16", NULL, YES, NONE, 0xfffffffffULL,
		MODE_UNKNOWN, "whether a SWIOTLB pool exists");
	nouveau("6.5, x86, a pool, iomem within 2^40", "6.5.0", NULL, YES, YES, 0xfffffffffULL,
		MODE_MAP_POPULATE, "drm_need_swiotlb() is false");
	nouveau("7.2, iomem above 2^40", "7.2.13+deb14-amd64", NULL, YES, NO, 0x38000000000ULL,
		MODE_ALLOC_COHERENT, "drm_need_swiotlb() is true");
	nouveau("unknown version", NULL, NULL, YES, YES, 0xfffffffffULL, MODE_UNKNOWN,
		"before 6.5");
}

static void test_kver(void)
{
	struct di_kver k;

	kernel_version_parse("6.1.0-56-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)",
			     "/proc/sys/kernel/version", &k);
	ok(k.set && k.major == 6 && k.minor == 1 && k.sublevel == 192 &&
	   strcmp(k.source, "'Debian 6.1.192-2' (/proc/sys/kernel/version)") == 0,
	   "Debian 6.1: the point release from the utsname version");
	free(k.source);
	kernel_version_parse("6.1.0-56-amd64", "Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) "
			     "(gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) "
			     "2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)", "kernel log", &k);
	ok(k.sublevel == 192 && strstr(k.source, "kernel log"),
	   "the boot banner: the compiler's 'Debian 12.2.0' is not the kernel's");
	free(k.source);
	kernel_version_parse("6.1.0-56-amd64", NULL, NULL, &k);
	ok(k.set && k.sublevel == -1, "an ABI name alone: point release unknown");
	free(k.source);
	kernel_version_parse("6.12.117+deb13-amd64", NULL, NULL, &k);
	ok(k.major == 6 && k.minor == 12 && k.sublevel == 117, "Debian 13 names the point release");
	free(k.source);
	kernel_version_parse("7.2.13+deb14-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 7.2.13-1 (2026-11-01)",
			     "/proc/sys/kernel/version", &k);
	ok(k.major == 7 && k.minor == 2 && k.sublevel == 13, "Debian 7.2");
	free(k.source);
	kernel_version_parse("5.14.0-427.el9.x86_64", "#1 SMP PREEMPT_DYNAMIC Fri May 3 2024", "x", &k);
	ok(k.set && k.minor == 14 && k.sublevel == -1, "an enterprise ABI name: point release unknown");
	free(k.source);
	kernel_version_parse("6.9.0", NULL, NULL, &k);
	ok(k.sublevel == 0, "mainline 6.9.0");
	free(k.source);
	ok(kernel_version_parse(NULL, NULL, NULL, &k) < 0 && !k.set, "no release: unknown");
	ok(kernel_version_parse("garbage", NULL, NULL, &k) < 0 && !k.set, "garbage: unknown");
}

static void test_iomem(void)
{
	uint64_t top;

	is_int(iomem_top("00000000-00000fff : Reserved\n00001000-0009fbff : System RAM\n"
			 "  000a0000-000bffff : PCI Bus 0000:00\n"
			 "fd000000-fdffffff : 0000:00:01.0\n"
			 "100000000-27fffffff : System RAM\n"
			 "  380000000000-3807ffffffff : child is ignored\n", &top), 0,
	       "iomem: parses");
	is_int((long long)top, 0x27fffffffLL, "iomem: top-level maximum, children ignored");
	is_int(iomem_top("00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n", &top),
	       -EPERM, "iomem: all zeros (not root) is -EPERM");
	is_int(iomem_top("garbage\n\n-: x\n", &top), -ENODATA, "iomem: garbage is -ENODATA");
	is_int(iomem_top("", &top), -ENODATA, "iomem: empty is -ENODATA");
	is_int(iomem_top("ffff-0000 : backwards\n1000-1fff : ok", &top), 0,
	       "iomem: backwards range skipped, unterminated last line read");
	is_int((long long)top, 0x1fff, "iomem: value after a skipped line");
}

/* Device-tree rules: restricted and coherent pools, the log's coherency, kmalloc bouncing. */
static void free_system_advice(struct di_system *t)
{
	for (size_t i = 0; i < t->n_devs; i++)
		free_advice(&t->devs[i].advice);
	strv_free(&t->swiotlb.noncoherent);
	strv_free(&t->swiotlb.kmalloc_reasons);
}

static void test_dt(void)
{
	static char pool[] = "restricted-dma-pool@70000000", vram[] = "vram@78000000";
	static char *regions_r[] = { pool }, *regions_v[] = { vram };
	struct di_rmem rmem[] = {
		{ .name = pool, .compatible = (char *)"restricted-dma-pool", .start = { 0x70000000, 0, true },
		  .size = { 0x400000, 0, true }, .set_up = { 1, 0, true } },
		{ .name = vram, .compatible = (char *)"shared-dma-pool", .start = { 0x78000000, 0, true },
		  .size = { 0x800000, 0, true }, .no_map = true },
	};
	struct di_swiotlb_pool def = { .name = (char *)"default", .hiwater = { 5, 0, true } };
	struct di_device d[4] = {
		{ .name = (char *)"0000:00:01.0", .path = (char *)"/sys/devices/x/0000:00:01.0",
		  .bus = (char *)"pci", .dma_of_node = { (char *)"/pcie@10000000", 0 },
		  .restricted_pool = { pool, 0 }, .memory_regions = { regions_r, 1 },
		  .dt_coherent = { 0, 0, true }, .dt_coherent_log = { 1, 0, true } },
		{ .name = (char *)"0000:00:02.0", .path = (char *)"/sys/devices/x/0000:00:02.0",
		  .bus = (char *)"pci", .dma_of_node = { (char *)"/pcie@10000000", 0 },
		  .memory_regions = { regions_r, 1 }, .iommu_group = { 3, 0, true },
		  .iommu_domain = { (char *)"DMA", 0 }, .dt_coherent = { 1, 0, true } },
		{ .name = (char *)"a000000.virtio_mmio", .path = (char *)"/sys/devices/platform/a000000.virtio_mmio",
		  .bus = (char *)"platform", .of_node = { (char *)"/virtio_mmio@a000000", 0 },
		  .coherent_pool = { vram, 0 }, .memory_regions = { regions_v, 1 },
		  .dt_coherent = { 0, 0, true } },
		{ .name = (char *)"a000200.virtio_mmio", .path = (char *)"/sys/devices/platform/a000200.virtio_mmio",
		  .bus = (char *)"platform", .of_node = { (char *)"/virtio_mmio@a000200", 0 },
		  .memory_regions = { regions_r, 1 }, .driver = { (char *)"virtio-mmio", 0 },
		  .dt_coherent = { 1, 0, true } },
	};
	struct di_system t = { .devs = d, .n_devs = 4, .swiotlb = { .rmem = rmem, .n_rmem = 2,
		.pools = &def, .n_pools = 1, .default_pool = { 1, 0, true }, .forced = { 0, 0, true },
		.adjusted_mb = { 1, 0, true } }, .arch = { (char *)"aarch64", 0 },
		.kver = { .set = true, .major = 6, .minor = 12, .sublevel = 117 },
		.kmsg = { .from_boot = { 1, 0, true } } };

	kmalloc_conclude(&t);
	advise_system(&t);
	ok(d[0].advice.path == PATH_BOUNCE && d[0].advice.mode == MODE_ALLOC_COHERENT &&
	   has(&d[0].advice.reasons, "restricted DMA pool restricted-dma-pool@70000000 (4096 KiB at 0x70000000)"),
	   "a restricted pool: path bounce, alloc-coherent, the pool with its size in the reasons");
	ok(has(&d[0].advice.notes, "kernel log says 'device is dma coherent' but the device tree"),
	   "the log's coherency disagreeing with the device tree is noted");
	ok(has(&d[1].advice.notes, "an IOMMU translates for it"),
	   "restricted pool named, IOMMU group: the note says the kernel sets up none");
	ok(!has(&d[1].advice.notes, "not DMA-coherent"), "a coherent device gets no coherency note");
	ok(has(&d[2].advice.notes, "per-device coherent pool for it, vram@78000000") &&
	   has(&d[2].advice.notes, "without struct page"), "a no-map coherent pool: memory without struct page");
	ok(has(&d[2].advice.notes, "DMA_BUF_IOCTL_SYNC") && has(&d[2].advice.notes, "uncached") &&
	   has(&d[2].advice.notes, "dma_sync_"), "non-coherent: uncached coherent memory, dma_sync_*, DMA_BUF_IOCTL_SYNC");
	ok(has(&d[2].advice.notes, "different cache attributes"), "mixed with coherent devices: cache attributes differ");
	ok(has(&d[2].advice.notes, "kmalloc buffers mapped for it bounce"), "kmalloc bouncing noted on a non-coherent device");
	ok(has(&d[3].advice.notes, "does not say it was assigned"),
	   "log since boot without 'assigned reserved memory node': the device got no pool");
	ok(t.swiotlb.kmalloc_bounce.set && t.swiotlb.kmalloc_bounce.v && t.swiotlb.noncoherent.n == 2 &&
	   has(&t.swiotlb.kmalloc_reasons, "adjusted to 1MB") &&
	   has(&t.swiotlb.kmalloc_reasons, "io_tlb_used_hiwater 5"),
	   "arm64 6.12: kmalloc bouncing for 2 non-coherent devices explains hiwater 5");
	free_system_advice(&t);

	rmem[0].set_up = (struct ival){ 0, 0, true };
	t.swiotlb.adjusted_mb = (struct ival){ 0 };
	t.kver.minor = 1;
	kmalloc_conclude(&t);
	advise_system(&t);
	ok(has(&d[3].advice.notes, "CONFIG_DMA_RESTRICTED_POOL"), "a pool the kernel did not set up: named as such");
	ok(t.swiotlb.kmalloc_bounce.set && !t.swiotlb.kmalloc_bounce.v, "arm64 6.1: no kmalloc bouncing");
	free_system_advice(&t);

	t.arch.s = (char *)"x86_64";
	kmalloc_conclude(&t);
	advise_system(&t);
	ok(t.swiotlb.kmalloc_bounce.set && !t.swiotlb.kmalloc_bounce.v &&
	   has(&t.swiotlb.kmalloc_reasons, "x86_64"), "x86: no kmalloc bouncing, the architecture says why");
	free_system_advice(&t);
}

int main(void)
{
	test_rows();
	test_vmwgfx();
	test_ttm();
	test_nouveau();
	test_kver();
	test_iomem();
	test_dt();
	free(sys.kver.source);
	return tap_done();
}

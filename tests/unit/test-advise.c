// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The advisor, table-driven: each path x masks x coherency x forced bounce x
 * untrusted combination that changes the answer. A row is collected facts
 * only; the conclusions (system_conclude()) and the advisor run on them as in
 * 'dmainspect list', and each row checks the path, mode, a reason and note,
 * the SWIOTLB view's can_bounce, and that the advice agrees with it. Then the
 * driver predictions (vmwgfx, TTM drivers), the kernel version and
 * /proc/iomem parsers, and the device-tree rules, all on collected facts.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "collect/collect.h"
#include "collect/facts.h"
#include "conclude.h"
#include "parse/parse.h"
#include "tap.h"

enum { NO = 0, YES = 1, NONE = -1 };

/*
 * A row holds only what the collectors find; the conclusions (conclude.c)
 * and the advisor then run as 'dmainspect list' runs them, and the row says
 * what both must make of it: the advice, and the SWIOTLB view's can_bounce,
 * which must agree with it.
 */
struct row {
	const char *what;
	const char *type;	/* group type; NULL: no IOMMU group */
	const char *removable;	/* the removable attribute: "removable" below an external-facing port */
	int memenc;		/* encrypted guest memory (SEV) */
	int forced;		/* swiotlb=force on the command line; NONE: /proc/cmdline unreadable */
	int can_bounce;		/* expected: the SWIOTLB view's can_bounce; NONE: unknown or no entry */
	int mask, cmask;	/* 0: no mask in sysfs */
	const char *driver;
	int dt_coherent;	/* NONE: no device tree */
	enum dma_path path;
	enum dma_mode mode;
	const char *reason;	/* substring of some reason */
	const char *note;	/* substring of some note, or NULL for "no notes" */
	bool ram_unknown;	/* /sys/devices/system/memory unreadable: no top of RAM */
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
	{ "untrusted (removable) behind lazy IOMMU", "DMA-FQ", "removable", NO, NO, YES, 64, 64, "drv",
	  NONE, PATH_BOUNCE, MODE_ALLOC_COHERENT, "external-facing port the kernel treats it as untrusted",
	  NULL },
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
	{ "no IOMMU, memory encryption", NULL, NULL, YES, NO, YES, 64, 64, "drv", NONE,
	  PATH_BOUNCE, MODE_ALLOC_COHERENT, "memory encryption", NULL },
	{ "no IOMMU, mask below RAM", NULL, NULL, NO, NO, YES, 32, 64, "drv", NONE,
	  PATH_BOUNCE, MODE_ALLOC_COHERENT, "32 bits", "masks differ" },
	{ "no IOMMU, forced bouncing unreadable", NULL, NULL, NO, NONE, NONE, 64, 64, "drv", NONE,
	  PATH_DIRECT, MODE_UNKNOWN, "whether every DMA bounces could not be read", NULL },
	{ "no IOMMU, cannot tell the top of RAM", NULL, NULL, NO, NO, NONE, 32, 32, "drv", NONE,
	  PATH_DIRECT, MODE_UNKNOWN, "could not be told", NULL, .ram_unknown = true },
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

/* The model under test: one device, 0000:00:02.0, with what the collectors find. */
static struct di_system sys;
static struct di_device *dev;

/* A "default" pool as debugfs shows it (YES), an empty swiotlb directory (NO), or unreadable debugfs. */
static void set_default_pool(int pool)
{
	struct di_swiotlb *sw = &sys.swiotlb;

	for (size_t i = 0; i < sw->n_pools; i++)
		free(sw->pools[i].name);
	free(sw->pools);
	sw->pools = NULL;
	sw->n_pools = 0;
	memset(&sw->debugfs, 0, sizeof(sw->debugfs));
	memset(&sw->default_pool, 0, sizeof(sw->default_pool));
	if (pool == NONE) {
		sw->debugfs.err = sw->default_pool.err = -EACCES;
		sw->default_pool_source = NULL;
		return;
	}
	ival_set(&sw->debugfs, 1);
	ival_set(&sw->default_pool, pool);
	sw->default_pool_source = pool ? "debugfs" : "debugfs (empty swiotlb directory)";
	if (!pool)
		return;
	sw->pools = calloc(1, sizeof(*sw->pools));
	if (!sw->pools || !(sw->pools[0].name = strdup("default")))
		exit(99);
	sw->n_pools = 1;
	sw->pools[0].source = "debugfs";
	ival_set(&sw->pools[0].nslabs, 32768);
	ival_set(&sw->pools[0].size_bytes, 32768 << 11);
	ival_set(&sw->pools[0].used, 0);
}

/*
 * The facts of a row, filled as the collectors fill them. /proc/cmdline is
 * CMDLINE, or a plain one when NULL, with swiotlb=force added where the row
 * forces bouncing.
 */
static void build(const struct row *r, const char *cmdline)
{
	char raw[512];

	memset(&sys, 0, sizeof(sys));
	dev = sys.devs = calloc(1, sizeof(*sys.devs));
	if (!dev)
		exit(99);
	sys.n_devs = 1;
	dev->name = strdup("0000:00:02.0");
	dev->path = strdup("/sys/devices/pci0000:00/0000:00:02.0");
	dev->bus = strdup("pci");
	if (r->type) {
		sys.units = calloc(1, sizeof(*sys.units));
		sys.groups = calloc(1, sizeof(*sys.groups));
		if (!sys.units || !sys.groups || !(sys.units[0].name = strdup("dmar0")))
			exit(99);
		sys.n_units = sys.n_groups = 1;
		sys.units[0].kind = "intel-vt-d";
		strv_add(&sys.units[0].devices, dev->name);
		sys.groups[0].id = 3;
		sval_set(&sys.groups[0].type, r->type);
		sys.groups[0].type_meaning = iommu_domain_meaning(r->type);
		strv_add(&sys.groups[0].devices, dev->name);
		ival_set(&dev->iommu_group, 3);
		sval_set(&dev->iommu_domain, r->type);
		sval_set(&dev->iommu_unit, "dmar0");
	}
	ival_set(&sys.groups_dir, 1);
	sval_set(&dev->removable, r->removable);
	sval_set(&dev->driver, r->driver);
	if (r->mask)
		ival_set(&dev->dma_mask_bits, r->mask);
	if (r->cmask)
		ival_set(&dev->coherent_dma_mask_bits, r->cmask);
	if (r->dt_coherent != NONE) {
		sval_set(&dev->dma_of_node, "/soc/bus");
		ival_set(&dev->dt_coherent, r->dt_coherent);
		sval_set(&dev->dt_coherent_from, "/soc/bus");
	}

	/* The command line, the log, memory encryption, SWIOTLB, RAM, the architecture. */
	if (r->forced == NONE) {
		sys.cmdline.raw.err = -EACCES;
	} else {
		snprintf(raw, sizeof(raw), "%s%s", cmdline ? cmdline : "BOOT_IMAGE=/vmlinuz ro quiet",
			 r->forced == YES ? " swiotlb=force" : "");
		sval_set(&sys.cmdline.raw, raw);
		cmdline_parse(raw, &sys.cmdline);
	}
	ival_set(&sys.kmsg.readable, 1);
	ival_set(&sys.kmsg.from_boot, 1);
	sys.kmsg.source = "/dev/kmsg";
	if (r->memenc == YES) {
		strv_add(&sys.memenc.kinds, "SEV");
		strv_add(&sys.memenc.sources, "kernel log: 'Memory Encryption Features active: AMD SEV'");
		ival_set(&sys.memenc.guest, 1);
	} else {
		strv_add(&sys.memenc.sources, "kernel log since boot: no memory encryption line");
		ival_set(&sys.memenc.guest, 0);
	}
	set_default_pool(YES);
	if (r->ram_unknown) {
		sys.ram.top.err = sys.ram.block_size.err = -EACCES;
	} else {
		uval_set(&sys.ram.block_size, 0x8000000ULL);
		uval_set(&sys.ram.top, 0x140000000ULL);
	}
	sval_set(&sys.arch, "x86_64");
	ival_set(&sys.x86, 1);
	sys.kver.err = -ENODATA;
}

/* What 'dmainspect list' does after collecting: the conclusions, then the advice. */
static const struct advice *conclude_and_advise(void)
{
	system_conclude(&sys);
	advise_system(&sys);
	return &dev->advice;
}

/* The SWIOTLB view's entry for the device, NULL when it has none. */
static const struct di_bounce *bounce_entry(void)
{
	for (size_t i = 0; i < sys.swiotlb.n_bounce; i++)
		if (strcmp(sys.swiotlb.bounce[i].device, dev->name) == 0)
			return &sys.swiotlb.bounce[i];
	return NULL;
}

/* can_bounce as a row states it: NO, YES, or NONE when unknown or without an entry. */
static int can_bounce(const struct di_bounce *b)
{
	return b && b->can_bounce.set ? !!b->can_bounce.v : NONE;
}

/*
 * The advice and the SWIOTLB view tell the same story: where the advisor
 * asks whether the device's DMA bounces, it bounces exactly when can_bounce
 * says so, and the advice is unknown exactly when can_bounce is.
 */
static bool agrees(const struct advice *a, const struct di_bounce *b)
{
	if (a->path == PATH_OWNED || a->path == PATH_BLOCKED || a->path == PATH_UNKNOWN || !b)
		return true;
	if (!b->can_bounce.set)
		return a->mode == MODE_UNKNOWN;
	return (a->path == PATH_BOUNCE) == !!b->can_bounce.v && a->mode != MODE_UNKNOWN;
}

static const char *bounce_text(int v)
{
	return v == YES ? "true" : v == NO ? "false" : "unknown";
}

/* The same, for the agreement check: "no entry" where the view lists nothing for it. */
static const char *view_text(const struct di_bounce *b)
{
	return b ? bounce_text(can_bounce(b)) : "no entry";
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
	sval_set(&sys.osrelease, release);
	kernel_version_parse(release, version, "/proc/sys/kernel/version", &sys.kver);
}

static void test_rows(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		const struct di_bounce *b;
		const struct advice *a;

		build(r, NULL);
		a = conclude_and_advise();
		b = bounce_entry();
		is_str(dma_path_name(a->path), dma_path_name(r->path), "%s: path", r->what);
		is_str(dma_mode_name(a->mode), dma_mode_name(r->mode), "%s: mode", r->what);
		is_str(bounce_text(can_bounce(b)), bounce_text(r->can_bounce),
		       "%s: the SWIOTLB view's can_bounce", r->what);
		ok(agrees(a, b), "%s: the advice (%s, %s) agrees with can_bounce (%s)", r->what,
		   dma_path_name(a->path), dma_mode_name(a->mode), view_text(b));
		ok(has(&a->reasons, r->reason), "%s: a reason says '%s'", r->what, r->reason);
		if (r->note) {
			ok(has(&a->notes, r->note), "%s: a note says '%s'", r->what, r->note);
		} else {
			ok(!has(&a->notes, "probed") && !has(&a->notes, "coherent") &&
			   !has(&a->notes, "differ"), "%s: no mask or coherency note", r->what);
		}
		ok(a->prediction.driver == NULL, "%s: no prediction for an unknown driver", r->what);
		system_free(&sys);
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
			 .memenc = c->memenc == YES, .mask = 64, .cmask = 64, .driver = "vmwgfx",
			 .dt_coherent = NONE };
	const char *what = c->what;
	const struct advice *a;

	build(&r, c->cmdline);
	sval_set(&dev->module, "vmwgfx");
	for (; params && *params; params++)
		strv_add(&dev->module_params, *params);
	if (!dev->module_params.n)
		dev->module_params_err = -EACCES;
	if (c->memenc == SME) {
		/* The SME line, and a CPU without the hypervisor flag: a host, not a guest. */
		strv_free(&sys.memenc.sources);
		strv_add(&sys.memenc.kinds, "SME");
		strv_add(&sys.memenc.sources, "kernel log: 'Memory Encryption Features active: AMD SME'");
		strv_add(&sys.memenc.sources, "/proc/cpuinfo: no hypervisor flag, not a guest");
	}
	set_kver(c->release, c->version);
	if (c->logged) {
		dev->logged_mode_line = strdup(c->logged);
		dev->logged_mode = strstr(c->logged, "coherent") ? MODE_ALLOC_COHERENT :
				   strstr(c->logged, "Caching") ? MODE_MAP_POPULATE : MODE_MAP_BIND;
	}
	a = conclude_and_advise();
	is_str(a->prediction.driver, "vmwgfx", "vmwgfx %s: predicted", what);
	is_str(dma_mode_name(a->prediction.mode), dma_mode_name(c->want), "vmwgfx %s: mode", what);
	ok(has(&a->prediction.reasons, c->reason), "vmwgfx %s: reason says '%s'", what, c->reason);
	ok(!!a->prediction.differs == c->differs, "vmwgfx %s: %s the advice (%s)", what,
	   c->differs ? "differs from" : "agrees with",
	   a->prediction.differs ? a->prediction.differs : "-");
	is_str(a->prediction.source, c->logged ? "kernel log" : "prediction", "vmwgfx %s: source", what);
	system_free(&sys);
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
	const struct advice *a;

	build(&r, NULL);
	set_kver("6.12.9-amd64", NULL);
	sval_set(&dev->module, module);
	if (iomem_err)
		sys.iomem_top.err = iomem_err;
	else
		uval_set(&sys.iomem_top, iomem);
	a = conclude_and_advise();
	is_str(a->prediction.driver, module, "%s %s: predicted", module, what);
	is_str(dma_mode_name(a->prediction.mode), dma_mode_name(want), "%s %s: mode", module, what);
	ok(has(&a->prediction.reasons, reason), "%s %s: reason says '%s'", module, what, reason);
	system_free(&sys);
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
	const struct advice *a;

	build(&r, NULL);
	set_kver(release, version);
	sval_set(&dev->module, "nouveau");
	if (x86 != NONE) {
		ival_set(&sys.x86, x86);
		sval_set(&sys.arch, x86 ? "x86_64" : "aarch64");
	} else {
		memset(&sys.x86, 0, sizeof(sys.x86));
		sys.x86.err = -ENOENT;
		sval_set(&sys.arch, NULL);
		sys.arch.err = -ENOENT;
	}
	set_default_pool(pool);
	uval_set(&sys.iomem_top, iomem);
	a = conclude_and_advise();
	is_str(a->prediction.driver, "nouveau", "nouveau %s: predicted", what);
	is_str(dma_mode_name(a->prediction.mode), dma_mode_name(want), "nouveau %s: mode", what);
	ok(has(&a->prediction.reasons, reason), "nouveau %s: reason says '%s'", what, reason);
	system_free(&sys);
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
#define POOL "restricted-dma-pool@70000000"
#define VRAM "vram@78000000"

static struct di_device *dt_device(struct di_system *t, const char *name, const char *path,
				   const char *bus, const char *region, int coherent)
{
	struct di_device *d = &t->devs[t->n_devs++];

	d->name = strdup(name);
	d->path = strdup(path);
	d->bus = strdup(bus);
	strv_add(&d->memory_regions, region);
	ival_set(&d->dt_coherent, coherent);
	sval_set(&d->dt_coherent_from, coherent ? "/soc" : "default");
	return d;
}

/*
 * An arm64 6.12 system as the collectors find it: a restricted pool the boot
 * log says was created (SET_UP) and assigned to 0000:00:01.0 (ASSIGNED), a
 * no-map coherent pool, two non-coherent devices among four, the kernel
 * sizing the default pool for kmalloc bouncing (ADJUSTED).
 */
static void dt_build(struct di_system *t, const char *arch, int minor, bool set_up, bool assigned,
		     bool adjusted)
{
	struct di_rmem *m;
	struct di_device *d;

	memset(t, 0, sizeof(*t));
	t->devs = calloc(4, sizeof(*t->devs));
	t->swiotlb.rmem = m = calloc(2, sizeof(*m));
	t->swiotlb.pools = calloc(1, sizeof(*t->swiotlb.pools));
	t->groups = calloc(1, sizeof(*t->groups));
	if (!t->devs || !m || !t->swiotlb.pools || !t->groups)
		exit(99);
	t->swiotlb.n_rmem = 2;
	m[0].name = strdup(POOL);
	m[0].compatible = strdup("restricted-dma-pool");
	uval_set(&m[0].start, 0x70000000);
	uval_set(&m[0].size, 0x400000);
	if (set_up)
		m[0].created_line = strdup("Reserved memory: created restricted DMA pool at "
					   "0x0000000070000000, size 4 MiB");
	m[1].name = strdup(VRAM);
	m[1].compatible = strdup("shared-dma-pool");
	uval_set(&m[1].start, 0x78000000);
	uval_set(&m[1].size, 0x800000);
	m[1].no_map = true;

	d = dt_device(t, "0000:00:01.0", "/sys/devices/x/0000:00:01.0", "pci", POOL, 0);
	sval_set(&d->dma_of_node, "/pcie@10000000");
	ival_set(&d->dt_coherent_log, 1);
	if (assigned)
		strv_add(&d->rmem_assigned, POOL);
	d = dt_device(t, "0000:00:02.0", "/sys/devices/x/0000:00:02.0", "pci", POOL, 1);
	sval_set(&d->dma_of_node, "/pcie@10000000");
	ival_set(&d->iommu_group, 3);
	sval_set(&d->iommu_domain, "DMA");
	t->n_groups = 1;
	t->groups[0].id = 3;
	sval_set(&t->groups[0].type, "DMA");
	strv_add(&t->groups[0].devices, d->name);
	d = dt_device(t, "a000000.virtio_mmio", "/sys/devices/platform/a000000.virtio_mmio",
		      "platform", VRAM, 0);
	sval_set(&d->of_node, "/virtio_mmio@a000000");
	sval_set(&d->coherent_pool, VRAM);
	d = dt_device(t, "a000200.virtio_mmio", "/sys/devices/platform/a000200.virtio_mmio",
		      "platform", POOL, 1);
	sval_set(&d->of_node, "/virtio_mmio@a000200");
	sval_set(&d->driver, "virtio-mmio");

	t->swiotlb.n_pools = 1;
	t->swiotlb.pools[0].name = strdup("default");
	t->swiotlb.pools[0].source = "debugfs";
	ival_set(&t->swiotlb.pools[0].hiwater, 5);
	ival_set(&t->swiotlb.debugfs, 1);
	ival_set(&t->swiotlb.default_pool, 1);
	t->swiotlb.default_pool_source = "debugfs";
	if (adjusted)
		ival_set(&t->swiotlb.adjusted_mb, 1);
	sval_set(&t->cmdline.raw, "console=ttyAMA0 ro");
	ival_set(&t->memenc.guest, 0);
	ival_set(&t->kmsg.readable, 1);
	ival_set(&t->kmsg.from_boot, 1);
	sval_set(&t->arch, arch);
	ival_set(&t->x86, strcmp(arch, "x86_64") == 0);
	t->kver = (struct di_kver){ .set = true, .major = 6, .minor = minor, .sublevel = 117 };
}

static void test_dt(void)
{
	struct di_system t;
	struct di_device *d;

	dt_build(&t, "aarch64", 12, true, true, true);
	system_conclude(&t);
	advise_system(&t);
	d = t.devs;
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
	system_free(&t);

	/* Without CONFIG_DMA_RESTRICTED_POOL: no 'created' line, nothing assigned. */
	dt_build(&t, "aarch64", 1, false, false, false);
	system_conclude(&t);
	advise_system(&t);
	ok(has(&t.devs[3].advice.notes, "CONFIG_DMA_RESTRICTED_POOL"), "a pool the kernel did not set up: named as such");
	ok(t.swiotlb.kmalloc_bounce.set && !t.swiotlb.kmalloc_bounce.v, "arm64 6.1: no kmalloc bouncing");
	system_free(&t);

	dt_build(&t, "x86_64", 1, false, false, false);
	system_conclude(&t);
	advise_system(&t);
	ok(t.swiotlb.kmalloc_bounce.set && !t.swiotlb.kmalloc_bounce.v &&
	   has(&t.swiotlb.kmalloc_reasons, "x86_64"), "x86: no kmalloc bouncing, the architecture says why");
	system_free(&t);
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
	return tap_done();
}

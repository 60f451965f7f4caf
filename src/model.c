// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "shared/hashmap.h"
#include "shared/xalloc.h"

static const char *const path_names[] = {
	[PATH_UNKNOWN] = "unknown",
	[PATH_DIRECT] = "direct",
	[PATH_IOMMU_LAZY] = "iommu-lazy",
	[PATH_IOMMU_STRICT] = "iommu-strict",
	[PATH_BOUNCE] = "bounce",
	[PATH_OWNED] = "owned",
	[PATH_BLOCKED] = "blocked",
};

static const char *const mode_names[] = {
	[MODE_UNKNOWN] = "unknown",
	[MODE_ALLOC_COHERENT] = "alloc-coherent",
	[MODE_MAP_BIND] = "map-bind",
	[MODE_MAP_POPULATE] = "map-populate",
	[MODE_NOT_APPLICABLE] = "not-applicable",
};

const char *dma_path_name(enum dma_path p)
{
	return (unsigned)p < sizeof(path_names) / sizeof(path_names[0]) ? path_names[p] : "unknown";
}

const char *dma_mode_name(enum dma_mode m)
{
	return (unsigned)m < sizeof(mode_names) / sizeof(mode_names[0]) ? mode_names[m] : "unknown";
}

void ival_set(struct ival *v, long long x)
{
	v->v = x;
	v->set = true;
	v->err = 0;
}

void sval_set(struct sval *v, const char *s)
{
	free(v->s);
	v->s = s ? xstrdup(s) : NULL;
	v->err = 0;
}

void sval_take(struct sval *v, char *s)
{
	free(v->s);
	v->s = s;
	v->err = 0;
}

/* Device names to their index in devs; a hit is checked against devs itself. */
struct di_dev_index {
	struct hmap h;
};

struct dev_ref {
	const char *name;	/* the device's own */
	size_t i;
};

static bool dev_ref_match(const void *item, const void *key)
{
	return strcmp(((const struct dev_ref *)item)->name, key) == 0;
}

static void dev_index_build(const struct di_system *sys)
{
	struct di_dev_index *x = sys->dev_index;

	hmap_free(&x->h, free);
	for (size_t i = 0; i < sys->n_devs; i++) {
		struct dev_ref *ref = xmalloc(sizeof(*ref));

		ref->name = sys->devs[i].name;
		ref->i = i;
		hmap_add(&x->h, hmap_hash(HMAP_SEED, ref->name, strlen(ref->name)), ref);
	}
}

/* The index's answer when it still describes devs: NULL when NAME is not there, else the device. */
static bool dev_index_find(const struct di_system *sys, const char *name, size_t h,
			   struct di_device **d)
{
	const struct dev_ref *ref = hmap_get(&sys->dev_index->h, h, dev_ref_match, name);

	*d = NULL;
	if (sys->dev_index->h.n != sys->n_devs)
		return false;
	if (!ref)
		return true;	/* with one entry per device, every device is in it */
	if (ref->i >= sys->n_devs || sys->devs[ref->i].name != ref->name)
		return false;
	*d = &sys->devs[ref->i];
	return true;
}

struct di_device *system_find_device(const struct di_system *sys, const char *name)
{
	size_t h = hmap_hash(HMAP_SEED, name, strlen(name));
	struct di_device *d;

	if (!sys->n_devs)
		return NULL;
	if (!sys->dev_index)
		((struct di_system *)sys)->dev_index = xcalloc(1, sizeof(*sys->dev_index));
	if (dev_index_find(sys, name, h, &d))
		return d;
	dev_index_build(sys);
	dev_index_find(sys, name, h, &d);
	return d;
}

static int cmp_group_id(const void *key, const void *g)
{
	int id = *(const int *)key, gid = ((const struct di_group *)g)->id;

	return (id > gid) - (id < gid);
}

/*
 * Asked once per device: the groups are sorted by id once collected
 * (collect_groups), so a binary search finds them; an unsorted array still
 * answers, by the scan.
 */
struct di_group *system_find_group(const struct di_system *sys, int id)
{
	struct di_group *g = sys->n_groups ? bsearch(&id, sys->groups, sys->n_groups,
						     sizeof(*sys->groups), cmp_group_id) : NULL;

	if (g)
		return g;
	for (size_t i = 0; i < sys->n_groups; i++)
		if (sys->groups[i].id == id)
			return &sys->groups[i];
	return NULL;
}

void device_free(struct di_device *d)
{
	struct sval *svals[] = {
		&d->vendor_name, &d->device_name, &d->modalias, &d->driver, &d->module,
		&d->module_state, &d->iommu_domain, &d->iommu_unit, &d->removable,
		&d->of_node, &d->dma_of_node, &d->dt_coherent_from, &d->restricted_pool,
		&d->coherent_pool,
	};

	free(d->name);
	free(d->path);
	free(d->bus);
	for (size_t i = 0; i < sizeof(svals) / sizeof(svals[0]); i++)
		free(svals[i]->s);
	strv_free(&d->drm_nodes);
	strv_free(&d->module_params);
	strv_free(&d->memory_regions);
	strv_free(&d->rmem_assigned);
	strv_free(&d->advice.reasons);
	strv_free(&d->advice.notes);
	strv_free(&d->advice.prediction.reasons);
	free(d->advice.prediction.differs);
	free(d->logged_mode_line);
}

void uval_set(struct uval *v, uint64_t x)
{
	v->v = x;
	v->set = true;
	v->err = 0;
}

/* The system-wide facts: IOMMU units, command line, log, SWIOTLB. */
static void facts_free(struct di_system *sys)
{
	struct di_cmdline *c = &sys->cmdline;
	struct di_swiotlb *sw = &sys->swiotlb;

	for (size_t i = 0; i < sys->n_units; i++) {
		struct di_iommu_unit *u = &sys->units[i];

		free(u->name);
		free(u->parent.s);
		free(u->version.s);
		free(u->cap.s);
		free(u->ecap.s);
		free(u->features.s);
		free(u->caps_source);
		free(u->caps_error);
		strv_free(&u->devices);
	}
	free(sys->units);
	free(c->raw.s);
	free(c->mem_encrypt.s);
	strv_free(&c->words);
	strv_free(&c->iommu);
	strv_free(&c->intel_iommu);
	strv_free(&c->amd_iommu);
	for (size_t i = 0; i < sys->n_faults; i++) {
		free(sys->faults[i].device);
		free(sys->faults[i].logged_as);
		free(sys->faults[i].last_access);
		free(sys->faults[i].last_detail);
	}
	free(sys->faults);
	free(sys->iommu.default_domain.s);
	free(sys->iommu.tlb_policy.s);
	strv_free(&sys->iommu.log_lines);
	strv_free(&sys->iommu.conclusions);
	strv_free(&sys->iommu.sources);
	for (size_t i = 0; i < sw->n_pools; i++)
		free(sw->pools[i].name);
	free(sw->pools);
	for (size_t i = 0; i < sw->n_bounce; i++) {
		free(sw->bounce[i].device);
		strv_free(&sw->bounce[i].reasons);
	}
	free(sw->bounce);
	strv_free(&sw->forced_by);
	strv_free(&sw->full_devices);
	free(sw->advice);
	for (size_t i = 0; i < sw->n_rmem; i++) {
		struct di_rmem *m = &sw->rmem[i];

		free(m->name);
		free(m->compatible);
		free(m->status.s);
		strv_free(&m->devices);
		free(m->created_line);
		free(m->initialized_line);
	}
	free(sw->rmem);
	strv_free(&sw->kmalloc_reasons);
	strv_free(&sw->noncoherent);
	strv_free(&sys->memenc.kinds);
	strv_free(&sys->memenc.sources);
	free(sys->memenc.bounce_line);
	free(sys->kmsg.banner);
	free(sys->kver.source);
	strv_free(&sys->unreadable);
}

void system_free(struct di_system *sys)
{
	for (size_t i = 0; i < sys->n_devs; i++)
		device_free(&sys->devs[i]);
	free(sys->devs);
	if (sys->dev_index)
		hmap_free(&sys->dev_index->h, free);
	free(sys->dev_index);
	sys->dev_index = NULL;
	for (size_t i = 0; i < sys->n_groups; i++) {
		free(sys->groups[i].type.s);
		strv_free(&sys->groups[i].devices);
		for (size_t j = 0; j < sys->groups[i].n_resv; j++)
			free(sys->groups[i].resv[j].type);
		free(sys->groups[i].resv);
	}
	free(sys->groups);
	free(sys->osrelease.s);
	free(sys->arch.s);
	facts_free(sys);
	sys->devs = NULL;
	sys->groups = NULL;
	sys->n_devs = sys->cap_devs = sys->n_groups = 0;
}

struct di_rmem *system_find_rmem(const struct di_system *sys, const char *name)
{
	for (size_t i = 0; i < sys->swiotlb.n_rmem; i++)
		if (strcmp(sys->swiotlb.rmem[i].name, name) == 0)
			return &sys->swiotlb.rmem[i];
	return NULL;
}

static bool available(const struct di_rmem *m)
{
	const char *s = m->status.s;

	return !s || strcmp(s, "okay") == 0 || strcmp(s, "ok") == 0;
}

/* The first available restricted-dma-pool among the device's memory regions. */
const struct di_rmem *device_restricted_region(const struct di_system *sys, const struct di_device *d)
{
	for (size_t i = 0; i < d->memory_regions.n; i++) {
		const struct di_rmem *m = system_find_rmem(sys, d->memory_regions.v[i]);

		if (m && strcmp(m->compatible, "restricted-dma-pool") == 0 && available(m))
			return m;
	}
	return NULL;
}

void note_unreadable(struct di_system *sys, const char *what, int err, const char *hint)
{
	if (hint)
		strv_addf(&sys->unreadable, "%s: %s (%s)", what, di_strerror(err), hint);
	else
		strv_addf(&sys->unreadable, "%s: %s", what, di_strerror(err));
}

const char *iommu_domain_meaning(const char *type)
{
	static const struct {
		const char *raw, *meaning;
	} m[] = {
		{ "DMA", "translated, strict invalidation" },
		{ "DMA-FQ", "translated, lazy invalidation with a flush queue" },
		{ "identity", "no translation (passthrough)" },
		{ "blocked", "no DMA allowed" },
		{ "unmanaged", "owned by user space or its driver (VFIO, iommufd)" },
		{ "unknown", "unknown to the kernel" },
	};

	if (!type)
		return NULL;
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strcmp(type, m[i].raw) == 0)
			return m[i].meaning;
	return NULL;
}

const char *iommu_kind_name(const char *kind)
{
	static const char *const names[][2] = {
		{ "intel-vt-d", "Intel VT-d" }, { "amd-vi", "AMD-Vi" },
		{ "arm-smmu-v3", "ARM SMMUv3" }, { "arm-smmu-v2", "ARM SMMU v1/v2" },
	};

	for (size_t i = 0; kind && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(kind, names[i][0]) == 0)
			return names[i][1];
	return "other";
}

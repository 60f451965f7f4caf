/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The in-memory model: collectors fill it, the advisor reads it, renderers
 * print it. Plain data, no I/O.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rootfs.h"

/*
 * A value that may be unknown. err == 0 && !set: does not apply (JSON null,
 * no error); err != 0: could not be read (JSON null plus "*_error").
 */
struct ival {
	long long v;
	int err;
	bool set;
};

struct sval {
	char *s;
	int err;
};

struct strv {
	char **v;
	size_t n;
};

enum dma_path {
	PATH_UNKNOWN = 0,
	PATH_DIRECT,
	PATH_IOMMU_LAZY,
	PATH_IOMMU_STRICT,
	PATH_BOUNCE,
	PATH_OWNED,
	PATH_BLOCKED,
};

enum dma_mode {
	MODE_UNKNOWN = 0,
	MODE_ALLOC_COHERENT,
	MODE_MAP_BIND,
	MODE_MAP_POPULATE,
	MODE_NOT_APPLICABLE,
};

struct advice {
	enum dma_path path;
	enum dma_mode mode;
	struct strv reasons;	/* each fact used, with its source */
	struct strv notes;
};

struct di_device {
	char *name;		/* sysfs name: "0000:00:02.0" */
	char *path;		/* canonical: "/sys/devices/pci0000:00/0000:00:02.0" */
	char *bus;		/* subsystem: "pci", "platform", ... */
	struct ival vendor_id, device_id, subsystem_vendor_id, subsystem_device_id;
	struct ival class_id, revision;
	struct sval vendor_name, device_name;
	struct sval modalias;
	struct sval driver, module, module_state;
	struct ival iommu_group;
	struct sval iommu_domain;	/* raw group type: "DMA-FQ" */
	struct sval iommu_unit;
	struct ival dma_mask_bits, coherent_dma_mask_bits;
	struct ival numa_node;
	struct sval removable;
	struct sval of_node;		/* device-tree node path, when any */
	struct ival dt_coherent;	/* bool */
	struct sval dt_coherent_from;	/* node carrying the property, or "default" */
	struct strv drm_nodes;
	struct advice advice;
};

struct di_group {
	int id;
	struct sval type;
	struct strv devices;
};

struct di_system {
	const struct rootfs *root;
	struct di_device *devs;
	size_t n_devs;
	struct di_group *groups;
	size_t n_groups;
	struct ival groups_dir;		/* err: why /sys/kernel/iommu_groups was unreadable */
};

const char *dma_path_name(enum dma_path p);
const char *dma_mode_name(enum dma_mode m);

/* Helpers for the value types. */
void ival_set(struct ival *v, long long x);
void sval_set(struct sval *v, const char *s);
void sval_take(struct sval *v, char *s);
int strv_add(struct strv *sv, const char *s);
int strv_addf(struct strv *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strv_free(struct strv *sv);
bool strv_contains(const struct strv *sv, const char *s);

struct di_device *system_find_device(const struct di_system *sys, const char *name);
struct di_group *system_find_group(const struct di_system *sys, int id);
void system_free(struct di_system *sys);

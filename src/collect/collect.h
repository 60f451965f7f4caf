/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "model.h"
#include "shared/hashmap.h"

struct udev;
struct udev_hwdb;
struct kmod_ctx;
struct json_object;

/*
 * What libudev and libkmod answered, kept in a snapshot (through the
 * reader's keep hook) and replayed from it: root-relative.
 */
#define NAMES_PATH "dmainspect/names.json"

/* Name sources: libudev's hwdb and libkmod's module index. */
struct di_names {
	struct udev *udev;
	struct udev_hwdb *hwdb;
	int hwdb_err;
	struct kmod_ctx *kmod;
	int kmod_err;
	char modules_dir[512];	/* "lib/modules/<release>", root-relative */
	char *builtin;		/* modules.builtin, '-' folded to '_' */
	bool builtin_loaded;
	/*
	 * What the hwdb and libkmod answered: noted while report records (and
	 * saved as the snapshot's dmainspect/names.json), or read from that
	 * file when a recorded snapshot is inspected (replay).
	 */
	const struct rootfs *root;
	struct json_object *answers;
	bool replay;
	/* Facts shared by many devices (a module's state, a driver's module), per run. */
	struct hmap memo;
};

int names_init(struct di_names *n, const struct rootfs *root);
void names_fini(struct di_names *n);
/* Vendor and model names from the hwdb for a modalias. */
void names_hwdb(struct di_names *n, const char *modalias, struct sval *vendor, struct sval *model);
/* Modules whose alias matches a modalias (first match). */
int names_module_for_alias(struct di_names *n, const char *modalias, char **module);
/* A fact remembered under key in this run, or NULL. */
const struct sval *names_memo_get(const struct di_names *n, const char *key);
/* Remember v (copied) under key, not yet remembered. */
void names_memo_put(struct di_names *n, const char *key, const struct sval *v);
/* Whether the module index says the module is built into the kernel. */
bool names_module_builtin(struct di_names *n, const struct rootfs *root, const char *module);


/* Fill the model from the reader: devices, groups, system-wide facts. */
int system_collect(const struct rootfs *root, struct di_system *sys);
/*
 * Only the SWIOTLB pools that debugfs shows, with their use now, into a
 * fresh SYS (trace's "after"; system_free() it).
 */
void collect_swiotlb_use(const struct rootfs *root, struct di_system *sys);

/* The architecture (sys->arch, sys->x86): read first, device coherency depends on it. */
void collect_arch(struct di_system *sys);
/* Module parameters of drivers with a known procedure, iomem top, kernel version. */
void collect_driver_facts(struct di_system *sys);

void collect_groups(struct di_system *sys);
/* The IOMMU units by name, each with its devices/ listed (the rest: collect_iommu_units()). */
void collect_units(struct di_system *sys);
/*
 * The devices of the buses, of the groups and units collect_groups() and
 * collect_units() read first, of DRM and DT.
 */
int collect_devices(struct di_system *sys, struct di_names *names);
/* Whether the device-tree node NODE (root-relative) has the property PROP. */
bool dt_has(const struct rootfs *r, const char *node, const char *prop);
/* Add the device PATH (root-relative, may be a link) leads to, unless listed. */
void collect_device_at(struct di_system *sys, struct di_names *names, const char *path);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "model.h"

struct udev;
struct udev_hwdb;
struct kmod_ctx;

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
};

int names_init(struct di_names *n, const struct rootfs *root);
void names_fini(struct di_names *n);
/* Vendor and model names from the hwdb for a modalias. */
void names_hwdb(struct di_names *n, const char *modalias, struct sval *vendor, struct sval *model);
/* Modules whose alias matches a modalias (first match). */
int names_module_for_alias(struct di_names *n, const char *modalias, char **module);
/* Whether the module index says the module is built into the kernel. */
bool names_module_builtin(struct di_names *n, const struct rootfs *root, const char *module);

/* Decimal id made only of digits, or -1. */
int parse_id(const char *s);

int collect_groups(struct di_system *sys);
int collect_devices(struct di_system *sys, struct di_names *names);

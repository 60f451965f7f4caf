// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * IOMMU units (/sys/class/iommu/<unit>) with their capability registers
 * decoded (parse/iommu.c), and each group's reserved regions.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "facts.h"
#include "parse/parse.h"

static void read_attr(const struct rootfs *r, int dfd, const char *path, struct sval *v)
{
	char buf[256];
	ssize_t n = rfs_read_line(r, dfd, path, buf, sizeof(buf));

	if (n >= 0)
		sval_set(v, buf);
	else
		v->err = (int)n;
}

static void intel_unit(struct di_system *sys, int dfd, struct di_iommu_unit *u)
{
	uint64_t cap, ecap;

	u->kind = "intel-vt-d";
	read_attr(sys->root, dfd, "intel-iommu/version", &u->version);
	read_attr(sys->root, dfd, "intel-iommu/cap", &u->cap);
	read_attr(sys->root, dfd, "intel-iommu/ecap", &u->ecap);
	if (!u->cap.s || !u->ecap.s) {
		u->caps_error = xstrdup("intel-iommu/cap or ecap is unreadable");
		return;
	}
	if (!parse_u64_hex(u->cap.s, &cap) || !parse_u64_hex(u->ecap.s, &ecap)) {
		u->caps_error = xstrdup("intel-iommu/cap or ecap is not a hexadecimal number");
		return;
	}
	iommu_decode_intel(cap, ecap, &u->caps);
	u->caps_source = xstrdup("intel-iommu/cap and intel-iommu/ecap");
}

static void amd_unit(struct di_system *sys, int dfd, struct di_iommu_unit *u,
		     const struct efr_seen *log, size_t n_log)
{
	struct uval cap = { 0 };
	uint64_t v;

	u->kind = "amd-vi";
	read_attr(sys->root, dfd, "amd-iommu/cap", &u->cap);
	read_attr(sys->root, dfd, "amd-iommu/features", &u->features);
	if (u->cap.s && parse_u64_hex(u->cap.s, &v) && v <= 0xffffffff)
		uval_set(&cap, v);
	if (u->features.s)
		amd_features_split(u->features.s, log, n_log, u);
	else
		u->caps_error = xstrdup("amd-iommu/features is unreadable");
	iommu_decode_amd(&cap, &u->efr, &u->caps);
}

/*
 * A unit with a parent lives in <parent>/iommu/<unit> (its class directory);
 * Intel's units are virtual: /sys/devices/virtual/iommu/dmarN.
 */
static void unit_parent(struct di_system *sys, const char *path, struct di_iommu_unit *u)
{
	char canon[PATH_MAX], *slash;
	int err = rfs_realpath(sys->root, path, canon, sizeof(canon));

	if (err < 0) {
		u->parent.err = err;
		return;
	}
	slash = strrchr(canon, '/');
	*slash = '\0';
	slash = strrchr(canon, '/');
	if (!slash || strcmp(slash, "/iommu") != 0 || strcmp(canon, "/sys/devices/virtual/iommu") == 0)
		return;
	*slash = '\0';
	slash = strrchr(canon, '/');
	sval_set(&u->parent, slash + 1);
}

/* An SMMU: its kind from the name, its capabilities from its probe lines in the log. */
static void smmu_unit(const struct di_system *sys, const char *name, struct di_iommu_unit *u,
		      const struct unit_log *log)
{
	const struct ival *logged = &sys->kmsg.readable;
	bool v3 = strncmp(name, "smmu3.", 6) == 0;

	/* drivers/iommu/arm/arm-smmu-v3: "smmu3.%pa"; arm-smmu (v1/v2): "smmu.%pa". */
	if (v3) {
		u->kind = "arm-smmu-v3";
	} else if (strncmp(name, "smmu.", 5) == 0) {
		u->kind = "arm-smmu-v2";
	} else {
		u->caps_error = xstrdup("the kernel exports no capability registers for this unit");
		return;
	}
	for (size_t i = 0; u->parent.s && i < log->n_smmu; i++) {
		const struct smmu_seen *s = &log->smmu[i];

		if (strcmp(s->dev, u->parent.s) != 0 || s->v3 != v3 || (!v3 && !s->version))
			continue;
		iommu_decode_smmu(s, &u->caps);
		if (v3) {
			u->features.s = xasprintf("0x%08x", s->features);
			u->caps_source = xasprintf("kernel log: '%s' (ARM_SMMU_FEAT_* of Linux 6.12)",
						   s->line);
		} else {
			u->caps_source = xasprintf("kernel log: arm-smmu %s's probe report "
						   "('SMMUv%d with:' and the lines after it)",
						   s->dev, s->version);
		}
		return;
	}
	if (!logged->set)
		u->caps_error = xasprintf("the kernel exports no capability registers for this "
					  "unit, and the kernel log, where its probe reported "
					  "them, could not be read (%s)", di_strerror(logged->err));
	else
		u->caps_error = xstrdup(v3 ? "the kernel exports no capability registers for this "
					"unit, and the log has no '... oas ... (features ...)' line "
					"for it" :
					"the kernel exports no capability registers for this unit, "
					"and the log has no 'SMMUv2 with:' report for it");
}

static void collect_unit(struct di_system *sys, struct di_iommu_unit *u, const struct unit_log *log)
{
	char path[PATH_MAX];
	int dfd, fd;

	snprintf(path, sizeof(path), "sys/class/iommu/%s", u->name);
	dfd = rfs_open(sys->root, RFS_ROOT, path, O_PATH | O_DIRECTORY);
	if (dfd < 0) {
		u->parent.err = dfd;
		return;
	}
	unit_parent(sys, path, u);

	if ((fd = rfs_open(sys->root, dfd, "intel-iommu", O_PATH | O_DIRECTORY)) >= 0) {
		close(fd);
		intel_unit(sys, dfd, u);
	} else if ((fd = rfs_open(sys->root, dfd, "amd-iommu", O_PATH | O_DIRECTORY)) >= 0) {
		close(fd);
		amd_unit(sys, dfd, u, log->efr, log->n_efr);
	} else {
		smmu_unit(sys, u->name, u, log);
	}
	close(dfd);
}

void collect_units(struct di_system *sys)
{
	struct strv names = { 0 };
	char path[PATH_MAX];
	int err = rfs_names(sys->root, RFS_ROOT, "sys/class/iommu", &names);

	/* No class directory: a kernel without IOMMU support. */
	if (err < 0 && err != -ENOENT)
		sys->units_err = err;
	if (names.n)
		sys->units = xcalloc(names.n, sizeof(*sys->units));
	for (size_t i = 0; i < names.n; i++) {
		struct di_iommu_unit *u = &sys->units[sys->n_units++];

		u->name = names.v[i];
		u->kind = "other";
		if ((size_t)snprintf(path, sizeof(path), "sys/class/iommu/%s/devices", u->name) <
		    sizeof(path))
			err = rfs_names(sys->root, RFS_ROOT, path, &u->devices);
		else
			err = -ENAMETOOLONG;
		if (err < 0 && err != -ENOENT)
			u->devices_err = err;
	}
	free(names.v);
}

void collect_iommu_units(struct di_system *sys, const struct unit_log *log)
{
	if (sys->units_err)
		note_unreadable(sys, "/sys/class/iommu", sys->units_err, NULL);
	for (size_t i = 0; i < sys->n_units; i++)
		collect_unit(sys, &sys->units[i], log);
}

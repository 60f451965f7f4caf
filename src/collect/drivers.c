// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Facts the drivers' own DMA decisions depend on: their module parameters,
 * the top of the iomem resource tree (drm_need_swiotlb), the kernel release.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"

/* Drivers whose mapping decision dmainspect predicts, and the parameters it uses. */
static const struct {
	const char *module;
	const char *params[3];
} known[] = {
	{ "vmwgfx", { "force_coherent", "restrict_iommu", NULL } },
	{ "amdgpu", { NULL } },
	{ "radeon", { NULL } },
	{ "nouveau", { NULL } },
};

int iomem_top(const char *text, uint64_t *top)
{
	bool any = false;

	*top = 0;
	for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		unsigned long long start, end;
		char sep;

		/* Top-level resources start in column 0; children are indented. */
		if (*line == ' ' || *line == '\n')
			continue;
		if (sscanf(line, "%llx-%llx %c", &start, &end, &sep) != 3 || sep != ':' || end < start)
			continue;
		any = true;
		if (end > *top)
			*top = end;
	}
	if (!any)
		return -ENODATA;
	/* Without CAP_SYS_ADMIN the kernel prints every address as zero. */
	return *top ? 0 : -EPERM;
}

static void read_params(struct di_system *sys, struct di_device *d, const char *const *params)
{
	char path[512], buf[64];

	for (; *params; params++) {
		ssize_t n;

		snprintf(path, sizeof(path), "sys/module/%s/parameters/%s", d->module.s, *params);
		n = rfs_read_line(sys->root, RFS_ROOT, path, buf, sizeof(buf));
		if (n < 0) {
			d->module_params_err = (int)n;
			continue;
		}
		strv_addf(&d->module_params, "%s=%s", *params, buf);
	}
}

int collect_driver_facts(struct di_system *sys)
{
	char *text;
	ssize_t n;

	n = rfs_read_alloc(sys->root, RFS_ROOT, "proc/sys/kernel/osrelease", 256, &text);
	if (n >= 0) {
		text[strcspn(text, "\n")] = '\0';
		sval_take(&sys->osrelease, text);
	} else {
		sys->osrelease.err = (int)n;
	}

	n = rfs_read_alloc(sys->root, RFS_ROOT, "proc/iomem", 1 << 20, &text);
	if (n >= 0) {
		uint64_t top;
		int err = iomem_top(text, &top);

		if (err)
			sys->iomem_top.err = err;
		else
			uval_set(&sys->iomem_top, top);
		free(text);
	} else {
		sys->iomem_top.err = (int)n;
	}

	for (size_t i = 0; i < sys->n_devs; i++) {
		struct di_device *d = &sys->devs[i];

		if (!d->module.s)
			continue;
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strcmp(d->module.s, known[k].module) == 0)
				read_params(sys, d, known[k].params);
	}
	return 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Facts the drivers' own DMA decisions depend on: their module parameters,
 * the top of the iomem resource tree (drm_need_swiotlb), the kernel's
 * version and whether it is an x86 kernel.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "parse/parse.h"

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

/*
 * The architecture: kernel.arch (uname -m), else told from /proc/cpuinfo's
 * layout (x86: vendor_id and flags; arm64: "CPU architecture: 8").
 */
void collect_arch(struct di_system *sys)
{
	char buf[64], *info = NULL;
	const char *arch = NULL;
	ssize_t n = rfs_read_line(sys->root, RFS_ROOT, "proc/sys/kernel/arch", buf, sizeof(buf));

	if (n <= 0) {
		n = rfs_read_alloc(sys->root, RFS_ROOT, "proc/cpuinfo", 16u << 20, &info);
		if (n < 0) {
			sys->arch.err = sys->x86.err = (int)n;
			return;
		}
		if (strstr(info, "\nvendor_id\t: ") && strstr(info, "\nflags\t\t: "))
			arch = "x86_64";
		else if (strstr(info, "\nCPU architecture: 8\n"))
			arch = "aarch64";
		free(info);
		if (!arch) {
			sys->arch.err = -ENODATA;
			ival_set(&sys->x86, 0);
			return;
		}
	} else {
		arch = buf;
	}
	sval_set(&sys->arch, arch);
	ival_set(&sys->x86, strcmp(arch, "x86_64") == 0 || (arch[0] == 'i' && strcmp(arch + 2, "86") == 0));
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

void collect_driver_facts(struct di_system *sys)
{
	char *text;
	ssize_t n;
	int err;

	n = rfs_read_alloc(sys->root, RFS_ROOT, "proc/sys/kernel/osrelease", 256, &text);
	if (n >= 0) {
		text[strcspn(text, "\n")] = '\0';
		sval_take(&sys->osrelease, text);
	} else {
		sys->osrelease.err = (int)n;
	}
	/* The upstream version: the utsname version, else the boot banner of the log. */
	n = rfs_read_alloc(sys->root, RFS_ROOT, "proc/sys/kernel/version", 512, &text);
	if (n >= 0) {
		text[strcspn(text, "\n")] = '\0';
		kernel_version_parse(sys->osrelease.s, text, "/proc/sys/kernel/version", &sys->kver);
		free(text);
	} else {
		kernel_version_parse(sys->osrelease.s, sys->kmsg.banner, "kernel log", &sys->kver);
	}
	if (!sys->kver.set)
		sys->kver.err = sys->osrelease.err ? sys->osrelease.err : -ENODATA;

	n = rfs_read_alloc(sys->root, RFS_ROOT, "proc/iomem", 1 << 20, &text);
	if (n >= 0) {
		uint64_t top;

		err = iomem_top(text, &top);
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
}

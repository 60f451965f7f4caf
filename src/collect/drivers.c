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

/* Digits at *p: the number, advancing *p; -1 when none. */
static int number(const char **p)
{
	int v = 0, n = 0;

	for (; **p >= '0' && **p <= '9' && n < 6; (*p)++, n++)
		v = v * 10 + (**p - '0');
	return n ? v : -1;
}

/*
 * Debian prints its upstream version in the utsname version:
 * "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)". Only the part from
 * the last '#' counts (the banner's compiler part says "Debian 12.2.0-14").
 */
static bool debian_sublevel(const char *version, int major, int minor, int *sub,
			    const char **word, size_t *len)
{
	const char *p = strrchr(version, '#');

	for (; p && (p = strstr(p, " Debian ")); p++) {
		const char *q = p + 8;

		if (number(&q) != major || *q++ != '.' || number(&q) != minor || *q++ != '.' ||
		    (*sub = number(&q)) < 0)
			continue;
		*word = p + 1;
		*len = 7 + strcspn(p + 8, " ");	/* "Debian 6.1.192-2" */
		return true;
	}
	return false;
}

int kernel_version_parse(const char *release, const char *version, const char *version_src,
			 struct di_kver *kv)
{
	const char *p = release, *word;
	size_t len;
	int sub = -1;

	memset(kv, 0, sizeof(*kv));
	if (!release || (kv->major = number(&p)) < 0 || *p++ != '.' || (kv->minor = number(&p)) < 0)
		return kv->err = -ENODATA;
	if (*p == '.') {
		p++;
		sub = number(&p);
		/* "6.1.0-56-amd64", "5.14.0-427.el9": an ABI name, not the stable release. */
		if (sub == 0 && p[0] == '-' && p[1] >= '0' && p[1] <= '9')
			sub = -1;
	}
	kv->set = true;
	kv->sublevel = sub;
	if (version && debian_sublevel(version, kv->major, kv->minor, &kv->sublevel, &word, &len))
		kv->source = xasprintf("'%.*s' (%s)", (int)len, word, version_src);
	else
		kv->source = xasprintf("'%s' (/proc/sys/kernel/osrelease)", release);
	return 0;
}

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

int collect_driver_facts(struct di_system *sys)
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
		err = kernel_version_parse(sys->osrelease.s, text, "/proc/sys/kernel/version",
					   &sys->kver);
		free(text);
	} else {
		err = kernel_version_parse(sys->osrelease.s, sys->kmsg.banner, "kernel log",
					   &sys->kver);
	}
	if (err == -ENOMEM)
		return err;
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
	return 0;
}

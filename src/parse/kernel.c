// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel's own text about itself: the top of /proc/iomem
 * (drm_need_swiotlb) and its version, from the release and the utsname
 * version or boot banner. Pure: collect/drivers.c reads the files.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

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

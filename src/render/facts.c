// SPDX-License-Identifier: LGPL-2.1-or-later
/* System-wide facts shared by the iommu and swiotlb views: log, command line, gaps. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "render.h"

void json_add_uval(struct json_object *o, const char *key, const struct uval *v)
{
	json_object_object_add(o, key, v->set ? json_object_new_uint64(v->v) : NULL);
	if (!v->set && v->err)
		json_add_error(o, key, v->err);
}

/* Seconds since boot with microseconds, as the log shows them; null without. */
struct json_object *json_usec(long long usec)
{
	char buf[32];

	if (usec < 0)
		return NULL;
	snprintf(buf, sizeof(buf), "%lld.%06lld", usec / 1000000, usec % 1000000);
	return json_object_new_double_s((double)usec / 1e6, buf);
}

static struct json_object *cmdline_json(const struct di_cmdline *c)
{
	struct json_object *o = json_object_new_object();

	json_add_sval(o, "raw", &c->raw);
	json_add_strv(o, "words", &c->words);
	json_add_ival(o, "iommu_passthrough", &c->iommu_passthrough, true);
	json_add_ival(o, "iommu_strict", &c->iommu_strict, true);
	json_add_strv(o, "iommu", &c->iommu);
	json_add_strv(o, "intel_iommu", &c->intel_iommu);
	json_add_strv(o, "amd_iommu", &c->amd_iommu);
	json_add_ival(o, "swiotlb_nslabs", &c->swiotlb_nslabs, false);
	json_add_ival(o, "swiotlb_nareas", &c->swiotlb_nareas, false);
	json_add_ival(o, "swiotlb_force", &c->swiotlb_force, true);
	json_add_sval(o, "mem_encrypt", &c->mem_encrypt);
	return o;
}

void facts_to_json(const struct di_system *sys, struct json_object *top)
{
	struct json_object *log = json_object_new_object();

	json_add_str(log, "source", sys->kmsg.source);
	json_add_ival(log, "readable", &sys->kmsg.readable, true);
	json_add_ival(log, "from_boot", &sys->kmsg.from_boot, true);
	json_object_object_add(log, "lines", json_object_new_int64(sys->kmsg.lines));
	json_object_object_add(top, "kernel_log", log);
	json_object_object_add(top, "cmdline", cmdline_json(&sys->cmdline));
	json_add_strv(top, "unreadable", &sys->unreadable);
}

void facts_print_unreadable(const struct di_system *sys, const struct render_opts *ro)
{
	if (!sys->unreadable.n)
		return;
	print_heading(ro, "Not readable", false);
	for (size_t i = 0; i < sys->unreadable.n; i++)
		printf("  %s\n", sys->unreadable.v[i]);
}

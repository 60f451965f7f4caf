// SPDX-License-Identifier: LGPL-2.1-or-later
/* dmainspect iommu: units, groups, policy and faults, as text or JSON. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

#define F(k, h, t, m, help) { k, h, t, offsetof(struct di_iommu_caps, m), false, help }

const struct field iommu_cap_fields[] = {
	F("max_address_bits", "ADDR", FT_INT, max_address_bits, "widest DMA address the unit translates (Intel MGAW, AMD HATS, SMMUv3 IAS)"),
	F("output_address_bits", "OADDR", FT_INT, output_address_bits, "widest physical address it outputs (SMMUv3 OAS)"),
	F("guest_address_bits", "GADDR", FT_INT, guest_address_bits, "guest (v2) page table address width (AMD GATS)"),
	F("pass_through", "PT", FT_BOOL, pass_through, "identity domains in hardware (Intel ecap PT)"),
	F("scalable_mode", "SM", FT_BOOL, scalable_mode, "scalable mode (Intel ecap SMTS)"),
	F("nested", "NEST", FT_BOOL, nested, "nested translation (Intel ecap NEST, AMD GT, SMMUv3 NESTING)"),
	F("first_level", "FL", FT_BOOL, first_level, "first-level translation (Intel ecap FLTS, SMMUv3 stage 1)"),
	F("second_level", "SL", FT_BOOL, second_level, "second-level translation (Intel ecap SLTS, SMMUv3 stage 2)"),
	F("page_request", "PRQ", FT_BOOL, page_request, "page requests (Intel ecap PRS, AMD PPR, SMMUv3 PRI)"),
	F("pasid", "PASID", FT_BOOL, pasid, "PASID support (SMMUv3: SVA)"),
	F("pasid_bits", "PASIDW", FT_INT, pasid_bits, "PASID width in bits"),
	F("device_iotlb", "ATS", FT_BOOL, device_iotlb, "device IOTLBs (ATS) (Intel ecap DT, AMD cap IOTLB, SMMUv3 ATS)"),
	F("snoop_control", "SC", FT_BOOL, snoop_control, "snoop control: no-snoop DMA can be forced coherent (Intel ecap SC)"),
	F("page_walk_coherent", "PWC", FT_BOOL, page_walk_coherent, "page walks snoop CPU caches (Intel ecap C, SMMUv3 COHERENCY)"),
	F("caching_mode", "CM", FT_BOOL, caching_mode, "caching mode: a virtualized IOMMU (Intel cap CM)"),
	F("domains", "DOMS", FT_INT, domains, "domain ids (Intel cap ND)"),
	F("superpage_2m", "2M", FT_BOOL, superpage_2m, "2 MiB pages (Intel cap SLLPS)"),
	F("superpage_1g", "1G", FT_BOOL, superpage_1g, "1 GiB pages (Intel cap SLLPS)"),
	F("snp", "SNP", FT_BOOL, snp, "SEV-SNP support (AMD EFR SNP)"),
};
const size_t n_iommu_cap_fields = sizeof(iommu_cap_fields) / sizeof(iommu_cap_fields[0]);

static struct json_object *unit_json(const struct di_iommu_unit *u)
{
	struct json_object *o = json_object_new_object(), *dec = json_object_new_object();
	struct json_object *w;

	json_add_str(o, "name", u->name);
	json_add_str(o, "kind", u->kind);
	json_add_str(o, "kind_name", iommu_kind_name(u->kind));
	json_add_sval(o, "parent", &u->parent);
	json_add_sval(o, "version", &u->version);
	json_add_sval(o, "cap", &u->cap);
	json_add_sval(o, "ecap", &u->ecap);
	json_add_sval(o, "features", &u->features);
	json_add_uval(o, "efr", &u->efr);
	json_add_uval(o, "efr2", &u->efr2);
	json_add_str(o, "decoded_from", u->caps_source);
	if (!u->caps_source && u->caps_error)
		json_add_str(o, "decoded_from_error", u->caps_error);
	fields_to_json(iommu_cap_fields, n_iommu_cap_fields, &u->caps, dec);
	if (u->caps.n_widths) {
		w = json_object_new_array();
		for (size_t i = 0; i < u->caps.n_widths; i++)
			json_object_array_add(w, json_object_new_int(u->caps.widths[i]));
	} else {
		w = NULL;
	}
	json_object_object_add(dec, "page_table_widths", w);
	json_object_object_add(o, "decoded", dec);
	json_add_strv(o, "devices", &u->devices);
	return o;
}

static struct json_object *group_json(const struct di_system *sys, const struct di_group *g)
{
	struct json_object *o = json_object_new_object(), *devs = json_object_new_array(), *rr;

	json_object_object_add(o, "id", json_object_new_int(g->id));
	json_add_sval(o, "type", &g->type);
	json_add_str(o, "type_meaning", g->type_meaning);
	for (size_t i = 0; i < g->devices.n; i++) {
		struct json_object *d = json_object_new_object();
		const struct di_device *dev = system_find_device(sys, g->devices.v[i]);
		struct sval none = { 0 };

		json_add_str(d, "name", g->devices.v[i]);
		json_add_sval(d, "driver", dev ? &dev->driver : &none);
		json_object_array_add(devs, d);
	}
	json_object_object_add(o, "devices", devs);
	if (g->resv_err) {
		json_object_object_add(o, "reserved_regions", NULL);
		json_add_str(o, "reserved_regions_error", di_strerror(g->resv_err));
		return o;
	}
	rr = json_object_new_array();
	for (size_t i = 0; i < g->n_resv; i++) {
		struct json_object *r = json_object_new_object();

		json_object_object_add(r, "start", json_object_new_uint64(g->resv[i].start));
		json_object_object_add(r, "end", json_object_new_uint64(g->resv[i].end));
		json_add_str(r, "type", g->resv[i].type);
		json_object_array_add(rr, r);
	}
	json_object_object_add(o, "reserved_regions", rr);
	return o;
}

static struct json_object *policy_json(const struct di_system *sys)
{
	const struct di_iommu_policy *p = &sys->iommu;
	struct json_object *o = json_object_new_object(), *c = json_object_new_array();
	struct sval dd = p->default_domain, tlb = p->tlb_policy;
	struct ival ddc = p->default_domain_cmdline, tlbc = p->tlb_policy_cmdline;

	/* Unknown because the log is unreadable, not because a line is missing. */
	if (!sys->kmsg.readable.set)
		dd.err = tlb.err = ddc.err = tlbc.err = sys->kmsg.readable.err;
	json_add_sval(o, "default_domain", &dd);
	json_add_ival(o, "default_domain_set_by_cmdline", &ddc, true);
	json_add_sval(o, "tlb_policy", &tlb);
	json_add_ival(o, "tlb_policy_set_by_cmdline", &tlbc, true);
	json_add_strv(o, "log_lines", &p->log_lines);
	for (size_t i = 0; i < p->conclusions.n; i++) {
		struct json_object *e = json_object_new_object();

		json_add_str(e, "conclusion", p->conclusions.v[i]);
		json_add_str(e, "source", p->sources.v[i]);
		json_object_array_add(c, e);
	}
	json_object_object_add(o, "conclusions", c);
	return o;
}

static struct json_object *faults_json(const struct di_system *sys)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < sys->n_faults; i++) {
		const struct di_fault *f = &sys->faults[i];
		struct json_object *o = json_object_new_object();

		json_add_str(o, "kind", f->kind);
		json_add_str(o, "device", f->device);
		json_add_str(o, "logged_as", f->logged_as);
		json_object_object_add(o, "count", json_object_new_int64(f->count));
		json_add_uval(o, "last_address", &f->last_address);
		json_add_str(o, "last_access", f->last_access);
		json_add_str(o, "last_detail", f->last_detail);
		json_object_object_add(o, "last_time", json_usec(f->last_usec));
		json_object_array_add(a, o);
	}
	return a;
}

static int iommu_json(const struct di_system *sys)
{
	struct json_object *top = json_new_top(), *units = json_object_new_array();
	struct json_object *groups = json_object_new_array();

	for (size_t i = 0; i < sys->n_units; i++)
		json_object_array_add(units, unit_json(&sys->units[i]));
	for (size_t i = 0; i < sys->n_groups; i++)
		json_object_array_add(groups, group_json(sys, &sys->groups[i]));
	json_object_object_add(top, "units", units);
	json_object_object_add(top, "groups", groups);
	json_object_object_add(top, "policy", policy_json(sys));
	json_object_object_add(top, "faults", faults_json(sys));
	facts_to_json(sys, top);
	return json_print(top);
}

static void print_unit(const struct di_iommu_unit *u)
{
	printf("  %s (%s)", u->name, iommu_kind_name(u->kind));
	if (u->parent.s)
		printf(", device %s", u->parent.s);
	if (u->version.s)
		printf(", version %s", u->version.s);
	printf("\n");
	if (u->cap.s)
		printf("    cap %s%s%s\n", u->cap.s, u->ecap.s ? ", ecap " : "", u->ecap.s ? u->ecap.s : "");
	if (u->features.s)
		printf("    features %s\n", u->features.s);
	if (u->caps_source) {
		printf("    decoded from %s:\n     ", u->caps_source);
		for (size_t i = 0; i < n_iommu_cap_fields; i++) {
			const struct ival *v = (const void *)((const char *)&u->caps + iommu_cap_fields[i].off);
			char *s;

			if (!v->set)
				continue;
			s = field_text(&iommu_cap_fields[i], &u->caps, false);
			printf(" %s=%s", iommu_cap_fields[i].key, s ? s : "?");
			free(s);
		}
		if (u->caps.n_widths) {
			printf(" page_table_widths=");
			for (size_t i = 0; i < u->caps.n_widths; i++)
				printf("%s%d", i ? "," : "", u->caps.widths[i]);
		}
		printf("\n");
	} else if (u->caps_error) {
		printf("    capabilities unknown: %s\n", u->caps_error);
	}
	printf("    devices:%s", u->devices.n ? "" : " none");
	for (size_t i = 0; i < u->devices.n; i++)
		printf(" %s", u->devices.v[i]);
	printf("\n");
}

static void print_group(const struct di_system *sys, const struct di_group *g)
{
	printf("  %d: %s", g->id, g->type.s ? g->type.s : "?");
	if (g->type_meaning)
		printf(" (%s)", g->type_meaning);
	else if (!g->type.s)
		printf(" (type unreadable: %s)", di_strerror(g->type.err));
	printf("\n");
	for (size_t i = 0; i < g->devices.n; i++) {
		const struct di_device *d = system_find_device(sys, g->devices.v[i]);

		printf("    %s  %s\n", g->devices.v[i], d && d->driver.s ? d->driver.s : "(no driver)");
	}
	if (g->resv_err)
		printf("    reserved regions unreadable: %s\n", di_strerror(g->resv_err));
	for (size_t i = 0; i < g->n_resv; i++)
		printf("    reserved 0x%016llx-0x%016llx %s\n", (unsigned long long)g->resv[i].start,
		       (unsigned long long)g->resv[i].end, g->resv[i].type);
}

static void print_faults(const struct di_system *sys)
{
	if (!sys->kmsg.readable.set) {
		printf("  unknown: the kernel log is unreadable\n");
		return;
	}
	if (!sys->n_faults) {
		printf("  none in the kernel log\n");
		return;
	}
	for (size_t i = 0; i < sys->n_faults; i++) {
		const struct di_fault *f = &sys->faults[i];

		printf("  %s  %s  %lld fault%s", f->device, f->kind, f->count, f->count == 1 ? "" : "s");
		if (f->last_address.set)
			printf(", last at 0x%llx", (unsigned long long)f->last_address.v);
		if (f->last_access)
			printf(" (%s)", f->last_access);
		if (f->last_detail)
			printf(", %s", f->last_detail);
		if (strcmp(f->device, f->logged_as) != 0)
			printf(" [logged as %s]", f->logged_as);
		printf("\n");
	}
}

int render_iommu(const struct di_system *sys, const struct render_opts *ro)
{
	const struct di_iommu_policy *p = &sys->iommu;

	if (ro->json)
		return iommu_json(sys);
	print_heading(ro, "IOMMU units", true);
	if (!sys->n_units)
		printf("  none\n");
	for (size_t i = 0; i < sys->n_units; i++)
		print_unit(&sys->units[i]);
	print_heading(ro, "IOMMU groups", false);
	if (sys->groups_dir.err)
		printf("  unreadable: %s\n", di_strerror(sys->groups_dir.err));
	else if (!sys->n_groups)
		printf("  none\n");
	for (size_t i = 0; i < sys->n_groups; i++)
		print_group(sys, &sys->groups[i]);
	print_heading(ro, "Policy", false);
	for (size_t i = 0; i < p->conclusions.n; i++)
		printf("  %s\n      [%s]\n", p->conclusions.v[i], p->sources.v[i]);
	if (p->log_lines.n) {
		printf("  kernel log:\n");
		for (size_t i = 0; i < p->log_lines.n; i++)
			printf("    %s\n", p->log_lines.v[i]);
	}
	print_heading(ro, "IOMMU faults", false);
	print_faults(sys);
	facts_print_unreadable(sys, ro);
	return ferror(stdout) ? -EIO : 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dmainspect diff: what changed for DMA between two systems. Each side is
 * first summarised from the JSON documents of list/advise, iommu, swiotlb
 * and bufs (a tree or bundle gives all of them; a saved --json output one),
 * keeping what matters for DMA; then the summaries are compared section by
 * section, and only sections both sides have.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "render/render-diff.h"

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* The object SUMMARY[KEY], made when missing. */
static struct json_object *section(struct json_object *summary, const char *key)
{
	struct json_object *s = get(summary, key);

	if (!s) {
		s = json_object_new_object();
		json_object_object_add(summary, key, s);
	}
	return s;
}

/* DST[KEY] = a copy of SRC[FROM] (null when absent). */
static void copy(struct json_object *dst, const char *key, struct json_object *src, const char *from)
{
	struct json_object *v = get(src, from);

	json_object_object_add(dst, key, v ? json_object_get(v) : NULL);
}

static void add_devices(struct json_object *summary, struct json_object *devs)
{
	static const char *const keys[] = { "driver", "iommu_group", "iommu_domain", "dma_mask_bits",
					    "coherent_dma_mask_bits", "dt_coherent" };
	struct json_object *s = section(summary, "devices");

	for (size_t i = 0; i < json_object_array_length(devs); i++) {
		struct json_object *d = json_object_array_get_idx(devs, i), *o;
		const char *name = json_object_get_string(get(d, "name"));

		if (!name)
			continue;
		o = json_object_new_object();
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			copy(o, keys[k], d, keys[k]);
		copy(o, "path", get(d, "advice"), "path");
		copy(o, "mode", get(d, "advice"), "mode");
		json_object_object_add(s, name, o);
	}
}

/* How many items of ARRAY have each value of KEY: {value: count}. */
static struct json_object *count_by(struct json_object *array, const char *key)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; i < json_object_array_length(array); i++) {
		const char *v = json_object_get_string(get(json_object_array_get_idx(array, i), key));
		struct json_object *n = get(o, v ? v : "unknown");

		json_object_object_add(o, v ? v : "unknown",
				       json_object_new_int64(n ? json_object_get_int64(n) + 1 : 1));
	}
	return o;
}

static void add_iommu(struct json_object *summary, struct json_object *doc)
{
	struct json_object *s = section(summary, "iommu"), *policy = get(doc, "policy");
	struct json_object *faults = get(doc, "faults"), *f = section(summary, "faults");

	copy(s, "default_domain", policy, "default_domain");
	copy(s, "default_domain_set_by_cmdline", policy, "default_domain_set_by_cmdline");
	copy(s, "tlb_policy", policy, "tlb_policy");
	copy(s, "tlb_policy_set_by_cmdline", policy, "tlb_policy_set_by_cmdline");
	json_object_object_add(s, "units by kind", count_by(get(doc, "units"), "kind"));
	json_object_object_add(s, "groups by type", count_by(get(doc, "groups"), "type"));
	copy(s, "evidence", policy, "log_lines");
	for (size_t i = 0; i < json_object_array_length(faults); i++) {
		struct json_object *x = json_object_array_get_idx(faults, i);
		char key[256];

		snprintf(key, sizeof(key), "%s (%s)", json_object_get_string(get(x, "device")),
			 json_object_get_string(get(x, "kind")));
		copy(f, key, x, "count");
	}
}

static void add_swiotlb(struct json_object *summary, struct json_object *doc)
{
	struct json_object *s = section(summary, "swiotlb"), *sw = get(doc, "swiotlb");
	struct json_object *pools = get(doc, "pools"), *p = json_object_new_object();

	copy(s, "forced", sw, "forced");
	copy(s, "forced_by", sw, "forced_by");
	copy(s, "buffer full events", get(sw, "full_events"), "count");
	for (size_t i = 0; i < json_object_array_length(pools); i++) {
		struct json_object *x = json_object_array_get_idx(pools, i), *o = json_object_new_object();

		copy(o, "nslabs", x, "nslabs");
		copy(o, "size_bytes", x, "size_bytes");
		json_object_object_add(p, json_object_get_string(get(x, "name")), o);
	}
	json_object_object_add(s, "pools", p);
}

static void add_dmabufs(struct json_object *summary, struct json_object *exporters)
{
	struct json_object *s = section(summary, "dma-bufs");

	for (size_t i = 0; i < json_object_array_length(exporters); i++) {
		struct json_object *x = json_object_array_get_idx(exporters, i), *o = json_object_new_object();
		const char *name = json_object_get_string(get(x, "exporter"));

		copy(o, "buffers", x, "count");
		copy(o, "bytes", x, "bytes");
		json_object_object_add(s, name ? name : "unknown", o);
	}
}

int diff_summary_add(struct json_object *summary, struct json_object *doc)
{
	struct json_object *cmdline = get(doc, "cmdline");
	int n = 0;

	if (!json_object_is_type(doc, json_type_object) || !get(doc, "version"))
		return -EINVAL;
	if (json_object_is_type(get(doc, "devices"), json_type_array) && n++ >= 0)
		add_devices(summary, get(doc, "devices"));
	if (get(doc, "policy") && n++ >= 0)
		add_iommu(summary, doc);
	if (get(doc, "pools") && get(doc, "swiotlb") && n++ >= 0)
		add_swiotlb(summary, doc);
	if (json_object_is_type(get(doc, "exporters"), json_type_array) && get(doc, "buffers") && n++ >= 0)
		add_dmabufs(summary, get(doc, "exporters"));
	if (cmdline)
		copy(section(summary, "kernel"), "command line", cmdline, "raw");
	return n ? 0 : -ENOMSG;
}

void diff_summary_release(struct json_object *summary, const char *release)
{
	json_object_object_add(section(summary, "kernel"), "release",
			       release ? json_object_new_string(release) : NULL);
}

static void change(struct json_object *changes, const char *sec, const char *item, const char *key,
		   const char *what, struct json_object *a, struct json_object *b)
{
	struct json_object *c = json_object_new_object();

	json_object_object_add(c, "section", json_object_new_string(sec));
	json_add_str(c, "item", item);
	json_add_str(c, "key", key);
	json_object_object_add(c, "change", json_object_new_string(what));
	json_object_object_add(c, "a", a ? json_object_get(a) : NULL);
	json_object_object_add(c, "b", b ? json_object_get(b) : NULL);
	json_object_array_add(changes, c);
}

static bool array_has(struct json_object *array, struct json_object *v)
{
	for (size_t i = 0; i < json_object_array_length(array); i++)
		if (json_object_equal(json_object_array_get_idx(array, i), v))
			return true;
	return false;
}

/* Lines (log lines, reasons) only in A are removed, only in B added. */
static void cmp_lines(struct json_object *changes, const char *sec, const char *item, const char *key,
		      struct json_object *a, struct json_object *b)
{
	for (size_t i = 0; i < json_object_array_length(a); i++)
		if (!array_has(b, json_object_array_get_idx(a, i)))
			change(changes, sec, item, key, "removed", json_object_array_get_idx(a, i), NULL);
	for (size_t i = 0; i < json_object_array_length(b); i++)
		if (!array_has(a, json_object_array_get_idx(b, i)))
			change(changes, sec, item, key, "added", NULL, json_object_array_get_idx(b, i));
}

/*
 * Compare two objects of a section: at the top, a key naming an object is
 * an item (a device, a pool, a kind) whose own keys are compared; arrays are
 * compared as sets of lines; anything else as a value.
 */
static void cmp_obj(struct json_object *changes, const char *sec, const char *item,
		    struct json_object *a, struct json_object *b)
{
	json_object_object_foreach(a, k, va) {
		struct json_object *vb;
		const char *it = item ? item : k, *key = item ? k : NULL;

		if (!json_object_object_get_ex(b, k, &vb))
			change(changes, sec, it, key, "removed", va, NULL);
		else if (!item && json_object_is_type(va, json_type_object) &&
			 json_object_is_type(vb, json_type_object))
			cmp_obj(changes, sec, k, va, vb);
		else if (json_object_is_type(va, json_type_array) &&
			 json_object_is_type(vb, json_type_array))
			cmp_lines(changes, sec, item, k, va, vb);
		else if (!json_object_equal(va, vb))
			change(changes, sec, it, key, "changed", va, vb);
	}
	json_object_object_foreach(b, k2, vb2) {
		if (!json_object_object_get_ex(a, k2, NULL))
			change(changes, sec, item ? item : k2, item ? k2 : NULL, "added", NULL, vb2);
	}
}

static const char *const sections[] = { "kernel", "devices", "iommu", "faults", "swiotlb", "dma-bufs" };
#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

struct json_object *diff_changes(struct json_object *a, struct json_object *b,
				 struct json_object **not_compared)
{
	struct json_object *changes = json_object_new_array();

	*not_compared = json_object_new_array();
	for (size_t i = 0; i < N_SECTIONS; i++) {
		struct json_object *sa = get(a, sections[i]), *sb = get(b, sections[i]);

		if (sa && sb)
			cmp_obj(changes, sections[i], NULL, sa, sb);
		else if (sa || sb)
			json_object_array_add(*not_compared, json_object_new_string(sections[i]));
	}
	return changes;
}

bool diff_comparable(struct json_object *a, struct json_object *b)
{
	for (size_t i = 0; i < N_SECTIONS; i++)
		if (get(a, sections[i]) && get(b, sections[i]))
			return true;
	return false;
}

/* A value for people: strings bare, null as "-", the rest as JSON. */
static const char *text(struct json_object *v)
{
	if (!v)
		return "-";
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void print_change(struct json_object *c)
{
	const char *item = json_object_get_string(get(c, "item"));
	const char *key = json_object_get_string(get(c, "key"));
	const char *what = json_object_get_string(get(c, "change"));

	printf("%s: ", json_object_get_string(get(c, "section")));
	if (item)
		printf("%s: ", item);
	if (key)
		printf("%s: ", key);
	if (strcmp(what, "changed") == 0)
		printf("%s -> %s\n", text(get(c, "a")), text(get(c, "b")));
	else if (strcmp(what, "added") == 0)
		printf("added %s\n", text(get(c, "b")));
	else
		printf("removed %s\n", text(get(c, "a")));
}

static struct json_object *side_json(const struct diff_side *s)
{
	struct json_object *o = json_object_new_object(), *secs = json_object_new_array();

	json_add_str(o, "name", s->name);
	json_add_str(o, "kind", s->kind);
	for (size_t i = 0; i < N_SECTIONS; i++)
		if (get(s->summary, sections[i]))
			json_object_array_add(secs, json_object_new_string(sections[i]));
	json_object_object_add(o, "sections", secs);
	return o;
}

int render_diff(const struct diff_side *a, const struct diff_side *b, const struct render_opts *ro)
{
	struct json_object *not_compared, *changes = diff_changes(a->summary, b->summary, &not_compared);
	int n = (int)json_object_array_length(changes), err;

	if (ro->json) {
		struct json_object *top = json_new_top(), *o = json_object_new_object();

		json_object_object_add(o, "a", side_json(a));
		json_object_object_add(o, "b", side_json(b));
		json_object_object_add(o, "changes", changes);
		json_object_object_add(o, "not_compared", not_compared);
		json_object_object_add(top, "diff", o);
		err = json_print(top);
		return err < 0 ? err : n;
	}
	for (int i = 0; i < n; i++)
		print_change(json_object_array_get_idx(changes, i));
	for (size_t i = 0; i < json_object_array_length(not_compared); i++) {
		const char *sec = json_object_get_string(json_object_array_get_idx(not_compared, i));

		printf("not compared: %s, which only %s has\n", sec,
		       get(a->summary, sec) ? "A" : "B");
	}
	json_object_put(changes);
	json_object_put(not_compared);
	return ferror(stdout) ? -EIO : n;
}

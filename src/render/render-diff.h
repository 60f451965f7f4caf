/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `diff`: what changed for DMA between two systems, from their JSON documents. */
#pragma once

#include <stdbool.h>

#include "render/render.h"

/* One side of a diff: what it is, and its summary (diff_summary_add). */
struct diff_side {
	const char *name;	/* as given on the command line */
	const char *kind;	/* "bundle", "tree" or "json" */
	struct json_object *summary;
};

/*
 * Merge what matters for DMA in DOC (the --json output of list, advise,
 * iommu, swiotlb or bufs) into SUMMARY. -EINVAL when DOC is no dmainspect
 * JSON, -ENOMSG when it holds nothing diff compares.
 */
int diff_summary_add(struct json_object *summary, struct json_object *doc);
/* The kernel's release (proc/sys/kernel/osrelease), where a tree gives it. */
void diff_summary_release(struct json_object *summary, const char *release);
/*
 * The changes from A to B, section by section, among the sections both
 * have; those only one has go to *not_compared.
 */
struct json_object *diff_changes(struct json_object *a, struct json_object *b,
				 struct json_object **not_compared);
/* Whether A and B share a section to compare. */
bool diff_comparable(struct json_object *a, struct json_object *b);
/* Print the changes; returns how many there are, or -errno. */
int render_diff(const struct diff_side *a, const struct diff_side *b, const struct render_opts *ro);

// SPDX-License-Identifier: LGPL-2.1-or-later
/* dmainspect diff A B: what changed for DMA between two bundles, trees or JSON outputs. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "cmd.h"
#include "render/render-diff.h"

/* The commands whose JSON a tree or a bundle is summarised from. */
static const struct command *const sources[] = { &cmd_list, &cmd_iommu, &cmd_swiotlb, &cmd_bufs };

enum { JSON_MAX = 256 << 20 };

/*
 * A saved --json output: its summary, or -errno: -EINVAL not JSON, -EPROTO
 * JSON of another kind, -ENOMSG nothing diff compares.
 */
static int summarise_json(const char *path, struct diff_side *s)
{
	struct json_object *doc = json_object_from_file(path);
	int err;

	if (!doc)
		return -EINVAL;
	err = diff_summary_add(s->summary, doc);
	json_object_put(doc);
	/* JSON, but not dmainspect's: no bundle either. */
	if (err == -EINVAL)
		err = -EPROTO;
	s->kind = "json";
	return err;
}

/* A tree or a bundle, opened in SUB: its commands' JSON, run on it. */
static int summarise_tree(struct di_ctx *sub, struct diff_side *s, char *why, size_t cap)
{
	char release[128];
	int err = 0;

	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]) && err >= 0; i++) {
		struct captured cap_ = { .cmd = sources[i] };
		struct json_object *doc;

		err = run_captured(sub, sources[i], &cap_);
		doc = err < 0 ? NULL : json_tokener_parse(cap_.json);
		if (!doc || diff_summary_add(s->summary, doc) < 0) {
			snprintf(why, cap, "%s: %s", sources[i]->name,
				 cap_.messages && *cap_.messages ? cap_.messages : "no JSON");
			why[strcspn(why, "\n")] = '\0';
			err = err < 0 ? err : -EIO;
		}
		json_object_put(doc);
		free(cap_.json);
		free(cap_.messages);
	}
	if (err >= 0)
		diff_summary_release(s->summary,
				     rfs_read_line(&sub->root, RFS_ROOT, "proc/sys/kernel/osrelease",
						   release, sizeof(release)) > 0 ? release : NULL);
	return err < 0 ? err : 0;
}

/* Summarise PATH: a directory with sys/, a bundle, or a --json output. */
static int summarise(struct di_ctx *ctx, const char *path, struct diff_side *s)
{
	struct di_ctx sub;
	char why[512] = "";
	struct stat st;
	int err;

	s->name = path;
	s->summary = json_object_new_object();
	if (stat(path, &st) < 0) {
		di_err("diff: %s: %s", path, strerror(errno));
		return -errno;
	}
	if (S_ISREG(st.st_mode) && st.st_size <= JSON_MAX) {
		err = summarise_json(path, s);
		if (err == -ENOMSG || err == -EPROTO)
			di_err("diff: %s: %s (diff reads the --json output of list, advise, iommu, "
			       "swiotlb or bufs)", path, err == -EPROTO ? "JSON, but not dmainspect's"
			       : "dmainspect JSON that holds nothing diff compares");
		if (err != -EINVAL)
			return err;
	}
	sub = *ctx;
	sub.sysroot = path;
	err = sysroot_open(path, &sub.root, why, sizeof(why));
	if (err >= 0) {
		s->kind = err ? "bundle" : "tree";
		err = summarise_tree(&sub, s, why, sizeof(why));
		rfs_fini(&sub.root);
		bundle_close();
	}
	if (err < 0)
		di_err("diff: %s: %s", path, why);
	return err;
}

static int diff_run(struct di_ctx *ctx, int argc, char **argv)
{
	struct diff_side a = { 0 }, b = { 0 };
	int n = -1, ret;

	/* Trouble is 2, as for diff(1): 1 means "different". */
	if (argc != 3) {
		di_err("diff: needs two operands, A and B (bundles, trees or --json outputs)");
		return EXIT_NOTHING;
	}
	if (ctx->sysroot) {
		di_err("diff: compares its two operands; --sysroot does not apply");
		return EXIT_NOTHING;
	}
	if (summarise(ctx, argv[1], &a) >= 0 && summarise(ctx, argv[2], &b) >= 0) {
		if (diff_comparable(a.summary, b.summary))
			n = render_diff(&a, &b, &ctx->ro);
		else
			di_err("diff: %s and %s have nothing in common to compare (the --json "
			       "outputs of different commands?)", argv[1], argv[2]);
	}
	json_object_put(a.summary);
	json_object_put(b.summary);
	/* As diff(1): 0 the same, 1 different, 2 trouble. */
	ret = n < 0 ? EXIT_NOTHING : n > 0 ? 1 : EXIT_OK;
	return ret;
}

const struct command cmd_diff = {
	.name = "diff",
	.args = "A B",
	.summary = "what changed for DMA between two bundles, trees or JSON outputs",
	.description = "Compares two systems: report bundles, captured trees, or saved --json\n"
		       "outputs of list, advise, iommu, swiotlb or bufs. Shows devices added and\n"
		       "removed; each device's driver, IOMMU group, domain type, masks, coherency,\n"
		       "path and advised mode; the IOMMU policy and its evidence; SWIOTLB pools and\n"
		       "forced bouncing; fault and 'buffer is full' counts; dma-bufs per exporter;\n"
		       "the kernel release and command line. Sections only one side has are named,\n"
		       "not compared. Exit status as diff(1): 0 the same, 1 different, 2 trouble.",
	.run = diff_run,
	.diff_status = true,
};

// SPDX-License-Identifier: LGPL-2.1-or-later
/* dma-bufs as JSON, as one block per buffer (buf) and as tables (bufs). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render-dmabuf.h"

/* --- JSON --- */

static void j_null(struct json_object *o, const char *key, int err)
{
	char k[128];

	json_object_object_add(o, key, NULL);
	if (!err)
		return;
	snprintf(k, sizeof(k), "%s_error", key);
	json_object_object_add(o, k, json_object_new_string(di_strerror(err)));
}

static void j_int(struct json_object *o, const char *key, const struct ival *v)
{
	if (v->set)
		json_object_object_add(o, key, json_object_new_int64(v->v));
	else
		j_null(o, key, v->err);
}

static void j_str(struct json_object *o, const char *key, const struct sval *v)
{
	if (v->s)
		json_object_object_add(o, key, json_object_new_string(v->s));
	else
		j_null(o, key, v->err);
}

/* A probe: true, false with why, or null with why it was not run. */
static void j_probe(struct json_object *o, const char *key, const struct di_probe *p)
{
	char k[128];

	if (!p->ok.set) {
		j_null(o, key, p->ok.err);
		return;
	}
	json_object_object_add(o, key, json_object_new_boolean(p->ok.v != 0));
	if (!p->ok.v && p->ok.err) {
		snprintf(k, sizeof(k), "%s_error", key);
		json_object_object_add(o, k, json_object_new_string(di_strerror(p->ok.err)));
	}
}

static void decode_flags(long long f, struct strv *out)
{
	static const struct {
		long long bit;
		const char *name;
	} bits[] = {
		{ O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" }, { O_SYNC, "O_SYNC" },
		{ O_DSYNC, "O_DSYNC" }, { O_DIRECT, "O_DIRECT" }, { O_NOATIME, "O_NOATIME" },
		{ O_CLOEXEC, "O_CLOEXEC" },
	};
	long long rest = f & ~(long long)O_ACCMODE;

	strv_add(out, (f & O_ACCMODE) == O_RDONLY ? "O_RDONLY" :
		      (f & O_ACCMODE) == O_WRONLY ? "O_WRONLY" :
		      (f & O_ACCMODE) == O_RDWR ? "O_RDWR" : "O_ACCMODE=3");
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if ((rest & bits[i].bit) == bits[i].bit) {
			strv_add(out, bits[i].name);
			rest &= ~bits[i].bit;
		}
	}
	if (rest)
		strv_addf(out, "0%llo", rest);
}

static const char *mode_access(long long m)
{
	static const char *const names[] = { "none", "read-only", "write-only", "read-write" };

	return names[m & 3];	/* FMODE_READ 0x1, FMODE_WRITE 0x2 */
}

static void j_flags(struct json_object *o, const char *key, const struct ival *v)
{
	char k[128];
	struct strv sv = { 0 };

	j_int(o, key, v);
	snprintf(k, sizeof(k), "%s_decoded", key);
	if (!v->set) {
		json_object_object_add(o, k, NULL);
		return;
	}
	decode_flags(v->v, &sv);
	json_add_strv(o, k, &sv);
	strv_free(&sv);
}

static struct json_object *attachment_json(const struct di_attachment *a)
{
	struct json_object *o = json_object_new_object();
	struct sval bus = { .s = a->bus, .err = a->known ? 0 : -ENOENT };

	json_add_str(o, "device", a->device);
	json_object_object_add(o, "known", json_object_new_boolean(a->known));
	j_str(o, "bus", &bus);
	j_str(o, "driver", &a->driver);
	j_int(o, "iommu_group", &a->iommu_group);
	j_str(o, "iommu_domain", &a->iommu_domain);
	j_int(o, "dma_mask_bits", &a->dma_mask_bits);
	j_int(o, "coherent_dma_mask_bits", &a->coherent_dma_mask_bits);
	if (a->dt_coherent.set)
		json_object_object_add(o, "dt_coherent", json_object_new_boolean(a->dt_coherent.v));
	else
		j_null(o, "dt_coherent", a->dt_coherent.err);
	j_str(o, "dt_coherent_from", &a->dt_coherent_from);
	return o;
}

static struct json_object *fence_json(const struct di_fence *f)
{
	struct json_object *o = json_object_new_object();

	json_add_str(o, "usage", f->usage);
	j_str(o, "driver", &f->driver);
	j_str(o, "timeline", &f->timeline);
	j_int(o, "context", &f->context);
	j_int(o, "seqno", &f->seqno);
	json_object_object_add(o, "signalled", json_object_new_boolean(f->signalled));
	return o;
}

/* What bufinfo says: null lists with the reason when it could not say. */
static void bufinfo_json(const struct di_dmabuf *b, struct json_object *o)
{
	struct json_object *a;

	json_object_object_add(o, "listed", json_object_new_boolean(b->listed));
	if (!b->listed) {
		char k[] = "listed_error";

		if (b->bufinfo_err)
			json_object_object_add(o, k, json_object_new_string(di_strerror(b->bufinfo_err)));
		j_null(o, "fences", b->bufinfo_err);
		j_null(o, "attachments", b->bufinfo_err);
		return;
	}
	a = json_object_new_array();
	for (size_t i = 0; i < b->n_fences; i++)
		json_object_array_add(a, fence_json(&b->fences[i]));
	json_object_object_add(o, "fences", a);
	a = json_object_new_array();
	for (size_t i = 0; i < b->n_attachments; i++)
		json_object_array_add(a, attachment_json(&b->attachments[i]));
	json_object_object_add(o, "attachments", a);
}

static void map_info_json(const struct di_dmabuf *b, struct json_object *o)
{
	const char *name = b->map_info.set ? map_info_name(b->map_info.v) : NULL;

	if (name)
		json_object_object_add(o, "map_info", json_object_new_string(name));
	else if (b->map_info.set)
		j_null(o, "map_info", -DB_EUNKNOWNVAL);
	else
		j_null(o, "map_info", b->map_info.err);
	if (b->map_info.set)
		json_object_object_add(o, "map_info_value", json_object_new_int64(b->map_info.v));
	else
		json_object_object_add(o, "map_info_value", NULL);
}

/* The keys buf and bufs share. */
static void common_json(const struct di_dmabuf *b, struct json_object *o)
{
	j_int(o, "inode", &b->inode);
	j_int(o, "size", &b->size);
	j_str(o, "exporter", &b->exporter);
	j_str(o, "name", &b->name);
	j_int(o, "file_count", &b->file_count);
	j_flags(o, "file_flags", &b->file_flags);
	j_int(o, "file_mode", &b->file_mode);
	json_add_str(o, "file_mode_access", b->file_mode.set ? mode_access(b->file_mode.v) : NULL);
	bufinfo_json(b, o);
	map_info_json(b, o);
}

static struct json_object *source_json(const struct di_dmabuf *b)
{
	struct json_object *o = json_object_new_object();
	struct ival pid = { 0 }, fd = { 0 };

	if (b->source == SRC_FD || b->source == SRC_PROCESS) {
		ival_set(&pid, b->src_pid);
		ival_set(&fd, b->src_fd);
	}
	json_add_str(o, "kind", buf_source_name(b->source));
	j_int(o, "pid", &pid);
	j_int(o, "fd", &fd);
	json_add_str(o, "device", b->src_device);
	json_add_str(o, "driver", b->src_driver);
	json_add_str(o, "allocation", b->src_allocation);
	return o;
}

static struct json_object *buf_json(const struct di_dmabuf *b)
{
	struct json_object *o = json_object_new_object(), *cpu;

	json_add_str(o, "argument", b->argument);
	if (b->error) {
		json_add_str(o, "error", b->error);
		json_object_object_add(o, "inode", NULL);
		json_object_object_add(o, "size", NULL);
		json_object_object_add(o, "exporter", NULL);
		json_object_object_add(o, "name", NULL);
		json_object_object_add(o, "attachments", NULL);
		json_object_object_add(o, "map_info", NULL);
		return o;
	}
	json_object_object_add(o, "source", source_json(b));
	common_json(b, o);
	j_flags(o, "fd_flags", &b->fd_flags);
	cpu = json_object_new_object();
	j_probe(cpu, "mmap", &b->mmap);
	j_probe(cpu, "sync", &b->sync);
	j_probe(cpu, "export_sync_file", &b->export_sync_file);
	json_add_str(cpu, "advice", b->cpu_advice);
	json_add_str(cpu, "summary", b->cpu_summary);
	json_add_strv(cpu, "reasons", &b->reasons);
	json_object_object_add(o, "cpu_access", cpu);
	json_add_strv(o, "notes", &b->notes);
	return o;
}

static struct json_object *holders_json(const struct di_dmabuf *b)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < b->n_holders; i++) {
		const struct di_holder *h = &b->holders[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "pid", json_object_new_int(h->pid));
		json_object_object_add(o, "fd", h->fd >= 0 ? json_object_new_int(h->fd) : NULL);
		json_object_object_add(o, "mapped", json_object_new_boolean(h->mapped));
		if (h->fd >= 0)
			j_flags(o, "fd_flags", &h->flags);
		else
			j_flags(o, "fd_flags", &(struct ival){ 0 });
		json_object_array_add(a, o);
	}
	return a;
}

/* --- text --- */

/* A number in decimal, or octal with a leading 0 (base 8). */
static char *ival_text(const struct ival *v, int base)
{
	char *s = NULL;

	if (v->set) {
		if ((base == 8 ? asprintf(&s, "0%llo", v->v) : asprintf(&s, "%lld", v->v)) < 0)
			return NULL;
		return s;
	}
	if (!v->err)
		return strdup("-");
	if (asprintf(&s, "unknown (%s)", di_strerror(v->err)) < 0)
		return NULL;
	return s;
}

static char *sval_text(const struct sval *v)
{
	char *s = NULL;

	if (v->s)
		return strdup(v->s);
	if (!v->err)
		return strdup("-");
	if (asprintf(&s, "unknown (%s)", di_strerror(v->err)) < 0)
		return NULL;
	return s;
}

static void row(const char *key, char *val)
{
	printf("\t%-18s %s\n", key, val ? val : "?");
	free(val);
}

static char *flags_text(const struct ival *v)
{
	struct strv sv = { 0 };
	char *s = NULL, *num = ival_text(v, 8);

	if (!v->set)
		return num;
	decode_flags(v->v, &sv);
	if (asprintf(&s, "%s (", num ? num : "?") < 0)
		s = NULL;
	for (size_t i = 0; s && i < sv.n; i++) {
		char *t = NULL;

		if (asprintf(&t, "%s%s%s", s, i ? " " : "", sv.v[i]) < 0)
			t = NULL;
		free(s);
		s = t;
	}
	if (s) {
		char *t = NULL;

		if (asprintf(&t, "%s)", s) < 0)
			t = NULL;
		free(s);
		s = t;
	}
	strv_free(&sv);
	free(num);
	return s;
}

static char *probe_text(const struct di_probe *p)
{
	char *s = NULL;

	if (p->ok.set && p->ok.v)
		return strdup("yes");
	if (asprintf(&s, "%s (%s)", p->ok.set ? "no" : "unknown", di_strerror(p->ok.err)) < 0)
		return NULL;
	return s;
}

static char *attachment_text(const struct di_attachment *a)
{
	char *s = NULL, *grp, *mask, *cmask;

	if (!a->known) {
		if (asprintf(&s, "%s (not found in sysfs)", a->device) < 0)
			return NULL;
		return s;
	}
	grp = ival_text(&a->iommu_group, 10);
	mask = ival_text(&a->dma_mask_bits, 10);
	cmask = ival_text(&a->coherent_dma_mask_bits, 10);
	if (asprintf(&s, "%s (%s, driver %s, IOMMU group %s, domain %s, mask %s, coherent mask %s%s%s%s%s)",
		     a->device, a->bus, a->driver.s ? a->driver.s : "-", grp ? grp : "?",
		     a->iommu_domain.s ? a->iommu_domain.s : "-", mask ? mask : "?",
		     cmask ? cmask : "?", !a->dt_coherent.set ? "" : a->dt_coherent.v ?
		     ", DMA-coherent" : ", not DMA-coherent", a->dt_coherent.set ? " (" : "",
		     a->dt_coherent.set && a->dt_coherent_from.s ? a->dt_coherent_from.s : "",
		     a->dt_coherent.set ? ")" : "") < 0)
		s = NULL;
	free(grp);
	free(mask);
	free(cmask);
	return s;
}

static void listing_text(const struct di_dmabuf *b)
{
	char *s = NULL;

	if (!b->listed) {
		if (asprintf(&s, "unknown (%s)", di_strerror(b->bufinfo_err)) < 0)
			s = NULL;
		row("fences", s ? strdup(s) : NULL);
		row("attachments", s);
		return;
	}
	if (asprintf(&s, "%zu", b->n_fences) < 0)
		s = NULL;
	row("fences", s);
	for (size_t i = 0; i < b->n_fences; i++) {
		const struct di_fence *f = &b->fences[i];

		if (f->driver.s)
			printf("\t  %s: %s %s", f->usage, f->driver.s, f->timeline.s ? f->timeline.s : "");
		else
			printf("\t  %s: (driver and timeline not printed once signalled)", f->usage);
		if (f->context.set)
			printf(" context %lld", f->context.v);
		if (f->seqno.set)
			printf(" seq %lld", f->seqno.v);
		printf(" %s\n", f->signalled ? "signalled" : "unsignalled");
	}
	if (asprintf(&s, "%zu", b->n_attachments) < 0)
		s = NULL;
	row("attachments", s);
	for (size_t i = 0; i < b->n_attachments; i++) {
		s = attachment_text(&b->attachments[i]);
		printf("\t  %s\n", s ? s : "?");
		free(s);
	}
}

static void buf_text(const struct di_dmabuf *b, const struct render_opts *ro)
{
	char *s = color_text(ro, "bold", b->argument), *mi;

	printf("%s", s ? s : b->argument);
	free(s);
	s = NULL;
	if (b->source == SRC_PROCESS && b->argument && strchr(b->argument, ':'))
		printf(" (fd %d of process %d)", b->src_fd, b->src_pid);
	else if (b->src_allocation)
		printf(" (test buffer: %s, driver %s; freed before exit)", b->src_allocation,
		       b->src_driver);
	printf("\n");
	row("inode", ival_text(&b->inode, 10));
	row("size", ival_text(&b->size, 10));
	row("exporter", sval_text(&b->exporter));
	row("name", sval_text(&b->name));
	row("fd flags", flags_text(&b->fd_flags));
	row("file flags", flags_text(&b->file_flags));
	if (b->file_mode.set && asprintf(&s, "0x%llx (%s)", b->file_mode.v,
					 mode_access(b->file_mode.v)) >= 0)
		row("file mode", s);
	else
		row("file mode", ival_text(&b->file_mode, 10));
	row("file count", ival_text(&b->file_count, 10));
	listing_text(b);
	row("mmap", probe_text(&b->mmap));
	row("sync", probe_text(&b->sync));
	row("export sync_file", probe_text(&b->export_sync_file));
	mi = b->map_info.set ? (char *)map_info_name(b->map_info.v) : NULL;
	if (mi)
		row("map_info", strdup(mi));
	else
		row("map_info", ival_text(&b->map_info, 10));
	if (b->cpu_advice && asprintf(&s, "%s: %s", b->cpu_advice, b->cpu_summary) >= 0)
		row("CPU access", s);
	for (size_t i = 0; i < b->reasons.n; i++)
		printf("\t  because %s\n", b->reasons.v[i]);
	for (size_t i = 0; i < b->notes.n; i++)
		printf("\t  note: %s\n", b->notes.v[i]);
}

int render_buf(const struct di_dmabuf *bufs, size_t n, const struct render_opts *ro)
{
	bool first = true;

	if (ro->json) {
		struct json_object *top = json_new_top(), *a = json_object_new_array();

		for (size_t i = 0; i < n; i++)
			json_object_array_add(a, buf_json(&bufs[i]));
		json_object_object_add(top, "buffers", a);
		return json_print(top);
	}
	for (size_t i = 0; i < n; i++) {
		if (bufs[i].error)
			continue;
		if (!first)
			printf("\n");
		first = false;
		buf_text(&bufs[i], ro);
	}
	return ferror(stdout) ? -EIO : 0;
}

/* --- bufs --- */

static struct json_object *bufs_json(const struct di_bufset *s)
{
	struct json_object *top = json_new_top(), *a = json_object_new_array(), *o, *u;
	struct ival v;

	for (size_t i = 0; i < s->n_bufs; i++) {
		o = json_object_new_object();
		common_json(&s->bufs[i], o);
		json_object_object_add(o, "holders", holders_json(&s->bufs[i]));
		json_object_array_add(a, o);
	}
	json_object_object_add(top, "buffers", a);

	a = json_object_new_array();
	for (size_t i = 0; i < s->n_exporters; i++) {
		o = json_object_new_object();
		json_add_str(o, "exporter", s->exporters[i].exporter);
		json_object_object_add(o, "count", json_object_new_int64((long long)s->exporters[i].count));
		json_object_object_add(o, "bytes", json_object_new_int64(s->exporters[i].bytes));
		json_object_array_add(a, o);
	}
	json_object_object_add(top, "exporters", a);

	a = json_object_new_array();
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct di_proc *p = &s->procs[i];
		struct json_object *refs = json_object_new_array();

		o = json_object_new_object();
		json_object_object_add(o, "pid", json_object_new_int(p->pid));
		j_str(o, "comm", &p->comm);
		json_object_object_add(o, "count", json_object_new_int64((long long)p->n_buffers));
		json_object_object_add(o, "bytes", json_object_new_int64(p->bytes));
		json_object_object_add(o, "unknown_size_count",
				       json_object_new_int64((long long)p->n_unknown_size));
		for (size_t k = 0; k < p->n_refs; k++) {
			struct json_object *r = json_object_new_object();

			j_int(r, "inode", &p->refs[k].inode);
			json_object_object_add(r, "fd", p->refs[k].fd >= 0 ?
						   json_object_new_int(p->refs[k].fd) : NULL);
			json_object_object_add(r, "mapped", json_object_new_boolean(p->refs[k].mapped));
			json_object_array_add(refs, r);
		}
		json_object_object_add(o, "buffers", refs);
		json_object_array_add(a, o);
	}
	json_object_object_add(top, "processes", a);

	if (s->unheld_err) {
		j_null(top, "unheld", s->unheld_err);
	} else {
		u = json_object_new_object();
		a = json_object_new_array();
		json_object_object_add(u, "count", json_object_new_int64((long long)s->unheld_count));
		json_object_object_add(u, "bytes", json_object_new_int64(s->unheld_bytes));
		json_object_object_add(u, "complete", json_object_new_boolean(
						      !s->procs_unreadable && !s->proc_err));
		for (size_t i = 0; i < s->n_bufs; i++)
			if (s->bufs[i].listed && !s->bufs[i].n_holders)
				json_object_array_add(a, json_object_new_int64(s->bufs[i].inode.v));
		json_object_object_add(u, "inodes", a);
		json_object_object_add(top, "unheld", u);
	}

	o = json_object_new_object();
	json_object_object_add(o, "bufinfo", json_object_new_boolean(!s->bufinfo_err));
	if (s->bufinfo_err)
		json_object_object_add(o, "bufinfo_error",
				       json_object_new_string(di_strerror(s->bufinfo_err)));
	v = (struct ival){ .v = (long long)s->procs_scanned, .set = !s->proc_err, .err = s->proc_err };
	j_int(o, "processes_scanned", &v);
	json_object_object_add(o, "processes_unreadable",
			       json_object_new_int64((long long)s->procs_unreadable));
	json_object_object_add(o, "unreadable_reason", s->unreadable_err ?
			       json_object_new_string(di_strerror(s->unreadable_err)) : NULL);
	json_object_object_add(top, "scan", o);
	return top;
}

static char *holders_text(const struct di_dmabuf *b)
{
	char *s = strdup(b->n_holders ? "" : "-");

	for (size_t i = 0; s && i < b->n_holders; i++) {
		const struct di_holder *h = &b->holders[i];
		char *t = NULL;
		int n;

		if (h->fd >= 0)
			n = asprintf(&t, "%s%s%d:%d%s", s, i ? "," : "", h->pid, h->fd,
				     h->mapped ? "+map" : "");
		else
			n = asprintf(&t, "%s%s%d:map", s, i ? "," : "", h->pid);
		free(s);
		s = n < 0 ? NULL : t;
	}
	return s;
}

static char *attached_text(const struct di_dmabuf *b)
{
	char *s;

	if (!b->listed)
		return strdup("?");
	s = strdup(b->n_attachments ? "" : "-");
	for (size_t i = 0; s && i < b->n_attachments; i++) {
		char *t = NULL;

		const struct di_attachment *a = &b->attachments[i];

		if (asprintf(&t, "%s%s%s%s", s, i ? "," : "", a->device,
			     a->dt_coherent.set && !a->dt_coherent.v ? " (non-coherent)" : "") < 0)
			t = NULL;
		free(s);
		s = t;
	}
	return s;
}

static void cell_owned(struct table *t, size_t col, char *text)
{
	table_cell(t, col, text ? text : "?", NULL);
	free(text);
}

static int bufs_tables(const struct di_bufset *s, const struct render_opts *ro)
{
	struct table *t = table_new(ro);
	int err;

	if (!t)
		return -ENOMEM;
	table_column(t, "INODE", true);
	table_column(t, "SIZE", true);
	table_column(t, "EXPORTER", false);
	table_column(t, "NAME", false);
	table_column(t, "HOLDERS", false);
	table_column(t, "ATTACHED", false);
	for (size_t i = 0; i < s->n_bufs; i++) {
		const struct di_dmabuf *b = &s->bufs[i];

		table_row(t);
		cell_owned(t, 0, b->inode.set ? ival_text(&b->inode, 10) : strdup("?"));
		cell_owned(t, 1, b->size.set ? ival_text(&b->size, 10) : strdup("?"));
		cell_owned(t, 2, b->exporter.s ? strdup(b->exporter.s) : strdup("?"));
		cell_owned(t, 3, sval_text(&b->name));
		cell_owned(t, 4, holders_text(b));
		cell_owned(t, 5, attached_text(b));
	}
	err = table_print(t);
	if (err < 0 || !s->n_exporters)
		return err;

	printf("\n");
	t = table_new(ro);
	if (!t)
		return -ENOMEM;
	table_column(t, "EXPORTER", false);
	table_column(t, "BUFFERS", true);
	table_column(t, "BYTES", true);
	for (size_t i = 0; i < s->n_exporters; i++) {
		table_row(t);
		table_cell(t, 0, s->exporters[i].exporter ? s->exporters[i].exporter : "?", NULL);
		cell_owned(t, 1, ival_text(&(struct ival){ (long long)s->exporters[i].count, 0, true }, 10));
		cell_owned(t, 2, ival_text(&(struct ival){ s->exporters[i].bytes, 0, true }, 10));
	}
	err = table_print(t);
	if (err < 0 || !s->n_procs)
		return err;

	printf("\n");
	t = table_new(ro);
	if (!t)
		return -ENOMEM;
	table_column(t, "PID", true);
	table_column(t, "COMM", false);
	table_column(t, "BUFFERS", true);
	table_column(t, "BYTES", true);
	table_column(t, "HOLDS (INODE:FD)", false);
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct di_proc *p = &s->procs[i];
		char *holds = strdup("");

		for (size_t k = 0; holds && k < p->n_refs; k++) {
			char *h = NULL, *ino = ival_text(&p->refs[k].inode, 10);

			int m;

			if (p->refs[k].fd < 0)
				m = asprintf(&h, "%s%s%s:map", holds, k ? "," : "", ino ? ino : "?");
			else
				m = asprintf(&h, "%s%s%s:%d%s", holds, k ? "," : "", ino ? ino : "?",
					     p->refs[k].fd, p->refs[k].mapped ? "+map" : "");
			if (m < 0)
				h = NULL;
			free(ino);
			free(holds);
			holds = h;
		}
		table_row(t);
		cell_owned(t, 0, ival_text(&(struct ival){ p->pid, 0, true }, 10));
		cell_owned(t, 1, sval_text(&p->comm));
		cell_owned(t, 2, ival_text(&(struct ival){ (long long)p->n_buffers, 0, true }, 10));
		cell_owned(t, 3, ival_text(&(struct ival){ p->bytes, 0, true }, 10));
		cell_owned(t, 4, holds);
	}
	return table_print(t);
}

static void bufs_summary(const struct di_bufset *s)
{
	if (s->unheld_err)
		printf("Held by no process: unknown (%s).\n", di_strerror(s->unheld_err));
	else
		printf("Held by no process (kernel-held or leaked): %zu buffer%s, %lld bytes%s.\n",
		       s->unheld_count, s->unheld_count == 1 ? "" : "s", s->unheld_bytes,
		       s->procs_unreadable ? "; some may be held by the processes that could not be read" : "");
	if (s->bufinfo_err)
		printf("debugfs dma_buf/bufinfo could not be read (%s): only buffers that readable "
		       "processes hold are shown, without fences or attachments.\n",
		       di_strerror(s->bufinfo_err));
	if (s->proc_err)
		printf("/proc could not be read (%s): no process is shown.\n",
		       di_strerror(s->proc_err));
	if (s->procs_unreadable)
		printf("%zu of %zu processes could not be read (%s): their buffers are not "
		       "shown; run as root to see every process.\n", s->procs_unreadable,
		       s->procs_unreadable + s->procs_scanned, di_strerror(s->unreadable_err));
}

int render_bufs(const struct di_bufset *s, const struct render_opts *ro)
{
	int err;

	if (ro->json)
		return json_print(bufs_json(s));
	if (s->n_bufs) {
		err = bufs_tables(s, ro);
		if (err < 0)
			return err;
		printf("\n");
	} else {
		printf("No dma-buf found.\n");
	}
	bufs_summary(s);
	return ferror(stdout) ? -EIO : 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dma-bufs as one block per buffer (buf) and as tables (bufs), text or
 * JSON, from the field tables of render/dmabuf-fields.c: the views say
 * which fields they show, and in which order.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render-dmabuf.h"

/* --- buf --- */

static struct json_object *source_json(const struct di_dmabuf *b)
{
	struct json_object *o = json_object_new_object();
	struct ival pid = { 0 }, fd = { 0 };

	if (b->source == SRC_FD || b->source == SRC_PROCESS) {
		ival_set(&pid, b->src_pid);
		ival_set(&fd, b->src_fd);
	}
	json_add_str(o, "kind", buf_source_name(b->source));
	json_add_ival(o, "pid", &pid, false);
	json_add_ival(o, "fd", &fd, false);
	json_add_str(o, "device", b->src_device);
	json_add_str(o, "driver", b->src_driver);
	json_add_str(o, "allocation", b->src_allocation);
	return o;
}

static struct json_object *buf_json(const struct di_dmabuf *b)
{
	static const char *const unknown[] = {
		"inode", "size", "exporter", "name", "attachments", "map_info",
	};
	struct json_object *o = json_object_new_object();

	json_add_str(o, "argument", b->argument);
	if (b->error) {
		json_add_str(o, "error", b->error);
		for (size_t i = 0; i < N_OF(unknown); i++)
			json_object_object_add(o, unknown[i], NULL);
		return o;
	}
	json_object_object_add(o, "source", source_json(b));
	fields_to_json(dmabuf_fields, n_dmabuf_fields, b, o);
	fields_to_json(buf_fields, n_buf_fields, b, o);
	return o;
}

/* The rows of buf's block, in order. */
static const char *const buf_rows[] = {
	"inode", "size", "exporter", "name", "fd_flags", "file_flags", "file_mode", "file_count",
	"fences", "attachments", "mmap", "sync", "export_sync_file", "map_info", "cpu_access",
};

static void buf_text(const struct di_dmabuf *b, const struct render_opts *ro)
{
	char *s = color_text(ro, "bold", b->argument);

	printf("%s", s ? s : b->argument);
	free(s);
	if (b->source == SRC_PROCESS && b->argument && strchr(b->argument, ':'))
		printf(" (fd %d of process %d)", b->src_fd, b->src_pid);
	else if (b->src_allocation)
		printf(" (test buffer: %s, driver %s; freed before exit)", b->src_allocation,
		       b->src_driver);
	printf("\n");
	for (size_t i = 0; i < N_OF(buf_rows); i++) {
		const struct field *f = buf_field(buf_rows[i]);

		s = field_text(f, b, true);
		printf("\t%-18s %s\n", f->label ? f->label : f->key, s ? s : "?");
		free(s);
	}
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

static struct json_object *exporters_json(const struct di_bufset *s)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < s->n_exporters; i++) {
		struct json_object *o = json_object_new_object();

		json_add_str(o, "exporter", s->exporters[i].exporter);
		json_object_object_add(o, "count", json_object_new_int64((long long)s->exporters[i].count));
		json_object_object_add(o, "bytes", json_object_new_int64(s->exporters[i].bytes));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *proc_json(const struct di_proc *p)
{
	struct json_object *o = json_object_new_object(), *refs = json_object_new_array();

	json_object_object_add(o, "pid", json_object_new_int(p->pid));
	json_add_sval(o, "comm", &p->comm);
	json_object_object_add(o, "count", json_object_new_int64((long long)p->n_buffers));
	json_object_object_add(o, "bytes", json_object_new_int64(p->bytes));
	json_object_object_add(o, "unknown_size_count",
			       json_object_new_int64((long long)p->n_unknown_size));
	for (size_t k = 0; k < p->n_refs; k++) {
		struct json_object *r = json_object_new_object();

		json_add_ival(r, "inode", &p->refs[k].inode, false);
		json_object_object_add(r, "fd", p->refs[k].fd >= 0 ?
					   json_object_new_int(p->refs[k].fd) : NULL);
		json_object_object_add(r, "mapped", json_object_new_boolean(p->refs[k].mapped));
		json_object_array_add(refs, r);
	}
	json_object_object_add(o, "buffers", refs);
	return o;
}

static void unheld_json(const struct di_bufset *s, struct json_object *top)
{
	struct json_object *u, *a;

	if (s->unheld_err) {
		json_add_null(top, "unheld", s->unheld_err);
		return;
	}
	u = json_object_new_object();
	a = json_object_new_array();
	json_object_object_add(u, "count", json_object_new_int64((long long)s->unheld_count));
	json_object_object_add(u, "bytes", json_object_new_int64(s->unheld_bytes));
	json_object_object_add(u, "complete", json_object_new_boolean(
					      !s->procs_unreadable && !s->proc_err && !s->n_cuts));
	for (size_t i = 0; i < s->n_bufs; i++)
		if (s->bufs[i].listed && !s->bufs[i].n_holders)
			json_object_array_add(a, json_object_new_int64(s->bufs[i].inode.v));
	json_object_object_add(u, "inodes", a);
	json_object_object_add(top, "unheld", u);
}

static struct json_object *scan_json(const struct di_bufset *s)
{
	struct json_object *o = json_object_new_object(), *cuts;
	struct ival v = { .v = (long long)s->procs_scanned, .set = !s->proc_err, .err = s->proc_err };

	json_object_object_add(o, "bufinfo", json_object_new_boolean(!s->bufinfo_err));
	if (s->bufinfo_err)
		json_add_error(o, "bufinfo", s->bufinfo_err);
	json_add_ival(o, "processes_scanned", &v, false);
	json_object_object_add(o, "processes_unreadable",
			       json_object_new_int64((long long)s->procs_unreadable));
	json_add_str(o, "unreadable_reason", s->unreadable_err ? di_strerror(s->unreadable_err) : NULL);
	cuts = json_object_new_array();
	for (size_t i = 0; i < s->n_cuts; i++) {
		const struct di_cut *c = &s->cuts[i];
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "pid", json_object_new_int(c->pid));
		json_add_str(x, "what", c->what == DI_CUT_MAPS ? "maps" : "dma-buf fds");
		json_object_object_add(x, "limit", json_object_new_int64((long long)c->limit));
		if (c->what == DI_CUT_MAPS)
			json_add_str(x, "beyond", NULL);
		else
			json_object_object_add(x, "beyond", json_object_new_int64((long long)c->beyond));
		json_object_array_add(cuts, x);
	}
	json_object_object_add(o, "cut_short", cuts);
	return o;
}

static struct json_object *bufs_json(const struct di_bufset *s)
{
	struct json_object *top = json_new_top(), *a = json_object_new_array();

	for (size_t i = 0; i < s->n_bufs; i++) {
		struct json_object *o = json_object_new_object();

		fields_to_json(dmabuf_fields, n_dmabuf_fields, &s->bufs[i], o);
		fields_to_json(bufs_fields, n_bufs_fields, &s->bufs[i], o);
		json_object_array_add(a, o);
	}
	json_object_object_add(top, "buffers", a);
	json_object_object_add(top, "exporters", exporters_json(s));
	a = json_object_new_array();
	for (size_t i = 0; i < s->n_procs; i++)
		json_object_array_add(a, proc_json(&s->procs[i]));
	json_object_object_add(top, "processes", a);
	unheld_json(s, top);
	json_object_object_add(top, "scan", scan_json(s));
	return top;
}

static void cell_owned(struct table *t, size_t col, char *text)
{
	table_cell(t, col, text ? text : "?", NULL);
	free(text);
}

static void cell_num(struct table *t, size_t col, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	table_cell(t, col, buf, NULL);
}

/* The columns of the buffers table, in order. */
static const char *const bufs_columns[] = {
	"inode", "size", "exporter", "name", "holders", "attachments",
};

static int buffers_table(const struct di_bufset *s, const struct render_opts *ro)
{
	struct table *t = table_new(ro);

	for (size_t c = 0; c < N_OF(bufs_columns); c++) {
		const struct field *f = buf_field(bufs_columns[c]);

		table_column(t, f->header, f->type == FT_INT);
	}
	for (size_t i = 0; i < s->n_bufs; i++) {
		table_row(t);
		for (size_t c = 0; c < N_OF(bufs_columns); c++)
			cell_owned(t, c, field_text(buf_field(bufs_columns[c]), &s->bufs[i], false));
	}
	return table_print(t);
}

static int exporters_table(const struct di_bufset *s, const struct render_opts *ro)
{
	struct table *t = table_new(ro);

	table_column(t, "EXPORTER", false);
	table_column(t, "BUFFERS", true);
	table_column(t, "BYTES", true);
	for (size_t i = 0; i < s->n_exporters; i++) {
		table_row(t);
		table_cell(t, 0, s->exporters[i].exporter ? s->exporters[i].exporter : "?", NULL);
		cell_num(t, 1, (long long)s->exporters[i].count);
		cell_num(t, 2, s->exporters[i].bytes);
	}
	return table_print(t);
}

/* INODE:FD, "+map" when also mapped, INODE:map for a mapping alone. */
static char *holds_text(const struct di_proc *p)
{
	struct strbuf sb;

	if (!strbuf_open(&sb))
		return NULL;
	for (size_t k = 0; k < p->n_refs; k++) {
		const struct ival *ino = &p->refs[k].inode;
		char *u = ino->set ? NULL : unknown_text(ino->err, true);

		if (ino->set)
			fprintf(sb.f, "%s%lld", k ? "," : "", ino->v);
		else
			fprintf(sb.f, "%s%s", k ? "," : "", u ? u : "?");
		free(u);
		if (p->refs[k].fd < 0)
			fputs(":map", sb.f);
		else
			fprintf(sb.f, ":%d%s", p->refs[k].fd, p->refs[k].mapped ? "+map" : "");
	}
	return strbuf_take(&sb);
}

static int procs_table(const struct di_bufset *s, const struct render_opts *ro)
{
	struct table *t = table_new(ro);

	table_column(t, "PID", true);
	table_column(t, "COMM", false);
	table_column(t, "BUFFERS", true);
	table_column(t, "BYTES", true);
	table_column(t, "HOLDS (INODE:FD)", false);
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct di_proc *p = &s->procs[i];

		table_row(t);
		cell_num(t, 0, p->pid);
		cell_owned(t, 1, p->comm.s ? xstrdup(p->comm.s) : unknown_text(p->comm.err, true));
		cell_num(t, 2, (long long)p->n_buffers);
		cell_num(t, 3, p->bytes);
		cell_owned(t, 4, holds_text(p));
	}
	return table_print(t);
}

static int bufs_tables(const struct di_bufset *s, const struct render_opts *ro)
{
	int err = buffers_table(s, ro);

	if (err < 0 || !s->n_exporters)
		return err;
	printf("\n");
	err = exporters_table(s, ro);
	if (err < 0 || !s->n_procs)
		return err;
	printf("\n");
	return procs_table(s, ro);
}

static void bufs_summary(const struct di_bufset *s)
{
	if (s->unheld_err)
		printf("Held by no process: unknown (%s).\n", di_strerror(s->unheld_err));
	else
		printf("Held by no process (kernel-held or leaked): %zu buffer%s, %lld bytes%s.\n",
		       s->unheld_count, s->unheld_count == 1 ? "" : "s", s->unheld_bytes,
		       s->procs_unreadable || s->n_cuts ?
		       "; some may be held by the processes that could not be read in full" : "");
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
	for (size_t i = 0; i < s->n_cuts; i++) {
		const struct di_cut *c = &s->cuts[i];

		if (c->what == DI_CUT_MAPS)
			printf("Process %d: its maps are larger than %llu MiB and were not read: buffers "
			       "it maps without holding an fd are not shown.\n", c->pid, c->limit >> 20);
		else
			printf("Process %d: only %llu of its %llu dma-buf fds are listed (the limit "
			       "per process).\n", c->pid, c->limit, c->limit + c->beyond);
	}
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

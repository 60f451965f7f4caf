// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The field tables of dma-bufs, their attachments and fences: each field
 * gives its JSON member and its text. Values no generic field type
 * describes (open flags, f_mode, probes, map_info, the bufinfo lists,
 * holders) have their hooks here.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render-dmabuf.h"

/* --- values no generic field type describes --- */

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

/* A number in decimal, or why it is unknown. */
static char *num_text(const struct ival *v, bool details)
{
	if (!v->set)
		return unknown_text(v->err, details);
	return xasprintf("%lld", v->v);
}

/* open(2) flags: octal and their names; JSON: the number and "<key>_decoded". */
static char *oflags_text(const struct field *f, const void *obj, bool details)
{
	const struct ival *v = field_value(f, obj);
	struct strv names = { 0 };
	struct strbuf sb;

	if (!v->set)
		return unknown_text(v->err, details);
	if (!strbuf_open(&sb))
		return NULL;
	decode_flags(v->v, &names);
	fprintf(sb.f, "0%llo (", v->v);
	for (size_t i = 0; i < names.n; i++)
		fprintf(sb.f, "%s%s", i ? " " : "", names.v[i]);
	fputc(')', sb.f);
	strv_free(&names);
	return strbuf_take(&sb);
}

static void flags_json(struct json_object *o, const char *key, const struct ival *v)
{
	char k[128];
	struct strv names = { 0 };

	json_add_ival(o, key, v, false);
	snprintf(k, sizeof(k), "%s_decoded", key);
	if (!v->set) {
		json_object_object_add(o, k, NULL);
		return;
	}
	decode_flags(v->v, &names);
	json_add_strv(o, k, &names);
	strv_free(&names);
}

static void oflags_json(const struct field *f, const void *obj, struct json_object *o)
{
	flags_json(o, f->key, field_value(f, obj));
}

/* The file's f_mode: hexadecimal and its access; JSON: the number and "<key>_access". */
static char *fmode_text(const struct field *f, const void *obj, bool details)
{
	const struct ival *v = field_value(f, obj);
	if (!v->set)
		return unknown_text(v->err, details);
	return xasprintf("0x%llx (%s)", v->v, mode_access(v->v));
}

static void fmode_json(const struct field *f, const void *obj, struct json_object *o)
{
	const struct ival *v = field_value(f, obj);
	char k[128];

	json_add_ival(o, f->key, v, false);
	snprintf(k, sizeof(k), "%s_access", f->key);
	json_add_str(o, k, v->set ? mode_access(v->v) : NULL);
}

/* A probe: yes, no with why, or unknown with why it was not run. */
static char *probe_text(const struct field *f, const void *obj, bool details)
{
	const struct di_probe *p = field_value(f, obj);
	if (p->ok.set && p->ok.v)
		return xstrdup("yes");
	return xasprintf("%s (%s)", p->ok.set ? "no" : "unknown", di_strerror(p->ok.err));
}

static void probe_json(const struct field *f, const void *obj, struct json_object *o)
{
	const struct di_probe *p = field_value(f, obj);

	if (!p->ok.set) {
		json_add_null(o, f->key, p->ok.err);
		return;
	}
	json_object_object_add(o, f->key, json_object_new_boolean(p->ok.v != 0));
	if (!p->ok.v && p->ok.err)
		json_add_error(o, f->key, p->ok.err);
}

/* DMA_BUF_IOCTL_INFO's answer: its name, and the raw number as "<key>_value". */
static char *map_info_text(const struct field *f, const void *obj, bool details)
{
	const struct ival *v = field_value(f, obj);
	const char *name = v->set ? map_info_name(v->v) : NULL;

	return name ? xstrdup(name) : num_text(v, details);
}

static void map_info_json(const struct field *f, const void *obj, struct json_object *o)
{
	const struct ival *v = field_value(f, obj);
	const char *name = v->set ? map_info_name(v->v) : NULL;
	char k[128];

	if (name)
		json_add_str(o, f->key, name);
	else
		json_add_null(o, f->key, v->set ? -DB_EUNKNOWNVAL : v->err);
	snprintf(k, sizeof(k), "%s_value", f->key);
	json_object_object_add(o, k, v->set ? json_object_new_int64(v->v) : NULL);
}

/* An attachment's bus: unknown when the device is not in sysfs. */
static void bus_json(const struct field *f, const void *obj, struct json_object *o)
{
	const struct di_attachment *a = obj;
	struct sval bus = { .s = a->bus, .err = a->known ? 0 : -ENOENT };

	json_add_sval(o, f->key, &bus);
}

#define M(T, k, l, t, m, h) { .key = k, .label = l, .type = t, .off = offsetof(T, m), .help = h }
#define A(k, t, m, h) M(struct di_attachment, k, NULL, t, m, h)

static const struct field attachment_fields[] = {
	A("device", FT_CSTR, device, "device name, as bufinfo prints it"),
	A("known", FT_CBOOL, known, "found in sysfs"),
	{ .key = "bus", .type = FT_CUSTOM, .off = offsetof(struct di_attachment, bus),
	  .json = bus_json, .help = "bus (subsystem) name" },
	A("driver", FT_STR, driver, "bound driver"),
	A("iommu_group", FT_INT, iommu_group, "IOMMU group id"),
	A("iommu_domain", FT_STR, iommu_domain, "default domain type of the group, raw"),
	A("dma_mask_bits", FT_INT, dma_mask_bits, "streaming DMA mask width"),
	A("coherent_dma_mask_bits", FT_INT, coherent_dma_mask_bits, "coherent DMA mask width"),
	A("dt_coherent", FT_BOOL, dt_coherent, "device-tree DMA coherency"),
	A("dt_coherent_from", FT_STR, dt_coherent_from, "node whose property decided coherency"),
};

#define FE(k, t, m, h) M(struct di_fence, k, NULL, t, m, h)

static const struct field fence_fields[] = {
	FE("usage", FT_CSTR, usage, "kernel, write, read or bookkeep; exclusive or shared before 5.19"),
	FE("driver", FT_STR, driver, "driver of the fence"),
	FE("timeline", FT_STR, timeline, "timeline of the fence"),
	FE("context", FT_INT, context, "fence context (7.x)"),
	FE("seqno", FT_INT, seqno, "sequence number (5.19 and later)"),
	FE("signalled", FT_CBOOL, signalled, "signalled"),
};

/* An array of objects, one per element, from a field table. */
static struct json_object *objects_json(const struct field *fields, size_t nf, const void *v,
					size_t size, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		fields_to_json(fields, nf, (const char *)v + i * size, o);
		json_object_array_add(a, o);
	}
	return a;
}

/* "listed": whether bufinfo lists the buffer, with why not. */
static void listed_json(const struct field *f, const void *obj, struct json_object *o)
{
	const struct di_dmabuf *b = obj;

	json_object_object_add(o, f->key, json_object_new_boolean(b->listed));
	if (!b->listed && b->bufinfo_err)
		json_add_error(o, f->key, b->bufinfo_err);
}

static char *unlisted_text(const struct di_dmabuf *b)
{
	return xasprintf("unknown (%s)", di_strerror(b->bufinfo_err));
}

static void fence_line(FILE *f, const struct di_fence *fc)
{
	if (fc->driver.s)
		fprintf(f, "%s: %s %s", fc->usage, fc->driver.s, fc->timeline.s ? fc->timeline.s : "");
	else
		fprintf(f, "%s: (driver and timeline not printed once signalled)", fc->usage);
	if (fc->context.set)
		fprintf(f, " context %lld", fc->context.v);
	if (fc->seqno.set)
		fprintf(f, " seq %lld", fc->seqno.v);
	fprintf(f, " %s", fc->signalled ? "signalled" : "unsignalled");
}

/* The count, then one line per fence. */
static char *fences_text(const struct field *f, const void *obj, bool details)
{
	const struct di_dmabuf *b = obj;
	struct strbuf sb;

	if (!b->listed)
		return unlisted_text(b);
	if (!strbuf_open(&sb))
		return NULL;
	fprintf(sb.f, "%zu", b->n_fences);
	for (size_t i = 0; i < b->n_fences; i++) {
		fputs("\n\t  ", sb.f);
		fence_line(sb.f, &b->fences[i]);
	}
	return strbuf_take(&sb);
}

static void fences_json(const struct field *f, const void *obj, struct json_object *o)
{
	const struct di_dmabuf *b = obj;

	if (!b->listed)
		json_add_null(o, f->key, b->bufinfo_err);
	else
		json_object_object_add(o, f->key, objects_json(fence_fields, N_OF(fence_fields),
				       b->fences, sizeof(*b->fences), b->n_fences));
}

static void attachment_line(FILE *f, const struct di_attachment *a)
{
	char *grp, *mask, *cmask;

	if (!a->known) {
		fprintf(f, "%s (not found in sysfs)", a->device);
		return;
	}
	grp = num_text(&a->iommu_group, true);
	mask = num_text(&a->dma_mask_bits, true);
	cmask = num_text(&a->coherent_dma_mask_bits, true);
	fprintf(f, "%s (%s, driver %s, IOMMU group %s, domain %s, mask %s, coherent mask %s",
		a->device, a->bus, a->driver.s ? a->driver.s : "-", grp ? grp : "?",
		a->iommu_domain.s ? a->iommu_domain.s : "-", mask ? mask : "?", cmask ? cmask : "?");
	if (a->dt_coherent.set)
		fprintf(f, ", %sDMA-coherent (%s)", a->dt_coherent.v ? "" : "not ",
			a->dt_coherent_from.s ? a->dt_coherent_from.s : "");
	fputc(')', f);
	free(grp);
	free(mask);
	free(cmask);
}

/* Details: the count, then one line per device; else the devices, the non-coherent marked. */
static char *attachments_text(const struct field *f, const void *obj, bool details)
{
	const struct di_dmabuf *b = obj;
	struct strbuf sb;

	if (!b->listed)
		return details ? unlisted_text(b) : xstrdup("?");
	if (!details && !b->n_attachments)
		return xstrdup("-");
	if (!strbuf_open(&sb))
		return NULL;
	if (details)
		fprintf(sb.f, "%zu", b->n_attachments);
	for (size_t i = 0; i < b->n_attachments; i++) {
		const struct di_attachment *a = &b->attachments[i];

		if (details) {
			fputs("\n\t  ", sb.f);
			attachment_line(sb.f, a);
		} else {
			fprintf(sb.f, "%s%s%s", i ? "," : "", a->device,
				a->dt_coherent.set && !a->dt_coherent.v ? " (non-coherent)" : "");
		}
	}
	return strbuf_take(&sb);
}

static void attachments_json(const struct field *f, const void *obj, struct json_object *o)
{
	const struct di_dmabuf *b = obj;

	if (!b->listed)
		json_add_null(o, f->key, b->bufinfo_err);
	else
		json_object_object_add(o, f->key, objects_json(attachment_fields, N_OF(attachment_fields),
				       b->attachments, sizeof(*b->attachments), b->n_attachments));
}

/* Holders: PID:FD, "+map" when also mapped, PID:map for a mapping alone. */
static char *holders_text(const struct field *f, const void *obj, bool details)
{
	const struct di_dmabuf *b = obj;
	struct strbuf sb;

	if (!b->n_holders)
		return xstrdup("-");
	if (!strbuf_open(&sb))
		return NULL;
	for (size_t i = 0; i < b->n_holders; i++) {
		const struct di_holder *h = &b->holders[i];

		if (h->fd >= 0)
			fprintf(sb.f, "%s%d:%d%s", i ? "," : "", h->pid, h->fd, h->mapped ? "+map" : "");
		else
			fprintf(sb.f, "%s%d:map", i ? "," : "", h->pid);
	}
	return strbuf_take(&sb);
}

static void holders_json(const struct field *f, const void *obj, struct json_object *o)
{
	const struct di_dmabuf *b = obj;
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < b->n_holders; i++) {
		const struct di_holder *h = &b->holders[i];
		struct json_object *ho = json_object_new_object();

		json_object_object_add(ho, "pid", json_object_new_int(h->pid));
		json_object_object_add(ho, "fd", h->fd >= 0 ? json_object_new_int(h->fd) : NULL);
		json_object_object_add(ho, "mapped", json_object_new_boolean(h->mapped));
		flags_json(ho, "fd_flags", h->fd >= 0 ? &h->flags : &(struct ival){ 0 });
		json_object_array_add(a, ho);
	}
	json_object_object_add(o, f->key, a);
}

#define D(k, l, t, m, h) M(struct di_dmabuf, k, l, t, m, h)
#define DC(k, l, hook, m, h) \
	{ .key = k, .label = l, .type = FT_CUSTOM, .off = offsetof(struct di_dmabuf, m), \
	  .text = hook##_text, .json = hook##_json, .help = h }
#define COL(k, hd, t, m, h) \
	{ .key = k, .header = hd, .type = t, .off = offsetof(struct di_dmabuf, m), .column = true, \
	  .help = h }

/* What buf and bufs both show of a buffer, in the order of its JSON object. */
const struct field dmabuf_fields[] = {
	COL("inode", "INODE", FT_INT, inode, "inode number of the buffer's file"),
	COL("size", "SIZE", FT_INT, size, "size in bytes"),
	COL("exporter", "EXPORTER", FT_STR, exporter, "exporting driver (exp_name)"),
	COL("name", "NAME", FT_STR, name, "name set with DMA_BUF_SET_NAME"),
	D("file_count", "file count", FT_INT, file_count, "file reference count"),
	DC("file_flags", "file flags", oflags, file_flags, "the file's f_flags (bufinfo)"),
	DC("file_mode", "file mode", fmode, file_mode, "the file's f_mode (bufinfo)"),
	{ .key = "listed", .type = FT_CUSTOM, .off = offsetof(struct di_dmabuf, listed),
	  .json = listed_json, .help = "listed in debugfs dma_buf/bufinfo" },
	DC("fences", NULL, fences, fences, "fences on the buffer's reservation object"),
	{ .key = "attachments", .header = "ATTACHED", .type = FT_CUSTOM, .column = true,
	  .off = offsetof(struct di_dmabuf, attachments), .text = attachments_text,
	  .json = attachments_json, .help = "devices attached to the buffer" },
	DC("map_info", NULL, map_info, map_info, "DMA_BUF_IOCTL_INFO's DMA_BUF_INFO_MAP answer"),
};

/* What only bufs shows. */
const struct field bufs_fields[] = {
	{ .key = "holders", .header = "HOLDERS", .type = FT_CUSTOM, .column = true,
	  .off = offsetof(struct di_dmabuf, holders), .text = holders_text, .json = holders_json,
	  .help = "processes holding it by fd or mapping" },
};

/* The CPU-access probes, in buf's "cpu_access" object. */
static const struct field probe_fields[] = {
	DC("mmap", NULL, probe, mmap, "mmap of the fd works"),
	DC("sync", NULL, probe, sync, "DMA_BUF_IOCTL_SYNC works"),
	DC("export_sync_file", "export sync_file", probe, export_sync_file,
	   "DMA_BUF_IOCTL_EXPORT_SYNC_FILE works"),
};

/* The advice, its reasons and (text only) the buffer's notes. */
static char *cpu_access_text(const struct field *f, const void *obj, bool details)
{
	const struct di_dmabuf *b = obj;
	struct strbuf sb;

	if (!strbuf_open(&sb))
		return NULL;
	if (b->cpu_advice)
		fprintf(sb.f, "%s: %s", b->cpu_advice, b->cpu_summary);
	else
		fputc('-', sb.f);
	for (size_t i = 0; i < b->reasons.n; i++)
		fprintf(sb.f, "\n\t  because %s", b->reasons.v[i]);
	for (size_t i = 0; i < b->notes.n; i++)
		fprintf(sb.f, "\n\t  note: %s", b->notes.v[i]);
	return strbuf_take(&sb);
}

static void cpu_access_json(const struct field *f, const void *obj, struct json_object *o)
{
	const struct di_dmabuf *b = obj;
	struct json_object *cpu = json_object_new_object();

	fields_to_json(probe_fields, N_OF(probe_fields), b, cpu);
	json_add_str(cpu, "advice", b->cpu_advice);
	json_add_str(cpu, "summary", b->cpu_summary);
	json_add_strv(cpu, "reasons", &b->reasons);
	json_object_object_add(o, f->key, cpu);
}

/* What only buf shows, after dmabuf_fields in JSON. */
const struct field buf_fields[] = {
	DC("fd_flags", "fd flags", oflags, fd_flags, "fdinfo flags of the fd inspected"),
	DC("cpu_access", "CPU access", cpu_access, cpu_summary, "CPU-access probes and advice"),
	D("notes", NULL, FT_STRV, notes, "what else to know before using the buffer"),
};

const size_t n_dmabuf_fields = N_OF(dmabuf_fields);
const size_t n_bufs_fields = N_OF(bufs_fields);
const size_t n_buf_fields = N_OF(buf_fields);

const struct field *buf_field(const char *key)
{
	const struct field *f = field_find(dmabuf_fields, N_OF(dmabuf_fields), key);

	if (!f)
		f = field_find(buf_fields, N_OF(buf_fields), key);
	if (!f)
		f = field_find(probe_fields, N_OF(probe_fields), key);
	if (!f)
		f = field_find(bufs_fields, N_OF(bufs_fields), key);
	return f;
}

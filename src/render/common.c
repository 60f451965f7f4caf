// SPDX-License-Identifier: LGPL-2.1-or-later
/* JSON and text building blocks shared by every renderer. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

#include "render.h"
#include "shared/xalloc.h"

#define SCHEMA_VERSION 1

void json_add_error(struct json_object *o, const char *key, int err)
{
	char k[128];

	snprintf(k, sizeof(k), "%s_error", key);
	json_object_object_add(o, k, json_object_new_string(di_strerror(err)));
}

void json_add_null(struct json_object *o, const char *key, int err)
{
	json_object_object_add(o, key, NULL);
	if (err)
		json_add_error(o, key, err);
}

void json_add_ival(struct json_object *o, const char *key, const struct ival *v, bool boolean)
{
	if (v->set)
		json_object_object_add(o, key, boolean ? json_object_new_boolean(v->v != 0) :
						      json_object_new_int64(v->v));
	else
		json_object_object_add(o, key, NULL);
	if (!v->set && v->err)
		json_add_error(o, key, v->err);
}

void json_add_sval(struct json_object *o, const char *key, const struct sval *v)
{
	json_object_object_add(o, key, v->s ? json_object_new_string(v->s) : NULL);
	if (!v->s && v->err)
		json_add_error(o, key, v->err);
}

void json_add_strv(struct json_object *o, const char *key, const struct strv *v)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < v->n; i++)
		json_object_array_add(a, json_object_new_string(v->v[i]));
	json_object_object_add(o, key, a);
}

void json_add_str(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, s ? json_object_new_string(s) : NULL);
}

struct json_object *json_new_top(void)
{
	struct json_object *top = json_object_new_object();

	json_object_object_add(top, "version", json_object_new_int(SCHEMA_VERSION));
	return top;
}

#define JSON_FLAGS \
	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)

int json_print(struct json_object *top)
{
	const char *s = json_object_to_json_string_ext(top, JSON_FLAGS);
	int err = 0;

	if (fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF)
		err = -errno;
	json_object_put(top);
	return err;
}

/* Write len bytes of s, each line after the first indented: false on a write error. */
static bool put_indented(const char *s, size_t len, const char *indent)
{
	size_t il = strlen(indent), lines = 0, o = 0;
	char *buf;
	bool ok;

	for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + len - p))); p++)
		lines++;
	buf = xmalloc(len + lines * il + 1);
	for (size_t i = 0; i < len; i++) {
		buf[o++] = s[i];
		if (s[i] == '\n') {
			memcpy(buf + o, indent, il);
			o += il;
		}
	}
	ok = fwrite(buf, 1, o, stdout) == o;
	free(buf);
	return ok;
}

/*
 * The items, each serialised (at depth 0: the same pretty printer) and freed
 * in turn, indented to their place in the document.
 */
static bool put_items(size_t n, struct json_object *(*item)(size_t i, const void *ctx),
		      const void *ctx, const char *sep, size_t seplen, const char *indent)
{
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = item(i, ctx);
		const char *s = json_object_to_json_string_ext(o, JSON_FLAGS);
		bool ok = (!i || fwrite(sep, 1, seplen, stdout) == seplen) &&
			  put_indented(s, strlen(s), indent);

		json_object_put(o);
		if (!ok)
			return false;
	}
	return true;
}

/*
 * json_print() of top with key: an array of n items made one at a time by
 * item(), byte for byte, without holding the whole tree and its text. The
 * text around and between the items is json-c's own, taken from top printed
 * with two placeholder items.
 */
int json_print_items(struct json_object *top, const char *key, size_t n,
		     struct json_object *(*item)(size_t i, const void *ctx), const void *ctx)
{
	static const char mark0[] = "\"@dmainspect-item-0@\"", mark1[] = "\"@dmainspect-item-1@\"";
	struct json_object *a = json_object_new_array();
	const char *s, *m0, *m1, *line;
	char *indent;
	bool ok;

	if (!n) {
		json_object_object_add(top, key, a);
		return json_print(top);
	}
	json_object_array_add(a, json_object_new_string("@dmainspect-item-0@"));
	json_object_array_add(a, json_object_new_string("@dmainspect-item-1@"));
	json_object_object_add(top, key, a);
	s = json_object_to_json_string_ext(top, JSON_FLAGS);
	m0 = strstr(s, mark0);
	m1 = m0 ? strstr(m0, mark1) : NULL;
	if (!m1)
		abort();	/* json-c prints a plain string as itself, quoted */
	for (line = m0; line > s && line[-1] != '\n'; line--)
		;
	indent = xstrndup(line, (size_t)(m0 - line));
	ok = fwrite(s, 1, (size_t)(m0 - s), stdout) == (size_t)(m0 - s) &&
	     put_items(n, item, ctx, m0 + strlen(mark0), (size_t)(m1 - m0) - strlen(mark0),
		       indent) &&
	     fputs(m1 + strlen(mark1), stdout) != EOF && fputc('\n', stdout) != EOF;
	free(indent);
	json_object_put(top);
	return ok ? 0 : -errno;
}

const void *field_value(const struct field *f, const void *obj)
{
	return (const char *)obj + f->off;
}

const struct field *field_find(const struct field *fields, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fields[i].key, key) == 0)
			return &fields[i];
	return NULL;
}

char *unknown_text(int err, bool details)
{
	if (!err)
		return xstrdup("-");
	if (!details)
		return xstrdup("?");
	return xasprintf("unknown (%s)", di_strerror(err));
}

static char *strv_text(const struct strv *v)
{
	struct strbuf sb;
	char *s;

	if (!strbuf_open(&sb))
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		fprintf(sb.f, "%s%s", i ? "," : "", v->v[i]);
	s = strbuf_take(&sb);
	if (s && !*s) {
		free(s);
		return xstrdup("-");
	}
	return s;
}

static char *ival_text(const struct field *f, const struct ival *iv, bool details)
{
	if (!iv->set)
		return unknown_text(iv->err, details);
	if (f->type == FT_BOOL)
		return xstrdup(iv->v ? "yes" : "no");
	if (f->type == FT_ID16)
		return xasprintf("%04llx", iv->v);
	if (f->type == FT_ID24)
		return xasprintf("%06llx", iv->v);
	return xasprintf("%lld", iv->v);
}

char *field_text(const struct field *f, const void *obj, bool details)
{
	const void *p = field_value(f, obj);
	const struct sval *sv = p;

	switch (f->type) {
	case FT_STR:
		return sv->s ? xstrdup(sv->s) : unknown_text(sv->err, details);
	case FT_INT:
	case FT_ID16:
	case FT_ID24:
	case FT_BOOL:
		return ival_text(f, p, details);
	case FT_STRV:
		return strv_text(p);
	case FT_CSTR:
		return xstrdup(*(char *const *)p ? *(char *const *)p : "-");
	case FT_CBOOL:
		return xstrdup(*(const bool *)p ? "yes" : "no");
	case FT_CUSTOM:
		return f->text ? f->text(f, obj, details) : xstrdup("-");
	}
	return NULL;
}

void fields_to_json(const struct field *fields, size_t n, const void *obj, struct json_object *o)
{
	for (size_t i = 0; i < n; i++) {
		const struct field *f = &fields[i];
		const void *p = field_value(f, obj);

		switch (f->type) {
		case FT_STR:
			json_add_sval(o, f->key, p);
			break;
		case FT_INT:
		case FT_ID16:
		case FT_ID24:
			json_add_ival(o, f->key, p, false);
			break;
		case FT_BOOL:
			json_add_ival(o, f->key, p, true);
			break;
		case FT_STRV:
			json_add_strv(o, f->key, p);
			break;
		case FT_CSTR:
			json_add_str(o, f->key, *(char *const *)p);
			break;
		case FT_CBOOL:
			json_object_object_add(o, f->key, json_object_new_boolean(*(const bool *)p));
			break;
		case FT_CUSTOM:
			if (f->json)
				f->json(f, obj, o);
			break;
		}
	}
}

void fields_help(FILE *out, const struct field *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %-24s %s%s\n", fields[i].key, fields[i].help,
			fields[i].column ? " [column]" : "");
}

const char *color_for(const struct render_opts *ro, const char *what)
{
	if (!ro->color || !what)
		return NULL;
	if (strcmp(what, "?") == 0 || strncmp(what, "unknown", 7) == 0)
		return "red";
	if (strcmp(what, "alloc-coherent") == 0 || strcmp(what, "bounce") == 0)
		return "yellow";
	if (strcmp(what, "map-bind") == 0 || strcmp(what, "map-populate") == 0)
		return "green";
	return NULL;
}

/* libsmartcols' sequences around a marker cell give the colour's on and off. */
char *color_text(const struct render_opts *ro, const char *color, const char *text)
{
	struct libscols_table *tb;
	struct libscols_line *ln;
	char *seq = NULL, *mark, *s = NULL;

	if (!ro->color || !color)
		return xstrdup(text);
	tb = scols_new_table();
	if (!tb)
		xalloc_fail();
	scols_table_enable_colors(tb, 1);
	scols_table_enable_noheadings(tb, 1);
	ln = scols_table_new_column(tb, "", 0, 0) ? scols_table_new_line(tb, NULL) : NULL;
	if (ln && scols_line_set_data(ln, 0, "|") == 0 &&
	    scols_cell_set_color(scols_line_get_cell(ln, 0), color) == 0 &&
	    scols_print_table_to_string(tb, &seq) == 0 && (mark = strchr(seq, '|'))) {
		*mark = '\0';
		s = xasprintf("%s%s%s", seq, text, mark + 1);
	} else {
		s = xstrdup(text);
	}
	free(seq);
	scols_unref_table(tb);
	return s;
}

void print_heading(const struct render_opts *ro, const char *title, bool first)
{
	char *s = color_text(ro, "bold", title);

	printf("%s%s\n", first ? "" : "\n", s ? s : title);
	free(s);
}

FILE *strbuf_open(struct strbuf *sb)
{
	sb->s = NULL;
	sb->len = 0;
	sb->f = open_memstream(&sb->s, &sb->len);
	return sb->f;
}

char *strbuf_take(struct strbuf *sb)
{
	bool bad = ferror(sb->f);

	if (fclose(sb->f) != 0 || bad) {
		free(sb->s);
		return NULL;
	}
	return sb->s;
}

struct table {
	struct libscols_table *tb;
	struct libscols_line *ln;
};

struct table *table_new(const struct render_opts *ro)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->tb = scols_new_table();
	if (!t->tb)
		xalloc_fail();
	scols_table_enable_colors(t->tb, ro->color);
	return t;
}

void table_column(struct table *t, const char *header, bool right)
{
	struct libscols_column *cl = scols_table_new_column(t->tb, header, 0,
							     right ? SCOLS_FL_RIGHT : 0);

	if (cl && scols_table_colors_wanted(t->tb))
		scols_cell_set_color(scols_column_get_header(cl), "bold");
}

void table_column_lines(struct table *t, const char *header)
{
	struct libscols_column *cl = scols_table_new_column(t->tb, header, 0, SCOLS_FL_WRAP);

	if (!cl)
		return;
	/* The line breaks are the point; the other cells print as printf would. */
	scols_table_enable_noencoding(t->tb, 1);
	scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize, scols_wrapnl_nextchunk, NULL);
	if (scols_table_colors_wanted(t->tb))
		scols_cell_set_color(scols_column_get_header(cl), "bold");
}

void table_row(struct table *t)
{
	t->ln = scols_table_new_line(t->tb, NULL);
}

void table_cell(struct table *t, size_t col, const char *text, const char *color)
{
	if (!t->ln)
		return;
	scols_line_set_data(t->ln, col, text ? text : "-");
	if (color)
		scols_cell_set_color(scols_line_get_cell(t->ln, col), color);
}

int table_print(struct table *t)
{
	int err = scols_print_table(t->tb);

	scols_unref_table(t->tb);
	free(t);
	if (err == 0 && ferror(stdout))
		err = -EIO;
	return err < 0 ? err : 0;
}

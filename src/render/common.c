// SPDX-License-Identifier: LGPL-2.1-or-later
/* JSON and text building blocks shared by every renderer. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

#include "render.h"
#include "shared/xalloc.h"

#define SCHEMA_VERSION 1

#define JSON_FLAGS \
	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)

/*
 * The JSON writer: json-c's pretty printer (JSON_FLAGS) byte for byte, for
 * output too large to build as a tree first. Two spaces a level, members
 * and elements each on their own line, the closing bracket on its own line
 * even when empty, strings escaped as json_escape_str() does (the slash left
 * alone).
 */
struct json_writer {
	FILE *out;
	char *buf;
	size_t len, cap;
	unsigned depth;
	bool first;	/* nothing written yet at this depth */
	int failed;	/* errno of a failed write: the rest is dropped */
};

static void jw_flush(struct json_writer *w)
{
	if (w->len && !w->failed && fwrite(w->buf, 1, w->len, w->out) != w->len)
		w->failed = errno ? errno : EIO;
	w->len = 0;
}

/* Room for n more bytes at the end of the buffer: where they go. */
static char *jw_room(struct json_writer *w, size_t n)
{
	if (w->len + n > w->cap) {
		jw_flush(w);
		if (n > w->cap) {
			w->cap = n > 65536 ? n : 65536;
			w->buf = xrealloc(w->buf, w->cap);
		}
	}
	return w->buf + w->len;
}

static void jw_put(struct json_writer *w, const char *s, size_t n)
{
	char *p = jw_room(w, n);

	/* Most pieces are a few bytes: a call to memcpy would cost more. */
	if (n <= 8) {
		for (size_t i = 0; i < n; i++)
			p[i] = s[i];
	} else {
		memcpy(p, s, n);
	}
	w->len += n;
}

static void jw_puts(struct json_writer *w, const char *s)
{
	jw_put(w, s, strlen(s));
}

/* A line break and the indent of the current depth (json-c's indent()), at p. */
static char *jw_indent(const struct json_writer *w, char *p)
{
	*p++ = '\n';
	memset(p, ' ', 2 * (size_t)w->depth);
	return p + 2 * (size_t)w->depth;
}

static void jw_newline(struct json_writer *w)
{
	char *p = jw_room(w, 1 + 2 * (size_t)w->depth);

	w->len = (size_t)(jw_indent(w, p) - w->buf);
}

/* The bytes a JSON string escapes: controls, the quote and the backslash. */
static bool jw_escaped(unsigned char c)
{
	return c < ' ' || c == '"' || c == '\\';
}

/*
 * Whether any of the 8 bytes of x may be one jw_escaped() is true of (the
 * bit tricks of "Bit Twiddling Hacks": never a miss, now and then a false
 * alarm, which the byte-at-a-time check then clears).
 */
static bool jw_escaped8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');

	return (((x - ones * ' ') & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
}

static void jw_string(struct json_writer *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s, *end = s + strlen(s);

	jw_put(w, "\"", 1);
	while (s < end) {
		unsigned char c = (unsigned char)*s;
		const char *esc;
		uint64_t x;
		char u[6];

		if (end - s >= 8) {
			memcpy(&x, s, sizeof(x));
			if (!jw_escaped8(x)) {
				s += 8;
				continue;
			}
		}
		if (!jw_escaped(c)) {
			s++;
			continue;
		}
		jw_put(w, run, (size_t)(s - run));
		run = ++s;
		esc = c == '\b' ? "\\b" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" :
		      c == '\f' ? "\\f" : c == '"' ? "\\\"" : c == '\\' ? "\\\\" : NULL;
		if (esc) {
			jw_puts(w, esc);
			continue;
		}
		memcpy(u, "\\u00", 4);
		u[4] = hex[c >> 4];
		u[5] = hex[c & 0xf];
		jw_put(w, u, sizeof(u));
	}
	jw_put(w, run, (size_t)(s - run));
	jw_put(w, "\"", 1);
}

/*
 * Before a member (KEY) of an object or an element (KEY NULL) of an array:
 * the comma, the line break and indent, and the key with its quotes. Keys
 * are the program's own names (letters, digits and '_'): never escaped.
 */
static void jw_key(struct json_writer *w, const char *key)
{
	size_t n = key ? strlen(key) : 0;
	char *p = jw_room(w, 2 + 2 * (size_t)w->depth + n + 4);

	if (!w->first)
		*p++ = ',';
	w->first = false;
	p = jw_indent(w, p);
	if (key) {
		*p++ = '"';
		memcpy(p, key, n);
		p += n;
		memcpy(p, "\": ", 3);
		p += 3;
	}
	w->len = (size_t)(p - w->buf);
}

void jw_open(struct json_writer *w, const char *key, char bracket)
{
	jw_key(w, key);
	jw_put(w, &bracket, 1);
	w->depth++;
	w->first = true;
}

void jw_close(struct json_writer *w, char bracket)
{
	w->depth--;
	jw_newline(w);
	jw_put(w, &bracket, 1);
	w->first = false;
}

/* A value json-c prints: its text at depth 0, each line indented to ours. */
static void jw_json(struct json_writer *w, struct json_object *v)
{
	const char *s = v ? json_object_to_json_string_ext(v, JSON_FLAGS) : "null";

	for (const char *nl; (nl = strchr(s, '\n')); s = nl + 1) {
		jw_put(w, s, (size_t)(nl - s));
		jw_newline(w);
	}
	jw_puts(w, s);
}

/* Where JSON goes: a json-c object being built, or a writer. */
struct json_sink {
	struct json_object *o;
	struct json_writer *w;
};

/* KEY: V, taking V (NULL: null). */
static void sink_json(const struct json_sink *k, const char *key, struct json_object *v)
{
	if (k->o) {
		json_object_object_add(k->o, key, v);
		return;
	}
	jw_key(k->w, key);
	jw_json(k->w, v);
	json_object_put(v);
}

static void sink_str(const struct json_sink *k, const char *key, const char *s)
{
	if (k->o) {
		json_object_object_add(k->o, key, s ? json_object_new_string(s) : NULL);
		return;
	}
	jw_key(k->w, key);
	if (s)
		jw_string(k->w, s);
	else
		jw_puts(k->w, "null");
}

static void sink_int(const struct json_sink *k, const char *key, long long v, bool boolean)
{
	char num[LL_TEXT_MAX];

	if (k->o) {
		json_object_object_add(k->o, key, boolean ? json_object_new_boolean(v != 0) :
							    json_object_new_int64(v));
		return;
	}
	jw_key(k->w, key);
	if (boolean) {
		jw_puts(k->w, v ? "true" : "false");
		return;
	}
	jw_puts(k->w, ll_text(num, v));
}

static void sink_strv(const struct json_sink *k, const char *key, const struct strv *v)
{
	if (k->o) {
		struct json_object *a = json_object_new_array();

		for (size_t i = 0; i < v->n; i++)
			json_object_array_add(a, json_object_new_string(v->v[i]));
		json_object_object_add(k->o, key, a);
		return;
	}
	jw_open(k->w, key, '[');
	for (size_t i = 0; i < v->n; i++) {
		jw_key(k->w, NULL);
		jw_string(k->w, v->v[i]);
	}
	jw_close(k->w, ']');
}

static void sink_error(const struct json_sink *k, const char *key, int err)
{
	char e[128];

	snprintf(e, sizeof(e), "%s_error", key);
	sink_str(k, e, di_strerror(err));
}

/* An unknown value: null, and "<key>_error" where ERR says why. */
static void sink_null(const struct json_sink *k, const char *key, int err)
{
	sink_str(k, key, NULL);
	if (err)
		sink_error(k, key, err);
}

static void sink_ival(const struct json_sink *k, const char *key, const struct ival *v, bool boolean)
{
	if (v->set)
		sink_int(k, key, v->v, boolean);
	else
		sink_null(k, key, v->err);
}

static void sink_sval(const struct json_sink *k, const char *key, const struct sval *v)
{
	if (v->s)
		sink_str(k, key, v->s);
	else
		sink_null(k, key, v->err);
}

void json_add_error(struct json_object *o, const char *key, int err)
{
	sink_error(&(struct json_sink){ .o = o }, key, err);
}

void json_add_null(struct json_object *o, const char *key, int err)
{
	sink_null(&(struct json_sink){ .o = o }, key, err);
}

void json_add_ival(struct json_object *o, const char *key, const struct ival *v, bool boolean)
{
	sink_ival(&(struct json_sink){ .o = o }, key, v, boolean);
}

void json_add_sval(struct json_object *o, const char *key, const struct sval *v)
{
	sink_sval(&(struct json_sink){ .o = o }, key, v);
}

void json_add_strv(struct json_object *o, const char *key, const struct strv *v)
{
	sink_strv(&(struct json_sink){ .o = o }, key, v);
}

void json_add_str(struct json_object *o, const char *key, const char *s)
{
	sink_str(&(struct json_sink){ .o = o }, key, s);
}

void jw_str(struct json_writer *w, const char *key, const char *s)
{
	sink_str(&(struct json_sink){ .w = w }, key, s);
}

void jw_strv(struct json_writer *w, const char *key, const struct strv *v)
{
	sink_strv(&(struct json_sink){ .w = w }, key, v);
}

struct json_object *json_new_top(void)
{
	struct json_object *top = json_object_new_object();

	json_object_object_add(top, "version", json_object_new_int(SCHEMA_VERSION));
	return top;
}

int json_print(struct json_object *top)
{
	const char *s = json_object_to_json_string_ext(top, JSON_FLAGS);
	int err = 0;

	if (fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF)
		err = -errno;
	json_object_put(top);
	return err;
}

/*
 * json_print() of top with key: an array of n items written one at a time
 * by item(), without holding the whole tree and its text. The text around
 * and between the items is json-c's own, taken from top printed with two
 * placeholder items.
 */
int json_print_items(struct json_object *top, const char *key, size_t n,
		     void (*item)(struct json_writer *w, size_t i, const void *ctx),
		     const void *ctx)
{
	static const char mark0[] = "\"@dmainspect-item-0@\"", mark1[] = "\"@dmainspect-item-1@\"";
	struct json_object *a = json_object_new_array();
	struct json_writer w = { .out = stdout };
	const char *s, *m0, *m1, *line;

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
	for (line = m0; line > s && line[-1] == ' '; line--)
		;
	if (line == s || line[-1] != '\n')
		abort();	/* json-c puts each element on a line of its own */
	/* The items' depth, from their indent; each begins with the writer's newline. */
	w.depth = (unsigned)(m0 - line) / 2;
	w.first = true;
	jw_put(&w, s, (size_t)(line - s - 1));
	for (size_t i = 0; i < n; i++) {
		jw_open(&w, NULL, '{');
		item(&w, i, ctx);
		jw_close(&w, '}');
		if (w.failed)
			break;
	}
	jw_puts(&w, m1 + strlen(mark1));
	jw_put(&w, "\n", 1);
	jw_flush(&w);
	if (!w.failed && fflush(stdout) == EOF)
		w.failed = errno;
	free(w.buf);
	json_object_put(top);
	return -w.failed;
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

static void fields_emit(const struct field *fields, size_t n, const void *obj,
			const struct json_sink *k)
{
	for (size_t i = 0; i < n; i++) {
		const struct field *f = &fields[i];
		const void *p = field_value(f, obj);

		switch (f->type) {
		case FT_STR:
			sink_sval(k, f->key, p);
			break;
		case FT_INT:
		case FT_ID16:
		case FT_ID24:
			sink_ival(k, f->key, p, false);
			break;
		case FT_BOOL:
			sink_ival(k, f->key, p, true);
			break;
		case FT_STRV:
			sink_strv(k, f->key, p);
			break;
		case FT_CSTR:
			sink_str(k, f->key, *(char *const *)p);
			break;
		case FT_CBOOL:
			sink_int(k, f->key, *(const bool *)p, true);
			break;
		case FT_CUSTOM:
			if (f->json && k->o) {
				f->json(f, obj, k->o);
			} else if (f->json) {
				/* The hook builds json-c members: written in their order. */
				struct json_object *tmp = json_object_new_object();

				f->json(f, obj, tmp);
				json_object_object_foreach(tmp, key, v)
					sink_json(k, key, json_object_get(v));
				json_object_put(tmp);
			}
			break;
		}
	}
}

void fields_to_json(const struct field *fields, size_t n, const void *obj, struct json_object *o)
{
	fields_emit(fields, n, obj, &(struct json_sink){ .o = o });
}

void fields_write(const struct field *fields, size_t n, const void *obj, struct json_writer *w)
{
	fields_emit(fields, n, obj, &(struct json_sink){ .w = w });
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

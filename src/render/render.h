/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <json-c/json.h>

#include "model.h"

enum field_type {
	FT_STR,		/* struct sval */
	FT_INT,		/* struct ival, decimal */
	FT_ID16,	/* struct ival, 4 hex digits in text, integer in JSON */
	FT_ID24,	/* struct ival, 6 hex digits in text, integer in JSON */
	FT_BOOL,	/* struct ival, 0/1 */
	FT_STRV,	/* struct strv */
	FT_CSTR,	/* char *: a string, or null ("-") */
	FT_CBOOL,	/* bool: true or false ("yes" or "no") */
	FT_CUSTOM,	/* written by the field's text and json hooks */
};

struct field;
/* The hooks of an FT_CUSTOM field; OBJ is the whole object, f->off locates the value. */
typedef char *field_text_fn(const struct field *f, const void *obj, bool details);
typedef void field_json_fn(const struct field *f, const void *obj, struct json_object *o);

/* One field of an object: drives JSON keys and types, text columns, help. */
struct field {
	const char *key;	/* JSON key, also the -o column name */
	const char *header;	/* text column header (NULL: in no table) */
	enum field_type type;
	size_t off;		/* offset of the value in the object */
	bool column;		/* in the default table */
	const char *help;
	const char *label;	/* label of a details row, where not the key */
	field_text_fn *text;	/* FT_CUSTOM */
	field_json_fn *json;	/* FT_CUSTOM */
};

struct render_opts {
	bool json;
	bool verbose;
	bool color;
};

/* JSON helpers: null plus "<key>_error" where a value is unknown. */
void json_add_ival(struct json_object *o, const char *key, const struct ival *v, bool boolean);
void json_add_sval(struct json_object *o, const char *key, const struct sval *v);
void json_add_strv(struct json_object *o, const char *key, const struct strv *v);
void json_add_str(struct json_object *o, const char *key, const char *s);
/* "<key>_error": the name of err. */
void json_add_error(struct json_object *o, const char *key, int err);
/* A null <key>, with "<key>_error" where err says why. */
void json_add_null(struct json_object *o, const char *key, int err);
struct json_object *json_new_top(void);
/* Print and release; returns 0 or -errno of the write. */
int json_print(struct json_object *top);
/*
 * The JSON writer: what json_print() would print of the same values, written
 * as they come (render/common.c). jw_open() starts KEY's object ('{') or
 * array ('['), or an element of the array being written when KEY is NULL;
 * jw_close() ends it.
 */
struct json_writer;
void jw_open(struct json_writer *w, const char *key, char bracket);
void jw_close(struct json_writer *w, char bracket);
void jw_str(struct json_writer *w, const char *key, const char *s);
void jw_strv(struct json_writer *w, const char *key, const struct strv *v);
/* json_print() of top with key: an array of n objects, each written by item(w, i, ctx). */
int json_print_items(struct json_object *top, const char *key, size_t n,
		     void (*item)(struct json_writer *w, size_t i, const void *ctx),
		     const void *ctx);

/* Where the field's value lies in OBJ. */
const void *field_value(const struct field *f, const void *obj);
/* Field values as text: "unknown" with the reason, "-" when not applicable. */
char *field_text(const struct field *f, const void *obj, bool details);
/* An unknown value: "unknown (reason)" with details, "?" without, "-" without a reason. */
char *unknown_text(int err, bool details);
/* The field whose key is KEY, or NULL. */
const struct field *field_find(const struct field *fields, size_t n, const char *key);
void fields_to_json(const struct field *fields, size_t n, const void *obj, struct json_object *o);
void fields_write(const struct field *fields, size_t n, const void *obj, struct json_writer *w);
void fields_help(FILE *out, const struct field *fields, size_t n);

/* The table printer, over libsmartcols. */
struct table;
struct table *table_new(const struct render_opts *ro);
void table_column(struct table *t, const char *header, bool right);
/* A last column whose cells hold several lines, one per '\n'. */
void table_column_lines(struct table *t, const char *header);
void table_row(struct table *t);
void table_cell(struct table *t, size_t col, const char *text, const char *color);
int table_print(struct table *t);

/* Colour for a state word, or NULL. */
const char *color_for(const struct render_opts *ro, const char *what);
/*
 * TEXT between libsmartcols' sequence for COLOR (one of its colour names:
 * "bold", "red", "yellow"...) and its reset when colour is on, else a copy.
 * NULL only without memory.
 */
char *color_text(const struct render_opts *ro, const char *color, const char *text);
/* A heading line, bold with colour, after an empty line unless FIRST. */
void print_heading(const struct render_opts *ro, const char *title, bool first);

/* A string built with stdio: strbuf_open(), fprintf(sb.f, ...), strbuf_take(). */
struct strbuf {
	FILE *f;
	char *s;
	size_t len;
};
FILE *strbuf_open(struct strbuf *sb);
/* The string (free() it), or NULL when a write or the memory failed. */
char *strbuf_take(struct strbuf *sb);

extern const struct field device_fields[];
extern const size_t n_device_fields;
/* The advice of one device as indented text lines. */
void advice_text(const struct di_device *d, const struct render_opts *ro, const char *indent);
int render_devices(const struct di_system *sys, const struct render_opts *ro);

/* System-wide facts (render/facts.c), shared by the iommu and swiotlb views. */
void json_add_uval(struct json_object *o, const char *key, const struct uval *v);
struct json_object *json_usec(long long usec);
void facts_to_json(const struct di_system *sys, struct json_object *top);
void facts_print_unreadable(const struct di_system *sys, const struct render_opts *ro);

extern const struct field iommu_cap_fields[];
extern const size_t n_iommu_cap_fields;
int render_iommu(const struct di_system *sys, const struct render_opts *ro);

extern const struct field swiotlb_pool_fields[];
extern const size_t n_swiotlb_pool_fields;
int render_swiotlb(const struct di_system *sys, const struct render_opts *ro);

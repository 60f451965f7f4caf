// SPDX-License-Identifier: LGPL-2.1-or-later
/* JSON and text building blocks shared by every renderer. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

#include "render.h"

#define SCHEMA_VERSION 1

static void add_error(struct json_object *o, const char *key, int err)
{
	char k[128];

	snprintf(k, sizeof(k), "%s_error", key);
	json_object_object_add(o, k, json_object_new_string(di_strerror(err)));
}

void json_add_ival(struct json_object *o, const char *key, const struct ival *v, bool boolean)
{
	if (v->set)
		json_object_object_add(o, key, boolean ? json_object_new_boolean(v->v != 0) :
						      json_object_new_int64(v->v));
	else
		json_object_object_add(o, key, NULL);
	if (!v->set && v->err)
		add_error(o, key, v->err);
}

void json_add_sval(struct json_object *o, const char *key, const struct sval *v)
{
	json_object_object_add(o, key, v->s ? json_object_new_string(v->s) : NULL);
	if (!v->s && v->err)
		add_error(o, key, v->err);
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

int json_print(struct json_object *top)
{
	const char *s = json_object_to_json_string_ext(top, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_SPACED |
							     JSON_C_TO_STRING_NOSLASHESCAPE);
	int err = 0;

	if (fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF)
		err = -errno;
	json_object_put(top);
	return err;
}

static const void *field_ptr(const struct field *f, const void *obj)
{
	return (const char *)obj + f->off;
}

char *field_text(const struct field *f, const void *obj, bool details)
{
	const struct ival *iv = field_ptr(f, obj);
	const struct sval *sv = field_ptr(f, obj);
	const struct strv *v = field_ptr(f, obj);
	char *s = NULL;
	int err = 0;

	switch (f->type) {
	case FT_STR:
		if (sv->s)
			return strdup(sv->s);
		err = sv->err;
		break;
	case FT_INT:
	case FT_ID16:
	case FT_ID24:
	case FT_BOOL:
		if (iv->set) {
			int n;

			if (f->type == FT_BOOL)
				return strdup(iv->v ? "yes" : "no");
			if (f->type == FT_ID16)
				n = asprintf(&s, "%04llx", iv->v);
			else if (f->type == FT_ID24)
				n = asprintf(&s, "%06llx", iv->v);
			else
				n = asprintf(&s, "%lld", iv->v);
			return n < 0 ? NULL : s;
		}
		err = iv->err;
		break;
	case FT_STRV: {
		size_t len = 1;

		for (size_t i = 0; i < v->n; i++)
			len += strlen(v->v[i]) + 1;
		s = calloc(1, len);
		for (size_t i = 0; s && i < v->n; i++) {
			if (i)
				strcat(s, ",");
			strcat(s, v->v[i]);
		}
		if (s && !*s) {
			free(s);
			return strdup("-");
		}
		return s;
	}
	}
	if (!err)
		return strdup("-");
	if (!details)
		return strdup("?");
	if (asprintf(&s, "unknown (%s)", di_strerror(err)) < 0)
		return NULL;
	return s;
}

void fields_to_json(const struct field *fields, size_t n, const void *obj, struct json_object *o)
{
	for (size_t i = 0; i < n; i++) {
		const struct field *f = &fields[i];
		const void *p = field_ptr(f, obj);

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

struct table {
	struct libscols_table *tb;
	struct libscols_line *ln;
};

struct table *table_new(const struct render_opts *ro)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->tb = scols_new_table();
	if (!t->tb) {
		free(t);
		return NULL;
	}
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

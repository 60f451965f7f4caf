// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The JSON writer against json-c itself: the same values written by
 * json_print_items() (the writer, one item at a time) and built as a json-c
 * tree and printed by json_print() must be the same bytes. Strings hold every
 * character json-c escapes or keeps (controls, quote, backslash, slash,
 * DEL, UTF-8); arrays and objects are empty, one long and nested; fields
 * cover every field type, unknown values with and without a reason, and a
 * custom field whose hook builds nested members.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/render.h"
#include "tap.h"

struct item {
	struct sval name;
	struct ival num, flag, id;
	struct strv list;
	char *cstr;
	bool cbool;
	struct sval unknown;
	struct ival unset;
};

static void custom_json(const struct field *f, const void *obj, struct json_object *o)
{
	struct json_object *inner = json_object_new_object(), *a = json_object_new_array();

	json_object_array_add(a, json_object_new_string("x/y"));
	json_object_array_add(a, json_object_new_object());
	json_object_object_add(inner, "list", a);
	json_object_object_add(inner, "empty", json_object_new_array());
	json_object_object_add(o, "custom", inner);
	json_object_object_add(o, "custom_null", NULL);
}

static const struct field fields[] = {
	{ .key = "name", .type = FT_STR, .off = offsetof(struct item, name) },
	{ .key = "num", .type = FT_INT, .off = offsetof(struct item, num) },
	{ .key = "flag", .type = FT_BOOL, .off = offsetof(struct item, flag) },
	{ .key = "id", .type = FT_ID16, .off = offsetof(struct item, id) },
	{ .key = "list", .type = FT_STRV, .off = offsetof(struct item, list) },
	{ .key = "cstr", .type = FT_CSTR, .off = offsetof(struct item, cstr) },
	{ .key = "cbool", .type = FT_CBOOL, .off = offsetof(struct item, cbool) },
	{ .key = "unknown", .type = FT_STR, .off = offsetof(struct item, unknown) },
	{ .key = "unset", .type = FT_INT, .off = offsetof(struct item, unset) },
	{ .key = "custom", .type = FT_CUSTOM, .json = custom_json },
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

static char every_char[256], str_a[] = "a", bc[] = "b\"c", path[] = "/sys/devices/pci0000:00";
static char utf8[] = "caf\xc3\xa9 \x7f", empty[] = "";
static char *two[] = { str_a, bc };
static char *chars_v[] = { every_char };
/* Escapes at each place of an 8-byte word, and bytes the word-at-a-time test may mistake. */
static char esc_at[] = "abcdefg\"abcdefgh\\abcdefghijklmno\npqrstuvwxyz0123456789ABCDEF\x1f";
static char high[] = "\xe2\x80\x9c\xc3\xa9!!!!!!\xff\xfe\x80\x81 #$%&'()*+,-./\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7";
static char *tricky_v[] = { esc_at, high, str_a };

static struct item items[] = {
	{ .name = { .s = every_char }, .num = { .v = -9223372036854775807LL - 1, .set = true },
	  .flag = { .v = 1, .set = true }, .id = { .v = 0x8086, .set = true },
	  .list = { .v = two, .n = 2 }, .cstr = path, .cbool = true,
	  .unknown = { .err = EACCES }, .unset = { .err = ENOENT } },
	{ .name = { .s = empty }, .num = { .v = 42, .set = true }, .flag = { .v = 0, .set = true },
	  .list = { .v = chars_v, .n = 1 }, .unknown = { .s = utf8 } },
	{ .unknown = { .err = 0 }, .list = { .v = tricky_v, .n = 3 } },
};
#define N_ITEMS (sizeof(items) / sizeof(items[0]))

static void write_item(struct json_writer *w, size_t i, const void *ctx)
{
	const struct item *it = &((const struct item *)ctx)[i];

	jw_str(w, "first", it->name.s);
	fields_write(fields, N_FIELDS, it, w);
	jw_open(w, "empty_object", '{');
	jw_close(w, '}');
	jw_open(w, "nested", '{');
	jw_strv(w, "empty_list", &(struct strv){ 0 });
	jw_open(w, "deeper", '{');
	jw_str(w, "null", NULL);
	jw_close(w, '}');
	jw_close(w, '}');
	/* Deeper than one run of the writer's indent. */
	for (int d = 0; d < 40; d++)
		jw_open(w, "deep", '{');
	jw_str(w, "bottom", "x");
	for (int d = 0; d < 40; d++)
		jw_close(w, '}');
	jw_open(w, "objects", '[');
	jw_open(w, NULL, '{');
	jw_str(w, "k", "v");
	jw_close(w, '}');
	jw_open(w, NULL, '[');
	jw_close(w, ']');
	jw_close(w, ']');
}

static struct json_object *build_item(const struct item *it)
{
	struct json_object *o = json_object_new_object(), *n = json_object_new_object();
	struct json_object *d = json_object_new_object(), *objs = json_object_new_array();
	struct json_object *kv = json_object_new_object(), *deep = json_object_new_object();

	json_add_str(o, "first", it->name.s);
	fields_to_json(fields, N_FIELDS, it, o);
	json_object_object_add(o, "empty_object", json_object_new_object());
	json_add_strv(n, "empty_list", &(struct strv){ 0 });
	json_add_str(d, "null", NULL);
	json_object_object_add(n, "deeper", d);
	json_object_object_add(o, "nested", n);
	json_add_str(deep, "bottom", "x");
	for (int i = 1; i < 40; i++) {
		struct json_object *up = json_object_new_object();

		json_object_object_add(up, "deep", deep);
		deep = up;
	}
	json_object_object_add(o, "deep", deep);
	json_add_str(kv, "k", "v");
	json_object_array_add(objs, kv);
	json_object_array_add(objs, json_object_new_array());
	json_object_object_add(o, "objects", objs);
	return o;
}

/* What FN(ARG) prints on stdout. */
static char *captured(int (*fn)(const void *), const void *arg)
{
	FILE *tmp = tmpfile();
	int saved, rc;
	char *s;
	long len;

	if (!tmp)
		abort();
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fileno(tmp), STDOUT_FILENO);
	rc = fn(arg);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	if (rc)
		abort();
	len = ftell(tmp);
	s = calloc(1, (size_t)len + 1);
	rewind(tmp);
	if (!s || fread(s, 1, (size_t)len, tmp) != (size_t)len)
		abort();
	fclose(tmp);
	return s;
}

static size_t n_items;

static int print_written(const void *arg)
{
	return json_print_items(json_new_top(), "items", n_items, write_item, arg);
}

static int print_built(const void *arg)
{
	struct json_object *top = json_new_top(), *a = json_object_new_array();

	for (size_t i = 0; i < n_items; i++)
		json_object_array_add(a, build_item(&((const struct item *)arg)[i]));
	json_object_object_add(top, "items", a);
	return json_print(top);
}

static void same(const char *what)
{
	char *w = captured(print_written, items), *b = captured(print_built, items);
	size_t at = 0;

	while (w[at] && w[at] == b[at])
		at++;
	ok(strcmp(w, b) == 0, "%s: the writer prints what json-c prints (%zu bytes)", what,
	   strlen(b));
	if (strcmp(w, b) != 0)
		printf("#   first difference at byte %zu: writer '%.40s', json-c '%.40s'\n", at,
		       w + at, b + at);
	free(w);
	free(b);
}

int main(void)
{
	for (int c = 1; c < 256; c++)
		every_char[c - 1] = (char)c;
	n_items = 0;
	same("no items");
	n_items = 1;
	same("one item with every byte in its strings");
	n_items = N_ITEMS;
	same("three items, unknown values with and without a reason");
	return tap_done();
}

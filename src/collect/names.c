// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Names that the kernel does not give: vendor and model names from the
 * udev hwdb (as lspci shows them), and modules from libkmod's index of the
 * inspected kernel (the snapshot's own lib/modules when it carries one).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libkmod.h>
#include <libudev.h>

#include "collect.h"

/*
 * A recorded snapshot's answers: {"hwdb": {MODALIAS: {"vendor", "model",
 * "vendor_errno", "model_errno"}}, "modules": {MODALIAS: {"module",
 * "errno"}}}. Absent keys and unrecorded modaliases read as "no data".
 */
static int load_answers(struct di_names *n, const struct rootfs *root)
{
	char *text;
	ssize_t len = rfs_read_alloc(root, RFS_ROOT, NAMES_PATH, 16u << 20, &text);

	if (len < 0)
		return (int)len;
	n->answers = json_tokener_parse(text);
	free(text);
	if (!json_object_is_type(n->answers, json_type_object)) {
		json_object_put(n->answers);
		n->answers = NULL;
		return -EINVAL;
	}
	return 0;
}

/* answers[section][key], created when asked to. */
static struct json_object *answer(struct di_names *n, const char *section, const char *key,
				  bool create)
{
	struct json_object *s, *a = NULL;

	if (!n->answers)
		return NULL;
	if (!json_object_object_get_ex(n->answers, section, &s)) {
		if (!create)
			return NULL;
		s = json_object_new_object();
		json_object_object_add(n->answers, section, s);
	}
	if (json_object_object_get_ex(s, key, &a) || !create)
		return json_object_is_type(a, json_type_object) ? a : NULL;
	a = json_object_new_object();
	json_object_object_add(s, key, a);
	return a;
}

static void note_sval(struct json_object *a, const char *key, const char *errkey,
		      const struct sval *v)
{
	json_object_object_add(a, key, v->s ? json_object_new_string(v->s) : NULL);
	if (!v->s && v->err)
		json_object_object_add(a, errkey, json_object_new_int(-v->err));
}

static void replay_sval(struct json_object *a, const char *key, const char *errkey,
			struct sval *v)
{
	struct json_object *x;

	if (json_object_object_get_ex(a, key, &x) && json_object_is_type(x, json_type_string))
		sval_set(v, json_object_get_string(x));
	else if (json_object_object_get_ex(a, errkey, &x) && json_object_get_int(x) > 0)
		v->err = -json_object_get_int(x);
}

int names_init(struct di_names *n, const struct rootfs *root)
{
	char rel[256], dir[300];

	memset(n, 0, sizeof(*n));
	n->root = root;
	if (!root->live && load_answers(n, root) == 0) {
		n->replay = true;
	} else {
		/* This run's answers: a cache, and saved for replay when recording. */
		n->answers = json_object_new_object();
		n->udev = udev_new();
		if (n->udev)
			n->hwdb = udev_hwdb_new(n->udev);
		if (!n->hwdb)
			n->hwdb_err = -ENOENT;
	}

	if (rfs_read_line(root, RFS_ROOT, "proc/sys/kernel/osrelease", rel, sizeof(rel)) <= 0) {
		struct utsname u;

		if (!root->live || uname(&u) < 0) {
			n->kmod_err = -ENOENT;
			return 0;
		}
		snprintf(rel, sizeof(rel), "%s", u.release);
	}
	if (strchr(rel, '/') || strcmp(rel, "..") == 0) {
		n->kmod_err = -EINVAL;
		return 0;
	}
	snprintf(dir, sizeof(dir), "lib/modules/%s", rel);
	snprintf(n->modules_dir, sizeof(n->modules_dir), "%s", dir);
	if (n->replay)
		return 0;
	int fd = rfs_open(root, RFS_ROOT, dir, O_PATH | O_DIRECTORY);

	if (fd < 0) {
		n->kmod_err = fd;
		return 0;
	}
	/* The directory was resolved inside the root; hand libkmod that very inode. */
	snprintf(dir, sizeof(dir), "/proc/self/fd/%d", fd);
	n->kmod = kmod_new(dir, NULL);
	if (!n->kmod || kmod_load_resources(n->kmod) < 0) {
		n->kmod = kmod_unref(n->kmod);
		n->kmod_err = -ENOENT;
	}
	/* libkmod opens its index files lazily by path: keep fd open until fini. */
	if (!n->kmod)
		close(fd);
	else
		kmod_set_userdata(n->kmod, (void *)(long)fd);
	return 0;
}

/* Merge this run's answers into the recorder's dmainspect/names.json. */
static void save_answers(struct di_names *n)
{
	const char *old = rfs_kept(n->root, NAMES_PATH);
	struct json_object *all = old ? json_tokener_parse(old) : NULL;
	const char *text;

	if (!json_object_is_type(all, json_type_object)) {
		json_object_put(all);
		all = json_object_new_object();
	}
	json_object_object_foreach(n->answers, section, entries) {
		struct json_object *s;

		if (!json_object_object_get_ex(all, section, &s)) {
			s = json_object_new_object();
			json_object_object_add(all, section, s);
		}
		json_object_object_foreach(entries, key, a)
			json_object_object_add(s, key, json_object_get(a));
	}
	text = json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
	rfs_keep(n->root, NAMES_PATH, text, strlen(text));
	json_object_put(all);
}

struct memo_item {
	char *key;
	struct sval val;
};

static bool memo_match(const void *item, const void *key)
{
	return strcmp(((const struct memo_item *)item)->key, key) == 0;
}

const struct sval *names_memo_get(const struct di_names *n, const char *key)
{
	struct memo_item *m = hmap_get(&n->memo, hmap_hash(HMAP_SEED, key, strlen(key)),
				       memo_match, key);

	return m ? &m->val : NULL;
}

void names_memo_put(struct di_names *n, const char *key, const struct sval *v)
{
	struct memo_item *m = xmalloc(sizeof(*m));

	m->key = xstrdup(key);
	m->val.s = v->s ? xstrdup(v->s) : NULL;
	m->val.err = v->err;
	hmap_add(&n->memo, hmap_hash(HMAP_SEED, key, strlen(key)), m);
}

static void memo_free(void *item)
{
	struct memo_item *m = item;

	free(m->key);
	free(m->val.s);
	free(m);
}

void names_fini(struct di_names *n)
{
	hmap_free(&n->memo, memo_free);
	if (!n->replay && n->answers && n->root->hooks)
		save_answers(n);
	json_object_put(n->answers);
	if (n->kmod) {
		int fd = (int)(long)kmod_get_userdata(n->kmod);

		kmod_unref(n->kmod);
		close(fd);
	}
	if (n->hwdb)
		udev_hwdb_unref(n->hwdb);
	if (n->udev)
		udev_unref(n->udev);
	free(n->builtin);
	memset(n, 0, sizeof(*n));
}

void names_hwdb(struct di_names *n, const char *modalias, struct sval *vendor, struct sval *model)
{
	struct udev_list_entry *e;
	struct json_object *a;

	/* Replayed, or asked before in this run (devices share modaliases). */
	a = answer(n, "hwdb", modalias, false);
	if (n->replay || a) {
		if (!a) {
			vendor->err = model->err = -ENODATA;
			return;
		}
		replay_sval(a, "vendor", "vendor_errno", vendor);
		replay_sval(a, "model", "model_errno", model);
		return;
	}
	if (!n->hwdb) {
		vendor->err = model->err = n->hwdb_err;
	} else {
		udev_list_entry_foreach(e, udev_hwdb_get_properties_list_entry(n->hwdb, modalias, 0)) {
			const char *k = udev_list_entry_get_name(e);

			if (strcmp(k, "ID_VENDOR_FROM_DATABASE") == 0)
				sval_set(vendor, udev_list_entry_get_value(e));
			else if (strcmp(k, "ID_MODEL_FROM_DATABASE") == 0)
				sval_set(model, udev_list_entry_get_value(e));
		}
	}
	a = answer(n, "hwdb", modalias, true);
	if (a) {
		note_sval(a, "vendor", "vendor_errno", vendor);
		note_sval(a, "model", "model_errno", model);
	}
}

/* What libkmod answers for a modalias. */
static int module_lookup(struct di_names *n, const char *modalias, char **module)
{
	struct kmod_list *list = NULL, *l;
	int err;

	*module = NULL;
	if (!n->kmod)
		return n->kmod_err;
	err = kmod_module_new_from_lookup(n->kmod, modalias, &list);
	if (err < 0)
		return err;
	kmod_list_foreach(l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		*module = xstrdup(kmod_module_get_name(m));
		kmod_module_unref(m);
		break;
	}
	kmod_module_unref_list(list);
	if (!*module)
		return -ENOENT;
	return 0;
}

int names_module_for_alias(struct di_names *n, const char *modalias, char **module)
{
	struct json_object *a, *x;
	int err;

	*module = NULL;
	/* Replayed, or asked before in this run (devices share modaliases). */
	a = answer(n, "modules", modalias, false);
	if (n->replay || a) {
		if (!a)
			return -ENODATA;
		if (json_object_object_get_ex(a, "module", &x) &&
		    json_object_is_type(x, json_type_string)) {
			*module = xstrdup(json_object_get_string(x));
			return 0;
		}
		if (json_object_object_get_ex(a, "errno", &x) && json_object_get_int(x) > 0)
			return -json_object_get_int(x);
		return -ENODATA;
	}
	err = module_lookup(n, modalias, module);
	a = answer(n, "modules", modalias, true);
	if (a) {
		json_object_object_add(a, "module", *module ? json_object_new_string(*module) : NULL);
		if (err < 0)
			json_object_object_add(a, "errno", json_object_new_int(-err));
	}
	return err;
}

bool names_module_builtin(struct di_names *n, const struct rootfs *root, const char *module)
{
	char path[600], *p;
	size_t mlen = strlen(module);

	if (!n->builtin_loaded) {
		n->builtin_loaded = true;
		if (!n->modules_dir[0])
			return false;
		snprintf(path, sizeof(path), "%s/modules.builtin", n->modules_dir);
		if (rfs_read_alloc(root, RFS_ROOT, path, 4 << 20, &n->builtin) < 0)
			return false;
		for (p = n->builtin; *p; p++)
			if (*p == '-')
				*p = '_';
	}
	if (!n->builtin)
		return false;
	/* Lines are "kernel/dir/name.ko"; module names use '_' for '-'. */
	for (p = n->builtin; (p = strstr(p, module)); p += mlen) {
		if ((p == n->builtin || p[-1] == '/') && strncmp(p + mlen, ".ko", 3) == 0 &&
		    (p[mlen + 3] == '\n' || p[mlen + 3] == '\0'))
			return true;
	}
	return false;
}

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

#include <libkmod.h>
#include <libudev.h>

#include "collect.h"

int names_init(struct di_names *n, const struct rootfs *root)
{
	char rel[256], dir[300];

	memset(n, 0, sizeof(*n));
	n->udev = udev_new();
	if (n->udev)
		n->hwdb = udev_hwdb_new(n->udev);
	if (!n->hwdb)
		n->hwdb_err = -ENOENT;

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

void names_fini(struct di_names *n)
{
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

	if (!n->hwdb) {
		vendor->err = model->err = n->hwdb_err;
		return;
	}
	udev_list_entry_foreach(e, udev_hwdb_get_properties_list_entry(n->hwdb, modalias, 0)) {
		const char *k = udev_list_entry_get_name(e);

		if (strcmp(k, "ID_VENDOR_FROM_DATABASE") == 0)
			sval_set(vendor, udev_list_entry_get_value(e));
		else if (strcmp(k, "ID_MODEL_FROM_DATABASE") == 0)
			sval_set(model, udev_list_entry_get_value(e));
	}
}

int names_module_for_alias(struct di_names *n, const char *modalias, char **module)
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

		*module = strdup(kmod_module_get_name(m));
		kmod_module_unref(m);
		break;
	}
	kmod_module_unref_list(list);
	if (!*module)
		return -ENOENT;
	return 0;
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

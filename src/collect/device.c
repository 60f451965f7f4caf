// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Devices that do DMA: every PCI function, every device in an IOMMU group or
 * behind an IOMMU unit, and platform devices whose device-tree node carries
 * DMA properties. Each device's attributes are read relative to its own
 * directory fd.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "shared/hashmap.h"

#define DT_BASE "/sys/firmware/devicetree/base"

static void read_int(const struct rootfs *r, int dfd, const char *attr, struct ival *v,
		     bool optional)
{
	long long x;
	int err = rfs_read_ll(r, dfd, attr, &x);

	if (err == 0)
		ival_set(v, x);
	else if (!(optional && err == -ENOENT))
		v->err = err;
}

static void read_str(const struct rootfs *r, int dfd, const char *attr, struct sval *v,
		     bool optional)
{
	char buf[RFS_ATTR_MAX];
	ssize_t n = rfs_read_line(r, dfd, attr, buf, sizeof(buf));

	if (n >= 0)
		sval_set(v, buf);
	else if (!(optional && n == -ENOENT))
		v->err = (int)n;
}

/* "iommu_group" -> 7; a missing link means the device has no group. */
static void read_group(const struct di_system *sys, int dfd, struct di_device *d)
{
	char buf[NAME_MAX + 1];
	ssize_t n = rfs_link_name(sys->root, dfd, "iommu_group", buf, sizeof(buf));
	struct di_group *g;
	int id;

	if (n == -ENOENT)
		return;
	if (n < 0) {
		d->iommu_group.err = (int)n;
		return;
	}
	id = parse_id(buf);
	if (id < 0) {
		d->iommu_group.err = -EINVAL;
		return;
	}
	ival_set(&d->iommu_group, id);
	g = system_find_group(sys, id);
	if (!g)
		d->iommu_domain.err = -ENOENT;
	else if (g->type.s)
		sval_set(&d->iommu_domain, g->type.s);
	else
		d->iommu_domain.err = g->type.err;
}

/*
 * The module a bound driver links to (driver/module): the same for every
 * device of that driver on that bus, so asked once per driver.
 */
static char *driver_module(const struct di_system *sys, struct di_names *names,
			   const char *canon, const struct di_device *d)
{
	char path[PATH_MAX], buf[NAME_MAX + 1], key[2 * NAME_MAX + 16];
	const struct sval *known;
	struct sval v = { 0 };
	ssize_t n;

	snprintf(key, sizeof(key), "driver-module:%s/%s", d->bus, d->driver.s);
	known = names_memo_get(names, key);
	if (known)
		return known->s ? xstrdup(known->s) : NULL;
	if (!path_join(path, sizeof(path), canon + 1, "driver/module"))
		return NULL;
	n = rfs_link_name(sys->root, RFS_ROOT, path, buf, sizeof(buf));
	if (n >= 0)
		v.s = buf;
	names_memo_put(names, key, &v);
	return v.s ? xstrdup(v.s) : NULL;
}

/* A module's state: loaded (or its initstate), builtin, not-loaded. */
static void module_state(const struct di_system *sys, struct di_names *names, const char *mod,
			 struct sval *state)
{
	char path[PATH_MAX], buf[NAME_MAX + 1];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "sys/module/%s/initstate", mod);
	n = rfs_read_line(sys->root, RFS_ROOT, path, buf, sizeof(buf));
	if (n > 0) {
		sval_set(state, strcmp(buf, "live") == 0 ? "loaded" : buf);
		return;
	}
	snprintf(path, sizeof(path), "sys/module/%s", mod);
	fd = rfs_open(sys->root, RFS_ROOT, path, O_PATH | O_DIRECTORY);
	if (fd >= 0) {
		close(fd);
		sval_set(state, "builtin");
	} else if (names_module_builtin(names, sys->root, mod)) {
		sval_set(state, "builtin");
	} else if (fd == -ENOENT) {
		sval_set(state, "not-loaded");
	} else {
		state->err = fd;
	}
}

static void read_module(const struct di_system *sys, struct di_names *names, const char *canon,
			struct di_device *d)
{
	char key[NAME_MAX + 16];
	const struct sval *known;
	char *mod = NULL;

	if (d->driver.s)
		mod = driver_module(sys, names, canon, d);
	if (!mod && d->modalias.s) {
		int err = names_module_for_alias(names, d->modalias.s, &mod);

		if (err < 0 && !d->driver.s) {
			/* Unbound and no module claims it: that is an answer, not an error. */
			if (err != -ENOENT)
				d->module.err = err;
			return;
		}
	}
	if (!mod) {
		if (d->driver.s)
			sval_set(&d->module_state, "builtin");
		return;
	}
	sval_take(&d->module, mod);
	/* Devices share modules: each module's state is read once. */
	snprintf(key, sizeof(key), "module-state:%s", mod);
	known = names_memo_get(names, key);
	if (!known) {
		struct sval state = { 0 };

		module_state(sys, names, mod, &state);
		names_memo_put(names, key, &state);
		free(state.s);
		known = names_memo_get(names, key);
	}
	if (known->s)
		sval_set(&d->module_state, known->s);
	else
		d->module_state.err = known->err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_drm_node(const char *s)
{
	const char *p;

	if (strncmp(s, "card", 4) == 0)
		p = s + 4;
	else if (strncmp(s, "renderD", 7) == 0)
		p = s + 7;
	else
		return false;
	if (!*p)
		return false;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

static void read_drm(const struct rootfs *r, int dfd, struct di_device *d)
{
	struct dirent *de;
	DIR *dir = rfs_opendir(r, dfd, "drm");

	if (!dir)
		return;
	while ((de = readdir(dir)))
		if (is_drm_node(de->d_name))
			strv_add(&d->drm_nodes, de->d_name);
	closedir(dir);
	if (d->drm_nodes.n)
		qsort(d->drm_nodes.v, d->drm_nodes.n, sizeof(char *), cmp_str);
}

bool dt_has(const struct rootfs *r, const char *node, const char *prop)
{
	char path[PATH_MAX];
	int fd;

	if (!path_join(path, sizeof(path), node, prop))
		return false;
	fd = rfs_open(r, RFS_ROOT, path, O_PATH);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* The device-tree node DEV's of_node link leads to, as a full root-relative path. */
static int dt_node_of(const struct di_system *sys, const char *dev, char *node, size_t cap)
{
	char path[PATH_MAX];
	int err;

	if (!path_join(path, sizeof(path), dev + 1, "of_node"))
		return -ENAMETOOLONG;
	err = rfs_realpath(sys->root, path, node, cap);
	if (err < 0)
		return err;
	if (strncmp(node, DT_BASE, strlen(DT_BASE)) != 0)
		return -RFS_ESCAPE;
	return 0;
}

/* "/sys/firmware/devicetree/base/pcie@10000000" -> "/pcie@10000000"; the base is "/". */
static const char *dt_name(const char *node)
{
	return node[strlen(DT_BASE)] ? node + strlen(DT_BASE) : "/";
}

/* "pci%04x:%02x", the name pci_register_host_bridge() gives a host bridge. */
static bool is_host_bridge(const char *s, size_t len)
{
	size_t i = 3, dom;

	if (len < 3 || strncmp(s, "pci", 3) != 0)
		return false;
	for (dom = 0; i < len && s[i] != ':'; i++, dom++)
		if (!strchr("0123456789abcdef", s[i]))
			return false;
	if (dom < 4 || i + 3 != len)
		return false;
	return strchr("0123456789abcdef", s[i + 1]) && strchr("0123456789abcdef", s[i + 2]);
}

/*
 * The device above a PCI function's host bridge, where pci_dma_configure()
 * takes the node (pci_get_host_bridge_device(), then bridge->parent): the
 * directory above the last "pciDDDD:BB" in the function's path (the last,
 * because VMD nests a domain under a function). -ENOENT when the bridge has
 * no parent device (it sits directly under /sys/devices, as on ACPI x86).
 */
static int host_bridge_parent(const char *canon, char *out, size_t cap)
{
	const char *p, *bridge = NULL;

	for (p = canon; *p; ) {
		const char *c = p + 1, *e = strchrnul(c, '/');

		if (is_host_bridge(c, (size_t)(e - c)))
			bridge = p;
		p = e;
	}
	if (!bridge || (size_t)(bridge - canon) <= strlen("/sys/devices"))
		return -ENOENT;
	if ((size_t)(bridge - canon) >= cap)
		return -ENAMETOOLONG;
	memcpy(out, canon, (size_t)(bridge - canon));
	out[bridge - canon] = '\0';
	return 0;
}

/*
 * Device-tree coherency as of_dma_is_coherent() decides it: the nearest of
 * the node and its parents with "dma-coherent" or "dma-noncoherent" wins;
 * with neither, the architecture's default applies. NODE is modified.
 */
static void dt_coherency(const struct di_system *sys, char *node, struct di_device *d)
{
	size_t base = strlen(DT_BASE);

	while (strlen(node) >= base) {
		char *slash;

		if (dt_has(sys->root, node + 1, "dma-coherent")) {
			ival_set(&d->dt_coherent, 1);
			sval_set(&d->dt_coherent_from, dt_name(node));
			return;
		}
		if (dt_has(sys->root, node + 1, "dma-noncoherent")) {
			ival_set(&d->dt_coherent, 0);
			sval_set(&d->dt_coherent_from, dt_name(node));
			return;
		}
		if (strlen(node) == base)
			break;
		slash = strrchr(node, '/');
		*slash = '\0';
	}
	/* CONFIG_OF_DMA_DEFAULT_COHERENT: arm and arm64 no, x86 always coherent. */
	if (sys->arch.s && (strcmp(sys->arch.s, "aarch64") == 0 || strncmp(sys->arch.s, "arm", 3) == 0)) {
		ival_set(&d->dt_coherent, 0);
		sval_set(&d->dt_coherent_from, "architecture default (arm64: not coherent)");
	} else if (sys->x86.set && sys->x86.v) {
		ival_set(&d->dt_coherent, 1);
		sval_set(&d->dt_coherent_from, "architecture default (x86: coherent)");
	} else {
		sval_set(&d->dt_coherent_from, "architecture default");
	}
}

/*
 * The node of_dma_configure() is given: a platform device's own
 * (platform_dma_configure()), and for a PCI function always its host
 * bridge's parent's (pci_dma_configure()), even when the function has a node
 * of its own. Without one (ACPI, no device tree) nothing here applies.
 */
static void read_dt(const struct di_system *sys, const char *canon, struct di_device *d)
{
	char node[PATH_MAX], bridge[PATH_MAX];
	int err = dt_node_of(sys, canon, node, sizeof(node));

	if (!err)
		sval_set(&d->of_node, dt_name(node));
	else if (err != -ENOENT)
		d->of_node.err = err;
	if (d->bus && strcmp(d->bus, "pci") == 0) {
		err = host_bridge_parent(canon, bridge, sizeof(bridge));
		if (!err)
			err = dt_node_of(sys, bridge, node, sizeof(node));
	}
	if (err == -ENOENT)
		return;
	if (err < 0) {
		d->dma_of_node.err = d->dt_coherent.err = err;
		return;
	}
	sval_set(&d->dma_of_node, dt_name(node));
	dt_coherency(sys, node, d);
}

static void collect_device(const struct di_system *sys, struct di_names *names, int dfd,
			   const char *canon, struct di_device *d)
{
	const struct rootfs *r = sys->root;
	char buf[NAME_MAX + 1];
	bool pci = d->bus && strcmp(d->bus, "pci") == 0;
	ssize_t n;

	read_str(r, dfd, "modalias", &d->modalias, true);
	if (pci) {
		read_int(r, dfd, "vendor", &d->vendor_id, false);
		read_int(r, dfd, "device", &d->device_id, false);
		read_int(r, dfd, "subsystem_vendor", &d->subsystem_vendor_id, false);
		read_int(r, dfd, "subsystem_device", &d->subsystem_device_id, false);
		read_int(r, dfd, "class", &d->class_id, false);
		read_int(r, dfd, "revision", &d->revision, false);
		read_int(r, dfd, "dma_mask_bits", &d->dma_mask_bits, false);
		read_int(r, dfd, "consistent_dma_mask_bits", &d->coherent_dma_mask_bits, false);
		if (d->modalias.s)
			names_hwdb(names, d->modalias.s, &d->vendor_name, &d->device_name);
	}
	read_int(r, dfd, "numa_node", &d->numa_node, true);
	read_str(r, dfd, "removable", &d->removable, true);

	n = rfs_link_name(r, dfd, "driver", buf, sizeof(buf));
	if (n >= 0)
		sval_set(&d->driver, buf);
	else if (n != -ENOENT)
		d->driver.err = (int)n;
	read_module(sys, names, canon, d);

	read_group(sys, dfd, d);
	n = rfs_link_name(r, dfd, "iommu", buf, sizeof(buf));
	if (n >= 0)
		sval_set(&d->iommu_unit, buf);
	else if (n != -ENOENT)
		d->iommu_unit.err = (int)n;

	read_drm(r, dfd, d);
	read_dt(sys, canon, d);
}

/*
 * Add the device that PATH (root-relative, may be a link) leads to, once:
 * seen holds the canonical paths already listed, since one device is reached
 * from its bus, its IOMMU group and its IOMMU unit, and there may be
 * thousands.
 */
static void add_device(struct di_system *sys, struct di_names *names, struct hmap *seen,
		      const char *path)
{
	char canon[PATH_MAX], buf[NAME_MAX + 1];
	struct di_device *d;
	const char *base;
	ssize_t n;
	int dfd;

	if (rfs_realpath(sys->root, path, canon, sizeof(canon)) < 0)
		return;	/* dangling link: nothing to show */
	if (strncmp(canon, "/sys/devices/", 13) != 0)
		return;	/* devices live under /sys/devices, nowhere else */
	if (!strset_add(seen, canon))
		return;	/* already listed */
	dfd = rfs_open(sys->root, RFS_ROOT, canon + 1, O_PATH | O_DIRECTORY);
	if (dfd < 0)
		return;

	sys->devs = xreallocarray(sys->devs, sys->n_devs + 1, sizeof(*sys->devs));
	d = &sys->devs[sys->n_devs++];
	memset(d, 0, sizeof(*d));
	base = strrchr(canon, '/') + 1;
	d->name = xstrdup(base);
	d->path = xstrdup(canon);
	n = rfs_link_name(sys->root, dfd, "subsystem", buf, sizeof(buf));
	d->bus = xstrdup(n >= 0 ? buf : "unknown");
	collect_device(sys, names, dfd, canon, d);
	close(dfd);
}

/* Whether a link target is "../" steps, then names (no ".", "..", empty). */
static bool plain_target(const char *t, const char **names)
{
	while (strncmp(t, "../", 3) == 0)
		t += 3;
	*names = t;
	for (const char *c = t;; c++) {
		const char *e = strchrnul(c, '/');

		if (e == c || (e - c == 1 && c[0] == '.') || (e - c == 2 && !strncmp(c, "..", 2)))
			return false;
		if (!*e)
			return true;
		c = e;
	}
}

/*
 * Whether the link NAME in the directory dfd (canonical path canon_dir)
 * leads to a device already listed, told from its target alone: an IOMMU
 * group or unit reaches again the devices their bus listed. A target of
 * "../" steps then names, joined to the canonical directory, is where the
 * link leads when the result is a path seen holds: a canonical path, whose
 * components are no links. Anything else is resolved as before.
 */
static bool listed_by_link(const struct di_system *sys, const struct hmap *seen, int dfd,
			   const char *canon_dir, const char *name)
{
	char target[PATH_MAX], path[PATH_MAX];
	const char *t, *rest;
	size_t len = strlen(canon_dir);

	if (rfs_readlink(sys->root, dfd, name, target, sizeof(target)) <= 0 ||
	    target[0] == '/' || !plain_target(target, &rest) || len >= sizeof(path))
		return false;
	memcpy(path, canon_dir, len + 1);
	for (t = target; t < rest; t += 3) {
		char *slash = strrchr(path, '/');

		if (!slash || slash == path)
			return false;
		*slash = '\0';
		len = (size_t)(slash - path);
	}
	if (len + 1 + strlen(rest) >= sizeof(path))
		return false;
	path[len] = '/';
	strcpy(path + len + 1, rest);
	return strset_has(seen, path);
}

/* Add every entry of a directory of device links; by_link: most are listed already. */
static int add_dir(struct di_system *sys, struct di_names *names, struct hmap *seen,
		   const char *dir, const char *suffix,
		   bool (*want)(const struct di_system *, const char *), bool by_link)
{
	char path[PATH_MAX], sub[PATH_MAX], canon_dir[PATH_MAX];
	struct dirent *de;
	DIR *d = rfs_opendir(sys->root, RFS_ROOT, dir);

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	by_link = by_link && rfs_realpath(sys->root, dir, canon_dir, sizeof(canon_dir)) == 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (by_link && listed_by_link(sys, seen, dirfd(d), canon_dir, de->d_name))
			continue;
		if (!path_join(path, sizeof(path), dir, de->d_name))
			continue;
		if (want && !want(sys, path))
			continue;
		if (suffix && !path_join(sub, sizeof(sub), path, suffix))
			continue;
		add_device(sys, names, seen, suffix ? sub : path);
	}
	closedir(d);
	return 0;
}

/*
 * A DRM card node: its parent device (two levels up, past drm/) is listed;
 * vgem, the usual dma-buf test exporter, has no other sign of DMA.
 */
static bool drm_card(const struct di_system *sys, const char *path)
{
	const char *base = strrchr(path, '/') + 1;

	return is_drm_node(base) && strncmp(base, "card", 4) == 0;
}

/* A platform device whose device-tree node describes DMA. */
static bool dt_dma_device(const struct di_system *sys, const char *path)
{
	static const char *const props[] = {
		"iommus", "dma-coherent", "dma-noncoherent", "memory-region", "dma-ranges",
	};
	char node[PATH_MAX];

	if (!path_join(node, sizeof(node), path, "of_node"))
		return false;
	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
		if (dt_has(sys->root, node, props[i]))
			return true;
	return false;
}

static int for_each_unit_dir(struct di_system *sys, struct di_names *names, struct hmap *seen,
			     const char *top, const char *sub)
{
	char path[PATH_MAX];
	struct dirent *de;
	int err = 0;
	DIR *d = rfs_opendir(sys->root, RFS_ROOT, top);

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) && !err) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s", top, de->d_name, sub) >=
		    sizeof(path))
			continue;
		err = add_dir(sys, names, seen, path, NULL, NULL, true);
	}
	closedir(d);
	return err;
}

static int bus_rank(const char *bus)
{
	return strcmp(bus, "pci") == 0 ? 0 : strcmp(bus, "platform") == 0 ? 1 : 2;
}

static int cmp_device(const void *a, const void *b)
{
	const struct di_device *x = a, *y = b;
	int rx = bus_rank(x->bus), ry = bus_rank(y->bus);

	if (rx != ry)
		return rx - ry;
	if (strcmp(x->bus, y->bus))
		return strcmp(x->bus, y->bus);
	return strcmp(x->name, y->name);
}

void collect_device_at(struct di_system *sys, struct di_names *names, const char *path)
{
	struct hmap seen = { 0 };

	for (size_t i = 0; i < sys->n_devs; i++)
		strset_add(&seen, sys->devs[i].path);
	add_device(sys, names, &seen, path);
	strset_free(&seen);
}

int collect_devices(struct di_system *sys, struct di_names *names)
{
	struct hmap seen = { 0 };
	int err;

	err = add_dir(sys, names, &seen, "sys/bus/pci/devices", NULL, NULL, false);
	if (!err)
		err = for_each_unit_dir(sys, names, &seen, "sys/kernel/iommu_groups", "devices");
	if (!err)
		err = for_each_unit_dir(sys, names, &seen, "sys/class/iommu", "devices");
	if (!err)
		err = add_dir(sys, names, &seen, "sys/class/drm", "../..", drm_card, false);
	if (!err)
		err = add_dir(sys, names, &seen, "sys/bus/platform/devices", NULL, dt_dma_device, false);
	if (!err)
		err = add_dir(sys, names, &seen, "sys/bus/amba/devices", NULL, dt_dma_device, false);
	strset_free(&seen);
	if (sys->n_devs)
		qsort(sys->devs, sys->n_devs, sizeof(*sys->devs), cmp_device);
	return err;
}

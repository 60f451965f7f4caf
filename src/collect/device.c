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
#include "parse/parse.h"
#include "shared/hashmap.h"

#define DT_BASE "/sys/firmware/devicetree/base"

static void read_int(struct rfs_dir *dir, const char *attr, struct ival *v, bool optional)
{
	long long x;
	int err = rfs_dir_read_ll(dir, attr, &x);

	if (err == 0)
		ival_set(v, x);
	else if (!(optional && err == -ENOENT))
		v->err = err;
}

static void read_str(struct rfs_dir *dir, const char *attr, struct sval *v, bool optional)
{
	char buf[RFS_ATTR_MAX];
	ssize_t n = rfs_dir_read_line(dir, attr, buf, sizeof(buf));

	if (n >= 0)
		sval_set(v, buf);
	else if (!(optional && n == -ENOENT))
		v->err = (int)n;
}

/* "iommu_group" -> 7; a missing link means the device has no group. */
static void read_group(const struct di_system *sys, struct rfs_dir *dir, struct di_device *d)
{
	char buf[NAME_MAX + 1];
	ssize_t n = rfs_dir_link_name(dir, "iommu_group", buf, sizeof(buf));
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
	bool keyed;
	ssize_t n;

	keyed = str_concat(key, sizeof(key), "driver-module:", d->bus, "/", d->driver.s, NULL);
	known = keyed ? names_memo_get(names, key) : NULL;
	if (known)
		return known->s ? xstrdup(known->s) : NULL;
	if (!path_join(path, sizeof(path), canon + 1, "driver/module"))
		return NULL;
	n = rfs_link_name(sys->root, RFS_ROOT, path, buf, sizeof(buf));
	if (n >= 0)
		v.s = buf;
	if (keyed)
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

static void read_drm(const struct rfs_dir *dev, struct di_device *d)
{
	struct dirent *de;
	DIR *dir = rfs_dir_lacks(dev, "drm") ? NULL : rfs_opendir(dev->r, dev->fd, "drm");

	if (!dir)
		return;
	while ((de = readdir(dir)))
		if (is_drm_node(de->d_name))
			strv_add(&d->drm_nodes, de->d_name);
	closedir(dir);
	strv_sort(&d->drm_nodes, 0);
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
static void read_dt(const struct di_system *sys, const struct rfs_dir *dir, const char *canon,
		    struct di_device *d)
{
	char node[PATH_MAX], bridge[PATH_MAX];
	int err = rfs_dir_lacks(dir, "of_node") ? -ENOENT : dt_node_of(sys, canon, node, sizeof(node));

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

/*
 * A PCI function's ids: from its modalias, printed from the very fields its
 * vendor, device, subsystem and class attributes print, else from those.
 */
static void read_pci_ids(struct rfs_dir *dir, struct di_device *d)
{
	struct pci_ids ids;

	if (d->modalias.s && parse_pci_modalias(d->modalias.s, &ids)) {
		ival_set(&d->vendor_id, ids.vendor);
		ival_set(&d->device_id, ids.device);
		ival_set(&d->subsystem_vendor_id, ids.subsystem_vendor);
		ival_set(&d->subsystem_device_id, ids.subsystem_device);
		ival_set(&d->class_id, ids.class);
		return;
	}
	read_int(dir, "vendor", &d->vendor_id, false);
	read_int(dir, "device", &d->device_id, false);
	read_int(dir, "subsystem_vendor", &d->subsystem_vendor_id, false);
	read_int(dir, "subsystem_device", &d->subsystem_device_id, false);
	read_int(dir, "class", &d->class_id, false);
}

static void collect_device(const struct di_system *sys, struct di_names *names,
			   struct rfs_dir *dir, const char *canon, struct di_device *d)
{
	static const char *const pci_attrs[] = { "modalias", "revision", "dma_mask_bits",
						 "consistent_dma_mask_bits", "numa_node", "removable" };
	static const char *const attrs[] = { "modalias", "numa_node", "removable" };
	char buf[NAME_MAX + 1];
	bool pci = d->bus && strcmp(d->bus, "pci") == 0;
	ssize_t n;

	/* Read below, one by one: fetched together where that saves a round trip. */
	if (pci)
		rfs_dir_prefetch(dir, pci_attrs, sizeof(pci_attrs) / sizeof(pci_attrs[0]));
	else
		rfs_dir_prefetch(dir, attrs, sizeof(attrs) / sizeof(attrs[0]));
	read_str(dir, "modalias", &d->modalias, true);
	if (pci) {
		read_pci_ids(dir, d);
		read_int(dir, "revision", &d->revision, false);
		read_int(dir, "dma_mask_bits", &d->dma_mask_bits, false);
		read_int(dir, "consistent_dma_mask_bits", &d->coherent_dma_mask_bits, false);
		if (d->modalias.s)
			names_hwdb(names, d->modalias.s, &d->vendor_name, &d->device_name);
	}
	read_int(dir, "numa_node", &d->numa_node, true);
	read_str(dir, "removable", &d->removable, true);

	n = rfs_dir_link_name(dir, "driver", buf, sizeof(buf));
	if (n >= 0)
		sval_set(&d->driver, buf);
	else if (n != -ENOENT)
		d->driver.err = (int)n;
	read_module(sys, names, canon, d);

	read_group(sys, dir, d);
	n = rfs_dir_link_name(dir, "iommu", buf, sizeof(buf));
	if (n >= 0)
		sval_set(&d->iommu_unit, buf);
	else if (n != -ENOENT)
		d->iommu_unit.err = (int)n;

	read_drm(dir, d);
	read_dt(sys, dir, canon, d);
}

/*
 * What collect_devices() holds while it lists: one device is reached from
 * its bus, its IOMMU group and its IOMMU unit, and there may be thousands.
 */
struct listing {
	struct di_system *sys;
	struct di_names *names;
	struct hmap seen;	/* canonical paths of the devices listed */
	struct hmap members;	/* "GROUP/NAME", "UNIT/NAME" of each device listed */
	struct rfs_parent parent;	/* the last listed device's parent directory */
};

/* "iommu_groups/ID/NAME": a group's member as noted in l->members. */
static bool group_key(char *key, size_t cap, long long id, const char *name)
{
	char t[LL_TEXT_MAX];

	return str_concat(key, cap, "iommu_groups/", ll_text(t, id), "/", name, NULL);
}

/* "iommu/UNIT/NAME": a unit's member as noted in l->members. */
static bool unit_key(char *key, size_t cap, const char *unit, const char *name)
{
	return str_concat(key, cap, "iommu/", unit, "/", name, NULL);
}

/*
 * Note where a listed device appears again: a group's or unit's devices/
 * holds a link named by the device's name (iommu_group_add_device(),
 * iommu_device_link()), and a name is there once. So the entry NAME in the
 * devices/ of the group or unit the device's own links name is that device.
 */
static void note_members(struct listing *l, const struct di_device *d)
{
	char key[NAME_MAX * 2 + 24];

	if (d->iommu_group.set && group_key(key, sizeof(key), d->iommu_group.v, d->name))
		strset_add(&l->members, key);
	if (d->iommu_unit.s && unit_key(key, sizeof(key), d->iommu_unit.s, d->name))
		strset_add(&l->members, key);
}

/*
 * Collect the device whose directory DIR is open, at CANON (its canonical
 * path), and close DIR. BUS, when known, is where it was listed: its
 * subsystem link names it.
 */
static void add_opened(struct listing *l, const char *canon, struct rfs_dir *dir,
		       const char *bus)
{
	struct di_system *sys = l->sys;
	char buf[NAME_MAX + 1];
	struct di_device *d;
	ssize_t n;

	n = bus ? 0 : rfs_dir_link_name(dir, "subsystem", buf, sizeof(buf));
	if (n == -ENOENT) {
		/* No subsystem link: a device the kernel is adding or removing. */
		rfs_dir_close(dir);
		return;
	}
	if (sys->n_devs >= sys->cap_devs) {
		sys->cap_devs = sys->n_devs < 32 ? 64 : 2 * sys->n_devs;
		sys->devs = xreallocarray(sys->devs, sys->cap_devs, sizeof(*sys->devs));
	}
	d = &sys->devs[sys->n_devs++];
	memset(d, 0, sizeof(*d));
	d->name = xstrdup(strrchr(canon, '/') + 1);
	d->path = xstrdup(canon);
	d->bus = xstrdup(bus ? bus : n >= 0 ? buf : "unknown");
	collect_device(sys, l->names, dir, canon, d);
	if (dir->missed && rfs_dir_gone(dir, canon + 1)) {
		/* It went away while it was read: shown whole or not at all. */
		device_free(d);
		sys->n_devs--;
	} else {
		note_members(l, d);
	}
	rfs_dir_close(dir);
}

/* devices live under /sys/devices, nowhere else */
static bool device_path(const char *canon)
{
	return strncmp(canon, "/sys/devices/", 13) == 0;
}

/* Add the device that PATH (root-relative, may be a link) leads to, once. */
static void add_device(struct listing *l, const char *path, const char *bus)
{
	struct di_system *sys = l->sys;
	char canon[PATH_MAX];
	struct rfs_dir dir;

	if (rfs_realpath(sys->root, path, canon, sizeof(canon)) < 0)
		return;	/* dangling link: nothing to show */
	if (!device_path(canon) || !strset_add(&l->seen, canon))
		return;	/* not a device, or already listed */
	if (rfs_dir_open(sys->root, RFS_ROOT, canon + 1, &dir) < 0) {
		rfs_dir_close(&dir);
		return;
	}
	add_opened(l, canon, &dir, bus);
}

/*
 * Add the device that the entry NAME of DIR (open as DIRFD, with no link on
 * its way) leads to, once: by its link's target read as it stands, and
 * through add_device() where a link or mount on the target's way makes that
 * path differ from the walk's.
 */
static void add_link(struct listing *l, int dirfd, const char *dir, const char *name,
		     const char *bus)
{
	struct di_system *sys = l->sys;
	char canon[PATH_MAX], path[PATH_MAX];
	struct rfs_dir d;
	int err;

	if (rfs_link_path(sys->root, dirfd, dir, name, canon, sizeof(canon)) < 0)
		return;
	/* A known device's path has no link on its way: the target leads there. */
	if (strset_has(&l->seen, canon))
		return;
	err = device_path(canon) ? rfs_dir_open_link(sys->root, &l->parent, canon + 1, &d) : -ELOOP;
	if (err < 0) {
		rfs_dir_close(&d);
		if ((err == -ELOOP || err == -EXDEV) && path_join(path, sizeof(path), dir, name))
			add_device(l, path, bus);
		return;
	}
	strset_add(&l->seen, canon);
	add_opened(l, canon, &d, bus);
}

/*
 * Add every entry of a directory of device links. BUS: the bus whose
 * devices/ it is. A directory with no link on its way has its links read as
 * they stand (add_link()); one reached through a link has each resolved.
 */
static int add_dir(struct listing *l, const char *dir, const char *suffix,
		   bool (*want)(const struct di_system *, const char *), const char *bus)
{
	char path[PATH_MAX], sub[PATH_MAX];
	struct dirent *de;
	int fd = suffix ? -ENOSYS : rfs_open_exact(l->sys->root, RFS_ROOT, dir, O_RDONLY | O_DIRECTORY);
	DIR *d = fd >= 0 ? fdopendir(fd) : rfs_opendir(l->sys->root, RFS_ROOT, dir);

	if (!d) {
		if (fd >= 0)
			close(fd);
		return errno == ENOENT ? 0 : -errno;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (!path_join(path, sizeof(path), dir, de->d_name))
			continue;
		if (want && !want(l->sys, path))
			continue;
		if (suffix && !path_join(sub, sizeof(sub), path, suffix))
			continue;
		if (fd >= 0)
			add_link(l, dirfd(d), dir, de->d_name, bus);
		else
			add_device(l, suffix ? sub : path, bus);
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

/*
 * Devices that only an IOMMU unit leads to: the entries collect_units() read
 * from each unit's devices/ that no bus listed.
 */
static int add_unit_members(struct listing *l)
{
	char key[PATH_MAX], path[PATH_MAX];

	if (l->sys->units_err)
		return l->sys->units_err;
	for (size_t i = 0; i < l->sys->n_units; i++) {
		const struct di_iommu_unit *u = &l->sys->units[i];

		if (u->devices_err)
			return u->devices_err;
		for (size_t j = 0; j < u->devices.n; j++) {
			if (!unit_key(key, sizeof(key), u->name, u->devices.v[j]) ||
			    strset_has(&l->members, key) ||
			    !str_concat(path, sizeof(path), "sys/class/iommu/", u->name, "/devices/",
					u->devices.v[j], NULL))
				continue;
			add_device(l, path, NULL);
		}
	}
	return 0;
}

/*
 * Devices that only an IOMMU group holds: the members collect_groups() read
 * from each group's devices/ that no bus listed.
 */
static void add_group_members(struct listing *l)
{
	char key[PATH_MAX], path[PATH_MAX];

	for (size_t i = 0; i < l->sys->n_groups; i++) {
		const struct di_group *g = &l->sys->groups[i];

		for (size_t j = 0; j < g->devices.n; j++) {
			if (!group_key(key, sizeof(key), g->id, g->devices.v[j]) ||
			    strset_has(&l->members, key) ||
			    (size_t)snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%d/devices/%s",
					     g->id, g->devices.v[j]) >= sizeof(path))
				continue;
			add_device(l, path, NULL);
		}
	}
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

static void listing_free(struct listing *l)
{
	rfs_parent_close(&l->parent);
	strset_free(&l->seen);
	strset_free(&l->members);
}

void collect_device_at(struct di_system *sys, struct di_names *names, const char *path)
{
	struct listing l = { .sys = sys, .names = names, .parent = RFS_PARENT_INIT };

	for (size_t i = 0; i < sys->n_devs; i++)
		strset_add(&l.seen, sys->devs[i].path);
	add_device(&l, path, NULL);
	listing_free(&l);
}

int collect_devices(struct di_system *sys, struct di_names *names)
{
	struct listing l = { .sys = sys, .names = names, .parent = RFS_PARENT_INIT };
	int err;

	err = add_dir(&l, "sys/bus/pci/devices", NULL, NULL, "pci");
	if (!err)
		add_group_members(&l);
	if (!err)
		err = add_unit_members(&l);
	if (!err)
		err = add_dir(&l, "sys/class/drm", "../..", drm_card, NULL);
	if (!err)
		err = add_dir(&l, "sys/bus/platform/devices", NULL, dt_dma_device, "platform");
	if (!err)
		err = add_dir(&l, "sys/bus/amba/devices", NULL, dt_dma_device, "amba");
	listing_free(&l);
	if (sys->n_devs)
		qsort(sys->devs, sys->n_devs, sizeof(*sys->devs), cmp_device);
	return err;
}

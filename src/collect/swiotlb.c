// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SWIOTLB: the default pool and restricted pools from debugfs
 * (/sys/kernel/debug/swiotlb/ and, for early restricted pools, the top of
 * debugfs; root only), or else from the boot log and the
 * command line; whether bouncing is forced; exhaustion; the top of RAM
 * beside each device's DMA masks.
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
#include "facts.h"

#define IO_TLB_SHIFT 11			/* 2 KiB slabs */
#define IO_TLB_SEGSIZE 128		/* slabs one mapping may span */
#define IO_TLB_DEFAULT_NSLABS 32768	/* 64 MiB */
#define DEBUGFS "sys/kernel/debug/swiotlb"

/*
 * A debugfs counter. absent: the error for a missing file, 0 when a missing
 * file is no error. Kernels 6.4 to 6.8 have been seen printing io_tlb_used
 * as 2^64-1, a count gone below zero: that count is unknown.
 */
static void read_count(const struct rootfs *r, int dfd, const char *name, struct ival *v,
		       bool optional, int absent)
{
	unsigned long long x;
	int err = rfs_read_ull(r, dfd, name, &x);

	if (err == -ENOENT && optional) {
		v->err = absent;
		return;
	}
	if (!err && x == ULLONG_MAX)
		err = -DI_EUNDERFLOW;
	else if (!err && x > LLONG_MAX)
		err = -ERANGE;
	if (err)
		v->err = err;
	else
		ival_set(v, (long long)x);
}

static struct di_swiotlb_pool *new_pool(struct di_swiotlb *sw, const char *name,
					const char *source)
{
	struct di_swiotlb_pool *p;

	sw->pools = xreallocarray(sw->pools, sw->n_pools + 1, sizeof(*sw->pools));
	p = &sw->pools[sw->n_pools];
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	p->source = source;
	sw->n_pools++;
	return p;
}

/* One debugfs pool directory: 1 read, 0 when it holds no io_tlb_nslabs. */
static int read_pool(struct di_system *sys, int dfd, const char *name, bool restricted)
{
	struct ival nslabs = { 0 };
	struct di_swiotlb_pool *p;

	read_count(sys->root, dfd, "io_tlb_nslabs", &nslabs, true, 0);
	if (!nslabs.set && !nslabs.err)
		return 0;	/* 6.1: an empty directory when there is no pool */
	p = new_pool(&sys->swiotlb, name, "debugfs");
	p->nslabs = nslabs;
	if (nslabs.set && nslabs.v < (1LL << 40))
		ival_set(&p->size_bytes, nslabs.v << IO_TLB_SHIFT);
	read_count(sys->root, dfd, "io_tlb_used", &p->used, false, 0);
	/* 6.4 added the high-water mark; only CONFIG_SWIOTLB_DYNAMIC has transient pools. */
	read_count(sys->root, dfd, "io_tlb_used_hiwater", &p->hiwater, true, -DI_ENOHIWATER);
	read_count(sys->root, dfd, "io_tlb_transient_nslabs", &p->transient_nslabs, true,
		   -DI_ENOTRANSIENT);
	if (restricted)
		ival_set(&p->forced, 1);	/* devices with a restricted pool always bounce */
	return 1;
}

static const char *debugfs_hint(struct di_system *sys, int err)
{
	DIR *d;
	struct dirent *de;
	bool empty = true;

	if (err == -EACCES || err == -EPERM)
		return "debugfs is readable by root only";
	if (err != -ENOENT)
		return NULL;
	if (!rfs_as_live(sys->root))
		return "the snapshot holds no debugfs swiotlb directory";
	d = rfs_opendir(sys->root, RFS_ROOT, "sys/kernel/debug");
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			empty = false;
	if (d)
		closedir(d);
	return empty ? "debugfs is not mounted on /sys/kernel/debug"
		     : "this kernel has no SWIOTLB entries in debugfs";
}

static bool have_pool(const struct di_swiotlb *sw, const char *name)
{
	for (size_t i = 0; i < sw->n_pools; i++)
		if (strcmp(sw->pools[i].name, name) == 0)
			return true;
	return false;
}

/*
 * Restricted pools in the directory D: one subdirectory each, named after the
 * reserved-memory node, holding io_tlb_nslabs. SKIP names what is no pool
 * there, and a name already read is not counted twice.
 */
static void read_restricted(struct di_system *sys, DIR *d, const char *const *skip)
{
	struct dirent *de;

	while ((de = readdir(d))) {
		bool skipped = de->d_name[0] == '.';
		int fd;

		for (const char *const *s = skip; *s && !skipped; s++)
			skipped = strcmp(de->d_name, *s) == 0;
		if (skipped || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) ||
		    have_pool(&sys->swiotlb, de->d_name))
			continue;
		fd = rfs_open(sys->root, dirfd(d), de->d_name, O_PATH | O_DIRECTORY);
		if (fd < 0)
			continue;
		read_pool(sys, fd, de->d_name, true);
		close(fd);
	}
}

/*
 * swiotlb_create_debugfs_files() puts a restricted pool's directory under
 * the default pool's, which a late initcall creates: a pool set up before it
 * (a built-in driver probing early) lands at the top of debugfs instead.
 * Not "swiotlb" (the default pool), not "tracing" (entering it would
 * automount tracefs).
 */
static void read_top_pools(struct di_system *sys)
{
	static const char *const skip[] = { "swiotlb", "tracing", NULL };
	DIR *d = rfs_opendir(sys->root, RFS_ROOT, "sys/kernel/debug");

	if (!d)
		return;	/* the swiotlb directory's absence says why */
	read_restricted(sys, d, skip);
	closedir(d);
}

static int cmp_pool(const void *a, const void *b)
{
	return strcmp(((const struct di_swiotlb_pool *)a)->name,
		      ((const struct di_swiotlb_pool *)b)->name);
}

static void read_debugfs(struct di_system *sys)
{
	static const char *const none[] = { NULL };
	struct di_swiotlb *sw = &sys->swiotlb;
	int ret;
	DIR *d = rfs_opendir(sys->root, RFS_ROOT, DEBUGFS);

	if (!d) {
		sw->debugfs.err = -errno;
		note_unreadable(sys, "/" DEBUGFS, sw->debugfs.err, debugfs_hint(sys, sw->debugfs.err));
		return;
	}
	ival_set(&sw->debugfs, 1);
	ret = read_pool(sys, dirfd(d), "default", false);
	ival_set(&sw->default_pool, ret);
	sw->default_pool_source = ret ? "debugfs" : "debugfs (empty swiotlb directory)";
	read_restricted(sys, d, none);
	closedir(d);
}

/* Without debugfs: what the boot log and the command line establish. */
static void default_from_log(struct di_system *sys, const struct swiotlb_log *log)
{
	struct di_swiotlb *sw = &sys->swiotlb;
	const struct di_cmdline *c = &sys->cmdline;
	bool force = c->swiotlb_force.set && c->swiotlb_force.v == 1;
	struct di_swiotlb_pool *p;

	if (c->swiotlb_force.set && c->swiotlb_force.v == 0) {
		ival_set(&sw->default_pool, 0);
		sw->default_pool_source = "kernel command line: swiotlb=noforce allocates no pool";
		return;
	}
	if (log->mapped && !log->torn_down) {
		p = new_pool(sw, "default", "kernel log");
		uval_set(&p->start, log->start);
		uval_set(&p->end, log->end);
		ival_set(&p->size_bytes, (long long)(log->end - log->start));
		ival_set(&p->nslabs, (long long)((log->end - log->start) >> IO_TLB_SHIFT));
		p->used.err = p->hiwater.err = sw->debugfs.err;
		ival_set(&sw->default_pool, 1);
		sw->default_pool_source = "kernel log: 'software IO TLB: mapped'";
		return;
	}
	if (log->torn_down) {
		ival_set(&sw->default_pool, 0);
		sw->default_pool_source = "kernel log: 'software IO TLB: tearing down default memory pool'";
		return;
	}
	if (force || (sys->memenc.guest.set && sys->memenc.guest.v)) {
		/* A forced pool is never freed, and 6.1 does not always log it. */
		p = new_pool(sw, "default", "kernel command line");
		if (c->swiotlb_nslabs.set)
			p->nslabs = c->swiotlb_nslabs;
		else if (force && !(sys->memenc.guest.set && sys->memenc.guest.v))
			ival_set(&p->nslabs, IO_TLB_DEFAULT_NSLABS);
		else
			p->nslabs.err = -ENODATA;	/* encrypted guests size it from RAM */
		if (p->nslabs.set)
			ival_set(&p->size_bytes, p->nslabs.v << IO_TLB_SHIFT);
		p->used.err = p->hiwater.err = sw->debugfs.err;
		ival_set(&sw->default_pool, 1);
		sw->default_pool_source = force ? "kernel command line: swiotlb=force keeps the pool"
						: "memory encryption forces a pool";
		return;
	}
	sw->default_pool.err = sw->debugfs.err;
}

void collect_swiotlb_use(const struct rootfs *root, struct di_system *sys)
{
	memset(sys, 0, sizeof(*sys));
	sys->root = root;
	read_debugfs(sys);
	read_top_pools(sys);
}

void collect_swiotlb(struct di_system *sys, const struct swiotlb_log *log)
{
	struct di_swiotlb *sw = &sys->swiotlb;
	size_t first;

	read_debugfs(sys);
	if (!sw->debugfs.set)
		default_from_log(sys, log);
	read_top_pools(sys);
	/* The default pool first, then restricted pools by name, wherever each was. */
	first = sw->n_pools && strcmp(sw->pools[0].name, "default") == 0;
	if (sw->n_pools > first + 1)
		qsort(sw->pools + first, sw->n_pools - first, sizeof(*sw->pools), cmp_pool);
}

static int cmp_ll_desc(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x < y) - (x > y);
}

/* The end of the highest online memory block: readable without root. */
void collect_ram(struct di_system *sys)
{
	struct di_ram *ram = &sys->ram;
	unsigned long long bs;
	long long *ids = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	char buf[64];
	int err;
	DIR *d;

	err = rfs_read_line(sys->root, RFS_ROOT, "sys/devices/system/memory/block_size_bytes", buf,
			    sizeof(buf));
	if (err >= 0) {
		char *end;

		/* Hexadecimal without "0x" (drivers/base/memory.c). */
		bs = strtoull(buf, &end, 16);
		err = (*end || !bs || buf[0] == '-' || bs > (1ULL << 40)) ? -EINVAL : 0;
	}
	if (err < 0) {
		ram->top.err = ram->block_size.err = err;
		note_unreadable(sys, "/sys/devices/system/memory/block_size_bytes", err,
				err == -ENOENT && rfs_as_live(sys->root)
				? "a kernel without memory block sysfs (CONFIG_MEMORY_HOTPLUG)" : NULL);
		return;
	}
	uval_set(&ram->block_size, bs);
	d = rfs_opendir(sys->root, RFS_ROOT, "sys/devices/system/memory");
	if (!d) {
		ram->top.err = -errno;
		note_unreadable(sys, "/sys/devices/system/memory", ram->top.err, NULL);
		return;
	}
	while ((de = readdir(d))) {
		int id;

		if (strncmp(de->d_name, "memory", 6) != 0 || (id = parse_id(de->d_name + 6)) < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ids = xreallocarray(ids, cap, sizeof(*ids));
		}
		ids[n++] = id;
	}
	closedir(d);
	if (n)
		qsort(ids, n, sizeof(*ids), cmp_ll_desc);
	for (size_t i = 0; i < n; i++) {
		char path[64];
		ssize_t r;

		snprintf(path, sizeof(path), "sys/devices/system/memory/memory%lld/state", ids[i]);
		r = rfs_read_line(sys->root, RFS_ROOT, path, buf, sizeof(buf));
		if (r >= 0 && strcmp(buf, "online") != 0)
			continue;	/* offline or going offline: not usable RAM */
		uval_set(&ram->top, ((uint64_t)ids[i] + 1) * bs);
		break;
	}
	free(ids);
	if (!ram->top.set)
		ram->top.err = -ENOENT;
}

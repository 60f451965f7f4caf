// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Device-tree DMA configuration and restricted pools, on scratch sysroots:
 * a PCI function takes its coherency from its host bridge's parent's node
 * (pci_dma_configure() -> of_dma_configure(dev, bridge->parent->of_node),
 * of_dma_is_coherent() walking up from there; drivers/pci/pci-driver.c,
 * drivers/of/device.c, drivers/of/address.c of 6.1, 6.12 and 7.2), and a
 * restricted pool's debugfs directory is under swiotlb/ or, when set up
 * before the late initcall that creates swiotlb/, at the top of debugfs
 * (swiotlb_create_debugfs_files(), kernel/dma/swiotlb.c).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "collect-tree.h"
#include "tap.h"

#define DT "sys/firmware/devicetree/base/"

/* A relative link at LINK to TARGET, both from the top, as sysfs writes them. */
static void link_to(const char *target, const char *link)
{
	char t[1024] = "", dir[1024];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", link);
	slash = strrchr(dir, '/');
	*slash = '\0';
	tree_dirs(dir);
	for (const char *s = dir; s; s = strchr(s + 1, '/'))
		strcat(t, "../");
	strcat(t, target);
	tree_link(t, link);
}

static void prop(const char *node, const char *name)
{
	char p[1024];

	snprintf(p, sizeof(p), DT "%s", node);
	tree_dirs(p);
	snprintf(p, sizeof(p), DT "%s/%s", node, name);
	tree_file(p, "");
}

static void dt_link(const char *dev, const char *node)
{
	char t[1024], l[1024];

	snprintf(t, sizeof(t), DT "%s", node);
	tree_dirs(t);
	snprintf(l, sizeof(l), "%s/of_node", dev);
	link_to(t, l);
}

/* A PCI function at DIR (from the top), with its bus links. */
static void pci_fn(const char *dir)
{
	char p[1024];

	tree_dirs(dir);
	snprintf(p, sizeof(p), "%s/subsystem", dir);
	link_to("sys/bus/pci", p);
	snprintf(p, sizeof(p), "%s/dma_mask_bits", dir);
	tree_file(p, "64\n");
	snprintf(p, sizeof(p), "%s/consistent_dma_mask_bits", dir);
	tree_file(p, "64\n");
	snprintf(p, sizeof(p), "sys/bus/pci/devices/%s", strrchr(dir, '/') + 1);
	link_to(dir, p);
}

static void tree_start(void)
{
	snprintf(tree_top, sizeof(tree_top), "/tmp/dmainspect-dt-XXXXXX");
	if (!mkdtemp(tree_top))
		exit(99);
	tree_dirs("sys/bus/pci/devices");
	tree_dirs("sys/bus/platform/devices");
	tree_dirs("sys/kernel/debug");
	tree_dirs("proc/sys/kernel");
	tree_dirs("dev");
	tree_file("proc/cmdline", "console=ttyAMA0\n");
	tree_file("proc/sys/kernel/osrelease", "6.12.117+deb13-arm64\n");
}

#define VIRT "sys/devices/platform/4010000000.pcie"

static void test_pci_host_bridge(void)
{
	const struct di_device *d;
	struct di_system sys;
	struct rootfs r;

	tree_start();
	/* QEMU virt: /pcie@10000000 is dma-coherent; a function behind a root port. */
	prop("pcie@10000000", "dma-coherent");
	dt_link(VIRT, "pcie@10000000");
	link_to("sys/bus/platform", VIRT "/subsystem");
	link_to(VIRT, "sys/bus/platform/devices/4010000000.pcie");
	pci_fn(VIRT "/pci0000:00/0000:00:01.0");
	pci_fn(VIRT "/pci0000:00/0000:00:02.0");
	pci_fn(VIRT "/pci0000:00/0000:00:02.0/0000:01:00.0");
	/* A function's own node says dma-noncoherent: not what the kernel reads. */
	prop("pcie@10000000/pci@3,0", "dma-noncoherent");
	pci_fn(VIRT "/pci0000:00/0000:00:03.0");
	dt_link(VIRT "/pci0000:00/0000:00:03.0", "pcie@10000000/pci@3,0");
	/* A host bridge node without a property, under a dma-noncoherent bus. */
	prop("soc", "dma-noncoherent");
	dt_link("sys/devices/platform/soc/30000000.pcie", "soc/pcie@30000000");
	pci_fn("sys/devices/platform/soc/30000000.pcie/pci0001:00/0001:00:00.0");
	/* No property anywhere: the architecture default. */
	dt_link("sys/devices/platform/50000000.pcie", "pcie@50000000");
	pci_fn("sys/devices/platform/50000000.pcie/pci10000:00/10000:00:00.0");
	/* VMD-like: a domain nested under a function; its bridge's parent has no node. */
	pci_fn(VIRT "/pci0000:00/0000:00:04.0/pci10001:e0/10001:e0:00.0");
	/* A host bridge whose parent's node leads out of the device tree. */
	tree_dirs("sys/firmware/elsewhere");
	link_to("sys/firmware/elsewhere", "sys/devices/platform/60000000.pcie/of_node");
	pci_fn("sys/devices/platform/60000000.pcie/pci0003:00/0003:00:00.0");
	tree_collect(&sys, &r);

	d = system_find_device(&sys, "0000:00:01.0");
	ok(d && d->dt_coherent.set && d->dt_coherent.v == 1 && !d->of_node.s && !d->of_node.err,
	   "PCI on QEMU virt: coherent, with no node of its own");
	is_str(d ? d->dt_coherent_from.s : NULL, "/pcie@10000000", "... decided by the host bridge's node");
	is_str(d ? d->dma_of_node.s : NULL, "/pcie@10000000", "... which is its DMA node");
	d = system_find_device(&sys, "0000:01:00.0");
	ok(d && d->dt_coherent.v == 1 && d->dma_of_node.s && strcmp(d->dma_of_node.s, "/pcie@10000000") == 0,
	   "behind a root port: the same host bridge");
	d = system_find_device(&sys, "0000:00:03.0");
	is_str(d ? d->of_node.s : NULL, "/pcie@10000000/pci@3,0", "a function's own node is reported");
	ok(d && d->dt_coherent.set && d->dt_coherent.v == 1 && d->dt_coherent_from.s &&
	   strcmp(d->dt_coherent_from.s, "/pcie@10000000") == 0,
	   "... but coherency comes from the host bridge's, as pci_dma_configure() passes it");
	d = system_find_device(&sys, "0001:00:00.0");
	ok(d && d->dt_coherent.set && d->dt_coherent.v == 0 && d->dt_coherent_from.s &&
	   strcmp(d->dt_coherent_from.s, "/soc") == 0 && d->dma_of_node.s &&
	   strcmp(d->dma_of_node.s, "/soc/pcie@30000000") == 0,
	   "a bridge node without a property inherits dma-noncoherent from its parent");
	d = system_find_device(&sys, "10000:00:00.0");
	ok(d && !d->dt_coherent.set && !d->dt_coherent.err && d->dt_coherent_from.s &&
	   strcmp(d->dt_coherent_from.s, "architecture default") == 0 && d->dma_of_node.s &&
	   strcmp(d->dma_of_node.s, "/pcie@50000000") == 0,
	   "no property anywhere: the architecture default; a five-digit domain is a host bridge");
	d = system_find_device(&sys, "10001:e0:00.0");
	ok(d && !d->dma_of_node.s && !d->dma_of_node.err && !d->dt_coherent.set && !d->dt_coherent_from.s,
	   "a nested domain: its own bridge's parent has no node, so no device-tree DMA at all");
	d = system_find_device(&sys, "0003:00:00.0");
	ok(d && !d->dma_of_node.s && d->dma_of_node.err && d->dt_coherent.err && !d->dt_coherent_from.s,
	   "a bridge node outside the device tree is an error, not a guess");
	d = system_find_device(&sys, "4010000000.pcie");
	ok(d && strcmp(d->bus, "platform") == 0 && d->of_node.s && d->dma_of_node.s &&
	   strcmp(d->dma_of_node.s, d->of_node.s) == 0 && d->dt_coherent.v == 1,
	   "the host bridge's platform device (listed: dma-coherent): its own node");
	tree_release(&sys, &r);

	/* ACPI x86: the host bridge is at the top of /sys/devices; no device tree. */
	tree_start();
	pci_fn("sys/devices/pci0000:00/0000:00:02.0");
	tree_collect(&sys, &r);
	d = system_find_device(&sys, "0000:00:02.0");
	ok(d && !d->of_node.s && !d->of_node.err && !d->dma_of_node.s && !d->dma_of_node.err &&
	   !d->dt_coherent.set && !d->dt_coherent.err && !d->dt_coherent_from.s,
	   "x86: nothing from a device tree, and no error");
	tree_release(&sys, &r);
}

static const struct di_swiotlb_pool *pool(const struct di_system *sys, size_t i)
{
	return i < sys->swiotlb.n_pools ? &sys->swiotlb.pools[i] : NULL;
}

static void test_restricted_pools(void)
{
	const struct di_swiotlb_pool *p;
	struct di_system sys;
	struct rootfs r;

	tree_start();
	tree_dirs("sys/kernel/debug/swiotlb/restricted-dma-pool@74000000");
	tree_file("sys/kernel/debug/swiotlb/io_tlb_nslabs", "512\n");
	tree_file("sys/kernel/debug/swiotlb/io_tlb_used", "0\n");
	tree_file("sys/kernel/debug/swiotlb/io_tlb_used_hiwater", "6\n");
	tree_file("sys/kernel/debug/swiotlb/restricted-dma-pool@74000000/io_tlb_nslabs", "1024\n");
	tree_file("sys/kernel/debug/swiotlb/restricted-dma-pool@74000000/io_tlb_used", "0\n");
	/* Set up before swiotlb/ existed: at the top of debugfs. */
	tree_dirs("sys/kernel/debug/restricted-dma-pool@70000000");
	tree_file("sys/kernel/debug/restricted-dma-pool@70000000/io_tlb_nslabs", "2048\n");
	tree_file("sys/kernel/debug/restricted-dma-pool@70000000/io_tlb_used", "3\n");
	tree_file("sys/kernel/debug/restricted-dma-pool@70000000/io_tlb_used_hiwater", "10\n");
	/* Other debugfs directories are no pools; tracing/ is never entered. */
	tree_dirs("sys/kernel/debug/bdi/254:0");
	tree_file("sys/kernel/debug/bdi/254:0/stats", "BdiWriteback: 0 kB\n");
	tree_dirs("sys/kernel/debug/tracing");
	tree_file("sys/kernel/debug/tracing/io_tlb_nslabs", "9\n");
	tree_file("sys/kernel/debug/io_tlb_nslabs", "9\n");
	tree_collect(&sys, &r);
	is_int(sys.swiotlb.n_pools, 3, "the default pool and two restricted pools, each once");
	p = pool(&sys, 0);
	ok(p && strcmp(p->name, "default") == 0 && p->nslabs.v == 512 && p->hiwater.v == 6,
	   "the default pool first");
	p = pool(&sys, 1);
	ok(p && strcmp(p->name, "restricted-dma-pool@70000000") == 0 && p->nslabs.v == 2048 &&
	   p->used.v == 3 && p->hiwater.v == 10 && p->size_bytes.v == 4 << 20 && p->forced.v == 1,
	   "the pool at the top of debugfs: 2048 slabs of 2 KiB, 3 used, its devices always bounce");
	p = pool(&sys, 2);
	ok(p && strcmp(p->name, "restricted-dma-pool@74000000") == 0 && p->nslabs.v == 1024 &&
	   p->size_bytes.v == 2 << 20, "the pool under swiotlb/, after it by name");
	tree_release(&sys, &r);

	/* The same name in both places (not seen; a copied tree): counted once. */
	tree_start();
	tree_dirs("sys/kernel/debug/swiotlb/restricted-dma-pool@70000000");
	tree_dirs("sys/kernel/debug/restricted-dma-pool@70000000");
	tree_file("sys/kernel/debug/swiotlb/restricted-dma-pool@70000000/io_tlb_nslabs", "2048\n");
	tree_file("sys/kernel/debug/swiotlb/restricted-dma-pool@70000000/io_tlb_used", "3\n");
	tree_file("sys/kernel/debug/restricted-dma-pool@70000000/io_tlb_nslabs", "2048\n");
	tree_file("sys/kernel/debug/restricted-dma-pool@70000000/io_tlb_used", "3\n");
	tree_collect(&sys, &r);
	p = pool(&sys, 0);
	ok(sys.swiotlb.n_pools == 1 && p && strcmp(p->name, "restricted-dma-pool@70000000") == 0 &&
	   sys.swiotlb.default_pool.set && sys.swiotlb.default_pool.v == 0,
	   "one pool in both places counts once; the empty swiotlb/ says no default pool");
	tree_release(&sys, &r);

	/* No swiotlb/ (copied without it): the top-level pool still counts. */
	tree_start();
	tree_dirs("sys/kernel/debug/restricted-dma-pool@70000000");
	tree_file("sys/kernel/debug/restricted-dma-pool@70000000/io_tlb_nslabs", "2048\n");
	tree_file("sys/kernel/debug/restricted-dma-pool@70000000/io_tlb_used", "1\n");
	tree_collect(&sys, &r);
	p = pool(&sys, 0);
	ok(sys.swiotlb.n_pools == 1 && p && strcmp(p->name, "restricted-dma-pool@70000000") == 0 &&
	   p->used.v == 1, "without swiotlb/: the top-level pool alone");
	ok(!sys.swiotlb.debugfs.set && sys.swiotlb.debugfs.err == -ENOENT,
	   "... and the missing swiotlb/ directory is still reported");
	tree_release(&sys, &r);
}

int main(void)
{
	test_pci_host_bridge();
	test_restricted_pools();
	return tap_done();
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * trace's classifier over the event names tracefs lists on 6.12 (Debian's
 * 6.12.117, include/trace/events/dma.h) and on 7.x (dma_map_phys replaces
 * dma_map_page and dma_map_resource), its ring-buffer statistics, and the
 * per-device tables of the model.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "parse/trace-parse.h"
#include "tap.h"

/* SYSTEM:EVENT's count, bytes count and device field as "count bytes field". */
static const char *classify(const char *sys, const char *ev)
{
	static char buf[128];
	struct trace_event_class c;

	if (!trace_event_classify(sys, ev, &c))
		return "none";
	snprintf(buf, sizeof(buf), "%s %s %s%s%s",
		 c.family == TF_DMA_BUF ? trace_buf_count_name(c.count) : trace_count_name(c.count),
		 c.bytes_count < 0 ? "-" :
		 c.family == TF_DMA_BUF ? trace_buf_count_name(c.bytes_count) :
					  trace_count_name(c.bytes_count),
		 c.dev_field ? c.dev_field : c.exp_field ? c.exp_field : "-",
		 c.fail_field ? " fails:" : "", c.fail_field ? trace_count_name(c.fail_count) : "");
	return buf;
}

static void test_classify(void)
{
	/* 6.12 */
	is_str(classify("dma", "dma_map_page"), "maps_page map_bytes device fails:map_errors", "6.12 dma_map_page");
	is_str(classify("dma", "dma_map_resource"), "maps_resource map_bytes device fails:map_errors", "dma_map_resource");
	is_str(classify("dma", "dma_map_sg"), "maps_sg map_bytes device", "dma_map_sg: bytes from its lengths");
	is_str(classify("dma", "dma_map_sg_err"), "map_errors - device", "dma_map_sg_err");
	is_str(classify("dma", "dma_unmap_page"), "unmaps_page - device", "dma_unmap_page");
	is_str(classify("dma", "dma_unmap_resource"), "unmaps_resource - device", "dma_unmap_resource");
	is_str(classify("dma", "dma_unmap_sg"), "unmaps_sg - device", "dma_unmap_sg");
	is_str(classify("dma", "dma_sync_single_for_cpu"), "syncs_for_cpu - device", "dma_sync_single_for_cpu");
	is_str(classify("dma", "dma_sync_sg_for_cpu"), "syncs_for_cpu - device", "dma_sync_sg_for_cpu");
	is_str(classify("dma", "dma_sync_single_for_device"), "syncs_for_device - device", "dma_sync_single_for_device");
	is_str(classify("dma", "dma_sync_sg_for_device"), "syncs_for_device - device", "dma_sync_sg_for_device");
	is_str(classify("dma", "dma_alloc"), "coherent_allocs coherent_alloc_bytes device fails:coherent_alloc_errors",
	       "dma_alloc: a NULL virt_addr is a failure");
	is_str(classify("dma", "dma_alloc_pages"), "coherent_allocs coherent_alloc_bytes device", "dma_alloc_pages");
	is_str(classify("dma", "dma_alloc_sgt"), "coherent_allocs coherent_alloc_bytes device", "dma_alloc_sgt");
	is_str(classify("dma", "dma_alloc_sgt_err"), "coherent_alloc_errors - device", "dma_alloc_sgt_err");
	is_str(classify("dma", "dma_free"), "coherent_frees coherent_free_bytes device", "dma_free");
	is_str(classify("dma", "dma_free_pages"), "coherent_frees coherent_free_bytes device", "dma_free_pages");
	is_str(classify("dma", "dma_free_sgt"), "coherent_frees coherent_free_bytes device", "dma_free_sgt");
	/* 7.x */
	is_str(classify("dma", "dma_map_phys"), "maps_page map_bytes device fails:map_errors", "7.x dma_map_phys counts as a page map");
	is_str(classify("dma", "dma_unmap_phys"), "unmaps_page - device", "7.x dma_unmap_phys");
	is_str(classify("dma_buf", "dma_buf_export"), "exports exported_bytes exp_name", "dma_buf_export");
	is_str(classify("dma_buf", "dma_buf_dynamic_attach"), "attaches - exp_name", "dma_buf_dynamic_attach");
	is_str(classify("dma_buf", "dma_buf_detach"), "detaches - exp_name", "dma_buf_detach");
	is_str(classify("dma_buf", "dma_buf_mmap_internal"), "mmaps - exp_name", "dma_buf_mmap_internal");
	is_str(classify("dma_buf", "dma_buf_fd"), "none", "dma_buf_fd counts nothing");
	/* every kernel */
	is_str(classify("swiotlb", "swiotlb_bounced"), "bounces bounced_bytes dev_name", "swiotlb_bounced");
	is_str(classify("iommu", "io_page_fault"), "faults - device", "io_page_fault");
	is_str(classify("iommu", "map"), "none", "iommu:map names no device: not counted");
	is_str(classify("dma", "dma_map_something_new"), "none", "an unknown dma: event is not guessed at");
	is_str(classify("dma", "enable"), "none", "the system's own files are no events");
}

static void test_stats(void)
{
	uint64_t lost = 7;

	is_int(trace_stats_lost("entries: 5\noverrun: 12\ncommit overrun: 0\nbytes: 340\n"
				"oldest event ts:  1.5\nnow ts:  2.0\ndropped events: 3\nread events: 9\n",
				&lost), 0, "a stats file parses");
	is_int((long long)lost, 15, "lost: overrun plus dropped events (commit overrun is not lost)");
	is_int(trace_stats_lost("entries: 5\n", &lost), -EINVAL, "no overrun line: -EINVAL");
	is_int(trace_stats_lost("overrun: x\n", &lost), -EINVAL, "a malformed count: -EINVAL");
	trace_stats_lost("overrun: 18446744073709551615\ndropped events: 2\n", &lost);
	ok(lost == UINT64_MAX, "the sum saturates");
}

static void test_instance(void)
{
	long pid = 0;

	ok(trace_instance_pid("dmainspect-4242", "dmainspect-", &pid) && pid == 4242, "dmainspect-4242: pid 4242");
	ok(!trace_instance_pid("dmainspect-", "dmainspect-", &pid), "no pid");
	ok(!trace_instance_pid("dmainspect-0", "dmainspect-", &pid), "pid 0");
	ok(!trace_instance_pid("dmainspect-12x", "dmainspect-", &pid), "trailing garbage");
	ok(!trace_instance_pid("dmainspect-99999999999", "dmainspect-", &pid), "beyond a pid");
	ok(!trace_instance_pid("other-12", "dmainspect-", &pid), "another tool's instance");
}

static void test_tables(void)
{
	struct di_trace t = { 0 };

	trace_dev(&t, "0000:00:1f.2")->n[TC_BOUNCES] += 2;
	trace_dev(&t, "0000:00:04.0")->n[TC_MAPS_SG]++;
	trace_dev(&t, "0000:00:1f.2")->n[TC_BOUNCES]++;
	trace_exporter(&t, "vgem")->n[TB_EXPORTS]++;
	trace_sort(&t);
	is_int((long long)t.n_devs, 2, "one row per device");
	is_str(t.devs[0]->name, "0000:00:04.0", "sorted by name");
	is_int((long long)t.devs[1]->n[TC_BOUNCES], 3, "counts add up per device");
	is_int((long long)t.n_exps, 1, "one row per exporter");
	trace_free(&t);
}

int main(void)
{
	test_classify();
	test_stats();
	test_instance();
	test_tables();
	return tap_done();
}

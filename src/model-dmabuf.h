/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The dma-buf part of the model: what `buf` and `bufs` collect, the advisor
 * reads and the renderers print. Plain data, no I/O.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* A CPU-access fact probed with an ioctl or mmap on the buffer's fd. */
struct di_probe {
	struct ival ok;		/* bool; err: why it failed, or why it was not run */
};

/* DMA_BUF_IOCTL_INFO's proposed answers (enum dma_buf_map_info). */
enum {
	MAP_INFO_INCOHERENT = 0,
	MAP_INFO_COHERENT_WC = 1,
	MAP_INFO_COHERENT_CACHED = 2,
};
const char *map_info_name(long long v);

/*
 * A fence line of bufinfo. 5.19 to 6.x print "fence:DRIVER TIMELINE seq N",
 * 7.x "fence:CONTEXT:SEQNO TIMELINE DRIVER" with both names empty once the
 * fence has signalled; before 5.19 "Exclusive fence: DRIVER TIMELINE".
 */
struct di_fence {
	char *usage;		/* kernel, write, read, bookkeep; exclusive or shared (old) */
	struct sval driver;	/* null with DB_ESIGNALLEDNAMES on 7.x once signalled */
	struct sval timeline;
	struct ival context;	/* 7.x only */
	struct ival seqno;	/* not set before 5.19 */
	bool signalled;
};

/* One device attached to a buffer, as bufinfo names it. */
struct di_attachment {
	char *device;		/* dev_name() */
	bool known;		/* found in sysfs by the device collector */
	char *bus;
	struct sval driver;
	struct ival iommu_group;
	struct sval iommu_domain;
	struct ival dma_mask_bits, coherent_dma_mask_bits;
	struct ival dt_coherent;
	struct sval dt_coherent_from;
};

/* A process holding a buffer: through an fd, a mapping or both. */
struct di_holder {
	int pid;
	int fd;			/* -1: mapped only */
	bool mapped;
	struct ival flags;	/* fdinfo flags: the file's f_flags plus the fd's O_CLOEXEC */
};

/* Where `buf` got the buffer from. */
enum buf_source {
	SRC_NONE = 0,
	SRC_FD,			/* an fd dmainspect inherited */
	SRC_PROCESS,		/* duplicated from another process */
	SRC_DRM,		/* test buffer from a DRM node */
	SRC_HEAP,		/* test buffer from a DMA heap */
	SRC_UDMABUF,		/* test buffer from /dev/udmabuf */
};
const char *buf_source_name(enum buf_source s);

struct di_dmabuf {
	/* buf only */
	char *argument;		/* the command-line argument */
	char *error;		/* why the argument could not be inspected */
	enum buf_source source;
	int src_pid, src_fd;	/* holder's pid and fd number (-1 when none) */
	char *src_device;	/* device node a test buffer came from */
	char *src_driver;	/* its driver */
	char *src_allocation;	/* how it was allocated, e.g. "dumb 64x64x32" */

	struct ival inode, size;
	struct sval exporter, name;
	struct ival fd_flags;		/* fdinfo flags of the fd inspected */
	struct ival file_flags, file_mode;	/* bufinfo f_flags, f_mode */
	struct ival file_count;		/* file reference count as the kernel printed it */

	/* From debugfs bufinfo; listed == false with bufinfo_err set when unknown. */
	bool listed;
	int bufinfo_err;
	struct di_fence *fences;
	size_t n_fences;
	struct di_attachment *attachments;
	size_t n_attachments;

	/* Probed on the fd (buf only). */
	struct di_probe mmap, sync, export_sync_file;
	struct ival map_info;		/* raw DMA_BUF_IOCTL_INFO answer */

	/* bufs: who holds it. */
	struct di_holder *holders;
	size_t n_holders;

	/* Advice on CPU access, from the advisor. */
	const char *cpu_advice;		/* "bracket-with-sync", "coherent", "no-cpu-mapping" */
	const char *cpu_summary;	/* what to do, in one sentence */
	struct strv reasons;
	struct strv notes;
};

/* One buffer a process holds, through an fd or a mapping. */
struct di_proc_ref {
	struct ival inode;
	int fd;			/* -1: mapped only */
	bool mapped;
};

struct di_proc {
	int pid;
	struct sval comm;
	struct di_proc_ref *refs;
	size_t n_refs;
	size_t n_buffers;	/* distinct buffers */
	long long bytes;	/* their sizes, where known */
	size_t n_unknown_size;
};

struct di_exporter_total {
	char *exporter;		/* NULL: not known (mapped only) */
	size_t count;
	long long bytes;
};

/* A process bufs read only in part, and what it left out. */
struct di_cut {
	int pid;
	enum { DI_CUT_DMABUF_FDS, DI_CUT_MAPS } what;
	unsigned long long limit;	/* dma-buf fds listed; bytes of maps read */
	unsigned long long beyond;	/* dma-buf fds not listed (maps: 0, unknown) */
};

/* Everything `bufs` found. */
struct di_bufset {
	struct di_dmabuf *bufs;
	size_t n_bufs;
	struct di_proc *procs;
	size_t n_procs;
	struct di_exporter_total *exporters;
	size_t n_exporters;
	int bufinfo_err;		/* 0: bufinfo was read */
	int proc_err;			/* 0: /proc could be listed */
	size_t procs_scanned;		/* processes whose fds were read */
	size_t procs_unreadable;	/* processes whose fds could not be read */
	int unreadable_err;		/* the first reason, e.g. EACCES */
	int unheld_err;			/* why the count below is unknown */
	size_t unheld_count;		/* buffers in bufinfo that no process holds */
	long long unheld_bytes;
	struct di_cut *cuts;		/* processes read only in part */
	size_t n_cuts;
};

/* advise-dmabuf.c: CPU-access advice and notes, from the facts alone (pure). */
void dmabuf_advise(struct di_dmabuf *b);

void dmabuf_free(struct di_dmabuf *b);
void dmabufs_free(struct di_dmabuf *b, size_t n);
void bufset_free(struct di_bufset *s);

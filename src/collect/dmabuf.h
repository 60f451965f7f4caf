/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Collectors for the dma-buf commands. */
#pragma once

#include "rootfs.h"
#include "model-dmabuf.h"

/* dmabuf-alloc.c: test buffers from device nodes (the only device I/O). */
struct test_buffer {
	int fd;			/* the exported dma-buf */
	enum buf_source kind;
	char *device;		/* node it was allocated on */
	char *driver;
	char *allocation;	/* how, e.g. "dumb 64x64x32" */
};

/*
 * Allocate and export a small buffer on the device node PATH, after
 * checking that PATH is a DRM card or render node, a DMA heap or udmabuf
 * (nothing else is ever opened for reading or writing). Returns 0, or
 * -errno with *why a malloc'd explanation.
 */
int test_buffer_alloc(const struct rootfs *r, const char *path, struct test_buffer *tb,
		      char **why);

/* dmabuf.c: one buffer in depth (buf). */
/*
 * Get an fd of the buffer that ARG names (live system only): an inherited
 * fd, another process's fd duplicated with pidfd_getfd, or a test buffer.
 * Fills b's source fields. Returns the fd (the caller closes it), or -1
 * with b->error set.
 */
int dmabuf_acquire(const struct rootfs *root, const char *arg, struct di_dmabuf *b);
/* What the fd, the holder's fdinfo and the probes say. */
void dmabuf_collect_fd(const struct rootfs *root, int fd, struct di_dmabuf *b);
/* A snapshot: PID:N from the snapshot's proc/PID/fdinfo/N. 0 or -1 with b->error. */
int dmabuf_collect_snapshot(const struct rootfs *root, const char *arg, struct di_dmabuf *b);

/* Read and parse debugfs bufinfo. Returns 0 or -errno. */
int bufinfo_read(const struct rootfs *r, struct di_dmabuf **info, size_t *n);
/* Copy what bufinfo says about b (matched by inode), or note why it cannot. */
void bufinfo_merge(struct di_dmabuf *b, const struct di_dmabuf *info, size_t n, int info_err);
/* Fill each attachment's group, domain and masks from the device collector. */
int dmabuf_resolve_attachments(const struct rootfs *root, struct di_dmabuf *bufs, size_t n);

/* dmabuf-scan.c: every buffer and who holds it (bufs). */
struct bufs_filter {
	int *pids;
	size_t n_pids;
	struct strv exporters;
};
int bufs_collect(const struct rootfs *root, const struct bufs_filter *f, struct di_bufset *s);

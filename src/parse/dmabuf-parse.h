/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pure parsers for the dma-buf commands: no I/O, text in, values out, so
 * that unit tests and fuzzers call them directly.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model-dmabuf.h"

/* /proc/PID/fdinfo/N; fields the kernel did not print stay unset. */
struct fdinfo {
	struct ival pos, flags, mnt_id, ino, size, count;
	struct sval exp_name, name;
};

/*
 * Parse fdinfo text. The first occurrence of a key wins, so that a name
 * holding a newline cannot override the lines before it. Returns 0, or
 * -ENOMSG when the text has no exp_name (not a dma-buf).
 */
int parse_fdinfo(const char *text, struct fdinfo *fi);
void fdinfo_free(struct fdinfo *fi);

/*
 * Parse debugfs dma_buf/bufinfo into buffers (inode, size, exporter, name,
 * file_flags, file_mode, file_count, fences, attachment names; listed set).
 * Returns 0, or -EINVAL when the text is no bufinfo.
 */
int parse_bufinfo(const char *text, struct di_dmabuf **out, size_t *n);

/* The forms of a `buf` argument. */
enum buf_arg_kind {
	BUF_ARG_FD,		/* "3", "/proc/self/fd/3" */
	BUF_ARG_PROC,		/* "812:5", "/proc/812/fd/5" */
	BUF_ARG_PATH,		/* anything else: a device node, or an error */
};

struct buf_arg {
	enum buf_arg_kind kind;
	int pid;
	int fd;
};

/* Returns 0, -ERANGE for a pid or fd number out of range, -EINVAL for "". */
int parse_buf_arg(const char *s, struct buf_arg *a);

/*
 * Find the next dma-buf mapping in /proc/PID/maps text from *pos on: sets
 * the inode and the name after "/dmabuf:" (not NUL-terminated, *name_len
 * bytes) and advances *pos past the line. Returns false at the end.
 */
bool maps_next_dmabuf(const char **pos, unsigned long long *ino, const char **name,
		      size_t *name_len);

/* Whether a readlink of /proc/PID/fd/N names a dma-buf ("/dmabuf:NAME"). */
bool is_dmabuf_link(const char *target);

/* What a character device is, from its sysfs subsystem and name. */
enum dev_kind {
	DEV_OTHER = 0,
	DEV_DRM_CARD,
	DEV_DRM_RENDER,
	DEV_DMA_HEAP,
	DEV_UDMABUF,
};
enum dev_kind classify_chardev(const char *subsystem, const char *name);

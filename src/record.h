/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Recording what the rooted reader reads, for 'dmainspect report', and
 * replaying the reads that failed when a recorded snapshot is inspected.
 *
 * While a recorder is attached to a root, every open, directory listing,
 * readlink, realpath and file read through rootfs.c is noted as a
 * root-relative path: directories, symlinks with their targets (the ones met
 * on the way too), regular files with the bytes read. The first read of a
 * file is kept and served again to later reads, so that every command sees
 * one consistent snapshot. Reads happen in a short-lived child process with a
 * time limit, so that a file that blocks in the kernel cannot hang the
 * caller. Reads that fail (other than with ENOENT) are noted with their
 * error, keyed by the path as the caller spelled it, and a snapshot carries
 * them in dmainspect/errors (RFS_ERRORS_PATH), which the reader replays.
 * The recorder hears of each access through the reader's hooks
 * (struct rfs_hooks): the reader knows nothing of it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rootfs.h"

enum rec_kind {
	REC_DIR,
	REC_FILE,	/* has_content: the bytes read; else only known to exist */
	REC_LINK,	/* data: the target */
	REC_ERROR,	/* path: as the caller spelled it; op (enum rfs_op) and err */
};

struct rec_node {
	char *path;		/* root-relative, no leading '/' */
	enum rec_kind kind;
	char *data;
	size_t len;
	bool has_content;
	char op;
	int err;		/* negative */
};

/*
 * A hook that may shorten what is kept of a file (e.g. only the lines that
 * dmainspect parses). It edits data in place and returns the new length.
 */
typedef size_t (*rec_filter_fn)(const char *path, char *data, size_t len);

struct rec_options {
	unsigned int timeout_ms;	/* per file read; 0: no child process */
	rec_filter_fn filter;
};

struct rfs_record;

struct rfs_record *rec_new(const struct rec_options *o);
void rec_free(struct rfs_record *rec);
/* Attach to (or, with NULL, detach from) a root: installs the reader's hooks. */
void rec_attach(struct rootfs *r, struct rfs_record *rec);

/* Every node, sorted by path; valid until the recorder changes. */
const struct rec_node *const *rec_nodes(struct rfs_record *rec, size_t *n);
const struct rec_node *rec_find(const struct rfs_record *rec, const char *path);
/* Files whose reads timed out. */
size_t rec_timeouts(const struct rfs_record *rec);
/* The failed accesses as the text of dmainspect/errors (malloc'd). */
char *rec_errors_text(struct rfs_record *rec, size_t *len);

/*
 * A child process that runs fn(ctx, key, max, &out) call after call, each
 * within a time limit (record-child.c): forked at the first call, and again
 * after a call that timed out, whose child is killed (-RFS_ETIMEOUT). fn
 * returns a length or -errno and sets out (malloc'd) on success; at most max
 * bytes come back (else -RFS_ETOOBIG). fn and ctx are the child's as they
 * were at its fork. Zero it, then set fn and ctx; rec_child_stop() ends it.
 */
struct rec_child {
	ssize_t (*fn)(void *ctx, const char *key, size_t max, char **out);
	void *ctx;
	pid_t pid;		/* 0: none running */
	int fd;			/* its end of the socket pair */
	unsigned int timeout_ms;	/* its receive timeout; 0: not set */
	size_t in_len;			/* answer bytes received and not yet taken */
	char in[sizeof(int64_t) + 4096];
};

/* The most requests one rec_child_batch() sends. */
#define REC_BATCH_MAX 16

ssize_t rec_child_call(struct rec_child *c, const char *key, size_t max, unsigned int timeout_ms,
		       char **out);
/*
 * rec_child_call() of keys[0..n) at once: the requests go in one write and
 * the child answers them in turn, each answer within timeout_ms of the one
 * before. res[i] and out[i] as rec_child_call() would give them. Returns how
 * many were answered: after a time-out (res[i] = -RFS_ETIMEOUT, counted)
 * the child is killed, after a failure of the child itself (not counted) it
 * is replaced at the next call; the rest are not asked.
 */
size_t rec_child_batch(struct rec_child *c, const char *const *keys, size_t n, size_t max,
		       unsigned int timeout_ms, ssize_t *res, char **out);
void rec_child_stop(struct rec_child *c);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Report bundles as files: written atomically beside their final name, and
 * extracted for --sysroot into a private temporary directory that is removed
 * at exit.
 */
#pragma once

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "rootfs.h"
#include "tar.h"

/* The top directory of every member of a bundle. */
#define BUNDLE_TOP "dmainspect-report"
/* Most uncompressed bytes a bundle may hold, written or read. */
#define BUNDLE_MAX_BYTES (512ull << 20)

/*
 * An output file that appears whole or not at all: written under a
 * temporary name in FILE's directory (removed at exit and on SIGINT,
 * SIGTERM and SIGHUP while unfinished), renamed over FILE by
 * file_out_commit. A symlink at FILE's place is refused, never followed.
 */
struct file_out {
	int dirfd, fd;
	char name[NAME_MAX + 1];
	char tmp[NAME_MAX + 1];
};

/* Returns 0, or -errno with why set. */
int file_out_create(struct file_out *o, const char *file, char *why, size_t cap);
/* Unless ERR (what writing it gave), fsync and rename; returns 0 or -errno. */
int file_out_commit(struct file_out *o, int err);
void file_out_abort(struct file_out *o);

struct bundle_out {
	struct file_out out;
	struct tar_out tar;
};

/* Start writing the bundle FILE (file_out_create). Returns 0, or -errno with why set. */
int bundle_create(struct bundle_out *b, const char *file, time_t mtime, char *why, size_t cap);
int bundle_commit(struct bundle_out *b);
void bundle_abort(struct bundle_out *b);

/*
 * If FILE is a regular file, extract the bundle into a private temporary
 * directory and set *sysroot to its sysroot/ (malloc'd). Returns 1 when
 * extracted, 0 when FILE is not a regular file (a directory, say), or
 * -errno with why set.
 */
int bundle_open(const char *file, char **sysroot, char *why, size_t cap);
/*
 * Open PATH as a sysroot in ROOT: a report bundle (extracted, as
 * bundle_open) or a captured tree, which must hold sys/. Returns 1 for a
 * bundle, 0 for a tree, or -errno with why set.
 */
int sysroot_open(const char *path, struct rootfs *root, char *why, size_t cap);
/*
 * Remove the extraction now (async-signal-safe). It is removed at exit and
 * on SIGINT, SIGTERM and SIGHUP anyway.
 */
void bundle_close(void);

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

#include "tar.h"

/* The top directory of every member of a bundle. */
#define BUNDLE_TOP "dmainspect-report"
/* Most uncompressed bytes a bundle may hold, written or read. */
#define BUNDLE_MAX_BYTES (512ull << 20)

struct bundle_out {
	int dirfd, fd;
	char name[NAME_MAX + 1];
	char tmp[NAME_MAX + 1];
	struct tar_out tar;
};

/*
 * Start writing FILE: a temporary file in the same directory, renamed over
 * FILE by bundle_commit. A symlink at FILE's place is refused, never
 * followed. Returns 0, or -errno with why set.
 */
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
 * Remove the extraction now (async-signal-safe). It is removed at exit and
 * on SIGINT, SIGTERM and SIGHUP anyway.
 */
void bundle_close(void);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rooted, bounded, non-blocking access to kernel files.
 *
 * Every read of sysfs, procfs, debugfs and the kernel log goes through this
 * module. Paths are resolved relative to a root directory fd ("/" live, DIR
 * with --sysroot) so that no symlink in a snapshot can lead outside it.
 */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <dirent.h>

#include "shared/errors.h"
#include "shared/util.h"

/* Pass as dirfd to resolve a path from the root. */
#define RFS_ROOT (-100)

struct rfs_record;
struct rfs_replay;

/* Default read limit for one sysfs attribute. */
#define RFS_ATTR_MAX 4096

struct rootfs {
	int fd;			/* O_PATH fd of the root directory */
	char *dir;		/* as given: "/" or the --sysroot argument */
	char real[PATH_MAX];	/* the root's canonical path, "" when unknown */
	bool live;		/* the running system, not a snapshot */
	bool no_openat2;	/* openat2 unavailable (or disabled for tests) */
	struct rfs_record *rec;	/* recording what is read (report), or NULL */
	struct rfs_replay *replay;	/* failed reads a snapshot recorded, or NULL */
	bool replays_live;	/* a snapshot recorded from the running system */
};

int rfs_init(struct rootfs *r, const char *dir);

/*
 * The running system, or a snapshot 'dmainspect report' recorded from it:
 * what a live run concludes from a missing or unreadable file, the replay
 * of its bundle concludes too.
 */
static inline bool rfs_as_live(const struct rootfs *r)
{
	return r->live || r->replays_live;
}
void rfs_fini(struct rootfs *r);

/*
 * Open PATH. With dirfd RFS_ROOT, PATH is resolved inside the root: ".."
 * and absolute symlinks stop at the root. With a directory fd (itself opened
 * through this module), PATH must stay beneath it. Returns fd or -errno.
 */
int rfs_open(const struct rootfs *r, int dirfd, const char *path, int flags);

/* Open a directory for reading entries; NULL with errno set on failure. */
DIR *rfs_opendir(const struct rootfs *r, int dirfd, const char *path);

/*
 * Read a regular file into buf (NUL-terminated, at most cap - 1 bytes).
 * Returns the length, or -errno, -RFS_ENOTREG, -RFS_ETOOBIG.
 */
ssize_t rfs_read(const struct rootfs *r, int dirfd, const char *path, char *buf, size_t cap);

/* Read a file of any size up to max bytes into a malloc'd buffer. */
ssize_t rfs_read_alloc(const struct rootfs *r, int dirfd, const char *path, size_t max, char **out);

/* Read a one-line attribute, trailing whitespace removed. */
ssize_t rfs_read_line(const struct rootfs *r, int dirfd, const char *path, char *buf, size_t cap);

/* Attribute as an integer (any base strtoll accepts). Returns 0 or -errno. */
int rfs_read_ll(const struct rootfs *r, int dirfd, const char *path, long long *val);
int rfs_read_ull(const struct rootfs *r, int dirfd, const char *path, unsigned long long *val);

/* Target of a symlink (not resolved). Returns length or -errno. */
ssize_t rfs_readlink(const struct rootfs *r, int dirfd, const char *path, char *buf, size_t cap);

/* Last component of a symlink's target: "driver" -> "vmwgfx". */
ssize_t rfs_link_name(const struct rootfs *r, int dirfd, const char *path, char *buf, size_t cap);

/*
 * Canonical root-relative path ("/sys/devices/...") of PATH, resolving every
 * symlink inside the root. Returns 0 or -errno.
 */
int rfs_realpath(const struct rootfs *r, const char *path, char *out, size_t cap);

/*
 * Read the kernel log: /dev/kmsg live (non-blocking, record by record), or
 * the file dev/kmsg in a snapshot. Returns length or -errno.
 */
ssize_t rfs_read_kmsg(const struct rootfs *r, size_t max, char **out);


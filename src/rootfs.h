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
#include <string.h>

#include "shared/errors.h"
#include "shared/hashmap.h"
#include "shared/util.h"

struct strv;

/* Pass as dirfd to resolve a path from the root. */
#define RFS_ROOT (-100)

struct rootfs;
struct rfs_replay;

/* Kinds of access, as a snapshot's dmainspect/errors notes them. */
enum rfs_op {
	RFS_OP_PATH = 'o',	/* open without reading (O_PATH) */
	RFS_OP_DIR = 'd',	/* open a directory to list it */
	RFS_OP_READ = 'r',	/* read a file */
	RFS_OP_LINK = 'l',	/* readlink */
	RFS_OP_REAL = 'p',	/* realpath */
};

static inline bool rfs_op_known(int c)
{
	return c == RFS_OP_PATH || c == RFS_OP_DIR || c == RFS_OP_READ || c == RFS_OP_LINK ||
	       c == RFS_OP_REAL;
}

/* The hash of an access (op, root-relative path), for maps keyed by both. */
static inline size_t rfs_access_hash(char op, const char *path)
{
	return hmap_hash(hmap_hash(HMAP_SEED, &op, 1), path, strlen(path));
}

/*
 * The accesses that failed when a snapshot was recorded, one a line:
 * "OP<TAB>ERRNO<TAB>PATH" with \t, \n and \\ escaped; "=live" when the
 * recording was of the running system; '#' starts a comment. The reader
 * replays them: the same access fails the same way.
 */
#define RFS_ERRORS_PATH "dmainspect/errors"

/*
 * What an observer of the reader (the recorder of 'dmainspect report')
 * hears of each access, keyed by the root-relative path as the caller
 * spelled it. The reader knows nothing else of it. Every hook is optional.
 */
struct rfs_hooks {
	/* After an open (fd or -errno) or a readlink (length or -errno). */
	void (*opened)(const struct rootfs *r, char op, const char *key, int fd, bool follow);
	void (*linked)(const struct rootfs *r, const char *key, ssize_t n, const char *target);
	/* After rfs_realpath(): 0 or -errno. */
	void (*resolved)(const struct rootfs *r, const char *key, int err);
	/* A file read the hook serves itself (and keeps): length or -errno; *out malloc'd. */
	ssize_t (*read)(const struct rootfs *r, const char *key, size_t max, char **out);
	/* The files (at most RFS_PREFETCH_MAX) that read() will be asked for next, each within max. */
	void (*prefetch)(const struct rootfs *r, const char *const *keys, size_t n, size_t max);
	/* The kernel log: an earlier answer (true, *n its length or error)... */
	bool (*kmsg_cached)(const struct rootfs *r, size_t max, char **out, ssize_t *n);
	/* ... else after reading it: n and *buf become what is kept. */
	ssize_t (*kmsg_read)(const struct rootfs *r, ssize_t n, char **buf);
	/* A file that is not a kernel file, kept beside the snapshot's (0 or -errno)... */
	int (*keep)(const struct rootfs *r, const char *path, const char *data, size_t len);
	/* ... and what was kept there so far, or NULL. */
	const char *(*kept)(const struct rootfs *r, const char *path);
};

/* The most files one prefetch hook call names. */
#define RFS_PREFETCH_MAX 16

/* Default read limit for one sysfs attribute. */
#define RFS_ATTR_MAX 4096

struct rootfs {
	int fd;			/* O_PATH fd of the root directory */
	char *dir;		/* as given: "/" or the --sysroot argument */
	char real[PATH_MAX];	/* the root's canonical path, "" when unknown */
	bool live;		/* the running system, not a snapshot */
	bool no_openat2;	/* openat2 unavailable (or disabled for tests) */
	const struct rfs_hooks *hooks;	/* an observer (see above), or NULL */
	void *hooks_data;	/* its own state */
	struct rfs_replay *replay;	/* failed reads a snapshot recorded, or NULL */
	struct rfs_dir **named;		/* the open rfs_dirs that name their fd (see below) */
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
 * Resolve a root-relative path inside the root into its canonical form in
 * out; on_link hears of every symlink followed (where it is, its target).
 */
int rfs_walk(const struct rootfs *r, const char *path, bool follow_last, char *out, size_t cap,
	     void (*on_link)(void *arg, const char *at, const char *target), void *arg);
/* The same from DIR, a canonical path rfs_walk() gave, PATH relative to it. */
int rfs_walk_from(const struct rootfs *r, const char *dir, const char *path, bool follow_last,
		  char *out, size_t cap,
		  void (*on_link)(void *arg, const char *at, const char *target), void *arg);
/* Read a file (at most max bytes), unseen by the observer and without replay. */
ssize_t rfs_read_plain(const struct rootfs *r, int dirfd, const char *path, size_t max,
		       char **out);

/* Install (or, with NULL, remove) an observer. */
void rfs_set_hooks(struct rootfs *r, const struct rfs_hooks *hooks, void *data);
/* Through the observer's keep/kept: -ENOTSUP and NULL without one. */
int rfs_keep(const struct rootfs *r, const char *path, const char *data, size_t len);
const char *rfs_kept(const struct rootfs *r, const char *path);

/*
 * Open PATH. With dirfd RFS_ROOT, PATH is resolved inside the root: ".."
 * and absolute symlinks stop at the root. With a directory fd (itself opened
 * through this module), PATH must stay beneath it. Returns fd or -errno.
 */
int rfs_open(const struct rootfs *r, int dirfd, const char *path, int flags);

/* Open a directory for reading entries; NULL with errno set on failure. */
DIR *rfs_opendir(const struct rootfs *r, int dirfd, const char *path);
/*
 * The names in the directory PATH (but those that begin with a dot) added
 * to out, sorted, through rfs_opendir(); 0 or -errno.
 */
int rfs_names(const struct rootfs *r, int dirfd, const char *path, struct strv *out);

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
 * A directory listed once, for reading many of its attributes by name
 * (rootfs-attr.c): a name the listing lacks is missing without a system
 * call, a regular file is opened for reading in one step and closed with
 * the directory (rfs_dir_close()). With an observer or a snapshot's failures
 * to replay it is opened as rfs_open() would and every read takes the
 * careful path, each access heard and replayed.
 */
struct rfs_dir {
	const struct rootfs *r;
	int fd;			/* the directory */
	char *path;		/* its root-relative path, for naming accesses under fd */
	struct rfs_dir *next;	/* in r->named, while open with a path */
	bool listed;		/* entries hold its listing */
	bool fills;		/* sysfs or tmpfs: a getdents that leaves room ends a listing */
	bool missed;		/* a name was missing that the listing did not rule out */
	size_t n, mask;
	struct rfs_entry *entries;	/* in the listing's order; slots and names follow */
	unsigned *slots;	/* 1 + an index in entries, by the name's hash; 0 free */
	int held[8];		/* files read, closed together (rfs_dir_close()) */
	unsigned n_held;
};

/*
 * Open (and list) PATH: 0 or -errno. rfs_dir_close() it after either, in
 * the reverse order of opening. While an observer listens or a replay
 * answers, accesses under its fd are named from PATH, with no readlink of
 * the fd in /proc to learn its name.
 */
int rfs_dir_open(const struct rootfs *r, int dirfd, const char *path, struct rfs_dir *d);
/*
 * open_how's strictest walk: PATH under dirfd (RFS_ROOT: the root) with no
 * link of any kind on the way, so that it names the file exactly; under a
 * directory fd, no mount crossed either (the file is on that directory's
 * filesystem). -ENOSYS without openat2, or while an observer listens or a
 * replay answers (they name every access through the careful path).
 */
int rfs_open_exact(const struct rootfs *r, int dirfd, const char *path, int flags);

/*
 * Devices reached through the links of a listed directory (a bus's
 * devices/), opened by one name each under their parent's directory, which
 * stays open while its children come in turn.
 */
struct rfs_parent {
	int fd;			/* O_PATH, -1 when none */
	bool fills;		/* sysfs or tmpfs: a getdents that leaves room ends the listing */
	char path[PATH_MAX];	/* root-relative */
};
#define RFS_PARENT_INIT { .fd = -1 }
void rfs_parent_close(struct rfs_parent *p);
/*
 * The canonical path ("/sys/devices/...") of the link NAME in DIR (open as
 * DIRFD, root-relative, no link on its way): its target joined to DIR with
 * "." and ".." taken as they read, which is where the walk goes unless a
 * component of the target is a link itself; rfs_dir_open_link() opens it
 * refusing any link, and so proves it. DIR/NAME when NAME is no link. With
 * an observer, a replay or no openat2: rfs_realpath() of DIR/NAME.
 * 0 or -errno.
 */
int rfs_link_path(const struct rootfs *r, int dirfd, const char *dir, const char *name,
		  char *out, size_t cap);
/*
 * rfs_dir_open() of the root-relative PATH that rfs_link_path() gave, through
 * P: -ELOOP or -EXDEV when a link or a mount is on its way (the path is not
 * canonical: resolve it with rfs_realpath()).
 */
int rfs_dir_open_link(const struct rootfs *r, struct rfs_parent *p, const char *path,
		      struct rfs_dir *d);
void rfs_dir_close(struct rfs_dir *d);
/* Whether PATH (as given to rfs_dir_open()) is no longer d's directory: removed, or replaced. */
bool rfs_dir_gone(const struct rfs_dir *d, const char *path);
/* Whether the listing says NAME is not there (false when there is none to ask). */
bool rfs_dir_lacks(const struct rfs_dir *d, const char *name);
/*
 * rfs_read(), rfs_read_line(), rfs_read_ll(), rfs_readlink(), rfs_link_name()
 * of NAME in d. A name missing (-ENOENT) that the listing did not rule out
 * sets d->missed: the directory itself may have gone meanwhile.
 */
ssize_t rfs_dir_read(struct rfs_dir *d, const char *name, char *buf, size_t cap);
ssize_t rfs_dir_read_line(struct rfs_dir *d, const char *name, char *buf, size_t cap);
int rfs_dir_read_ll(struct rfs_dir *d, const char *name, long long *val);
ssize_t rfs_dir_readlink(struct rfs_dir *d, const char *name, char *buf, size_t cap);
ssize_t rfs_dir_link_name(struct rfs_dir *d, const char *name, char *buf, size_t cap);
/*
 * The attributes NAMES[0..n) of d are about to be read: an observer that
 * serves reads itself is told (its prefetch hook), to fetch them together.
 * Nothing otherwise: a listed directory's reads cost no more one by one.
 */
void rfs_dir_prefetch(const struct rfs_dir *d, const char *const *names, size_t n);
/*
 * The names in the directory NAME of d (but those that begin with a dot) added to out,
 * sorted: from one getdents where d was listed, else through rfs_names().
 * 0 or -errno.
 */
int rfs_dir_names(struct rfs_dir *d, const char *name, struct strv *out);

/*
 * The root-relative name of PATH under dirfd as an observer hears it: from
 * the open rfs_dir whose fd it is, else from the fd's own name in /proc.
 * 0 or -errno.
 */
int rfs_key(const struct rootfs *r, int dirfd, const char *path, char *out, size_t cap);

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


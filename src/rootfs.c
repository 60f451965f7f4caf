// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Rooted, bounded, non-blocking access to kernel files.
 *
 * Opening a file to read happens in two steps: an O_PATH open that never has
 * side effects (no device open, no FIFO wait), an fstat that refuses anything
 * but a regular file or directory, then a reopen of that very inode for
 * reading. A directory is opened in one step: O_DIRECTORY fails on anything
 * else before the kernel opens it.
 * Resolution uses openat2(RESOLVE_IN_ROOT) where the kernel has it, and an
 * equivalent walk of our own (every symlink read and resolved against the
 * root, 40 links at most) where it does not.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>
#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

#include "rootfs-replay.h"
#include "rootfs.h"
#include "shared/xalloc.h"

#define MAX_SYMLINKS 40
#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

static bool openat2_missing;

/* A snapshot's recorded failures (RFS_ERRORS_PATH), replayed; absent is fine. */
static void replay_load(struct rootfs *r)
{
	char *text;

	if (rfs_read_plain(r, RFS_ROOT, RFS_ERRORS_PATH, 16u << 20, &text) < 0)
		return;
	r->replay = rfs_replay_parse(text, &r->replays_live);
	free(text);
}

int rfs_init(struct rootfs *r, const char *dir)
{
	struct stat st;
	const char *env;

	memset(r, 0, sizeof(*r));
	r->fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->fd < 0)
		return -errno;
	if (fstat(r->fd, &st) < 0) {
		int err = -errno;

		close(r->fd);
		return err;
	}
	r->dir = xstrdup(dir);
	r->named = xcalloc(1, sizeof(*r->named));
	r->live = strcmp(dir, "/") == 0;
	{
		char proc[64];
		ssize_t n;

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", r->fd);
		n = readlink(proc, r->real, sizeof(r->real) - 1);
		r->real[n > 0 ? n : 0] = '\0';
	}
	env = getenv("DMAINSPECT_NO_OPENAT2");
	r->no_openat2 = env && *env && strcmp(env, "0") != 0;
	if (!r->live)
		replay_load(r);
	return 0;
}

void rfs_fini(struct rootfs *r)
{
	if (r->fd >= 0)
		close(r->fd);
	rfs_replay_free(r->replay);
	r->replay = NULL;
	free(r->dir);
	free(r->named);
	r->fd = -1;
	r->dir = NULL;
	r->named = NULL;
}

/*
 * Resolve PATH below the directory basefd without openat2, reading every
 * symlink ourselves: returns the canonical relative path ("" for basefd
 * itself, else "a/b/c") in out. In the root, ".." and absolute links stop at
 * the root (RESOLVE_IN_ROOT); beneath a directory, they fail (RESOLVE_BENEATH).
 * on_link, when given, hears of every symlink followed: where it is
 * (canonical) and its target.
 */
/* The next component of a path at *p into comp, *p moved past it: 1, 0 at the end, -errno. */
static int next_component(char **p, char comp[NAME_MAX + 1])
{
	size_t len;

	while (**p == '/')
		(*p)++;
	if (!**p)
		return 0;
	len = strcspn(*p, "/");
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(comp, *p, len);
	comp[len] = '\0';
	*p += len;
	while (**p == '/')
		(*p)++;
	return 1;
}

static int resolve(int basefd, bool beneath, const char *from, const char *path,
		   bool follow_last, char *out, size_t cap,
		   void (*on_link)(void *arg, const char *at, const char *target), void *arg)
{
	char rest[PATH_MAX * 2], target[PATH_MAX], cand[PATH_MAX];
	size_t outlen = strlen(from);
	int links = 0;

	if (outlen >= cap || strlen(path) >= sizeof(rest))
		return -ENAMETOOLONG;
	strcpy(rest, path);
	strcpy(out, from);

	char *p = rest;
	for (;;) {
		char comp[NAME_MAX + 1];
		struct stat st;
		int got = next_component(&p, comp);
		bool last = *p == '\0';

		if (got <= 0)
			return got;
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			char *slash = strrchr(out, '/');

			if (beneath && !*out)
				return -RFS_ESCAPE;
			outlen = slash ? (size_t)(slash - out) : 0;
			out[outlen] = '\0';
			continue;
		}
		if (!path_join(cand, sizeof(cand), out, comp))
			return -ENAMETOOLONG;
		if (fstatat(basefd, cand, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		if (S_ISLNK(st.st_mode) && (!last || follow_last)) {
			ssize_t n;
			char next[sizeof(rest)];

			if (++links > MAX_SYMLINKS)
				return -ELOOP;
			n = readlinkat(basefd, cand, target, sizeof(target) - 1);
			if (n < 0)
				return -errno;
			target[n] = '\0';
			if (on_link)
				on_link(arg, cand, target);
			if (target[0] == '/' && beneath)
				return -RFS_ESCAPE;
			if (target[0] == '/') {
				out[0] = '\0';
				outlen = 0;
			}
			if ((size_t)snprintf(next, sizeof(next), "%s/%s", target, p) >= sizeof(next))
				return -ENAMETOOLONG;
			strcpy(rest, next);
			p = rest;
			continue;
		}
		if (!last && !S_ISDIR(st.st_mode))
			return -ENOTDIR;
		if (strlen(cand) >= cap)
			return -ENAMETOOLONG;
		strcpy(out, cand);
		outlen = strlen(out);
	}
}

#if defined(HAVE_LINUX_OPENAT2_H) && HAVE_DECL_SYS_OPENAT2
/*
 * openat2() of PATH under dirfd (RFS_ROOT: the root) with RESOLVE, scoped
 * to the root or beneath dirfd: fd or -errno. EAGAIN (a rename or mount
 * anywhere raced a ".." of the walk, as devices come and go) is tried again
 * a few times before it is returned.
 */
static int openat2_scoped(const struct rootfs *r, int dirfd, const char *path, int flags,
			  unsigned long long resolve)
{
	struct open_how how = {
		.flags = (unsigned)(flags | O_CLOEXEC),
		.resolve = resolve | (dirfd == RFS_ROOT ? RESOLVE_IN_ROOT : RESOLVE_BENEATH),
	};
	long fd;
	int tries = 0;

	do
		fd = syscall(SYS_openat2, dirfd == RFS_ROOT ? r->fd : dirfd, *path ? path : ".",
			     &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN && ++tries < 8);
	return fd < 0 ? -errno : (int)fd;
}

/* An openat2() error that says it cannot be used here (too old, or refused). */
static bool openat2_unusable(int err)
{
	return err == -ENOSYS || err == -EPERM || err == -E2BIG;
}
#endif

static int open_path(const struct rootfs *r, int dirfd, const char *path, int flags)
{
#if defined(HAVE_LINUX_OPENAT2_H) && HAVE_DECL_SYS_OPENAT2
	if (!r->no_openat2 && !openat2_missing) {
		int fd = openat2_scoped(r, dirfd, path, flags, RESOLVE_NO_MAGICLINKS);

		/* After a few EAGAINs, the walk below resolves it. */
		if (fd >= 0 || (fd != -EAGAIN && !openat2_unusable(fd)))
			return fd == -EXDEV ? -RFS_ESCAPE : fd;
		if (fd != -EAGAIN)
			openat2_missing = true;
	}
#endif
	char canon[PATH_MAX];
	int base = dirfd == RFS_ROOT ? r->fd : dirfd;
	int err = resolve(base, dirfd != RFS_ROOT, "", path, !(flags & O_NOFOLLOW), canon,
			  sizeof(canon), NULL, NULL);
	int fd;

	if (err < 0)
		return err;
	fd = openat(base, *canon ? canon : ".", flags | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int rfs_open_exact(const struct rootfs *r, int dirfd, const char *path, int flags)
{
#if defined(HAVE_LINUX_OPENAT2_H) && HAVE_DECL_SYS_OPENAT2
	if (!r->no_openat2 && !openat2_missing && !r->hooks && !r->replay) {
		int fd = openat2_scoped(r, dirfd, path, flags,
					RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
					(dirfd == RFS_ROOT ? 0 : RESOLVE_NO_XDEV));

		if (!openat2_unusable(fd))
			return fd;
	}
#endif
	(void)dirfd, (void)path, (void)flags;
	return -ENOSYS;
}

/* Whether /proc/self/fd is procfs, its magic links the very files open here (checked once). */
static bool proc_fd_trusted(void)
{
	static int state;	/* 0 not yet known, 1 procfs, -1 anything else */
	struct statfs sf;

	if (!state)
		state = statfs("/proc/self/fd", &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC ? 1 : -1;
	return state > 0;
}

/*
 * Reopen an O_PATH fd of a regular file for reading: procfs's link is the very
 * file pfd holds; without it, resolve again and check it is the same inode.
 */
static int reopen_regular(const struct rootfs *r, int dirfd, const char *path, int pfd,
			  const struct stat *st)
{
	char proc[64];
	struct stat st2;
	int fd;

	if (proc_fd_trusted()) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
		fd = open(proc, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd >= 0)
			return fd;
	}
	fd = open_path(r, dirfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st2) < 0 || st2.st_ino != st->st_ino || st2.st_dev != st->st_dev) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

/* Open for flags: O_PATH, O_DIRECTORY, or a read (of a file: *size, its st_size, else 0). */
static int open_checked(const struct rootfs *r, int dirfd, const char *path, int flags,
			off_t *size)
{
	struct stat st;
	int pfd, fd;

	if (size)
		*size = 0;
	/*
	 * The kernel refuses O_DIRECTORY on anything but a directory before it
	 * opens the file, and O_PATH opens nothing: no device, FIFO or socket is
	 * ever opened here, so neither needs a type check.
	 */
	if (flags & (O_PATH | O_DIRECTORY))
		return open_path(r, dirfd, path, (flags & O_PATH ? O_PATH : O_RDONLY) |
				 (flags & (O_DIRECTORY | O_NOFOLLOW)));
	pfd = open_path(r, dirfd, path, O_PATH | (flags & O_NOFOLLOW));
	if (pfd < 0)
		return pfd;
	if (fstat(pfd, &st) < 0)
		fd = -errno;
	else if (S_ISDIR(st.st_mode)) {
		fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		fd = fd < 0 ? -errno : fd;
	} else if (!S_ISREG(st.st_mode))
		fd = -RFS_ENOTREG;
	else {
		fd = reopen_regular(r, dirfd, path, pfd, &st);
		if (fd >= 0 && size)
			*size = st.st_size;
	}
	close(pfd);
	return fd;
}

void rfs_set_hooks(struct rootfs *r, const struct rfs_hooks *hooks, void *data)
{
	r->hooks = hooks;
	r->hooks_data = hooks ? data : NULL;
}

int rfs_keep(const struct rootfs *r, const char *path, const char *data, size_t len)
{
	return r->hooks && r->hooks->keep ? r->hooks->keep(r, path, data, len) : -ENOTSUP;
}

const char *rfs_kept(const struct rootfs *r, const char *path)
{
	return r->hooks && r->hooks->kept ? r->hooks->kept(r, path) : NULL;
}

/* With an observer or a snapshot's recorded errors: the access as the caller spelled it. */
static bool keyed(const struct rootfs *r, int dirfd, const char *path, char *key, size_t cap)
{
	return (r->hooks || r->replay) && rfs_key(r, dirfd, path, key, cap) == 0;
}

/* The observer's hook, when it has one. */
#define HOOK(r, name) ((r)->hooks ? (r)->hooks->name : NULL)

/* rfs_open(), with open_checked()'s size of a regular file. */
static int open_keyed(const struct rootfs *r, int dirfd, const char *path, int flags, off_t *size)
{
	char key[PATH_MAX];
	char op = (flags & O_PATH) ? RFS_OP_PATH : (flags & O_DIRECTORY) ? RFS_OP_DIR : RFS_OP_READ;
	int fd;

	if (!keyed(r, dirfd, path, key, sizeof(key)))
		return open_checked(r, dirfd, path, flags, size);
	fd = rfs_replay_error(r->replay, op, key);
	if (fd < 0)
		return fd;
	fd = open_checked(r, dirfd, path, flags, size);
	if (HOOK(r, opened))
		r->hooks->opened(r, op, key, fd, !(flags & O_NOFOLLOW));
	return fd;
}

int rfs_open(const struct rootfs *r, int dirfd, const char *path, int flags)
{
	return open_keyed(r, dirfd, path, flags, NULL);
}

DIR *rfs_opendir(const struct rootfs *r, int dirfd, const char *path)
{
	int fd = rfs_open(r, dirfd, path, O_RDONLY | O_DIRECTORY);
	DIR *d;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	d = fdopendir(fd);
	if (!d) {
		int err = errno;

		close(fd);
		errno = err;
	}
	return d;
}

/*
 * Whether len bytes read are all of a regular file of st_size size (read as
 * it was when opened). Kernel files report 0 or a page whatever their content
 * and may return less than asked before their end: for them a read of 0 ends.
 */
static bool read_whole(size_t len, off_t size)
{
	return size > 0 && (off_t)len >= size;
}

static ssize_t read_fd(int fd, char *buf, size_t cap, off_t size)
{
	size_t len = 0;

	while (len < cap - 1 && !read_whole(len, size)) {
		ssize_t n = read(fd, buf + len, cap - 1 - len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (len == cap - 1 && !read_whole(len, size)) {
		char c;
		ssize_t n = read(fd, &c, 1);

		if (n > 0)
			return -RFS_ETOOBIG;
	}
	return (ssize_t)len;
}

ssize_t rfs_read(const struct rootfs *r, int dirfd, const char *path, char *buf, size_t cap)
{
	char key[PATH_MAX];
	off_t size;
	ssize_t n;
	int fd;

	if (cap < 1)
		return -EINVAL;
	buf[0] = '\0';
	if (HOOK(r, read) && keyed(r, dirfd, path, key, sizeof(key))) {
		char *data;

		n = r->hooks->read(r, key, cap - 1, &data);
		if (n >= 0) {
			memcpy(buf, data, (size_t)n + 1);
			free(data);
		}
		return n;
	}
	fd = open_keyed(r, dirfd, path, O_RDONLY, &size);
	if (fd < 0)
		return fd;
	n = read_fd(fd, buf, cap, size);
	close(fd);
	return n;
}

/* Read all of fd (at most max bytes) into a malloc'd buffer; closes fd. */
static ssize_t read_fd_alloc(int fd, size_t max, off_t size, char **out)
{
	size_t cap = 16384, len = 0;
	char *buf = NULL;
	ssize_t ret;

	for (;;) {
		ssize_t n;

		if (cap > max + 1)
			cap = max + 1;
		buf = xrealloc(buf, cap);
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (read_whole(len, size))
			break;
		if (len == cap - 1) {
			if (cap == max + 1) {
				/* Exactly max bytes fit, as in read_fd(): only more is too big. */
				char c;

				do
					n = read(fd, &c, 1);
				while (n < 0 && errno == EINTR);
				if (n == 0)
					break;
				ret = n < 0 ? -errno : -RFS_ETOOBIG;
				goto fail;
			}
			cap *= 2;
		}
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	return (ssize_t)len;
fail:
	close(fd);
	free(buf);
	return ret;
}

ssize_t rfs_read_plain(const struct rootfs *r, int dirfd, const char *path, size_t max,
		       char **out)
{
	off_t size;
	int fd = open_checked(r, dirfd, path, O_RDONLY, &size);

	*out = NULL;
	return fd < 0 ? fd : read_fd_alloc(fd, max, size, out);
}

ssize_t rfs_read_alloc(const struct rootfs *r, int dirfd, const char *path, size_t max,
		       char **out)
{
	char key[PATH_MAX];
	off_t size;
	int fd;

	*out = NULL;
	if (HOOK(r, read) && keyed(r, dirfd, path, key, sizeof(key)))
		return r->hooks->read(r, key, max, out);
	fd = open_keyed(r, dirfd, path, O_RDONLY, &size);
	return fd < 0 ? fd : read_fd_alloc(fd, max, size, out);
}

static ssize_t readlink_checked(const struct rootfs *r, int dirfd, const char *path, char *buf,
				size_t cap)
{
	const char *slash = strrchr(path, '/');
	char parent[PATH_MAX];
	ssize_t n;
	int pfd;

	if (cap < 1)
		return -EINVAL;
	if (slash && slash != path) {
		if ((size_t)(slash - path) >= sizeof(parent))
			return -ENAMETOOLONG;
		memcpy(parent, path, (size_t)(slash - path));
		parent[slash - path] = '\0';
		pfd = open_path(r, dirfd, parent, O_PATH | O_DIRECTORY);
		if (pfd < 0)
			return pfd;
		path = slash + 1;
	} else if (dirfd == RFS_ROOT) {
		pfd = r->fd;
		path = slash ? slash + 1 : path;
	} else {
		pfd = dirfd;
	}
	n = readlinkat(pfd, path, buf, cap - 1);
	if (n < 0)
		n = -errno;
	else if ((size_t)n == cap - 1)
		n = -ENAMETOOLONG;
	else
		buf[n] = '\0';
	if (pfd != dirfd && pfd != r->fd)
		close(pfd);
	return n;
}

ssize_t rfs_readlink(const struct rootfs *r, int dirfd, const char *path, char *buf, size_t cap)
{
	char key[PATH_MAX];
	ssize_t n;

	if (!keyed(r, dirfd, path, key, sizeof(key)))
		return readlink_checked(r, dirfd, path, buf, cap);
	n = rfs_replay_error(r->replay, RFS_OP_LINK, key);
	if (n < 0)
		return n;
	n = readlink_checked(r, dirfd, path, buf, cap);
	if (HOOK(r, linked))
		r->hooks->linked(r, key, n, buf);
	return n;
}

/*
 * The kernel's own name for an fd resolved inside the root, made
 * root-relative. Returns 0, or -ENOSYS when it cannot be had that way.
 */
static int fd_path_in_root(const struct rootfs *r, int fd, char *out, size_t cap)
{
	char proc[64], buf[PATH_MAX];
	size_t rlen = strlen(r->real);
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, buf, sizeof(buf) - 1);
	if (n < 0 || !rlen)
		return -ENOSYS;
	buf[n] = '\0';
	if (strcmp(r->real, "/") == 0)
		rlen = 0;
	else if (strncmp(buf, r->real, rlen) != 0 || (buf[rlen] && buf[rlen] != '/'))
		return -ENOSYS;	/* renamed meanwhile, or a " (deleted)" suffix */
	if (snprintf(out, cap, "%s", buf[rlen] ? buf + rlen : "/") >= (int)cap)
		return -ENAMETOOLONG;
	return 0;
}

int rfs_key(const struct rootfs *r, int dirfd, const char *path, char *out, size_t cap)
{
	char base[PATH_MAX] = "", joined[PATH_MAX * 2];
	const char *p = joined;
	size_t o = 0;

	const struct rfs_dir *d = r->named ? *r->named : NULL;

	while (d && d->fd != dirfd)
		d = d->next;
	if (d && dirfd != RFS_ROOT) {
		if (strlen(d->path) >= sizeof(base))
			return -ENAMETOOLONG;
		strcpy(base, d->path);
	} else if (dirfd != RFS_ROOT) {
		int err = fd_path_in_root(r, dirfd, base, sizeof(base));

		if (err < 0)
			return err;
	}
	if (!path_join(joined, sizeof(joined), base, path))
		return -ENAMETOOLONG;
	/* Lexically normal: no leading or doubled '/', no "." components. */
	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len && !(len == 1 && *p == '.')) {
			if (o + len + 2 > cap)
				return -ENAMETOOLONG;
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p += len;
	}
	if (cap < 1)
		return -ENAMETOOLONG;
	out[o] = '\0';
	return 0;
}

int rfs_walk(const struct rootfs *r, const char *path, bool follow_last, char *out, size_t cap,
	     void (*on_link)(void *arg, const char *at, const char *target), void *arg)
{
	return resolve(r->fd, false, "", path, follow_last, out, cap, on_link, arg);
}

int rfs_walk_from(const struct rootfs *r, const char *dir, const char *path, bool follow_last,
		  char *out, size_t cap,
		  void (*on_link)(void *arg, const char *at, const char *target), void *arg)
{
	return resolve(r->fd, false, dir, path, follow_last, out, cap, on_link, arg);
}

static int realpath_checked(const struct rootfs *r, const char *path, char *out, size_t cap)
{
	int err;

	if (cap < 2)
		return -ENAMETOOLONG;
	if (!r->no_openat2 && !openat2_missing) {
		int fd = open_path(r, RFS_ROOT, path, O_PATH);

		if (fd < 0 && !openat2_missing)
			return fd;
		if (fd >= 0) {
			err = fd_path_in_root(r, fd, out, cap);
			close(fd);
			if (err != -ENOSYS)
				return err;
		}
	}
	err = resolve(r->fd, false, "", path, true, out + 1, cap - 1, NULL, NULL);
	if (err < 0)
		return err;
	out[0] = '/';
	return 0;
}

int rfs_realpath(const struct rootfs *r, const char *path, char *out, size_t cap)
{
	char key[PATH_MAX];
	int err;

	if (!keyed(r, RFS_ROOT, path, key, sizeof(key)))
		return realpath_checked(r, path, out, cap);
	err = rfs_replay_error(r->replay, RFS_OP_REAL, key);
	if (err < 0)
		return err;
	err = realpath_checked(r, path, out, cap);
	if (HOOK(r, resolved))
		r->hooks->resolved(r, key, err);
	return err;
}

static ssize_t read_kmsg_checked(const struct rootfs *r, size_t max, char **out)
{
	struct stat st;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int pfd, fd;

	*out = NULL;
	pfd = open_path(r, RFS_ROOT, "dev/kmsg", O_PATH);
	if (pfd < 0)
		return pfd;
	if (fstat(pfd, &st) < 0) {
		close(pfd);
		return -errno;
	}
	close(pfd);
	if (S_ISREG(st.st_mode))
		return rfs_read_alloc(r, RFS_ROOT, "dev/kmsg", max, out);
	/* Only the running system's own /dev/kmsg character device is read. */
	if (!r->live || !S_ISCHR(st.st_mode))
		return -RFS_ENOTREG;
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	for (;;) {
		char rec[8192 + 2];
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n < 0) {
			if (errno == EINTR || errno == EPIPE)
				continue;	/* EPIPE: records overwritten meanwhile */
			if (errno == EAGAIN)
				break;
			free(buf);
			close(fd);
			return -errno;
		}
		if (n == 0)
			break;
		if (len + (size_t)n + 2 > max)
			break;	/* keep what fits: the oldest records */
		if (len + (size_t)n + 2 > cap) {
			cap = cap ? cap * 2 : 65536;
			while (cap < len + (size_t)n + 2)
				cap *= 2;
			buf = xrealloc(buf, cap);
		}
		memcpy(buf + len, rec, (size_t)n);
		len += (size_t)n;
		if (buf[len - 1] != '\n')
			buf[len++] = '\n';
	}
	close(fd);
	if (!buf)
		buf = xstrdup("");
	buf[len] = '\0';
	*out = buf;
	return (ssize_t)len;
}

ssize_t rfs_read_kmsg(const struct rootfs *r, size_t max, char **out)
{
	ssize_t n = rfs_replay_error(r->replay, RFS_OP_READ, "dev/kmsg");

	*out = NULL;
	if (n < 0)
		return n;
	if (HOOK(r, kmsg_cached) && r->hooks->kmsg_cached(r, max, out, &n))
		return n;
	n = read_kmsg_checked(r, max, out);
	return HOOK(r, kmsg_read) ? r->hooks->kmsg_read(r, n, out) : n;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Report bundles as files. Writing (of a bundle, or of any output file that
 * must appear whole) goes to a temporary name beside the final one and is
 * renamed over it when complete. Reading (--sysroot FILE)
 * extracts into a fresh mkdtemp directory with *at() calls only: member
 * names must be relative without "..", nothing is created through a symlink
 * or an existing file, only directories, regular files and symlinks are
 * created, and sizes and counts are bounded. The directory is removed at
 * exit and on SIGINT, SIGTERM and SIGHUP.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bundle.h"
#include "cmd.h"

/*
 * What a bundle may make the tool write. A 16384-function report holds
 * about 220,000 members; sysfs paths are at most about 30 deep. The
 * removal at exit recurses at most REMOVE_DEPTH deep: above MAX_DEPTH.
 */
#define MAX_MEMBERS 1000000
#define MAX_DEPTH 64
#define REMOVE_DEPTH (MAX_DEPTH + 8)
#define XZ_MEMLIMIT (256u << 20)

/* What to remove when the process ends: an extracted tree, a partial output. */
static char cleanup_dir[PATH_MAX];
static int cleanup_out_dirfd = -1;
static char cleanup_out_name[NAME_MAX + 1];

static int fail(char *why, size_t cap, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *why, size_t cap, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
	return err;
}

/*
 * Remove name under dfd, recursively; async-signal-safe (no malloc, no
 * stdio). Returns whether it is gone. A directory is read again after each
 * pass that removed something, until a pass removes nothing.
 */
static bool remove_at(int dfd, const char *name, int depth)
{
	char buf[2048];
	bool progress = true;
	int fd;

	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return true;
	if (depth > REMOVE_DEPTH)
		return false;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	while (fd >= 0 && progress) {
		long n;

		progress = false;
		lseek(fd, 0, SEEK_SET);
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
			for (long off = 0; off < n;) {
				struct raw_dirent *d = (struct raw_dirent *)(buf + off);

				off += d->d_reclen;
				if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
					continue;
				if (remove_at(fd, d->d_name, depth + 1))
					progress = true;
			}
		}
	}
	if (fd >= 0)
		close(fd);
	return unlinkat(dfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT;
}

void bundle_close(void)
{
	if (cleanup_dir[0])
		remove_at(AT_FDCWD, cleanup_dir, 0);
	cleanup_dir[0] = '\0';
}

static void cleanup(void)
{
	bundle_close();
	if (cleanup_out_name[0])
		unlinkat(cleanup_out_dirfd, cleanup_out_name, 0);
	cleanup_out_name[0] = '\0';
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void cleanup_install(void)
{
	static bool done;
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	if (done)
		return;
	done = true;
	atexit(cleanup);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* Leave a signal ignored when it was (nohup). */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			signal(sigs[i], on_signal);
	}
}

/* --- writing --- */

int file_out_create(struct file_out *o, const char *file, char *why, size_t cap)
{
	const char *slash = strrchr(file, '/');
	char dir[PATH_MAX];
	struct stat st;
	int err;

	o->fd = -1;
	snprintf(o->name, sizeof(o->name), "%s", slash ? slash + 1 : file);
	if (!*o->name || strcmp(o->name, ".") == 0 || strcmp(o->name, "..") == 0)
		return fail(why, cap, -EISDIR, "names a directory, not a file");
	if (strlen(o->name) + 9 > NAME_MAX)
		return fail(why, cap, -ENAMETOOLONG, "%s", strerror(ENAMETOOLONG));
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - file) + 1 : 1, slash ? file : ".");
	o->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (o->dirfd < 0)
		return fail(why, cap, -errno, "%s: %s", dir, strerror(errno));
	if (fstatat(o->dirfd, o->name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		err = S_ISLNK(st.st_mode) ? -ELOOP : S_ISREG(st.st_mode) ? 0 : -EEXIST;
		if (err) {
			close(o->dirfd);
			return fail(why, cap, err, "%s", err == -ELOOP ?
				    "is a symbolic link; refusing to write through it or replace it" :
				    "exists and is not a regular file");
		}
	}
	for (int tries = 0; o->fd < 0 && tries < 100; tries++) {
		unsigned char r[6];

		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			memset(r, tries, sizeof(r));
		snprintf(o->tmp, sizeof(o->tmp), ".%s.%02x%02x%02x%02x%02x%02x", o->name, r[0], r[1],
			 r[2], r[3], r[4], r[5]);
		o->fd = openat(o->dirfd, o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			       0644);
		if (o->fd < 0 && errno != EEXIST)
			break;
	}
	if (o->fd < 0) {
		err = -errno;
		close(o->dirfd);
		return fail(why, cap, err, "%s", strerror(-err));
	}
	cleanup_install();
	cleanup_out_dirfd = o->dirfd;
	snprintf(cleanup_out_name, sizeof(cleanup_out_name), "%s", o->tmp);
	return 0;
}

static void forget_output(void)
{
	cleanup_out_name[0] = '\0';
	cleanup_out_dirfd = -1;
}

void file_out_abort(struct file_out *o)
{
	close(o->fd);
	unlinkat(o->dirfd, o->tmp, 0);
	close(o->dirfd);
	forget_output();
}

int file_out_commit(struct file_out *o, int err)
{
	if (!err && fsync(o->fd) < 0)
		err = -errno;
	if (close(o->fd) < 0 && !err)
		err = -errno;
	if (!err && renameat(o->dirfd, o->tmp, o->dirfd, o->name) < 0)
		err = -errno;
	if (err)
		unlinkat(o->dirfd, o->tmp, 0);
	close(o->dirfd);
	forget_output();
	return err;
}

int bundle_create(struct bundle_out *b, const char *file, time_t mtime, char *why, size_t cap)
{
	int err = file_out_create(&b->out, file, why, cap);

	if (err < 0)
		return err;
	err = tar_out_open(&b->tar, b->out.fd, mtime);
	if (err < 0) {
		bundle_abort(b);
		return fail(why, cap, err, "xz: %s", strerror(-err));
	}
	return 0;
}

void bundle_abort(struct bundle_out *b)
{
	tar_out_abort(&b->tar);
	file_out_abort(&b->out);
}

int bundle_commit(struct bundle_out *b)
{
	return file_out_commit(&b->out, tar_out_close(&b->tar));
}

/* --- reading --- */

int sysroot_open(const char *path, struct rootfs *root, char *why, size_t cap)
{
	char *extracted = NULL;
	int bundle = bundle_open(path, &extracted, why, cap), err, fd;

	if (bundle < 0)
		return bundle;
	err = rfs_init(root, extracted ? extracted : path);
	free(extracted);
	if (err < 0)
		return fail(why, cap, err, "%s", di_strerror(err));
	fd = rfs_open(root, RFS_ROOT, "sys", O_PATH | O_DIRECTORY);
	if (fd < 0) {
		rfs_fini(root);
		return fail(why, cap, fd, "not a system snapshot: no sys/ directory (%s)",
			    di_strerror(fd));
	}
	close(fd);
	return bundle;
}

/* Relative, no "..", no empty name: the name without "./" prefixes, or NULL. */
static const char *safe_name(char *name)
{
	size_t len;

	while (name[0] == '.' && name[1] == '/')
		name += 2;
	len = strlen(name);
	while (len && name[len - 1] == '/')
		name[--len] = '\0';
	if (!len || name[0] == '/')
		return NULL;
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, "/");

		if ((n == 2 && p[0] == '.' && p[1] == '.') || n == 0)
			return NULL;
		p += n;
		if (*p)
			p++;
	}
	return name;
}

/* How many directories a (safe) member name sits in. */
static size_t depth_of(const char *name)
{
	size_t n = 0;

	for (; *name; name++)
		n += *name == '/';
	return n;
}

/* The directory that held the previous member: members come sorted, so it is often the next one's. */
struct parent_cache {
	char path[PATH_MAX];
	int fd;
};

/*
 * Open (creating as needed) the directory holding the last component of
 * path under top; *base points at that component. Every component must be a
 * real directory: a symlink or file on the way is an error. The fd belongs
 * to the cache.
 */
static int parent_of(int top, struct parent_cache *c, char *path, const char **base)
{
	char *slash = strrchr(path, '/'), *p = path;
	int fd;

	*base = slash ? slash + 1 : path;
	if (!slash)
		return top;
	*slash = '\0';
	if (c->fd >= 0 && strcmp(c->path, path) == 0) {
		*slash = '/';
		return c->fd;
	}
	fd = dup(top);
	if (fd < 0) {
		*slash = '/';
		return -errno;
	}
	while (fd >= 0 && p) {
		char *next = strchr(p, '/');
		int nfd;

		if (next)
			*next++ = '\0';
		nfd = openat(fd, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 && errno == ENOENT && (mkdirat(fd, p, 0755) == 0 || errno == EEXIST))
			nfd = openat(fd, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0)
			nfd = errno == ELOOP || errno == ENOTDIR ? -ELOOP : -errno;
		close(fd);
		if (next)
			next[-1] = '/';
		fd = nfd;
		p = next;
	}
	if (fd >= 0) {
		if (c->fd >= 0)
			close(c->fd);
		c->fd = fd;
		snprintf(c->path, sizeof(c->path), "%s", path);
	}
	*slash = '/';
	return fd;
}

static int copy_member(struct tar_in *t, int dfd, const char *base, uint64_t *bytes)
{
	char buf[65536];
	ssize_t n;
	int fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	while ((n = tar_in_read(t, buf, sizeof(buf))) > 0) {
		*bytes += (uint64_t)n;
		if (write(fd, buf, (size_t)n) != n) {
			n = errno == ENOSPC || errno == EDQUOT ? -errno : -EIO;
			break;
		}
	}
	close(fd);
	return n < 0 ? (int)n : 0;
}

static int extract_members(struct tar_in *t, int top, struct parent_cache *pc, size_t *skipped,
			   char *why, size_t cap)
{
	uint64_t bytes = 0;
	size_t members = 0;
	int ret;

	while ((ret = tar_in_next(t)) > 0) {
		char path[PATH_MAX];
		const char *name, *base;
		int dfd, err = 0;

		snprintf(path, sizeof(path), "%s", t->path);
		name = safe_name(path);
		if (!name)
			return fail(why, cap, -EINVAL, "unsafe member name '%s' (absolute or with ..)",
				    t->path);
		if (++members > MAX_MEMBERS)
			return fail(why, cap, -EFBIG, "more than the limit of %d members", MAX_MEMBERS);
		if (depth_of(name) > MAX_DEPTH)
			return fail(why, cap, -EFBIG, "member '%.64s...' is more than the limit of %d "
				    "directories deep", name, MAX_DEPTH);
		if (t->type == TAR_FILE && t->size > BUNDLE_MAX_BYTES - bytes)
			return fail(why, cap, -EFBIG, "member '%s' (%llu bytes) takes the bundle over "
				    "the %llu MiB limit", name, (unsigned long long)t->size,
				    BUNDLE_MAX_BYTES >> 20);
		if (t->type != TAR_FILE && t->type != TAR_DIR && t->type != TAR_SYMLINK) {
			(*skipped)++;	/* FIFOs, devices, hard links: never created */
			continue;
		}
		memmove(path, name, strlen(name) + 1);
		dfd = parent_of(top, pc, path, &base);
		if (dfd < 0)
			return fail(why, cap, dfd, "member '%s': %s", name, dfd == -ELOOP ?
				    "its directory is a symbolic link or a file" : strerror(-dfd));
		if (t->type == TAR_DIR) {
			if (mkdirat(dfd, base, 0755) < 0 && errno != EEXIST)
				err = -errno;
		} else if (t->type == TAR_SYMLINK) {
			if (symlinkat(t->link, dfd, base) < 0)
				err = -errno;
		} else {
			err = copy_member(t, dfd, base, &bytes);
		}
		if (err == -EEXIST) {
			(*skipped)++;	/* a duplicate: the first one stays */
			continue;
		}
		if (err == -EBADMSG || err == -EFBIG)
			return fail(why, cap, err, "%s", t->why);
		if (err < 0)
			return fail(why, cap, err, "member '%s': %s", path, strerror(-err));
	}
	if (ret == -EFBIG)
		return fail(why, cap, ret, "%s", t->why);
	if (ret == -EBADMSG && !members)
		return fail(why, cap, ret, "neither a directory nor a report bundle (%s)", t->why);
	if (ret == -EBADMSG)
		return fail(why, cap, ret, "%s", t->why);
	if (ret < 0)
		return fail(why, cap, ret, "%s", strerror(-ret));
	return members ? 0 : fail(why, cap, -EINVAL, "the archive is empty");
}

static int extract(struct tar_in *t, int top, size_t *skipped, char *why, size_t cap)
{
	struct parent_cache *pc = xmalloc(sizeof(*pc));
	int err;

	pc->fd = -1;
	err = extract_members(t, top, pc, skipped, why, cap);
	if (pc->fd >= 0)
		close(pc->fd);
	free(pc);
	return err;
}

/* sysroot/ at the top, or under the one top directory. */
static int find_sysroot(const char *dir, char **sysroot)
{
	char path[PATH_MAX + 32];
	struct stat st;

	snprintf(path, sizeof(path), "%.*s/%s/sysroot", PATH_MAX - 1, dir, BUNDLE_TOP);
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(path, sizeof(path), "%.*s/sysroot", PATH_MAX - 1, dir);
		if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			return -ENOENT;
	}
	*sysroot = xstrdup(path);
	return 0;
}

int bundle_open(const char *file, char **sysroot, char *why, size_t cap)
{
	const char *tmp = getenv("TMPDIR");
	struct tar_in *t;
	struct stat st;
	char magic[5];
	size_t skipped = 0;
	int fd, top, err;

	*sysroot = NULL;
	if (stat(file, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	fd = open(file, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return fail(why, cap, -errno, "%s", strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(why, cap, -EINVAL, "changed while being opened");
	}
	if (pread(fd, magic, sizeof(magic), 0) != (ssize_t)sizeof(magic) ||
	    memcmp(magic, "\xfd" "7zXZ", sizeof(magic)) != 0) {
		close(fd);
		return fail(why, cap, -EINVAL, "neither a directory nor a report bundle (not an "
			    "xz-compressed file)");
	}
	cleanup_install();
	snprintf(cleanup_dir, sizeof(cleanup_dir), "%s/dmainspect-bundle.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(cleanup_dir)) {
		err = -errno;
		cleanup_dir[0] = '\0';
		close(fd);
		return fail(why, cap, err, "cannot make a temporary directory: %s", strerror(-err));
	}
	top = open(cleanup_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	err = top < 0 ? -errno : 0;
	t = xmalloc(sizeof(*t));
	if (!err)
		err = tar_in_open(t, fd, XZ_MEMLIMIT);
	if (err < 0) {
		fail(why, cap, err, "%s", strerror(-err));
	} else {
		err = extract(t, top, &skipped, why, cap);
		tar_in_close(t);
	}
	free(t);
	if (top >= 0)
		close(top);
	close(fd);
	if (!err && find_sysroot(cleanup_dir, sysroot) < 0)
		err = fail(why, cap, -ENOENT, "not a dmainspect bundle: no sysroot/ directory in it");
	if (err < 0) {
		cleanup();
		return err;
	}
	if (skipped)
		di_err("--sysroot %s: left out %zu members that are not directories, regular files "
		       "or symlinks, or are duplicates", file, skipped);
	return 1;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Attributes: the one-line, integer and link-name forms of the reader's
 * reads, from a path or from a directory listed once (struct rfs_dir).
 *
 * A listed directory is what makes thousands of devices cheap to read. Its
 * listing (getdents' d_type) tells each entry's type, so a regular file is
 * opened for reading in one step: a single name, O_NOFOLLOW, under a
 * directory fd opened inside the root, non-blocking and without a
 * controlling tty. Nothing but a regular file is opened that way, and a
 * name the listing lacks is missing without a system call. Anything else (a
 * link, a directory, a type the filesystem does not report), and every read
 * while an observer listens or a snapshot's failures replay, goes through
 * the careful path of rootfs.c.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "rootfs.h"
#include "shared/strv.h"
#include "shared/xalloc.h"

#define SYSFS_MAGIC 0x62656572	/* linux/magic.h */
#define TMPFS_MAGIC 0x01021994

/* A read's result (length or -errno) in buf, trailing whitespace removed. */
static ssize_t line_of(char *buf, ssize_t n)
{
	if (n < 0)
		return n;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	return n;
}

/* A one-line read's result as an integer: 0 or -errno. */
static int ll_of(const char *buf, ssize_t n, long long *val)
{
	char *end;

	if (n < 0)
		return (int)n;
	if (n == 0)
		return -ENODATA;
	errno = 0;
	*val = strtoll(buf, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

/* A readlink's result (length or -errno) in target: its last component into buf. */
static ssize_t base_of(char *target, ssize_t n, char *buf, size_t cap)
{
	const char *base;

	if (n < 0)
		return n;
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= cap)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return (ssize_t)strlen(buf);
}

ssize_t rfs_read_line(const struct rootfs *r, int dirfd, const char *path, char *buf, size_t cap)
{
	return line_of(buf, rfs_read(r, dirfd, path, buf, cap));
}

int rfs_read_ll(const struct rootfs *r, int dirfd, const char *path, long long *val)
{
	char buf[64];

	return ll_of(buf, rfs_read_line(r, dirfd, path, buf, sizeof(buf)), val);
}

int rfs_read_ull(const struct rootfs *r, int dirfd, const char *path, unsigned long long *val)
{
	char buf[64], *end;
	ssize_t n = rfs_read_line(r, dirfd, path, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	if (n == 0 || buf[0] == '-')
		return n == 0 ? -ENODATA : -EINVAL;
	errno = 0;
	*val = strtoull(buf, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

ssize_t rfs_link_name(const struct rootfs *r, int dirfd, const char *path, char *buf, size_t cap)
{
	char target[PATH_MAX];

	return base_of(target, rfs_readlink(r, dirfd, path, target, sizeof(target)), buf, cap);
}

/* One entry of a listing: its name, d_type and hmap_hash(). */
struct rfs_entry {
	const char *name;
	unsigned hash;
	unsigned char type;
};

static unsigned name_hash(const char *s, size_t len)
{
	return (unsigned)hmap_hash(HMAP_SEED, s, len);
}

/* The largest record getdents64 makes: the header, NAME_MAX and a NUL, 8-aligned. */
#define DIRENT_MAX ((offsetof(struct raw_dirent, d_name) + NAME_MAX + 1 + 7) & ~(size_t)7)

/*
 * Whether fd's filesystem (sysfs, tmpfs) fills a getdents buffer while
 * entries remain, so that one which leaves room for the largest record was
 * the last.
 */
static bool fs_fills(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && (sf.f_type == SYSFS_MAGIC || sf.f_type == TMPFS_MAGIC);
}

/*
 * List d->fd into d->entries, indexed by name in d->slots (open addressing,
 * twice as many slots as entries at least); 0 or -errno. The records are
 * read into a buffer on the stack while they fit, and the entries, their
 * index and their names copied into one allocation of the size they need.
 */
static int list_dir(struct rfs_dir *d)
{
	char stack[8192], *buf = stack, *p;
	size_t len = 0, cap = sizeof(stack), n = 0, bytes = 0;
	int err = 0;

	for (;;) {
		long got;

		if (cap - len < DIRENT_MAX) {
			cap *= 2;
			buf = buf == stack ? memcpy(xmalloc(cap), stack, len) : xrealloc(buf, cap);
		}
		got = syscall(SYS_getdents64, d->fd, buf + len, cap - len);
		if (got <= 0) {
			err = got < 0 ? -errno : 0;
			break;
		}
		len += (size_t)got;
		if (d->fills && cap - len >= DIRENT_MAX)
			break;
	}
	for (size_t off = 0; !err && off < len; ) {
		struct raw_dirent *e = (struct raw_dirent *)(buf + off);

		off += e->d_reclen;
		n++;
		/* The name, its NUL and the record's padding: room enough, with no strlen(). */
		bytes += e->d_reclen - offsetof(struct raw_dirent, d_name);
	}
	if (err) {
		if (buf != stack)
			free(buf);
		return err;
	}
	for (d->mask = 15; d->mask < 2 * n; d->mask = 2 * d->mask + 1)
		;
	d->entries = xmalloc(n * sizeof(*d->entries) + (d->mask + 1) * sizeof(*d->slots) + bytes);
	d->slots = (unsigned *)(d->entries + n);
	p = (char *)(d->slots + d->mask + 1);
	memset(d->slots, 0, (d->mask + 1) * sizeof(*d->slots));
	for (size_t off = 0; off < len; ) {
		struct raw_dirent *e = (struct raw_dirent *)(buf + off);
		struct rfs_entry *x = &d->entries[d->n];
		size_t i, l = strlen(e->d_name) + 1;

		off += e->d_reclen;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		x->name = memcpy(p, e->d_name, l);
		p += l;
		x->type = e->d_type;
		x->hash = name_hash(x->name, l - 1);
		for (i = x->hash & d->mask; d->slots[i]; i = (i + 1) & d->mask)
			;
		d->slots[i] = (unsigned)++d->n;
	}
	if (buf != stack)
		free(buf);
	return 0;
}

int rfs_dir_open(const struct rootfs *r, int dirfd, const char *path, struct rfs_dir *d)
{
	bool careful = r->hooks || r->replay;

	memset(d, 0, sizeof(*d));
	d->r = r;
	d->fd = rfs_open(r, dirfd, path, (careful ? O_PATH : O_RDONLY) | O_DIRECTORY);
	if (d->fd < 0)
		return d->fd;
	if (!careful) {
		d->fills = fs_fills(d->fd);
		d->listed = list_dir(d) == 0;
	}
	if (careful && dirfd == RFS_ROOT && r->named) {
		d->path = xstrdup(path);
		d->next = *r->named;
		*r->named = d;
	}
	return 0;
}

void rfs_parent_close(struct rfs_parent *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

int rfs_dir_open_link(const struct rootfs *r, struct rfs_parent *p, const char *path,
		      struct rfs_dir *d)
{
	const char *slash = strrchr(path, '/');
	size_t plen = slash ? (size_t)(slash - path) : 0;

	if (!slash || plen >= sizeof(p->path))
		return rfs_dir_open(r, RFS_ROOT, path, d);
	if (p->fd < 0 || strncmp(p->path, path, plen) != 0 || p->path[plen]) {
		rfs_parent_close(p);
		memcpy(p->path, path, plen);
		p->path[plen] = '\0';
		p->fd = rfs_open_exact(r, RFS_ROOT, p->path, O_PATH | O_DIRECTORY);
		if (p->fd == -ENOSYS) {
			p->fd = -1;
			return rfs_dir_open(r, RFS_ROOT, path, d);
		}
		if (p->fd < 0) {
			memset(d, 0, sizeof(*d));
			d->fd = p->fd;
			p->fd = -1;
			return d->fd;
		}
		p->fills = fs_fills(p->fd);
	}
	memset(d, 0, sizeof(*d));
	d->r = r;
	d->fd = rfs_open_exact(r, p->fd, slash + 1, O_RDONLY | O_DIRECTORY);
	if (d->fd < 0)
		return d->fd;
	d->fills = p->fills;
	d->listed = list_dir(d) == 0;
	return 0;
}

/* rfs_realpath() of DIR/NAME: the walk, where the link's text cannot tell. */
static int walked_path(const struct rootfs *r, const char *dir, const char *name, char *out,
		       size_t cap)
{
	char joined[PATH_MAX * 2];

	if (!path_join(joined, sizeof(joined), dir, name))
		return -ENAMETOOLONG;
	return rfs_realpath(r, joined, out, cap);
}

int rfs_link_path(const struct rootfs *r, int dirfd, const char *dir, const char *name,
		  char *out, size_t cap)
{
	char target[PATH_MAX];
	const char *p = target;
	size_t o = 0;
	ssize_t n;
	bool named = false;

	if (r->hooks || r->replay || r->no_openat2)
		return walked_path(r, dir, name, out, cap);
	n = readlinkat(dirfd, name, target, sizeof(target) - 1);
	if (n < 0 && errno != EINVAL)
		return -errno;
	target[n < 0 ? 0 : n] = '\0';
	if (n < 0)
		p = name;	/* no link: DIR/NAME itself */
	/* DIR has no link on its way: its components, and ".." from it, are the walk's. */
	if (target[0] != '/' && *dir) {
		if (strlen(dir) + 1 >= cap)
			return -ENAMETOOLONG;
		out[o++] = '/';
		o += strlen(strcpy(out + o, dir));
	}
	/* Then the target's: "." stays, ".." goes up but never above the root. */
	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			/* After a name of the target, which may be a link: only the walk knows. */
			if (named)
				return walked_path(r, dir, name, out, cap);
			while (o > 0 && out[--o] != '/')
				;
		} else if (len && !(len == 1 && *p == '.')) {
			named = true;
			if (o + 1 + len >= cap)
				return -ENAMETOOLONG;
			out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p += len;
	}
	if (!o)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

/*
 * Close d's held fds. Opened one after another they are mostly runs of
 * consecutive numbers, and every fd in a run is d's: one close_range()
 * closes a run.
 */
static void release(struct rfs_dir *d)
{
	unsigned i, j;

	for (i = 1; i < d->n_held; i++) {
		int fd = d->held[i];

		for (j = i; j > 0 && d->held[j - 1] > fd; j--)
			d->held[j] = d->held[j - 1];
		d->held[j] = fd;
	}
	for (i = 0; i < d->n_held; i = j) {
		for (j = i + 1; j < d->n_held && d->held[j] == d->held[j - 1] + 1; j++)
			;
#ifdef SYS_close_range
		if (j - i > 1 && syscall(SYS_close_range, (unsigned)d->held[i],
					 (unsigned)d->held[j - 1], 0u) == 0)
			continue;
#endif
		for (unsigned k = i; k < j; k++)
			close(d->held[k]);
	}
	d->n_held = 0;
}

/* Keep fd, done with, to close with the next ones. */
static void hold(struct rfs_dir *d, int fd)
{
	if (d->n_held == sizeof(d->held) / sizeof(d->held[0]))
		release(d);
	d->held[d->n_held++] = fd;
}

void rfs_dir_close(struct rfs_dir *d)
{
	if (d->path) {
		struct rfs_dir **p = d->r->named;

		while (*p && *p != d)
			p = &(*p)->next;
		if (*p)
			*p = d->next;
	}
	if (d->fd >= 0)
		hold(d, d->fd);
	release(d);
	free(d->path);
	free(d->entries);
	memset(d, 0, sizeof(*d));
	d->fd = -1;
}

/* NAME's d_type as listed; -ENOENT when not listed; DT_UNKNOWN when the listing cannot tell. */
static int entry_type(const struct rfs_dir *d, const char *name)
{
	unsigned h;

	if (!d->listed || strchr(name, '/') || !*name)
		return DT_UNKNOWN;
	h = name_hash(name, strlen(name));
	for (size_t i = h & d->mask; d->slots[i]; i = (i + 1) & d->mask) {
		const struct rfs_entry *e = &d->entries[d->slots[i] - 1];

		if (e->hash == h && strcmp(e->name, name) == 0)
			return e->type;
	}
	return -ENOENT;
}

bool rfs_dir_lacks(const struct rfs_dir *d, const char *name)
{
	return entry_type(d, name) == -ENOENT;
}

/*
 * Read an open regular file into buf. A read shorter than asked, and than
 * a page, ends it: sysfs gives an attribute's whole text in its first read
 * and a binary attribute a page at a time, and a regular file is short only
 * at its end.
 */
static ssize_t read_short_ends(int fd, char *buf, size_t cap)
{
	size_t len = 0;

	for (;;) {
		size_t want = cap - 1 - len;
		ssize_t n = want ? read(fd, buf + len, want) : 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		len += (size_t)n;
		if (n == 0 || ((size_t)n < want && n < 4096))
			break;
		if (len == cap - 1) {
			char c;

			n = read(fd, &c, 1);
			if (n > 0)
				return -RFS_ETOOBIG;
			break;
		}
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

/* A result of d's: a missing name the listing did not rule out is noted. */
static ssize_t seen(struct rfs_dir *d, ssize_t n)
{
	if (n == -ENOENT)
		d->missed = true;
	return n;
}

bool rfs_dir_gone(const struct rfs_dir *d, const char *path)
{
	struct stat a, b;
	int fd = rfs_open(d->r, RFS_ROOT, path, O_PATH | O_DIRECTORY);
	bool gone = fd < 0 || fstat(fd, &a) < 0 || fstat(d->fd, &b) < 0 || a.st_ino != b.st_ino ||
		    a.st_dev != b.st_dev;

	if (fd >= 0)
		close(fd);
	return gone;
}

ssize_t rfs_dir_read(struct rfs_dir *d, const char *name, char *buf, size_t cap)
{
	int type = entry_type(d, name), fd;
	ssize_t n;

	if (cap < 1)
		return -EINVAL;
	buf[0] = '\0';
	if (type < 0)
		return type;
	if (type != DT_REG && type != DT_LNK && type != DT_DIR && type != DT_UNKNOWN)
		return -RFS_ENOTREG;
	if (type != DT_REG)
		return seen(d, rfs_read(d->r, d->fd, name, buf, cap));
	fd = openat(d->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return seen(d, -errno);
	n = read_short_ends(fd, buf, cap);
	hold(d, fd);
	return seen(d, n);
}

void rfs_dir_prefetch(const struct rfs_dir *d, const char *const *names, size_t n)
{
	const struct rootfs *r = d->r;
	char *keys[RFS_PREFETCH_MAX], (*buf)[PATH_MAX];
	size_t k = 0;

	if (!r->hooks || !r->hooks->prefetch || !r->hooks->read || d->fd < 0)
		return;
	if (n > RFS_PREFETCH_MAX)
		n = RFS_PREFETCH_MAX;
	buf = xmalloc(n * sizeof(*buf));
	for (size_t i = 0; i < n; i++)
		if (rfs_key(r, d->fd, names[i], buf[k], sizeof(buf[k])) == 0)
			keys[k] = buf[k], k++;
	if (k)
		r->hooks->prefetch(r, (const char *const *)keys, k, RFS_ATTR_MAX - 1);
	free(buf);
}

ssize_t rfs_dir_read_line(struct rfs_dir *d, const char *name, char *buf, size_t cap)
{
	return line_of(buf, rfs_dir_read(d, name, buf, cap));
}

int rfs_dir_read_ll(struct rfs_dir *d, const char *name, long long *val)
{
	char buf[64];

	return ll_of(buf, rfs_dir_read_line(d, name, buf, sizeof(buf)), val);
}

ssize_t rfs_dir_readlink(struct rfs_dir *d, const char *name, char *buf, size_t cap)
{
	int type = entry_type(d, name);
	ssize_t n;

	if (type == DT_UNKNOWN)
		return seen(d, rfs_readlink(d->r, d->fd, name, buf, cap));
	if (type < 0)
		return type;
	if (type != DT_LNK)
		return -EINVAL;
	if (cap < 1)
		return -EINVAL;
	n = readlinkat(d->fd, name, buf, cap - 1);
	if (n < 0)
		return seen(d, -errno);
	if ((size_t)n == cap - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return n;
}

ssize_t rfs_dir_link_name(struct rfs_dir *d, const char *name, char *buf, size_t cap)
{
	char target[PATH_MAX];

	return base_of(target, rfs_dir_readlink(d, name, target, sizeof(target)), buf, cap);
}

int rfs_names(const struct rootfs *r, int dirfd, const char *path, struct strv *out)
{
	size_t from = out->n;
	struct dirent *de;
	DIR *dir = rfs_opendir(r, dirfd, path);

	if (!dir)
		return -errno;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			strv_add(out, de->d_name);
	closedir(dir);
	strv_sort(out, from);
	return 0;
}

int rfs_dir_names(struct rfs_dir *d, const char *name, struct strv *out)
{
	struct rfs_dir sub = { .r = d->r, .fills = d->fills };
	size_t from = out->n;
	int type = entry_type(d, name), err;

	if (type < 0)
		return type;
	if (type != DT_DIR)
		return seen(d, rfs_names(d->r, d->fd, name, out));
	/* One name, no link followed: it stays beneath d. */
	sub.fd = openat(d->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub.fd < 0)
		return seen(d, -errno);
	err = list_dir(&sub);
	for (size_t i = 0; !err && i < sub.n; i++)
		if (sub.entries[i].name[0] != '.')
			strv_add(out, sub.entries[i].name);
	/* Closed with d, in its run of fds. */
	hold(d, sub.fd);
	sub.fd = -1;
	rfs_dir_close(&sub);
	strv_sort(out, from);
	return err;
}

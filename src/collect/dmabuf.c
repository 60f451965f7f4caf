// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One dma-buf in depth: getting an fd of it (inherited, duplicated from
 * another process with pidfd_getfd, or a test buffer), what fstat, the
 * holder's fdinfo and debugfs bufinfo say, and the CPU-access probes.
 *
 * Probes never change the buffer: mmap is PROT_READ, never touched and
 * unmapped at once; SYNC is START|READ then END|READ, and only when poll
 * says no write fence is pending; EXPORT_SYNC_FILE asks for the READ fences
 * and the sync_file is closed at once.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <linux/types.h>

#include "collect.h"
#include "dmabuf.h"
#include "parse/dmabuf-parse.h"

#define DMA_BUF_MAGIC 0x444d4142	/* "DMAB", include/uapi/linux/magic.h */
#define BUFINFO_PATH "sys/kernel/debug/dma_buf/bufinfo"
#define BUFINFO_MAX (256u << 20)
#define FDINFO_MAX 4096
#define SYNC_TIMEOUT_S 2

#ifndef DMA_BUF_IOCTL_EXPORT_SYNC_FILE	/* linux/dma-buf.h before 6.0 */
struct dma_buf_export_sync_file {
	__u32 flags;
	__s32 fd;
};
#define DMA_BUF_IOCTL_EXPORT_SYNC_FILE _IOWR(DMA_BUF_BASE, 2, struct dma_buf_export_sync_file)
#endif

/*
 * The proposed, never merged DMA_BUF_IOCTL_INFO. Its number differs from
 * EXPORT_SYNC_FILE's (same nr 2, other size), so a kernel without it
 * answers ENOTTY.
 */
struct di_dma_buf_info {
	__u32 param;
	__u32 pad;
	__u64 value;
};
#define DI_DMA_BUF_IOCTL_INFO _IOWR('b', 2, struct di_dma_buf_info)
#define DI_DMA_BUF_INFO_MAP_INFO 1

static int buf_fail(struct di_dmabuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int buf_fail(struct di_dmabuf *b, const char *fmt, ...)
{
	va_list ap;

	free(b->error);
	va_start(ap, fmt);
	b->error = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

/* Why an fd is not a dma-buf: its kind, and what /proc calls it. */
static int not_dmabuf(const struct rootfs *root, int fd, const char *what, struct di_dmabuf *b)
{
	char path[64], target[256];
	struct stat st;
	const char *kind = "not a dma-buf";

	if (fstat(fd, &st) == 0) {
		if (S_ISREG(st.st_mode))
			kind = "a regular file";
		else if (S_ISDIR(st.st_mode))
			kind = "a directory";
		else if (S_ISFIFO(st.st_mode))
			kind = "a pipe";
		else if (S_ISSOCK(st.st_mode))
			kind = "a socket";
		else if (S_ISCHR(st.st_mode))
			kind = "a character device";
		else if (S_ISBLK(st.st_mode))
			kind = "a block device";
		else
			kind = "another kind of file";
	}
	snprintf(path, sizeof(path), "proc/self/fd/%d", fd);
	if (rfs_readlink(root, RFS_ROOT, path, target, sizeof(target)) > 0)
		return buf_fail(b, "%s is not a dma-buf: %s (%s)", what, kind, target);
	return buf_fail(b, "%s is not a dma-buf: %s", what, kind);
}

static bool is_dmabuf_fd(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && (unsigned long)sf.f_type == DMA_BUF_MAGIC;
}

static int acquire_own(const struct rootfs *root, int fd, struct di_dmabuf *b)
{
	char what[32];

	snprintf(what, sizeof(what), "fd %d", fd);
	if (fd == root->fd || fcntl(fd, F_GETFD) < 0)
		return buf_fail(b, "fd %d is not open", fd);
	if (!is_dmabuf_fd(fd))
		return not_dmabuf(root, fd, what, b);
	b->source = SRC_FD;
	b->src_pid = getpid();
	b->src_fd = fd;
	return fd;
}

static int acquire_remote(const struct rootfs *root, int pid, int nfd, struct di_dmabuf *b)
{
#if HAVE_DECL_SYS_PIDFD_OPEN && HAVE_DECL_SYS_PIDFD_GETFD
	char what[64];
	long pidfd, fd;
	int err;

	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		if (errno == ESRCH)
			return buf_fail(b, "process %d does not exist", pid);
		if (errno == ENOSYS)
			return buf_fail(b, "this kernel has no pidfd_open (Linux 5.3 and later have it)");
		return buf_fail(b, "pidfd_open of process %d: %s", pid, strerror(errno));
	}
	fd = syscall(SYS_pidfd_getfd, (int)pidfd, nfd, 0);
	err = errno;
	close((int)pidfd);
	if (fd < 0) {
		switch (err) {
		case EBADF:
			return buf_fail(b, "process %d has no fd %d", pid, nfd);
		case EPERM:
			return buf_fail(b, "not permitted to duplicate fd %d of process %d: this needs "
					"ptrace rights over it (the same user and kernel.yama.ptrace_scope 0, "
					"or CAP_SYS_PTRACE)", nfd, pid);
		case ESRCH:
			return buf_fail(b, "process %d exited", pid);
		case ENOSYS:
			return buf_fail(b, "this kernel has no pidfd_getfd (Linux 5.6 and later have it)");
		default:
			return buf_fail(b, "pidfd_getfd of fd %d of process %d: %s", nfd, pid,
					strerror(err));
		}
	}
	snprintf(what, sizeof(what), "fd %d of process %d", nfd, pid);
	if (!is_dmabuf_fd((int)fd)) {
		not_dmabuf(root, (int)fd, what, b);
		close((int)fd);
		return -1;
	}
	b->source = SRC_PROCESS;
	b->src_pid = pid;
	b->src_fd = nfd;
	return (int)fd;
#else
	return buf_fail(b, "built without pidfd_open/pidfd_getfd: another process's fd cannot be "
			"duplicated");
#endif
}

static int acquire_device(const struct rootfs *root, const char *path, struct di_dmabuf *b)
{
	struct test_buffer tb;
	char *why = NULL;
	int err = test_buffer_alloc(root, path, &tb, &why);

	if (err < 0) {
		buf_fail(b, "%s", why ? why : strerror(-err));
		free(why);
		return -1;
	}
	b->source = tb.kind;
	b->src_pid = getpid();
	b->src_fd = tb.fd;
	b->src_device = tb.device;
	b->src_driver = tb.driver;
	b->src_allocation = tb.allocation;
	return tb.fd;
}

int dmabuf_acquire(const struct rootfs *root, const char *arg, struct di_dmabuf *b)
{
	struct buf_arg a;
	int err = parse_buf_arg(arg, &a);

	if (err == -EINVAL)
		return buf_fail(b, "an empty argument names no buffer");
	if (err < 0)
		return buf_fail(b, "process or fd number out of range");
	switch (a.kind) {
	case BUF_ARG_FD:
		return acquire_own(root, a.fd, b);
	case BUF_ARG_PROC:
		return acquire_remote(root, a.pid, a.fd, b);
	default:
		return acquire_device(root, arg, b);
	}
}

/*
 * fdinfo of the holder's fd: exporter, name, count, flags. Returns -ESTALE,
 * leaving b as it was, when the fd now holds another file than b's inode
 * (the holder closed it and reused the number).
 */
static int read_fdinfo(const struct rootfs *r, int pid, int fd, struct di_dmabuf *b)
{
	char path[64], text[FDINFO_MAX];
	struct fdinfo fi;
	ssize_t n;
	int err;

	snprintf(path, sizeof(path), "proc/%d/fdinfo/%d", pid, fd);
	n = rfs_read(r, RFS_ROOT, path, text, sizeof(text));
	err = n < 0 ? (int)n : parse_fdinfo(text, &fi);
	if (err == 0 && fi.ino.set && b->inode.set && fi.ino.v != b->inode.v) {
		fdinfo_free(&fi);
		return -ESTALE;
	}
	if (err < 0) {
		if (err == -ENOMSG)
			fdinfo_free(&fi);
		b->exporter.err = b->fd_flags.err = b->file_count.err = err;
		if (!b->name.s)
			b->name.err = err;
		return err;
	}
	if (fi.ino.set && !b->inode.set)
		b->inode = fi.ino;
	if (fi.size.set)
		b->size = fi.size;
	b->fd_flags = fi.flags;
	b->file_count = fi.count;
	sval_take(&b->exporter, fi.exp_name.s);
	fi.exp_name.s = NULL;
	if (fi.name.s) {
		sval_take(&b->name, fi.name.s);
		fi.name.s = NULL;
	}
	fdinfo_free(&fi);
	return 0;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* An ioctl that may wait, interrupted after SYNC_TIMEOUT_S seconds. */
static int ioctl_limited(int fd, unsigned long req, void *arg)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	int ret, err;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	alarm(SYNC_TIMEOUT_S);
	ret = ioctl(fd, req, arg);
	err = errno;
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	if (ret < 0)
		return err == EINTR ? -DB_ETIMEDOUT : -err;
	return 0;
}

static void probe_result(struct di_probe *p, int err)
{
	ival_set(&p->ok, err == 0);
	p->ok.err = err == -ENOTTY ? -DB_ENOIOCTL : err;
}

static void probe(int fd, struct di_dmabuf *b)
{
	long page = sysconf(_SC_PAGESIZE);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
	struct dma_buf_export_sync_file ex = { .flags = DMA_BUF_SYNC_READ, .fd = -1 };
	struct di_dma_buf_info info = { .param = DI_DMA_BUF_INFO_MAP_INFO };
	void *map;
	int err;

	/* Map one page read-only, touch nothing, unmap at once. */
	map = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		probe_result(&b->mmap, -errno);
	} else {
		munmap(map, (size_t)page);
		probe_result(&b->mmap, 0);
	}

	/* SYNC START|READ waits for write fences: only when none is pending. */
	if (poll(&pfd, 1, 0) == 0) {
		b->sync.ok.err = -DB_EWOULDWAIT;
	} else {
		err = ioctl_limited(fd, DMA_BUF_IOCTL_SYNC, &sync);
		if (err == 0) {
			sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
			err = ioctl_limited(fd, DMA_BUF_IOCTL_SYNC, &sync);
		}
		probe_result(&b->sync, err);
	}

	err = ioctl(fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &ex) < 0 ? -errno : 0;
	if (err == 0 && ex.fd >= 0)
		close(ex.fd);
	probe_result(&b->export_sync_file, err);

	if (ioctl(fd, DI_DMA_BUF_IOCTL_INFO, &info) == 0)
		ival_set(&b->map_info, (long long)info.value);
	else
		b->map_info.err = errno == ENOTTY ? -DB_ENOTREPORTED : -errno;
}

void dmabuf_collect_fd(const struct rootfs *root, int fd, struct di_dmabuf *b)
{
	struct stat st;

	if (fstat(fd, &st) == 0) {
		ival_set(&b->inode, (long long)st.st_ino);
		ival_set(&b->size, (long long)st.st_size);
	} else {
		b->inode.err = b->size.err = -errno;
	}
	/* The holder's own view, or ours when its fd number now names another file. */
	if (read_fdinfo(root, b->src_pid, b->src_fd, b) == -ESTALE)
		read_fdinfo(root, getpid(), fd, b);
	probe(fd, b);
}

int dmabuf_collect_snapshot(const struct rootfs *root, const char *arg, struct di_dmabuf *b)
{
	char path[64], target[256];
	struct buf_arg a;
	int err = parse_buf_arg(arg, &a);
	ssize_t n;

	if (err == -EINVAL)
		return buf_fail(b, "an empty argument names no buffer");
	if (err < 0)
		return buf_fail(b, "process or fd number out of range");
	if (a.kind != BUF_ARG_PROC)
		return buf_fail(b, "not available with --sysroot: only PID:N and /proc/PID/fd/N "
				"can be read from a snapshot; fds and device nodes exist on the running "
				"system only");
	b->source = SRC_PROCESS;
	b->src_pid = a.pid;
	b->src_fd = a.fd;
	snprintf(path, sizeof(path), "proc/%d/fd/%d", a.pid, a.fd);
	n = rfs_readlink(root, RFS_ROOT, path, target, sizeof(target));
	if (n == -ENOENT)
		return buf_fail(b, "the snapshot has no fd %d of process %d", a.fd, a.pid);
	if (n >= 0 && !is_dmabuf_link(target))
		return buf_fail(b, "fd %d of process %d in the snapshot is not a dma-buf (%s)", a.fd,
				a.pid, target);
	read_fdinfo(root, a.pid, a.fd, b);
	if (b->exporter.err == -ENOMSG)
		return buf_fail(b, "fd %d of process %d in the snapshot is not a dma-buf (its "
				"fdinfo has no exp_name)", a.fd, a.pid);
	if (!b->inode.set && !b->inode.err)
		b->inode.err = -ENODATA;
	if (!b->size.set && !b->size.err)
		b->size.err = -ENODATA;
	b->mmap.ok.err = b->sync.ok.err = b->export_sync_file.ok.err = -DB_ESNAPSHOT;
	b->map_info.err = -DB_ESNAPSHOT;
	return 0;
}

int bufinfo_read(const struct rootfs *r, struct di_dmabuf **info, size_t *n)
{
	char *text;
	ssize_t len = rfs_read_alloc(r, RFS_ROOT, BUFINFO_PATH, BUFINFO_MAX, &text);
	int err;

	*info = NULL;
	*n = 0;
	if (len < 0)
		return (int)len;
	err = parse_bufinfo(text, info, n);
	free(text);
	return err;
}

static char *dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

static void sval_copy(struct sval *dst, const struct sval *src)
{
	dst->err = src->err;
	dst->s = src->s ? xstrdup(src->s) : NULL;
}

static void copy_listing(struct di_dmabuf *b, const struct di_dmabuf *src)
{
	b->listed = true;
	b->file_flags = src->file_flags;
	b->file_mode = src->file_mode;
	if (!b->file_count.set)
		b->file_count = src->file_count;
	if (!b->exporter.s && src->exporter.s)
		sval_set(&b->exporter, src->exporter.s);
	if (!b->name.s && src->name.s)
		sval_set(&b->name, src->name.s);
	if (!b->size.set)
		b->size = src->size;
	if (src->n_fences)
		b->fences = xcalloc(src->n_fences, sizeof(*b->fences));
	for (size_t i = 0; i < src->n_fences; i++) {
		struct di_fence *f = &b->fences[b->n_fences++];

		*f = src->fences[i];
		f->usage = dup_or_empty(src->fences[i].usage);
		sval_copy(&f->driver, &src->fences[i].driver);
		sval_copy(&f->timeline, &src->fences[i].timeline);
	}
	if (src->n_attachments)
		b->attachments = xcalloc(src->n_attachments, sizeof(*b->attachments));
	for (size_t i = 0; i < src->n_attachments; i++)
		b->attachments[b->n_attachments++].device = dup_or_empty(src->attachments[i].device);
}

void bufinfo_merge(struct di_dmabuf *b, const struct di_dmabuf *info, size_t n, int info_err)
{
	if (info_err) {
		b->bufinfo_err = info_err;
		return;
	}
	if (!b->inode.set) {
		b->bufinfo_err = -DB_ENOINODE;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (info[i].inode.set && info[i].inode.v == b->inode.v) {
			copy_listing(b, &info[i]);
			return;
		}
	}
	b->bufinfo_err = -DB_ENOTLISTED;
}

/* A device the collector does not list (say a platform device): find it by name. */
static void add_named(const struct rootfs *root, struct di_system *sys, const char *name)
{
	char path[PATH_MAX];
	struct di_names names;
	struct dirent *de;
	DIR *d = rfs_opendir(root, RFS_ROOT, "sys/bus");

	if (!d)
		return;
	names_init(&names, root);
	while ((de = readdir(d)) && !system_find_device(sys, name)) {
		int fd;

		if (de->d_name[0] == '.' ||
		    (size_t)snprintf(path, sizeof(path), "sys/bus/%s/devices/%s", de->d_name,
				     name) >= sizeof(path))
			continue;
		fd = rfs_open(root, RFS_ROOT, path, O_PATH);
		if (fd < 0)
			continue;
		close(fd);
		collect_device_at(sys, &names, path);
	}
	names_fini(&names);
	closedir(d);
}

static void fill_attachment(struct di_attachment *a, const struct di_device *d)
{
	a->known = true;
	a->bus = xstrdup(d->bus);
	sval_copy(&a->driver, &d->driver);
	a->iommu_group = d->iommu_group;
	sval_copy(&a->iommu_domain, &d->iommu_domain);
	a->dma_mask_bits = d->dma_mask_bits;
	a->coherent_dma_mask_bits = d->coherent_dma_mask_bits;
	a->dt_coherent = d->dt_coherent;
	sval_copy(&a->dt_coherent_from, &d->dt_coherent_from);
}

int dmabuf_resolve_attachments(const struct rootfs *root, struct di_dmabuf *bufs, size_t n)
{
	struct di_system sys;
	size_t count = 0;
	int err;

	for (size_t i = 0; i < n; i++)
		count += bufs[i].n_attachments;
	if (!count)
		return 0;
	err = system_collect(root, &sys);
	for (size_t i = 0; i < n && !err; i++)
		for (size_t k = 0; k < bufs[i].n_attachments; k++)
			if (!system_find_device(&sys, bufs[i].attachments[k].device))
				add_named(root, &sys, bufs[i].attachments[k].device);
	for (size_t i = 0; i < n && !err; i++) {
		for (size_t k = 0; k < bufs[i].n_attachments; k++) {
			struct di_attachment *a = &bufs[i].attachments[k];
			const struct di_device *d = system_find_device(&sys, a->device);

			if (d)
				fill_attachment(a, d);
		}
	}
	system_free(&sys);
	return err;
}

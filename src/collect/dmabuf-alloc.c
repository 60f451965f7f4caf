// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Test buffers for `buf` on a device node: the one place that opens device
 * nodes. A path is opened for I/O only after an O_PATH open and fstat show
 * a character device that sysfs calls a DRM card or render node, a DMA heap
 * or udmabuf; the reopen goes through /proc/self/fd, so that it is that very
 * inode. A regular file, FIFO or any other device is refused unopened.
 * Buffers are small (one page up to 16 KiB) and live only as long as the
 * fd dmainspect holds.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>
#include <virtgpu_drm.h>
#ifdef HAVE_LINUX_DMA_HEAP_H
#include <linux/dma-heap.h>
#endif
#ifdef HAVE_LINUX_UDMABUF_H
#include <linux/udmabuf.h>
#endif

#include "dmabuf.h"
#include "parse/dmabuf-parse.h"

#define DUMB_WIDTH 64
#define DUMB_HEIGHT 64
#define DUMB_BPP 32

static int fail(char **why, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char **why, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*why = xvasprintf(fmt, ap);
	va_end(ap);
	return err;
}

static const char *file_kind(mode_t m)
{
	if (S_ISREG(m))
		return "a regular file";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISBLK(m))
		return "a block device";
	return "not a device node";
}

struct node {
	dev_t rdev;
	enum dev_kind kind;
	char subsystem[NAME_MAX + 1];
	char name[NAME_MAX + 1];
};

/* What sysfs says the character device is: subsystem and name. */
static int identify(const struct rootfs *r, dev_t rdev, struct node *n)
{
	char path[64];
	ssize_t len;

	n->rdev = rdev;
	snprintf(path, sizeof(path), "sys/dev/char/%u:%u", major(rdev), minor(rdev));
	len = rfs_link_name(r, RFS_ROOT, path, n->name, sizeof(n->name));
	if (len < 0)
		return (int)len;
	snprintf(path, sizeof(path), "sys/dev/char/%u:%u/subsystem", major(rdev), minor(rdev));
	len = rfs_link_name(r, RFS_ROOT, path, n->subsystem, sizeof(n->subsystem));
	if (len < 0)
		return (int)len;
	n->kind = classify_chardev(n->subsystem, n->name);
	return 0;
}

/* Open PATH for I/O only if it is one of the devices we allocate on. */
static int open_node(const struct rootfs *r, const char *path, struct node *n, char **why)
{
	struct stat st, st2;
	char proc[64];
	int pfd, fd, err;

	pfd = open(path, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return fail(why, -errno, "%s", strerror(errno));
	if (fstat(pfd, &st) < 0) {
		err = -errno;
		close(pfd);
		return fail(why, err, "%s", strerror(-err));
	}
	if (!S_ISCHR(st.st_mode)) {
		close(pfd);
		return fail(why, -ENODEV, "not a device node (%s); expected an fd number, PID:N, "
			    "/proc/PID/fd/N, a DRM node, /dev/dma_heap/NAME or /dev/udmabuf",
			    file_kind(st.st_mode));
	}
	err = identify(r, st.st_rdev, n);
	if (err < 0) {
		close(pfd);
		return fail(why, -ENODEV, "character device %u:%u is unknown to sysfs (%s)",
			    major(st.st_rdev), minor(st.st_rdev), di_strerror(err));
	}
	if (n->kind == DEV_OTHER) {
		close(pfd);
		return fail(why, -ENODEV, "character device %u:%u (%s %s) is not a DRM card or render "
			    "node, a DMA heap or udmabuf", major(st.st_rdev), minor(st.st_rdev),
			    n->subsystem, n->name);
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	fd = open(proc, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT)
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);	/* no /proc */
	err = fd < 0 ? -errno : 0;
	close(pfd);
	if (err == -EACCES || err == -EPERM)
		return fail(why, err, "cannot open it read-write: %s (node mode %04o, owner %u:%u)",
			    strerror(-err), (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
			    (unsigned)st.st_gid);
	if (fd < 0)
		return fail(why, err, "%s", strerror(-err));
	if (fstat(fd, &st2) < 0 || !S_ISCHR(st2.st_mode) || st2.st_rdev != st.st_rdev) {
		close(fd);
		return fail(why, -ESTALE, "the device node changed while it was opened");
	}
	return fd;
}

static int drm_dumb(int fd, uint32_t *handle, char **alloc)
{
	struct drm_mode_create_dumb c = {
		.height = DUMB_HEIGHT, .width = DUMB_WIDTH, .bpp = DUMB_BPP,
	};

	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &c) < 0)
		return -errno;
	*handle = c.handle;
	*alloc = xasprintf("dumb buffer %ux%ux%u", DUMB_WIDTH, DUMB_HEIGHT, DUMB_BPP);
	return 0;
}

/* virtio-gpu's own allocation: a 2D resource (render nodes refuse dumb buffers). */
static int virtgpu_resource(int fd, uint32_t *handle, char **alloc)
{
	struct drm_virtgpu_resource_create c = {
		.target = 2,		/* PIPE_TEXTURE_2D */
		.format = 1,		/* VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM */
		.bind = 2,		/* VIRGL_BIND_RENDER_TARGET */
		.width = DUMB_WIDTH, .height = DUMB_HEIGHT, .depth = 1, .array_size = 1,
		.size = DUMB_WIDTH * DUMB_HEIGHT * DUMB_BPP / 8,
		.stride = DUMB_WIDTH * DUMB_BPP / 8,
	};

	if (drmIoctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE, &c) < 0)
		return -errno;
	*handle = c.bo_handle;
	*alloc = xasprintf("virtio-gpu 2D resource %ux%u", DUMB_WIDTH, DUMB_HEIGHT);
	return 0;
}

/* The card node of the same device as a render node, e.g. "card0". */
static int card_of(const struct rootfs *r, const struct node *n, char *card, size_t cap)
{
	char path[96];
	struct dirent *de;
	DIR *d;
	int err = -ENOENT;

	snprintf(path, sizeof(path), "sys/dev/char/%u:%u/device/drm", major(n->rdev), minor(n->rdev));
	d = rfs_opendir(r, RFS_ROOT, path);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (classify_chardev("drm", de->d_name) == DEV_DRM_CARD &&
		    strlen(de->d_name) < cap) {
			strcpy(card, de->d_name);
			err = 0;
			break;
		}
	closedir(d);
	return err;
}

/* Why PRIME export failed, with what DRM_CAP_PRIME claims beside it. */
static int export_failed(int fd, const char *driver, int err, char **why)
{
	uint64_t cap = 0;

	if (drmGetCap(fd, DRM_CAP_PRIME, &cap) < 0)
		return fail(why, err, "driver %s refused to export the buffer through PRIME: %s",
			    driver, strerror(-err));
	return fail(why, err, "driver %s refused to export the buffer through PRIME: %s "
		    "(DRM_CAP_PRIME is %llu)", driver, strerror(-err), (unsigned long long)cap);
}

static int drm_alloc(const struct rootfs *r, const char *path, int fd, const struct node *n,
		     struct test_buffer *tb, char **why)
{
	drmVersionPtr v = drmGetVersion(fd);
	uint32_t handle = 0;
	int err, card = -1;

	tb->driver = xstrdup(v && v->name ? v->name : "unknown");
	drmFreeVersion(v);
	/*
	 * DRM_CAP_PRIME decides nothing: since 6.6 every driver reports import
	 * and export. The export itself is tried, and its error reported.
	 */
	if (n->kind == DEV_DRM_CARD) {
		err = drm_dumb(fd, &handle, &tb->allocation);
		if (err < 0)
			return fail(why, err, "driver %s refused a dumb buffer: %s", tb->driver,
				    strerror(-err));
	} else if (strcmp(tb->driver, "virtio_gpu") == 0) {
		err = virtgpu_resource(fd, &handle, &tb->allocation);
		if (err < 0)
			return fail(why, err, "driver %s refused a 2D resource: %s", tb->driver,
				    strerror(-err));
	} else {
		/* Render nodes refuse dumb buffers: allocate on the card node. */
		char name[NAME_MAX + 1], cpath[PATH_MAX];
		struct node cn;

		err = card_of(r, n, name, sizeof(name));
		if (err < 0)
			return fail(why, err, "render node of driver %s refuses dumb buffers and "
				    "its card node was not found (%s)", tb->driver, di_strerror(err));
		snprintf(cpath, sizeof(cpath), "/dev/dri/%s", name);
		card = open_node(r, cpath, &cn, why);
		if (card < 0)
			return card;
		if (cn.kind != DEV_DRM_CARD) {
			close(card);
			return fail(why, -ENODEV, "%s is not the card node of %s", cpath, path);
		}
		err = drm_dumb(card, &handle, &tb->allocation);
		if (err < 0) {
			close(card);
			return fail(why, err, "driver %s refused a dumb buffer on %s: %s", tb->driver,
				    cpath, strerror(-err));
		}
		free(tb->allocation);
		tb->allocation = xasprintf("dumb buffer %ux%ux%u on %s (render nodes refuse "
			     "dumb buffers)", DUMB_WIDTH, DUMB_HEIGHT, DUMB_BPP, cpath);
		fd = card;
	}
	err = drmPrimeHandleToFD(fd, handle, DRM_CLOEXEC | DRM_RDWR, &tb->fd);
	err = err < 0 ? -errno : 0;
	/* The dma-buf holds the object now; the handle is not needed. */
	drmCloseBufferHandle(fd, handle);
	if (err < 0)
		err = export_failed(fd, tb->driver, err, why);
	if (card >= 0)
		close(card);
	return err;
}

static int heap_alloc(int fd, const struct node *n, struct test_buffer *tb, char **why)
{
#ifdef HAVE_LINUX_DMA_HEAP_H
	struct dma_heap_allocation_data d = {
		.len = (uint64_t)sysconf(_SC_PAGESIZE),
		.fd_flags = O_RDWR | O_CLOEXEC,
	};

	tb->driver = xstrdup(n->name);
	if (ioctl(fd, DMA_HEAP_IOCTL_ALLOC, &d) < 0)
		return fail(why, -errno, "DMA heap %s refused a %llu-byte allocation: %s", n->name,
			    (unsigned long long)d.len, strerror(errno));
	tb->fd = (int)d.fd;
	tb->allocation = xasprintf("%llu bytes from heap %s", (unsigned long long)d.len,
		     n->name);
	return 0;
#else
	return fail(why, -EOPNOTSUPP, "built without linux/dma-heap.h: DMA heaps are not supported");
#endif
}

#ifdef HAVE_LINUX_UDMABUF_H
#define UDMABUF_LIMIT "sys/module/udmabuf/parameters/size_limit_mb"

/* udmabuf answers EINVAL for a size above its size_limit_mb parameter: say it. */
static int udmabuf_refused(const struct rootfs *r, long size, int err, char **why)
{
	long long mb;
	int rerr;

	if (err != -EINVAL)
		return fail(why, err, "udmabuf refused a %ld-byte memfd buffer: %s", size,
			    strerror(-err));
	rerr = rfs_read_ll(r, RFS_ROOT, UDMABUF_LIMIT, &mb);
	if (rerr < 0)
		return fail(why, err, "udmabuf refused a %ld-byte memfd buffer: %s (a size above its "
			    "size_limit_mb module parameter gives this error; /%s: %s)", size,
			    strerror(-err), UDMABUF_LIMIT, di_strerror(rerr));
	if (mb < 0 || (unsigned long long)mb * 1024 * 1024 < (unsigned long long)size)
		return fail(why, err, "udmabuf refused a %ld-byte memfd buffer: %s: the size is above "
			    "its size_limit_mb module parameter (%lld MiB, /%s)", size, strerror(-err),
			    mb, UDMABUF_LIMIT);
	return fail(why, err, "udmabuf refused a %ld-byte memfd buffer: %s (its size_limit_mb "
		    "module parameter, %lld MiB, allows the size)", size, strerror(-err), mb);
}
#endif

static int udmabuf_alloc(const struct rootfs *r, int fd, struct test_buffer *tb, char **why)
{
#ifdef HAVE_LINUX_UDMABUF_H
	long page = sysconf(_SC_PAGESIZE);
	struct udmabuf_create c = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = (uint64_t)page };
	int memfd = memfd_create("dmainspect-test", MFD_CLOEXEC | MFD_ALLOW_SEALING), err;

	tb->driver = xstrdup("udmabuf");
	if (memfd < 0)
		return fail(why, -errno, "memfd_create: %s", strerror(errno));
	if (ftruncate(memfd, page) < 0 || fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0) {
		err = -errno;
		close(memfd);
		return fail(why, err, "preparing the memfd: %s", strerror(-err));
	}
	c.memfd = (uint32_t)memfd;
	tb->fd = ioctl(fd, UDMABUF_CREATE, &c);
	err = tb->fd < 0 ? -errno : 0;
	close(memfd);
	if (err < 0)
		return udmabuf_refused(r, page, err, why);
	tb->allocation = xasprintf("%ld-byte memfd", page);
	return 0;
#else
	(void)r;
	return fail(why, -EOPNOTSUPP, "built without linux/udmabuf.h: udmabuf is not supported");
#endif
}

/* Free a buffer whose allocation failed: close its fd and forget the strings. */
static void test_buffer_free(struct test_buffer *tb)
{
	if (tb->fd >= 0)
		close(tb->fd);
	free(tb->device);
	free(tb->driver);
	free(tb->allocation);
	memset(tb, 0, sizeof(*tb));
	tb->fd = -1;
}

int test_buffer_alloc(const struct rootfs *r, const char *path, struct test_buffer *tb,
		      char **why)
{
	struct node n;
	int fd, err;

	memset(tb, 0, sizeof(*tb));
	tb->fd = -1;
	*why = NULL;
	fd = open_node(r, path, &n, why);
	if (fd < 0)
		return fd;
	tb->device = xstrdup(path);
	switch (n.kind) {
	case DEV_DRM_CARD:
	case DEV_DRM_RENDER:
		tb->kind = SRC_DRM;
		err = drm_alloc(r, path, fd, &n, tb, why);
		break;
	case DEV_DMA_HEAP:
		tb->kind = SRC_HEAP;
		err = heap_alloc(fd, &n, tb, why);
		break;
	default:
		tb->kind = SRC_UDMABUF;
		err = udmabuf_alloc(r, fd, tb, why);
		break;
	}
	close(fd);
	if (err < 0) {
		test_buffer_free(tb);
		return err;
	}
	return 0;
}

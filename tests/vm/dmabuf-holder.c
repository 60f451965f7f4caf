// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Test helper for the real-kernel suite: makes dma-bufs with vgem and holds
 * them, so that the guest test can compare dmainspect with what the kernel
 * says (bufinfo, fdinfo, maps).
 *
 *   dmabuf-holder OUTFILE
 *	Creates five vgem dumb buffers (64x64x32, 16384 bytes) and exports them
 *	with PRIME: "named" (DMA_BUF_SET_NAME with a space and a tab), "unnamed"
 *	(also imported into vivid's touch capture queue where vivid runs with
 *	the dma-contig allocator, which attaches vivid.0), "mapped" (mmap'ed,
 *	then its fd closed), "kernel" (fd closed, the GEM handle kept, so
 *	that only the kernel holds it) and "fenced" (for vgem fences, below).
 *	Then, where the kernel has them, a "udmabuf" buffer (an 8192-byte
 *	memfd) and one 12288-byte buffer from each DMA heap in /dev/dma_heap
 *	("heap:NAME"). Writes "KIND FD INODE" lines ("udmabuf none WHY" and
 *	"heaps none WHY" where there is none), an "import DEVICE|none WHY" line
 *	and "ready" to OUTFILE, then waits for signals until killed:
 *	SIGUSR1 attaches a vgem write fence to "fenced" (unsignalled; vgem
 *	signals it itself after 10 s) and appends "fence attached ID" or
 *	"fence error WHY"; SIGUSR2 signals it (DRM_IOCTL_VGEM_FENCE_SIGNAL) and
 *	appends "fence signalled ID" or "fence error WHY".
 *   dmabuf-holder --run-as UID PROGRAM ARGS...
 *	Runs PROGRAM as UID (group UID, no supplementary groups).
 *   dmabuf-holder --churn SECONDS OUTFILE
 *	For SECONDS, or until SIGTERM, starts short-lived processes (at most 32 at once, a
 *	millisecond apart) that live 2 to 20 ms: every one holds an inherited
 *	vgem buffer, every fourth makes and holds one of its own. Writes
 *	"holding INODE PID" (the inherited buffer, itself) to OUTFILE at the
 *	start and "processes N own M" at the end.
 *   dmabuf-holder --fds N OUTFILE
 *	Raises its fd limit and holds N fds: N - 8 duplicates of /dev/null and
 *	8 of one vgem buffer (its highest fds); writes "ready INODE FD..." (the
 *	8) to OUTFILE and waits to be killed.
 *   dmabuf-holder --measure PROGRAM ARGS...
 *	Runs PROGRAM and prints "status S wall_ms W cpu_ms C maxrss_kib M" on
 *	standard error (wait4()'s figures).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <linux/videodev2.h>
#ifdef HAVE_LINUX_DMA_HEAP_H
#include <linux/dma-heap.h>
#endif
#ifdef HAVE_LINUX_UDMABUF_H
#include <linux/udmabuf.h>
#endif

#include <drm.h>
#include <drm_mode.h>

#define NAME "dmainspect named\tbuf"
#define UDMABUF_SIZE 8192
#define HEAP_SIZE 12288

/* include/uapi/drm/vgem_drm.h (not shipped by libdrm) */
struct vgem_fence_attach {
	uint32_t handle;
	uint32_t flags;
	uint32_t out_fence;
	uint32_t pad;
};
struct vgem_fence_signal {
	uint32_t fence;
	uint32_t flags;
};
#define VGEM_FENCE_WRITE 0x1
#define VGEM_IOCTL_FENCE_ATTACH DRM_IOWR(DRM_COMMAND_BASE + 0x1, struct vgem_fence_attach)
#define VGEM_IOCTL_FENCE_SIGNAL DRM_IOW(DRM_COMMAND_BASE + 0x2, struct vgem_fence_signal)

static int vgem_card(void)
{
	for (int i = 0; i < 16; i++) {
		char path[32], name[32] = "";
		struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (ioctl(fd, DRM_IOCTL_VERSION, &v) == 0 && strcmp(name, "vgem") == 0)
			return fd;
		close(fd);
	}
	return -1;
}

static int dumb(int card, uint32_t *handle)
{
	struct drm_mode_create_dumb c = { .height = 64, .width = 64, .bpp = 32 };

	if (ioctl(card, DRM_IOCTL_MODE_CREATE_DUMB, &c) < 0)
		return -errno;
	*handle = c.handle;
	return 0;
}

static int export(int card, uint32_t handle)
{
	struct drm_prime_handle p = { .handle = handle, .flags = DRM_CLOEXEC | DRM_RDWR, .fd = -1 };

	if (ioctl(card, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p) < 0)
		return -errno;
	return p.fd;
}

static unsigned long long inode_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

/* vivid's touch capture device, when vivid runs with the dma-contig allocator. */
static int vivid_touch(void)
{
	struct dirent *de;
	DIR *d = opendir("/sys/class/video4linux");
	int fd = -1;

	if (!d)
		return -1;
	while (fd < 0 && (de = readdir(d))) {
		char path[300], name[64] = "";
		FILE *f;

		if (strncmp(de->d_name, "v4l-touch", 9) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/class/video4linux/%s/name", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(name, sizeof(name), f))
			name[0] = '\0';
		fclose(f);
		if (strncmp(name, "vivid", 5) != 0)
			continue;
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
	}
	closedir(d);
	return fd;
}

/* Queue the buffer on vivid: videobuf2 attaches and maps it at QBUF. */
static int import_vivid(int buf, FILE *out)
{
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_requestbuffers req = {
		.count = 1, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_DMABUF,
	};
	struct v4l2_buffer b = {
		.index = 0, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_DMABUF,
	};
	int v = vivid_touch();

	if (v < 0) {
		fprintf(out, "import none no vivid touch capture device\n");
		return -1;
	}
	if (ioctl(v, VIDIOC_G_FMT, &fmt) < 0 || ioctl(v, VIDIOC_REQBUFS, &req) < 0 || req.count < 1) {
		fprintf(out, "import none vivid refused DMABUF buffers: %s\n", strerror(errno));
		close(v);
		return -1;
	}
	b.m.fd = buf;
	b.length = fmt.fmt.pix.sizeimage;	/* one page at most: contiguous for dma-contig */
	if (ioctl(v, VIDIOC_QBUF, &b) < 0) {
		fprintf(out, "import none vivid refused the buffer: %s\n", strerror(errno));
		close(v);
		return -1;
	}
	fprintf(out, "import vivid.0 queued %u bytes\n", b.length);
	return v;	/* the attachment lasts while this fd is open */
}

/* A udmabuf of UDMABUF_SIZE bytes of a sealed memfd: "udmabuf FD INODE" or why not. */
static void make_udmabuf(FILE *out)
{
#ifdef HAVE_LINUX_UDMABUF_H
	struct udmabuf_create c = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = UDMABUF_SIZE };
	int dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC), memfd, fd;

	if (dev < 0) {
		fprintf(out, "udmabuf none /dev/udmabuf: %s\n", strerror(errno));
		return;
	}
	memfd = memfd_create("dmabuf-holder", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (memfd < 0 || ftruncate(memfd, UDMABUF_SIZE) < 0 ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0) {
		fprintf(out, "error udmabuf memfd: %s\n", strerror(errno));
		close(dev);
		return;
	}
	c.memfd = (uint32_t)memfd;
	fd = ioctl(dev, UDMABUF_CREATE, &c);
	if (fd < 0)
		fprintf(out, "error UDMABUF_CREATE: %s\n", strerror(errno));
	else
		fprintf(out, "udmabuf %d %llu\n", fd, inode_of(fd));
	close(memfd);
	close(dev);
#else
	fprintf(out, "error udmabuf: built without linux/udmabuf.h\n");
#endif
}

/* One HEAP_SIZE buffer from each heap in /dev/dma_heap: "heap:NAME FD INODE". */
static void make_heap_buffers(FILE *out)
{
#ifdef HAVE_LINUX_DMA_HEAP_H
	DIR *d = opendir("/dev/dma_heap");
	struct dirent *de;
	int n = 0;

	if (!d) {
		fprintf(out, "heaps none /dev/dma_heap: %s\n", strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		struct dma_heap_allocation_data a = { .len = HEAP_SIZE, .fd_flags = O_RDWR | O_CLOEXEC };
		char path[300];
		int h;

		if (de->d_name[0] == '.')
			continue;
		n++;
		snprintf(path, sizeof(path), "/dev/dma_heap/%s", de->d_name);
		h = open(path, O_RDWR | O_CLOEXEC);
		if (h < 0 || ioctl(h, DMA_HEAP_IOCTL_ALLOC, &a) < 0)
			fprintf(out, "error heap %s: %s\n", de->d_name, strerror(errno));
		else
			fprintf(out, "heap:%s %u %llu\n", de->d_name, a.fd, inode_of((int)a.fd));
		if (h >= 0)
			close(h);
	}
	closedir(d);
	if (!n)
		fprintf(out, "heaps none /dev/dma_heap is empty\n");
#else
	fprintf(out, "error heaps: built without linux/dma-heap.h\n");
#endif
}

static void report(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append one line to PATH (the test reads it after each signal). */
static void report(const char *path, const char *fmt, ...)
{
	FILE *f = fopen(path, "a");
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

/* Serve SIGUSR1 (attach a write fence) and SIGUSR2 (signal it) forever. */
static void fence_loop(const char *path, int card, uint32_t handle, const sigset_t *set)
{
	uint32_t fence = 0;

	for (;;) {
		int sig = sigwaitinfo(set, NULL);

		if (sig == SIGUSR1) {
			struct vgem_fence_attach a = { .handle = handle, .flags = VGEM_FENCE_WRITE };

			if (ioctl(card, VGEM_IOCTL_FENCE_ATTACH, &a) < 0) {
				report(path, "fence error attach: %s\n", strerror(errno));
				continue;
			}
			fence = a.out_fence;
			report(path, "fence attached %u\n", fence);
		} else if (sig == SIGUSR2) {
			struct vgem_fence_signal g = { .fence = fence };

			if (ioctl(card, VGEM_IOCTL_FENCE_SIGNAL, &g) == 0)
				report(path, "fence signalled %u\n", fence);
			else if (errno == ETIMEDOUT)	/* vgem's timer was first */
				report(path, "fence signalled %u by vgem's 10 s timer\n", fence);
			else
				report(path, "fence error signal: %s\n", strerror(errno));
		}
	}
}

static int run_as(int argc, char **argv)
{
	uid_t uid;

	if (argc < 4)
		return 2;
	uid = (uid_t)atoi(argv[2]);
	if (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0) {
		perror("dmabuf-holder: run-as");
		return 1;
	}
	execvp(argv[3], argv + 3);
	perror("dmabuf-holder: exec");
	return 127;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A vgem buffer of its own, held until exit; 1 when made. */
static int own_buffer(int card)
{
	char path[32];
	uint32_t h;
	int c;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", card);
	c = open(path, O_RDWR | O_CLOEXEC);	/* a DRM file of its own */
	return c >= 0 && dumb(c, &h) == 0 && export(c, h) >= 0;
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int churn(const char *seconds, const char *outfile)
{
	double end = now_s() + atof(seconds);
	unsigned long n = 0, own = 0, live = 0;
	int card = vgem_card(), status, buf = -1;
	uint32_t h;
	FILE *out = fopen(outfile, "w");

	if (card >= 0 && dumb(card, &h) == 0)
		buf = export(card, h);
	if (!out || buf < 0) {
		fprintf(stderr, "dmabuf-holder: no vgem buffer to hold\n");
		return 1;
	}
	fprintf(out, "holding %llu %d\n", inode_of(buf), (int)getpid());
	fflush(out);
	signal(SIGTERM, on_term);
	while (now_s() < end && !stop) {
		pid_t pid;

		while (live >= 32 || (live && waitpid(-1, &status, WNOHANG) > 0)) {
			if (live >= 32)
				wait(&status);
			live--;
		}
		pid = fork();
		if (pid == 0) {
			signal(SIGTERM, SIG_DFL);
			if (n % 4 == 0 && !own_buffer(card))
				_exit(1);
			usleep(2000 + (useconds_t)(n * 7919 % 18000));
			_exit(0);
		}
		if (pid > 0) {
			n++;
			live++;
			own += n % 4 == 1;
		}
		usleep(1000);
	}
	while (wait(&status) > 0)
		;
	fprintf(out, "processes %lu own %lu\n", n, own);
	return fclose(out) != 0;
}

static int many_fds(const char *count, const char *outfile)
{
	long n = atol(count);
	struct rlimit rl = { (rlim_t)n + 64, (rlim_t)n + 64 };
	int card = vgem_card(), null = open("/dev/null", O_RDONLY), buf = -1, dups[8];
	uint32_t h;
	FILE *out;

	if (card >= 0 && dumb(card, &h) == 0)
		buf = export(card, h);
	if (n < 16 || buf < 0 || null < 0 || setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		fprintf(stderr, "dmabuf-holder: --fds %ld: %s\n", n, buf < 0 ? "no vgem buffer" :
			strerror(errno));
		return 1;
	}
	for (long i = 0; i < n - 8; i++)
		if (dup(null) < 0) {
			fprintf(stderr, "dmabuf-holder: dup: %s\n", strerror(errno));
			return 1;
		}
	for (int i = 0; i < 8; i++)
		if ((dups[i] = dup(buf)) < 0)
			return 1;
	close(buf);
	out = fopen(outfile, "w");
	if (!out)
		return 1;
	fprintf(out, "ready %llu", inode_of(dups[0]));
	for (int i = 0; i < 8; i++)
		fprintf(out, " %d", dups[i]);
	fprintf(out, "\n");
	fclose(out);
	for (;;)
		pause();
}

static int measure(char **argv)
{
	double t0 = now_s();
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return 1;
	fprintf(stderr, "status %d wall_ms %.0f cpu_ms %.0f maxrss_kib %ld\n",
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), (now_s() - t0) * 1e3,
		(double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3, ru.ru_maxrss);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	const char *kinds[] = { "named", "unnamed", "mapped", "kernel", "fenced" };
	uint32_t handles[5];
	int card, fds[5];
	sigset_t set;
	FILE *out;

	if (argc > 1 && strcmp(argv[1], "--run-as") == 0)
		return run_as(argc, argv);
	if (argc == 4 && strcmp(argv[1], "--churn") == 0)
		return churn(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "--fds") == 0)
		return many_fds(argv[2], argv[3]);
	if (argc > 2 && strcmp(argv[1], "--measure") == 0)
		return measure(argv + 2);
	if (argc != 2) {
		fprintf(stderr, "usage: dmabuf-holder OUTFILE | --run-as UID PROGRAM ARGS... | --churn SECONDS "
			"OUTFILE | --fds N OUTFILE | --measure PROGRAM ARGS...\n");
		return 2;
	}
	/* Blocked from the start: a signal sent early waits for fence_loop. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	out = fopen(argv[1], "w");
	if (!out) {
		perror(argv[1]);
		return 1;
	}
	setvbuf(out, NULL, _IOLBF, 0);
	card = vgem_card();
	if (card < 0) {
		fprintf(out, "error no vgem card node\n");
		return 1;
	}
	for (int i = 0; i < 5; i++) {
		int err = dumb(card, &handles[i]);

		fds[i] = err < 0 ? err : export(card, handles[i]);
		if (fds[i] < 0) {
			fprintf(out, "error %s: %s\n", kinds[i], strerror(-fds[i]));
			return 1;
		}
	}
	if (ioctl(fds[0], DMA_BUF_SET_NAME_B, NAME) < 0) {
		fprintf(out, "error DMA_BUF_SET_NAME: %s\n", strerror(errno));
		return 1;
	}
	if (mmap(NULL, 16384, PROT_READ | PROT_WRITE, MAP_SHARED, fds[2], 0) == MAP_FAILED) {
		fprintf(out, "error mmap: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 0; i < 5; i++)
		fprintf(out, "%s %d %llu\n", kinds[i], i == 2 || i == 3 ? -1 : fds[i],
			inode_of(fds[i]));
	close(fds[2]);
	close(fds[3]);	/* handles[3] keeps the dma-buf alive in the kernel */
	make_udmabuf(out);
	make_heap_buffers(out);
	import_vivid(fds[1], out);
	fprintf(out, "ready\n");
	fclose(out);
	fence_loop(argv[1], card, handles[4], &set);
	return 0;
}

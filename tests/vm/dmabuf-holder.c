// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Test helper for the real-kernel suite: makes dma-bufs with vgem and holds
 * them, so that the guest test can compare dmainspect with what the kernel
 * says (bufinfo, fdinfo, maps).
 *
 *   dmabuf-holder OUTFILE
 *	Creates four vgem dumb buffers (64x64x32, 16384 bytes) and exports them
 *	with PRIME: "named" (DMA_BUF_SET_NAME with a space and a tab), "unnamed"
 *	(also imported into vivid's touch capture queue where vivid runs with
 *	the dma-contig allocator, which attaches vivid.0), "mapped" (mmap'ed,
 *	then its fd closed) and "kernel" (fd closed, the GEM handle kept, so
 *	that only the kernel holds it). Writes "KIND FD INODE" lines, an
 *	"import DEVICE|none WHY" line and "ready" to OUTFILE, then sleeps
 *	until killed.
 *   dmabuf-holder --run-as UID PROGRAM ARGS...
 *	Runs PROGRAM as UID (group UID, no supplementary groups).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <linux/videodev2.h>

#include <drm.h>
#include <drm_mode.h>

#define NAME "dmainspect named\tbuf"

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

int main(int argc, char **argv)
{
	const char *kinds[] = { "named", "unnamed", "mapped", "kernel" };
	uint32_t handles[4];
	int card, fds[4];
	FILE *out;

	if (argc > 1 && strcmp(argv[1], "--run-as") == 0)
		return run_as(argc, argv);
	if (argc != 2) {
		fprintf(stderr, "usage: dmabuf-holder OUTFILE | --run-as UID PROGRAM ARGS...\n");
		return 2;
	}
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
	for (int i = 0; i < 4; i++) {
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
	for (int i = 0; i < 4; i++)
		fprintf(out, "%s %d %llu\n", kinds[i], i < 2 ? fds[i] : -1, inode_of(fds[i]));
	close(fds[2]);
	close(fds[3]);	/* handles[3] keeps the dma-buf alive in the kernel */
	import_vivid(fds[1], out);
	fprintf(out, "ready\n");
	fclose(out);
	for (;;)
		pause();
}

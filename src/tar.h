/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xz-compressed tar archives, written from memory and read as a stream of
 * members: just what the report bundle needs (directories, regular files,
 * symlinks; POSIX pax and GNU long names), with liblzma in-process.
 */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <lzma.h>

struct tar_out {
	lzma_stream z;
	int fd;
	time_t mtime;
	uint64_t bytes;		/* uncompressed bytes so far */
	uint8_t buf[65536];
};

int tar_out_open(struct tar_out *t, int fd, time_t mtime);
int tar_out_dir(struct tar_out *t, const char *path);
int tar_out_file(struct tar_out *t, const char *path, const void *data, size_t len);
int tar_out_link(struct tar_out *t, const char *path, const char *target);
/* Writes the end of the archive and flushes; returns 0 or -errno. */
int tar_out_close(struct tar_out *t);
/* Frees the encoder after a failure. */
void tar_out_abort(struct tar_out *t);
/* Uncompressed bytes one member takes (headers, long-name records, padding). */
uint64_t tar_member_size(const char *path, const char *target, size_t len);

enum tar_type {
	TAR_FILE = '0',
	TAR_HARDLINK = '1',
	TAR_SYMLINK = '2',
	TAR_CHAR = '3',
	TAR_BLOCK = '4',
	TAR_DIR = '5',
	TAR_FIFO = '6',
};

struct tar_in {
	lzma_stream z;
	int fd;
	bool eof_in, end;
	uint64_t left, pad;	/* data and padding of the current member not read yet */
	char type;
	uint64_t size;
	char path[PATH_MAX];
	char link[PATH_MAX];
	const char *why;	/* what was wrong, when a call failed with -EBADMSG or -EFBIG */
	char why_buf[128];	/* where why is made up */
	uint8_t in[65536];
};

/* memlimit: the most memory the xz decoder may use. */
int tar_in_open(struct tar_in *t, int fd, uint64_t memlimit);
/*
 * Next member: 1, 0 at the end, -errno (-EBADMSG, malformed, and -EFBIG, over
 * the decoder's memory limit: t->why says what).
 */
int tar_in_next(struct tar_in *t);
/* Data of the current member: bytes read, 0 at its end, -errno. */
ssize_t tar_in_read(struct tar_in *t, void *buf, size_t len);
void tar_in_close(struct tar_in *t);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers that know nothing of DMA: time, writes, paths, ids. */
#pragma once

#include <stddef.h>

/* A record of what getdents64() returns (struct linux_dirent64). */
struct raw_dirent {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* CLOCK_MONOTONIC in milliseconds. */
long long now_ms(void);

/* Write all of buf, retrying short writes and EINTR; 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

/* base "/" name into buf; NULL when it does not fit. Either part may be empty. */
char *path_join(char *buf, size_t cap, const char *base, const char *name);

/* A decimal id made only of digits (below 10^9 or so); -1 otherwise. */
int parse_id(const char *s);

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
/*
 * The strings up to a NULL, one after another, into buf; NULL when they do
 * not fit. For the keys and paths made for every device, without printf.
 */
char *str_concat(char *buf, size_t cap, ...);
/* V in decimal (as "%lld") into buf, of at least LL_TEXT_MAX bytes: buf. */
#define LL_TEXT_MAX 21
char *ll_text(char *buf, long long v);

/* A decimal id made only of digits (below 10^9 or so); -1 otherwise. */
int parse_id(const char *s);

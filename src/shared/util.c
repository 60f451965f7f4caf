/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shared/util.h"

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int write_all(int fd, const void *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		buf = (const char *)buf + n;
		len -= (size_t)n;
	}
	return 0;
}

char *path_join(char *buf, size_t cap, const char *base, const char *name)
{
	size_t bl = base ? strlen(base) : 0, nl = name ? strlen(name) : 0;
	bool slash = bl && nl && base[bl - 1] != '/';

	/* Called for every attribute of every device: no printf machinery. */
	if (bl + slash + nl >= cap)
		return NULL;
	if (bl)
		memcpy(buf, base, bl);
	buf[bl] = '/';
	if (nl)
		memcpy(buf + bl + slash, name, nl);
	buf[bl + slash + nl] = '\0';
	return buf;
}

int parse_id(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return (int)v;
}

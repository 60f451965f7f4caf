/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
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

char *str_concat(char *buf, size_t cap, ...)
{
	size_t len = 0;
	const char *s;
	va_list ap;

	va_start(ap, cap);
	while ((s = va_arg(ap, const char *))) {
		size_t n = strlen(s);

		if (len + n >= cap) {
			va_end(ap);
			return NULL;
		}
		memcpy(buf + len, s, n);
		len += n;
	}
	va_end(ap);
	if (!cap)
		return NULL;
	buf[len] = '\0';
	return buf;
}

char *ll_text(char *buf, long long v)
{
	char tmp[LL_TEXT_MAX], *p = tmp + sizeof(tmp);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	*--p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10));
	if (v < 0)
		*--p = '-';
	return memcpy(buf, p, (size_t)(tmp + sizeof(tmp) - p));
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

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Lexical helpers shared by the kernel log's line parsers. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "kmsg-lex.h"

static bool kl_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int kl_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const char *kl_skip(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s && strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

const char *kl_parse_hex(const char *s, uint64_t *v, bool need_0x)
{
	uint64_t x = 0;
	int n = 0;

	if (!s)
		return NULL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && kl_hexval(s[2]) >= 0)
		s += 2;
	else if (need_0x)
		return NULL;
	for (; kl_hexval(*s) >= 0; s++, n++) {
		if (n == 16)
			return NULL;
		x = x << 4 | (uint64_t)kl_hexval(*s);
	}
	if (!n)
		return NULL;
	*v = x;
	return s;
}

const char *kl_parse_dec(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	int n = 0;

	if (!s)
		return NULL;
	for (; kl_is_digit(*s); s++, n++) {
		if (n == 19)
			return NULL;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	if (!n)
		return NULL;
	*v = x;
	return s;
}

bool kl_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || kl_is_digit(c) ||
	       strchr(":._-+@", c);
}

bool kl_copy_name(const char *s, const char *e, char *buf, size_t cap)
{
	if (e <= s || (size_t)(e - s) >= cap)
		return false;
	for (const char *p = s; p < e; p++)
		if (!kl_name_char(*p))
			return false;
	memcpy(buf, s, (size_t)(e - s));
	buf[e - s] = '\0';
	return true;
}

bool kl_dev_prefix(const char *text, const char *at, char *drv, size_t dcap, char *dev,
		       size_t cap)
{
	const char *sp = memchr(text, ' ', (size_t)(at - text));

	if (!sp || at - text < 5 || at[-1] != ' ' || at[-2] != ':')
		return false;
	return kl_copy_name(text, sp, drv, dcap) && kl_copy_name(sp + 1, at - 2, dev, cap);
}

const char *kl_parse_bdf(const char *s, char *buf, size_t cap)
{
	uint64_t a, b, c, d;
	const char *p = kl_parse_hex(s, &a, false);

	if (!p || *p != ':')
		return NULL;
	p = kl_parse_hex(p + 1, &b, false);
	if (!p)
		return NULL;
	if (*p == ':') {
		p = kl_parse_hex(p + 1, &c, false);
		if (!p || *p != '.' || !kl_is_digit(p[1]) || a > 0xffff)
			return NULL;
		d = (uint64_t)(p[1] - '0');
		if (b > 0xff || c > 0x1f || d > 7)
			return NULL;
		snprintf(buf, cap, "%04x:%02x:%02x.%x", (unsigned)a, (unsigned)b, (unsigned)c,
			 (unsigned)d);
		return p + 2;
	}
	if (*p != '.' || !kl_is_digit(p[1]) || a > 0xff || b > 0x1f || p[1] - '0' > 7)
		return NULL;
	snprintf(buf, cap, "%02x:%02x.%x", (unsigned)a, (unsigned)b, (unsigned)(p[1] - '0'));
	return p + 2;
}

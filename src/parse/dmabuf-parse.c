// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Parsers for dma-buf text the kernel prints: /proc/PID/fdinfo/N,
 * /proc/PID/maps, debugfs dma_buf/bufinfo; and the `buf` argument forms.
 * Formats drift between kernel versions: every field may be missing.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dmabuf-parse.h"

/* A whole number in BASE, with nothing after it but blanks. */
static int parse_num(const char *s, int base, long long *v)
{
	char *end;
	unsigned long long x;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!isxdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, base);
	if (errno || end == s || x > LLONG_MAX)
		return -EINVAL;
	while (*end == ' ' || *end == '\t' || *end == '\r')
		end++;
	if (*end)
		return -EINVAL;
	*v = (long long)x;
	return 0;
}

static void set_num(struct ival *v, const char *s, int base)
{
	long long x;

	if (v->set || v->err)
		return;		/* the first occurrence wins */
	if (parse_num(s, base, &x) == 0)
		ival_set(v, x);
	else
		v->err = -EINVAL;
}

int parse_fdinfo(const char *text, struct fdinfo *fi)
{
	static const struct {
		const char *key;
		size_t off;
		int base;
	} nums[] = {
		{ "pos", offsetof(struct fdinfo, pos), 10 },
		{ "flags", offsetof(struct fdinfo, flags), 8 },
		{ "mnt_id", offsetof(struct fdinfo, mnt_id), 10 },
		{ "ino", offsetof(struct fdinfo, ino), 10 },
		{ "size", offsetof(struct fdinfo, size), 10 },
		{ "count", offsetof(struct fdinfo, count), 10 },
	};
	const char *p = text;

	memset(fi, 0, sizeof(*fi));
	while (*p) {
		const char *eol = strchrnul(p, '\n'), *colon = memchr(p, ':', (size_t)(eol - p));
		size_t klen = colon ? (size_t)(colon - p) : 0;
		char *val;

		if (!colon)
			goto next;
		/* The kernel writes "key:\tvalue"; take the value as it is. */
		val = xstrndup(colon + 1 + (colon[1] == '\t'),
			       (size_t)(eol - colon - 1 - (colon[1] == '\t')));
		for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
			if (klen == strlen(nums[i].key) && strncmp(p, nums[i].key, klen) == 0)
				set_num((struct ival *)((char *)fi + nums[i].off), val, nums[i].base);
		if (klen == 8 && strncmp(p, "exp_name", 8) == 0 && !fi->exp_name.s)
			sval_take(&fi->exp_name, val);
		else if (klen == 4 && strncmp(p, "name", 4) == 0 && !fi->name.s)
			sval_take(&fi->name, val);
		else
			free(val);
next:
		p = *eol ? eol + 1 : eol;
	}
	return fi->exp_name.s ? 0 : -ENOMSG;
}

void fdinfo_free(struct fdinfo *fi)
{
	free(fi->exp_name.s);
	free(fi->name.s);
	memset(fi, 0, sizeof(*fi));
}

static bool all_digits(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* LEN decimal digits as a number: -EINVAL for no digits, -ERANGE too big. */
static int parse_digits(const char *s, size_t len, long long *v)
{
	char buf[24];

	if (!all_digits(s, len))
		return -EINVAL;
	if (len >= sizeof(buf))
		return -ERANGE;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return parse_num(buf, 10, v) < 0 ? -ERANGE : 0;
}

/* Cut " signalled" or " unsignalled" off the end: 1, 0, or -1 when neither. */
static int cut_status(char *s)
{
	static const char sig[] = " signalled", unsig[] = " unsignalled";
	size_t len = strlen(s);

	if (len >= sizeof(unsig) - 1 && strcmp(s + len - (sizeof(unsig) - 1), unsig) == 0) {
		s[len - (sizeof(unsig) - 1)] = '\0';
		return 0;
	}
	if (len >= sizeof(sig) - 1 && strcmp(s + len - (sizeof(sig) - 1), sig) == 0) {
		s[len - (sizeof(sig) - 1)] = '\0';
		return 1;
	}
	return -1;
}

/*
 * 7.x: "<context>:<seqno> <timeline> <driver>", both names empty once
 * signalled. The driver is the last word, the timeline all before it.
 * Returns 0, or -EINVAL when REST is not in this format.
 */
static int fence_7x(const char *rest, struct di_fence *f)
{
	const char *colon = strchr(rest, ':'), *sp, *names, *last;
	long long v;

	if (!colon || (sp = strchr(colon, ' ')) == NULL)
		return -EINVAL;
	if (!all_digits(rest, (size_t)(colon - rest)) ||
	    !all_digits(colon + 1, (size_t)(sp - colon - 1)))
		return -EINVAL;
	names = sp + 1;
	last = strrchr(names, ' ');
	if (!last)
		return -EINVAL;
	/* Both are u64: one beyond what we hold is an error, not another format. */
	if (parse_digits(rest, (size_t)(colon - rest), &v) == 0)
		ival_set(&f->context, v);
	else
		f->context.err = -ERANGE;
	if (parse_digits(colon + 1, (size_t)(sp - colon - 1), &v) == 0)
		ival_set(&f->seqno, v);
	else
		f->seqno.err = -ERANGE;
	if (last == names && !last[1]) {
		f->driver.err = f->timeline.err = -DB_ESIGNALLEDNAMES;
		return 0;
	}
	f->timeline.s = xstrndup(names, (size_t)(last - names));
	f->driver.s = xstrdup(last + 1);
	return 0;
}

/* The last "seq " that starts a word of S, or NULL. */
static const char *last_seq(const char *s)
{
	const char *hit = NULL;

	for (const char *q = s; (q = strstr(q, "seq ")) != NULL; q++)
		if (q == s || q[-1] == ' ')
			hit = q;
	return hit;
}

/*
 * 5.19 to 6.x: "<driver> <timeline> seq <n>"; before 5.19 (after a space):
 * "<driver> <timeline>". The driver is the first word, the timeline all
 * after it. Returns 0, or -EINVAL for no driver.
 */
static int fence_6x(const char *rest, struct di_fence *f)
{
	const char *sp, *seq;
	size_t tl_len;
	long long v;

	while (*rest == ' ')
		rest++;
	if (!*rest)
		return -EINVAL;
	sp = strchrnul(rest, ' ');
	f->context.err = -DB_ENOTPRINTED;
	f->driver.s = xstrndup(rest, (size_t)(sp - rest));
	rest = *sp ? sp + 1 : sp;
	tl_len = strlen(rest);
	seq = last_seq(rest);
	if (seq && all_digits(seq + 4, strlen(seq + 4))) {
		tl_len = seq == rest ? 0 : (size_t)(seq - rest - 1);
		if (parse_digits(seq + 4, strlen(seq + 4), &v) == 0)
			ival_set(&f->seqno, v);
		else
			f->seqno.err = -ERANGE;	/* a u64 beyond what we hold */
	} else {
		f->seqno.err = -DB_ENOTPRINTED;
	}
	f->timeline.s = xstrndup(rest, tl_len);
	return 0;
}

static void fence_free(struct di_fence *f)
{
	free(f->usage);
	free(f->driver.s);
	free(f->timeline.s);
	memset(f, 0, sizeof(*f));
}

/*
 * "\t<usage> fence:<rest> [un]signalled" (5.19 and later) or
 * "\t<Exclusive|Shared> fence: <rest> [un]signalled" (before). A line in
 * neither form is skipped.
 */
static void parse_fence(char *line, struct di_dmabuf *b)
{
	char *colon = strstr(line, "fence:"), *rest;
	struct di_fence f = { 0 };
	int status, err;

	if (!colon || colon == line || colon[-1] != ' ')
		return;
	colon[-1] = '\0';
	rest = colon + 6;
	status = cut_status(rest);
	if (status < 0)
		return;
	err = *rest != ' ' ? fence_7x(rest, &f) : -EINVAL;
	if (err == -EINVAL) {
		fence_free(&f);
		err = fence_6x(rest, &f);
	}
	if (err < 0) {
		fence_free(&f);
		return;
	}
	f.usage = xstrdup(line);
	f.signalled = status == 1;
	for (char *c = f.usage; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	b->fences = xreallocarray(b->fences, b->n_fences + 1, sizeof(*b->fences));
	b->fences[b->n_fences++] = f;
}

static void add_attachment(struct di_dmabuf *b, const char *name)
{
	struct di_attachment *a;

	b->attachments = xreallocarray(b->attachments, b->n_attachments + 1,
				       sizeof(*b->attachments));
	a = &b->attachments[b->n_attachments++];
	memset(a, 0, sizeof(*a));
	a->device = xstrdup(name);
}

/* "%08zu\t%08x\t%08x\t%08ld\t%s\t%08lu\t%s": the last two since 5.3. */
static int parse_buffer_line(char *line, struct di_dmabuf *b)
{
	char *f[6];
	char *p = line;
	size_t n = 0;
	long long v;

	memset(b, 0, sizeof(*b));
	b->src_pid = b->src_fd = -1;
	b->listed = true;
	while (n < 5 && p) {
		char *tab = strchr(p, '\t');

		f[n++] = p;
		p = tab ? tab + 1 : NULL;
		if (tab)
			*tab = '\0';
	}
	if (n == 5 && p)
		f[n++] = p;
	if (n < 5)
		return -EINVAL;
	if (parse_num(f[0], 10, &v) < 0)
		return -EINVAL;
	ival_set(&b->size, v);
	set_num(&b->file_flags, f[1], 16);
	set_num(&b->file_mode, f[2], 16);
	set_num(&b->file_count, f[3], 10);
	sval_set(&b->exporter, f[4]);
	if (n == 6) {
		/* The name is all that follows the inode's tab: it may hold tabs. */
		char *name = strchr(f[5], '\t');

		if (name)
			*name++ = '\0';
		set_num(&b->inode, f[5], 10);
		if (name && *name && strcmp(name, "<none>") != 0)
			sval_set(&b->name, name);
	} else {
		b->inode.err = -ENODATA;
	}
	return b->exporter.err;
}

int parse_bufinfo(const char *text, struct di_dmabuf **out, size_t *n)
{
	char *copy = xstrdup(text), *p, *eol;
	struct di_dmabuf *bufs = NULL, *cur = NULL;
	size_t nb = 0;
	bool header = false, attached = false;

	*out = NULL;
	*n = 0;
	for (p = copy; *p; p = eol) {
		eol = strchrnul(p, '\n');
		if (*eol)
			*eol++ = '\0';
		if (strlen(p) && p[strlen(p) - 1] == '\r')
			p[strlen(p) - 1] = '\0';
		if (strcmp(p, "Dma-buf Objects:") == 0) {
			header = true;
		} else if (isdigit((unsigned char)p[0])) {
			bufs = xreallocarray(bufs, nb + 1, sizeof(*bufs));
			if (parse_buffer_line(p, &bufs[nb]) < 0) {
				dmabuf_free(&bufs[nb]);
				cur = NULL;	/* a line we cannot read: skip its block */
				continue;
			}
			cur = &bufs[nb++];
			attached = false;
		} else if (p[0] == '\t' && cur) {
			if (attached)
				add_attachment(cur, p + 1);
			else if (strcmp(p + 1, "Attached Devices:") == 0)
				attached = true;
			else
				parse_fence(p + 1, cur);
		} else if (strncmp(p, "Total ", 6) == 0) {
			cur = NULL;	/* "Total N devices attached", "Total N objects, N bytes" */
			attached = false;
		}
	}
	free(copy);
	if (!header && nb == 0) {
		dmabufs_free(bufs, nb);
		return -EINVAL;
	}
	*out = bufs;
	*n = nb;
	return 0;
}

static int to_int(const char *s, size_t len, int *v)
{
	long long x = 0;

	for (size_t i = 0; i < len; i++) {
		x = x * 10 + (s[i] - '0');
		if (x > INT_MAX)
			return -ERANGE;
	}
	*v = (int)x;
	return 0;
}

int parse_buf_arg(const char *s, struct buf_arg *a)
{
	size_t len = strlen(s);
	const char *colon = strchr(s, ':');

	memset(a, 0, sizeof(*a));
	a->pid = a->fd = -1;
	if (!len)
		return -EINVAL;
	if (all_digits(s, len)) {
		a->kind = BUF_ARG_FD;
		return to_int(s, len, &a->fd);
	}
	if (colon && all_digits(s, (size_t)(colon - s)) && all_digits(colon + 1, strlen(colon + 1))) {
		a->kind = BUF_ARG_PROC;
		if (to_int(s, (size_t)(colon - s), &a->pid) < 0 || a->pid == 0)
			return -ERANGE;
		return to_int(colon + 1, strlen(colon + 1), &a->fd);
	}
	if (strncmp(s, "/proc/", 6) == 0) {
		const char *who = s + 6, *fd = strstr(who, "/fd/");

		if (fd && all_digits(fd + 4, strlen(fd + 4))) {
			size_t wlen = (size_t)(fd - who);

			if (all_digits(who, wlen)) {
				a->kind = BUF_ARG_PROC;
				if (to_int(who, wlen, &a->pid) < 0 || a->pid == 0)
					return -ERANGE;
				return to_int(fd + 4, strlen(fd + 4), &a->fd);
			}
			if ((wlen == 4 && strncmp(who, "self", 4) == 0) ||
			    (wlen == 11 && strncmp(who, "thread-self", 11) == 0)) {
				a->kind = BUF_ARG_FD;
				return to_int(fd + 4, strlen(fd + 4), &a->fd);
			}
		}
	}
	a->kind = BUF_ARG_PATH;
	return 0;
}

bool is_dmabuf_link(const char *target)
{
	return strncmp(target, "/dmabuf:", 8) == 0;
}

/* "start-end perms offset dev inode   path": the path starts at field 6. */
static bool maps_line(const char *line, const char *eol, unsigned long long *ino,
		      const char **name, size_t *name_len)
{
	const char *p = line;
	char *end;

	for (int field = 0; field < 4; field++) {
		while (p < eol && *p != ' ')
			p++;
		while (p < eol && *p == ' ')
			p++;
	}
	if (p >= eol || !isdigit((unsigned char)*p))
		return false;
	errno = 0;
	*ino = strtoull(p, &end, 10);
	if (errno || end >= eol || *end != ' ')
		return false;
	p = end;
	while (p < eol && *p == ' ')
		p++;
	if ((size_t)(eol - p) < 8 || strncmp(p, "/dmabuf:", 8) != 0)
		return false;
	*name = p + 8;
	*name_len = (size_t)(eol - p - 8);
	return true;
}

bool maps_next_dmabuf(const char **pos, unsigned long long *ino, const char **name,
		      size_t *name_len)
{
	const char *p = *pos;

	while (p && *p) {
		const char *hit = strstr(p, "/dmabuf:"), *line, *eol;

		if (!hit)
			break;
		line = hit;
		while (line > *pos && line[-1] != '\n')
			line--;
		eol = strchrnul(hit, '\n');
		p = *eol ? eol + 1 : eol;
		if (maps_line(line, eol, ino, name, name_len)) {
			*pos = p;
			return true;
		}
	}
	*pos = p ? p + strlen(p) : p;
	return false;
}

enum dev_kind classify_chardev(const char *subsystem, const char *name)
{
	if (strcmp(subsystem, "drm") == 0) {
		if (strncmp(name, "card", 4) == 0 && all_digits(name + 4, strlen(name + 4)))
			return DEV_DRM_CARD;
		if (strncmp(name, "renderD", 7) == 0 && all_digits(name + 7, strlen(name + 7)))
			return DEV_DRM_RENDER;
		return DEV_OTHER;
	}
	if (strcmp(subsystem, "dma_heap") == 0)
		return DEV_DMA_HEAP;
	if (strcmp(subsystem, "misc") == 0 && strcmp(name, "udmabuf") == 0)
		return DEV_UDMABUF;
	return DEV_OTHER;
}

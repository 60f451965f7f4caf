// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What a report keeps of the files it read, and what it hides in them.
 *
 * Redaction works on text, word by word: a host or user name is replaced
 * only where it stands alone (not inside a longer name), a MAC address
 * only as six colon- or dash-separated hex pairs. The placeholders are
 * plain words, so that the redacted tree and the redacted JSON agree.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse/dmabuf-parse.h"
#include "report-redact.h"

#define MAX_ACCOUNTS 1000
#define FIRST_USER_UID 1000
#define LAST_USER_UID 60000

/* --- filters --- */

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* "proc/PID/maps" */
static bool is_maps(const char *path)
{
	const char *p;

	if (strncmp(path, "proc/", 5) != 0)
		return false;
	p = strchr(path + 5, '/');
	return p && all_digits(path + 5, (size_t)(p - path - 5)) && strcmp(p, "/maps") == 0;
}

/* A /dev/kmsg record "pri,seq,usec,flags;text" of a facility other than the kernel's. */
static bool user_record(const char *line, size_t len)
{
	unsigned long pri = 0;
	size_t i = 0, commas = 0;

	for (; i < len && isdigit((unsigned char)line[i]); i++)
		pri = pri * 10 + (unsigned long)(line[i] - '0');
	if (!i || i >= len || line[i] != ',')
		return false;
	for (; i < len && line[i] != ';'; i++) {
		if (line[i] == ',')
			commas++;
		else if (commas < 3 && !isdigit((unsigned char)line[i]))
			return false;
	}
	return i < len && commas >= 3 && (pri >> 3) != 0;
}

/* Keep the lines for which keep() says so; returns the new length. */
static size_t keep_lines(char *data, size_t len, bool (*keep)(const char *line, size_t n))
{
	size_t in = 0, out = 0;

	while (in < len) {
		char *nl = memchr(data + in, '\n', len - in);
		size_t n = nl ? (size_t)(nl - (data + in)) + 1 : len - in;

		if (keep(data + in, nl ? n - 1 : n)) {
			memmove(data + out, data + in, n);
			out += n;
		}
		in += n;
	}
	return out;
}

static bool maps_line_kept(const char *line, size_t n)
{
	return memmem(line, n, "/dmabuf:", 8) != NULL;
}

static bool kmsg_line_kept(const char *line, size_t n)
{
	return n && line[0] != ' ' && !user_record(line, n);
}

bool report_keeps_link(const char *path, const char *target)
{
	const char *p;

	if (strncmp(path, "proc/", 5) != 0)
		return true;
	p = strchr(path + 5, '/');
	return !p || !all_digits(path + 5, (size_t)(p - path - 5)) || strncmp(p, "/fd/", 4) != 0 ||
	       !all_digits(p + 4, strlen(p + 4)) || is_dmabuf_link(target);
}

size_t report_filter(const char *path, char *data, size_t len)
{
	if (is_maps(path))
		return keep_lines(data, len, maps_line_kept);
	if (strcmp(path, "dev/kmsg") == 0)
		return keep_lines(data, len, kmsg_line_kept);
	return len;
}

/* --- redaction --- */

static const char *const placeholder[RD_KINDS] = {
	[RD_MAC] = "xx:xx:xx:xx:xx:xx",
	[RD_SERIAL] = "SERIAL",
	[RD_HOST] = "HOSTNAME",
	[RD_USER] = "USERNAME",
};

const char *redact_kind_name(enum redact_kind k)
{
	static const char *const names[RD_KINDS] = {
		[RD_MAC] = "MAC addresses",
		[RD_SERIAL] = "serial numbers in the kernel log",
		[RD_HOST] = "the host name",
		[RD_USER] = "user names of accounts with uid 1000 and above",
	};

	return names[k];
}

static void add_word(struct redactor *x, enum redact_kind k, const char *w)
{
	if (!w || strlen(w) < 2)
		return;
	for (size_t i = 0; i < x->n_words[k]; i++)
		if (strcmp(x->words[k][i], w) == 0)
			return;
	x->words[k] = xreallocarray(x->words[k], x->n_words[k] + 1, sizeof(*x->words[k]));
	x->words[k][x->n_words[k]++] = xstrdup(w);
}

static void add_host(struct redactor *x, const char *host)
{
	char shortname[HOST_NAME_MAX + 1];
	size_t n;

	if (!host || !*host || strcmp(host, "(none)") == 0 || strncmp(host, "localhost", 9) == 0)
		return;
	n = strcspn(host, ".\n");
	snprintf(shortname, sizeof(shortname), "%.*s", (int)n, host);
	if (host[n] == '.')
		add_word(x, RD_HOST, host);
	add_word(x, RD_HOST, shortname);
}

static bool person(const struct passwd *pw)
{
	return pw && pw->pw_uid >= FIRST_USER_UID && pw->pw_uid < LAST_USER_UID;
}

void redactor_init(struct redactor *x, bool on, const char *host)
{
	char name[HOST_NAME_MAX + 1];
	const char *sudo = getenv("SUDO_USER");
	struct passwd *pw;

	memset(x, 0, sizeof(*x));
	x->on = on;
	if (!on)
		return;
	if (gethostname(name, sizeof(name)) == 0) {
		name[sizeof(name) - 1] = '\0';
		add_host(x, name);
	}
	if (host)
		add_host(x, host);
	pw = getpwuid(getuid());
	if (person(pw))
		add_word(x, RD_USER, pw->pw_name);
	if (sudo)
		add_word(x, RD_USER, sudo);
	setpwent();
	for (int i = 0; i < MAX_ACCOUNTS && (pw = getpwent()); i++)
		if (person(pw))
			add_word(x, RD_USER, pw->pw_name);
	endpwent();
}

void redactor_fini(struct redactor *x)
{
	for (int k = 0; k < RD_KINDS; k++) {
		for (size_t i = 0; i < x->n_words[k]; i++)
			free(x->words[k][i]);
		free(x->words[k]);
	}
	memset(x, 0, sizeof(*x));
}

struct out {
	char *s;
	size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 3 / 2;
		o->s = xrealloc(o->s, o->cap);
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* Six hex pairs joined by one separator, standing alone: its length (17) or 0. */
static size_t mac_at(const char *s, size_t i, size_t len)
{
	char sep;

	if (i + 17 > len || (i && (isxdigit((unsigned char)s[i - 1]) || s[i - 1] == ':')))
		return 0;
	sep = s[i + 2];
	if (sep != ':' && sep != '-')
		return 0;
	for (size_t k = 0; k < 17; k++) {
		char c = s[i + k];

		if (k % 3 == 2 ? c != sep : !isxdigit((unsigned char)c))
			return 0;
	}
	if (i + 17 < len && (isxdigit((unsigned char)s[i + 17]) || s[i + 17] == ':' ||
			     s[i + 17] == '-'))
		return 0;
	return 17;
}

/*
 * "SerialNumber: X", "serial number: X", "serial_number=X": the length of
 * the prefix up to X in *pre and of X in *val, or false.
 */
static bool serial_at(const char *s, size_t i, size_t len, size_t *pre, size_t *val)
{
	static const char *const keys[] = { "serialnumber", "serial number", "serial_number",
					    "serial no" };
	size_t j = i, k;

	if (i && name_char(s[i - 1]))
		return false;
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		size_t n = strlen(keys[k]);

		if (i + n <= len && strncasecmp(s + i, keys[k], n) == 0) {
			j = i + n;
			break;
		}
	}
	if (k == sizeof(keys) / sizeof(keys[0]))
		return false;
	while (j < len && (s[j] == ' ' || s[j] == '.'))
		j++;
	if (j >= len || (s[j] != ':' && s[j] != '='))
		return false;
	j++;
	while (j < len && s[j] == ' ')
		j++;
	*pre = j - i;
	for (k = j; k < len && !isspace((unsigned char)s[k]) && s[k] != ',' && s[k] != ';' &&
		    s[k] != '"'; k++)
		;
	*val = k - j;
	return *val > 0;
}

/* A listed word standing alone at i: its length, or 0. */
static size_t word_at(struct redactor *x, enum redact_kind kind, const char *s, size_t i,
		      size_t len)
{
	if (i && (name_char(s[i - 1]) || s[i - 1] == '.'))
		return 0;
	for (size_t w = 0; w < x->n_words[kind]; w++) {
		const char *word = x->words[kind][w];
		size_t n;

		if (word[0] != s[i])
			continue;
		n = strlen(word);
		if (i + n > len || memcmp(s + i, word, n) != 0)
			continue;
		if (i + n < len && (name_char(s[i + n]) ||
				    (s[i + n] == '.' && i + n + 1 < len && isalnum((unsigned char)s[i + n + 1]))))
			continue;
		return n;
	}
	return 0;
}

static void redact_into(struct redactor *x, struct out *o, const char *s, size_t len)
{
	size_t i = 0, plain = 0;

	while (i < len) {
		size_t n, pre;
		int k = -1;

		if ((n = mac_at(s, i, len))) {
			k = RD_MAC;
			pre = 0;
		} else if (serial_at(s, i, len, &pre, &n)) {
			k = RD_SERIAL;
		} else if ((n = word_at(x, RD_HOST, s, i, len))) {
			k = RD_HOST;
			pre = 0;
		} else if ((n = word_at(x, RD_USER, s, i, len))) {
			k = RD_USER;
			pre = 0;
		}
		if (k < 0) {
			i++;
			continue;
		}
		put(o, s + plain, i + pre - plain);
		put(o, placeholder[k], strlen(placeholder[k]));
		x->count[k]++;
		i += pre + n;
		plain = i;
	}
	put(o, s + plain, len - plain);
}

char *redact(struct redactor *x, const char *data, size_t len, size_t *out_len)
{
	struct out o = { 0 };

	if (x->on)
		redact_into(x, &o, data, len);
	else
		put(&o, data, len);
	if (!o.s)
		put(&o, "", 0);
	*out_len = o.len;
	return o.s;
}

char *redact_json(struct redactor *x, const char *json, size_t len, size_t *out_len)
{
	/* Redacting changes a few words: room for all of it, and some to spare. */
	struct out o = { .cap = len + len / 16 + 64 };
	size_t i = 0, plain = 0;

	o.s = xmalloc(o.cap);
	while (x->on && i < len) {
		size_t end, k;

		if (json[i] != '"') {
			i++;
			continue;
		}
		for (end = i + 1; end < len && json[end] != '"'; end++)
			if (json[end] == '\\')
				end++;
		if (end >= len)
			break;
		for (k = end + 1; k < len && isspace((unsigned char)json[k]); k++)
			;
		if (k < len && json[k] == ':') {
			i = end + 1;	/* a key: kept as it is */
			continue;
		}
		put(&o, json + plain, i + 1 - plain);
		redact_into(x, &o, json + i + 1, end - i - 1);
		plain = end;
		i = end + 1;
	}
	put(&o, json + plain, len - plain);
	*out_len = o.len;
	return o.s;
}

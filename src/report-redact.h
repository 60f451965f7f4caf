/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a report bundle keeps of what was read: the parts dmainspect parses
 * (always), and, unless --no-redact, without MAC addresses, serial numbers,
 * the host name and user names.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Recorder filter: /proc/PID/maps keeps its dma-buf lines, the kernel log
 * its kernel records (user-space records are not parsed by any command).
 */
size_t report_filter(const char *path, char *data, size_t len);
/* Links kept: all but processes' fds on anything but a dma-buf (files, sockets). */
bool report_keeps_link(const char *path, const char *target);

enum redact_kind {
	RD_MAC,		/* MAC addresses */
	RD_SERIAL,	/* serial numbers the kernel log prints */
	RD_HOST,	/* this machine's host name */
	RD_USER,	/* user names of people's accounts */
	RD_KINDS,
};

struct redactor {
	bool on;
	char **words[RD_KINDS];	/* host names, user names */
	size_t n_words[RD_KINDS];
	size_t count[RD_KINDS];	/* replacements made */
};

/* host: the snapshot's /proc/sys/kernel/hostname when one was read, or NULL. */
void redactor_init(struct redactor *x, bool on, const char *host);
void redactor_fini(struct redactor *x);
/* A redacted copy of data (malloc'd, NUL-terminated), length in *out_len. */
char *redact(struct redactor *x, const char *data, size_t len, size_t *out_len);
/* The same over JSON text: string values only, never keys; layout kept. */
char *redact_json(struct redactor *x, const char *json, size_t len, size_t *out_len);
const char *redact_kind_name(enum redact_kind k);

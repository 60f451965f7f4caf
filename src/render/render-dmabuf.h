/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Renderers of the dma-buf commands. */
#pragma once

#include "model-dmabuf.h"
#include "render.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* render/dmabuf-fields.c: what buf and bufs both show, in JSON order. */
extern const struct field dmabuf_fields[];
extern const size_t n_dmabuf_fields;
/* What only buf shows, after dmabuf_fields; "cpu_access" holds the probes. */
extern const struct field buf_fields[];
extern const size_t n_buf_fields;
/* What only bufs shows. */
extern const struct field bufs_fields[];
extern const size_t n_bufs_fields;
/* The field KEY of any of these tables; NULL if none has it. */
const struct field *buf_field(const char *key);

/* buf: one entry per argument, failed ones with their error. */
int render_buf(const struct di_dmabuf *bufs, size_t n, const struct render_opts *ro);
/* bufs: every buffer, totals per exporter and process, what was unreadable. */
int render_bufs(const struct di_bufset *s, const struct render_opts *ro);

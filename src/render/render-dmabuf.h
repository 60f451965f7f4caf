/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Renderers of the dma-buf commands. */
#pragma once

#include "model-dmabuf.h"
#include "render.h"

/* buf: one entry per argument, failed ones with their error. */
int render_buf(const struct di_dmabuf *bufs, size_t n, const struct render_opts *ro);
/* bufs: every buffer, totals per exporter and process, what was unreadable. */
int render_bufs(const struct di_bufset *s, const struct render_opts *ro);

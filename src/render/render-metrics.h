/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `metrics`: the Prometheus text exposition format. */
#pragma once

#include <stdio.h>

#include "model-dmabuf.h"
#include "render/render.h"

/* Every family, with HELP and TYPE, to F. Returns 0 or -EIO. */
int render_metrics(FILE *f, const struct di_system *sys, const struct di_bufset *bufs);

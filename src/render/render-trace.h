/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `trace`'s views: the counts per device and per exporter, text and JSON. */
#pragma once

#include <stdbool.h>

#include "model-trace.h"
#include "render/render.h"

/*
 * The counts beside the devices of BEFORE (as the run began) and the SWIOTLB
 * pools before and after (AFTER may be NULL: not read). With SELECTED, the
 * devices of BEFORE are those named, each shown even without events.
 */
int render_trace(const struct di_trace *t, const struct di_system *before,
		 const struct di_system *after, bool selected, const struct render_opts *ro);
/* The counts so far, redrawn over the terminal's screen. */
void trace_live_view(struct di_trace *t, const struct di_system *sys, bool selected,
		     const struct render_opts *ro);
/* Clear the screen the live view drew on. */
void trace_live_clear(void);

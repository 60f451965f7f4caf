/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The tracer of `trace`: a private tracefs instance, the DMA events tracefs
 * lists enabled in it, its per-CPU ring buffers read through libtracefs and
 * libtraceevent into the counts of a struct di_trace. A live system only.
 */
#pragma once

#include <stddef.h>

#include "model-trace.h"
#include "rootfs.h"

/* Instances are named this and the pid of the process that made them. */
#define TRACE_INSTANCE_PREFIX "dmainspect-"

struct di_tracer;

/*
 * The tracing directory libtracefs finds (the tracefs mount), or NULL with
 * errno set.
 */
const char *tracer_dir(void);

/*
 * Instances left by dmainspect processes that no longer run (a pid that is
 * gone, or now another program's), by name, into stale.
 */
void tracer_stale(const struct rootfs *root, struct strv *stale);

/*
 * Make the instance t->instance with buffer_kb of ring buffer per CPU and
 * enable in it every event of the families that the counts know; fills
 * t->fam. Returns 0 or -errno (-EACCES, -EPERM: not allowed to trace).
 */
int tracer_open(struct di_tracer **out, struct di_trace *t, size_t buffer_kb);
/* Count the events the buffers hold now. Returns 0 or -errno. */
int tracer_read(struct di_tracer *tr);
/* Stop recording, count what is left and the events the buffers lost. */
int tracer_stop(struct di_tracer *tr);
/* Remove the instance and free the tracer. Returns 0 or -errno. */
int tracer_close(struct di_tracer *tr);

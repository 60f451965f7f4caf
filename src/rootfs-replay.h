/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The reader's replay of a snapshot's recorded failures (RFS_ERRORS_PATH):
 * an access that failed when the snapshot was recorded fails the same way
 * when it is inspected. Used by rootfs.c only.
 */
#pragma once

#include "rootfs.h"

/* Load a snapshot's recorded failures; absent is fine. */
void rfs_replay_load(struct rootfs *r);
void rfs_replay_free(struct rootfs *r);
/* The error recorded for this access (-errno), or 0. */
int rfs_replay_error(const struct rootfs *r, char op, const char *key);

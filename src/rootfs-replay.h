/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The reader's replay of a snapshot's recorded failures (RFS_ERRORS_PATH):
 * an access that failed when the snapshot was recorded fails the same way
 * when it is inspected. Used by rootfs.c only.
 */
#pragma once

#include <stdbool.h>

struct rfs_replay;

/* The failures in the text of RFS_ERRORS_PATH (edited in place); *live: "=live" seen. */
struct rfs_replay *rfs_replay_parse(char *text, bool *live);
void rfs_replay_free(struct rfs_replay *rp);
/* The error recorded for this access (-errno), or 0; rp may be NULL. */
int rfs_replay_error(const struct rfs_replay *rp, char op, const char *key);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rootfs-replay.h"
#include "rootfs.h"
#include "shared/hashmap.h"
#include "shared/xalloc.h"

struct failure {
	char op;
	int err;		/* negative */
	char path[];
};

struct failure_key {
	char op;
	const char *path;
};

struct rfs_replay {
	struct hmap failures;
};

static bool failure_match(const void *item, const void *key)
{
	const struct failure *f = item;
	const struct failure_key *k = key;

	return f->op == k->op && strcmp(f->path, k->path) == 0;
}

/* One line: fills op, err, path (unescaped in place); false when malformed. */
static bool parse_line(char *line, char *op, int *err, char **path)
{
	char *end, *w, *p;
	long e;

	if (!rfs_op_known(line[0]) || line[1] != '\t')
		return false;
	*op = line[0];
	e = strtol(line + 2, &end, 10);
	if (*end != '\t' || e <= 0 || e > RFS_ETIMEOUT || (e >= 4096 && e < RFS_ENOTREG))
		return false;
	*err = (int)-e;
	for (p = w = end + 1; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			*w++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	*path = end + 1;
	return true;
}

struct rfs_replay *rfs_replay_parse(char *text, bool *live)
{
	struct rfs_replay *rp = xcalloc(1, sizeof(*rp));
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct failure *f;
		char op, *path;
		int err;

		if (strcmp(line, "=live") == 0)
			*live = true;
		if (line[0] == '#' || !parse_line(line, &op, &err, &path) ||
		    hmap_get(&rp->failures, rfs_access_hash(op, path), failure_match,
			     &(struct failure_key){ op, path }))
			continue;
		f = xmalloc(sizeof(*f) + strlen(path) + 1);
		f->op = op;
		f->err = err;
		strcpy(f->path, path);
		hmap_add(&rp->failures, rfs_access_hash(op, path), f);
	}
	return rp;
}

void rfs_replay_free(struct rfs_replay *rp)
{
	if (!rp)
		return;
	hmap_free(&rp->failures, free);
	free(rp);
}

int rfs_replay_error(const struct rfs_replay *rp, char op, const char *key)
{
	struct failure_key k = { op, key };
	const struct failure *f;

	if (!rp)
		return 0;
	f = hmap_get(&rp->failures, rfs_access_hash(op, key), failure_match, &k);
	return f ? f->err : 0;
}

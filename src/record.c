// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The recorder behind 'dmainspect report': an observer of the rooted reader
 * (struct rfs_hooks), see record.h.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "record.h"
#include "shared/hashmap.h"
#include "shared/xalloc.h"

/* Nodes keyed by (op, path): op 0 for the tree, an rec_op for a failed access. */
struct map {
	struct hmap h;
};

struct rfs_record {
	struct map m;
	struct rec_options o;
	struct rec_node **sorted;
	size_t n_sorted;
	size_t timeouts;
	struct rec_child child;	/* reads within the time limit */
	struct hmap dirs;	/* struct walked: the directories walked so far */
	struct hmap reads;	/* struct walked: a file read, as spelled, and its node */
	struct hmap noted;	/* OP then path: the accesses noted, as spelled */
	bool live;		/* recording the running system (or its recording) */
	/* The reading child's answers to the last batch, each taken by the read it was for. */
	struct fetched {
		char *key;	/* NULL once taken */
		ssize_t n;
		char *data;
	} fetched[REC_BATCH_MAX];
	size_t n_fetched, fetched_max;
};

struct node_key {
	char op;
	const char *path;
};

static bool node_match(const void *item, const void *key)
{
	const struct rec_node *x = item;
	const struct node_key *k = key;

	return x->op == k->op && strcmp(x->path, k->path) == 0;
}

static struct rec_node *map_get(const struct map *m, char op, const char *path)
{
	struct node_key k = { op, path };

	return hmap_get(&m->h, rfs_access_hash(op, path), node_match, &k);
}

static void node_free(struct rec_node *x)
{
	if (!x)
		return;
	free(x->path);
	free(x->data);
	free(x);
}

static void free_node(void *x)
{
	node_free(x);
}

static void map_free(struct map *m)
{
	hmap_free(&m->h, free_node);
}

/* The node at (op, path), created with kind when absent. */
static struct rec_node *node_get(struct map *m, char op, const char *path, enum rec_kind kind,
				 bool *created)
{
	struct rec_node *x = map_get(m, op, path);

	*created = false;
	if (x)
		return x;
	x = xcalloc(1, sizeof(*x));
	x->op = op;
	x->kind = kind;
	x->path = xstrdup(path);
	hmap_add(&m->h, rfs_access_hash(op, path), x);
	*created = true;
	return x;
}

/* A path as the reader's callers spelled it: a directory's canonical path, a file's node. */
struct walked {
	char *spelled, *canon;
	struct rec_node *node;
};

static bool walked_match(const void *item, const void *key)
{
	return strcmp(((const struct walked *)item)->spelled, key) == 0;
}

static void free_walked(void *item)
{
	struct walked *w = item;

	free(w->spelled);
	free(w->canon);
	free(w);
}

struct rfs_record *rec_new(const struct rec_options *o)
{
	struct rfs_record *rec = xcalloc(1, sizeof(*rec));

	if (o)
		rec->o = *o;
	return rec;
}

static void drop_fetched(struct rfs_record *rec)
{
	for (size_t i = 0; i < rec->n_fetched; i++) {
		free(rec->fetched[i].key);
		free(rec->fetched[i].data);
	}
	rec->n_fetched = 0;
}

/* What only recording needs: the reading child, what was walked, read and noted. */
static void rec_stop(struct rfs_record *rec)
{
	drop_fetched(rec);
	rec_child_stop(&rec->child);
	hmap_free(&rec->dirs, free_walked);
	hmap_free(&rec->reads, free_walked);
	strset_free(&rec->noted);
}

void rec_free(struct rfs_record *rec)
{
	if (!rec)
		return;
	rec_stop(rec);
	map_free(&rec->m);
	free(rec->sorted);
	free(rec);
}

size_t rec_timeouts(const struct rfs_record *rec)
{
	return rec->timeouts;
}

static int cmp_node(const void *a, const void *b)
{
	const struct rec_node *x = *(struct rec_node *const *)a, *y = *(struct rec_node *const *)b;
	int c = strcmp(x->path, y->path);

	return c ? c : x->op - y->op;
}

const struct rec_node *const *rec_nodes(struct rfs_record *rec, size_t *n)
{
	size_t k = 0;

	/* Nodes are only ever added: as many as at the last sort, the same. */
	if (rec->sorted && rec->n_sorted == rec->m.h.n) {
		*n = rec->n_sorted;
		return (const struct rec_node *const *)rec->sorted;
	}
	free(rec->sorted);
	rec->sorted = xreallocarray(NULL, rec->m.h.n + 1, sizeof(*rec->sorted));
	for (size_t i = 0; i < rec->m.h.cap; i++)
		if (rec->m.h.slot[i].item)
			rec->sorted[k++] = rec->m.h.slot[i].item;
	qsort(rec->sorted, k, sizeof(*rec->sorted), cmp_node);
	rec->n_sorted = *n = k;
	return (const struct rec_node *const *)rec->sorted;
}

const struct rec_node *rec_find(const struct rfs_record *rec, const char *path)
{
	return map_get(&rec->m, 0, path);
}

static void add_dir(struct rfs_record *rec, const char *path)
{
	bool created;

	if (*path)
		node_get(&rec->m, 0, path, REC_DIR, &created);
}

static void add_exists(struct rfs_record *rec, const char *path)
{
	bool created;

	node_get(&rec->m, 0, path, REC_FILE, &created);
}

static void add_link(struct rfs_record *rec, const char *path, const char *target)
{
	bool created;
	struct rec_node *x = node_get(&rec->m, 0, path, REC_LINK, &created);

	if (x->kind == REC_LINK && created) {
		x->data = xstrdup(target);
		x->len = strlen(target);
	}
}

static void on_link(void *arg, const char *at, const char *target)
{
	add_link(arg, at, target);
}

/* Keep data (filtered) as the content of path; returns the kept node or NULL. */
static struct rec_node *add_content(struct rfs_record *rec, const char *path, const char *data,
				    size_t len, bool filter)
{
	bool created;
	struct rec_node *x = node_get(&rec->m, 0, path, REC_FILE, &created);
	char *copy;

	if (x->kind != REC_FILE)
		return NULL;
	if (x->has_content && filter)
		return x;
	copy = xmalloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	if (filter && rec->o.filter)
		len = rec->o.filter(path, copy, len);
	copy[len] = '\0';
	free(x->data);
	x->data = copy;
	x->len = len;
	x->has_content = true;
	return x;
}

static int rec_put(struct rfs_record *rec, const char *path, const char *data, size_t len)
{
	return add_content(rec, path, data, len, false) ? 0 : -EISDIR;
}

static void note_error(struct rfs_record *rec, char op, const char *key, int err)
{
	bool created;
	struct rec_node *x;

	if (err >= 0 || err == -ENOENT)
		return;	/* a missing file replays as missing */
	x = node_get(&rec->m, op, key, REC_ERROR, &created);
	if (created)
		x->err = err;
	if (created && err == -RFS_ETIMEOUT)
		rec->timeouts++;
}

/* What a directory holds, so that a replay lists the same names. */
static void note_listing(struct rfs_record *rec, int fd, const char *canon)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;

	if (dfd < 0)
		return;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		char path[PATH_MAX], target[PATH_MAX];
		unsigned char type = de->d_type;
		struct stat st;
		ssize_t n;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    !path_join(path, sizeof(path), canon, de->d_name))
			continue;
		if (type == DT_UNKNOWN && fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG :
			       S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
		if (type == DT_DIR) {
			add_dir(rec, path);
		} else if (type == DT_REG) {
			add_exists(rec, path);
		} else if (type == DT_LNK) {
			n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
			if (n < 0)
				continue;
			target[n] = '\0';
			add_link(rec, path, target);
		}
	}
	closedir(d);
}

/*
 * The canonical path of the directory KEY's last component is in (its first
 * len bytes), walked once a recording: the links on the way were recorded
 * the first time. NULL when it cannot be walked.
 */
static const char *walked_dir(struct rfs_record *rec, const struct rootfs *r, const char *key,
			      size_t len)
{
	char dir[PATH_MAX], canon[PATH_MAX];
	struct walked *w;
	size_t h;

	if (len >= sizeof(dir))
		return NULL;
	memcpy(dir, key, len);
	dir[len] = '\0';
	h = hmap_hash(HMAP_SEED, dir, len);
	w = hmap_get(&rec->dirs, h, walked_match, dir);
	if (w)
		return w->canon;
	if (rfs_walk(r, dir, true, canon, sizeof(canon), on_link, rec) < 0)
		return NULL;
	w = xmalloc(sizeof(*w));
	w->spelled = xstrdup(dir);
	w->canon = xstrdup(canon);
	hmap_add(&rec->dirs, h, w);
	return w->canon;
}

/* rfs_walk() of KEY, with its directory's walk remembered. */
static int walk(struct rfs_record *rec, const struct rootfs *r, const char *key, bool follow,
		char *canon, size_t cap)
{
	const char *slash = strrchr(key, '/');
	const char *dir = slash ? walked_dir(rec, r, key, (size_t)(slash - key)) : "";

	if (!dir)
		return -ENOENT;
	return rfs_walk_from(r, dir, slash ? slash + 1 : key, follow, canon, cap, on_link, rec);
}

/*
 * Whether a successful access (OP, following the last link or not) of KEY
 * was noted before: what it met is recorded already.
 */
static bool noted_before(struct rfs_record *rec, char op, bool follow, const char *key)
{
	char k[PATH_MAX + 2];

	if (strlen(key) >= PATH_MAX)
		return false;
	k[0] = op;
	k[1] = follow ? 'f' : 'n';
	strcpy(k + 2, key);
	return !strset_add(&rec->noted, k);
}

static void note_open(const struct rootfs *r, char op, const char *key, int fd, bool follow)
{
	struct rfs_record *rec = r->hooks_data;
	char canon[PATH_MAX], target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fd < 0) {
		note_error(rec, op, key, fd);
		return;
	}
	if (noted_before(rec, op, follow, key))
		return;
	if (walk(rec, r, key, follow, canon, sizeof(canon)) < 0 || fstat(fd, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		add_dir(rec, canon);
		if (op == RFS_OP_DIR)
			note_listing(rec, fd, canon);
	} else if (S_ISREG(st.st_mode)) {
		add_exists(rec, canon);
	} else if (S_ISLNK(st.st_mode)) {
		n = readlinkat(r->fd, canon, target, sizeof(target) - 1);
		if (n >= 0) {
			target[n] = '\0';
			add_link(rec, canon, target);
		}
	}
}

static void note_link(const struct rootfs *r, const char *key, ssize_t n, const char *target)
{
	struct rfs_record *rec = r->hooks_data;
	const char *slash = strrchr(key, '/'), *canon;
	char at[PATH_MAX];

	if (n < 0) {
		note_error(rec, RFS_OP_LINK, key, (int)n);
		return;
	}
	if (noted_before(rec, RFS_OP_LINK, false, key))
		return;
	canon = slash ? walked_dir(rec, r, key, (size_t)(slash - key)) : "";
	if (!canon || !path_join(at, sizeof(at), canon, slash ? slash + 1 : key))
		return;
	add_link(rec, at, target);
}

static void note_real(const struct rootfs *r, const char *key, int err)
{
	struct rfs_record *rec = r->hooks_data;
	char canon[PATH_MAX];
	struct stat st;

	if (err < 0) {
		note_error(rec, RFS_OP_REAL, key, err);
		return;
	}
	if (noted_before(rec, RFS_OP_REAL, true, key))
		return;
	if (walk(rec, r, key, true, canon, sizeof(canon)) < 0 || !*canon ||
	    fstatat(r->fd, canon, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (S_ISDIR(st.st_mode))
		add_dir(rec, canon);
	else if (S_ISREG(st.st_mode))
		add_exists(rec, canon);
}

/* The reading child's work: a file read as it is, unseen by the recorder. */
static ssize_t plain_read(void *ctx, const char *key, size_t max, char **out)
{
	return rfs_read_plain(ctx, RFS_ROOT, key, max, out);
}

/* Hand out a copy of what is kept for a file, within max. */
static ssize_t serve(const struct rec_node *x, size_t max, char **out)
{
	if (x->len > max)
		return -RFS_ETOOBIG;
	*out = xmalloc(x->len + 1);
	memcpy(*out, x->data, x->len + 1);
	return (ssize_t)x->len;
}

/* Later reads of KEY (hashed h) are served X's content without a walk. */
static void remember(struct rfs_record *rec, size_t h, const char *key, struct rec_node *x)
{
	struct walked *w = xcalloc(1, sizeof(*w));

	w->spelled = xstrdup(key);
	w->node = x;
	hmap_add(&rec->reads, h, w);
}

/*
 * The answer a batch brought for KEY, as rec_child_call() with max would
 * have given it; false when there is none (the read asks the child itself).
 */
static bool take_fetched(struct rfs_record *rec, const char *key, size_t max, ssize_t *n,
			 char **buf)
{
	for (size_t i = 0; i < rec->n_fetched; i++) {
		struct fetched *f = &rec->fetched[i];

		if (!f->key || strcmp(f->key, key) != 0)
			continue;
		if (max > rec->fetched_max && f->n == -RFS_ETOOBIG)
			return false;	/* too big for the batch's limit, maybe not for this one */
		*n = f->n;
		*buf = f->data;
		if (f->n > (ssize_t)max) {
			*n = -RFS_ETOOBIG;
			free(f->data);
			*buf = NULL;
		}
		free(f->key);
		f->key = NULL;
		f->data = NULL;
		return true;
	}
	return false;
}

/*
 * Ask the reading child for the files that are about to be read in one
 * batch: one round trip to the child instead of one a file. What it answers
 * waits for each read in rec->fetched; a file read before is not asked.
 */
static void recorded_prefetch(const struct rootfs *r, const char *const *keys, size_t n,
			      size_t max)
{
	struct rfs_record *rec = r->hooks_data;
	const char *ask[REC_BATCH_MAX];
	ssize_t res[REC_BATCH_MAX];
	char *data[REC_BATCH_MAX];
	size_t k = 0, got;

	drop_fetched(rec);
	if (!rec->o.timeout_ms)
		return;	/* read in this process: no round trips to save */
	for (size_t i = 0; i < n && k < REC_BATCH_MAX; i++) {
		size_t h = hmap_hash(HMAP_SEED, keys[i], strlen(keys[i]));

		if (!map_get(&rec->m, RFS_OP_READ, keys[i]) &&
		    !hmap_get(&rec->reads, h, walked_match, keys[i]))
			ask[k++] = keys[i];
	}
	if (k < 2)
		return;	/* one file: its read asks for it */
	got = rec_child_batch(&rec->child, ask, k, max, rec->o.timeout_ms, res, data);
	for (size_t i = 0; i < got; i++)
		rec->fetched[i] = (struct fetched){ xstrdup(ask[i]), res[i], data[i] };
	rec->n_fetched = got;
	rec->fetched_max = max;
}

static ssize_t recorded_read(const struct rootfs *r, const char *key, size_t max, char **out)
{
	struct rfs_record *rec = r->hooks_data;
	struct rec_node *x;
	struct walked *w;
	char canon[PATH_MAX], *buf;
	bool known;
	ssize_t n;
	size_t h;

	*out = NULL;
	x = map_get(&rec->m, RFS_OP_READ, key);
	if (x)
		return x->err;
	h = hmap_hash(HMAP_SEED, key, strlen(key));
	w = hmap_get(&rec->reads, h, walked_match, key);
	if (w)
		return serve(w->node, max, out);	/* read before under this name */
	known = walk(rec, r, key, true, canon, sizeof(canon)) == 0 && *canon;
	x = known ? map_get(&rec->m, 0, canon) : NULL;
	if (x && x->kind == REC_FILE && x->has_content) {
		remember(rec, h, key, x);
		return serve(x, max, out);
	}
	/* The child's answer to a batch, else a read of its own. */
	if (!take_fetched(rec, key, max, &n, &buf))
		n = rec->o.timeout_ms ? rec_child_call(&rec->child, key, max, rec->o.timeout_ms, &buf)
				      : plain_read((void *)r, key, max, &buf);
	if (n < 0) {
		note_error(rec, RFS_OP_READ, key, (int)n);
		return n;
	}
	x = known ? add_content(rec, canon, buf, (size_t)n, true) : NULL;
	if (!x) {
		*out = buf;
		return n;
	}
	free(buf);
	remember(rec, h, key, x);
	return serve(x, max, out);
}

static bool kmsg_cached(const struct rootfs *r, size_t max, char **out, ssize_t *n)
{
	struct rfs_record *rec = r->hooks_data;
	struct rec_node *x = map_get(&rec->m, RFS_OP_READ, "dev/kmsg");

	if (x) {
		*n = x->err;
		return true;
	}
	x = map_get(&rec->m, 0, "dev/kmsg");
	if (!x || x->kind != REC_FILE || !x->has_content)
		return false;
	*n = serve(x, max, out);
	return true;
}

static ssize_t kmsg_read(const struct rootfs *r, ssize_t n, char **buf)
{
	struct rfs_record *rec = r->hooks_data;
	struct rec_node *x;

	if (n < 0) {
		note_error(rec, RFS_OP_READ, "dev/kmsg", (int)n);
		return n;
	}
	x = add_content(rec, "dev/kmsg", *buf, (size_t)n, true);
	if (!x)
		return n;
	free(*buf);
	*buf = NULL;
	return serve(x, SIZE_MAX, buf);
}

static int keep(const struct rootfs *r, const char *path, const char *data, size_t len)
{
	return rec_put(r->hooks_data, path, data, len);
}

static const char *kept(const struct rootfs *r, const char *path)
{
	const struct rec_node *x = rec_find(r->hooks_data, path);

	return x && x->kind == REC_FILE && x->has_content ? x->data : NULL;
}

static const struct rfs_hooks hooks = {
	.opened = note_open,
	.linked = note_link,
	.resolved = note_real,
	.read = recorded_read,
	.prefetch = recorded_prefetch,
	.kmsg_cached = kmsg_cached,
	.kmsg_read = kmsg_read,
	.keep = keep,
	.kept = kept,
};

void rec_attach(struct rootfs *r, struct rfs_record *rec)
{
	if (!rec && r->hooks == &hooks)
		rec_stop(r->hooks_data);	/* detached: the recording is over */
	rfs_set_hooks(r, rec ? &hooks : NULL, rec);
	if (!rec)
		return;
	rec->live = rfs_as_live(r);
	rec->child.fn = plain_read;
	rec->child.ctx = r;
}

/*
 * --- dmainspect/errors: "OP<TAB>ERRNO<TAB>PATH", with \t, \n and \\ escaped;
 * a line "=live" when the recording was of the running system ---
 */

char *rec_errors_text(struct rfs_record *rec, size_t *len)
{
	const struct rec_node *const *v;
	char *s = NULL;
	FILE *f = open_memstream(&s, len);
	size_t n;

	if (!f)
		xalloc_fail();
	fprintf(f, "# op\terrno\tpath: what failed at capture, replayed as such\n%s",
		rec->live ? "=live\n" : "");
	v = rec_nodes(rec, &n);
	for (size_t i = 0; i < n; i++) {
		const struct rec_node *x = v[i];

		if (x->kind != REC_ERROR)
			continue;
		fprintf(f, "%c\t%d\t", x->op, -x->err);
		for (const char *p = x->path; *p; p++) {
			if (*p == '\t' || *p == '\n' || *p == '\\')
				fputc('\\', f);
			fputc(*p == '\t' ? 't' : *p == '\n' ? 'n' : *p, f);
		}
		fputc('\n', f);
	}
	if (fclose(f) != 0)
		xalloc_fail();
	return s;
}

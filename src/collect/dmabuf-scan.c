// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Every dma-buf in the system (bufs): debugfs bufinfo where readable, and
 * who holds what from /proc: each process's fd links (one readlinkat per
 * fd, relative to the process's fd directory), fdinfo only for the links
 * that name a dma-buf, and the process's maps for buffers it has mapped
 * but holds no fd of. Nothing is probed and nothing is opened but files.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect.h"
#include "dmabuf.h"
#include "parse/dmabuf-parse.h"

/*
 * What one process may cost: its maps are read up to MAPS_MAX bytes (a
 * process at the default vm.max_map_count, 65530 mappings, prints under
 * 10 MiB), and at most FDS_MAX of its dma-buf fds are listed (each costs an
 * fdinfo read and a holder); every fd is still looked at. What is left out
 * is said (struct di_cut).
 */
#define MAPS_MAX (16u << 20)
#define FDS_MAX 4096

/* A process's hold on a buffer: an fd (with its fdinfo) or a mapping. */
struct rec {
	unsigned long long ino;
	bool ino_known;
	int pid, fd;
	bool mapped;
	struct fdinfo fi;
	char *map_name;
};

struct recs {
	struct rec *v;
	size_t n, cap;
};

static struct rec *rec_new(struct recs *rv)
{
	if (rv->n == rv->cap) {
		rv->cap = rv->cap ? rv->cap * 2 : 64;
		rv->v = xreallocarray(rv->v, rv->cap, sizeof(*rv->v));
	}
	memset(&rv->v[rv->n], 0, sizeof(rv->v[0]));
	return &rv->v[rv->n++];
}

/* Forget the records from FIRST on. */
static void recs_drop(struct recs *rv, size_t first)
{
	for (; rv->n > first; rv->n--) {
		fdinfo_free(&rv->v[rv->n - 1].fi);
		free(rv->v[rv->n - 1].map_name);
	}
}

static void recs_free(struct recs *rv)
{
	recs_drop(rv, 0);
	free(rv->v);
}

static void cut(struct di_bufset *s, int pid, int what, unsigned long long limit,
		unsigned long long beyond)
{
	s->cuts = xreallocarray(s->cuts, s->n_cuts + 1, sizeof(*s->cuts));
	s->cuts[s->n_cuts++] = (struct di_cut){ pid, what, limit, beyond };
}

/* The fds of one process that are dma-bufs, the first FDS_MAX of them; returns how many more. */
static unsigned long long scan_fds(const struct rootfs *r, int pfd, DIR *fdd, int pid,
				   struct recs *rv)
{
	unsigned long long listed = 0, beyond = 0;
	struct dirent *de;

	while ((de = readdir(fdd))) {
		char target[128], path[64], text[4096];
		struct rec *rc;
		struct stat st;
		int fd = parse_id(de->d_name);
		ssize_t n;

		if (fd < 0)
			continue;
		n = rfs_readlink(r, dirfd(fdd), de->d_name, target, sizeof(target));
		if (n < 0 || !is_dmabuf_link(target))
			continue;
		if (listed == FDS_MAX) {
			beyond++;
			continue;
		}
		snprintf(path, sizeof(path), "fdinfo/%d", fd);
		n = rfs_read(r, pfd, path, text, sizeof(text));
		if ((n == -ENOENT || n == -ESRCH) && rfs_as_live(r))
			continue;	/* closed since, or the process exited: simply gone */
		listed++;
		rc = rec_new(rv);
		rc->pid = pid;
		rc->fd = fd;
		if (n < 0) {
			rc->fi.exp_name.err = rc->fi.size.err = rc->fi.count.err = (int)n;
			rc->fi.flags.err = (int)n;
		} else {
			parse_fdinfo(text, &rc->fi);
		}
		if (rc->fi.ino.set) {
			rc->ino = (unsigned long long)rc->fi.ino.v;
			rc->ino_known = true;
		} else if (r->live && fstatat(dirfd(fdd), de->d_name, &st, 0) == 0) {
			/* Kernels before 5.14 print no ino: stat follows the fd link. */
			rc->ino = st.st_ino;
			rc->ino_known = true;
		}
	}
	return beyond;
}

/*
 * Mappings of dma-bufs: mark the fds mapped, add the buffers mapped only.
 * Returns 0, 1 when the maps are over MAPS_MAX (not read), -1 when the
 * process is gone (a kernel thread or a zombie has empty maps; one that
 * exited has none).
 */
static int scan_maps(const struct rootfs *r, int pfd, int pid, struct recs *rv, size_t first)
{
	const char *pos, *name;
	unsigned long long ino;
	size_t name_len;
	char *maps;
	ssize_t n = rfs_read_alloc(r, pfd, "maps", MAPS_MAX, &maps);

	if (n == -RFS_ETOOBIG)
		return 1;
	if ((n == -ENOENT || n == -ESRCH) && rfs_as_live(r))
		return -1;	/* every live process has maps: this one exited */
	if (n < 0)
		return 0;	/* a snapshot without maps: fds are what we have */
	pos = maps;
	while (maps_next_dmabuf(&pos, &ino, &name, &name_len)) {
		bool found = false;
		struct rec *rc;

		for (size_t i = first; i < rv->n; i++) {
			if (rv->v[i].ino_known && rv->v[i].ino == ino) {
				rv->v[i].mapped = true;
				found = true;
			}
		}
		if (found)
			continue;
		rc = rec_new(rv);
		rc->pid = pid;
		rc->fd = -1;
		rc->mapped = true;
		rc->ino = ino;
		rc->ino_known = true;
		if (name_len)
			rc->map_name = xstrndup(name, name_len);
	}
	free(maps);
	return 0;
}

static void scan_pid(const struct rootfs *r, int pid, struct recs *rv, struct di_bufset *s)
{
	char path[32];
	size_t first = rv->n;
	unsigned long long beyond;
	int pfd, maps;
	DIR *fdd;

	snprintf(path, sizeof(path), "proc/%d", pid);
	pfd = rfs_open(r, RFS_ROOT, path, O_PATH | O_DIRECTORY);
	if (pfd < 0)
		return;	/* exited meanwhile */
	fdd = rfs_opendir(r, pfd, "fd");
	if (!fdd) {
		if (errno != ENOENT && errno != ESRCH) {	/* else exited meanwhile */
			s->procs_unreadable++;
			if (!s->unreadable_err)
				s->unreadable_err = -errno;
		}
		close(pfd);
		return;
	}
	beyond = scan_fds(r, pfd, fdd, pid, rv);
	closedir(fdd);
	maps = scan_maps(r, pfd, pid, rv, first);
	if (maps < 0) {
		recs_drop(rv, first);	/* it exited while read: simply gone */
	} else {
		s->procs_scanned++;
		if (beyond)
			cut(s, pid, DI_CUT_DMABUF_FDS, FDS_MAX, beyond);
		if (maps)
			cut(s, pid, DI_CUT_MAPS, MAPS_MAX, 0);
	}
	close(pfd);
}

static bool pid_wanted(const struct bufs_filter *f, int pid)
{
	if (!f->n_pids)
		return true;
	for (size_t i = 0; i < f->n_pids; i++)
		if (f->pids[i] == pid)
			return true;
	return false;
}

static void scan_proc(const struct rootfs *r, const struct bufs_filter *f, struct recs *rv,
		      struct di_bufset *s)
{
	struct dirent *de;
	DIR *d = rfs_opendir(r, RFS_ROOT, "proc");

	if (!d) {
		s->proc_err = -errno;
		return;
	}
	while ((de = readdir(d))) {
		int pid = parse_id(de->d_name);

		if (pid > 0 && pid_wanted(f, pid))
			scan_pid(r, pid, rv, s);
	}
	closedir(d);
}

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->ino_known != y->ino_known)
		return x->ino_known ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

static int cmp_info(const void *a, const void *b)
{
	const struct di_dmabuf *x = a, *y = b;

	if (x->inode.set != y->inode.set)
		return x->inode.set ? -1 : 1;
	return (x->inode.v > y->inode.v) - (x->inode.v < y->inode.v);
}

/* Fill a buffer from its holders' fdinfo (or mapping) where bufinfo did not. */
static void from_recs(struct di_dmabuf *b, const struct rec *rs, size_t n)
{
	const struct fdinfo *fi = NULL;

	for (size_t i = 0; i < n && !fi; i++)
		if (rs[i].fd >= 0 && rs[i].fi.exp_name.s)
			fi = &rs[i].fi;
	if (fi) {
		if (!b->exporter.s)
			sval_set(&b->exporter, fi->exp_name.s);
		if (fi->name.s)
			sval_set(&b->name, fi->name.s);	/* unambiguous, unlike "<none>" */
		if (!b->size.set)
			b->size = fi->size;
		if (!b->file_count.set)
			b->file_count = fi->count;
	} else if (!b->listed) {
		int err = n && rs[0].fd >= 0 ? rs[0].fi.exp_name.err : -DB_EMAPONLY;

		b->exporter.err = b->size.err = b->file_count.err = err ? err : -ENODATA;
		if (n && rs[0].map_name)
			sval_set(&b->name, rs[0].map_name);
	}
	if (!b->listed && !b->file_flags.err)
		b->file_flags.err = b->file_mode.err = b->bufinfo_err;
	b->holders = n ? xcalloc(n, sizeof(*b->holders)) : NULL;
	for (size_t i = 0; i < n; i++) {
		b->holders[i].pid = rs[i].pid;
		b->holders[i].fd = rs[i].fd;
		b->holders[i].mapped = rs[i].mapped;
		b->holders[i].flags = rs[i].fi.flags;
		b->n_holders++;
	}
}

static struct di_dmabuf *buf_new(struct di_bufset *s, size_t *cap)
{
	struct di_dmabuf *b;

	if (s->n_bufs == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		s->bufs = xreallocarray(s->bufs, *cap, sizeof(*s->bufs));
	}
	b = &s->bufs[s->n_bufs++];
	memset(b, 0, sizeof(*b));
	b->src_pid = b->src_fd = -1;
	return b;
}

static bool exporter_wanted(const struct bufs_filter *f, const struct di_dmabuf *b)
{
	if (!f->exporters.n)
		return true;
	return b->exporter.s && strv_contains(&f->exporters, b->exporter.s);
}

/* Merge bufinfo (sorted) and the holders (sorted) into one list of buffers. */
static void merge(struct di_bufset *s, struct di_dmabuf *info, size_t ninfo, int info_err,
		 const struct recs *rv, const struct bufs_filter *f)
{
	size_t i = 0, k = 0, cap = 0;

	while (i < ninfo || k < rv->n) {
		const struct rec *r0 = k < rv->n ? &rv->v[k] : NULL;
		const struct di_dmabuf *in = i < ninfo ? &info[i] : NULL;
		bool take_info = in && (!r0 || !r0->ino_known ||
					(in->inode.set && (unsigned long long)in->inode.v <= r0->ino));
		bool take_recs = r0 && (!in || !in->inode.set ||
					(r0->ino_known && r0->ino <= (unsigned long long)in->inode.v));
		struct di_dmabuf *b = buf_new(s, &cap);
		size_t kend = k;

		if (take_info && take_recs && (!r0->ino_known || !in->inode.set ||
					       r0->ino != (unsigned long long)in->inode.v))
			take_recs = false;	/* different buffers: bufinfo's first */
		if (take_info) {
			*b = info[i];	/* moved: info[i] is not freed later */
			memset(&info[i++], 0, sizeof(*info));
		} else {
			b->bufinfo_err = info_err ? info_err : -DB_ENOTLISTED;
			b->inode.err = -ENODATA;
			if (r0->ino_known)
				ival_set(&b->inode, (long long)r0->ino);
		}
		if (take_recs) {
			kend = k + 1;
			while (r0->ino_known && kend < rv->n && rv->v[kend].ino_known &&
			       rv->v[kend].ino == r0->ino)
				kend++;
		}
		from_recs(b, rv->v + k, kend - k);
		k = kend;
		b->map_info.err = b->mmap.ok.err = b->sync.ok.err = -DB_ENOTPROBED;
		b->export_sync_file.ok.err = -DB_ENOTPROBED;
		if (!exporter_wanted(f, b) || (f->n_pids && !b->n_holders))
			dmabuf_free(&s->bufs[--s->n_bufs]);
	}
}

static int cmp_buf(const void *a, const void *b)
{
	const struct di_dmabuf *x = a, *y = b;

	if (x->size.set != y->size.set)
		return x->size.set ? -1 : 1;
	if (x->size.v != y->size.v)
		return x->size.v > y->size.v ? -1 : 1;
	return (x->inode.v > y->inode.v) - (x->inode.v < y->inode.v);
}

struct pref {
	int pid;
	size_t buf;
	const struct di_holder *h;
};

static int cmp_pref(const void *a, const void *b)
{
	const struct pref *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->buf != y->buf)
		return x->buf < y->buf ? -1 : 1;
	return (x->h->fd > y->h->fd) - (x->h->fd < y->h->fd);
}

static int cmp_proc(const void *a, const void *b)
{
	const struct di_proc *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Per-process totals: distinct buffers and their bytes. */
static void totals_procs(const struct rootfs *r, struct di_bufset *s)
{
	struct pref *p;
	size_t np = 0;

	for (size_t i = 0; i < s->n_bufs; i++)
		np += s->bufs[i].n_holders;
	if (!np)
		return;
	p = xcalloc(np, sizeof(*p));
	np = 0;
	for (size_t i = 0; i < s->n_bufs; i++)
		for (size_t k = 0; k < s->bufs[i].n_holders; k++)
			p[np++] = (struct pref){ s->bufs[i].holders[k].pid, i, &s->bufs[i].holders[k] };
	qsort(p, np, sizeof(*p), cmp_pref);
	s->procs = xcalloc(np, sizeof(*s->procs));
	for (size_t i = 0; i < np;) {
		struct di_proc *pr = &s->procs[s->n_procs++];
		char path[40], comm[64];
		size_t j = i;
		ssize_t n;

		pr->pid = p[i].pid;
		while (j < np && p[j].pid == pr->pid)
			j++;
		pr->refs = xcalloc(j - i, sizeof(*pr->refs));
		for (size_t k = i; k < j; k++) {
			const struct di_dmabuf *b = &s->bufs[p[k].buf];

			pr->refs[pr->n_refs++] = (struct di_proc_ref){ b->inode, p[k].h->fd,
									      p[k].h->mapped };
			if (k > i && p[k].buf == p[k - 1].buf)
				continue;
			pr->n_buffers++;
			if (b->size.set)
				pr->bytes += b->size.v;
			else
				pr->n_unknown_size++;
		}
		snprintf(path, sizeof(path), "proc/%d/comm", pr->pid);
		n = rfs_read_line(r, RFS_ROOT, path, comm, sizeof(comm));
		if (n >= 0)
			sval_set(&pr->comm, comm);
		else
			pr->comm.err = (int)n;
		i = j;
	}
	free(p);
	qsort(s->procs, s->n_procs, sizeof(*s->procs), cmp_proc);
}

static int cmp_exp(const void *a, const void *b)
{
	const struct di_exporter_total *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	if (!x->exporter || !y->exporter)
		return x->exporter ? -1 : y->exporter ? 1 : 0;
	return strcmp(x->exporter, y->exporter);
}

static void totals_exporters(struct di_bufset *s)
{
	for (size_t i = 0; i < s->n_bufs; i++) {
		const struct di_dmabuf *b = &s->bufs[i];
		struct di_exporter_total *e = NULL;

		for (size_t k = 0; k < s->n_exporters && !e; k++) {
			const char *x = s->exporters[k].exporter;

			if ((!x && !b->exporter.s) || (x && b->exporter.s && strcmp(x, b->exporter.s) == 0))
				e = &s->exporters[k];
		}
		if (!e) {
			s->exporters = xreallocarray(s->exporters, s->n_exporters + 1,
						     sizeof(*s->exporters));
			e = &s->exporters[s->n_exporters++];
			memset(e, 0, sizeof(*e));
			e->exporter = b->exporter.s ? xstrdup(b->exporter.s) : NULL;
		}
		e->count++;
		if (b->size.set)
			e->bytes += b->size.v;
		if (!b->n_holders && b->listed) {
			s->unheld_count++;
			if (b->size.set)
				s->unheld_bytes += b->size.v;
		}
	}
	if (s->n_exporters)
		qsort(s->exporters, s->n_exporters, sizeof(*s->exporters), cmp_exp);
}

int bufs_collect(const struct rootfs *root, const struct bufs_filter *f, struct di_bufset *s)
{
	struct di_dmabuf *info = NULL;
	struct recs rv = { 0 };
	size_t ninfo = 0;

	memset(s, 0, sizeof(*s));
	s->bufinfo_err = bufinfo_read(root, &info, &ninfo);
	scan_proc(root, f, &rv, s);
	if (ninfo)
		qsort(info, ninfo, sizeof(*info), cmp_info);
	if (rv.n)
		qsort(rv.v, rv.n, sizeof(*rv.v), cmp_rec);
	merge(s, info, ninfo, s->bufinfo_err, &rv, f);
	dmabufs_free(info, ninfo);
	recs_free(&rv);
	if (s->n_bufs)
		qsort(s->bufs, s->n_bufs, sizeof(*s->bufs), cmp_buf);
	totals_procs(root, s);
	totals_exporters(s);
	if (f->n_pids)
		s->unheld_err = -DB_EPIDFILTER;
	else if (s->bufinfo_err)
		s->unheld_err = s->bufinfo_err;
	return dmabuf_resolve_attachments(root, s->bufs, s->n_bufs);
}

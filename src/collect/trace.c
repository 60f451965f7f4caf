// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The tracer: a private tracefs instance read through libtracefs and
 * libtraceevent. tracefs is not a snapshot's file: the rooted reader has no
 * part in it; the event formats come from the running kernel, each field
 * found by name, so that 6.1, 6.12 and 7.x layouts read alike.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event-parse.h>
#include <tracefs.h>

#include "collect/trace.h"
#include "parse/trace-parse.h"

/* One enabled event: what it counts and the fields it is read from. */
struct tev {
	int id;
	struct trace_event_class c;
	struct tep_format_field *dev, *exp, *size, *lengths, *truncated, *fail;
};

struct di_tracer {
	struct di_trace *t;
	struct tracefs_instance *inst;
	struct tep_handle *tep;
	struct tev *ev;
	size_t n_ev, cap_ev;
	int last;		/* index of the last event met: runs of one event are common */
};

const char *tracer_dir(void)
{
	static char *dir;
	const char *found;

	if (dir)
		return dir;
	errno = 0;
	found = tracefs_tracing_dir();
	if (!found) {
		if (!errno)
			errno = ENOENT;
		return NULL;
	}
	/*
	 * Found once and set: where tracefs cannot be searched (without root)
	 * libtracefs 1.6 looks again on every call and leaks what it found.
	 */
	dir = xstrdup(found);
	tracefs_set_tracing_dir(dir);
	return dir;
}

/* Whether the process PID is a dmainspect (its comm says so). */
static bool is_dmainspect(const struct rootfs *root, long pid)
{
	char path[64], comm[32];

	snprintf(path, sizeof(path), "proc/%ld/comm", pid);
	if (rfs_read_line(root, RFS_ROOT, path, comm, sizeof(comm)) < 0)
		return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
	return strstr(comm, "dmainspect") != NULL;
}

void tracer_stale(const struct rootfs *root, struct strv *stale)
{
	char **names = tracefs_instances(NULL);
	long pid;

	for (char **n = names; n && *n; n++)
		if (trace_instance_pid(*n, TRACE_INSTANCE_PREFIX, &pid) && pid != getpid() &&
		    !is_dmainspect(root, pid))
			strv_add(stale, *n);
	tracefs_list_free(names);
}

static struct tep_format_field *field(struct tep_event *e, const char *name)
{
	return name ? tep_find_field(e, name) : NULL;
}

/* Enable SYSTEM:EVENT, counted as C. */
static int enable(struct di_tracer *tr, const char *sys, const char *name,
		  const struct trace_event_class *c)
{
	struct tep_event *e = tep_find_event_by_name(tr->tep, sys, name);
	struct tev *v;

	if (!e)
		return -ENOENT;
	if (tracefs_event_enable(tr->inst, sys, name) < 0)
		return errno ? -errno : -EIO;
	if (tr->n_ev == tr->cap_ev) {
		tr->cap_ev = tr->cap_ev ? tr->cap_ev * 2 : 32;
		tr->ev = xreallocarray(tr->ev, tr->cap_ev, sizeof(*tr->ev));
	}
	v = &tr->ev[tr->n_ev++];
	*v = (struct tev){
		.id = e->id,
		.c = *c,
		.dev = field(e, c->dev_field),
		.exp = field(e, c->exp_field),
		.size = c->bytes == TBYTES_SIZE ? field(e, "size") : NULL,
		.lengths = c->bytes == TBYTES_LENGTHS ? field(e, "lengths") : NULL,
		.truncated = c->bytes == TBYTES_LENGTHS ? field(e, "truncated") : NULL,
		.fail = field(e, c->fail_field),
	};
	return 0;
}

/* Enable the counted events of family F that tracefs lists; note the others. */
static int enable_family(struct di_tracer *tr, const char *dir, enum trace_family f)
{
	const char *sys = trace_family_system(f);
	struct di_trace_family *fam = &tr->t->fam[f];
	char **events = tracefs_system_events(dir, sys);
	struct trace_event_class c;
	int err = 0;

	for (char **e = events; e && *e && !err; e++) {
		if (!trace_event_classify(sys, *e, &c) || c.family != f) {
			if (f == TF_DMA || f == TF_DMA_BUF)
				strv_addf(&fam->unknown, "%s:%s", sys, *e);
			continue;
		}
		err = enable(tr, sys, *e, &c);
		if (err == -ENOENT) {
			strv_addf(&fam->unknown, "%s:%s", sys, *e);
			err = 0;
		} else if (!err) {
			strv_addf(&fam->enabled, "%s:%s", sys, *e);
		}
	}
	fam->available = fam->enabled.n > 0;
	tracefs_list_free(events);
	return err;
}

static void instance_path(char *buf, size_t cap, const char *dir, const char *name)
{
	snprintf(buf, cap, "%s/instances/%s", dir, name);
}

static int make_instance(const char *dir, const char *name)
{
	char path[PATH_MAX];

	instance_path(path, sizeof(path), dir, name);
	return mkdir(path, 0750) < 0 ? -errno : 0;
}

static void rmdir_instance(const char *dir, const char *name)
{
	char path[PATH_MAX];

	instance_path(path, sizeof(path), dir, name);
	rmdir(path);
}

int tracer_open(struct di_tracer **out, struct di_trace *t, size_t buffer_kb)
{
	static const char *const systems[] = { "dma", "swiotlb", "iommu", "dma_buf", NULL };
	struct di_tracer *tr;
	const char *dir = tracer_dir();
	int err = 0;

	*out = NULL;
	if (!dir)
		return -errno;
	/*
	 * The instance is made here and only then handed to libtracefs:
	 * tracefs_instance_create() leaks when mkdir fails (1.6), and this
	 * keeps mkdir's own errno.
	 */
	err = make_instance(dir, t->instance);
	if (err < 0)
		return err;
	tr = xcalloc(1, sizeof(*tr));
	tr->t = t;
	tr->last = -1;
	*out = tr;
	tr->inst = tracefs_instance_alloc(dir, t->instance);
	if (!tr->inst) {
		err = errno ? -errno : -ENOMEM;
		rmdir_instance(dir, t->instance);
		return err;
	}
	if (tracefs_instance_set_buffer_size(tr->inst, buffer_kb, -1) < 0)
		return errno ? -errno : -EIO;
	t->buffer_kb = buffer_kb;
	tr->tep = tracefs_local_events_system(dir, systems);
	if (!tr->tep)
		return errno ? -errno : -EIO;
	for (int f = 0; f < TF_N && !err; f++)
		err = enable_family(tr, dir, f);
	return err;
}

/* A field's bytes in a record (a __data_loc field's own), NULL when outside it. */
static const unsigned char *field_data(const struct tep_format_field *f,
				       const struct tep_record *r, size_t *len)
{
	const unsigned char *base = r->data;
	unsigned long long loc;
	size_t off = (size_t)f->offset, n = (size_t)f->size;

	if (off + n > (size_t)r->size)
		return NULL;
	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		if (tep_read_number_field((struct tep_format_field *)f, r->data, &loc) < 0)
			return NULL;
		off = (f->flags & TEP_FIELD_IS_RELATIVE ? off + n : 0) + (loc & 0xffff);
		n = (size_t)(loc >> 16) & 0xffff;
		if (off + n > (size_t)r->size)
			return NULL;
	}
	*len = n;
	return base + off;
}

static unsigned long long number(const struct tep_format_field *f, const struct tep_record *r)
{
	unsigned long long v = 0;

	if (f && field_data(f, r, &(size_t){ 0 }))
		tep_read_number_field((struct tep_format_field *)f, r->data, &v);
	return v;
}

/* A string field as a C string (dev_name, exp_name); NULL when absent. */
static const char *string(const struct tep_format_field *f, const struct tep_record *r,
			  char *buf, size_t cap)
{
	size_t n;
	const unsigned char *p = f ? field_data(f, r, &n) : NULL;

	if (!p)
		return NULL;
	n = strnlen((const char *)p, n < cap ? n : cap - 1);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* The sum of dma_map_sg's lengths (unsigned int each). */
static uint64_t lengths(const struct tep_format_field *f, const struct tep_record *r)
{
	size_t n, each = f && f->elementsize > 0 ? (size_t)f->elementsize : 4;
	const unsigned char *p = f ? field_data(f, r, &n) : NULL;
	uint64_t sum = 0;

	for (size_t i = 0; p && each == 4 && i + 4 <= n; i += 4) {
		uint32_t v;

		memcpy(&v, p + i, 4);
		sum += v;
	}
	return sum;
}

static const struct tev *find_tev(struct di_tracer *tr, int id)
{
	if (tr->last >= 0 && tr->ev[tr->last].id == id)
		return &tr->ev[tr->last];
	for (size_t i = 0; i < tr->n_ev; i++)
		if (tr->ev[i].id == id) {
			tr->last = (int)i;
			return &tr->ev[i];
		}
	return NULL;
}

static uint64_t bytes_of(const struct tev *v, const struct tep_record *r)
{
	switch (v->c.bytes) {
	case TBYTES_SIZE:
		return number(v->size, r);
	case TBYTES_LENGTHS:
		return lengths(v->lengths, r);
	default:
		return 0;
	}
}

static int count_event(struct tep_event *e, struct tep_record *r, int cpu, void *data)
{
	struct di_tracer *tr = data;
	const struct tev *v = find_tev(tr, e->id);
	char name[256];
	const char *who;
	uint64_t *n;
	int count;

	(void)cpu;
	if (!v)
		return 0;
	tr->t->events++;
	if (v->c.family == TF_DMA_BUF) {
		who = string(v->exp, r, name, sizeof(name));
		n = trace_exporter(tr->t, who ? who : "?")->n;
	} else {
		who = string(v->dev, r, name, sizeof(name));
		n = trace_dev(tr->t, who ? who : "?")->n;
	}
	count = v->c.count;
	if (v->fail && number(v->fail, r) == v->c.fail_value) {
		n[v->c.fail_count]++;
		return 0;
	}
	n[count]++;
	if (v->c.bytes_count >= 0)
		n[v->c.bytes_count] += bytes_of(v, r);
	if (v->truncated && number(v->truncated, r))
		n[TC_SG_TRUNCATED]++;
	return 0;
}

int tracer_read(struct di_tracer *tr)
{
	if (!tr->n_ev)
		return 0;
	if (tracefs_iterate_raw_events(tr->tep, tr->inst, NULL, 0, count_event, tr) < 0)
		return errno ? -errno : -EIO;
	return 0;
}

/* Events each CPU's buffer overwrote or dropped, from per_cpu/cpuN/stats. */
static int lost_events(struct di_tracer *tr, uint64_t *lost)
{
	char *dir = tracefs_instance_get_file(tr->inst, "per_cpu");
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *de;
	int err = d ? 0 : -errno;

	*lost = 0;
	while (d && (de = readdir(d)) && !err) {
		char file[300], *text;
		uint64_t n;

		if (strncmp(de->d_name, "cpu", 3) != 0)
			continue;
		snprintf(file, sizeof(file), "per_cpu/%s/stats", de->d_name);
		text = tracefs_instance_file_read(tr->inst, file, NULL);
		err = !text ? -errno : trace_stats_lost(text, &n);
		if (!err)
			*lost = *lost + n < *lost ? UINT64_MAX : *lost + n;
		free(text);
	}
	if (d)
		closedir(d);
	tracefs_put_tracing_file(dir);
	return err;
}

int tracer_stop(struct di_tracer *tr)
{
	int err = 0;

	if (tracefs_trace_off(tr->inst) < 0)
		err = errno ? -errno : -EIO;
	if (tr->tep) {
		int e = tracer_read(tr);

		err = err ? err : e;
	}
	tr->t->lost_err = lost_events(tr, &tr->t->lost);
	return err;
}

int tracer_close(struct di_tracer *tr)
{
	int err = 0;

	if (!tr)
		return 0;
	if (tr->inst && tracefs_instance_destroy(tr->inst) < 0 &&
	    tracefs_instance_exists(tr->t->instance))
		err = errno ? -errno : -EBUSY;
	tracefs_instance_free(tr->inst);
	tep_free(tr->tep);
	free(tr->ev);
	free(tr);
	return err;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Writing a report bundle: the recorded tree under sysroot/, each command's
 * JSON under json/, the errors and names a replay needs, and a README that
 * says what all of it is, what was redacted and what could not be read.
 * Everything sits under one top directory, dmainspect-report/.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <json-c/json.h>

#include "collect/collect.h"
#include "record.h"
#include "report.h"

#define TOP BUNDLE_TOP "/"
#define SYSROOT TOP "sysroot/"
#define SYSROOT_LEN (sizeof(SYSROOT) - 1)
#define MAX_LISTED 60
#define MAX_MESSAGES 8192	/* of each command's stderr in the README */
#define README_RESERVE (32u << 10)	/* the README is at most this long */

struct member {
	char *name;
	char type;
	char *data;	/* content, or a symlink's target */
	size_t len;
	uint64_t size;	/* in the archive */
	bool drop;
};

struct members {
	struct member *v;
	size_t n, cap;
};

/* Add a member; takes data (may be NULL). */
static int add(struct members *m, char type, char *data, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int add(struct members *m, char type, char *data, size_t len, const char *fmt, ...)
{
	struct member *x;
	va_list ap;

	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		m->v = xreallocarray(m->v, m->cap, sizeof(*m->v));
	}
	x = &m->v[m->n];
	memset(x, 0, sizeof(*x));
	va_start(ap, fmt);
	x->name = xvasprintf(fmt, ap);
	va_end(ap);
	x->type = type;
	x->data = data;
	x->len = len;
	x->size = tar_member_size(x->name, type == TAR_SYMLINK ? data : NULL,
				  type == TAR_FILE ? len : 0);
	m->n++;
	return 0;
}

static void members_free(struct members *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].data);
	}
	free(m->v);
}

/*
 * A failed access that says something could not be read, not one that
 * answers a question (is this a directory? a symlink?): those replay too.
 */
static bool is_failure(const struct rec_node *x)
{
	return x->kind == REC_ERROR && x->err != -ENOTDIR &&
	       !(x->op == RFS_OP_LINK && x->err == -EINVAL);
}

/* A node below a recorded symlink or file cannot be laid out (the system changed meanwhile). */
static bool under_non_dir(struct rfs_record *rec, const char *path)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
		const struct rec_node *x;

		*s = '\0';
		x = rec_find(rec, p);
		*s = '/';
		if (x && x->kind != REC_DIR)
			return true;
	}
	return false;
}

static int add_tree(struct report_state *st, struct members *m)
{
	const struct rec_node *const *v;
	size_t n;
	int err = 0;

	v = rec_nodes(st->rec, &n);
	for (size_t i = 0; i < n && !err; i++) {
		const struct rec_node *x = v[i];
		size_t len = 0;
		char *data;

		if (x->kind == REC_ERROR) {
			st->n_failed += is_failure(x);
			continue;
		}
		if (strcmp(x->path, RFS_ERRORS_PATH) == 0 || under_non_dir(st->rec, x->path))
			continue;
		switch (x->kind) {
		case REC_DIR:
			err = add(m, TAR_DIR, NULL, 0, SYSROOT "%s", x->path);
			break;
		case REC_FILE:
			data = x->has_content ? redact(&st->redactor, x->data, x->len, &len)
					      : xstrdup("");
			err = add(m, TAR_FILE, data, len, SYSROOT "%s", x->path);
			break;
		case REC_LINK:
			if (!report_keeps_link(x->path, x->data))
				break;
			data = xstrdup(x->data);
			err = add(m, TAR_SYMLINK, data, strlen(data), SYSROOT "%s", x->path);
			break;
		case REC_ERROR:
			break;
		}
	}
	if (!err) {
		char *text = rec_errors_text(st->rec, &n);

		err = add(m, TAR_FILE, text, n, SYSROOT RFS_ERRORS_PATH);
	}
	return err;
}

static int add_json(struct report_state *st, struct members *m)
{
	for (size_t i = 0; i < st->n_cmds; i++) {
		struct captured *c = &st->cmds[i];
		size_t len;
		char *data;
		int err;

		if (c->skipped)
			continue;
		data = redact_json(&st->redactor, c->json, c->json_len, &len);
		free(c->json);	/* the redacted copy is what is written */
		c->json = NULL;
		c->json_len = 0;
		err = add(m, TAR_FILE, data, len, TOP "json/%s.json", c->cmd->name);
		if (err)
			return err;
	}
	return 0;
}

static int cmp_size_desc(const void *a, const void *b)
{
	const struct member *x = *(struct member *const *)a, *y = *(struct member *const *)b;

	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return strcmp(y->name, x->name);
}

/*
 * Drop the largest members of sysroot/ (files first, then links and
 * directories) until the bundle fits; the README's space is reserved.
 */
static int fit(struct report_state *st, struct members *m, uint64_t reserve)
{
	uint64_t total = reserve + 1024;
	struct member **files;
	size_t nf = 0;

	for (size_t i = 0; i < m->n; i++)
		total += m->v[i].size;
	if (total <= st->opts->max_size)
		return 0;
	files = xcalloc(m->n + 1, sizeof(*files));
	for (size_t i = 0; i < m->n; i++)
		if (strncmp(m->v[i].name, SYSROOT, SYSROOT_LEN) == 0 &&
		    strncmp(m->v[i].name + SYSROOT_LEN, "dmainspect/", 11) != 0)
			files[nf++] = &m->v[i];
	qsort(files, nf, sizeof(*files), cmp_size_desc);
	st->left_out = xcalloc(nf + 1, sizeof(char *));
	for (size_t i = 0; i < nf && total > st->opts->max_size; i++) {
		files[i]->drop = true;
		total -= files[i]->size;
		st->left_out[st->n_left_out++] = xstrdup(files[i]->name + SYSROOT_LEN);
	}
	free(files);
	return 0;
}

/* Root-relative path with proc/PID/... and its other numbers ("fd/N") generalised, for grouping. */
static void pattern(const char *path, char *out, size_t cap)
{
	bool proc = strncmp(path, "proc/", 5) == 0;
	size_t o = 0, comp = 0;

	for (const char *p = path; *p && o + 5 < cap; comp++) {
		size_t n = strcspn(p, "/"), k = 0;

		while (k < n && isdigit((unsigned char)p[k]))
			k++;
		if (proc && n && k == n) {
			const char *w = comp == 1 ? "PID" : "N";

			memcpy(out + o, w, strlen(w));
			o += strlen(w);
		} else {
			if (n > cap - o - 5)
				n = cap - o - 5;
			memcpy(out + o, p, n);
			o += n;
		}
		p += strcspn(p, "/");
		if (*p)
			out[o++] = *p++;
	}
	out[o] = '\0';
}

struct group {
	char pattern[256];
	int err;
	size_t count;
};

static int cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	int c = strcmp(x->pattern, y->pattern);

	return c ? c : x->err - y->err;
}

/* The failed reads, grouped; *n groups (malloc'd). */
static struct group *failed_groups(struct rfs_record *rec, size_t *n)
{
	const struct rec_node *const *v;
	struct group *g = NULL;
	size_t nv, k = 0, cap = 0;

	v = rec_nodes(rec, &nv);
	for (size_t i = 0; i < nv; i++) {
		struct group x = { .err = v[i]->err, .count = 1 };
		size_t j;

		if (!is_failure(v[i]))
			continue;
		pattern(v[i]->path, x.pattern, sizeof(x.pattern));
		for (j = 0; j < k && cmp_group(&g[j], &x) != 0; j++)
			;
		if (j < k) {
			g[j].count++;
			continue;
		}
		if (k == cap) {
			cap = cap ? 2 * cap : 16;
			g = xreallocarray(g, cap, sizeof(*g));
		}
		g[k++] = x;
	}
	if (k)
		qsort(g, k, sizeof(*g), cmp_group);
	*n = k;
	return g;
}

static void kernel_release(const struct report_state *st, const struct di_ctx *ctx, char *buf,
			   size_t cap)
{
	const struct rec_node *x = rec_find(st->rec, "proc/sys/kernel/osrelease");
	struct utsname u;

	if (x && x->has_content)
		snprintf(buf, cap, "%.*s", (int)strcspn(x->data, "\n"), x->data);
	else if (ctx->root.live && uname(&u) == 0)
		snprintf(buf, cap, "%s", u.release);
	else
		snprintf(buf, cap, "unknown");
}

static void readme_commands(FILE *f, const struct report_state *st)
{
	fprintf(f, "\nCommands\n");
	for (size_t i = 0; i < st->n_cmds; i++) {
		const struct captured *c = &st->cmds[i];

		if (c->skipped)
			fprintf(f, "  %-8s not run: it needs an operand (%s)%s\n", c->cmd->name,
				c->cmd->args, strcmp(c->cmd->name, "buf") == 0 ?
				"; bufs lists every buffer" : "");
		else
			fprintf(f, "  %-8s exit status %d, json/%s.json\n", c->cmd->name, c->status,
				c->cmd->name);
	}
}

static void readme_redaction(FILE *f, const struct report_state *st)
{
	const struct redactor *x = &st->redactor;

	fprintf(f, "\nKept of what was read\n"
		   "  /proc/PID/maps: only the lines of dma-buf mappings. /proc/PID/fd: only the\n"
		   "  links to dma-bufs. The kernel log: only the kernel's own records, without\n"
		   "  their key=value continuation lines.\n"
		   "  Directories hold the names that were listed; files that were only listed\n"
		   "  or opened, never read, are empty. Everything else is as it was read.\n");
	if (!x->on) {
		fprintf(f, "\nRedacted: nothing (made with --no-redact)\n");
		return;
	}
	fprintf(f, "\nRedacted (in sysroot/ and json/ alike)\n");
	for (int k = 0; k < RD_KINDS; k++)
		fprintf(f, "  %-60s %zu\n", redact_kind_name(k), x->count[k]);
	fprintf(f, "  Placeholders: xx:xx:xx:xx:xx:xx, SERIAL, HOSTNAME, USERNAME.\n");
}

static void readme_failures(FILE *f, const struct report_state *st)
{
	struct group *g;
	size_t n;

	g = failed_groups(st->rec, &n);
	fprintf(f, "\nNot collected (%zu reads failed; a replay fails them the same way)\n", n ?
		st->n_failed : 0);
	for (size_t i = 0; i < n && i < MAX_LISTED; i++) {
		fprintf(f, "  /%s: %s", g[i].pattern, di_strerror(g[i].err));
		if (g[i].count > 1)
			fprintf(f, " (%zu times)", g[i].count);
		fputc('\n', f);
	}
	if (n > MAX_LISTED)
		fprintf(f, "  ... and %zu more (see sysroot/%s)\n", n - MAX_LISTED, RFS_ERRORS_PATH);
	if (!n)
		fprintf(f, "  nothing\n");
	free(g);
	if (rec_timeouts(st->rec))
		fprintf(f, "  %zu of them did not answer within the time limit.\n",
			rec_timeouts(st->rec));
}

static void readme_messages(FILE *f, struct report_state *st)
{
	bool any = false;

	for (size_t i = 0; i < st->n_cmds; i++) {
		struct captured *c = &st->cmds[i];
		size_t len;
		char *text;

		if (c->skipped || !c->messages_len)
			continue;
		text = redact(&st->redactor, c->messages,
			      c->messages_len < MAX_MESSAGES ? c->messages_len : MAX_MESSAGES, &len);
		if (!any)
			fprintf(f, "\nMessages (stderr)\n");
		any = true;
		fprintf(f, "  %s:\n", c->cmd->name);
		for (char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
			nl = strchr(line, '\n');
			fprintf(f, "    %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
		}
		free(text);
	}
}

static char *readme(struct report_state *st, const struct di_ctx *ctx, size_t *len)
{
	char date[64], rel[128];
	struct tm tm;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		xalloc_fail();
	gmtime_r(&st->created, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", &tm);
	kernel_release(st, ctx, rel, sizeof(rel));
	fprintf(f, "dmainspect report\n=================\n\n"
		   "Made by dmainspect %s on %s, as uid %u%s, on %s (kernel %s).\n",
		PACKAGE_VERSION, date, (unsigned)geteuid(),
		geteuid() == 0 ? " (root)" : " (not root: some files were not readable)",
		ctx->root.live ? "the running system" : "a snapshot", rel);
	fprintf(f, "\nReplay it on any machine, with the same JSON as at capture apart from the\n"
		   "fields the schema marks 'live':\n"
		   "    dmainspect --sysroot THIS-BUNDLE.tar.xz COMMAND [--json]\n"
		   "or extract it (tar -xJf) and give --sysroot the sysroot/ directory.\n");
	fprintf(f, "\nContents\n"
		   "  README                        this file\n"
		   "  json/COMMAND.json             what 'dmainspect COMMAND --json' printed\n"
		   "  sysroot/                      the files the commands read, laid out as on\n"
		   "                                the system: sysfs attributes and links, IOMMU\n"
		   "                                groups and units, device-tree properties,\n"
		   "                                /proc/cmdline, the kernel log (dev/kmsg),\n"
		   "                                debugfs swiotlb and dma_buf files, /proc of\n"
		   "                                processes, /sys/module of the drivers in use\n"
		   "  sysroot/%-20s reads that failed (op, errno, path), which a\n"
		   "                                replay fails the same way\n"
		   "  sysroot/%-20s vendor and model names (udev hwdb) and modules\n"
		   "                                (libkmod) as resolved at capture\n"
		   "  system.txt                    uname, distribution and package versions, when\n"
		   "                                dmainspect-bug-report.sh made the bundle\n",
		RFS_ERRORS_PATH, NAMES_PATH);
	readme_commands(f, st);
	readme_redaction(f, st);
	readme_failures(f, st);
	if (st->n_left_out) {
		fprintf(f, "\nLeft out to stay within --max-size (%llu bytes): %zu files, links, "
			   "directories\n",
			(unsigned long long)st->opts->max_size, st->n_left_out);
		for (size_t i = 0; i < st->n_left_out && i < MAX_LISTED; i++)
			fprintf(f, "  /%s\n", st->left_out[i]);
		fprintf(f, "  A replay finds them missing: its JSON differs there.\n");
	}
	readme_messages(f, st);
	if (fclose(f) != 0)
		xalloc_fail();
	return buf;
}

int report_write(struct report_state *st, struct di_ctx *ctx, struct bundle_out *b)
{
	const struct rec_node *host = rec_find(st->rec, "proc/sys/kernel/hostname");
	struct members m = { 0 };
	int err;

	redactor_init(&st->redactor, !st->opts->no_redact,
		      host && host->has_content ? host->data : NULL);
	err = add_json(st, &m);
	if (!err)
		err = add_tree(st, &m);
	if (!err)
		err = fit(st, &m, README_RESERVE);
	if (!err) {
		struct tar_out *t = &b->tar;
		size_t len;
		char *text = readme(st, ctx, &len);

		err = tar_out_file(t, TOP "README", text, len);
		for (size_t i = 0; i < m.n && !err; i++) {
			struct member *x = &m.v[i];

			if (x->drop)
				continue;
			if (x->type == TAR_DIR)
				err = tar_out_dir(t, x->name);
			else if (x->type == TAR_SYMLINK)
				err = tar_out_link(t, x->name, x->data);
			else
				err = tar_out_file(t, x->name, x->data, x->len);
		}
		st->bytes = t->bytes;
		free(text);
	}
	members_free(&m);
	return err;
}

void report_print_notes(const struct report_state *st)
{
	struct group *g;
	size_t n;
	bool denied = false;

	g = failed_groups(st->rec, &n);
	for (size_t i = 0; i < n; i++)
		denied |= g[i].err == -EACCES || g[i].err == -EPERM;
	if (n) {
		di_err("report: %zu reads failed (the bundle's README lists them), e.g.:", st->n_failed);
		for (size_t i = 0; i < n && i < 4; i++)
			fprintf(stderr, "  /%s: %s\n", g[i].pattern, di_strerror(g[i].err));
	}
	free(g);
	if (denied && geteuid() != 0)
		di_err("report: run it as root for debugfs, the kernel log and other processes");
	if (st->n_left_out)
		di_err("report: left out %zu files to stay within --max-size (listed in the README)",
		       st->n_left_out);
}

void report_print_json(const struct report_state *st, const char *file)
{
	struct json_object *top = json_new_top(), *r = json_object_new_object();
	struct json_object *cmds = json_object_new_array(), *left = json_object_new_array();
	struct json_object *red = NULL;

	for (size_t i = 0; i < st->n_cmds; i++) {
		const struct captured *c = &st->cmds[i];
		struct json_object *o = json_object_new_object();

		json_add_str(o, "name", c->cmd->name);
		json_object_object_add(o, "exit_status", c->skipped ? NULL : json_object_new_int(c->status));
		json_add_str(o, "skipped", c->skipped ? "needs an operand" : NULL);
		json_object_array_add(cmds, o);
	}
	for (size_t i = 0; i < st->n_left_out; i++)
		json_object_array_add(left, json_object_new_string(st->left_out[i]));
	if (st->redactor.on) {
		static const char *const keys[RD_KINDS] = {
			[RD_MAC] = "mac_addresses", [RD_SERIAL] = "serial_numbers",
			[RD_HOST] = "host_names", [RD_USER] = "user_names",
		};

		red = json_object_new_object();
		for (int k = 0; k < RD_KINDS; k++)
			json_object_object_add(red, keys[k],
					       json_object_new_int64((int64_t)st->redactor.count[k]));
	}
	json_add_str(r, "file", file);
	json_object_object_add(r, "uncompressed_bytes", json_object_new_int64((int64_t)st->bytes));
	json_object_object_add(r, "commands", cmds);
	json_object_object_add(r, "failed_reads", json_object_new_int64((int64_t)st->n_failed));
	json_object_object_add(r, "left_out", left);
	json_object_object_add(r, "redacted", red);
	json_object_object_add(top, "report", r);
	json_print(top);
}

void report_state_free(struct report_state *st)
{
	for (size_t i = 0; i < st->n_cmds; i++) {
		free(st->cmds[i].json);
		free(st->cmds[i].messages);
	}
	for (size_t i = 0; i < st->n_left_out; i++)
		free(st->left_out[i]);
	free(st->left_out);
	redactor_fini(&st->redactor);
	rec_free(st->rec);
}

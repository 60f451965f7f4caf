// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The recorder behind 'dmainspect report', on the rooted reader: links met on
 * the way, contents served from the first read, failures kept and replayed
 * from a recorded snapshot, and the time limit on a read. The tar format is
 * tested in test-tar.c, redaction in test-redact.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "record.h"
#include "rootfs.h"
#include "tap.h"
#include "tree.h"

/* The child's work: "slow" never ends, "pid" says which process answered, anything else echoes. */
static ssize_t child_work(void *ctx, const char *key, size_t max, char **out)
{
	if (strcmp(key, "slow") == 0) {
		sleep(10);
		return -EIO;
	}
	if (strcmp(key, "pid") == 0) {
		if (asprintf(out, "%d", (int)getpid()) < 0)
			return -ENOMEM;
		return (ssize_t)strlen(*out);
	}
	*out = strdup(key);
	return (ssize_t)strlen(key);
}

static long long ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_limited(void)
{
	struct rec_child c = { .fn = child_work };
	char *out = NULL, *first;
	long long t0;
	ssize_t n;

	n = rec_child_call(&c, "hello", 100, 2000, &out);
	is_int(n, 5, "a quick read comes back whole");
	is_str(out, "hello", "with its bytes");
	free(out);
	rec_child_call(&c, "pid", 100, 2000, &first);
	ok(first && atoi(first) != getpid() && atoi(first) == c.pid, "the child does the work (%s)",
	   first ? first : "?");
	for (int i = 0; i < 50; i++) {
		rec_child_call(&c, "pid", 100, 2000, &out);
		if (!out || strcmp(out, first) != 0)
			break;
		free(out);
		out = NULL;
	}
	ok(!out, "fifty calls later the same child answers: one fork, not one a call");
	free(out);
	n = rec_child_call(&c, "hello", 3, 2000, &out);
	is_int(n, -RFS_ETOOBIG, "a result over the limit is refused");
	t0 = ms();
	n = rec_child_call(&c, "slow", 100, 300, &out);
	is_int(n, -RFS_ETIMEOUT, "a read that blocks is cut off at the time limit");
	ok(ms() - t0 < 3000, "and the caller goes on at once (%lld ms)", ms() - t0);
	is_int(c.pid, 0, "the stuck child is gone");
	n = rec_child_call(&c, "pid", 100, 2000, &out);
	ok(n > 0 && strcmp(out, first) != 0, "the next read has a new child");
	free(out);
	free(first);
	kill(c.pid, SIGKILL);
	n = rec_child_call(&c, "again", 100, 2000, &out);
	is_int(n, 5, "a child that died is replaced, the read not lost");
	free(out);
	rec_child_stop(&c);
	is_int(c.pid, 0, "stopped");
}

static void test_batch(void)
{
	static char long_keys[REC_BATCH_MAX][3001];
	const char *keys[REC_BATCH_MAX] = { "hello", "pid", "abc" };
	struct rec_child c = { .fn = child_work };
	ssize_t res[REC_BATCH_MAX];
	char *out[REC_BATCH_MAX], *single = NULL;
	size_t got;
	long long t0;
	bool same = true;

	got = rec_child_batch(&c, keys, 3, 100, 2000, res, out);
	is_int((long long)got, 3, "a batch of three is answered whole");
	ok(res[0] == 5 && out[0] && strcmp(out[0], "hello") == 0 && res[2] == 3 && out[2] &&
	   strcmp(out[2], "abc") == 0, "each answer in its request's place");
	ok(out[1] && atoi(out[1]) == c.pid && c.pid != getpid(), "by the child (%s)",
	   out[1] ? out[1] : "?");
	for (size_t i = 0; i < got; i++)
		free(out[i]);

	keys[0] = "hi";
	keys[1] = "hello";
	got = rec_child_batch(&c, keys, 2, 3, 2000, res, out);
	ok(got == 2 && res[0] == 2 && res[1] == -RFS_ETOOBIG && !out[1],
	   "an answer over the limit is refused, the one before it kept");
	free(out[0]);

	/* Answers and requests longer than one read's buffer: what a read brings beyond one is kept. */
	for (size_t i = 0; i < REC_BATCH_MAX; i++) {
		memset(long_keys[i], 'a' + (int)i, sizeof(long_keys[i]) - 1);
		keys[i] = long_keys[i];
	}
	got = rec_child_batch(&c, keys, REC_BATCH_MAX, 4000, 2000, res, out);
	for (size_t i = 0; i < got; i++) {
		same = same && res[i] == 3000 && out[i] && strcmp(out[i], keys[i]) == 0;
		free(out[i]);
	}
	ok(got == REC_BATCH_MAX && same, "%d answers of 3000 bytes come back in order (%zu)",
	   REC_BATCH_MAX, got);

	keys[0] = "one";
	keys[1] = "slow";
	keys[2] = "two";
	t0 = ms();
	got = rec_child_batch(&c, keys, 3, 100, 300, res, out);
	ok(got == 2 && res[0] == 3 && res[1] == -RFS_ETIMEOUT && !out[1],
	   "a read that blocks ends the batch at the time limit, with what came before");
	ok(ms() - t0 < 3000, "and the caller goes on at once (%lld ms)", ms() - t0);
	is_int(c.pid, 0, "the stuck child is gone");
	free(out[0]);

	is_int(rec_child_call(&c, "again", 100, 2000, &single), 5, "the next read has a new child");
	free(single);
	kill(c.pid, SIGKILL);
	waitpid(c.pid, NULL, 0);
	keys[0] = "x";
	keys[1] = "y";
	got = rec_child_batch(&c, keys, 2, 100, 2000, res, out);
	is_int((long long)got, 0, "a child that died answers nothing: the reads ask one by one");
	got = rec_child_batch(&c, keys, 2, 100, 2000, res, out);
	ok(got == 2 && res[0] == 1 && res[1] == 1, "and the next batch has a new child");
	for (size_t i = 0; i < got; i++)
		free(out[i]);
	rec_child_stop(&c);
}

static const struct rec_node *node(struct rfs_record *rec, const char *path)
{
	return rec_find(rec, path);
}

static void test_record(void)
{
	struct rec_options o = { .timeout_ms = 2000 };
	struct rfs_record *rec = rec_new(&o);
	static const char *const batch[] = { "a", "b", "c", "d" };
	const struct rec_node *x;
	struct rfs_dir dir;
	struct rootfs r;
	char buf[64], *errs;
	size_t len;
	DIR *d;

	tree_dir("sys");
	tree_dir("sys/devices");
	tree_dir("sys/devices/dev0");
	tree_dir("sys/bus");
	tree_link("../devices/dev0", "sys/bus/dev0");
	tree_file("sys/devices/dev0/vendor", "0x8086\n");
	tree_file("sys/devices/dev0/other", "never read\n");
	tree_dir("sys/devices/dev0/locked");
	ok(rfs_init(&r, tree_top) == 0, "init");
	rec_attach(&r, rec);
	is_int(rfs_read(&r, RFS_ROOT, "sys/bus/dev0/vendor", buf, sizeof(buf)), 7,
	       "read through a link while recording");
	x = node(rec, "sys/bus/dev0");
	ok(x && x->kind == REC_LINK && strcmp(x->data, "../devices/dev0") == 0,
	   "the link met on the way is recorded with its target");
	x = node(rec, "sys/devices/dev0/vendor");
	ok(x && x->kind == REC_FILE && x->has_content && strcmp(x->data, "0x8086\n") == 0,
	   "the file is recorded at its canonical path with the bytes read");
	tree_file("sys/devices/dev0/vendor", "0x1234\n");
	rfs_read(&r, RFS_ROOT, "sys/devices/dev0/vendor", buf, sizeof(buf));
	is_str(buf, "0x8086\n", "a second read gets the first read's bytes");
	d = rfs_opendir(&r, RFS_ROOT, "sys/devices/dev0");
	if (d)
		closedir(d);
	x = node(rec, "sys/devices/dev0/other");
	ok(x && x->kind == REC_FILE && !x->has_content, "a listed file is noted, its content not read");
	x = node(rec, "sys/devices/dev0/locked");
	ok(x && x->kind == REC_DIR, "a listed directory is noted");
	ok(!node(rec, "sys/devices/dev0/missing"), "nothing is noted for a name never seen");
	rfs_read(&r, RFS_ROOT, "sys/devices/dev0/missing", buf, sizeof(buf));
	/* Attributes about to be read come from the child in one batch. */
	tree_dir("sys/devices/dev1");
	tree_file("sys/devices/dev1/a", "1\n");
	tree_file("sys/devices/dev1/b", "two\n");
	tree_file("sys/devices/dev1/d", "longer\n");
	ok(rfs_dir_open(&r, RFS_ROOT, "sys/devices/dev1", &dir) == 0, "a directory to read from");
	rfs_dir_prefetch(&dir, batch, sizeof(batch) / sizeof(batch[0]));
	tree_file("sys/devices/dev1/a", "changed\n");
	is_int(rfs_dir_read(&dir, "a", buf, sizeof(buf)), 2, "a fetched file is read");
	is_str(buf, "1\n", "as the batch read it, before it changed");
	is_int(rfs_dir_read(&dir, "b", buf, sizeof(buf)), 4, "so is the next");
	is_str(buf, "two\n", "with its bytes");
	is_int(rfs_dir_read(&dir, "c", buf, sizeof(buf)), -ENOENT, "a fetched missing file is missing");
	is_int(rfs_dir_read(&dir, "d", buf, 3), -RFS_ETOOBIG,
	       "a fetched file over the read's own limit is refused as the child would");
	x = node(rec, "sys/devices/dev1/b");
	ok(x && x->kind == REC_FILE && x->has_content && strcmp(x->data, "two\n") == 0,
	   "and recorded as a read one is");
	rfs_dir_close(&dir);
	is_int(rfs_open(&r, RFS_ROOT, "sys/devices/dev0/vendor", O_PATH | O_DIRECTORY), -ENOTDIR,
	       "a failed open fails as usual while recording");
	rec_attach(&r, NULL);
	rfs_fini(&r);

	errs = rec_errors_text(rec, &len);
	ok(errs && strstr(errs, "o\t20\tsys/devices/dev0/vendor\n"), "the failure is in the errors text");
	ok(errs && !strstr(errs, "missing"), "a missing file is not (it replays as missing)");
	/* Replay: a snapshot carrying dmainspect/errors fails the access the same way. */
	tree_dir("dmainspect");
	tree_file(RFS_ERRORS_PATH, "# comment\nr\t13\tsys/devices/dev0/vendor\nl\t13\tsys/bus/dev0\n"
			     "r\t99999\tbad errno\nx\t13\tbad op\n");
	ok(rfs_init(&r, tree_top) == 0, "init on a recorded snapshot");
	ok(!rfs_as_live(&r), "a recording of a snapshot tells as a snapshot");
	rfs_fini(&r);
	tree_file(RFS_ERRORS_PATH, "# comment\n=live\nr\t13\tsys/devices/dev0/vendor\nl\t13\tsys/bus/dev0\n"
			     "r\t99999\tbad errno\nx\t13\tbad op\n");
	ok(rfs_init(&r, tree_top) == 0, "init on a recording of the running system");
	ok(rfs_as_live(&r), "it tells as the live system did");
	is_int(rfs_read(&r, RFS_ROOT, "sys/devices/dev0/vendor", buf, sizeof(buf)), -EACCES,
	       "a read that failed at capture fails again");
	is_int(rfs_readlink(&r, RFS_ROOT, "sys/bus/dev0", buf, sizeof(buf)), -EACCES,
	       "so does a readlink");
	is_int(rfs_read(&r, RFS_ROOT, "sys/bus/dev0/vendor", buf, sizeof(buf)), 7,
	       "the same file under another spelling was not recorded as failing");
	rfs_fini(&r);
	free(errs);
	rec_free(rec);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(tree_top, sizeof(tree_top), "%s/test-record.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tree_top)) {
		perror("mkdtemp");
		return 99;
	}
	test_limited();
	test_batch();
	test_record();
	{
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree_top);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tree_top);
	}
	return tap_done();
}

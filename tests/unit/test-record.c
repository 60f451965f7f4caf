// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The pieces behind 'dmainspect report': the recorder on the rooted reader
 * (links met on the way, contents served from the first read, failures kept
 * and replayed), the time limit on a read, the tar writer and reader, and
 * redaction.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "record.h"
#include "report-redact.h"
#include "rootfs.h"
#include "tap.h"
#include "tree.h"
#include "tar.h"


static ssize_t sleepy(void *arg, char **out)
{
	sleep(10);
	return -EIO;
}

static ssize_t quick(void *arg, char **out)
{
	*out = strdup(arg);
	return (ssize_t)strlen(arg);
}

static long long ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_limited(void)
{
	char hello[] = "hello", *out = NULL;
	long long t0 = ms();
	ssize_t n = rec_call_limited(sleepy, NULL, 100, 300, &out);

	is_int(n, -RFS_ETIMEOUT, "a read that blocks is cut off at the time limit");
	ok(ms() - t0 < 3000, "and the caller goes on at once (%lld ms)", ms() - t0);
	n = rec_call_limited(quick, hello, 100, 2000, &out);
	is_int(n, 5, "a quick read comes back whole");
	is_str(out, "hello", "with its bytes");
	free(out);
	n = rec_call_limited(quick, hello, 3, 2000, &out);
	is_int(n, -RFS_ETOOBIG, "a result over the limit is refused");
}

static const struct rec_node *node(struct rfs_record *rec, const char *path)
{
	return rec_find(rec, path);
}

static void test_record(void)
{
	struct rec_options o = { .timeout_ms = 2000 };
	struct rfs_record *rec = rec_new(&o);
	const struct rec_node *x;
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

static void test_tar(void)
{
	char longname[400], longlink[300], data[3000], got[4000];
	int fd = memfd_create("t", 0);
	struct tar_out w;
	struct tar_in *t = malloc(sizeof(*t));
	int n = 0, ret;

	memset(longname, 0, sizeof(longname));
	for (int i = 0; i < 30; i++)
		strcat(longname, "component/");
	strcat(longname, "file");
	memset(longlink, 'l', 200);
	longlink[200] = '\0';
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	ok(tar_out_open(&w, fd, 1700000000) == 0, "tar writer opens");
	ok(tar_out_dir(&w, "tree_top/dir") == 0 && tar_out_file(&w, "tree_top/short", "hi\n", 3) == 0 &&
	   tar_out_file(&w, longname, data, sizeof(data)) == 0 &&
	   tar_out_link(&w, "tree_top/link", longlink) == 0 && tar_out_file(&w, "tree_top/empty", "", 0) == 0,
	   "members written");
	ok(tar_out_close(&w) == 0, "archive closed");
	lseek(fd, 0, SEEK_SET);
	ok(tar_in_open(t, fd, 64 << 20) == 0, "tar reader opens");
	while ((ret = tar_in_next(t)) > 0) {
		ssize_t k;

		n++;
		if (n == 1)
			ok(t->type == TAR_DIR && strcmp(t->path, "tree_top/dir/") == 0, "a directory");
		if (n == 2) {
			k = tar_in_read(t, got, sizeof(got));
			ok(t->type == TAR_FILE && k == 3 && memcmp(got, "hi\n", 3) == 0, "a short file");
		}
		if (n == 3) {
			k = tar_in_read(t, got, sizeof(got));
			ok(strcmp(t->path, longname) == 0, "a name longer than ustar holds comes back whole");
			ok(k == (ssize_t)sizeof(data) && memcmp(got, data, sizeof(data)) == 0,
			   "with its content");
		}
		if (n == 4)
			ok(t->type == TAR_SYMLINK && strcmp(t->link, longlink) == 0,
			   "a long symlink target comes back whole");
		if (n == 5)
			ok(t->type == TAR_FILE && t->size == 0, "an empty file");
	}
	is_int(ret, 0, "the archive ends cleanly");
	is_int(n, 5, "five members");
	tar_in_close(t);
	close(fd);

	/* Garbage after a valid xz header is an error, not a hang or a crash. */
	fd = memfd_create("t", 0);
	if (write(fd, "\xfd" "7zXZ\0garbage garbage garbage", 30) != 30)
		exit(99);
	lseek(fd, 0, SEEK_SET);
	tar_in_open(t, fd, 64 << 20);
	is_int(tar_in_next(t), -EBADMSG, "a corrupt stream is refused");
	ok(t->why != NULL, "with a reason (%s)", t->why ? t->why : "none");
	tar_in_close(t);
	close(fd);
	free(t);
}

static void test_redact(void)
{
	struct redactor x = { .on = true };
	char host_long[] = "myhost.example.org", host[] = "myhost", user[] = "alice";
	char *hosts[] = { host_long, host }, *users[] = { user };
	const char *log = "e1000e 0000:00:19.0 eth0: (PCI Express:2.5GT/s) 00:1f:16:0a:bb:CC\n"
			  "usb 1-1: SerialNumber: 4C530001230314113392\n"
			  "host myhost ok, myhost.example.org, myhostname, alice logged, malice\n"
			  "0000:00:02.0 fe:ed 2001:db8::1\n";
	const char *json = "{ \"alice\": \"alice and 00:11:22:33:44:55\", \"n\": 3 }";
	size_t len;
	char *s;

	x.words[RD_HOST] = hosts;
	x.n_words[RD_HOST] = 2;
	x.words[RD_USER] = users;
	x.n_words[RD_USER] = 1;
	s = redact(&x, log, strlen(log), &len);
	is_str(s, "e1000e 0000:00:19.0 eth0: (PCI Express:2.5GT/s) xx:xx:xx:xx:xx:xx\n"
		  "usb 1-1: SerialNumber: SERIAL\n"
		  "host HOSTNAME ok, HOSTNAME, myhostname, USERNAME logged, malice\n"
		  "0000:00:02.0 fe:ed 2001:db8::1\n",
	       "MAC, serial number, host and user names are replaced where they stand alone");
	is_int(x.count[RD_MAC], 1, "one MAC address");
	is_int(x.count[RD_HOST], 2, "two host names");
	free(s);
	s = redact_json(&x, json, strlen(json), &len);
	is_str(s, "{ \"alice\": \"USERNAME and xx:xx:xx:xx:xx:xx\", \"n\": 3 }",
	       "in JSON, values are redacted and keys kept");
	free(s);
	ok(!report_keeps_link("proc/12/fd/3", "/home/alice/secret.txt"),
	   "a process's fd on a file is not kept");
	ok(report_keeps_link("proc/12/fd/4", "/dmabuf:name"), "a dma-buf fd is");
	ok(report_keeps_link("proc/self", "12"), "so is proc/self");
	ok(report_keeps_link("sys/bus/pci/devices/0000:00:02.0", "../../../devices/x"),
	   "and sysfs links");
	x.on = false;
	s = redact(&x, log, strlen(log), &len);
	is_str(s, log, "with redaction off, nothing changes");
	free(s);

	char maps[] = "55d0-55d1 r--p 0 08:01 1312 /usr/bin/app\n"
		      "7f00-7f04 rw-s 0 00:0e 30 /dmabuf:\n"
		      "7ffc-7ffd rw-p 0 00:00 0 [stack]\n";
	len = report_filter("proc/100/maps", maps, strlen(maps));
	maps[len] = '\0';
	is_str(maps, "7f00-7f04 rw-s 0 00:0e 30 /dmabuf:\n", "maps keep their dma-buf lines");
	char kmsg[] = "6,1,100,-;kernel line\n SUBSYSTEM=pci\n30,2,200,-;systemd line\n"
		      "14,3,300,-;user line\n4,4,400,c;another kernel line\n";
	len = report_filter("dev/kmsg", kmsg, strlen(kmsg));
	kmsg[len] = '\0';
	is_str(kmsg, "6,1,100,-;kernel line\n4,4,400,c;another kernel line\n",
	       "the kernel log keeps the kernel's records");
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
	test_record();
	test_tar();
	test_redact();
	{
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree_top);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tree_top);
	}
	return tap_done();
}

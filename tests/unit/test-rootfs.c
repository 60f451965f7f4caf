// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The rooted reader against hostile trees: escaping symlinks (relative and
 * absolute), loops, FIFOs, device nodes, oversized files; once with openat2
 * and once with the portable resolution walk.
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
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/collect.h"
#include "rootfs.h"
#include "tap.h"
#include "tree.h"

static char rootdir[512];

static void build_tree(void)
{
	char big[10000], fit[RFS_ATTR_MAX + 1], p[PATH_MAX];

	snprintf(tree_top, sizeof(tree_top), "/tmp/dmainspect-rootfs-XXXXXX");
	if (!mkdtemp(tree_top))
		exit(99);
	snprintf(rootdir, sizeof(rootdir), "%s/root", tree_top);
	tree_dir("root");
	tree_dir("outside");
	tree_file("outside/secret", "SECRET\n");
	tree_dir("root/sys");
	tree_dir("root/sys/devices");
	tree_dir("root/sys/devices/pci0");
	tree_dir("root/sys/devices/pci0/0000:00:02.0");
	tree_file("root/sys/devices/pci0/0000:00:02.0/vendor", "0x15ad\n");
	tree_file("root/sys/devices/pci0/0000:00:02.0/dma_mask_bits", "64\n");
	tree_file("root/sys/devices/pci0/0000:00:02.0/garbage", "12abc\n");
	tree_file("root/sys/devices/pci0/0000:00:02.0/empty", "");
	tree_file("root/sys/devices/pci0/0000:00:02.0/negative", "-1\n");
	tree_dir("root/sys/bus");
	tree_dir("root/sys/bus/pci");
	tree_dir("root/sys/bus/pci/devices");
	tree_dir("root/sys/bus/pci/drivers");
	tree_dir("root/sys/bus/pci/drivers/vmwgfx");
	tree_link("../../../devices/pci0/0000:00:02.0", "root/sys/bus/pci/devices/0000:00:02.0");
	tree_link("../../../bus/pci/drivers/vmwgfx", "root/sys/devices/pci0/0000:00:02.0/driver");
	/* Hostile links. */
	tree_link("../../../../outside/secret", "root/sys/devices/pci0/0000:00:02.0/rel_escape");
	tree_link("/outside/secret", "root/sys/abs_escape");
	tree_link("/sys/devices/pci0/0000:00:02.0/vendor", "root/sys/abs_inside");
	tree_link("loop_b", "root/sys/loop_a");
	tree_link("loop_a", "root/sys/loop_b");
	snprintf(p, sizeof(p), "%s/outside", tree_top);
	tree_link(p, "root/sys/host_abs");	/* absolute host path: must stay in the root */
	snprintf(p, sizeof(p), "%s/root/sys/fifo", tree_top);
	mkfifo(p, 0644);
	snprintf(p, sizeof(p), "%s/root/sys/null", tree_top);
	if (mknod(p, S_IFCHR | 0666, makedev(1, 3)) < 0)
		tree_file("root/sys/null", "");	/* not root: the FIFO covers the case */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tree_file("root/sys/big", big);
	/* Exactly what an attribute buffer holds, and one byte more. */
	memset(fit, 'y', sizeof(fit) - 1);
	fit[RFS_ATTR_MAX - 1] = '\0';
	tree_file("root/sys/fits", fit);
	fit[RFS_ATTR_MAX - 1] = 'y';
	fit[RFS_ATTR_MAX] = '\0';
	tree_file("root/sys/fits_not", fit);
	tree_dir("root/dev");
	tree_file("root/dev/kmsg", "6,1,100,-;iommu: Default domain type: Translated\n");
	tree_dir("root/sys/firmware");
	tree_file("root/sys/firmware/..dots", "ok\n");
}

static void run(bool no_openat2)
{
	struct rootfs r;
	char buf[RFS_ATTR_MAX], path[PATH_MAX];
	long long v;
	ssize_t n;
	char *s;
	int dfd, fd;
	const char *m = no_openat2 ? "walk" : "openat2";

	is_int(rfs_init(&r, rootdir), 0, "%s: init", m);
	r.no_openat2 = no_openat2;

	n = rfs_read_line(&r, RFS_ROOT, "sys/bus/pci/devices/0000:00:02.0/vendor", buf, sizeof(buf));
	is_str(n > 0 ? buf : NULL, "0x15ad", "%s: read through a relative link", m);
	n = rfs_read_line(&r, RFS_ROOT, "/sys/abs_inside", buf, sizeof(buf));
	is_str(n > 0 ? buf : NULL, "0x15ad", "%s: absolute link resolves inside the root", m);

	n = rfs_read(&r, RFS_ROOT, "sys/devices/pci0/0000:00:02.0/rel_escape", buf, sizeof(buf));
	ok(n < 0 && !strstr(buf, "SECRET"), "%s: relative link cannot escape (%s)", m,
	   di_strerror((int)n));
	n = rfs_read(&r, RFS_ROOT, "sys/abs_escape", buf, sizeof(buf));
	ok(n < 0 && !strstr(buf, "SECRET"), "%s: absolute link cannot escape (%s)", m,
	   di_strerror((int)n));
	n = rfs_read(&r, RFS_ROOT, "../outside/secret", buf, sizeof(buf));
	ok(n < 0 && !strstr(buf, "SECRET"), "%s: '..' stops at the root", m);
	n = rfs_read(&r, RFS_ROOT, "sys/host_abs/secret", buf, sizeof(buf));
	ok(n < 0 && !strstr(buf, "SECRET"), "%s: a host path in a link stays in the root", m);

	n = rfs_read(&r, RFS_ROOT, "sys/loop_a", buf, sizeof(buf));
	is_int(n, -ELOOP, "%s: symlink loop is ELOOP", m);
	n = rfs_read(&r, RFS_ROOT, "sys/fifo", buf, sizeof(buf));
	is_int(n, -RFS_ENOTREG, "%s: FIFO is refused without blocking", m);
	n = rfs_read(&r, RFS_ROOT, "sys/null", buf, sizeof(buf));
	is_int(n, -RFS_ENOTREG, "%s: device node (or empty stand-in) is refused", m);
	n = rfs_read(&r, RFS_ROOT, "sys/big", buf, sizeof(buf));
	is_int(n, -RFS_ETOOBIG, "%s: oversized attribute is refused", m);
	n = rfs_read(&r, RFS_ROOT, "sys/fits", buf, sizeof(buf));
	is_int(n, RFS_ATTR_MAX - 1, "%s: an attribute that just fits is read whole", m);
	n = rfs_read(&r, RFS_ROOT, "sys/fits_not", buf, sizeof(buf));
	is_int(n, -RFS_ETOOBIG, "%s: one byte more is too big", m);
	n = rfs_read_alloc(&r, RFS_ROOT, "sys/big", 9999, &s);
	is_int(n, 9999, "%s: read_alloc reads a file of exactly its limit", m);
	free(s);
	fd = rfs_open(&r, RFS_ROOT, "sys/fifo", O_RDONLY | O_DIRECTORY);
	is_int(fd, -ENOTDIR, "%s: a FIFO opened as a directory is ENOTDIR without blocking", m);
	fd = rfs_open(&r, RFS_ROOT, "sys/null", O_RDONLY | O_DIRECTORY);
	is_int(fd, -ENOTDIR, "%s: a device node opened as a directory is ENOTDIR", m);
	fd = rfs_open(&r, RFS_ROOT, "sys/fifo", O_PATH);
	ok(fd >= 0, "%s: O_PATH of a FIFO opens nothing and does not block", m);
	if (fd >= 0)
		close(fd);
	fd = rfs_open(&r, RFS_ROOT, "sys/devices", O_RDONLY);
	ok(fd >= 0, "%s: a directory opens for reading without O_DIRECTORY", m);
	if (fd >= 0)
		close(fd);
	n = rfs_read_alloc(&r, RFS_ROOT, "sys/big", 20000, &s);
	is_int(n, 9999, "%s: read_alloc reads a large file whole", m);
	free(s);
	n = rfs_read_alloc(&r, RFS_ROOT, "sys/big", 5000, &s);
	is_int(n, -RFS_ETOOBIG, "%s: read_alloc honours its limit", m);
	n = rfs_read(&r, RFS_ROOT, "sys/firmware/..dots", buf, sizeof(buf));
	is_int(n, 3, "%s: names starting with dots are plain names", m);
	n = rfs_read(&r, RFS_ROOT, "sys/nonexistent", buf, sizeof(buf));
	is_int(n, -ENOENT, "%s: missing file is ENOENT", m);

	/* Device-relative reads. */
	dfd = rfs_open(&r, RFS_ROOT, "sys/bus/pci/devices/0000:00:02.0", O_PATH | O_DIRECTORY);
	ok(dfd >= 0, "%s: device directory opens through its bus link", m);
	is_int(rfs_read_ll(&r, dfd, "vendor", &v), 0, "%s: hex attribute parses", m);
	is_int(v, 0x15ad, "%s: hex attribute value", m);
	is_int(rfs_read_ll(&r, dfd, "dma_mask_bits", &v), 0, "%s: decimal attribute parses", m);
	is_int(v, 64, "%s: decimal attribute value", m);
	is_int(rfs_read_ll(&r, dfd, "garbage", &v), -EINVAL, "%s: trailing garbage is EINVAL", m);
	is_int(rfs_read_ll(&r, dfd, "empty", &v), -ENODATA, "%s: empty attribute is ENODATA", m);
	is_int(rfs_read_ll(&r, dfd, "negative", &v), 0, "%s: negative number parses", m);
	is_int(v, -1, "%s: negative value", m);
	{
		unsigned long long u;

		is_int(rfs_read_ull(&r, dfd, "negative", &u), -EINVAL, "%s: unsigned refuses '-1'", m);
	}
	n = rfs_read(&r, dfd, "rel_escape", buf, sizeof(buf));
	ok(n < 0 && !strstr(buf, "SECRET"), "%s: beneath a device, an escaping link fails", m);
	n = rfs_read(&r, dfd, "../0000:00:02.0/vendor", buf, sizeof(buf));
	ok(n < 0, "%s: beneath a device, '..' fails", m);
	n = rfs_link_name(&r, dfd, "driver", buf, sizeof(buf));
	is_str(n > 0 ? buf : NULL, "vmwgfx", "%s: link name of driver", m);
	fd = rfs_open(&r, dfd, "vendor", O_RDONLY | O_DIRECTORY);
	is_int(fd, -ENOTDIR, "%s: O_DIRECTORY on a file is ENOTDIR", m);
	close(dfd);

	is_int(rfs_realpath(&r, "sys/bus/pci/devices/0000:00:02.0", path, sizeof(path)), 0,
	       "%s: realpath succeeds", m);
	is_str(path, "/sys/devices/pci0/0000:00:02.0", "%s: realpath is canonical", m);
	is_int(rfs_realpath(&r, "sys/abs_escape", path, sizeof(path)), -ENOENT,
	       "%s: realpath of an escaping link does not leave the root", m);

	n = rfs_read_kmsg(&r, 1 << 20, &s);
	ok(n > 0 && strstr(s, "Default domain type"), "%s: snapshot kernel log is dev/kmsg", m);
	free(s);

	rfs_fini(&r);
}

/* A directory listed once: reads, refusals, and a directory that goes away under it. */
static void test_dir(void)
{
	struct rootfs r;
	struct rfs_dir d;
	char buf[RFS_ATTR_MAX], p[PATH_MAX];
	long long v;
	ssize_t n;

	if (rfs_init(&r, rootdir) < 0)
		exit(99);
	is_int(rfs_dir_open(&r, RFS_ROOT, "sys/devices/pci0/0000:00:02.0", &d), 0, "dir: opens");
	ok(d.listed, "dir: listed (no observer)");
	is_int(rfs_dir_read_ll(&d, "dma_mask_bits", &v), 0, "dir: an attribute reads");
	is_int((int)v, 64, "dir: with its value");
	is_int(rfs_dir_read_line(&d, "vendor", buf, sizeof(buf)), 6, "dir: a line reads");
	is_str(buf, "0x15ad", "dir: without its newline");
	ok(rfs_dir_lacks(&d, "of_node") && !rfs_dir_lacks(&d, "vendor") &&
	   !rfs_dir_lacks(&d, "driver"), "dir: the listing tells what is missing");
	is_int(rfs_dir_read(&d, "of_node", buf, sizeof(buf)), -ENOENT, "dir: a missing name");
	ok(!d.missed, "dir: missing as listed is not a miss");
	n = rfs_dir_read(&d, "rel_escape", buf, sizeof(buf));
	ok(n < 0 && !strstr(buf, "SECRET"), "dir: an escaping link is not followed out");
	is_int(rfs_dir_read(&d, "a/b", buf, sizeof(buf)), -ENOENT, "dir: a path takes the careful way");
	is_int(rfs_dir_link_name(&d, "driver", buf, sizeof(buf)), 6, "dir: a link's name");
	is_str(buf, "vmwgfx", "dir: is its target's last component");
	is_int(rfs_dir_readlink(&d, "vendor", buf, sizeof(buf)), -EINVAL, "dir: readlink of a file");
	rfs_dir_close(&d);

	is_int(rfs_dir_open(&r, RFS_ROOT, "sys", &d), 0, "dir: sys opens");
	is_int(rfs_dir_read(&d, "fifo", buf, sizeof(buf)), -RFS_ENOTREG, "dir: a FIFO is refused");
	is_int(rfs_dir_read(&d, "big", buf, sizeof(buf)), -RFS_ETOOBIG, "dir: an oversized file");
	is_int(rfs_dir_read(&d, "fits", buf, sizeof(buf)), RFS_ATTR_MAX - 1, "dir: a file that fits");
	rfs_dir_close(&d);

	/* A device that goes away while it is read. */
	tree_dirs("root/sys/devices/gone");
	tree_file("root/sys/devices/gone/a", "1\n");
	tree_file("root/sys/devices/gone/b", "2\n");
	is_int(rfs_dir_open(&r, RFS_ROOT, "sys/devices/gone", &d), 0, "gone: opens");
	is_int(rfs_dir_read_ll(&d, "a", &v), 0, "gone: read before");
	tree_path(p, sizeof(p), "root/sys/devices/gone/b");
	unlink(p);
	is_int(rfs_dir_read_ll(&d, "b", &v), -ENOENT, "gone: a listed file since removed");
	ok(d.missed, "gone: is a miss");
	ok(!rfs_dir_gone(&d, "sys/devices/gone"), "gone: the directory is still there");
	tree_path(p, sizeof(p), "root/sys/devices/gone/a");
	unlink(p);
	tree_path(p, sizeof(p), "root/sys/devices/gone");
	rmdir(p);
	ok(rfs_dir_gone(&d, "sys/devices/gone"), "gone: removed");
	tree_dirs("root/sys/devices/gone");
	ok(rfs_dir_gone(&d, "sys/devices/gone"), "gone: replaced by another");
	rfs_dir_close(&d);
	rfs_fini(&r);
}

/* Whether fd is open. */
static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/*
 * The files a listed directory reads stay open until it closes, then go in
 * runs of consecutive fds: every one of them, and nothing else, even where
 * another fd sits between two, and past the eight it holds at most.
 */
static void test_dir_closes(void)
{
	struct rootfs r;
	struct rfs_dir d;
	char name[16], buf[64];
	bool before[32], read_all = true, closed = true;
	int first, other = -1, held = 0;

	tree_dirs("root/sys/devices/many");
	for (int i = 0; i < 12; i++) {
		char p[64];

		snprintf(p, sizeof(p), "root/sys/devices/many/a%d", i);
		tree_file(p, "1\n");
	}
	if (rfs_init(&r, rootdir) < 0)
		exit(99);
	is_int(rfs_dir_open(&r, RFS_ROOT, "sys/devices/many", &d), 0, "closes: opens");
	first = dup(0);
	close(first);	/* the lowest free fd: the first file read gets it */
	for (int i = 0; i < 32; i++)
		before[i] = fd_open(first + i);	/* inherited ones among them */
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "a%d", i);
		read_all &= rfs_dir_read(&d, name, buf, sizeof(buf)) == 2;
		if (i == 2)
			other = dup(0);	/* not the directory's, between two of its */
	}
	for (int i = 0; i < 32; i++)
		held += first + i != other && !before[i] && fd_open(first + i);
	ok(read_all, "closes: twelve files read");
	ok(held >= 4, "closes: files read are held until the directory closes");
	rfs_dir_close(&d);
	for (int i = 0; i < 32; i++)
		closed &= first + i == other || before[i] || !fd_open(first + i);
	ok(closed, "closes: every file read is closed with the directory");
	ok(fd_open(other), "closes: an fd between them is left open");
	close(other);
	rfs_fini(&r);
}

/*
 * openat2() fails with EAGAIN when a rename anywhere races a ".." of its
 * walk: the reader tries again, then walks itself, and never fails for it.
 */
static void test_rename_race(void)
{
	char a[PATH_MAX], b[PATH_MAX];
	int fails = 0, calls = 20000;
	struct rootfs r;
	pid_t pid;

	if (rfs_init(&r, rootdir) < 0)
		exit(99);
	tree_dir("racer");
	tree_path(a, sizeof(a), "racer");
	tree_path(b, sizeof(b), "racer2");
	pid = fork();
	if (pid == 0) {
		for (;;) {
			rename(a, b);
			rename(b, a);
		}
	}
	for (int i = 0; i < calls; i++) {
		int fd = rfs_open(&r, RFS_ROOT, "sys/bus/pci/devices/0000:00:02.0/vendor", O_PATH);

		if (fd < 0)
			fails++;
		else
			close(fd);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	is_int(fails, 0, "a link with '..' opens while renames race it (%d opens)", calls);
	rfs_fini(&r);
}

static void test_parsers(void)
{
	is_int(parse_id("0"), 0, "parse_id 0");
	is_int(parse_id("17"), 17, "parse_id 17");
	is_int(parse_id(""), -1, "parse_id empty");
	is_int(parse_id("1a"), -1, "parse_id garbage");
	is_int(parse_id("-1"), -1, "parse_id negative");
	is_int(parse_id("99999999999"), -1, "parse_id overflow");
}

static void test_joins(void)
{
	char buf[12], num[LL_TEXT_MAX];

	is_str(path_join(buf, sizeof(buf), "sys", "bus"), "sys/bus", "path_join adds one slash");
	is_str(path_join(buf, sizeof(buf), "sys/", "bus"), "sys/bus", "path_join keeps one slash");
	is_str(path_join(buf, sizeof(buf), "", "bus"), "bus", "path_join of an empty base");
	is_str(path_join(buf, sizeof(buf), "sys", ""), "sys", "path_join of an empty name");
	ok(!path_join(buf, sizeof(buf), "sys/bus", "pcie"), "path_join: 12 bytes and a NUL do not fit 12");
	is_str(path_join(buf, sizeof(buf), "sys/bus", "pci"), "sys/bus/pci", "path_join: 11 and a NUL do");
	is_str(str_concat(buf, sizeof(buf), "a", "", "bc", NULL), "abc", "str_concat");
	ok(!str_concat(buf, sizeof(buf), "0123456789", "ab", NULL), "str_concat: too long is NULL");
	is_str(str_concat(buf, sizeof(buf), "0123456789", "a", NULL), "0123456789a", "str_concat: 11 fit");
	is_str(ll_text(num, 0), "0", "ll_text 0");
	is_str(ll_text(num, -42), "-42", "ll_text -42");
	is_str(ll_text(num, -9223372036854775807LL - 1), "-9223372036854775808", "ll_text of the least");
	is_str(ll_text(num, 9223372036854775807LL), "9223372036854775807", "ll_text of the most");
}

int main(void)
{
	struct rootfs r;
	char cmd[PATH_MAX + 16];

	build_tree();
	is_int(rfs_init(&r, "/nonexistent-dmainspect"), -ENOENT, "init on a missing dir");
	run(false);
	run(true);
	test_dir();
	test_dir_closes();
	test_rename_race();
	test_parsers();
	test_joins();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree_top);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tree_top);
	return tap_done();
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The xz-compressed tar writer and reader behind 'dmainspect report' bundles:
 * members of every kind, names and link targets longer than ustar holds, and
 * a corrupt stream refused with a reason.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tap.h"
#include "tar.h"

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

int main(void)
{
	test_tar();
	return tap_done();
}

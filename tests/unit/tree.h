/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Building test trees under a scratch directory: tree_top names it, the
 * functions take paths relative to it and end the test (exit 99, a TAP
 * "hard error") when the file system refuses.
 */
#pragma once

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tree_top[256];

static inline void tree_path(char *p, size_t cap, const char *rel)
{
	snprintf(p, cap, "%s/%s", tree_top, rel);
}

static inline void tree_file(const char *rel, const char *content)
{
	char p[PATH_MAX];
	FILE *f;

	tree_path(p, sizeof(p), rel);
	f = fopen(p, "w");
	if (!f) {
		perror(p);
		exit(99);
	}
	fputs(content, f);
	fclose(f);
}

static inline void tree_dir(const char *rel)
{
	char p[PATH_MAX];

	tree_path(p, sizeof(p), rel);
	if (mkdir(p, 0755) < 0 && errno != EEXIST) {
		perror(p);
		exit(99);
	}
}

/* tree_dir() for REL and every directory above it (mkdir -p). */
static inline void tree_dirs(const char *rel)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s", rel);
	for (char *s = p; (s = strchr(s + 1, '/')); ) {
		*s = '\0';
		tree_dir(p);
		*s = '/';
	}
	tree_dir(p);
}

static inline void tree_link(const char *target, const char *rel)
{
	char p[PATH_MAX];

	tree_path(p, sizeof(p), rel);
	if (symlink(target, p) < 0) {
		perror(p);
		exit(99);
	}
}

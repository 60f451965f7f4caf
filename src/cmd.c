/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What every command shares: the one way errors are printed, naming devices,
 * running a command with its output kept.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"

void di_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("dmainspect: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void select_devices(struct di_system *sys, int n_names, char **names, const char *cmd, int *missing)
{
	bool *keep = xcalloc(sys->n_devs + 1, sizeof(bool));
	size_t n = 0;

	for (int i = 0; i < n_names; i++) {
		bool found = false;

		for (size_t k = 0; k < sys->n_devs; k++) {
			const struct di_device *d = &sys->devs[k];

			if (strcmp(d->name, names[i]) == 0 || strcmp(d->path, names[i]) == 0 ||
			    strv_contains(&d->drm_nodes, names[i])) {
				keep[k] = true;
				found = true;
			}
		}
		if (!found) {
			di_err("%s: %s: no such device (see 'dmainspect list')", cmd, names[i]);
			(*missing)++;
		}
	}
	for (size_t k = 0; k < sys->n_devs; k++) {
		if (keep[k])
			sys->devs[n++] = sys->devs[k];
		else
			device_free(&sys->devs[k]);
	}
	sys->n_devs = n;
	free(keep);
}

/* The whole of the file FD into *out (NUL-terminated); -errno when it cannot be read. */
static int slurp(int fd, char **out, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n = 0;

	if (fstat(fd, &st) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	buf = xmalloc((size_t)st.st_size + 1);
	while (n < st.st_size) {
		ssize_t k = read(fd, buf + n, (size_t)(st.st_size - n));

		if (k <= 0)
			break;
		n += k;
	}
	buf[n] = '\0';
	*out = buf;
	*len = (size_t)n;
	return 0;
}

int run_captured(struct di_ctx *ctx, const struct command *c, struct captured *cap)
{
	char *argv[] = { (char *)c->name, NULL };
	int out = memfd_create("dmainspect-stdout", MFD_CLOEXEC);
	int err = memfd_create("dmainspect-stderr", MFD_CLOEXEC);
	int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
	struct render_opts ro = ctx->ro;
	int ret = -EIO;

	if (out < 0 || err < 0 || saved_out < 0 || saved_err < 0)
		goto done;
	fflush(stdout);
	fflush(stderr);
	if (dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
		goto restore;
	ctx->ro.json = true;
	ctx->ro.color = false;
	ctx->ro.verbose = false;
	cap->status = c->run(ctx, 1, argv);
	ctx->ro = ro;
	fflush(stdout);
	fflush(stderr);
	ret = 0;
restore:
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	clearerr(stdout);
	if (!ret)
		ret = slurp(out, &cap->json, &cap->json_len);
	if (!ret)
		ret = slurp(err, &cap->messages, &cap->messages_len);
done:
	if (out >= 0)
		close(out);
	if (err >= 0)
		close(err);
	if (saved_out >= 0)
		close(saved_out);
	if (saved_err >= 0)
		close(saved_err);
	return ret;
}

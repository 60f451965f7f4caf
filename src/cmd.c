/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every command shares: the one way errors are printed; naming devices. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The system calls `dmainspect list --json` cannot do without on a tree of
 * PCI functions, and nothing else: for each entry of sys/bus/pci/devices, its
 * link read, the function's directory opened under its parent (opened once)
 * and listed (a reader that will not open a device node or a FIFO by
 * mistake needs each name's type first), its six attributes opened, read
 * and closed (modalias, revision, both DMA masks, numa_node, removable), its
 * driver, iommu_group and iommu links read, and the directory closed. No
 * parsing, no output but a checksum. tests/bench/list.sh times it beside
 * lspci: what is left of the target for all of dmainspect's own work.
 *
 * Usage: floor ROOT
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const attrs[] = { "modalias", "revision", "dma_mask_bits",
				     "consistent_dma_mask_bits", "numa_node", "removable" };
static const char *const links[] = { "driver", "iommu_group", "iommu" };

int main(int argc, char **argv)
{
	char path[PATH_MAX], target[PATH_MAX], parent[PATH_MAX] = "", buf[4096];
	static char dents[8192];
	int bus, pfd = -1;
	struct dirent *de;
	long sum = 0;
	DIR *d;

	if (argc != 2) {
		fprintf(stderr, "usage: floor ROOT\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices", argv[1]);
	bus = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = bus < 0 ? NULL : fdopendir(bus);
	if (!d) {
		perror(path);
		return 1;
	}
	while ((de = readdir(d))) {
		ssize_t n;
		char *slash;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(bus, de->d_name, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		slash = strrchr(target, '/');
		if (!slash)
			continue;
		*slash = '\0';
		if (pfd < 0 || strcmp(parent, target) != 0) {
			if (pfd >= 0)
				close(pfd);
			snprintf(parent, sizeof(parent), "%s", target);
			pfd = openat(bus, parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
		}
		fd = openat(pfd, slash + 1, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		sum += syscall(SYS_getdents64, fd, dents, sizeof(dents));
		for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
			int a = openat(fd, attrs[i], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

			if (a >= 0) {
				sum += read(a, buf, sizeof(buf));
				close(a);
			}
		}
		for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
			sum += readlinkat(fd, links[i], buf, sizeof(buf));
		close(fd);
	}
	closedir(d);
	printf("%ld\n", sum);
	return 0;
}

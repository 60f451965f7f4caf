// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Device-tree properties as the kernel exposes them under
 * /sys/firmware/devicetree/base: raw bytes, big-endian 32-bit cells, and
 * lists of NUL-terminated strings (of_property_match_string()).
 */
#include "config.h"

#include <string.h>

#include "parse.h"

bool dt_strlist_has(const char *s, size_t n, const char *want)
{
	size_t w = strlen(want);

	for (size_t i = 0; i < n;) {
		size_t len = strnlen(s + i, n - i);

		if (len == w && memcmp(s + i, want, w) == 0)
			return true;
		i += len + 1;
	}
	return false;
}

bool dt_cells(const unsigned char *p, size_t n, uint32_t cells, uint64_t *v)
{
	if (cells < 1 || cells > 2 || n < cells * 4)
		return false;
	*v = 0;
	for (size_t i = 0; i < cells * 4; i++)
		*v = *v << 8 | p[i];
	return true;
}

/*
 * __reserved_mem_reserve_reg() takes reg's entries; a node without reg but
 * with size is allocated at boot (__reserved_mem_alloc_size()), at no fixed
 * start.
 */
void dt_rmem_range(const unsigned char *reg, ssize_t n_reg, const unsigned char *size,
		   ssize_t n_size, uint32_t ac, uint32_t sc, struct uval *start, struct uval *len)
{
	uint64_t a, s;

	if (n_reg >= 0) {
		if (dt_cells(reg, (size_t)n_reg, ac, &a) &&
		    dt_cells(reg + ac * 4, (size_t)n_reg - ac * 4, sc, &s)) {
			uval_set(start, a);
			uval_set(len, s);
		}
	} else if (n_size == (ssize_t)sc * 4 && dt_cells(size, (size_t)n_size, sc, &s)) {
		uval_set(len, s);
	}
}

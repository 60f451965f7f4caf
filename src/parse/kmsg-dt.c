// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Kernel log lines about device-tree DMA configuration: coherency (dynamic
 * debug only), reserved-memory pools and the devices they are assigned to.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "kmsg-lex.h"
#include "kmsg.h"

/* "<drv> <dev>: " + MSG at the end of text: the device, else false. */
static const char *dev_message(const char *text, const char *msg, char *dev, size_t cap)
{
	const char *at = strstr(text, msg);
	char drv[64];

	if (!at || !kl_dev_prefix(text, at, drv, sizeof(drv), dev, cap))
		return NULL;
	return at + strlen(msg);
}

bool kmsg_parse_dt_coherent(const char *text, char *dev, size_t cap, bool *coherent)
{
	const char *p = dev_message(text, "device is ", dev, cap);

	if (!p)
		return false;
	if (strcmp(p, "dma coherent") == 0)
		*coherent = true;
	else if (strcmp(p, "not dma coherent") == 0)
		*coherent = false;
	else
		return false;
	return true;
}

/* A device-tree node name: "restricted-dma-pool@70000000". */
static bool node_name(const char *s, const char *e, char *buf, size_t cap)
{
	for (const char *p = s; p < e; p++)
		if (*p == '/' || *p == ',' || *p == ' ')
			return false;
	return kl_copy_name(s, e, buf, cap);
}

bool kmsg_parse_rmem_assigned(const char *text, char *dev, size_t cap, char *node, size_t ncap)
{
	const char *p = dev_message(text, "assigned reserved memory node ", dev, cap);

	return p && node_name(p, p + strlen(p), node, ncap);
}

bool kmsg_parse_rmem_created(const char *text, enum kmsg_rmem_kind *kind, uint64_t *base,
			     uint64_t *mib)
{
	static const struct {
		const char *what;
		enum kmsg_rmem_kind kind;
	} k[] = {
		{ "DMA memory pool", RMEM_COHERENT },
		{ "restricted DMA pool", RMEM_RESTRICTED },
		{ "CMA memory pool", RMEM_CMA },
	};
	const char *p = kl_skip(text, "Reserved memory: created "), *q = NULL;

	for (size_t i = 0; p && !q && i < sizeof(k) / sizeof(k[0]); i++) {
		q = kl_skip(p, k[i].what);
		*kind = k[i].kind;
	}
	q = kl_parse_hex(kl_skip(q, " at "), base, true);
	q = kl_parse_dec(kl_skip(q, ", size "), mib);
	return q && strcmp(q, " MiB") == 0;
}

bool kmsg_parse_rmem_initialized(const char *text, char *node, size_t ncap, char *compat,
				 size_t ccap)
{
	static const char sep[] = ", compatible id ";
	const char *p = kl_skip(text, "OF: reserved mem: initialized node "), *c, *e;

	if (!p || !(c = strstr(p, sep)) || !node_name(p, c, node, ncap))
		return false;
	c += sizeof(sep) - 1;
	e = c + strlen(c);
	/* A compatible is "vendor,name": a node name with at most one comma. */
	if (e - c >= (ptrdiff_t)ccap || !*c || strchr(c, ' ') ||
	    (strchr(c, ',') && strchr(c, ',') != strrchr(c, ',')))
		return false;
	for (const char *q = c; q < e; q++)
		if (*q != ',' && !kl_name_char(*q))
			return false;
	memcpy(compat, c, (size_t)(e - c) + 1);
	return true;
}

bool kmsg_parse_swiotlb_adjusted(const char *text, uint64_t *mb)
{
	const char *p = kl_skip(text, "software IO TLB: SWIOTLB bounce buffer size adjusted to ");

	p = kl_parse_dec(p, mb);
	return p && strcmp(p, "MB") == 0 && *mb > 0;
}

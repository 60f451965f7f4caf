/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/hashmap.h"
#include "shared/xalloc.h"

/* A 64-bit multiply and shift of each word: 8 bytes a step, the low bits mixed for the slots. */
static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15u;
	return h ^ (h >> 29);
}

size_t hmap_hash(size_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t x = h, w;

	for (; len >= sizeof(w); p += sizeof(w), len -= sizeof(w)) {
		memcpy(&w, p, sizeof(w));
		x = mix(x, w);
	}
	if (len) {
		w = (uint64_t)len << 56;
		for (size_t i = 0; i < len; i++)
			w ^= (uint64_t)p[i] << (8 * i);
		x = mix(x, w);
	}
	return (size_t)x;
}

/* The slot holding a match for key, or the empty slot where it would go. */
static struct hmap_slot *find(const struct hmap *m, size_t hash, hmap_match_fn match,
			      const void *key)
{
	for (size_t i = hash & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct hmap_slot *s = &m->slot[i];

		if (!s->item || (s->hash == hash && match && match(s->item, key)))
			return s;
	}
}

void *hmap_get(const struct hmap *m, size_t hash, hmap_match_fn match, const void *key)
{
	return m->cap ? find(m, hash, match, key)->item : NULL;
}

void hmap_add(struct hmap *m, size_t hash, void *item)
{
	if ((m->n + 1) * 10 > m->cap * 7) {
		struct hmap g = { .cap = m->cap ? m->cap * 2 : 64, .n = m->n };

		g.slot = xcalloc(g.cap, sizeof(*g.slot));
		for (size_t i = 0; i < m->cap; i++)
			if (m->slot[i].item)
				*find(&g, m->slot[i].hash, NULL, NULL) = m->slot[i];
		free(m->slot);
		*m = g;
	}
	*find(m, hash, NULL, NULL) = (struct hmap_slot){ hash, item };
	m->n++;
}

void hmap_free(struct hmap *m, void (*free_item)(void *item))
{
	for (size_t i = 0; free_item && i < m->cap; i++)
		if (m->slot[i].item)
			free_item(m->slot[i].item);
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

static bool str_match(const void *item, const void *key)
{
	return strcmp(item, key) == 0;
}

bool strset_add(struct hmap *set, const char *s)
{
	size_t h = hmap_hash(HMAP_SEED, s, strlen(s));

	if (hmap_get(set, h, str_match, s))
		return false;
	hmap_add(set, h, xstrdup(s));
	return true;
}

bool strset_has(const struct hmap *set, const char *s)
{
	return hmap_get(set, hmap_hash(HMAP_SEED, s, strlen(s)), str_match, s) != NULL;
}

void strset_free(struct hmap *set)
{
	hmap_free(set, free);
}

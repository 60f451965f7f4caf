/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An open-addressing hash map of caller-owned items. The caller hashes its
 * key (hmap_hash) and says how an item matches a key; the map keeps each
 * item's hash, so it can grow without knowing the items. Growing never fails
 * (see xalloc.h).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct hmap_slot {
	size_t hash;
	void *item;		/* NULL: empty */
};

struct hmap {
	struct hmap_slot *slot;
	size_t cap, n;		/* cap: 0 or a power of two */
};

#define HMAP_SEED ((size_t)2166136261u)

/* A hash of len bytes, continuing from h (HMAP_SEED to start). */
size_t hmap_hash(size_t h, const void *data, size_t len);

typedef bool (*hmap_match_fn)(const void *item, const void *key);

void *hmap_get(const struct hmap *m, size_t hash, hmap_match_fn match, const void *key);
/* Add an item no other item matches. */
void hmap_add(struct hmap *m, size_t hash, void *item);
/* Free the slots, and each item with free_item when given. */
void hmap_free(struct hmap *m, void (*free_item)(void *item));

/* A set of strings on the map (each a copy): true when s was added, false when there. */
bool strset_add(struct hmap *set, const char *s);
bool strset_has(const struct hmap *set, const char *s);
void strset_free(struct hmap *set);

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Runs a fuzz target without libFuzzer: every seed file given, then a fixed
 * number of deterministic mutations of them (bit flips, truncations,
 * insertions of bytes that matter to text parsers, splices). Prints one TAP
 * line; a crash or an abort() in the target fails the test by itself.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*len + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		size_t n = fread(buf + *len, 1, cap - *len, f);

		if (!n)
			break;
		*len += n;
	}
	fclose(f);
	return buf;
}

static const char interesting[] = "\n\t :=-x0[]()@,;\\\"\xff";

int main(int argc, char **argv)
{
	long iterations = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	uint8_t **seeds = calloc((size_t)argc, sizeof(*seeds));
	size_t *lens = calloc((size_t)argc, sizeof(*lens));
	int n = 0;

	if (argc < 3 || !seeds || !lens) {
		fprintf(stderr, "usage: %s ITERATIONS SEED...\n", argv[0]);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		seeds[n] = slurp(argv[i], &lens[n]);
		if (!seeds[n]) {
			printf("not ok 1 - cannot read seed %s\n1..1\n", argv[i]);
			return 1;
		}
		LLVMFuzzerTestOneInput(seeds[n], lens[n]);
		n++;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	for (long it = 0; it < iterations; it++) {
		size_t k = rnd() % (size_t)n, len = lens[k];
		uint8_t *b = malloc(len * 2 + 64);
		int edits = 1 + (int)(rnd() % 8);

		if (!b)
			abort();
		memcpy(b, seeds[k], len);
		while (edits--) {
			size_t at = len ? rnd() % (len + 1) : 0;

			switch (rnd() % 5) {
			case 0:	/* flip a bit */
				if (at < len)
					b[at] ^= (uint8_t)(1u << (rnd() % 8));
				break;
			case 1:	/* truncate */
				len = at;
				break;
			case 2:	/* insert a byte that matters to text parsers */
				if (len < lens[k] * 2 + 32) {
					memmove(b + at + 1, b + at, len - at);
					b[at] = (uint8_t)interesting[rnd() % (sizeof(interesting) - 1)];
					len++;
				}
				break;
			case 3:	/* delete a byte */
				if (at < len) {
					memmove(b + at, b + at + 1, len - at - 1);
					len--;
				}
				break;
			default: {	/* overwrite with a digit or a huge number's start */
				if (at < len)
					b[at] = (uint8_t)("0123456789abcdefffff"[rnd() % 20]);
			}
			}
		}
		LLVMFuzzerTestOneInput(b, len);
		free(b);
	}
	printf("ok 1 - %s: %d seeds and %ld mutations parsed without a crash or a broken promise\n1..1\n",
	       strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0], n, iterations);
	for (int i = 0; i < n; i++)
		free(seeds[i]);
	free(seeds);
	free(lens);
	return 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel command line, split and read the way the kernel does
 * (kernel/params.c next_arg(), lib/kstrtox.c kstrtobool()), for the words
 * that decide the IOMMU and SWIOTLB setup.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* kstrtobool(): only the first one or two characters count. */
static int parse_bool(const char *v, struct ival *out)
{
	int b = -1;

	if (!v) {
		out->set = false;
		out->err = -EINVAL;
		return 0;
	}
	switch (v[0]) {
	case 'y': case 'Y': case '1':
		b = 1;
		break;
	case 'n': case 'N': case '0':
		b = 0;
		break;
	case 'o': case 'O':
		if (v[1] == 'n' || v[1] == 'N')
			b = 1;
		else if (v[1] == 'f' || v[1] == 'F')
			b = 0;
		break;
	}
	if (b < 0) {
		out->set = false;
		out->err = -EINVAL;
	} else {
		ival_set(out, b);
	}
	return 0;
}

/* Comma-separated options, appended in order. */
static void add_options(struct strv *sv, const char *v)
{
	char *copy, *save = NULL, *tok;

	if (!v || !*v)
		return;
	copy = xstrdup(v);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		strv_add(sv, tok);
	free(copy);
}

/*
 * kernel/dma/swiotlb.c setup_io_tlb_npages() (6.1): "<nslabs>[,<nareas>][,force|noforce]",
 * numbers in any base simple_strtoul() takes, nslabs rounded up to IO_TLB_SEGSIZE (128).
 */
static void parse_swiotlb(const char *v, struct di_cmdline *c, bool *noforce)
{
	char *end;

	if (!v)
		return;
	if (isdigit((unsigned char)*v)) {
		unsigned long long n = strtoull(v, &end, 0);

		if (n <= (1ULL << 40))
			ival_set(&c->swiotlb_nslabs, (long long)((n + 127) / 128 * 128));
		v = end;
	}
	if (*v == ',')
		v++;
	if (isdigit((unsigned char)*v)) {
		unsigned long long n = strtoull(v, &end, 0);

		if (n <= (1ULL << 20))
			ival_set(&c->swiotlb_nareas, (long long)n);
		v = end;
	}
	if (*v == ',')
		v++;
	/* Both flags may be set; swiotlb_init_remap() honours noforce first. */
	if (strcmp(v, "force") == 0 && !*noforce)
		ival_set(&c->swiotlb_force, 1);
	else if (strcmp(v, "noforce") == 0) {
		ival_set(&c->swiotlb_force, 0);
		*noforce = true;
	}
}

/* Compare a parameter name, '-' and '_' alike (kernel/params.c parameq()). */
static bool param_is(const char *name, size_t len, const char *want)
{
	if (strlen(want) != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char a = name[i] == '-' ? '_' : name[i], b = want[i] == '-' ? '_' : want[i];

		if (a != b)
			return false;
	}
	return true;
}

static void one_param(char *word, struct di_cmdline *c, bool *noforce)
{
	static const char *const known[] = {
		"iommu.passthrough", "iommu.strict", "iommu", "intel_iommu", "amd_iommu",
		"swiotlb", "mem_encrypt",
	};
	char *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	char *val = eq ? eq + 1 : NULL;
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (param_is(word, len, known[i]))
			break;
	if (i == sizeof(known) / sizeof(known[0]))
		return;
	strv_add(&c->words, word);
	if (val && *val == '"') {
		size_t n = strlen(++val);

		if (n && val[n - 1] == '"')
			val[n - 1] = '\0';
	}
	switch (i) {
	case 0:
		parse_bool(val, &c->iommu_passthrough);
		break;
	case 1:
		parse_bool(val, &c->iommu_strict);
		break;
	case 2:
		add_options(&c->iommu, val);
		break;
	case 3:
		add_options(&c->intel_iommu, val);
		break;
	case 4:
		add_options(&c->amd_iommu, val);
		break;
	case 5:
		parse_swiotlb(val, c, noforce);
		break;
	case 6:
		sval_set(&c->mem_encrypt, val ? val : "");
		break;
	}
}

void cmdline_parse(const char *s, struct di_cmdline *c)
{
	char *buf = xstrdup(s), *p = buf;
	bool noforce = false;

	for (;;) {
		bool quote = false;
		char *w;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		/* next_arg(): a word ends at white space outside quotes. */
		w = p;
		for (; *p && (quote || !isspace((unsigned char)*p)); p++)
			if (*p == '"')
				quote = !quote;
		if (*p)
			*p++ = '\0';
		if (strcmp(w, "--") == 0)
			break;	/* the rest is for init */
		if (*w == '"') {
			size_t n = strlen(++w);

			if (n && w[n - 1] == '"')
				w[n - 1] = '\0';
		}
		one_param(w, c, &noforce);
	}
	free(buf);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* A device's own attributes: the ids a PCI function's modalias carries. */
#include "config.h"

#include <string.h>

#include "parse/parse.h"

/* TAG then exactly DIGITS hexadecimal digits (as %0NX prints them) at *p. */
static bool tagged_hex(const char **p, const char *tag, int digits, unsigned int *v)
{
	size_t len = strlen(tag);

	if (strncmp(*p, tag, len) != 0)
		return false;
	*p += len;
	*v = 0;
	for (int i = 0; i < digits; i++, (*p)++) {
		char c = **p;

		if (c >= '0' && c <= '9')
			*v = *v << 4 | (unsigned int)(c - '0');
		else if (c >= 'A' && c <= 'F')
			*v = *v << 4 | (unsigned int)(c - 'A' + 10);
		else
			return false;
	}
	return true;
}

bool parse_pci_modalias(const char *s, struct pci_ids *ids)
{
	unsigned int base, sub, prog;

	if (!tagged_hex(&s, "pci:v", 8, &ids->vendor) || !tagged_hex(&s, "d", 8, &ids->device) ||
	    !tagged_hex(&s, "sv", 8, &ids->subsystem_vendor) ||
	    !tagged_hex(&s, "sd", 8, &ids->subsystem_device) || !tagged_hex(&s, "bc", 2, &base) ||
	    !tagged_hex(&s, "sc", 2, &sub) || !tagged_hex(&s, "i", 2, &prog) || *s)
		return false;
	/* The kernel's ids are 16 bits wide (PCI_ANY_ID is for matching only). */
	if (ids->vendor > 0xffff || ids->device > 0xffff || ids->subsystem_vendor > 0xffff ||
	    ids->subsystem_device > 0xffff)
		return false;
	ids->class = base << 16 | sub << 8 | prog;
	return true;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* The kernel command line parser, against what the kernel itself does. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "parse/parse.h"
#include "tap.h"

static void parse(const char *s, struct di_cmdline *c)
{
	memset(c, 0, sizeof(*c));
	cmdline_parse(s, c);
}

static void done(struct di_cmdline *c)
{
	strv_free(&c->words);
	strv_free(&c->iommu);
	strv_free(&c->intel_iommu);
	strv_free(&c->amd_iommu);
	free(c->mem_encrypt.s);
}

static const char *join(const struct strv *v)
{
	static char buf[256];

	buf[0] = '\0';
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			strcat(buf, "|");
		strcat(buf, v->v[i]);
	}
	return buf;
}

int main(void)
{
	struct di_cmdline c;

	parse("BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet", &c);
	is_int(c.words.n, 0, "no IOMMU or SWIOTLB word");
	ok(!c.iommu_strict.set && !c.iommu_strict.err && !c.swiotlb_force.set, "nothing set");
	done(&c);

	parse("intel_iommu=on iommu.strict=1 dmainspect.config=strict console=ttyS0", &c);
	is_str(join(&c.intel_iommu), "on", "intel_iommu=on");
	ok(c.iommu_strict.set && c.iommu_strict.v == 1, "iommu.strict=1");
	is_str(join(&c.words), "intel_iommu=on|iommu.strict=1", "the known words, as written");
	done(&c);

	parse("intel-iommu=on,sm_on iommu=pt,nomerge intel_iommu=igfx_off", &c);
	is_str(join(&c.intel_iommu), "on|sm_on|igfx_off", "'-' and '_' alike; options accumulate");
	is_str(join(&c.iommu), "pt|nomerge", "iommu= options");
	done(&c);

	parse("iommu.strict=0 iommu.strict=yes iommu.passthrough=off", &c);
	ok(c.iommu_strict.set && c.iommu_strict.v == 1, "the last iommu.strict wins; 'yes' is true");
	ok(c.iommu_passthrough.set && c.iommu_passthrough.v == 0, "'off' is false");
	done(&c);

	parse("iommu.strict=maybe iommu.passthrough", &c);
	ok(!c.iommu_strict.set && c.iommu_strict.err == -EINVAL, "kstrtobool refuses 'maybe'");
	ok(!c.iommu_passthrough.set && c.iommu_passthrough.err == -EINVAL, "a bare boolean word is refused");
	done(&c);

	parse("swiotlb=force", &c);
	ok(c.swiotlb_force.set && c.swiotlb_force.v == 1 && !c.swiotlb_nslabs.set, "swiotlb=force");
	done(&c);

	parse("swiotlb=65536,force", &c);
	ok(c.swiotlb_nslabs.set && c.swiotlb_nslabs.v == 65536 && c.swiotlb_force.v == 1,
	   "swiotlb=65536,force: 128 MiB, forced");
	done(&c);

	parse("swiotlb=1000,4,noforce", &c);
	is_int(c.swiotlb_nslabs.v, 1024, "nslabs rounded up to IO_TLB_SEGSIZE (128)");
	is_int(c.swiotlb_nareas.v, 4, "nareas");
	ok(c.swiotlb_force.set && c.swiotlb_force.v == 0, "noforce");
	done(&c);

	parse("swiotlb=noforce swiotlb=force", &c);
	ok(c.swiotlb_force.set && c.swiotlb_force.v == 0, "noforce wins over a later force, as in swiotlb_init_remap()");
	done(&c);

	parse("swiotlb=0x8000", &c);
	is_int(c.swiotlb_nslabs.v, 32768, "simple_strtoul base 0: hexadecimal");
	done(&c);

	parse("swiotlb=forc", &c);
	ok(!c.swiotlb_force.set, "'forc' is neither force nor noforce");
	done(&c);

	parse("quiet -- iommu=pt swiotlb=force", &c);
	is_int(c.words.n, 0, "words after -- belong to init");
	done(&c);

	parse("foo=\"a b\" iommu=\"pt\" \"amd_iommu=off\"", &c);
	is_str(join(&c.iommu), "pt", "quoted value");
	is_str(join(&c.amd_iommu), "off", "quoted word");
	done(&c);

	parse("mem_encrypt=on   intel_iommu=   \t  ", &c);
	is_str(c.mem_encrypt.s, "on", "mem_encrypt=on");
	is_int(c.intel_iommu.n, 0, "an empty option list");
	done(&c);

	parse("\"unterminated iommu=pt", &c);
	is_int(c.iommu.n, 0, "an unterminated quote swallows the rest, as next_arg() does");
	done(&c);

	return tap_done();
}

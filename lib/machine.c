// SPDX-License-Identifier: GPL-2.0-or-later
#include <elf.h>
#include <fnmatch.h>
#include <string.h>

#include "machine.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

/*
 * uname -m names as the kernel sets them (utsname.machine; arm: "armv" + CPU architecture + 'l'
 * or 'b', e.g. armv7l).  The rows of one e_machine are together, the 64-bit one first.
 */
const struct kx_machine kx_machines[] = {
	{ "x86_64",      { "amd64" },   EM_X86_64,    "x86_64",    8, false },
	{ "i386",        { "i?86" },    EM_386,       "i386",      4, false },
	{ "aarch64",     { "arm64" },   EM_AARCH64,   "aarch64",   8, false },
	{ "arm",         { "arm*" },    EM_ARM,       "arm",       4, false },
	{ "ppc64le",     { NULL },      EM_PPC64,     "ppc64",     8, false },
	{ "ppc64",       { NULL },      EM_PPC64,     "ppc64",     8, true },
	{ "ppc",         { NULL },      EM_PPC,       "ppc",       4, true },
	{ "s390x",       { NULL },      EM_S390,      "s390",      8, true },
	{ "s390",        { NULL },      EM_S390,      "s390",      4, true },       /* 31-bit */
	{ "riscv64",     { NULL },      EM_RISCV,     "riscv",     8, false },
	{ "riscv32",     { NULL },      EM_RISCV,     "riscv",     4, false },
	{ "loongarch64", { NULL },      EM_LOONGARCH, "loongarch", 8, false },
	{ "loongarch32", { NULL },      EM_LOONGARCH, "loongarch", 4, false },
	{ "mips64",      { NULL },      EM_MIPS,      "mips",      8, true },
	{ "mips",        { NULL },      EM_MIPS,      "mips",      4, true },
	{ "sparc64",     { NULL },      EM_SPARCV9,   "sparc64",   8, true },
};

const size_t kx_nmachines = sizeof(kx_machines) / sizeof(kx_machines[0]);

static bool is_pattern(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* patterns: false for exact names only, true for patterns only */
static const struct kx_machine *find_name(const char *name, bool patterns)
{
	for (size_t i = 0; i < kx_nmachines; i++) {
		const struct kx_machine *m = &kx_machines[i];

		if (!patterns && !strcmp(m->name, name))
			return m;
		for (size_t a = 0; a < KX_MACHINE_ALIASES && m->aliases[a]; a++) {
			const char *alias = m->aliases[a];

			if (is_pattern(alias) != patterns)
				continue;
			if (patterns ? !fnmatch(alias, name, 0) : !strcmp(alias, name))
				return m;
		}
	}
	return NULL;
}

const struct kx_machine *kx_machine_by_name(const char *name)
{
	const struct kx_machine *m;

	if (!name || !*name)
		return NULL;
	m = find_name(name, false);
	return m ? m : find_name(name, true);
}

const struct kx_machine *kx_machine_by_elf(uint16_t em, int elfclass, bool big_endian)
{
	unsigned word = elfclass == ELFCLASS64 ? 8 : 4;
	const struct kx_machine *first = NULL, *same_word = NULL;

	for (size_t i = 0; i < kx_nmachines; i++) {
		const struct kx_machine *m = &kx_machines[i];

		if (m->em != em)
			continue;
		if (m->word_size == word && m->big_endian == big_endian)
			return m;
		if (m->word_size == word && !same_word)
			same_word = m;
		if (!first)
			first = m;
	}
	return same_word ? same_word : first;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/machine: the one table of machine names, e_machine, word size and byte order. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "machine.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

struct name_case {
	const char *name;
	const char *row;        /* the row's name, NULL: not found */
	uint16_t em;
	unsigned word;
	bool big;
};

static void names_and_aliases_find_their_row(void **state)
{
	static const struct name_case t[] = {
		{ "x86_64", "x86_64", EM_X86_64, 8, false },
		{ "amd64", "x86_64", EM_X86_64, 8, false },
		{ "aarch64", "aarch64", EM_AARCH64, 8, false },
		{ "arm64", "aarch64", EM_AARCH64, 8, false },    /* exact alias beats "arm*" */
		{ "ppc64le", "ppc64le", EM_PPC64, 8, false },
		{ "ppc64", "ppc64", EM_PPC64, 8, true },
		{ "ppc", "ppc", EM_PPC, 4, true },
		{ "s390x", "s390x", EM_S390, 8, true },
		{ "s390", "s390", EM_S390, 4, true },
		{ "riscv64", "riscv64", EM_RISCV, 8, false },
		{ "riscv32", "riscv32", EM_RISCV, 4, false },
		{ "loongarch64", "loongarch64", 258, 8, false },
		{ "mips64", "mips64", EM_MIPS, 8, true },
		{ "mips", "mips", EM_MIPS, 4, true },
		{ "sparc64", "sparc64", EM_SPARCV9, 8, true },
		/* names uname -m builds from the CPU */
		{ "i386", "i386", EM_386, 4, false },
		{ "i686", "i386", EM_386, 4, false },
		{ "arm", "arm", EM_ARM, 4, false },
		{ "armv7l", "arm", EM_ARM, 4, false },
		{ "armv5tel", "arm", EM_ARM, 4, false },
		/* not machines, or not ones the table knows */
		{ "", NULL, 0, 0, false },
		{ "X86_64", NULL, 0, 0, false },
		{ "x86", NULL, 0, 0, false },
		{ "i86", NULL, 0, 0, false },
		{ "i6866", NULL, 0, 0, false },
		{ "riscv", NULL, 0, 0, false },
		{ "alpha", NULL, 0, 0, false },
		{ "x86_64 ", NULL, 0, 0, false },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		const struct kx_machine *m = kx_machine_by_name(t[i].name);

		if (!t[i].row) {
			assert_null(m);
			continue;
		}
		assert_non_null(m);
		assert_string_equal(m->name, t[i].row);
		assert_int_equal(m->em, t[i].em);
		assert_int_equal(m->word_size, t[i].word);
		assert_int_equal(m->big_endian, t[i].big);
	}
	assert_null(kx_machine_by_name(NULL));
}

struct elf_case {
	uint16_t em;
	int elfclass;
	bool big;
	const char *row;
};

static void an_elf_header_finds_the_row_of_its_class_and_byte_order(void **state)
{
	static const struct elf_case t[] = {
		{ EM_X86_64, ELFCLASS64, false, "x86_64" },
		{ EM_PPC64, ELFCLASS64, false, "ppc64le" },
		{ EM_PPC64, ELFCLASS64, true, "ppc64" },
		{ EM_S390, ELFCLASS64, true, "s390x" },
		{ EM_S390, ELFCLASS32, true, "s390" },
		{ EM_RISCV, ELFCLASS32, false, "riscv32" },
		{ EM_RISCV, ELFCLASS64, false, "riscv64" },
		/* the word size is right when the byte order is not one a row has (mipsel) */
		{ EM_MIPS, ELFCLASS32, false, "mips" },
		{ EM_MIPS, ELFCLASS64, false, "mips64" },
		/* 32-bit kernels writing ELF64 dumps (i386 PAE, ARM LPAE, PowerPC): the machine's
		   word size, not the class's */
		{ EM_386, ELFCLASS64, false, "i386" },
		{ EM_ARM, ELFCLASS64, false, "arm" },
		{ EM_PPC, ELFCLASS64, true, "ppc" },
		{ EM_X86_64, ELFCLASS32, false, "x86_64" },
		{ EM_NONE, ELFCLASS64, false, NULL },
		{ EM_ALPHA, ELFCLASS64, false, NULL },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		const struct kx_machine *m = kx_machine_by_elf(t[i].em, t[i].elfclass, t[i].big);

		if (!t[i].row) {
			assert_null(m);
			continue;
		}
		assert_non_null(m);
		assert_string_equal(m->name, t[i].row);
	}
}

/* What the lookups rely on: names unique, one em_name per e_machine, sizes 4 or 8, and every
 * row found by its own name, its exact aliases and its own ELF header. */
static void the_table_is_consistent(void **state)
{
	(void)state;
	assert_true(kx_nmachines > 0);
	for (size_t i = 0; i < kx_nmachines; i++) {
		const struct kx_machine *m = &kx_machines[i];

		assert_non_null(m->name);
		assert_non_null(m->em_name);
		assert_true(m->em != EM_NONE);
		assert_true(m->word_size == 4 || m->word_size == 8);
		assert_ptr_equal(kx_machine_by_name(m->name), m);
		assert_ptr_equal(kx_machine_by_elf(m->em, m->word_size == 8 ? ELFCLASS64 : ELFCLASS32,
						   m->big_endian), m);
		for (size_t a = 0; a < KX_MACHINE_ALIASES && m->aliases[a]; a++)
			if (!strpbrk(m->aliases[a], "*?["))
				assert_ptr_equal(kx_machine_by_name(m->aliases[a]), m);
		for (size_t j = 0; j < kx_nmachines; j++) {
			const struct kx_machine *o = &kx_machines[j];

			if (j == i)
				continue;
			assert_string_not_equal(m->name, o->name);
			if (o->em == m->em)
				assert_string_equal(o->em_name, m->em_name);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_and_aliases_find_their_row),
		cmocka_unit_test(an_elf_header_finds_the_row_of_its_class_and_byte_order),
		cmocka_unit_test(the_table_is_consistent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

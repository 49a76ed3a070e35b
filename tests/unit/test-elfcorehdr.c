// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/elfcorehdr: the ELF core header, field by field, in both byte orders. */
#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "elfcorehdr.h"

static const struct kx_elf_note_seg cpus[] = { { 0x3fa1e5c8, 368 }, { 0x3fa5e5c8, 368 } };

static struct kx_ranges two_ranges(void)
{
	struct kx_ranges l = { 0 };

	assert_int_equal(kx_ranges_add(&l, 0x100000, 0x2affffff), 0);
	assert_int_equal(kx_ranges_add(&l, 0x3b000000, 0x3ffdffff), 0);
	return l;
}

static struct kx_elfcorehdr_in guest_input(const struct kx_ranges *l)
{
	return (struct kx_elfcorehdr_in){
		.machine = EM_X86_64, .cpu_notes = cpus, .ncpu_notes = 2,
		.has_vmcoreinfo = true, .vmcoreinfo = { 0x3f9fd000, 0x1024 },
		.has_text = true, .text_vaddr = 0xffffffffa5000000, .text_paddr = 0x1b000000,
		.text_size = 0x2c00000, .ranges = l, .page_offset = 0xffff9b2f40000000,
	};
}

static void check_phdr(const Elf64_Phdr *p, uint32_t type, uint32_t flags, uint64_t paddr,
		       uint64_t vaddr, uint64_t size)
{
	assert_int_equal(p->p_type, type);
	assert_int_equal(p->p_flags, flags);
	assert_true(p->p_offset == paddr);
	assert_true(p->p_paddr == paddr);
	assert_true(p->p_vaddr == vaddr);
	assert_true(p->p_filesz == size);
	assert_true(p->p_memsz == size);
	assert_int_equal(p->p_align, 0);
}

static void a_guest_header_is_laid_out_as_the_kernel_does(void **state)
{
	struct kx_ranges l = two_ranges();
	struct kx_elfcorehdr_in in = guest_input(&l);
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	size_t size, phnum;
	void *buf;

	(void)state;
	assert_int_equal(kx_elfcorehdr_phnum(&in), 6);
	assert_int_equal(kx_elfcorehdr_build(&in, &buf, &size, &phnum, NULL), 0);
	assert_int_equal(phnum, 6);
	assert_int_equal(size, 4096);
	eh = buf;
	assert_memory_equal(eh->e_ident, ELFMAG, SELFMAG);
	assert_int_equal(eh->e_ident[EI_CLASS], ELFCLASS64);
	assert_int_equal(eh->e_ident[EI_DATA], ELFDATA2LSB);
	assert_int_equal(eh->e_ident[EI_VERSION], EV_CURRENT);
	assert_int_equal(eh->e_type, ET_CORE);
	assert_int_equal(eh->e_machine, EM_X86_64);
	assert_int_equal(eh->e_version, EV_CURRENT);
	assert_int_equal(eh->e_phoff, 64);
	assert_int_equal(eh->e_ehsize, 64);
	assert_int_equal(eh->e_phentsize, 56);
	assert_int_equal(eh->e_phnum, 6);
	assert_int_equal(eh->e_shnum, 0);
	assert_int_equal(eh->e_entry, 0);
	ph = (const Elf64_Phdr *)((const char *)buf + 64);
	check_phdr(&ph[0], PT_NOTE, 0, 0x3fa1e5c8, 0, 368);
	check_phdr(&ph[1], PT_NOTE, 0, 0x3fa5e5c8, 0, 368);
	check_phdr(&ph[2], PT_NOTE, 0, 0x3f9fd000, 0, 0x1024);
	check_phdr(&ph[3], PT_LOAD, PF_R | PF_W | PF_X, 0x1b000000, 0xffffffffa5000000, 0x2c00000);
	check_phdr(&ph[4], PT_LOAD, PF_R | PF_W | PF_X, 0x100000, 0xffff9b2f40100000, 0x2af00000);
	check_phdr(&ph[5], PT_LOAD, PF_R | PF_W | PF_X, 0x3b000000, 0xffff9b2f7b000000, 0x4fe0000);
	/* the padding to 4096 is zero */
	for (size_t i = 64 + 6 * 56; i < size; i++)
		assert_int_equal(((unsigned char *)buf)[i], 0);
	free(buf);
	kx_ranges_free(&l);
}

static void big_endian_headers_swap_every_field(void **state)
{
	struct kx_ranges l = two_ranges();
	struct kx_elfcorehdr_in in = guest_input(&l);
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	size_t size, phnum;
	void *buf;

	(void)state;
	in.machine = EM_S390;
	in.big_endian = true;
	in.has_text = false;
	assert_int_equal(kx_elfcorehdr_build(&in, &buf, &size, &phnum, NULL), 0);
	eh = buf;
	assert_int_equal(eh->e_ident[EI_DATA], ELFDATA2MSB);
	assert_int_equal(be16toh(eh->e_machine), EM_S390);
	assert_int_equal(be16toh(eh->e_phnum), 5);
	assert_int_equal(be64toh(eh->e_phoff), 64);
	ph = (const Elf64_Phdr *)((const char *)buf + 64);
	assert_int_equal(be32toh(ph[3].p_type), PT_LOAD);
	assert_true(be64toh(ph[3].p_paddr) == 0x100000);
	assert_true(be64toh(ph[4].p_memsz) == 0x4fe0000);
	free(buf);
	kx_ranges_free(&l);
}

static void extra_room_is_zeroed_and_not_counted(void **state)
{
	struct kx_ranges l = two_ranges();
	struct kx_elfcorehdr_in in = guest_input(&l);
	size_t size, phnum;
	unsigned char *buf;

	(void)state;
	in.extra_phdrs = 8192;
	assert_int_equal(kx_elfcorehdr_build(&in, (void **)&buf, &size, &phnum, NULL), 0);
	assert_int_equal(phnum, 6);
	assert_int_equal(size, kx_elfcorehdr_size_for(6 + 8192));
	assert_int_equal(size % 4096, 0);
	assert_int_equal(((const Elf64_Ehdr *)buf)->e_phnum, 6);
	for (size_t i = 64 + 6 * 56; i < size; i++)
		assert_int_equal(buf[i], 0);
	free(buf);
	kx_ranges_free(&l);
}

static void limits_and_empty_input_are_refused(void **state)
{
	struct kx_ranges l = { 0 };
	struct kx_elfcorehdr_in in = { .machine = EM_X86_64, .ranges = &l };
	struct kx_err e;
	size_t size, phnum;
	void *buf = NULL;

	(void)state;
	kx_err_clear(&e);
	assert_int_equal(kx_elfcorehdr_build(&in, &buf, &size, &phnum, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "nothing to describe"));

	for (uint64_t i = 0; i < KX_ELFCOREHDR_MAX_PHDRS + 1; i++)
		assert_int_equal(kx_ranges_add(&l, i * 0x2000, i * 0x2000 + 0xfff), 0);
	kx_err_clear(&e);
	assert_int_equal(kx_elfcorehdr_build(&in, &buf, &size, &phnum, &e), -E2BIG);
	l.n = 10;
	in.extra_phdrs = SIZE_MAX;              /* no overflow in the sum */
	assert_int_equal(kx_elfcorehdr_build(&in, &buf, &size, &phnum, NULL), -E2BIG);
	in.extra_phdrs = 0;
	in.page_offset = UINT64_MAX - 0x1000;   /* vaddr would wrap */
	kx_err_clear(&e);
	assert_int_equal(kx_elfcorehdr_build(&in, &buf, &size, &phnum, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "virtual address"));
	assert_null(buf);
	kx_ranges_free(&l);
}

static void eight_thousand_ranges_fit(void **state)
{
	struct kx_ranges l = { 0 };
	struct kx_elfcorehdr_in in;
	const Elf64_Phdr *ph;
	size_t size, phnum;
	void *buf;

	(void)state;
	for (uint64_t i = 0; i < 8192; i++)
		assert_int_equal(kx_ranges_add(&l, (i + 1) << 28, ((i + 1) << 28) + 0x7ffffff), 0);
	in = guest_input(&l);
	assert_int_equal(kx_elfcorehdr_build(&in, &buf, &size, &phnum, NULL), 0);
	assert_int_equal(phnum, 8192 + 4);
	assert_int_equal(size, kx_elfcorehdr_size_for(8196));
	ph = (const Elf64_Phdr *)((const char *)buf + 64);
	assert_true(ph[8195].p_paddr == (8192ULL << 28));
	free(buf);
	kx_ranges_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_guest_header_is_laid_out_as_the_kernel_does),
		cmocka_unit_test(big_endian_headers_swap_every_field),
		cmocka_unit_test(extra_room_is_zeroed_and_not_counted),
		cmocka_unit_test(limits_and_empty_input_are_refused),
		cmocka_unit_test(eight_thousand_ranges_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_MACHINE_H
#define KX_MACHINE_H
/*
 * The machine table: one row per machine a kernel runs on, with its ELF e_machine, the size of
 * the kernel's long and its byte order.  Every tool that turns a machine name (uname -m,
 * /proc/sys/kernel/arch, a kdump-compressed dump's utsname) or an e_machine into facts asks here.
 *
 * Several rows can share one e_machine (s390 and s390x, ppc64 and ppc64le, riscv32 and riscv64):
 * e_machine alone does not say the word size or byte order, the ELF class and data do.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KX_MACHINE_ALIASES 4

struct kx_machine {
	const char *name;               /* as uname -m gives it: "x86_64", "ppc64le", "s390x" */
	/* other names for the same machine, NULL-terminated: other spellings ("amd64") and the
	   kernel's arch name ("arm64"), or fnmatch(3) patterns for names uname -m makes from the
	   CPU ("i?86", "arm*"); an exact name anywhere in the table wins over a pattern */
	const char *aliases[KX_MACHINE_ALIASES];
	uint16_t em;                    /* ELF e_machine: EM_X86_64 */
	const char *em_name;            /* e_machine's own name, the same in every row of one EM:
					   "s390" for s390 and s390x, "ppc64" for ppc64 and ppc64le */
	unsigned word_size;             /* bytes in the kernel's long and pointers: 4 or 8 */
	bool big_endian;                /* the byte order the name stands for (mips: the name does
					   not say; the row has the architecture's default) */
};

extern const struct kx_machine kx_machines[];
extern const size_t kx_nmachines;

/* The row for a machine name or alias ("x86_64", "amd64", "i686", "armv7l"), NULL when unknown
 * (or name is NULL). */
const struct kx_machine *kx_machine_by_name(const char *name);

/*
 * The row for an ELF file's e_machine, class (ELFCLASS32/ELFCLASS64) and byte order: the row of
 * that word size and byte order, else of that word size, else the first row of the e_machine
 * (whose word size then wins over the class: i386, 32-bit ARM and PowerPC kernels can write
 * ELF64 dumps).  NULL for an e_machine not in the table.
 */
const struct kx_machine *kx_machine_by_elf(uint16_t em, int elfclass, bool big_endian);

#endif

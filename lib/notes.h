/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_NOTES_H
#define KX_NOTES_H
/* Decoding the notes a vmcore carries: device dumps, CPU registers, VMCOREINFO. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcore.h"

#define KX_NT_PRSTATUS   1
#define KX_NT_VMCOREDD   0x700
#define KX_VMCOREDD_NAME_BYTES 44       /* VMCOREDD_MAX_NAME_BYTES */

/* Owner compare as the kernel means it: the bytes up to the first NUL within n_namesz. */
bool kx_note_owner_is(const struct kx_note *n, const char *owner);

/* "NT_PRSTATUS", "NT_VMCOREDD", "VMCOREINFO", …; NULL when unknown. */
const char *kx_note_type_name(const struct kx_note *n);

bool kx_note_is_vmcoredd(const struct kx_note *n);
bool kx_note_is_vmcoreinfo(const struct kx_note *n);

struct kx_vmcoredd {
	unsigned char name[KX_VMCOREDD_NAME_BYTES + 1];  /* NUL-terminated copy */
	size_t name_len;        /* up to the first NUL; 44 when the name has none */
	uint64_t data_offset;   /* file offset of the driver data (just past the 64-byte header) */
	uint64_t data_size;     /* n_descsz - 44: data plus the kernel's zero padding */
};

/* Decode a device-dump note (reads the 44-byte name).  -EBADMSG when n_descsz can't hold it. */
int kx_note_vmcoredd(struct kx_vmcore *v, const struct kx_note *n, struct kx_vmcoredd *ret,
		     struct kx_err *err);

#define KX_X86_64_NREG 27

struct kx_prstatus {
	int32_t signo;          /* si_signo */
	int16_t cursig;
	int32_t pid, ppid;
	bool have_regs;         /* x86_64 only */
	uint64_t regs[KX_X86_64_NREG];
};

/* Names of the x86_64 pr_reg slots, in order. */
extern const char *const kx_x86_64_reg_names[KX_X86_64_NREG];

/* Decode struct elf_prstatus from its bytes (pure).  -EBADMSG when too short for pid. */
int kx_prstatus_decode(int elfclass, int data, uint16_t machine, const void *desc, size_t len,
		       struct kx_prstatus *ret);

#endif

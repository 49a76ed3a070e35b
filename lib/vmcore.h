/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_VMCORE_H
#define KX_VMCORE_H
/*
 * Streaming vmcore reader: an ELF core file (/proc/vmcore or a saved copy), ELF32 or ELF64, either
 * byte order.  libelf reads and translates the headers; program headers and notes are read one at a
 * time with pread, so memory does not grow with the size of the dump or the number of notes.  Every
 * offset and length from the file is checked against the file and its segment before use.
 */
#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct kx_vmcore;
struct kx_kdump;

enum kx_vmcore_format {
	KX_VMCORE_ELF = 0,
	KX_VMCORE_KDUMP,        /* makedumpfile's kdump-compressed format (lib/kdump.h) */
};

/*
 * A kdump-compressed file is seen through the same interface: elfclass, data and machine come
 * from its header (64-bit kernels only), type is ET_CORE, and its note area [offset_note,
 * offset_note + size_note) -- the capture's PT_NOTE bytes, verbatim -- is program header 0, a
 * virtual PT_NOTE (phnum is 1, or 0 without notes).  So every note offset is a real file offset.
 * Memory is read by page frame with kx_kdump_page(kx_vmcore_kdump(v), …).
 */
struct kx_vmcore_info {
	enum kx_vmcore_format format;
	int elfclass;           /* ELFCLASS32 or ELFCLASS64 */
	int data;               /* ELFDATA2LSB or ELFDATA2MSB */
	uint16_t machine;       /* e_machine */
	uint16_t type;          /* e_type; ET_CORE for a vmcore */
	uint64_t file_size;
	uint64_t phoff;
	size_t phnum;
	size_t phentsize;
};

/* Open and validate the ELF and program headers.  -ENOENT etc. when the file can't be opened,
 * -EBADMSG (err says what and where) when it is not a usable ELF core or kdump-compressed dump,
 * -EPROTONOSUPPORT for formats recognised but not read (makedumpfile's flattened format, 32-bit
 * kdump-compressed dumps). */
int kx_vmcore_open(const char *path, struct kx_vmcore **ret, struct kx_err *err);
void kx_vmcore_close(struct kx_vmcore *v);

const struct kx_vmcore_info *kx_vmcore_info(const struct kx_vmcore *v);
int kx_vmcore_fd(const struct kx_vmcore *v);
const char *kx_vmcore_path(const struct kx_vmcore *v);

/* The kdump-compressed reader, NULL for ELF. */
struct kx_kdump *kx_vmcore_kdump(const struct kx_vmcore *v);

/* Program header i (i < phnum), translated to the host. */
int kx_vmcore_phdr(struct kx_vmcore *v, size_t i, GElf_Phdr *ret, struct kx_err *err);

/* Exactly len bytes at off, or -EBADMSG "truncated" (with the offset) / -EIO. */
int kx_vmcore_pread(struct kx_vmcore *v, void *buf, size_t len, uint64_t off, struct kx_err *err);

/* Integers in the file's byte order. */
uint16_t kx_vmcore_u16(const struct kx_vmcore *v, const void *p);
uint32_t kx_vmcore_u32(const struct kx_vmcore *v, const void *p);
uint64_t kx_vmcore_u64(const struct kx_vmcore *v, const void *p);

#define KX_NOTE_OWNER_MAX 64

struct kx_note {
	size_t index;           /* file order, across every PT_NOTE segment, from 0 */
	size_t phdr;            /* program header of its PT_NOTE segment */
	uint64_t offset;        /* note header */
	uint32_t namesz, descsz, type;
	uint64_t name_offset, desc_offset;
	char owner[KX_NOTE_OWNER_MAX + 1];  /* name bytes up to the first NUL (strnlen within namesz) */
	size_t owner_len;
	bool owner_truncated;   /* n_namesz was longer than KX_NOTE_OWNER_MAX */
	bool truncated;         /* the data runs past the end of the file (the next call says so) */
};

struct kx_note_iter {
	struct kx_vmcore *v;
	size_t phdr;            /* next program header to look at */
	bool in_segment;
	uint64_t pos, end;      /* walk position and end of the current segment (clamped to EOF) */
	uint64_t seg_end;       /* end of the segment as its header says */
	size_t index;
	bool pending;           /* the last note was truncated: report it, then leave the segment */
	uint64_t pending_off, pending_need, pending_at;
	size_t pending_index;
};

void kx_note_iter_init(struct kx_note_iter *it, struct kx_vmcore *v);

/*
 * 1 and the next note in ret, 0 at the end, or <0 for a malformed note or segment (err says what,
 * with the offset).  After an error the walk goes on with the next PT_NOTE segment, so a caller can
 * list everything readable and still report the problem.
 */
int kx_note_iter_next(struct kx_note_iter *it, struct kx_note *ret, struct kx_err *err);

#endif

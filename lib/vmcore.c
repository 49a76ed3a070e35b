// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kdump.h"
#include "vmcore.h"

struct kx_vmcore {
	int fd;
	Elf *elf;
	struct kx_kdump *kdump;
	char *path;
	struct kx_vmcore_info info;
};

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

const struct kx_vmcore_info *kx_vmcore_info(const struct kx_vmcore *v)
{
	return &v->info;
}

int kx_vmcore_fd(const struct kx_vmcore *v)
{
	return v->fd;
}

struct kx_kdump *kx_vmcore_kdump(const struct kx_vmcore *v)
{
	return v->kdump;
}

const char *kx_vmcore_path(const struct kx_vmcore *v)
{
	return v->path;
}

uint16_t kx_vmcore_u16(const struct kx_vmcore *v, const void *p)
{
	const uint8_t *b = p;

	if (v->info.data == ELFDATA2MSB)
		return (uint16_t)(b[0] << 8 | b[1]);
	return (uint16_t)(b[1] << 8 | b[0]);
}

uint32_t kx_vmcore_u32(const struct kx_vmcore *v, const void *p)
{
	const uint8_t *b = p;

	if (v->info.data == ELFDATA2MSB)
		return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

uint64_t kx_vmcore_u64(const struct kx_vmcore *v, const void *p)
{
	const uint8_t *b = p;
	uint64_t hi = kx_vmcore_u32(v, b), lo = kx_vmcore_u32(v, b + 4);

	if (v->info.data == ELFDATA2MSB)
		return hi << 32 | lo;
	return lo << 32 | hi;
}

int kx_vmcore_pread(struct kx_vmcore *v, void *buf, size_t len, uint64_t off, struct kx_err *err)
{
	size_t done = 0;

	if (off > v->info.file_size || len > v->info.file_size - off)
		return kx_err_at(err, -EBADMSG, off < v->info.file_size ? v->info.file_size : off,
				 "truncated: %zu bytes needed at 0x%llx but the file ends at 0x%llx",
				 len, (unsigned long long)off, (unsigned long long)v->info.file_size);
	while (done < len) {
		ssize_t n = pread(v->fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kx_err_at(err, -errno, off + done, "read error: %s", strerror(errno));
		}
		if (n == 0)
			return kx_err_at(err, -EBADMSG, off + done,
					 "truncated: file ended while reading %zu bytes at 0x%llx",
					 len, (unsigned long long)off);
		done += (size_t)n;
	}
	return 0;
}

/* Recognise dump formats by content so that the message can name what the file is. */
static int check_ident(const unsigned char *id, size_t n, struct kx_err *err)
{
	if (n >= 8 && !memcmp(id, "DISKDUMP", 8))
		return kx_err_at(err, -EPROTONOSUPPORT, 0,
				 "this is an old diskdump (\"DISKDUMP\"), which is not read; convert it "
				 "with 'makedumpfile -E' to an ELF vmcore");
	if (n >= 12 && !memcmp(id, "makedumpfile", 12))
		return kx_err_at(err, -EPROTONOSUPPORT, 0,
				 "this is makedumpfile's flattened format (makedumpfile -F); "
				 "rebuild it with 'makedumpfile -R' first");
	if (n < EI_NIDENT)
		return kx_err_at(err, -EBADMSG, n, "truncated: %zu bytes, too short for an ELF header", n);
	if (memcmp(id, ELFMAG, SELFMAG))
		return kx_err_at(err, -EBADMSG, 0, "not an ELF file (bad magic)");
	if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64)
		return kx_err_at(err, -EBADMSG, EI_CLASS, "unknown ELF class %u", id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB && id[EI_DATA] != ELFDATA2MSB)
		return kx_err_at(err, -EBADMSG, EI_DATA, "unknown ELF byte order %u", id[EI_DATA]);
	return 0;
}

/* A kdump-compressed file: the info from its header, its notes as one virtual PT_NOTE. */
static int open_kdump(struct kx_vmcore *v, struct kx_err *err)
{
	const struct kx_kdump_info *ki;
	struct kx_err e;
	int r;

	kx_err_clear(&e);
	r = kx_kdump_open(v->fd, v->info.file_size, &v->kdump, &e);
	if (r < 0 && e.code && e.has_offset)
		return kx_err_at(err, r, e.offset, "this is a kdump-compressed dump (makedumpfile "
				 "-c/-l/-p), but %s", e.msg);
	if (r < 0 && e.code)
		return kx_err_set(err, r, "%s", e.msg);
	if (r < 0)
		return r;
	ki = kx_kdump_info(v->kdump);
	v->info.format = KX_VMCORE_KDUMP;
	v->info.elfclass = ELFCLASS64;
	v->info.data = ki->big_endian ? ELFDATA2MSB : ELFDATA2LSB;
	v->info.machine = ki->e_machine;
	v->info.type = ET_CORE;
	v->info.phoff = 0;
	v->info.phentsize = sizeof(Elf64_Phdr);
	v->info.phnum = ki->size_note ? 1 : 0;
	return 0;
}

static int read_headers(struct kx_vmcore *v, struct kx_err *err)
{
	unsigned char ident[EI_NIDENT];
	size_t ehsize, want_phentsize;
	GElf_Ehdr eh;
	ssize_t n;
	int r;

	n = pread(v->fd, ident, sizeof(ident), 0);
	if (n < 0)
		return kx_err_at(err, -errno, 0, "read error: %s", strerror(errno));
	if (kx_kdump_is(ident, (size_t)n))
		return open_kdump(v, err);
	r = check_ident(ident, (size_t)n, err);
	if (r < 0)
		return r;
	v->info.elfclass = ident[EI_CLASS];
	v->info.data = ident[EI_DATA];
	ehsize = v->info.elfclass == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	want_phentsize = v->info.elfclass == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (v->info.file_size < ehsize)
		return kx_err_at(err, -EBADMSG, v->info.file_size,
				 "truncated: %llu bytes, too short for the %zu-byte ELF header",
				 (unsigned long long)v->info.file_size, ehsize);

	v->elf = elf_begin(v->fd, ELF_C_READ, NULL);
	if (!v->elf || elf_kind(v->elf) != ELF_K_ELF || !gelf_getehdr(v->elf, &eh))
		return kx_err_at(err, -EBADMSG, 0, "unusable ELF header: %s", elf_errmsg(-1));
	v->info.machine = eh.e_machine;
	v->info.type = eh.e_type;
	v->info.phoff = eh.e_phoff;
	v->info.phentsize = eh.e_phentsize;

	if (eh.e_phnum == PN_XNUM) {
		/* the real count is sh_info of section header 0 (libelf would clamp it silently) */
		GElf_Shdr sh0;
		Elf_Scn *scn0 = eh.e_shoff ? elf_getscn(v->elf, 0) : NULL;

		if (!scn0 || !gelf_getshdr(scn0, &sh0))
			return kx_err_at(err, -EBADMSG, v->info.elfclass == ELFCLASS64 ? 56 : 44,
					 "e_phnum is PN_XNUM but section header 0 is unusable%s%s",
					 eh.e_shoff ? ": " : " (e_shoff is 0)",
					 eh.e_shoff ? elf_errmsg(-1) : "");
		v->info.phnum = sh0.sh_info;
	} else {
		v->info.phnum = eh.e_phnum;
	}
	if (v->info.phnum == 0)
		return 0;
	if (eh.e_phentsize != want_phentsize)
		return kx_err_at(err, -EBADMSG, v->info.elfclass == ELFCLASS64 ? 54 : 42,
				 "e_phentsize is %u, expected %zu", eh.e_phentsize, want_phentsize);
	if (eh.e_phoff > v->info.file_size ||
	    v->info.phnum > (v->info.file_size - eh.e_phoff) / want_phentsize)
		return kx_err_at(err, -EBADMSG, eh.e_phoff,
				 "truncated: %zu program headers at 0x%llx need %llu bytes but the file "
				 "is %llu bytes", v->info.phnum, (unsigned long long)eh.e_phoff,
				 (unsigned long long)v->info.phnum * want_phentsize,
				 (unsigned long long)v->info.file_size);
	return 0;
}

int kx_vmcore_open(const char *path, struct kx_vmcore **ret, struct kx_err *err)
{
	struct kx_vmcore *v;
	struct stat st;
	int r;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return kx_err_set(err, -ENOSYS, "libelf is unusable: %s", elf_errmsg(-1));
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->path = strdup(path);
	/* O_NONBLOCK until fstat says what it is: opening a FIFO would wait for a writer */
	v->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (!v->path) {
		r = -ENOMEM;
		goto fail;
	}
	if (v->fd < 0) {
		r = kx_err_set(err, -errno, "cannot open %s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(v->fd, &st) < 0) {
		r = kx_err_set(err, -errno, "cannot stat %s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		r = kx_err_set(err, -EISDIR, "%s is a directory", path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		r = kx_err_set(err, -ESPIPE, "%s is not a regular file (a pipe or device can't be read "
			       "out of order; save it to a file first)", path);
		goto fail;
	}
	if (fcntl(v->fd, F_SETFL, 0) < 0) {
		r = kx_err_set(err, -errno, "cannot read %s: %s", path, strerror(errno));
		goto fail;
	}
	v->info.file_size = (uint64_t)st.st_size;
	r = read_headers(v, err);
	if (r < 0)
		goto fail;
	*ret = v;
	return 0;
fail:
	kx_vmcore_close(v);
	return r;
}

void kx_vmcore_close(struct kx_vmcore *v)
{
	if (!v)
		return;
	if (v->elf)
		elf_end(v->elf);
	kx_kdump_close(v->kdump);
	if (v->fd >= 0)
		close(v->fd);
	free(v->path);
	free(v);
}

int kx_vmcore_phdr(struct kx_vmcore *v, size_t i, GElf_Phdr *ret, struct kx_err *err)
{
	unsigned char raw[sizeof(Elf64_Phdr)];
	union {
		Elf32_Phdr p32;
		Elf64_Phdr p64;
	} host;
	Elf_Data src, dst;
	uint64_t off;
	int r;

	if (i >= v->info.phnum)
		return -ERANGE;
	if (v->kdump) {
		const struct kx_kdump_info *ki = kx_kdump_info(v->kdump);

		*ret = (GElf_Phdr){ .p_type = PT_NOTE, .p_offset = ki->offset_note,
				    .p_filesz = ki->size_note, .p_memsz = ki->size_note };
		return 0;
	}
	off = v->info.phoff + (uint64_t)i * v->info.phentsize;
	r = kx_vmcore_pread(v, raw, v->info.phentsize, off, err);
	if (r < 0)
		return r;
	src = (Elf_Data){ .d_buf = raw, .d_type = ELF_T_PHDR, .d_size = v->info.phentsize,
			  .d_version = EV_CURRENT };
	dst = (Elf_Data){ .d_buf = &host, .d_type = ELF_T_PHDR, .d_size = sizeof(host),
			  .d_version = EV_CURRENT };
	if (!gelf_xlatetom(v->elf, &dst, &src, (unsigned)v->info.data))
		return kx_err_at(err, -EBADMSG, off, "program header %zu: %s", i, elf_errmsg(-1));
	if (v->info.elfclass == ELFCLASS64) {
		*ret = host.p64;
	} else {
		*ret = (GElf_Phdr){
			.p_type = host.p32.p_type, .p_flags = host.p32.p_flags,
			.p_offset = host.p32.p_offset, .p_vaddr = host.p32.p_vaddr,
			.p_paddr = host.p32.p_paddr, .p_filesz = host.p32.p_filesz,
			.p_memsz = host.p32.p_memsz, .p_align = host.p32.p_align,
		};
	}
	return 0;
}

void kx_note_iter_init(struct kx_note_iter *it, struct kx_vmcore *v)
{
	*it = (struct kx_note_iter){ .v = v };
}

/* Move to the next PT_NOTE segment.  1 found, 0 none left, <0 bad segment (skipped). */
static int next_segment(struct kx_note_iter *it, struct kx_err *err)
{
	const struct kx_vmcore_info *info = &it->v->info;

	while (it->phdr < info->phnum) {
		size_t i = it->phdr++;
		uint64_t phdr_off = info->phoff + (uint64_t)i * info->phentsize;
		GElf_Phdr ph;
		int r;

		r = kx_vmcore_phdr(it->v, i, &ph, err);
		if (r < 0)
			return r;
		if (ph.p_type != PT_NOTE)
			continue;
		if (ph.p_offset > info->file_size)
			return kx_err_at(err, -EBADMSG, phdr_off,
					 "PT_NOTE segment (program header %zu) starts at 0x%llx, past the "
					 "end of the file at 0x%llx", i, (unsigned long long)ph.p_offset,
					 (unsigned long long)info->file_size);
		if (ph.p_filesz > UINT64_MAX - ph.p_offset)
			return kx_err_at(err, -EBADMSG, phdr_off,
					 "PT_NOTE segment (program header %zu): offset 0x%llx + size 0x%llx "
					 "overflows", i, (unsigned long long)ph.p_offset,
					 (unsigned long long)ph.p_filesz);
		it->in_segment = true;
		it->pos = ph.p_offset;
		it->seg_end = ph.p_offset + ph.p_filesz;
		it->end = it->seg_end < info->file_size ? it->seg_end : info->file_size;
		return 1;
	}
	return 0;
}

/* The segment is bad from here on: report and leave it. */
static int seg_fail(struct kx_note_iter *it)
{
	it->in_segment = false;
	return 0;
}

/*
 * A note part [at, at + need) does not fit: past its segment's end as the program header gives it,
 * or (when the segment itself claims more than the file holds) past the end of the file.
 */
static int crosses(struct kx_note_iter *it, uint64_t at, uint64_t need, const char *what,
		   size_t index, uint64_t note_off, struct kx_err *err)
{
	seg_fail(it);
	if (at <= it->seg_end && need <= it->seg_end - at)
		return kx_err_at(err, -EBADMSG, note_off,
				 "truncated: note %zu %s (%llu bytes at 0x%llx) runs past the end of "
				 "the file at 0x%llx", index, what, (unsigned long long)need,
				 (unsigned long long)at, (unsigned long long)it->v->info.file_size);
	return kx_err_at(err, -EBADMSG, note_off,
			 "note %zu %s (%llu bytes at 0x%llx) runs past the end of its PT_NOTE "
			 "segment (program header %zu) at 0x%llx", index, what,
			 (unsigned long long)need, (unsigned long long)at, it->phdr - 1,
			 (unsigned long long)it->seg_end);
}

/*
 * After an empty note, the rest of the segment should be padding.  Data there means a damaged
 * header ended the walk early: say so rather than silently drop the notes behind it.
 */
static int check_zero_tail(struct kx_note_iter *it, uint64_t off, struct kx_err *err)
{
	enum { LOOK = 64 * 1024 };
	unsigned char buf[4096];
	uint64_t pos = off + 12, stop = it->end;

	if (stop - pos > LOOK)
		stop = pos + LOOK;
	while (pos < stop) {
		size_t n = stop - pos < sizeof(buf) ? (size_t)(stop - pos) : sizeof(buf);
		int r = kx_vmcore_pread(it->v, buf, n, pos, err);

		if (r < 0)
			return seg_fail(it), r;
		for (size_t i = 0; i < n; i++)
			if (buf[i]) {
				seg_fail(it);
				return kx_err_at(err, -EBADMSG, off,
						 "note %zu is empty (n_namesz, n_descsz and n_type all 0), "
						 "which ends the notes, but data follows at 0x%llx in its "
						 "PT_NOTE segment (program header %zu): a damaged note header?",
						 it->index, (unsigned long long)(pos + i), it->phdr - 1);
			}
		pos += n;
	}
	return 0;
}

int kx_note_iter_next(struct kx_note_iter *it, struct kx_note *ret, struct kx_err *err)
{
	unsigned char hdr[12];
	uint32_t namesz, descsz, type;
	uint64_t off, name_off, desc_off, room;
	size_t take;
	int r;

	if (it->pending) {
		it->pending = false;
		seg_fail(it);
		return kx_err_at(err, -EBADMSG, it->pending_off,
				 "truncated: note %zu data (%llu bytes at 0x%llx) runs past the end of "
				 "the file at 0x%llx", it->pending_index,
				 (unsigned long long)it->pending_need, (unsigned long long)it->pending_at,
				 (unsigned long long)it->v->info.file_size);
	}
	for (;;) {
		if (!it->in_segment) {
			r = next_segment(it, err);
			if (r <= 0)
				return r;
		}
		if (it->pos >= it->seg_end) {
			it->in_segment = false;
			continue;
		}
		off = it->pos;
		if (it->seg_end - off < sizeof(hdr))
			return crosses(it, off, sizeof(hdr), "header", it->index, off, err);
		if (off >= it->end || it->end - off < sizeof(hdr))
			return crosses(it, off, sizeof(hdr), "header", it->index, off, err);
		r = kx_vmcore_pread(it->v, hdr, sizeof(hdr), off, err);
		if (r < 0)
			return seg_fail(it), r;
		namesz = kx_vmcore_u32(it->v, hdr);
		descsz = kx_vmcore_u32(it->v, hdr + 4);
		type = kx_vmcore_u32(it->v, hdr + 8);
		if (!namesz && !descsz && !type) {
			/* an empty note ends the list, as the kernel's own note walkers take it */
			r = check_zero_tail(it, off, err);
			if (r < 0)
				return r;
			it->in_segment = false;
			continue;
		}
		break;
	}

	name_off = off + sizeof(hdr);
	room = it->seg_end - name_off;
	if (align4(namesz) > room)
		return crosses(it, name_off, namesz, "name", it->index, off, err);
	desc_off = name_off + align4(namesz);
	room = it->seg_end - desc_off;
	if (descsz > room)
		return crosses(it, desc_off, descsz, "data (n_descsz)", it->index, off, err);
	if (name_off + namesz > it->end)
		return crosses(it, name_off, namesz, "name", it->index, off, err);

	*ret = (struct kx_note){
		.index = it->index, .phdr = it->phdr - 1, .offset = off,
		.namesz = namesz, .descsz = descsz, .type = type,
		.name_offset = name_off, .desc_offset = desc_off,
	};
	take = namesz < KX_NOTE_OWNER_MAX ? namesz : KX_NOTE_OWNER_MAX;
	r = kx_vmcore_pread(it->v, ret->owner, take, name_off, err);
	if (r < 0)
		return seg_fail(it), r;
	ret->owner[take] = '\0';
	ret->owner_len = strnlen(ret->owner, take);
	ret->owner_truncated = namesz > KX_NOTE_OWNER_MAX && ret->owner_len == take;

	/* the last note's data may lack its padding; the next note starts 4-aligned */
	if (align4(descsz) > room)
		it->pos = it->seg_end;
	else
		it->pos = desc_off + align4(descsz);
	it->index++;
	if (desc_off + descsz > it->end) {
		/* the header is intact: list the note, then report the truncation on the next call */
		ret->truncated = true;
		it->pending = true;
		it->pending_off = off;
		it->pending_need = descsz;
		it->pending_at = desc_off;
		it->pending_index = ret->index;
	}
	return 1;
}

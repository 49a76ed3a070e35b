// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/vmcore: opening ELF cores and walking their notes.  Every input is built here byte by byte
 * (struct img: ELF header, program headers, notes, in either class and byte order) so that each test
 * shows exactly which field is wrong.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "vmcore.h"

/* ---- ELF image builder ------------------------------------------------------------------------ */

#define IMG_MAX 16384

struct img {
	int cls, data;
	size_t len;
	unsigned char b[IMG_MAX];
};

struct phdr_spec {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static size_t ehsize(const struct img *m)
{
	return m->cls == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
}

static size_t phentsize(const struct img *m)
{
	return m->cls == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
}

/* Store v as a `width`-byte integer at off in the image's byte order; grows len to cover it. */
static void put(struct img *m, size_t off, unsigned width, uint64_t v)
{
	assert_true(off + width <= IMG_MAX);
	for (unsigned i = 0; i < width; i++) {
		unsigned shift = m->data == ELFDATA2MSB ? 8 * (width - 1 - i) : 8 * i;

		m->b[off + i] = (unsigned char)(v >> shift);
	}
	if (off + width > m->len)
		m->len = off + width;
}

/* ELF header of an ET_CORE file with phnum program headers right after it (all zero for now). */
static void img_init(struct img *m, int cls, int data, uint16_t machine, unsigned phnum)
{
	bool w = cls == ELFCLASS64;

	memset(m, 0, sizeof(*m));
	m->cls = cls;
	m->data = data;
	memcpy(m->b, ELFMAG, SELFMAG);
	m->b[EI_CLASS] = (unsigned char)cls;
	m->b[EI_DATA] = (unsigned char)data;
	m->b[EI_VERSION] = EV_CURRENT;
	put(m, 16, 2, ET_CORE);                         /* e_type */
	put(m, 18, 2, machine);                         /* e_machine */
	put(m, 20, 4, EV_CURRENT);                      /* e_version */
	put(m, w ? 32 : 28, w ? 8 : 4, ehsize(m));      /* e_phoff */
	put(m, w ? 52 : 40, 2, ehsize(m));              /* e_ehsize */
	put(m, w ? 54 : 42, 2, phentsize(m));           /* e_phentsize */
	put(m, w ? 56 : 44, 2, phnum);                  /* e_phnum */
	m->len = ehsize(m) + phnum * phentsize(m);
}

static void img_phdr(struct img *m, unsigned i, const struct phdr_spec *p)
{
	size_t o = ehsize(m) + i * phentsize(m);

	if (m->cls == ELFCLASS64) {
		put(m, o + 0, 4, p->type);
		put(m, o + 4, 4, p->flags);
		put(m, o + 8, 8, p->offset);
		put(m, o + 16, 8, p->vaddr);
		put(m, o + 24, 8, p->paddr);
		put(m, o + 32, 8, p->filesz);
		put(m, o + 40, 8, p->memsz);
		put(m, o + 48, 8, p->align);
	} else {
		put(m, o + 0, 4, p->type);
		put(m, o + 4, 4, p->offset);
		put(m, o + 8, 4, p->vaddr);
		put(m, o + 12, 4, p->paddr);
		put(m, o + 16, 4, p->filesz);
		put(m, o + 20, 4, p->memsz);
		put(m, o + 24, 4, p->flags);
		put(m, o + 28, 4, p->align);
	}
}

static void img_note_segment(struct img *m, unsigned i, uint64_t offset, uint64_t filesz)
{
	img_phdr(m, i, &(struct phdr_spec){ .type = PT_NOTE, .offset = offset, .filesz = filesz });
}

/*
 * Append a note at the next 4-aligned offset: header, `namesz` name bytes (name copied up to its
 * NUL, the rest zero), padding, descsz data bytes (desc or a 0x5a pattern), padding.  Returns the
 * offset of the note header.
 */
static size_t img_note(struct img *m, const char *name, uint32_t namesz, uint32_t type,
		       const void *desc, uint32_t descsz)
{
	size_t off = align4(m->len), name_off = off + 12, desc_off = name_off + align4(namesz);

	assert_true(desc_off + align4(descsz) <= IMG_MAX);
	put(m, off, 4, namesz);
	put(m, off + 4, 4, descsz);
	put(m, off + 8, 4, type);
	memcpy(m->b + name_off, name, strnlen(name, namesz));
	if (desc)
		memcpy(m->b + desc_off, desc, descsz);
	else
		memset(m->b + desc_off, 0x5a, descsz);
	m->len = desc_off + align4(descsz);
	return off;
}

/* ---- files ------------------------------------------------------------------------------------ */

static char tmpdir[PATH_MAX];
static char core_path[PATH_MAX + 16];

static int setup_tmpdir(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/kx-test-vmcore.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(core_path, sizeof(core_path), "%s/vmcore", tmpdir);
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown_tmpdir(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Write len bytes as TMP/vmcore; returns its path. */
static const char *save_bytes(const void *data, size_t len)
{
	int fd = open(core_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	return core_path;
}

static const char *save(const struct img *m)
{
	return save_bytes(m->b, m->len);
}

static struct kx_vmcore *open_ok(const struct img *m)
{
	struct kx_vmcore *v = NULL;
	struct kx_err err;

	kx_err_clear(&err);
	assert_int_equal(kx_vmcore_open(save(m), &v, &err), 0);
	assert_non_null(v);
	assert_int_equal(err.code, 0);
	return v;
}

/* Open must fail with code and exactly this message and offset. */
static void expect_open_error(const char *path, int code, uint64_t offset, const char *msg)
{
	struct kx_vmcore *v = (struct kx_vmcore *)&v;   /* must stay untouched */
	struct kx_err err;

	kx_err_clear(&err);
	assert_int_equal(kx_vmcore_open(path, &v, &err), code);
	assert_ptr_equal(v, (struct kx_vmcore *)&v);
	assert_int_equal(err.code, code);
	assert_true(err.has_offset);
	assert_int_equal(err.offset, offset);
	assert_string_equal(err.msg, msg);
}

/* ---- notes ------------------------------------------------------------------------------------ */

/* Every field of a note as one line, so a mismatch shows all of them side by side. */
static const char *fmt_note(const struct kx_note *n, char *buf, size_t size)
{
	snprintf(buf, size, "#%zu phdr %zu at %#llx namesz %u descsz %u type %#x name@%#llx "
		 "desc@%#llx owner \"%s\"/%zu%s%s", n->index, n->phdr, (unsigned long long)n->offset,
		 n->namesz, n->descsz, n->type, (unsigned long long)n->name_offset,
		 (unsigned long long)n->desc_offset, n->owner, n->owner_len,
		 n->owner_truncated ? " owner_truncated" : "", n->truncated ? " truncated" : "");
	return buf;
}

struct want_note {
	size_t index, phdr;
	uint64_t offset;
	uint32_t namesz, descsz, type;
	const char *owner;
	bool truncated;
};

static void expect_note(struct kx_note_iter *it, const struct want_note *w)
{
	struct kx_note got, want = {
		.index = w->index, .phdr = w->phdr, .offset = w->offset,
		.namesz = w->namesz, .descsz = w->descsz, .type = w->type,
		.name_offset = w->offset + 12, .desc_offset = w->offset + 12 + align4(w->namesz),
		.owner_len = strlen(w->owner), .truncated = w->truncated,
	};
	char a[256], b[256];
	struct kx_err err;

	snprintf(want.owner, sizeof(want.owner), "%s", w->owner);
	kx_err_clear(&err);
	memset(&got, 0, sizeof(got));
	assert_int_equal(kx_note_iter_next(it, &got, &err), 1);
	assert_int_equal(err.code, 0);
	assert_string_equal(fmt_note(&got, a, sizeof(a)), fmt_note(&want, b, sizeof(b)));
}

static void expect_end(struct kx_note_iter *it)
{
	struct kx_note n;
	struct kx_err err;

	kx_err_clear(&err);
	assert_int_equal(kx_note_iter_next(it, &n, &err), 0);
	assert_int_equal(err.code, 0);
}

static void expect_iter_error(struct kx_note_iter *it, uint64_t offset, const char *msg)
{
	struct kx_note n;
	struct kx_err err;

	kx_err_clear(&err);
	assert_int_equal(kx_note_iter_next(it, &n, &err), -EBADMSG);
	assert_int_equal(err.code, -EBADMSG);
	assert_true(err.has_offset);
	assert_int_equal(err.offset, offset);
	assert_string_equal(err.msg, msg);
}

/* ---- opening ---------------------------------------------------------------------------------- */

static void open_reports_class_byte_order_machine_and_program_headers(void **state)
{
	struct kx_vmcore *v;
	const struct kx_vmcore_info *info;
	struct img m;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 2);
	img_note(&m, "CORE", 5, 1, NULL, 8);
	v = open_ok(&m);
	info = kx_vmcore_info(v);
	assert_int_equal(info->elfclass, ELFCLASS64);
	assert_int_equal(info->data, ELFDATA2LSB);
	assert_int_equal(info->machine, EM_X86_64);
	assert_int_equal(info->type, ET_CORE);
	assert_int_equal(info->file_size, 64 + 2 * 56 + 12 + 8 + 8);
	assert_int_equal(info->phoff, 64);
	assert_int_equal(info->phnum, 2);
	assert_int_equal(info->phentsize, 56);
	assert_string_equal(kx_vmcore_path(v), core_path);
	assert_true(kx_vmcore_fd(v) >= 0);
	kx_vmcore_close(v);

	img_init(&m, ELFCLASS32, ELFDATA2MSB, EM_PPC, 3);
	v = open_ok(&m);
	info = kx_vmcore_info(v);
	assert_int_equal(info->elfclass, ELFCLASS32);
	assert_int_equal(info->data, ELFDATA2MSB);
	assert_int_equal(info->machine, EM_PPC);
	assert_int_equal(info->phoff, 52);
	assert_int_equal(info->phnum, 3);
	assert_int_equal(info->phentsize, 32);
	kx_vmcore_close(v);
}

static void open_of_a_missing_file_or_a_directory_fails_with_errno(void **state)
{
	struct kx_vmcore *v = NULL;
	struct kx_err err;
	char path[PATH_MAX + 16];

	(void)state;
	snprintf(path, sizeof(path), "%s/nope", tmpdir);
	kx_err_clear(&err);
	assert_int_equal(kx_vmcore_open(path, &v, &err), -ENOENT);
	assert_false(err.has_offset);
	assert_non_null(strstr(err.msg, "cannot open"));
	assert_null(v);

	kx_err_clear(&err);
	assert_int_equal(kx_vmcore_open(tmpdir, &v, &err), -EISDIR);
	assert_null(v);
	kx_vmcore_close(NULL);
}

static void open_rejects_a_file_that_is_not_elf(void **state)
{
	static const char text[] = "this is not a vmcore, just some text\n";

	(void)state;
	expect_open_error(save_bytes(text, sizeof(text) - 1), -EBADMSG, 0,
			  "not an ELF file (bad magic)");
}

static void open_names_kdump_compressed_and_flattened_formats(void **state)
{
	unsigned char buf[64] = { 0 };

	(void)state;
	/* kdump-compressed files are read (lib/kdump.c, tests/unit/test-kdump.c): one cut short
	 * is named as what it is */
	memcpy(buf, "KDUMP   ", 8);
	expect_open_error(save_bytes(buf, sizeof(buf)), -EBADMSG, 0,
			  "this is a kdump-compressed dump (makedumpfile -c/-l/-p), but truncated: the "
			  "kdump-compressed header (464 bytes at 0x0) runs past the end of the file at "
			  "0x40");
	memcpy(buf, "DISKDUMP", 8);
	expect_open_error(save_bytes(buf, sizeof(buf)), -EPROTONOSUPPORT, 0,
			  "this is an old diskdump (\"DISKDUMP\"), which is not read; convert it with "
			  "'makedumpfile -E' to an ELF vmcore");
	memcpy(buf, "makedumpfile\0\0\0\0", 16);
	expect_open_error(save_bytes(buf, sizeof(buf)), -EPROTONOSUPPORT, 0,
			  "this is makedumpfile's flattened format (makedumpfile -F); "
			  "rebuild it with 'makedumpfile -R' first");
}

static void open_reports_a_truncated_elf_header_with_its_length(void **state)
{
	struct img m;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 0);
	expect_open_error(save_bytes(m.b, 0), -EBADMSG, 0,
			  "truncated: 0 bytes, too short for an ELF header");
	expect_open_error(save_bytes(m.b, 10), -EBADMSG, 10,
			  "truncated: 10 bytes, too short for an ELF header");
	expect_open_error(save_bytes(m.b, 40), -EBADMSG, 40,
			  "truncated: 40 bytes, too short for the 64-byte ELF header");
	img_init(&m, ELFCLASS32, ELFDATA2LSB, EM_386, 0);
	expect_open_error(save_bytes(m.b, 51), -EBADMSG, 51,
			  "truncated: 51 bytes, too short for the 52-byte ELF header");
}

static void open_rejects_unknown_class_and_byte_order(void **state)
{
	struct img m;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 0);
	m.b[EI_CLASS] = 3;
	expect_open_error(save(&m), -EBADMSG, EI_CLASS, "unknown ELF class 3");
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 0);
	m.b[EI_DATA] = 0;
	expect_open_error(save(&m), -EBADMSG, EI_DATA, "unknown ELF byte order 0");
}

static void open_rejects_a_wrong_program_header_size(void **state)
{
	struct img m;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 1);
	img_note_segment(&m, 0, m.len, 0);
	put(&m, 54, 2, 32);
	expect_open_error(save(&m), -EBADMSG, 54, "e_phentsize is 32, expected 56");

	img_init(&m, ELFCLASS32, ELFDATA2MSB, EM_PPC, 1);
	img_note_segment(&m, 0, m.len, 0);
	put(&m, 42, 2, 56);
	expect_open_error(save(&m), -EBADMSG, 42, "e_phentsize is 56, expected 32");
}

static void open_rejects_program_headers_past_the_end_of_the_file(void **state)
{
	struct img m;

	(void)state;
	/* three headers announced, two and a half present */
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 3);
	m.len = 64 + 2 * 56 + 28;
	expect_open_error(save(&m), -EBADMSG, 64,
			  "truncated: 3 program headers at 0x40 need 168 bytes but the file is "
			  "204 bytes");

	/* e_phoff itself past the end */
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 1);
	put(&m, 32, 8, 0x10000);
	expect_open_error(save(&m), -EBADMSG, 0x10000,
			  "truncated: 1 program headers at 0x10000 need 56 bytes but the file is "
			  "120 bytes");
}

static void open_reads_the_extended_program_header_count(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct img m;
	size_t shoff, note;

	(void)state;
	/* e_phnum = PN_XNUM: the real count (2) is sh_info of section header 0 */
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 2);
	put(&m, 56, 2, PN_XNUM);
	shoff = m.len;
	put(&m, 40, 8, shoff);                  /* e_shoff */
	put(&m, 58, 2, sizeof(Elf64_Shdr));     /* e_shentsize */
	put(&m, 60, 2, 1);                      /* e_shnum */
	put(&m, shoff + 44, 4, 2);              /* sh_info */
	put(&m, shoff + sizeof(Elf64_Shdr) - 1, 1, 0);  /* the rest of it is zero */
	img_phdr(&m, 0, &(struct phdr_spec){ .type = PT_LOAD });
	note = img_note(&m, "CORE", 5, 1, NULL, 4);
	img_note_segment(&m, 1, note, m.len - note);
	v = open_ok(&m);
	assert_int_equal(kx_vmcore_info(v)->phnum, 2);
	kx_note_iter_init(&it, v);
	expect_note(&it, &(struct want_note){ 0, 1, note, 5, 4, 1, "CORE", false });
	expect_end(&it);
	kx_vmcore_close(v);
}

static void open_rejects_pn_xnum_without_a_section_header_0(void **state)
{
	struct img m;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 2);
	put(&m, 56, 2, PN_XNUM);
	expect_open_error(save(&m), -EBADMSG, 56,
			  "e_phnum is PN_XNUM but section header 0 is unusable (e_shoff is 0)");
}

/* ---- program headers, raw reads, byte order --------------------------------------------------- */

static void phdr_translates_elf64_and_elf32_headers_to_the_host(void **state)
{
	const struct phdr_spec want = {
		.type = PT_LOAD, .flags = PF_R | PF_W | PF_X, .offset = 0x1000,
		.vaddr = 0xc0100000, .paddr = 0x100000, .filesz = 0x2000, .memsz = 0x3000,
		.align = 0x1000,
	};
	static const struct {
		int cls, data;
	} variants[] = {
		{ ELFCLASS64, ELFDATA2LSB }, { ELFCLASS64, ELFDATA2MSB },
		{ ELFCLASS32, ELFDATA2LSB }, { ELFCLASS32, ELFDATA2MSB },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(variants) / sizeof(variants[0]); k++) {
		struct kx_vmcore *v;
		struct kx_err err;
		struct img m;
		GElf_Phdr ph;

		img_init(&m, variants[k].cls, variants[k].data, EM_NONE, 2);
		img_note_segment(&m, 0, m.len, 0);
		img_phdr(&m, 1, &want);
		m.len = 0x1000;
		v = open_ok(&m);
		kx_err_clear(&err);
		memset(&ph, 0xee, sizeof(ph));
		assert_int_equal(kx_vmcore_phdr(v, 1, &ph, &err), 0);
		assert_int_equal(ph.p_type, PT_LOAD);
		assert_int_equal(ph.p_flags, PF_R | PF_W | PF_X);
		assert_int_equal(ph.p_offset, 0x1000);
		assert_int_equal(ph.p_vaddr, 0xc0100000);
		assert_int_equal(ph.p_paddr, 0x100000);
		assert_int_equal(ph.p_filesz, 0x2000);
		assert_int_equal(ph.p_memsz, 0x3000);
		assert_int_equal(ph.p_align, 0x1000);
		assert_int_equal(kx_vmcore_phdr(v, 0, &ph, &err), 0);
		assert_int_equal(ph.p_type, PT_NOTE);
		assert_int_equal(kx_vmcore_phdr(v, 2, &ph, &err), -ERANGE);
		kx_vmcore_close(v);
	}
}

static void pread_reads_exact_bytes_and_reports_reads_past_eof(void **state)
{
	struct kx_vmcore *v;
	struct kx_err err;
	struct img m;
	unsigned char buf[8];

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 0);
	memcpy(m.b + 64, "ABCDEFGH", 8);
	m.len = 72;
	v = open_ok(&m);

	kx_err_clear(&err);
	assert_int_equal(kx_vmcore_pread(v, buf, 8, 64, &err), 0);
	assert_memory_equal(buf, "ABCDEFGH", 8);
	assert_int_equal(kx_vmcore_pread(v, buf, 0, 72, &err), 0);
	assert_int_equal(err.code, 0);

	/* crosses the end: the offset reported is where the file ends */
	assert_int_equal(kx_vmcore_pread(v, buf, 4, 70, &err), -EBADMSG);
	assert_int_equal(err.offset, 72);
	assert_string_equal(err.msg,
			    "truncated: 4 bytes needed at 0x46 but the file ends at 0x48");

	/* starts past the end: the offset reported is the one asked for */
	kx_err_clear(&err);
	assert_int_equal(kx_vmcore_pread(v, buf, 1, 0x100, &err), -EBADMSG);
	assert_true(err.has_offset);
	assert_int_equal(err.offset, 0x100);

	/* a huge length must not wrap around */
	kx_err_clear(&err);
	assert_int_equal(kx_vmcore_pread(v, buf, SIZE_MAX, 8, &err), -EBADMSG);
	kx_vmcore_close(v);
}

static void integers_follow_the_byte_order_of_the_file(void **state)
{
	static const unsigned char bytes[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct kx_vmcore *le, *be;
	struct img m;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 0);
	le = open_ok(&m);
	img_init(&m, ELFCLASS32, ELFDATA2MSB, EM_S390, 0);
	be = open_ok(&m);

	assert_int_equal(kx_vmcore_u16(le, bytes), 0x0201);
	assert_int_equal(kx_vmcore_u32(le, bytes), 0x04030201);
	assert_int_equal(kx_vmcore_u64(le, bytes), UINT64_C(0x0807060504030201));
	assert_int_equal(kx_vmcore_u16(be, bytes), 0x0102);
	assert_int_equal(kx_vmcore_u32(be, bytes), 0x01020304);
	assert_int_equal(kx_vmcore_u64(be, bytes), UINT64_C(0x0102030405060708));
	/* high bits survive: no sign extension through int */
	assert_int_equal(kx_vmcore_u32(be, (const unsigned char[]){ 0xff, 0, 0, 0x80 }), 0xff000080);
	assert_int_equal(kx_vmcore_u64(le, (const unsigned char[]){ 0, 0, 0, 0x80, 0, 0, 0, 0xff }),
			 UINT64_C(0xff00000080000000));
	kx_vmcore_close(le);
	kx_vmcore_close(be);
}

/* ---- note walk -------------------------------------------------------------------------------- */

static void notes_of_an_elf64_le_core_come_in_file_order_with_exact_fields(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct img m;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 1);
	assert_int_equal(img_note(&m, "CORE", 5, 1, NULL, 336), 0x78);
	assert_int_equal(img_note(&m, "LINUX", 8, 0x700, NULL, 64), 0x1dc);
	assert_int_equal(img_note(&m, "VMCOREINFO", 11, 0, "OSRELEASE=6.1.0\nPAGESIZE=4096\n", 30),
			 0x230);
	assert_int_equal(m.len, 0x268);
	img_note_segment(&m, 0, 0x78, 0x268 - 0x78);
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	expect_note(&it, &(struct want_note){ 0, 0, 0x78, 5, 336, 1, "CORE", false });
	expect_note(&it, &(struct want_note){ 1, 0, 0x1dc, 8, 64, 0x700, "LINUX", false });
	expect_note(&it, &(struct want_note){ 2, 0, 0x230, 11, 30, 0, "VMCOREINFO", false });
	expect_end(&it);
	expect_end(&it);        /* and stays at the end */
	kx_vmcore_close(v);
}

static void notes_of_an_elf32_be_core_are_read_in_its_byte_order(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct img m;

	(void)state;
	img_init(&m, ELFCLASS32, ELFDATA2MSB, EM_PPC, 1);
	assert_int_equal(img_note(&m, "CORE", 5, 0x53494749, NULL, 12), 0x54);
	assert_int_equal(img_note(&m, "VMCOREINFO", 11, 0, "PAGESIZE=4096", 13), 0x74);
	img_note_segment(&m, 0, 0x54, m.len - 0x54);
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	expect_note(&it, &(struct want_note){ 0, 0, 0x54, 5, 12, 0x53494749, "CORE", false });
	expect_note(&it, &(struct want_note){ 1, 0, 0x74, 11, 13, 0, "VMCOREINFO", false });
	expect_end(&it);
	kx_vmcore_close(v);
}

static void notes_of_several_pt_note_segments_are_numbered_across_them(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct img m;
	size_t a, b, c, seg0_end;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 3);
	a = img_note(&m, "CORE", 5, 1, NULL, 16);
	b = img_note(&m, "CORE", 5, 1, NULL, 16);
	seg0_end = m.len;
	c = img_note(&m, "VMCOREINFO", 11, 0, NULL, 8);
	img_note_segment(&m, 0, a, seg0_end - a);
	img_phdr(&m, 1, &(struct phdr_spec){ .type = PT_LOAD, .offset = 0, .filesz = 64 });
	img_note_segment(&m, 2, c, m.len - c);
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	expect_note(&it, &(struct want_note){ 0, 0, a, 5, 16, 1, "CORE", false });
	expect_note(&it, &(struct want_note){ 1, 0, b, 5, 16, 1, "CORE", false });
	expect_note(&it, &(struct want_note){ 2, 2, c, 11, 8, 0, "VMCOREINFO", false });
	expect_end(&it);
	kx_vmcore_close(v);
}

static void an_empty_note_followed_by_padding_ends_its_segment(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct img m;
	size_t a, b, seg0_end;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 2);
	a = img_note(&m, "CORE", 5, 1, NULL, 8);
	img_note(&m, "", 0, 0, NULL, 0);                 /* the empty note */
	m.len += 16;                                     /* zero padding up to the segment end */
	seg0_end = m.len;
	b = img_note(&m, "VMCOREINFO", 11, 0, NULL, 8);
	img_note_segment(&m, 0, a, seg0_end - a);
	img_note_segment(&m, 1, b, m.len - b);
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	expect_note(&it, &(struct want_note){ 0, 0, a, 5, 8, 1, "CORE", false });
	expect_note(&it, &(struct want_note){ 1, 1, b, 11, 8, 0, "VMCOREINFO", false });
	expect_end(&it);
	kx_vmcore_close(v);
}

static void an_empty_note_followed_by_data_is_reported_as_a_damaged_header(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct img m;
	size_t a, zero, hidden, b, seg0_end;
	char msg[512];

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 2);
	a = img_note(&m, "CORE", 5, 1, NULL, 8);
	zero = img_note(&m, "", 0, 0, NULL, 0);
	hidden = img_note(&m, "HIDDEN", 7, 9, NULL, 8);  /* behind the empty note: never listed */
	seg0_end = m.len;
	b = img_note(&m, "VMCOREINFO", 11, 0, NULL, 8);
	img_note_segment(&m, 0, a, seg0_end - a);
	img_note_segment(&m, 1, b, m.len - b);
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	expect_note(&it, &(struct want_note){ 0, 0, a, 5, 8, 1, "CORE", false });
	snprintf(msg, sizeof(msg), "note 1 is empty (n_namesz, n_descsz and n_type all 0), which "
		 "ends the notes, but data follows at %#zx in its PT_NOTE segment (program header "
		 "0): a damaged note header?", hidden);
	expect_iter_error(&it, zero, msg);
	/* the walk goes on with the next segment */
	expect_note(&it, &(struct want_note){ 1, 1, b, 11, 8, 0, "VMCOREINFO", false });
	expect_end(&it);
	kx_vmcore_close(v);
}

static void a_core_without_notes_ends_at_once(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct img m;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 0);
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	expect_end(&it);
	kx_vmcore_close(v);

	/* an empty PT_NOTE segment and a PT_LOAD */
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 2);
	img_note_segment(&m, 0, m.len, 0);
	img_phdr(&m, 1, &(struct phdr_spec){ .type = PT_LOAD, .offset = 0, .filesz = m.len });
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	expect_end(&it);
	kx_vmcore_close(v);
}

static void owner_is_the_name_up_to_its_nul_whatever_namesz_says(void **state)
{
	static const struct {
		uint32_t namesz;
		const char *name;
	} t[] = {
		{ 6, "LINUX" },          /* "LINUX\0" as the kernel defines it */
		{ 8, "LINUX" },          /* "LINUX\0\0\0" as device dumps carry it */
		{ 5, "LINUX" },          /* no NUL at all */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct kx_vmcore *v;
		struct kx_note_iter it;
		struct img m;
		size_t a;

		img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 1);
		a = img_note(&m, t[i].name, t[i].namesz, 0x700, NULL, 44);
		img_note_segment(&m, 0, a, m.len - a);
		v = open_ok(&m);
		kx_note_iter_init(&it, v);
		expect_note(&it, &(struct want_note){ 0, 0, a, t[i].namesz, 44, 0x700, "LINUX", false });
		expect_end(&it);
		kx_vmcore_close(v);
	}
}

static void an_owner_longer_than_the_maximum_is_cut_and_flagged(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct kx_note n;
	struct kx_err err;
	struct img m;
	char name[101];
	size_t a, b;

	(void)state;
	for (size_t i = 0; i < 100; i++)
		name[i] = (char)('a' + i % 26);
	name[100] = '\0';
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 1);
	a = img_note(&m, name, 100, 7, NULL, 8);
	/* a long n_namesz holding a short NUL-terminated name is not truncated */
	b = img_note(&m, "CORE", 100, 1, NULL, 8);
	img_note_segment(&m, 0, a, m.len - a);
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	kx_err_clear(&err);
	assert_int_equal(kx_note_iter_next(&it, &n, &err), 1);
	assert_int_equal(n.namesz, 100);
	assert_int_equal(n.owner_len, KX_NOTE_OWNER_MAX);
	assert_true(n.owner_truncated);
	assert_memory_equal(n.owner, name, KX_NOTE_OWNER_MAX);
	assert_int_equal(n.owner[KX_NOTE_OWNER_MAX], '\0');
	assert_int_equal(n.desc_offset, a + 12 + 100);
	expect_note(&it, &(struct want_note){ 1, 0, b, 100, 8, 1, "CORE", false });
	expect_end(&it);
	kx_vmcore_close(v);
}

/* ---- malformed and truncated notes ------------------------------------------------------------ */

static void a_pt_note_starting_past_eof_is_reported_and_skipped(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct img m;
	size_t a;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 2);
	img_note_segment(&m, 0, 0x100000, 0x20);
	a = img_note(&m, "CORE", 5, 1, NULL, 8);
	img_note_segment(&m, 1, a, m.len - a);
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	expect_iter_error(&it, 64, "PT_NOTE segment (program header 0) starts at 0x100000, past the "
			  "end of the file at 0xcc");
	/* the walk goes on with the next segment */
	expect_note(&it, &(struct want_note){ 0, 1, a, 5, 8, 1, "CORE", false });
	expect_end(&it);
	kx_vmcore_close(v);

	/* alone: the error, then the end */
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 1);
	img_note_segment(&m, 0, 0x100000, 0x20);
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	expect_iter_error(&it, 64, "PT_NOTE segment (program header 0) starts at 0x100000, past the "
			  "end of the file at 0x78");
	expect_end(&it);
	kx_vmcore_close(v);
}

static void a_pt_note_whose_size_overflows_is_reported(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct img m;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 1);
	img_note_segment(&m, 0, 0x40, UINT64_MAX - 0x20);
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	expect_iter_error(&it, 64, "PT_NOTE segment (program header 0): offset 0x40 + size "
			  "0xffffffffffffffdf overflows");
	expect_end(&it);
	kx_vmcore_close(v);
}

static void descsz_past_the_segment_is_reported_at_the_note_header(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct img m;
	size_t a, b;

	(void)state;
	/* the note claims 100 data bytes, its segment holds 16 of them; more file follows */
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 2);
	a = img_note(&m, "CORE", 5, 1, NULL, 16);
	put(&m, a + 4, 4, 100);
	b = img_note(&m, "VMCOREINFO", 11, 0, NULL, 4);
	img_note_segment(&m, 0, a, b - a);
	img_note_segment(&m, 1, b, m.len - b);
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	expect_iter_error(&it, a, "note 0 data (n_descsz) (100 bytes at 0xc4) runs past the end of "
			  "its PT_NOTE segment (program header 0) at 0xd4");
	expect_note(&it, &(struct want_note){ 0, 1, b, 11, 4, 0, "VMCOREINFO", false });
	expect_end(&it);
	kx_vmcore_close(v);
}

/*
 * The same, with the segment ending exactly where the file ends (the usual place for the last
 * segment).  The file is complete, so this is a bad n_descsz, not a truncated file.
 */
static void descsz_past_a_segment_that_ends_at_eof_is_not_called_truncated(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct img m;
	size_t a;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 1);
	a = img_note(&m, "CORE", 5, 1, NULL, 16);
	put(&m, a + 4, 4, 100);
	img_note_segment(&m, 0, a, m.len - a);
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	expect_iter_error(&it, a, "note 0 data (n_descsz) (100 bytes at 0x8c) runs past the end of "
			  "its PT_NOTE segment (program header 0) at 0x9c");
	expect_end(&it);
	kx_vmcore_close(v);
}

static void namesz_past_the_segment_is_reported_at_the_note_header(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct img m;
	size_t a, b;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 2);
	a = img_note(&m, "CORE", 5, 1, NULL, 16);
	put(&m, a, 4, 0xfffffff0);
	b = img_note(&m, "VMCOREINFO", 11, 0, NULL, 4);
	img_note_segment(&m, 0, a, b - a);
	img_note_segment(&m, 1, b, m.len - b);
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	expect_iter_error(&it, a, "note 0 name (4294967280 bytes at 0xbc) runs past the end of its "
			  "PT_NOTE segment (program header 0) at 0xd4");
	expect_note(&it, &(struct want_note){ 0, 1, b, 11, 4, 0, "VMCOREINFO", false });
	expect_end(&it);
	kx_vmcore_close(v);
}

static void a_note_header_cut_by_the_segment_end_is_reported(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct img m;
	size_t a, cut, b;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 2);
	a = img_note(&m, "CORE", 5, 1, NULL, 8);
	cut = img_note(&m, "CORE", 5, 1, NULL, 8);     /* only 8 of its header bytes are inside */
	b = img_note(&m, "VMCOREINFO", 11, 0, NULL, 4);
	img_note_segment(&m, 0, a, cut + 8 - a);
	img_note_segment(&m, 1, b, m.len - b);
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	expect_note(&it, &(struct want_note){ 0, 0, a, 5, 8, 1, "CORE", false });
	expect_iter_error(&it, cut, "note 1 header (12 bytes at 0xcc) runs past the end of its "
			  "PT_NOTE segment (program header 0) at 0xd4");
	expect_note(&it, &(struct want_note){ 1, 1, b, 11, 4, 0, "VMCOREINFO", false });
	expect_end(&it);
	kx_vmcore_close(v);
}

static void a_note_header_cut_by_eof_is_reported_as_truncated(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct img m;
	size_t a, cut;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 1);
	a = img_note(&m, "CORE", 5, 1, NULL, 8);
	cut = img_note(&m, "CORE", 5, 1, NULL, 8);
	img_note_segment(&m, 0, a, m.len - a);
	m.len = cut + 6;                                /* the file ends inside the header */
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	expect_note(&it, &(struct want_note){ 0, 0, a, 5, 8, 1, "CORE", false });
	expect_iter_error(&it, cut, "truncated: note 1 header (12 bytes at 0x94) runs past the end "
			  "of the file at 0x9a");
	expect_end(&it);
	kx_vmcore_close(v);
}

static void a_note_whose_data_runs_past_eof_is_listed_then_reported(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct img m;
	size_t a;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 1);
	a = img_note(&m, "LINUX", 8, 0x700, NULL, 4096);
	img_note_segment(&m, 0, a, m.len - a);
	m.len = a + 20 + 100;                           /* 100 of the 4096 data bytes are there */
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	/* the header is intact: the note is listed, flagged truncated */
	expect_note(&it, &(struct want_note){ 0, 0, a, 8, 4096, 0x700, "LINUX", true });
	/* the next call names the problem, at the note's header */
	expect_iter_error(&it, a, "truncated: note 0 data (4096 bytes at 0x8c) runs past the end of "
			  "the file at 0xf0");
	expect_end(&it);
	kx_vmcore_close(v);
}

static void a_note_name_past_eof_is_reported_as_truncated(void **state)
{
	struct kx_vmcore *v;
	struct kx_note_iter it;
	struct img m;
	size_t a;

	(void)state;
	img_init(&m, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 1);
	a = img_note(&m, "VMCOREINFO", 11, 0, NULL, 8);
	img_note_segment(&m, 0, a, m.len - a);
	m.len = a + 12 + 4;
	v = open_ok(&m);
	kx_note_iter_init(&it, v);
	expect_iter_error(&it, a, "truncated: note 0 name (11 bytes at 0x84) runs past the end of "
			  "the file at 0x88");
	expect_end(&it);
	kx_vmcore_close(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_reports_class_byte_order_machine_and_program_headers),
		cmocka_unit_test(open_of_a_missing_file_or_a_directory_fails_with_errno),
		cmocka_unit_test(open_rejects_a_file_that_is_not_elf),
		cmocka_unit_test(open_names_kdump_compressed_and_flattened_formats),
		cmocka_unit_test(open_reports_a_truncated_elf_header_with_its_length),
		cmocka_unit_test(open_rejects_unknown_class_and_byte_order),
		cmocka_unit_test(open_rejects_a_wrong_program_header_size),
		cmocka_unit_test(open_rejects_program_headers_past_the_end_of_the_file),
		cmocka_unit_test(open_reads_the_extended_program_header_count),
		cmocka_unit_test(open_rejects_pn_xnum_without_a_section_header_0),
		cmocka_unit_test(phdr_translates_elf64_and_elf32_headers_to_the_host),
		cmocka_unit_test(pread_reads_exact_bytes_and_reports_reads_past_eof),
		cmocka_unit_test(integers_follow_the_byte_order_of_the_file),
		cmocka_unit_test(notes_of_an_elf64_le_core_come_in_file_order_with_exact_fields),
		cmocka_unit_test(notes_of_an_elf32_be_core_are_read_in_its_byte_order),
		cmocka_unit_test(notes_of_several_pt_note_segments_are_numbered_across_them),
		cmocka_unit_test(an_empty_note_followed_by_padding_ends_its_segment),
		cmocka_unit_test(an_empty_note_followed_by_data_is_reported_as_a_damaged_header),
		cmocka_unit_test(a_core_without_notes_ends_at_once),
		cmocka_unit_test(owner_is_the_name_up_to_its_nul_whatever_namesz_says),
		cmocka_unit_test(an_owner_longer_than_the_maximum_is_cut_and_flagged),
		cmocka_unit_test(a_pt_note_starting_past_eof_is_reported_and_skipped),
		cmocka_unit_test(a_pt_note_whose_size_overflows_is_reported),
		cmocka_unit_test(descsz_past_the_segment_is_reported_at_the_note_header),
		cmocka_unit_test(descsz_past_a_segment_that_ends_at_eof_is_not_called_truncated),
		cmocka_unit_test(namesz_past_the_segment_is_reported_at_the_note_header),
		cmocka_unit_test(a_note_header_cut_by_the_segment_end_is_reported),
		cmocka_unit_test(a_note_header_cut_by_eof_is_reported_as_truncated),
		cmocka_unit_test(a_note_whose_data_runs_past_eof_is_listed_then_reported),
		cmocka_unit_test(a_note_name_past_eof_is_reported_as_truncated),
	};

	return cmocka_run_group_tests(tests, setup_tmpdir, teardown_tmpdir);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/notes: owner matching, type names, device-dump notes and NT_PRSTATUS decoding. */
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

#include "notes.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* A note as the walker returns it, for the pure functions. */
static struct kx_note mknote(const char *owner, uint32_t type)
{
	struct kx_note n = { .type = type, .namesz = (uint32_t)strlen(owner) + 1 };

	snprintf(n.owner, sizeof(n.owner), "%s", owner);
	n.owner_len = strlen(n.owner);
	return n;
}

static void owner_is_an_exact_match_of_the_name_before_its_nul(void **state)
{
	struct kx_note n = mknote("LINUX", 0x700);

	(void)state;
	assert_true(kx_note_owner_is(&n, "LINUX"));
	assert_false(kx_note_owner_is(&n, "LINU"));
	assert_false(kx_note_owner_is(&n, "LINUXX"));
	assert_false(kx_note_owner_is(&n, "linux"));
	assert_false(kx_note_owner_is(&n, ""));

	/* an owner cut at KX_NOTE_OWNER_MAX never matches, not even its own first bytes */
	n.owner_truncated = true;
	assert_false(kx_note_owner_is(&n, "LINUX"));

	n = mknote("", 0);
	assert_true(kx_note_owner_is(&n, ""));
	assert_false(kx_note_owner_is(&n, "CORE"));
}

static void type_name_depends_on_owner_and_type(void **state)
{
	static const struct {
		const char *owner;
		uint32_t type;
		const char *name;       /* NULL: unknown */
	} t[] = {
		{ "CORE", 1, "NT_PRSTATUS" },
		{ "CORE", 2, "NT_PRFPREG" },
		{ "CORE", 3, "NT_PRPSINFO" },
		{ "CORE", 0x53494749, "NT_SIGINFO" },
		{ "LINUX", 0x700, "NT_VMCOREDD" },
		{ "LINUX", 0x202, "NT_X86_XSTATE" },
		{ "VMCOREINFO", 0, "VMCOREINFO" },
		{ "VMCOREINFO_XEN", 0, "VMCOREINFO_XEN" },
		{ "Xen", 0x1000001, "XEN_ELFNOTE_DUMPCORE_HEADER" },
		{ "CORE", 0x700, NULL },
		{ "LINUX", 1, NULL },
		{ "VMCOREINFO", 1, NULL },
		{ "GNU", 3, NULL },
		{ "", 0, NULL },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct kx_note n = mknote(t[i].owner, t[i].type);
		const char *name = kx_note_type_name(&n);
		char got[96], want[96];

		snprintf(got, sizeof(got), "%s/%#x -> %s", t[i].owner, t[i].type, name ? name : "NULL");
		snprintf(want, sizeof(want), "%s/%#x -> %s", t[i].owner, t[i].type,
			 t[i].name ? t[i].name : "NULL");
		assert_string_equal(got, want);
	}
}

static void device_dump_and_vmcoreinfo_notes_are_recognised_by_owner_and_type(void **state)
{
	struct kx_note dd = mknote("LINUX", 0x700), vi = mknote("VMCOREINFO", 0);
	struct kx_note core700 = mknote("CORE", 0x700), linux0 = mknote("LINUX", 0);

	(void)state;
	assert_true(kx_note_is_vmcoredd(&dd));
	assert_false(kx_note_is_vmcoredd(&core700));
	assert_false(kx_note_is_vmcoredd(&vi));
	assert_true(kx_note_is_vmcoreinfo(&vi));
	assert_false(kx_note_is_vmcoreinfo(&linux0));
	assert_false(kx_note_is_vmcoreinfo(&dd));
}

/* ---- device-dump notes in a file: a minimal ELF64 LE core with one PT_NOTE ---------------------- */

static char tmpdir[PATH_MAX];
static char core_path[PATH_MAX + 16];

static int setup_tmpdir(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/kx-test-notes.XXXXXX", base && *base ? base : "/tmp");
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

#define NOTES_AT 120            /* 64-byte ELF header + one 56-byte program header */
#define IMG_MAX 16384

struct img {
	size_t len;
	unsigned char b[IMG_MAX];
};

static void put_le(unsigned char *p, unsigned width, uint64_t v)
{
	for (unsigned i = 0; i < width; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void img_init(struct img *m)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->b, ELFMAG, SELFMAG);
	m->b[EI_CLASS] = ELFCLASS64;
	m->b[EI_DATA] = ELFDATA2LSB;
	m->b[EI_VERSION] = EV_CURRENT;
	put_le(m->b + 16, 2, ET_CORE);
	put_le(m->b + 18, 2, EM_X86_64);
	put_le(m->b + 20, 4, EV_CURRENT);
	put_le(m->b + 32, 8, 64);           /* e_phoff */
	put_le(m->b + 52, 2, 64);           /* e_ehsize */
	put_le(m->b + 54, 2, 56);           /* e_phentsize */
	put_le(m->b + 56, 2, 1);            /* e_phnum */
	put_le(m->b + 64, 4, PT_NOTE);
	put_le(m->b + 64 + 8, 8, NOTES_AT); /* p_offset; p_filesz is set by img_save */
	m->len = NOTES_AT;
}

/* A device-dump note as the kernel writes it: "LINUX" in 8 name bytes, 44-byte name, data. */
static size_t img_vmcoredd(struct img *m, const void *name, size_t name_len, uint32_t descsz)
{
	size_t off = m->len;

	assert_true(off + 20 + ((descsz + 3u) & ~3u) <= IMG_MAX);
	assert_true(name_len <= KX_VMCOREDD_NAME_BYTES && name_len <= descsz);
	put_le(m->b + off, 4, 8);
	put_le(m->b + off + 4, 4, descsz);
	put_le(m->b + off + 8, 4, KX_NT_VMCOREDD);
	memcpy(m->b + off + 12, "LINUX\0\0\0", 8);
	memcpy(m->b + off + 20, name, name_len);
	for (size_t i = KX_VMCOREDD_NAME_BYTES; i < descsz; i++)
		m->b[off + 20 + i] = (unsigned char)i;
	m->len = off + 20 + ((descsz + 3u) & ~3u);
	return off;
}

static const char *img_save(struct img *m, size_t file_len)
{
	int fd;

	put_le(m->b + 64 + 32, 8, m->len - NOTES_AT);       /* p_filesz: every note */
	fd = open(core_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, m->b, file_len), (ssize_t)file_len);
	assert_int_equal(close(fd), 0);
	return core_path;
}

/* Open the image (cut to file_len bytes) and fetch its first note. */
static struct kx_vmcore *open_first_note(struct img *m, size_t file_len, struct kx_note *n)
{
	struct kx_vmcore *v = NULL;
	struct kx_note_iter it;
	struct kx_err err;

	kx_err_clear(&err);
	assert_int_equal(kx_vmcore_open(img_save(m, file_len), &v, &err), 0);
	kx_note_iter_init(&it, v);
	assert_int_equal(kx_note_iter_next(&it, n, &err), 1);
	assert_int_equal(err.code, 0);
	return v;
}

static void vmcoredd_reads_a_nul_padded_name_and_locates_the_data(void **state)
{
	const char name[] = "cxgb4_0000:02:00.4";
	struct kx_vmcoredd dd;
	struct kx_vmcore *v;
	struct kx_note n;
	struct kx_err err;
	struct img m;
	size_t off;

	(void)state;
	img_init(&m);
	/* one page, as the kernel sizes it: n_descsz = 4096 - 20 */
	off = img_vmcoredd(&m, name, sizeof(name) - 1, 4096 - 20);
	v = open_first_note(&m, m.len, &n);
	assert_true(kx_note_is_vmcoredd(&n));
	kx_err_clear(&err);
	memset(&dd, 0xee, sizeof(dd));
	assert_int_equal(kx_note_vmcoredd(v, &n, &dd, &err), 0);
	assert_int_equal(dd.name_len, 18);
	assert_string_equal((const char *)dd.name, name);
	assert_int_equal(dd.data_offset, off + 64);
	assert_int_equal(dd.data_size, 4096 - 20 - 44);
	kx_vmcore_close(v);
}

static void vmcoredd_keeps_a_44_byte_name_that_has_no_nul(void **state)
{
	const char name[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH";
	struct kx_vmcoredd dd;
	struct kx_vmcore *v;
	struct kx_note n;
	struct kx_err err;
	struct img m;

	(void)state;
	assert_int_equal(sizeof(name) - 1, KX_VMCOREDD_NAME_BYTES);
	img_init(&m);
	img_vmcoredd(&m, name, KX_VMCOREDD_NAME_BYTES, KX_VMCOREDD_NAME_BYTES + 8);
	v = open_first_note(&m, m.len, &n);
	kx_err_clear(&err);
	assert_int_equal(kx_note_vmcoredd(v, &n, &dd, &err), 0);
	assert_int_equal(dd.name_len, 44);
	assert_memory_equal(dd.name, name, 44);
	assert_int_equal(dd.name[44], '\0');
	assert_int_equal(dd.data_size, 8);
	kx_vmcore_close(v);

	/* exactly 44 bytes of descriptor: a name and no data */
	img_init(&m);
	img_vmcoredd(&m, name, KX_VMCOREDD_NAME_BYTES, KX_VMCOREDD_NAME_BYTES);
	v = open_first_note(&m, m.len, &n);
	assert_int_equal(kx_note_vmcoredd(v, &n, &dd, &err), 0);
	assert_int_equal(dd.data_size, 0);
	assert_int_equal(dd.data_offset, NOTES_AT + 64);
	kx_vmcore_close(v);
}

static void vmcoredd_rejects_a_descriptor_too_small_for_the_name(void **state)
{
	struct kx_vmcoredd dd = { .name_len = 77 };
	struct kx_vmcore *v;
	struct kx_note n;
	struct kx_err err;
	struct img m;

	(void)state;
	img_init(&m);
	img_vmcoredd(&m, "short", 5, 40);
	v = open_first_note(&m, m.len, &n);
	kx_err_clear(&err);
	assert_int_equal(kx_note_vmcoredd(v, &n, &dd, &err), -EBADMSG);
	assert_true(err.has_offset);
	assert_int_equal(err.offset, NOTES_AT);
	assert_string_equal(err.msg,
			    "device-dump note 0: n_descsz 40 is smaller than the 44-byte dump name");
	assert_int_equal(dd.name_len, 77);
	kx_vmcore_close(v);
}

static void vmcoredd_of_a_note_cut_inside_its_name_is_truncated(void **state)
{
	struct kx_vmcoredd dd = { .name_len = 77 };
	struct kx_vmcore *v;
	struct kx_note n;
	struct kx_err err;
	struct img m;

	(void)state;
	img_init(&m);
	img_vmcoredd(&m, "cxgb4_0000:02:00.4", 18, 4096 - 20);
	/* the file ends 30 bytes into the 44-byte name */
	v = open_first_note(&m, NOTES_AT + 20 + 30, &n);
	assert_true(n.truncated);
	kx_err_clear(&err);
	assert_int_equal(kx_note_vmcoredd(v, &n, &dd, &err), -EBADMSG);
	assert_true(err.has_offset);
	assert_int_equal(err.offset, NOTES_AT + 20 + 30);
	assert_non_null(strstr(err.msg, "truncated"));
	assert_int_equal(dd.name_len, 77);
	kx_vmcore_close(v);
}

/* ---- NT_PRSTATUS -------------------------------------------------------------------------------- */

static void put_be(unsigned char *p, unsigned width, uint64_t v)
{
	for (unsigned i = 0; i < width; i++)
		p[i] = (unsigned char)(v >> (8 * (width - 1 - i)));
}

static void prstatus_x86_64_gives_signal_pids_and_registers(void **state)
{
	/* struct elf_prstatus on x86_64: 336 bytes, pr_pid at 32, pr_reg (27 longs) at 112 */
	unsigned char desc[336] = { 0 };
	struct kx_prstatus ps;

	(void)state;
	put_le(desc + 0, 4, 11);                        /* si_signo */
	put_le(desc + 12, 2, 11);                       /* pr_cursig */
	put_le(desc + 32, 4, 4242);                     /* pr_pid */
	put_le(desc + 36, 4, 1);                        /* pr_ppid */
	for (unsigned i = 0; i < KX_X86_64_NREG; i++)
		put_le(desc + 112 + 8 * i, 8, 0x1000 + i);
	put_le(desc + 112 + 16 * 8, 8, UINT64_C(0xffffffff81a3c6d0));  /* rip */
	put_le(desc + 112 + 19 * 8, 8, UINT64_C(0xffffc90000e3fe58));  /* rsp */

	memset(&ps, 0xee, sizeof(ps));
	assert_int_equal(kx_prstatus_decode(ELFCLASS64, ELFDATA2LSB, EM_X86_64, desc, sizeof(desc),
					    &ps), 0);
	assert_int_equal(ps.signo, 11);
	assert_int_equal(ps.cursig, 11);
	assert_int_equal(ps.pid, 4242);
	assert_int_equal(ps.ppid, 1);
	assert_true(ps.have_regs);
	assert_string_equal(kx_x86_64_reg_names[16], "rip");
	assert_string_equal(kx_x86_64_reg_names[19], "rsp");
	assert_int_equal(ps.regs[16], UINT64_C(0xffffffff81a3c6d0));
	assert_int_equal(ps.regs[19], UINT64_C(0xffffc90000e3fe58));
	assert_int_equal(ps.regs[0], 0x1000);           /* r15 */
	assert_int_equal(ps.regs[26], 0x1000 + 26);     /* gs */

	/* one byte short of the registers: pids still, registers not */
	assert_int_equal(kx_prstatus_decode(ELFCLASS64, ELFDATA2LSB, EM_X86_64, desc, 112 + 27 * 8 - 1,
					    &ps), 0);
	assert_int_equal(ps.pid, 4242);
	assert_false(ps.have_regs);
	assert_int_equal(ps.regs[16], 0);
}

static void prstatus_s390_is_big_endian_and_has_no_registers(void **state)
{
	unsigned char desc[336] = { 0 };
	struct kx_prstatus ps;

	(void)state;
	put_be(desc + 0, 4, 6);
	put_be(desc + 12, 2, 6);
	put_be(desc + 32, 4, 0x00012345);
	put_be(desc + 36, 4, 2);
	assert_int_equal(kx_prstatus_decode(ELFCLASS64, ELFDATA2MSB, EM_S390, desc, sizeof(desc),
					    &ps), 0);
	assert_int_equal(ps.signo, 6);
	assert_int_equal(ps.cursig, 6);
	assert_int_equal(ps.pid, 0x12345);
	assert_int_equal(ps.ppid, 2);
	assert_false(ps.have_regs);
}

static void prstatus_i386_has_its_pid_at_24(void **state)
{
	/* ELF32: pr_sigpend and pr_sighold are 4 bytes each */
	unsigned char desc[144] = { 0 };
	struct kx_prstatus ps;

	(void)state;
	put_le(desc + 0, 4, 9);
	put_le(desc + 12, 2, 9);
	put_le(desc + 24, 4, 777);
	put_le(desc + 28, 4, 776);
	put_le(desc + 32, 4, 0xdeadbeef);               /* pr_pgrp: not the pid */
	assert_int_equal(kx_prstatus_decode(ELFCLASS32, ELFDATA2LSB, EM_386, desc, sizeof(desc), &ps),
			 0);
	assert_int_equal(ps.signo, 9);
	assert_int_equal(ps.cursig, 9);
	assert_int_equal(ps.pid, 777);
	assert_int_equal(ps.ppid, 776);
	assert_false(ps.have_regs);
}

static void prstatus_too_short_for_the_pids_is_ebadmsg(void **state)
{
	unsigned char desc[64] = { 0 };
	struct kx_prstatus ps = { .pid = 99 };

	(void)state;
	assert_int_equal(kx_prstatus_decode(ELFCLASS64, ELFDATA2LSB, EM_X86_64, desc, 39, &ps),
			 -EBADMSG);
	assert_int_equal(kx_prstatus_decode(ELFCLASS32, ELFDATA2LSB, EM_386, desc, 31, &ps),
			 -EBADMSG);
	assert_int_equal(kx_prstatus_decode(ELFCLASS64, ELFDATA2LSB, EM_X86_64, desc, 0, &ps),
			 -EBADMSG);
	assert_int_equal(ps.pid, 99);
	/* exactly long enough */
	assert_int_equal(kx_prstatus_decode(ELFCLASS64, ELFDATA2LSB, EM_X86_64, desc, 40, &ps), 0);
	assert_int_equal(ps.pid, 0);
	assert_int_equal(kx_prstatus_decode(ELFCLASS32, ELFDATA2LSB, EM_386, desc, 32, &ps), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(owner_is_an_exact_match_of_the_name_before_its_nul),
		cmocka_unit_test(type_name_depends_on_owner_and_type),
		cmocka_unit_test(device_dump_and_vmcoreinfo_notes_are_recognised_by_owner_and_type),
		cmocka_unit_test(vmcoredd_reads_a_nul_padded_name_and_locates_the_data),
		cmocka_unit_test(vmcoredd_keeps_a_44_byte_name_that_has_no_nul),
		cmocka_unit_test(vmcoredd_rejects_a_descriptor_too_small_for_the_name),
		cmocka_unit_test(vmcoredd_of_a_note_cut_inside_its_name_is_truncated),
		cmocka_unit_test(prstatus_x86_64_gives_signal_pids_and_registers),
		cmocka_unit_test(prstatus_s390_is_big_endian_and_has_no_registers),
		cmocka_unit_test(prstatus_i386_has_its_pid_at_24),
		cmocka_unit_test(prstatus_too_short_for_the_pids_is_ebadmsg),
	};

	return cmocka_run_group_tests(tests, setup_tmpdir, teardown_tmpdir);
}

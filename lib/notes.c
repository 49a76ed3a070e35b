// SPDX-License-Identifier: GPL-2.0-or-later
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "notes.h"

bool kx_note_owner_is(const struct kx_note *n, const char *owner)
{
	size_t len = strlen(owner);

	return !n->owner_truncated && n->owner_len == len && !memcmp(n->owner, owner, len);
}

bool kx_note_is_vmcoredd(const struct kx_note *n)
{
	return n->type == KX_NT_VMCOREDD && kx_note_owner_is(n, "LINUX");
}

bool kx_note_is_vmcoreinfo(const struct kx_note *n)
{
	return n->type == 0 && kx_note_owner_is(n, "VMCOREINFO");
}

struct type_name {
	const char *owner;
	uint32_t type;
	const char *name;
};

static const struct type_name type_names[] = {
	{ "CORE", 1, "NT_PRSTATUS" },
	{ "CORE", 2, "NT_PRFPREG" },
	{ "CORE", 3, "NT_PRPSINFO" },
	{ "CORE", 4, "NT_TASKSTRUCT" },
	{ "CORE", 6, "NT_AUXV" },
	{ "CORE", 0x53494749, "NT_SIGINFO" },
	{ "CORE", 0x46494c45, "NT_FILE" },
	{ "LINUX", 0x202, "NT_X86_XSTATE" },
	{ "LINUX", 0x700, "NT_VMCOREDD" },
	{ "VMCOREINFO", 0, "VMCOREINFO" },
	{ "Xen", 0x1000000, "XEN_ELFNOTE_DUMPCORE_NONE" },
	{ "Xen", 0x1000001, "XEN_ELFNOTE_DUMPCORE_HEADER" },
	{ "Xen", 0x1000002, "XEN_ELFNOTE_DUMPCORE_XEN_VERSION" },
	{ "Xen", 0x1000003, "XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION" },
	{ "VMCOREINFO_XEN", 0, "VMCOREINFO_XEN" },
};

const char *kx_note_type_name(const struct kx_note *n)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (n->type == type_names[i].type && kx_note_owner_is(n, type_names[i].owner))
			return type_names[i].name;
	return NULL;
}

int kx_note_vmcoredd(struct kx_vmcore *v, const struct kx_note *n, struct kx_vmcoredd *ret,
		     struct kx_err *err)
{
	struct kx_vmcoredd dd = { 0 };
	int r;

	if (n->descsz < KX_VMCOREDD_NAME_BYTES)
		return kx_err_at(err, -EBADMSG, n->offset,
				 "device-dump note %zu: n_descsz %u is smaller than the %u-byte dump name",
				 n->index, n->descsz, KX_VMCOREDD_NAME_BYTES);
	r = kx_vmcore_pread(v, dd.name, KX_VMCOREDD_NAME_BYTES, n->desc_offset, err);
	if (r < 0)
		return r;
	dd.name[KX_VMCOREDD_NAME_BYTES] = '\0';
	dd.name_len = strnlen((const char *)dd.name, KX_VMCOREDD_NAME_BYTES);
	dd.data_offset = n->desc_offset + KX_VMCOREDD_NAME_BYTES;
	dd.data_size = n->descsz - KX_VMCOREDD_NAME_BYTES;
	*ret = dd;
	return 0;
}

const char *const kx_x86_64_reg_names[KX_X86_64_NREG] = {
	"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx",
	"rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base",
	"ds", "es", "fs", "gs",
};

static uint32_t get32(int data, const unsigned char *p)
{
	if (data == ELFDATA2MSB)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t get64(int data, const unsigned char *p)
{
	uint64_t a = get32(data, p), b = get32(data, p + 4);

	return data == ELFDATA2MSB ? a << 32 | b : b << 32 | a;
}

int kx_prstatus_decode(int elfclass, int data, uint16_t machine, const void *desc, size_t len,
		       struct kx_prstatus *ret)
{
	/* struct elf_prstatus: the pid fields follow si_*, pr_cursig and two longs of signal sets */
	const unsigned char *p = desc;
	size_t long_size = elfclass == ELFCLASS64 ? 8 : 4;
	size_t pid_off = 16 + 2 * long_size;
	size_t reg_off = pid_off + 16 + 4 * 2 * long_size;  /* four struct timevals */
	struct kx_prstatus ps = { 0 };

	if (len < pid_off + 8)
		return -EBADMSG;
	ps.signo = (int32_t)get32(data, p);
	ps.cursig = (int16_t)(data == ELFDATA2MSB ? (p[12] << 8 | p[13]) : (p[13] << 8 | p[12]));
	ps.pid = (int32_t)get32(data, p + pid_off);
	ps.ppid = (int32_t)get32(data, p + pid_off + 4);
	if (elfclass == ELFCLASS64 && machine == EM_X86_64 &&
	    len >= reg_off + KX_X86_64_NREG * 8) {
		ps.have_regs = true;
		for (size_t i = 0; i < KX_X86_64_NREG; i++)
			ps.regs[i] = get64(data, p + reg_off + 8 * i);
	}
	*ret = ps;
	return 0;
}

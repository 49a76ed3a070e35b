// SPDX-License-Identifier: GPL-2.0-or-later
/* vmcore-dd --check: structure verification, every problem named with its offset. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dd.h"
#include "kdump.h"
#include "machine.h"
#include "notes.h"
#include "vmcoreinfo.h"

struct check {
	const struct dd_opts *o;
	struct kx_json *json;
	struct kx_err first;
	size_t problems;
};

static void problem(struct check *c, const struct kx_err *e)
{
	char text[640];

	if (!c->first.code)
		c->first = *e;
	c->problems++;
	if (c->json) {
		kx_json_object_begin(c->json, NULL);
		kx_json_string(c->json, "message", e->msg[0] ? e->msg : strerror(-e->code));
		if (e->has_offset)
			kx_json_u64(c->json, "offset", e->offset);
		else
			kx_json_null(c->json, "offset");
		kx_json_object_end(c->json);
	} else {
		printf("problem: %s\n", kx_err_text(e, text, sizeof(text)));
	}
}

/* e_machine's name ("s390" for s390 and s390x alike), or "unknown" */
static const char *machine_name(const struct kx_vmcore_info *info)
{
	const struct kx_machine *m = kx_machine_by_elf(info->machine, info->elfclass,
						       info->data == ELFDATA2MSB);

	return m ? m->em_name : "unknown";
}

/* PAGESIZE from VMCOREINFO (0 when absent): device-dump notes are whole pages of it. */
static uint64_t vmcoreinfo_pagesize(struct kx_vmcore *v, bool *ret_found)
{
	struct kx_err ignore;
	uint64_t pagesize = 0;
	size_t len;
	char *text;
	int r;

	kx_err_clear(&ignore);
	r = kx_vmcoreinfo_read(v, &text, &len, &ignore);
	/* a note too large to read is still a VMCOREINFO note */
	*ret_found = r == 0 || r == -EFBIG;
	if (r == 0) {
		kx_vmcoreinfo_get_u64(text, len, "PAGESIZE", 10, &pagesize);
		free(text);
	}
	return pagesize;
}

static void check_segments(struct kx_vmcore *v, struct check *c, size_t *ret_notes,
			   size_t *ret_loads)
{
	const struct kx_vmcore_info *info = kx_vmcore_info(v);

	for (size_t i = 0; i < info->phnum; i++) {
		uint64_t at = info->phoff + i * info->phentsize;
		struct kx_err e;
		GElf_Phdr ph;

		kx_err_clear(&e);
		if (kx_vmcore_phdr(v, i, &ph, &e) < 0) {
			problem(c, &e);
			return;
		}
		if (ph.p_type == PT_NOTE)
			(*ret_notes)++;
		if (ph.p_type == PT_LOAD)
			(*ret_loads)++;
		if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE)
			continue;
		if (ph.p_offset > info->file_size || ph.p_filesz > info->file_size - ph.p_offset) {
			kx_err_at(&e, -EBADMSG, at, "truncated: %s segment (program header %zu, %" PRIu64
				  " bytes at 0x%" PRIx64 ") runs past the end of the file at 0x%" PRIx64,
				  ph.p_type == PT_LOAD ? "PT_LOAD" : "PT_NOTE", i, ph.p_filesz,
				  ph.p_offset, info->file_size);
			problem(c, &e);
		}
		if (ph.p_type == PT_LOAD && ph.p_filesz > ph.p_memsz) {
			kx_err_at(&e, -EBADMSG, at, "PT_LOAD segment (program header %zu) has p_filesz "
				  "%" PRIu64 " larger than p_memsz %" PRIu64, i, ph.p_filesz, ph.p_memsz);
			problem(c, &e);
		}
	}
}

int dd_check(struct kx_vmcore *v, const struct dd_opts *o, struct kx_err *err)
{
	const struct kx_vmcore_info *info = kx_vmcore_info(v);
	struct check c = { .o = o };
	struct kx_note_iter it;
	struct kx_note n;
	struct kx_json j;
	size_t pt_notes = 0, pt_loads = 0, notes = 0, dumps = 0;
	uint64_t pagesize;
	bool have_vmcoreinfo;
	struct kx_err e;
	int r;

	kx_err_clear(&c.first);
	if (o->out_mode == KX_OUT_JSON) {
		c.json = &j;
		kx_json_init(&j, stdout);
		kx_json_object_begin(&j, NULL);
		kx_json_string(&j, "vmcore", o->vmcore);
		kx_json_array_begin(&j, "problems");
	}
	if (info->type != ET_CORE) {
		kx_err_clear(&e);
		kx_err_at(&e, -EBADMSG, 16, "e_type is %u, not ET_CORE (4): not a core dump", info->type);
		problem(&c, &e);
	}
	if (info->format == KX_VMCORE_KDUMP) {
		kx_err_clear(&e);
		if (kx_kdump_verify(kx_vmcore_kdump(v), &e) < 0)
			problem(&c, &e);
		pt_notes = info->phnum;
	} else {
		check_segments(v, &c, &pt_notes, &pt_loads);
	}

	pagesize = vmcoreinfo_pagesize(v, &have_vmcoreinfo);
	kx_err_clear(&e);
	kx_note_iter_init(&it, v);
	while ((r = kx_note_iter_next(&it, &n, &e)) != 0) {
		struct kx_vmcoredd dd;

		if (r < 0) {
			problem(&c, &e);
			kx_err_clear(&e);
			continue;
		}
		notes++;
		if (!kx_note_is_vmcoredd(&n))
			continue;
		dumps++;
		if (kx_note_vmcoredd(v, &n, &dd, &e) < 0) {
			problem(&c, &e);
			kx_err_clear(&e);
			continue;
		}
		if (pagesize && (20 + (uint64_t)n.descsz) % pagesize) {
			kx_err_at(&e, -EBADMSG, n.offset, "device dump %zu: the note is %" PRIu64 " bytes, "
				  "not a whole number of %" PRIu64 "-byte pages as the kernel writes it",
				  dumps - 1, 20 + (uint64_t)n.descsz, pagesize);
			problem(&c, &e);
			kx_err_clear(&e);
		}
	}

	if (c.json) {
		kx_json_array_end(&j);
		kx_json_bool(&j, "ok", c.problems == 0);
		kx_json_string(&j, "format", info->format == KX_VMCORE_KDUMP ? "kdump-compressed" : "elf");
		kx_json_u64(&j, "class", info->elfclass == ELFCLASS64 ? 64 : 32);
		kx_json_string(&j, "endian", info->data == ELFDATA2MSB ? "big" : "little");
		kx_json_u64(&j, "machine", info->machine);
		kx_json_u64(&j, "program_headers", info->phnum);
		kx_json_u64(&j, "pt_note", pt_notes);
		kx_json_u64(&j, "pt_load", pt_loads);
		kx_json_u64(&j, "notes", notes);
		kx_json_u64(&j, "device_dumps", dumps);
		kx_json_bool(&j, "vmcoreinfo", have_vmcoreinfo);
		kx_json_object_end(&j);
	} else if (info->format == KX_VMCORE_KDUMP) {
		const struct kx_kdump_info *ki = kx_kdump_info(kx_vmcore_kdump(v));

		printf("%s: kdump-compressed dump (header version %d), %s-endian, machine %s, "
		       "%u-byte pages, dump level %d, %s, %zu notes, %zu device dumps\n", o->vmcore,
		       ki->header_version, ki->big_endian ? "big" : "little", ki->machine,
		       ki->block_size, ki->dump_level, ki->split ? "one part of a split dump" : "whole",
		       notes, dumps);
		if (!have_vmcoreinfo)
			printf("note: no VMCOREINFO note (vmcore-dmesg and crash need it)\n");
		if (c.problems)
			printf("%s: %zu problem%s\n", o->vmcore, c.problems, c.problems == 1 ? "" : "s");
		else
			printf("%s: OK\n", o->vmcore);
	} else {
		printf("%s: ELF%d %s-endian core, machine %u (%s), %zu program headers "
		       "(%zu PT_NOTE, %zu PT_LOAD), %zu notes, %zu device dumps\n",
		       o->vmcore, info->elfclass == ELFCLASS64 ? 64 : 32,
		       info->data == ELFDATA2MSB ? "big" : "little", info->machine,
		       machine_name(info), info->phnum, pt_notes, pt_loads, notes, dumps);
		if (!have_vmcoreinfo)
			printf("note: no VMCOREINFO note (vmcore-dmesg and crash need it)\n");
		if (c.problems)
			printf("%s: %zu problem%s\n", o->vmcore, c.problems, c.problems == 1 ? "" : "s");
		else
			printf("%s: OK\n", o->vmcore);
	}
	if (!c.problems)
		return 0;
	*err = c.first;
	return c.first.code ? c.first.code : -EBADMSG;
}

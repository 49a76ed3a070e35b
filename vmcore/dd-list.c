// SPDX-License-Identifier: GPL-2.0-or-later
/* vmcore-dd --list, --notes, --segments: listings through the one output layer. */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "dd.h"
#include "kdump.h"
#include "notes.h"
#include "vmcoreinfo.h"

enum { L_INDEX, L_NAME, L_SIZE, L_OFFSET, L_NOTE, L_NOTE_OFFSET };

const struct kx_coldef dd_list_cols[] = {
	[L_INDEX] = { "INDEX", 5, true, KX_COL_NUM, "device dump number, from 0 in file order" },
	[L_NAME] = { "NAME", 20, false, KX_COL_STR, "device dump name (non-printable bytes as \\xNN)" },
	[L_SIZE] = { "SIZE", 10, true, KX_COL_NUM, "data size in bytes (n_descsz - 44, with the kernel's padding)" },
	[L_OFFSET] = { "OFFSET", 10, true, KX_COL_HEX, "file offset of the data" },
	[L_NOTE] = { "NOTE", 4, true, KX_COL_NUM, "index of the note among all notes" },
	[L_NOTE_OFFSET] = { "NOTE-OFFSET", 10, true, KX_COL_HEX, "file offset of the note header" },
};
const size_t dd_list_ncols = sizeof(dd_list_cols) / sizeof(dd_list_cols[0]);

enum { N_INDEX, N_OWNER, N_TYPE, N_SIZE, N_OFFSET, N_DESCRIPTION, N_NAMESZ, N_NOTE_OFFSET };

const struct kx_coldef dd_note_cols[] = {
	[N_INDEX] = { "INDEX", 5, true, KX_COL_NUM, "note number, from 0 in file order" },
	[N_OWNER] = { "OWNER", 10, false, KX_COL_STR, "note owner (name)" },
	[N_TYPE] = { "TYPE", 12, false, KX_COL_STR, "note type: its name where known, else the number" },
	[N_SIZE] = { "SIZE", 8, true, KX_COL_NUM, "data size in bytes (n_descsz)" },
	[N_OFFSET] = { "OFFSET", 10, true, KX_COL_HEX, "file offset of the data" },
	[N_DESCRIPTION] = { "DESCRIPTION", 30, false, KX_COL_STR, "decoded content" },
	[N_NAMESZ] = { "NAMESZ", 6, true, KX_COL_NUM, "n_namesz as written" },
	[N_NOTE_OFFSET] = { "NOTE-OFFSET", 10, true, KX_COL_HEX, "file offset of the note header" },
};
const size_t dd_note_ncols = sizeof(dd_note_cols) / sizeof(dd_note_cols[0]);

enum { S_INDEX, S_PADDR, S_VADDR, S_SIZE, S_MEMSZ, S_OFFSET, S_END };

const struct kx_coldef dd_segment_cols[] = {
	[S_INDEX] = { "INDEX", 5, true, KX_COL_NUM, "program header number" },
	[S_PADDR] = { "PADDR", 18, true, KX_COL_HEX, "physical address" },
	[S_VADDR] = { "VADDR", 18, true, KX_COL_HEX, "virtual address" },
	[S_SIZE] = { "SIZE", 12, true, KX_COL_NUM, "bytes in the file (p_filesz)" },
	[S_MEMSZ] = { "MEMSZ", 12, true, KX_COL_NUM, "bytes of memory (p_memsz)" },
	[S_OFFSET] = { "OFFSET", 12, true, KX_COL_HEX, "file offset" },
	[S_END] = { "PEND", 18, true, KX_COL_HEX, "physical end address (exclusive)" },
};
const size_t dd_segment_ncols = sizeof(dd_segment_cols) / sizeof(dd_segment_cols[0]);

static int out_start(struct kx_out *out, const struct kx_coldef *defs, size_t n,
		     const char *defaults, const struct dd_opts *o, const char *list,
		     struct kx_err *err)
{
	int r = kx_out_init(out, defs, n, defaults, o->columns, o->out_mode, o->noheadings,
			    stdout, err);
	if (r < 0)
		return r;
	return kx_out_begin(out, o->vmcore, list);
}

/* Finish the listing; the first problem met while listing is the result. */
static int out_finish(struct kx_out *out, int r, struct kx_err *err)
{
	int q = kx_out_end(out, r < 0 ? err : NULL);

	kx_out_free(out);
	if (r == 0 && q < 0)
		r = kx_err_set(err, q, "cannot write the listing: %s", strerror(-q));
	return r;
}

/* "2 device dumps in 67108864 bytes (kexec_dd=2:67108864)" */
static const char *expected_text(const struct dd_opts *o)
{
	static char buf[128];

	if (o->expected_count == 0 && o->expected_bytes)
		snprintf(buf, sizeof(buf), "device dumps in %" PRIu64 " bytes (kexec_dd=0:%" PRIu64 ")",
			 o->expected_bytes, o->expected_bytes);
	else
		snprintf(buf, sizeof(buf), "%u device dump%s in %" PRIu64 " bytes (kexec_dd=%u:%" PRIu64
			 ")", o->expected_count, o->expected_count == 1 ? "" : "s", o->expected_bytes,
			 o->expected_count, o->expected_bytes);
	return buf;
}

/*
 * Expected (what the loader budgeted, from kexec_dd=, and --expect) against found: warnings on
 * stderr, and in JSON an "expected" member after the list.
 */
static void list_expected(struct kx_out *out, const struct dd_opts *o, size_t count,
			  uint64_t found_bytes)
{
	if (o->has_expected && count < o->expected_count && o->expect < 0)
		kx_warn("%u device dump%s budgeted at load time, %zu "
			"found: a driver did not write its dump (or the capture kernel has "
			"novmcoredd, or no CONFIG_PROC_VMCORE_DEVICE_DUMP)", o->expected_count,
			o->expected_count == 1 ? "" : "s", count);
	if (o->has_expected && found_bytes > o->expected_bytes)
		kx_warn("the device dumps take %" PRIu64 " bytes, more "
			"than the %" PRIu64 " budgeted at load time: raise the budget "
			"(kexec --device-dump-budget, /etc/kexec/device-dump.conf)", found_bytes,
			o->expected_bytes);
	if (o->out_mode != KX_OUT_JSON)
		return;
	if (out->in_list)
		kx_json_array_end(&out->json);
	out->in_list = false;
	kx_json_object_begin(&out->json, "expected");
	if (o->has_expected) {
		kx_json_u64(&out->json, "count", o->expected_count);
		kx_json_u64(&out->json, "bytes", o->expected_bytes);
		kx_json_string(&out->json, "from", "kexec_dd");
	} else if (o->expect >= 0) {
		kx_json_u64(&out->json, "count", (uint64_t)o->expect);
		kx_json_null(&out->json, "bytes");
		kx_json_string(&out->json, "from", "--expect");
	} else {
		kx_json_null(&out->json, "count");
		kx_json_null(&out->json, "bytes");
		kx_json_null(&out->json, "from");
	}
	kx_json_u64(&out->json, "found", count);
	kx_json_u64(&out->json, "found_bytes", found_bytes);
	kx_json_bool(&out->json, "missing", o->has_expected ? count < o->expected_count
							    : o->expect >= 0 && count < (size_t)o->expect);
	kx_json_bool(&out->json, "over_budget", o->has_expected && found_bytes > o->expected_bytes);
	kx_json_object_end(&out->json);
}

int dd_list(struct kx_vmcore *v, const struct dd_opts *o, struct kx_err *err)
{
	struct kx_note_iter it;
	struct kx_out out;
	struct kx_note n;
	size_t count = 0;
	uint64_t found_bytes = 0;
	int r, first = 0;

	r = out_start(&out, dd_list_cols, dd_list_ncols, "INDEX,NAME,SIZE,OFFSET", o,
		      "device_dumps", err);
	if (r < 0) {
		kx_out_free(&out);
		return r;
	}
	kx_note_iter_init(&it, v);
	while ((r = kx_note_iter_next(&it, &n, err)) != 0) {
		struct kx_vmcoredd dd;

		if (r < 0) {
			first = first ? first : r;
			continue;
		}
		if (!kx_note_is_vmcoredd(&n))
			continue;
		r = kx_note_vmcoredd(v, &n, &dd, err);
		if (r < 0) {
			first = first ? first : r;
			continue;
		}
		kx_out_row_begin(&out);
		kx_out_u64(&out, L_INDEX, count++);
		kx_out_bytes(&out, L_NAME, dd.name, dd.name_len);
		kx_out_u64(&out, L_SIZE, dd.data_size);
		kx_out_u64(&out, L_OFFSET, dd.data_offset);
		kx_out_u64(&out, L_NOTE, n.index);
		kx_out_u64(&out, L_NOTE_OFFSET, n.offset);
		kx_out_row_end(&out);
		found_bytes += dd.data_size;
	}
	if (!first && o->expect >= 0 && count < (size_t)o->expect)
		first = kx_err_set(err, -ESRCH, "expected at least %ld device dump%s (--expect), "
				   "found %zu", o->expect, o->expect == 1 ? "" : "s", count);
	if (o->cmdline_read || o->expect >= 0)
		list_expected(&out, o, count, found_bytes);
	if (count == 0 && !first && o->out_mode == KX_OUT_TABLE && !o->noheadings)
		printf("no device dumps in %s\n", o->vmcore);
	r = out_finish(&out, first, err);
	if (o->out_mode == KX_OUT_TABLE && !o->noheadings && (o->cmdline_read || o->expect >= 0))
		printf("expected %s, found %zu (%" PRIu64 " bytes)\n", o->has_expected ?
		       expected_text(o) : "nothing (no kexec_dd= on the command line)", count,
		       found_bytes);
	return r;
}

/* Decoded fields of a note: JSON members, or one line of text for the DESCRIPTION column. */
struct describe {
	struct kx_json *json;
	char text[512];
	size_t len;
};

static void desc_add(struct describe *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void desc_add(struct describe *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (d->len >= sizeof(d->text) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(d->text + d->len, sizeof(d->text) - d->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		d->len += (size_t)n < sizeof(d->text) - d->len ? (size_t)n : sizeof(d->text) - d->len - 1;
}

static void describe_vmcoredd(struct kx_vmcore *v, const struct kx_note *n, struct describe *d,
			      struct kx_err *err)
{
	struct kx_vmcoredd dd;

	if (kx_note_vmcoredd(v, n, &dd, err) < 0)
		return;
	if (d->json) {
		kx_json_bytes(d->json, "name", dd.name, dd.name_len);
		kx_json_u64(d->json, "data_offset", dd.data_offset);
		kx_json_u64(d->json, "data_size", dd.data_size);
		return;
	}
	/* raw bytes: the output layer shows non-printables as \xNN */
	desc_add(d, "device dump \"%.*s\", %" PRIu64 " bytes at 0x%" PRIx64, (int)dd.name_len,
		 (const char *)dd.name, dd.data_size, dd.data_offset);
}

static void describe_prstatus(struct kx_vmcore *v, const struct kx_note *n, struct describe *d,
			      struct kx_err *err)
{
	const struct kx_vmcore_info *info = kx_vmcore_info(v);
	unsigned char buf[1024];
	size_t len = n->descsz < sizeof(buf) ? n->descsz : sizeof(buf);
	struct kx_prstatus ps;

	if (n->truncated || kx_vmcore_pread(v, buf, len, n->desc_offset, err) < 0)
		return;
	if (kx_prstatus_decode(info->elfclass, info->data, info->machine, buf, len, &ps) < 0) {
		if (!d->json)
			desc_add(d, "too short for prstatus (%u bytes)", n->descsz);
		return;
	}
	if (d->json) {
		kx_json_i64(d->json, "pid", ps.pid);
		kx_json_i64(d->json, "signal", ps.cursig);
		if (ps.have_regs) {
			kx_json_object_begin(d->json, "registers");
			for (size_t i = 0; i < KX_X86_64_NREG; i++)
				kx_json_u64(d->json, kx_x86_64_reg_names[i], ps.regs[i]);
			kx_json_object_end(d->json);
		}
		return;
	}
	desc_add(d, "pid %d, signal %d", ps.pid, ps.cursig);
	if (ps.have_regs)
		desc_add(d, ", rip 0x%" PRIx64 ", rsp 0x%" PRIx64, ps.regs[16], ps.regs[19]);
}

#define VMCOREINFO_DECODE_MAX (64 * 1024)

static void describe_vmcoreinfo(struct kx_vmcore *v, const struct kx_note *n, struct describe *d,
				struct kx_err *err)
{
	size_t len = n->descsz < VMCOREINFO_DECODE_MAX ? n->descsz : VMCOREINFO_DECODE_MAX;
	char *text, val[128];
	uint64_t u;

	if (n->truncated)
		return;
	text = malloc(len + 1);
	if (!text || kx_vmcore_pread(v, text, len, n->desc_offset, err) < 0) {
		free(text);
		return;
	}
	text[len] = '\0';
	if (kx_vmcoreinfo_get(text, len, "OSRELEASE", val, sizeof(val)) == 0) {
		if (d->json)
			kx_json_string(d->json, "osrelease", val);
		else
			desc_add(d, "OSRELEASE %s", val);
	}
	if (kx_vmcoreinfo_get_u64(text, len, "PAGESIZE", 10, &u) == 0) {
		if (d->json)
			kx_json_u64(d->json, "pagesize", u);
		else
			desc_add(d, "%sPAGESIZE %" PRIu64, d->len ? ", " : "", u);
	}
	if (kx_vmcoreinfo_get_u64(text, len, "CRASHTIME", 10, &u) == 0) {
		time_t t = (time_t)u;
		struct tm tm;
		char when[64] = "";

		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		if (d->json) {
			kx_json_u64(d->json, "crashtime", u);
		} else {
			desc_add(d, "%sCRASHTIME %" PRIu64, d->len ? ", " : "", u);
			if (when[0])
				desc_add(d, " (%s)", when);
		}
	}
	if (n->descsz > VMCOREINFO_DECODE_MAX && !d->json)
		desc_add(d, " (first %u bytes decoded)", VMCOREINFO_DECODE_MAX);
	free(text);
}

int dd_notes(struct kx_vmcore *v, const struct dd_opts *o, struct kx_err *err)
{
	struct kx_note_iter it;
	struct kx_out out;
	struct kx_note n;
	int r, first = 0;

	r = out_start(&out, dd_note_cols, dd_note_ncols, "INDEX,OWNER,TYPE,SIZE,OFFSET,DESCRIPTION",
		      o, "notes", err);
	if (r < 0) {
		kx_out_free(&out);
		return r;
	}
	kx_note_iter_init(&it, v);
	while ((r = kx_note_iter_next(&it, &n, err)) != 0) {
		const char *tname;
		struct describe d = { .json = NULL };
		struct kx_err derr;
		char num[16];

		if (r < 0) {
			first = first ? first : r;
			continue;
		}
		tname = kx_note_type_name(&n);
		kx_out_row_begin(&out);
		kx_out_u64(&out, N_INDEX, n.index);
		kx_out_bytes(&out, N_OWNER, n.owner, n.owner_len);
		if (o->out_mode == KX_OUT_JSON) {
			kx_out_u64(&out, N_TYPE, n.type);
		} else {
			snprintf(num, sizeof(num), "0x%x", n.type);
			kx_out_str(&out, N_TYPE, tname ? tname : num);
		}
		kx_out_u64(&out, N_SIZE, n.descsz);
		kx_out_u64(&out, N_OFFSET, n.desc_offset);
		kx_out_u64(&out, N_NAMESZ, n.namesz);
		kx_out_u64(&out, N_NOTE_OFFSET, n.offset);
		d.json = kx_out_json(&out);
		if (d.json)
			kx_json_string(d.json, "type_name", tname);

		/* a decoding problem is this note's problem: say so in its row, keep listing */
		kx_err_clear(&derr);
		if (kx_note_is_vmcoredd(&n))
			describe_vmcoredd(v, &n, &d, &derr);
		else if (n.type == KX_NT_PRSTATUS && kx_note_owner_is(&n, "CORE"))
			describe_prstatus(v, &n, &d, &derr);
		else if (kx_note_is_vmcoreinfo(&n))
			describe_vmcoreinfo(v, &n, &d, &derr);
		if (derr.code) {
			char text[640];

			if (d.json)
				kx_json_string(d.json, "decode_error", kx_err_text(&derr, text, sizeof(text)));
			else
				desc_add(&d, "undecodable: %s", kx_err_text(&derr, text, sizeof(text)));
			if (!first) {
				*err = derr;
				first = derr.code;
			}
		}
		if (!d.json)
			kx_out_str(&out, N_DESCRIPTION, d.text);
		kx_out_row_end(&out);
	}
	return out_finish(&out, first, err);
}

/* --segments on a kdump-compressed dump: what it holds instead of PT_LOADs (one row) */
enum { K_START_PFN, K_END_PFN, K_PAGES, K_DUMP_LEVEL, K_BLOCK, K_PART, K_FIRST, K_LAST };

static const struct kx_coldef dd_kdump_segment_cols[] = {
	[K_START_PFN] = { "START-PFN", 10, true, KX_COL_HEX, "first pfn of the range this file covers" },
	[K_END_PFN] = { "END-PFN", 10, true, KX_COL_HEX, "end of that range (exclusive)" },
	[K_PAGES] = { "PAGES", 10, true, KX_COL_NUM, "pages dumped (set in the second bitmap)" },
	[K_DUMP_LEVEL] = { "DUMP-LEVEL", 10, true, KX_COL_NUM, "makedumpfile -d level" },
	[K_BLOCK] = { "PAGESIZE", 8, true, KX_COL_NUM, "block (page) size" },
	[K_PART] = { "PART", 5, false, KX_COL_STR, "whole, or split (one part of makedumpfile --split)" },
	[K_FIRST] = { "FIRST-PFN", 10, true, KX_COL_HEX, "lowest pfn dumped" },
	[K_LAST] = { "LAST-PFN", 10, true, KX_COL_HEX, "highest pfn dumped" },
};

static int kdump_segments(struct kx_vmcore *v, const struct dd_opts *o, struct kx_err *err)
{
	struct kx_kdump *k = kx_vmcore_kdump(v);
	const struct kx_kdump_info *ki = kx_kdump_info(k);
	uint64_t pages = 0, first = 0, last = 0;
	struct kx_out out;
	int r;

	r = out_start(&out, dd_kdump_segment_cols,
		      sizeof(dd_kdump_segment_cols) / sizeof(dd_kdump_segment_cols[0]),
		      "START-PFN,END-PFN,PAGES,DUMP-LEVEL,PART", o, "segments", err);
	if (r < 0) {
		kx_out_free(&out);
		return r;
	}
	r = kx_kdump_count(k, &pages, &first, &last, err);
	kx_out_row_begin(&out);
	kx_out_u64(&out, K_START_PFN, ki->start_pfn);
	kx_out_u64(&out, K_END_PFN, ki->end_pfn);
	kx_out_u64(&out, K_PAGES, pages);
	kx_out_u64(&out, K_DUMP_LEVEL, (uint64_t)(unsigned)ki->dump_level);
	kx_out_u64(&out, K_BLOCK, ki->block_size);
	kx_out_str(&out, K_PART, ki->split ? "split" : "whole");
	kx_out_u64(&out, K_FIRST, first);
	kx_out_u64(&out, K_LAST, last);
	kx_out_row_end(&out);
	return out_finish(&out, r < 0 ? r : 0, err);
}

int dd_segments(struct kx_vmcore *v, const struct dd_opts *o, struct kx_err *err)
{
	const struct kx_vmcore_info *info = kx_vmcore_info(v);
	struct kx_out out;
	int r, first = 0;

	if (info->format == KX_VMCORE_KDUMP)
		return kdump_segments(v, o, err);
	r = out_start(&out, dd_segment_cols, dd_segment_ncols, "INDEX,PADDR,VADDR,SIZE,OFFSET", o,
		      "segments", err);
	if (r < 0) {
		kx_out_free(&out);
		return r;
	}
	for (size_t i = 0; i < info->phnum; i++) {
		GElf_Phdr ph;

		r = kx_vmcore_phdr(v, i, &ph, err);
		if (r < 0) {
			first = r;
			break;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		kx_out_row_begin(&out);
		kx_out_u64(&out, S_INDEX, i);
		kx_out_u64(&out, S_PADDR, ph.p_paddr);
		kx_out_u64(&out, S_VADDR, ph.p_vaddr);
		kx_out_u64(&out, S_SIZE, ph.p_filesz);
		kx_out_u64(&out, S_MEMSZ, ph.p_memsz);
		kx_out_u64(&out, S_OFFSET, ph.p_offset);
		kx_out_u64(&out, S_END, ph.p_paddr + ph.p_memsz);
		kx_out_row_end(&out);
		if (!first && (ph.p_offset > info->file_size ||
			       ph.p_filesz > info->file_size - ph.p_offset))
			first = kx_err_at(err, -EBADMSG, info->phoff + i * info->phentsize,
					  "truncated: PT_LOAD segment %zu (paddr 0x%" PRIx64 ", %" PRIu64
					  " bytes at file offset 0x%" PRIx64 ") runs past the end of the "
					  "file at 0x%" PRIx64, i, ph.p_paddr, ph.p_filesz, ph.p_offset,
					  info->file_size);
	}
	return out_finish(&out, first, err);
}

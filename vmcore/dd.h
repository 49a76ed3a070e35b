/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_VMCORE_DD_H
#define KX_VMCORE_DD_H
/* vmcore-dd: the modes behind the command line (dd-main.c parses, these do). */
#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "output.h"
#include "vmcore.h"

enum dd_mode { DD_LIST, DD_NOTES, DD_SEGMENTS, DD_EXTRACT, DD_DUMP, DD_CHECK };

struct dd_opts {
	enum dd_mode mode;
	const char *vmcore;
	const char *extract_dir;
	const char *dump;               /* NAME or INDEX */
	const char *to;                 /* --to=FILE for --dump */
	const char *columns;            /* -o */
	enum kx_out_mode out_mode;
	bool noheadings;
	bool force;
	/* --list: what the loader budgeted (kexec_dd= of /proc/cmdline) and --expect=N */
	bool cmdline_read;              /* /proc/cmdline was consulted: report expected vs found */
	bool has_expected;              /* it had kexec_dd=COUNT:BYTES */
	unsigned expected_count;
	uint64_t expected_bytes;
	long expect;                    /* --expect=N, -1 when not given */
};

/*
 * Each mode prints what it could read and returns 0, or -errno with err describing the first
 * problem (already part of the JSON output in JSON mode); main maps that to the exit status.
 */
int dd_list(struct kx_vmcore *v, const struct dd_opts *o, struct kx_err *err);
int dd_notes(struct kx_vmcore *v, const struct dd_opts *o, struct kx_err *err);
int dd_segments(struct kx_vmcore *v, const struct dd_opts *o, struct kx_err *err);
int dd_extract(struct kx_vmcore *v, const struct dd_opts *o, struct kx_err *err);
int dd_dump(struct kx_vmcore *v, const struct dd_opts *o, struct kx_err *err);
int dd_check(struct kx_vmcore *v, const struct dd_opts *o, struct kx_err *err);

/* Column tables, for --help. */
extern const struct kx_coldef dd_list_cols[];
extern const size_t dd_list_ncols;
extern const struct kx_coldef dd_note_cols[];
extern const size_t dd_note_ncols;
extern const struct kx_coldef dd_segment_cols[];
extern const size_t dd_segment_ncols;

#endif

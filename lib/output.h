/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_OUTPUT_H
#define KX_OUTPUT_H
/*
 * One output layer for every listing: a tool defines its columns once (name, width hint, type,
 * help) and gets an aligned table, raw output and no-headings from libsmartcols, and streaming JSON
 * from json.c, with -o/--output column selection for all of them.
 *
 * JSON shape: {"vmcore": PATH, "<list>": [ {row}, … ], "error": {"message", "offset"}}; a row has
 * a member per selected column (key = column name in lower case) plus any decoded fields the tool
 * adds with kx_out_json().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "json.h"

enum kx_coltype {
	KX_COL_STR,             /* text; JSON string */
	KX_COL_NUM,             /* decimal; JSON number */
	KX_COL_HEX,             /* 0x… in tables; JSON number */
};

struct kx_coldef {
	const char *name;
	double whint;           /* libsmartcols width hint */
	bool right;             /* right-aligned */
	enum kx_coltype type;
	const char *help;
};

enum kx_out_mode { KX_OUT_TABLE, KX_OUT_RAW, KX_OUT_JSON };

#define KX_OUT_MAXCOLS 32

struct libscols_table;
struct libscols_line;

struct kx_out {
	enum kx_out_mode mode;
	bool noheadings;
	FILE *fp;
	const struct kx_coldef *defs;
	size_t ndefs;
	int cols[KX_OUT_MAXCOLS];       /* selected column ids, in display order */
	size_t ncols;
	struct libscols_table *tb;
	struct libscols_line *ln;
	struct kx_json json;
	bool in_list;
	/* JSON: the row's cells, emitted in column order when the row ends (or decoded fields begin) */
	struct kx_cell {
		bool set, is_num;
		uint64_t num;
		char *bytes;
		size_t len;
	} cells[KX_OUT_MAXCOLS];
	bool row_open;
	size_t rows;                    /* text: rows in the table not printed yet */
};

/*
 * Select columns: `user_cols` (comma-separated, case-insensitive; a leading '+' appends to the
 * defaults) or else `default_cols`.  -EINVAL with err naming an unknown column.
 */
int kx_out_init(struct kx_out *o, const struct kx_coldef *defs, size_t ndefs,
		const char *default_cols, const char *user_cols, enum kx_out_mode mode,
		bool noheadings, FILE *fp, struct kx_err *err);
void kx_out_free(struct kx_out *o);

/* JSON: opens the top object with "vmcore" and the list; tables: creates the columns. */
int kx_out_begin(struct kx_out *o, const char *vmcore_path, const char *list_name);

void kx_out_row_begin(struct kx_out *o);
/* Cell values for column id `col` (an index into defs); ignored when the column is not selected. */
void kx_out_str(struct kx_out *o, int col, const char *s);
void kx_out_bytes(struct kx_out *o, int col, const void *s, size_t len);
void kx_out_u64(struct kx_out *o, int col, uint64_t v);
/* The JSON writer positioned inside the current row, after its cells (for decoded fields), or
 * NULL outside JSON.  Cells set after this call are ignored in JSON. */
struct kx_json *kx_out_json(struct kx_out *o);
void kx_out_row_end(struct kx_out *o);

/* Print the table, or close the JSON list and add "error" when e records one. */
int kx_out_end(struct kx_out *o, const struct kx_err *e);

/* "NAME  help" lines for --help. */
void kx_out_help(FILE *fp, const struct kx_coldef *defs, size_t ndefs);

/* kx_out_json_error_member() and kx_out_json_error() are in json.h. */

#endif

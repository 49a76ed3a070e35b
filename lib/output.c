// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <libsmartcols.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "output.h"

static int find_col(const struct kx_coldef *defs, size_t ndefs, const char *name, size_t len)
{
	for (size_t i = 0; i < ndefs; i++)
		if (strlen(defs[i].name) == len && !strncasecmp(defs[i].name, name, len))
			return (int)i;
	return -1;
}

static int selected_pos(const struct kx_out *o, int col)
{
	for (size_t i = 0; i < o->ncols; i++)
		if (o->cols[i] == col)
			return (int)i;
	return -1;
}

static int add_cols(struct kx_out *o, const char *list, struct kx_err *err)
{
	const char *p = list;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int id = find_col(o->defs, o->ndefs, p, len);

		if (id < 0)
			return kx_err_set(err, -EINVAL, "unknown column: %.*s", (int)len, p);
		if (selected_pos(o, id) >= 0)
			goto next;      /* a column named twice is shown once */
		if (o->ncols == KX_OUT_MAXCOLS)
			return kx_err_set(err, -EINVAL, "too many columns");
		o->cols[o->ncols++] = id;
next:
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

int kx_out_init(struct kx_out *o, const struct kx_coldef *defs, size_t ndefs,
		const char *default_cols, const char *user_cols, enum kx_out_mode mode,
		bool noheadings, FILE *fp, struct kx_err *err)
{
	int r;

	memset(o, 0, sizeof(*o));
	o->defs = defs;
	o->ndefs = ndefs;
	o->mode = mode;
	o->noheadings = noheadings;
	o->fp = fp;
	if (user_cols && *user_cols == '+') {
		r = add_cols(o, default_cols, err);
		if (r == 0)
			r = add_cols(o, user_cols + 1, err);
	} else {
		r = add_cols(o, user_cols && *user_cols ? user_cols : default_cols, err);
	}
	if (r == 0 && o->ncols == 0)
		r = kx_err_set(err, -EINVAL, "no columns selected");
	return r;
}

void kx_out_free(struct kx_out *o)
{
	for (size_t i = 0; i < KX_OUT_MAXCOLS; i++) {
		free(o->cells[i].bytes);
		o->cells[i] = (struct kx_cell){ 0 };
	}
	if (o->tb)
		scols_unref_table(o->tb);
	o->tb = NULL;
}


int kx_out_begin(struct kx_out *o, const char *vmcore_path, const char *list_name)
{
	if (o->mode == KX_OUT_JSON) {
		kx_json_init(&o->json, o->fp);
		kx_json_object_begin(&o->json, NULL);
		kx_json_string(&o->json, "vmcore", vmcore_path);
		kx_json_array_begin(&o->json, list_name);
		o->in_list = true;
		return 0;
	}
	o->tb = scols_new_table();
	if (!o->tb)
		return -ENOMEM;
	scols_table_set_stream(o->tb, o->fp);
	if (o->mode == KX_OUT_RAW)
		scols_table_enable_raw(o->tb, 1);
	if (o->noheadings)
		scols_table_enable_noheadings(o->tb, 1);
	for (size_t i = 0; i < o->ncols; i++) {
		const struct kx_coldef *d = &o->defs[o->cols[i]];

		if (!scols_table_new_column(o->tb, d->name, d->whint, d->right ? SCOLS_FL_RIGHT : 0))
			return -ENOMEM;
	}
	return 0;
}

static void json_key(const struct kx_coldef *d, char *buf, size_t size)
{
	size_t i;

	for (i = 0; d->name[i] && i + 1 < size; i++)
		buf[i] = d->name[i] == '-' ? '_' : (char)tolower((unsigned char)d->name[i]);
	buf[i] = '\0';
}

void kx_out_row_begin(struct kx_out *o)
{
	if (o->mode == KX_OUT_JSON) {
		kx_json_object_begin(&o->json, NULL);
		o->row_open = true;
	} else {
		o->ln = scols_table_new_line(o->tb, NULL);
	}
}


void kx_out_bytes(struct kx_out *o, int col, const void *s, size_t len)
{
	int pos = selected_pos(o, col);

	if (pos < 0)
		return;
	if (o->mode == KX_OUT_JSON) {
		struct kx_cell *c = &o->cells[pos];

		if (!o->row_open || c->set)
			return;
		c->bytes = malloc(len ? len : 1);
		if (!c->bytes)
			return;
		memcpy(c->bytes, s, len);
		c->len = len;
		c->set = true;
		c->is_num = false;
	} else if (o->ln) {
		/*
		 * Untrusted bytes can't move the cursor or fake a column: libsmartcols shows
		 * non-printables as \xNN (and, in raw output, blanks and backslashes too).
		 */
		char *buf = strndup(s, len);

		if (buf) {
			scols_line_set_data(o->ln, (size_t)pos, buf);
			free(buf);
		}
	}
}

void kx_out_str(struct kx_out *o, int col, const char *s)
{
	kx_out_bytes(o, col, s, strlen(s));
}

void kx_out_u64(struct kx_out *o, int col, uint64_t v)
{
	int pos = selected_pos(o, col);
	char buf[32];

	if (pos < 0)
		return;
	if (o->mode == KX_OUT_JSON) {
		struct kx_cell *c = &o->cells[pos];

		if (o->row_open && !c->set)
			*c = (struct kx_cell){ .set = true, .is_num = true, .num = v };
		return;
	}
	if (o->defs[col].type == KX_COL_HEX)
		snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	else
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
	if (o->ln)
		scols_line_set_data(o->ln, (size_t)pos, buf);
}

/* Emit the row's cells in column order, once. */
static void flush_cells(struct kx_out *o)
{
	char key[64];

	if (!o->row_open)
		return;
	for (size_t i = 0; i < o->ncols; i++) {
		struct kx_cell *c = &o->cells[i];

		if (!c->set)
			continue;
		json_key(&o->defs[o->cols[i]], key, sizeof(key));
		if (c->is_num)
			kx_json_u64(&o->json, key, c->num);
		else
			kx_json_bytes(&o->json, key, c->bytes, c->len);
		free(c->bytes);
		*c = (struct kx_cell){ 0 };
	}
	o->row_open = false;
}

struct kx_json *kx_out_json(struct kx_out *o)
{
	if (o->mode != KX_OUT_JSON)
		return NULL;
	flush_cells(o);
	return &o->json;
}

/*
 * A table is printed every KX_OUT_CHUNK rows, so that memory stays bounded whatever the number
 * of rows (500000 notes held 275 MB): the heading once, and each column at least as wide as it
 * was in the chunks before, so that the columns stay aligned unless a value gets wider.
 */
#define KX_OUT_CHUNK 4096

static int print_chunk(struct kx_out *o)
{
	if (scols_print_table(o->tb) < 0)
		return -EIO;
	for (size_t i = 0; i < o->ncols; i++) {
		struct libscols_column *c = scols_table_get_column(o->tb, i);
		size_t w = c ? scols_column_get_width(c) : 0;

		if (c && w > 0 && (double)w > scols_column_get_whint(c))
			scols_column_set_whint(c, (double)w);
	}
	scols_table_remove_lines(o->tb);
	scols_table_enable_noheadings(o->tb, 1);
	o->rows = 0;
	return 0;
}

void kx_out_row_end(struct kx_out *o)
{
	if (o->mode == KX_OUT_JSON) {
		flush_cells(o);
		kx_json_object_end(&o->json);
	} else if (++o->rows == KX_OUT_CHUNK) {
		print_chunk(o);         /* an error shows again at kx_out_end's flush */
	}
	o->ln = NULL;
}


int kx_out_end(struct kx_out *o, const struct kx_err *e)
{
	if (o->mode == KX_OUT_JSON) {
		if (o->in_list)
			kx_json_array_end(&o->json);
		o->in_list = false;
		if (e && e->code)
			kx_out_json_error_member(&o->json, e);
		kx_json_object_end(&o->json);
		return fflush(o->fp) == 0 ? 0 : -errno;
	}
	if (o->tb && scols_print_table(o->tb) < 0)
		return -EIO;
	return fflush(o->fp) == 0 ? 0 : -errno;
}

void kx_out_help(FILE *fp, const struct kx_coldef *defs, size_t ndefs)
{
	for (size_t i = 0; i < ndefs; i++)
		fprintf(fp, " %12s  %s\n", defs[i].name, defs[i].help);
}


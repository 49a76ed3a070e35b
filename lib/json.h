/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_JSON_H
#define KX_JSON_H
/*
 * A small streaming JSON writer: values go out as they are added, nothing is buffered, so listings
 * of any length use constant memory.  Containers nested up to KX_JSON_DEPTH; objects and arrays at
 * the top two levels are laid out one member per line, deeper ones on one line.
 * Strings are bytes: valid UTF-8 passes through, control characters are escaped, and a byte that is
 * not part of valid UTF-8 becomes \u00XX, so the output is always valid JSON.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define KX_JSON_DEPTH 16

struct kx_json {
	FILE *fp;
	int depth;
	bool first[KX_JSON_DEPTH + 1];
	bool is_array[KX_JSON_DEPTH + 1];
};

void kx_json_init(struct kx_json *j, FILE *fp);

/* key is NULL inside arrays and for the top-level value. */
void kx_json_object_begin(struct kx_json *j, const char *key);
void kx_json_object_end(struct kx_json *j);
void kx_json_array_begin(struct kx_json *j, const char *key);
void kx_json_array_end(struct kx_json *j);
void kx_json_string(struct kx_json *j, const char *key, const char *s);
void kx_json_bytes(struct kx_json *j, const char *key, const void *s, size_t len);
void kx_json_u64(struct kx_json *j, const char *key, uint64_t v);
void kx_json_i64(struct kx_json *j, const char *key, int64_t v);
void kx_json_bool(struct kx_json *j, const char *key, bool v);
void kx_json_null(struct kx_json *j, const char *key);

/* Write s as a JSON string literal (with quotes) to fp. */
void kx_json_write_string(FILE *fp, const void *s, size_t len);

/* "error": {"message", "offset"} inside an open object. */
void kx_out_json_error_member(struct kx_json *j, const struct kx_err *e);

/* Whole JSON document for an error that stopped the tool before any listing. */
void kx_out_json_error(FILE *fp, const char *vmcore_path, const struct kx_err *e);

#endif

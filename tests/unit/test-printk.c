// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/printk: the three log formats walked over an in-memory kernel image, in both byte orders
 * and word sizes, and the malformed variants each check must catch.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "printk.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- a kernel image */

#define IMG_SIZE 0x10000

struct img {
	unsigned char m[IMG_SIZE];
	uint64_t base;
	unsigned word;
	bool big;
	char vi[4096];
	size_t vilen;
};

static int img_read(void *ctx, uint64_t addr, void *buf, size_t len, const char *what,
		    struct kx_err *err)
{
	struct img *t = ctx;

	if (addr < t->base || addr - t->base > IMG_SIZE || len > IMG_SIZE - (addr - t->base))
		return kx_err_set(err, -EBADMSG, "%s at 0x%llx is not mapped", what,
				  (unsigned long long)addr);
	memcpy(buf, t->m + (addr - t->base), len);
	return 0;
}

static void put(struct img *t, uint64_t off, uint64_t v, unsigned width)
{
	assert_true(off + width <= IMG_SIZE);
	for (unsigned i = 0; i < width; i++)
		t->m[off + i] = (unsigned char)(v >> (t->big ? 8 * (width - 1 - i) : 8 * i));
}

static void put_long(struct img *t, uint64_t off, uint64_t v)
{
	put(t, off, v, t->word);
}

static void vi_add(struct img *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vi_add(struct img *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	t->vilen += (size_t)vsnprintf(t->vi + t->vilen, sizeof(t->vi) - t->vilen, fmt, ap);
	va_end(ap);
	assert_true(t->vilen < sizeof(t->vi));
}

/* Remove the line KEY=... from the VMCOREINFO text. */
static void vi_drop(struct img *t, const char *key)
{
	char *p = strstr(t->vi, key), *nl;

	assert_non_null(p);
	nl = strchr(p, '\n');
	assert_non_null(nl);
	memmove(p, nl + 1, strlen(nl + 1) + 1);
	t->vilen = strlen(t->vi);
}

static void vi_set(struct img *t, const char *key, const char *value)
{
	vi_drop(t, key);
	vi_add(t, "%s=%s\n", key, value);
}

static struct img *img_new(unsigned word, bool big)
{
	struct img *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->word = word;
	t->big = big;
	t->base = word == 8 ? 0xffff888001000000ull : 0xc1000000u;
	return t;
}

/* ---------------------------------------------------------------- lockless ring */

#define RB 0x40
#define DESCS 0x1000
#define INFOS 0x2000
#define DATA 0x4000
#define COUNT_BITS 3
#define COUNT (1u << COUNT_BITS)
#define SIZE_BITS 8
#define DSIZE (1u << SIZE_BITS)
#define INFO 88

struct ring {
	struct img *t;
	uint64_t head_lpos, tail_lpos, next_id, tail_id;
};

static uint64_t w_(const struct img *t)
{
	return t->word;
}

static uint64_t lmask(const struct img *t)
{
	return t->word == 8 ? UINT64_MAX : 0xffffffffu;
}

static uint64_t sv(const struct img *t, uint64_t id, unsigned state)
{
	return ((uint64_t)state << (t->word * 8 - 2) | id) & lmask(t);
}

static uint64_t desc(const struct img *t, uint64_t id)
{
	return DESCS + (id % COUNT) * 3 * w_(t);
}

static uint64_t info(uint64_t id)
{
	return INFOS + (id % COUNT) * INFO;
}

static void lockless_vi(struct img *t)
{
	uint64_t w = t->word;

	vi_add(t, "OSRELEASE=6.12.0\nSYMBOL(prb)=%llx\n", (unsigned long long)t->base);
	vi_add(t, "SIZE(printk_ringbuffer)=%llu\n", (unsigned long long)(10 * w));
	vi_add(t, "OFFSET(printk_ringbuffer.desc_ring)=0\n");
	vi_add(t, "OFFSET(printk_ringbuffer.text_data_ring)=%llu\n", (unsigned long long)(5 * w));
	vi_add(t, "SIZE(prb_desc_ring)=%llu\n", (unsigned long long)(5 * w));
	vi_add(t, "OFFSET(prb_desc_ring.count_bits)=0\nOFFSET(prb_desc_ring.descs)=%llu\n"
		  "OFFSET(prb_desc_ring.infos)=%llu\nOFFSET(prb_desc_ring.head_id)=%llu\n"
		  "OFFSET(prb_desc_ring.tail_id)=%llu\n", (unsigned long long)w,
	       (unsigned long long)(2 * w), (unsigned long long)(3 * w), (unsigned long long)(4 * w));
	vi_add(t, "SIZE(prb_desc)=%llu\nOFFSET(prb_desc.state_var)=0\n"
		  "OFFSET(prb_desc.text_blk_lpos)=%llu\n", (unsigned long long)(3 * w),
	       (unsigned long long)w);
	vi_add(t, "SIZE(prb_data_blk_lpos)=%llu\nOFFSET(prb_data_blk_lpos.begin)=0\n"
		  "OFFSET(prb_data_blk_lpos.next)=%llu\n", (unsigned long long)(2 * w),
	       (unsigned long long)w);
	vi_add(t, "SIZE(printk_info)=88\nOFFSET(printk_info.seq)=0\nOFFSET(printk_info.ts_nsec)=8\n"
		  "OFFSET(printk_info.text_len)=16\nOFFSET(printk_info.caller_id)=20\n"
		  "OFFSET(printk_info.dev_info)=24\n");
	vi_add(t, "SIZE(prb_data_ring)=%llu\nOFFSET(prb_data_ring.size_bits)=0\n"
		  "OFFSET(prb_data_ring.data)=%llu\nOFFSET(prb_data_ring.head_lpos)=%llu\n"
		  "OFFSET(prb_data_ring.tail_lpos)=%llu\n", (unsigned long long)(4 * w),
	       (unsigned long long)w, (unsigned long long)(2 * w), (unsigned long long)(3 * w));
	vi_add(t, "SIZE(atomic_long_t)=%llu\nOFFSET(atomic_long_t.counter)=0\n", (unsigned long long)w);
}

/* An empty ring whose data starts at lpos start (to place a block at the end). */
static struct ring ring_new(unsigned word, bool big, uint64_t start)
{
	struct ring r = { .t = img_new(word, big), .head_lpos = start, .tail_lpos = start };

	lockless_vi(r.t);
	return r;
}

/* Append a finalized record, its block wrapping to offset 0 as the kernel does. */
static uint64_t ring_add(struct ring *r, const char *text, unsigned level, unsigned facility,
			 uint32_t caller)
{
	struct img *t = r->t;
	uint64_t w = t->word, id = r->next_id++, len = strlen(text);
	uint64_t size = (len + w + w - 1) & ~(w - 1), b = r->head_lpos, n = b + size, at;

	if (b / DSIZE != n / DSIZE)
		n = (n & ~(uint64_t)(DSIZE - 1)) + size;
	at = n / DSIZE != b / DSIZE ? 0 : b % DSIZE;
	put_long(t, DATA + b % DSIZE, id);
	put_long(t, DATA + at, id);
	memcpy(t->m + DATA + at + w, text, len);
	put_long(t, desc(t, id), sv(t, id, 2));
	put_long(t, desc(t, id) + w, b);
	put_long(t, desc(t, id) + 2 * w, n);
	memset(t->m + info(id), 0, INFO);
	put(t, info(id), id, 8);
	put(t, info(id) + 8, 1000000000ull * id + 5000, 8);
	put(t, info(id) + 16, len, 2);
	t->m[info(id) + 18] = (unsigned char)facility;
	t->m[info(id) + 19] = t->big ? (unsigned char)(2 << 3 | level) : (unsigned char)(2 | level << 5);
	put(t, info(id) + 20, caller, 4);
	r->head_lpos = n;
	return id;
}

static void ring_finish(struct ring *r)
{
	struct img *t = r->t;
	uint64_t w = t->word;

	put_long(t, 0, t->base + RB);
	put(t, RB, COUNT_BITS, 4);
	put_long(t, RB + w, t->base + DESCS);
	put_long(t, RB + 2 * w, t->base + INFOS);
	put_long(t, RB + 3 * w, r->next_id ? r->next_id - 1 : 0);
	put_long(t, RB + 4 * w, r->tail_id);
	put(t, RB + 5 * w, SIZE_BITS, 4);
	put_long(t, RB + 6 * w, t->base + DATA);
	put_long(t, RB + 7 * w, r->head_lpos);
	put_long(t, RB + 8 * w, r->tail_lpos);
}

/* ---------------------------------------------------------------- walking */

struct walk {
	int init;
	size_t n, errors;
	struct kx_printk_record rec[16];
	char text[16][128];
	char err[512];
	struct kx_printk_layout lay;
};

/* Parse, init and walk everything; records and errors collected. */
static void walk(struct img *t, struct walk *w)
{
	struct kx_printk_mem mem = { .read = img_read, .ctx = t };
	struct kx_printk_iter it;
	struct kx_printk_record rec;
	struct kx_err err;
	bool inited = false;
	int r;

	memset(w, 0, sizeof(*w));
	kx_err_clear(&err);
	w->init = kx_printk_layout_parse(t->vi, t->vilen, t->word, t->big, &w->lay, &err);
	if (w->init == 0) {
		inited = true;
		w->init = kx_printk_iter_init(&it, &w->lay, &mem, &err);
	}
	if (w->init == 0) {
		unsigned guard = 0;

		while ((r = kx_printk_iter_next(&it, &rec, &err)) != 0) {
			assert_true(++guard < 100000);
			if (r < 0) {
				w->errors++;
				continue;
			}
			assert_true(w->n < N_ELEMS(w->rec));
			w->rec[w->n] = rec;
			assert_true(rec.text_len < sizeof(w->text[0]));
			memcpy(w->text[w->n], rec.text, rec.text_len);
			w->rec[w->n].text = (const unsigned char *)w->text[w->n];
			w->n++;
		}
	}
	if (inited)
		kx_printk_iter_free(&it);
	snprintf(w->err, sizeof(w->err), "%s", err.msg);
}

static void assert_text(const struct walk *w, size_t i, const char *text)
{
	assert_int_equal(w->rec[i].text_len, strlen(text));
	assert_memory_equal(w->text[i], text, strlen(text));
}

static void assert_err(const struct walk *w, const char *part)
{
	if (!strstr(w->err, part))
		fail_msg("error \"%s\" lacks \"%s\"", w->err, part);
}

/* ---------------------------------------------------------------- lockless tests */

static void lockless_records_come_oldest_first_in_every_word_size_and_byte_order(void **state)
{
	static const struct { unsigned word; bool big; } v[] = {
		{ 8, false }, { 8, true }, { 4, false }, { 4, true },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(v); i++) {
		struct ring r = ring_new(v[i].word, v[i].big, 0);
		struct walk w;

		ring_add(&r, "Linux version 6.12.0", 5, 0, 0);
		ring_add(&r, "usb 1-1: new device", 6, 0, 123);
		ring_add(&r, "from user space", 4, 1, 0x80000003u);
		ring_finish(&r);
		walk(r.t, &w);
		assert_int_equal(w.init, 0);
		assert_int_equal(w.errors, 0);
		assert_int_equal(w.n, 3);
		assert_true(w.lay.format == KX_PRINTK_LOCKLESS);
		assert_text(&w, 0, "Linux version 6.12.0");
		assert_text(&w, 2, "from user space");
		for (unsigned k = 0; k < 3; k++) {
			assert_int_equal(w.rec[k].seq, k);
			assert_int_equal(w.rec[k].ts_nsec, 1000000000ull * k + 5000);
		}
		assert_int_equal(w.rec[0].level, 5);
		assert_int_equal(w.rec[1].level, 6);
		assert_int_equal(w.rec[1].caller_id, 123);
		assert_int_equal(w.rec[2].level, 4);
		assert_int_equal(w.rec[2].facility, 1);
		assert_int_equal(w.rec[2].caller_id, 0x80000003u);
		free(r.t);
	}
}

static void lockless_block_stored_at_offset_0_is_read_there(void **state)
{
	/* the second block would cross the ring's end: the kernel stores it at offset 0 */
	struct ring r = ring_new(8, false, DSIZE - 24);
	struct walk w;

	(void)state;
	ring_add(&r, "fits", 6, 0, 1);
	ring_add(&r, "does not fit at the end", 6, 0, 1);
	ring_finish(&r);
	walk(r.t, &w);
	assert_int_equal(w.errors, 0);
	assert_int_equal(w.n, 2);
	assert_text(&w, 1, "does not fit at the end");
	free(r.t);
}

static void lockless_block_ending_exactly_at_the_ring_end_is_not_wrapped(void **state)
{
	/* newer kernels leave such a block in place: [DSIZE - 16, DSIZE) */
	struct ring r = ring_new(8, false, 0);
	struct walk w;
	uint64_t id;

	(void)state;
	id = ring_add(&r, "exactly!", 6, 0, 1);
	put_long(r.t, desc(r.t, id) + 8, DSIZE - 16);
	put_long(r.t, desc(r.t, id) + 16, DSIZE);
	put_long(r.t, DATA + DSIZE - 16, id);
	memcpy(r.t->m + DATA + DSIZE - 8, "exactly!", 8);
	memset(r.t->m + DATA + 8, 'x', 8);
	r.head_lpos = DSIZE;
	ring_finish(&r);
	walk(r.t, &w);
	assert_int_equal(w.errors, 0);
	assert_int_equal(w.n, 1);
	assert_text(&w, 0, "exactly!");
	free(r.t);
}

static void lockless_data_less_records_are_empty_lines_or_lost_text(void **state)
{
	struct ring r = ring_new(8, false, 0);
	struct walk w;
	uint64_t a, b;

	(void)state;
	ring_add(&r, "before", 6, 0, 1);
	a = ring_add(&r, "x", 6, 0, 1);
	b = ring_add(&r, "y", 6, 0, 1);
	ring_add(&r, "after", 6, 0, 1);
	put_long(r.t, desc(r.t, a) + 8, 3);             /* NO_LPOS: an empty line */
	put_long(r.t, desc(r.t, a) + 16, 3);
	put(r.t, info(a) + 16, 0, 2);
	put_long(r.t, desc(r.t, b) + 8, 1);             /* FAILED_LPOS: lost */
	put_long(r.t, desc(r.t, b) + 16, 1);
	ring_finish(&r);
	walk(r.t, &w);
	assert_int_equal(w.errors, 0);
	assert_int_equal(w.n, 4);
	assert_false(w.rec[1].lost);
	assert_int_equal(w.rec[1].text_len, 0);
	assert_true(w.rec[2].lost);
	assert_int_equal(w.rec[2].text_len, 0);
	assert_text(&w, 3, "after");
	free(r.t);
}

static void lockless_reserved_reusable_and_foreign_descriptors_are_skipped(void **state)
{
	struct ring r = ring_new(8, false, 0);
	struct walk w;
	uint64_t a, b, c;

	(void)state;
	a = ring_add(&r, "reserved", 6, 0, 1);
	b = ring_add(&r, "reusable", 6, 0, 1);
	c = ring_add(&r, "other id", 6, 0, 1);
	ring_add(&r, "committed", 6, 0, 1);
	ring_add(&r, "kept", 6, 0, 1);
	put_long(r.t, desc(r.t, a), sv(r.t, a, 0));
	put_long(r.t, desc(r.t, b), sv(r.t, b, 3));
	put_long(r.t, desc(r.t, c), sv(r.t, c + COUNT, 2));
	put_long(r.t, desc(r.t, 3), sv(r.t, 3, 1));
	ring_finish(&r);
	walk(r.t, &w);
	assert_int_equal(w.errors, 0);
	assert_int_equal(w.n, 2);
	assert_text(&w, 0, "committed");
	assert_text(&w, 1, "kept");
	free(r.t);
}

/* A ring of three records with one edit; the walk's result. */
typedef void (*edit_fn)(struct ring *r);

static void text_len_past_block(struct ring *r) { put(r->t, info(1) + 16, 200, 2); }
static void seq_of_other_index(struct ring *r) { put(r->t, info(1), 10, 8); }
static void begin_before_tail(struct ring *r) { put_long(r->t, desc(r->t, 1) + 8, (uint64_t)-64); }
static void next_past_head(struct ring *r) { put_long(r->t, desc(r->t, 1) + 16, r->head_lpos + 8); }
static void half_data_less(struct ring *r) { put_long(r->t, desc(r->t, 1) + 8, 1); }
static void unaligned_block(struct ring *r) { put_long(r->t, desc(r->t, 1) + 8, 20); }

static void lockless_malformed_record_is_reported_and_the_walk_goes_on(void **state)
{
	static const struct { edit_fn edit; const char *msg; } cases[] = {
		{ text_len_past_block, "text_len 200 runs past its" },
		{ seq_of_other_index, "has printk_info.seq 10, which belongs to index 2" },
		{ begin_before_tail, "is not inside the text ring" },
		{ next_past_head, "is not inside the text ring" },
		{ half_data_less, "mixes a data-less and a real position" },
		{ unaligned_block, "is not aligned to 8 bytes" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct ring r = ring_new(8, false, 0);
		struct walk w;

		ring_add(&r, "zero", 6, 0, 1);
		ring_add(&r, "one, the bad one", 6, 0, 1);
		ring_add(&r, "two", 6, 0, 1);
		ring_finish(&r);
		cases[i].edit(&r);
		walk(r.t, &w);
		assert_int_equal(w.init, 0);
		assert_int_equal(w.errors, 1);
		assert_err(&w, cases[i].msg);
		assert_int_equal(w.n, 2);
		assert_text(&w, 0, "zero");
		assert_text(&w, 1, "two");
		free(r.t);
	}
}

static void bad_count_bits(struct ring *r) { put(r->t, RB, 64, 4); }
static void bad_size_bits(struct ring *r) { put(r->t, RB + 5 * w_(r->t), 40, 4); }
static void tail_too_far(struct ring *r) { put_long(r->t, RB + 4 * w_(r->t), (uint64_t)-(COUNT + 1) & 0x3fffffffffffffffull); }
static void head_with_state(struct ring *r) { put_long(r->t, RB + 3 * w_(r->t), sv(r->t, 2, 2)); }
static void prb_null(struct ring *r) { put_long(r->t, 0, 0); }
static void descs_unmapped(struct ring *r) { put_long(r->t, RB + w_(r->t), 0x1000); }
static void lpos_span(struct ring *r) { put_long(r->t, RB + 8 * w_(r->t), r->head_lpos - 2 * DSIZE); }

static void lockless_bad_ring_header_stops_before_any_record(void **state)
{
	static const struct { edit_fn edit; const char *msg; } cases[] = {
		{ bad_count_bits, "count_bits is 64" },
		{ bad_size_bits, "size_bits is 40" },
		{ tail_too_far, "descriptors behind head_id" },
		{ head_with_state, "has state bits set" },
		{ prb_null, "the pointer prb (SYMBOL(prb)) at 0xffff888001000000 is NULL" },
		{ lpos_span, "more than the ring's 256 bytes behind head_lpos" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct ring r = ring_new(8, false, 0);
		struct walk w;

		ring_add(&r, "zero", 6, 0, 1);
		ring_add(&r, "one", 6, 0, 1);
		ring_add(&r, "two", 6, 0, 1);
		ring_finish(&r);
		cases[i].edit(&r);
		walk(r.t, &w);
		assert_int_equal(w.init, -EBADMSG);
		assert_int_equal(w.n, 0);
		assert_err(&w, cases[i].msg);
		free(r.t);
	}
}

static void lockless_unreadable_descriptor_ends_the_walk(void **state)
{
	struct ring r = ring_new(8, false, 0);
	struct walk w;

	(void)state;
	ring_add(&r, "zero", 6, 0, 1);
	ring_finish(&r);
	descs_unmapped(&r);
	walk(r.t, &w);
	assert_int_equal(w.init, 0);
	assert_int_equal(w.errors, 1);
	assert_int_equal(w.n, 0);
	assert_err(&w, "a descriptor's state_var at 0x1000 is not mapped");
	free(r.t);
}

static void layout_names_the_missing_or_bad_key(void **state)
{
	static const char *const keys[] = {
		"SIZE(printk_ringbuffer)", "OFFSET(prb_desc_ring.head_id)", "SIZE(prb_desc)",
		"OFFSET(prb_data_blk_lpos.next)", "OFFSET(printk_info.text_len)",
		"OFFSET(prb_data_ring.tail_lpos)", "OFFSET(prb_desc.text_blk_lpos)",
	};
	struct kx_printk_layout lay;
	struct kx_err err;

	(void)state;
	for (size_t i = 0; i < N_ELEMS(keys); i++) {
		struct ring r = ring_new(8, false, 0);

		vi_drop(r.t, keys[i]);
		kx_err_clear(&err);
		assert_int_equal(kx_printk_layout_parse(r.t->vi, r.t->vilen, 8, false, &lay, &err),
				 -EBADMSG);
		assert_non_null(strstr(err.msg, keys[i]));
		assert_non_null(strstr(err.msg, "SYMBOL(prb)"));
		free(r.t);
	}
	{
		struct ring r = ring_new(8, false, 0);

		vi_set(r.t, "OFFSET(printk_info.seq)", "84");
		kx_err_clear(&err);
		assert_int_equal(kx_printk_layout_parse(r.t->vi, r.t->vilen, 8, false, &lay, &err),
				 -EBADMSG);
		assert_string_equal(err.msg, "VMCOREINFO OFFSET(printk_info.seq)=84 puts a 8-byte "
				    "field past the end of struct printk_info (SIZE(printk_info)=88)");
		vi_set(r.t, "OFFSET(printk_info.seq)", "zero");
		kx_err_clear(&err);
		kx_printk_layout_parse(r.t->vi, r.t->vilen, 8, false, &lay, &err);
		assert_string_equal(err.msg, "VMCOREINFO OFFSET(printk_info.seq)=zero is not a number");
		vi_set(r.t, "OFFSET(printk_info.seq)", "0");
		vi_set(r.t, "SIZE(prb_desc)", "99999999");
		kx_err_clear(&err);
		kx_printk_layout_parse(r.t->vi, r.t->vilen, 8, false, &lay, &err);
		assert_non_null(strstr(err.msg, "SIZE(prb_desc)=99999999 is not a plausible"));
		free(r.t);
	}
	kx_err_clear(&err);
	assert_int_equal(kx_printk_layout_parse("OSRELEASE=6.1\nSYMBOL(log_buf)=1\n", 32, 8, false,
						&lay, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "VMCOREINFO names no kernel log"));
}

static void level_is_unknown_when_the_info_layout_is_not_the_known_one(void **state)
{
	struct ring r = ring_new(8, false, 0);
	struct walk w;

	(void)state;
	ring_add(&r, "text", 3, 0, 1);
	ring_finish(&r);
	vi_set(r.t, "OFFSET(printk_info.caller_id)", "24");
	walk(r.t, &w);
	assert_int_equal(w.n, 1);
	assert_false(w.lay.has_level);
	assert_int_equal(w.rec[0].level, -1);
	assert_int_equal(w.rec[0].facility, -1);
	free(r.t);
}

static void caller_ids_are_written_as_the_kernel_does(void **state)
{
	char b[16];

	(void)state;
	assert_string_equal(kx_printk_caller(123, b, sizeof(b)), "T123");
	assert_string_equal(kx_printk_caller(0x80000001u, b, sizeof(b)), "C1");
	assert_string_equal(kx_printk_caller(0xffffffffu, b, sizeof(b)), "C2147483647");
}

/* ---------------------------------------------------------------- structured log */

#define LOGBUF 0x1000
#define HDR 16

struct slog {
	struct img *t;
	uint64_t len, first, next, seq;
};

static struct slog slog_new(unsigned word, bool big, uint64_t len, const char *sname)
{
	struct slog s = { .t = img_new(word, big), .len = len };
	struct img *t = s.t;

	vi_add(t, "SYMBOL(log_buf)=%llx\nSYMBOL(log_buf_len)=%llx\n", (unsigned long long)t->base,
	       (unsigned long long)(t->base + 0x10));
	vi_add(t, "SYMBOL(log_first_idx)=%llx\nSYMBOL(log_next_idx)=%llx\n",
	       (unsigned long long)(t->base + 0x14), (unsigned long long)(t->base + 0x18));
	vi_add(t, "SIZE(%s)=%d\nOFFSET(%s.ts_nsec)=0\nOFFSET(%s.len)=8\nOFFSET(%s.text_len)=10\n"
		  "OFFSET(%s.dict_len)=12\n", sname, HDR, sname, sname, sname, sname);
	return s;
}

/* a record at idx; returns the index after it */
static uint64_t slog_put(struct slog *s, uint64_t idx, const char *text, const char *dict,
			 unsigned level)
{
	struct img *t = s->t;
	uint64_t tl = strlen(text), dl = strlen(dict), len = (HDR + tl + dl + 3) & ~3ull;
	uint64_t m = LOGBUF + idx;

	put(t, m, 1000 * (s->seq + 1), 8);
	put(t, m + 8, len, 2);
	put(t, m + 10, tl, 2);
	put(t, m + 12, dl, 2);
	t->m[m + 14] = 0;
	t->m[m + 15] = t->big ? (unsigned char)(2 << 3 | level) : (unsigned char)(2 | level << 5);
	memcpy(t->m + m + HDR, text, tl);
	memcpy(t->m + m + HDR + tl, dict, dl);
	s->seq++;
	return idx + len;
}

static void slog_finish(struct slog *s)
{
	put_long(s->t, 0, s->t->base + LOGBUF);
	put(s->t, 0x10, s->len, 4);
	put(s->t, 0x14, s->first, 4);
	put(s->t, 0x18, s->next, 4);
}

static void structured_records_come_from_first_to_next_idx(void **state)
{
	static const struct { unsigned word; bool big; } v[] = {
		{ 8, false }, { 8, true }, { 4, false }, { 4, true },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(v); i++) {
		struct slog s = slog_new(v[i].word, v[i].big, 512, "printk_log");
		struct walk w;
		uint64_t idx = 40;

		s.first = idx;
		idx = slog_put(&s, idx, "first", "", 6);
		idx = slog_put(&s, idx, "with a dictionary", "SUBSYSTEM=pci", 3);
		s.next = slog_put(&s, idx, "third", "", 7);
		slog_finish(&s);
		walk(s.t, &w);
		assert_int_equal(w.init, 0);
		assert_int_equal(w.errors, 0);
		assert_int_equal(w.n, 3);
		assert_true(w.lay.format == KX_PRINTK_STRUCTURED);
		assert_text(&w, 1, "with a dictionary");
		assert_int_equal(w.rec[1].level, 3);
		assert_int_equal(w.rec[2].seq, 2);
		assert_int_equal(w.rec[2].ts_nsec, 3000);
		free(s.t);
	}
}

static void structured_wrap_marker_leads_to_offset_0(void **state)
{
	struct slog s = slog_new(8, false, 256, "log");
	struct walk w;
	uint64_t idx;

	(void)state;
	idx = slog_put(&s, 0, "new one at 0", "", 6);
	s.next = idx;
	s.first = 200;
	idx = slog_put(&s, 200, "old at 200", "", 6);  /* 28 bytes: 228; marker at 228 */
	memset(s.t->m + LOGBUF + idx, 0, HDR);
	slog_finish(&s);
	walk(s.t, &w);
	assert_int_equal(w.errors, 0);
	assert_string_equal(w.lay.log_struct, "log");
	assert_int_equal(w.n, 3);
	assert_text(&w, 0, "old at 200");
	assert_true(w.rec[1].wrap_marker);
	assert_int_equal(w.rec[1].ts_nsec, 0);
	assert_text(&w, 2, "new one at 0");
	free(s.t);
}

static void structured_malformed_log_is_an_error_never_a_loop(void **state)
{
	struct walk w;

	(void)state;
	{
		/* a zero-length header inside a contiguous log */
		struct slog s = slog_new(8, false, 256, "printk_log");

		s.first = 0;
		s.next = slog_put(&s, slog_put(&s, 0, "a", "", 6), "b", "", 6);
		put(s.t, LOGBUF + 20 + 8, 0, 2);
		slog_finish(&s);
		walk(s.t, &w);
		assert_int_equal(w.n, 1);
		assert_err(&w, "zero-length record at log_buf index 20 wraps the log where it can't");
		free(s.t);
	}
	{
		/* the wrap leads to records that pass log_next_idx and on to a second wrap */
		struct slog s = slog_new(8, false, 256, "printk_log");
		uint64_t idx;

		s.first = 200;
		s.next = 8;
		idx = slog_put(&s, 200, "old", "", 6);
		memset(s.t->m + LOGBUF + idx, 0, HDR);
		slog_put(&s, 0, "twenty bytes long", "", 6);
		slog_finish(&s);
		walk(s.t, &w);
		assert_err(&w, "has len 36, which runs past log_next_idx");
		free(s.t);
	}
	{
		struct slog s = slog_new(8, false, 256, "printk_log");

		s.first = 0;
		s.next = slog_put(&s, 0, "a", "", 6);
		put(s.t, LOGBUF + 8, 4, 2);
		slog_finish(&s);
		walk(s.t, &w);
		assert_err(&w, "has len 4, which is shorter than its header");
		free(s.t);
	}
	{
		/* text_len + dict_len past len: that record only */
		struct slog s = slog_new(8, false, 256, "printk_log");
		uint64_t idx;

		s.first = 0;
		idx = slog_put(&s, 0, "bad", "", 6);
		s.next = slog_put(&s, idx, "good", "", 6);
		put(s.t, LOGBUF + 10, 100, 2);
		slog_finish(&s);
		walk(s.t, &w);
		assert_int_equal(w.errors, 1);
		assert_err(&w, "text_len 100 + dict_len 0 runs past its len 20");
		assert_int_equal(w.n, 1);
		assert_text(&w, 0, "good");
		free(s.t);
	}
	{
		struct slog s = slog_new(8, false, 256, "printk_log");

		s.first = 0;
		s.next = 0;
		s.len = 0xffffffffu;
		slog_finish(&s);
		walk(s.t, &w);
		assert_int_equal(w.init, -EBADMSG);
		assert_err(&w, "log_buf_len is 4294967295");
		free(s.t);
	}
}

static void structured_empty_log_has_no_records(void **state)
{
	struct slog s = slog_new(8, false, 256, "printk_log");
	struct walk w;

	(void)state;
	s.first = s.next = 96;
	slog_finish(&s);
	walk(s.t, &w);
	assert_int_equal(w.init, 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(w.errors, 0);
	free(s.t);
}

/* ---------------------------------------------------------------- legacy buffer */

static struct img *legacy_new(uint64_t len, uint64_t end, const char *content)
{
	struct img *t = img_new(8, false);
	size_t n = strlen(content);

	vi_add(t, "SYMBOL(log_buf)=%llx\nSYMBOL(log_end)=%llx\nSYMBOL(log_buf_len)=%llx\n"
		  "SYMBOL(logged_chars)=%llx\n", (unsigned long long)t->base,
	       (unsigned long long)(t->base + 0x10), (unsigned long long)(t->base + 0x14),
	       (unsigned long long)(t->base + 0x18));
	put_long(t, 0, t->base + LOGBUF);
	put(t, 0x10, end, 4);
	put(t, 0x14, len, 4);
	/* the content ends just before log_end */
	for (size_t i = 0; i < n; i++)
		t->m[LOGBUF + ((end - n + i) & (len - 1))] = (unsigned char)content[i];
	return t;
}

static void legacy_lines_keep_their_bytes_and_parse_their_prefix(void **state)
{
	struct img *t = legacy_new(64, 1000, "<4>[   12.000500] wrapped line\n<6>no time\npartial");
	struct walk w;

	(void)state;
	walk(t, &w);
	assert_int_equal(w.init, 0);
	assert_true(w.lay.format == KX_PRINTK_LEGACY);
	/* the 64 bytes before log_end: unused (zero) bytes, then the lines */
	assert_int_equal(w.n, 3);
	assert_true(w.rec[0].raw);
	assert_text(&w, 1, "<6>no time\n");
	assert_int_equal(w.rec[1].level, 6);
	assert_false(w.rec[1].has_ts);
	assert_text(&w, 2, "partial");
	free(t);

	/* fewer than log_buf_len bytes ever logged: only those */
	t = legacy_new(64, 33, "<4>[   12.000500] short log\n<3>x\n");
	walk(t, &w);
	assert_int_equal(w.n, 2);
	assert_text(&w, 0, "<4>[   12.000500] short log\n");
	assert_int_equal(w.rec[0].level, 4);
	assert_true(w.rec[0].has_ts);
	assert_int_equal(w.rec[0].ts_nsec, 12000500000ull);
	assert_int_equal(w.rec[0].body_len, strlen("short log"));
	assert_memory_equal(w.rec[0].body, "short log", 9);
	free(t);
}

static void legacy_buffer_length_must_be_a_power_of_two(void **state)
{
	struct img *t = legacy_new(64, 10, "<6>x\n");
	struct walk w;

	(void)state;
	put(t, 0x14, 100, 4);
	walk(t, &w);
	assert_int_equal(w.init, -EBADMSG);
	assert_err(&w, "log_buf_len is 100");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lockless_records_come_oldest_first_in_every_word_size_and_byte_order),
		cmocka_unit_test(lockless_block_stored_at_offset_0_is_read_there),
		cmocka_unit_test(lockless_block_ending_exactly_at_the_ring_end_is_not_wrapped),
		cmocka_unit_test(lockless_data_less_records_are_empty_lines_or_lost_text),
		cmocka_unit_test(lockless_reserved_reusable_and_foreign_descriptors_are_skipped),
		cmocka_unit_test(lockless_malformed_record_is_reported_and_the_walk_goes_on),
		cmocka_unit_test(lockless_bad_ring_header_stops_before_any_record),
		cmocka_unit_test(lockless_unreadable_descriptor_ends_the_walk),
		cmocka_unit_test(layout_names_the_missing_or_bad_key),
		cmocka_unit_test(level_is_unknown_when_the_info_layout_is_not_the_known_one),
		cmocka_unit_test(caller_ids_are_written_as_the_kernel_does),
		cmocka_unit_test(structured_records_come_from_first_to_next_idx),
		cmocka_unit_test(structured_wrap_marker_leads_to_offset_0),
		cmocka_unit_test(structured_malformed_log_is_an_error_never_a_loop),
		cmocka_unit_test(structured_empty_log_has_no_records),
		cmocka_unit_test(legacy_lines_keep_their_bytes_and_parse_their_prefix),
		cmocka_unit_test(legacy_buffer_length_must_be_a_power_of_two),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

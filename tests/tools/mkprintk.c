// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkprintk - write a kernel memory image that holds a printk log, and the VMCOREINFO text that
 * describes it, for vmcore-dmesg's tests, fuzz seeds and benchmark.  mkvmcore then maps the
 * image with a PT_LOAD (the --load options mkprintk prints) and adds the VMCOREINFO note.
 *
 * The log is built the way the kernel builds it, by replaying its writer on the records given:
 *  - lockless ring buffer (5.10+): descriptor ring, info array, data ring; descriptors are
 *    reserved, their data blocks allocated (wrapping to offset 0 when a block does not fit at
 *    the end of the ring), and the tails pushed, so old descriptors become reusable and old
 *    records disappear exactly as in printk_ringbuffer.c;
 *  - structured log (3.5-5.9): struct printk_log records in log_buf, the oldest dropped to make
 *    room, a zero-length header marking the wrap to offset 0;
 *  - legacy byte buffer (before 3.5): "<level>[time] text\n" characters at the free-running
 *    index log_end.
 * Integers are written in the chosen word size and byte order.  Hostile variants are made by
 * editing fields afterwards (--set) and VMCOREINFO lines (--key, --drop-key).  The usage and the
 * image layout are described in mkprintk.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "mkprintk"
enum { EX_IO = 1, EX_USAGE = 2 };

/* struct printk_info: seq, ts_nsec, text_len, facility, flags:5 level:3, caller_id, dev_info */
#define INFO_SIZE 88
#define INFO_SEQ 0
#define INFO_TS 8
#define INFO_TEXT_LEN 16
#define INFO_FACILITY 18
#define INFO_FLAGS_LEVEL 19
#define INFO_CALLER 20
#define INFO_DEV 24

#define FAILED_LPOS 0x1
#define NO_LPOS 0x3
#define LOG_NEWLINE 2

enum state { ST_RESERVED = 0, ST_COMMITTED = 1, ST_FINALIZED = 2, ST_REUSABLE = 3 };
enum format { F_LOCKLESS, F_LOCKLESS_510, F_STRUCTURED, F_STRUCTURED_35, F_LEGACY };

static const char *const format_names[] = {
	[F_LOCKLESS] = "lockless", [F_LOCKLESS_510] = "lockless-5.10",
	[F_STRUCTURED] = "structured", [F_STRUCTURED_35] = "structured-3.5",
	[F_LEGACY] = "legacy",
};

static struct {
	enum format format;
	unsigned word;          /* sizeof(long): 4 or 8 */
	bool big;
	uint64_t paddr, vaddr, sym_vaddr;
	bool vaddr_set, sym_vaddr_set;
	unsigned count_bits, size_bits;
	bool size_bits_set;
	uint64_t log_buf_len;
	unsigned log_align;
	bool caller_field;      /* structured: struct printk_log has caller_id */
	uint64_t log_end;       /* legacy: initial log_end */
	bool exact_fit;         /* lockless: a block that ends at the ring's end does not wrap */
	const char *osrelease;
	const char *expect;
} o = {
	.format = F_LOCKLESS, .word = 8, .paddr = 0x1000000, .count_bits = 5,
	.log_buf_len = 4096, .osrelease = NULL,
};

/* the attributes of the next record */
static struct {
	uint64_t ts, ts_step;
	unsigned level, facility;
	uint32_t caller;
	unsigned char *dict;
	size_t dict_len;
} attr = { .ts = 0, .ts_step = 1234567, .level = 6, .caller = 1 };

static unsigned char *img;
static size_t img_size;
static FILE *expect_fp;

static void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void die(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (status == EX_USAGE)
		fprintf(stderr, "\nTry '" PROG " --help'.\n");
	else
		fputc('\n', stderr);
	exit(status);
}

static uint64_t num(const char *opt, const char *s)
{
	char *e;
	unsigned long long v;

	errno = 0;
	if (!*s || *s == '-')
		die(EX_USAGE, "%s: '%s' is not a number", opt, s);
	v = strtoull(s, &e, 0);
	if (errno || *e)
		die(EX_USAGE, "%s: '%s' is not a number", opt, s);
	return v;
}

/* \xNN \\ \, \n \t; returns a malloc'ed buffer */
static unsigned char *unescape(const char *opt, const char *s, size_t *ret_len)
{
	size_t n = strlen(s), o2 = 0;
	unsigned char *b = malloc(n + 1);

	if (!b)
		die(EX_IO, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			b[o2++] = (unsigned char)s[i];
			continue;
		}
		switch (s[++i]) {
		case '\\': b[o2++] = '\\'; break;
		case ',': b[o2++] = ','; break;
		case 'n': b[o2++] = '\n'; break;
		case 't': b[o2++] = '\t'; break;
		case 'x': {
			char h[3] = { s[i + 1], s[i + 1] ? s[i + 2] : 0, 0 };
			char *e;

			if (!h[0] || !h[1])
				die(EX_USAGE, "%s: \\x needs two hex digits", opt);
			b[o2++] = (unsigned char)strtoul(h, &e, 16);
			if (*e)
				die(EX_USAGE, "%s: \\x needs two hex digits", opt);
			i += 2;
			break;
		}
		default:
			die(EX_USAGE, "%s: unknown escape '\\%c'", opt, s[i] ? s[i] : ' ');
		}
	}
	*ret_len = o2;
	return b;
}

/* ---------------------------------------------------------------- image */

static uint64_t wmask(void)
{
	return o.word == 8 ? UINT64_MAX : 0xffffffffu;
}

static void put(uint64_t off, uint64_t v, unsigned width)
{
	if (off + width > img_size)
		die(EX_IO, "internal: write at 0x%" PRIx64 " past the image", off);
	for (unsigned i = 0; i < width; i++) {
		unsigned shift = o.big ? 8 * (width - 1 - i) : 8 * i;

		img[off + i] = (unsigned char)(v >> shift);
	}
}

static uint64_t get(uint64_t off, unsigned width)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < width; i++) {
		unsigned shift = o.big ? 8 * (width - 1 - i) : 8 * i;

		v |= (uint64_t)img[off + i] << shift;
	}
	return v;
}

static void put_long(uint64_t off, uint64_t v)
{
	put(off, v & wmask(), o.word);
}

static uint64_t get_long(uint64_t off)
{
	return get(off, o.word);
}

static uint8_t flags_level(unsigned flags, unsigned level)
{
	/* u8 flags:5, level:3 -- the first bit-field takes the low bits on little-endian ABIs and
	 * the high bits on big-endian ones */
	return o.big ? (uint8_t)(flags << 3 | (level & 7)) : (uint8_t)((flags & 0x1f) | level << 5);
}

static uint64_t vaddr_of(uint64_t off)
{
	return o.vaddr + off;
}

/* symbols live in the first page; with --sym-vaddr they are addressed through the second map */
static uint64_t sym_of(uint64_t off)
{
	return (o.sym_vaddr_set ? o.sym_vaddr : o.vaddr) + off;
}

/* ---------------------------------------------------------------- VMCOREINFO */

static char *vi;
static size_t vi_len, vi_cap;

static void vi_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void vi_add(const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(vi + vi_len, vi_cap - vi_len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < vi_cap - vi_len)
			break;
		vi_cap = vi_cap * 2 + 4096;
		vi = realloc(vi, vi_cap);
		if (!vi)
			die(EX_IO, "out of memory");
	}
	vi_len += (size_t)n;
}

/* Replace (or append) KEY=VALUE; with value NULL, remove the line. */
static void vi_edit(const char *key, const char *value)
{
	size_t klen = strlen(key);
	char *p = vi, *end = vi + vi_len;
	bool done = false;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *eol = nl ? nl + 1 : end;

		if ((size_t)(eol - p) > klen && !memcmp(p, key, klen) && p[klen] == '=') {
			size_t rest = (size_t)(end - eol);
			char *tail = malloc(rest + 1);

			if (!tail)
				die(EX_IO, "out of memory");
			memcpy(tail, eol, rest);
			vi_len = (size_t)(p - vi);
			if (value)
				vi_add("%s=%s\n", key, value);
			if (vi_len + rest >= vi_cap) {
				vi_cap = vi_len + rest + 1;
				vi = realloc(vi, vi_cap);
				if (!vi)
					die(EX_IO, "out of memory");
			}
			memcpy(vi + vi_len, tail, rest);
			vi_len += rest;
			free(tail);
			done = true;
			break;
		}
		p = eol;
	}
	if (!done && value)
		vi_add("%s=%s\n", key, value);
	if (!done && !value)
		die(EX_USAGE, "--drop-key: no VMCOREINFO line '%s'", key);
}

/* ---------------------------------------------------------------- expected output */

/* what vmcore-dmesg prints by default for one record (and Debian's vmcore-dmesg) */
static void expect_record(uint64_t ts, const unsigned char *text, size_t len)
{
	if (!expect_fp)
		return;
	fprintf(expect_fp, "[%5" PRIu64 ".%06" PRIu64 "] ", ts / 1000000000, ts % 1000000000 / 1000);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = text[i];

		if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t' || c == '\v' || c == '\f' ||
		    c == '\r')
			fputc(c, expect_fp);
		else
			fprintf(expect_fp, "\\x%02x", c);
	}
	fputc('\n', expect_fp);
}

/* ---------------------------------------------------------------- lockless */

static struct {
	uint64_t count, size;           /* descriptors, data ring bytes */
	uint64_t prb_ptr, prb;          /* image offsets: the variable prb, the struct */
	uint64_t descs, infos, data;
	uint64_t head_id, tail_id, head_lpos, tail_lpos, next_seq;
	uint64_t desc_size, desc_ring_size, data_ring_size;
	bool has_last_finalized;
} L;

static uint64_t id_mask(void)
{
	return wmask() & ~(3ull << (o.word * 8 - 2));
}

static uint64_t sv(uint64_t id, unsigned st)
{
	return ((uint64_t)st << (o.word * 8 - 2) | id) & wmask();
}

static uint64_t desc_off(uint64_t id)
{
	return L.descs + (id & (L.count - 1)) * L.desc_size;
}

static uint64_t info_off(uint64_t id)
{
	return L.infos + (id & (L.count - 1)) * INFO_SIZE;
}

static uint64_t data_wraps(uint64_t lpos)
{
	return (lpos & wmask()) >> o.size_bits;
}

static uint64_t data_index(uint64_t lpos)
{
	return lpos & (L.size - 1);
}

static bool lpos_before(uint64_t a, uint64_t b)
{
	/* signed difference in the word size */
	uint64_t d = (a - b) & wmask();

	return d >> (o.word * 8 - 1);
}

/* Free data up to lpos: the oldest blocks' descriptors become reusable. */
static void data_push_tail(uint64_t lpos)
{
	while (lpos_before(L.tail_lpos, lpos)) {
		uint64_t id = get_long(L.data + data_index(L.tail_lpos)) & id_mask();
		uint64_t d = desc_off(id), state = get_long(d);

		if ((state & id_mask()) != id || get_long(d + o.word) != L.tail_lpos)
			die(EX_IO, "internal: data block at lpos 0x%" PRIx64 " has no descriptor",
			    L.tail_lpos);
		put_long(d, sv(id, ST_REUSABLE));
		L.tail_lpos = get_long(d + 2 * o.word);
	}
}

static unsigned desc_state(uint64_t d)
{
	return (unsigned)(get_long(d) >> (o.word * 8 - 2));
}

static uint64_t desc_reserve(void)
{
	uint64_t id = (L.head_id + 1) & id_mask();

	if (((id - L.count) & id_mask()) == L.tail_id) {
		/* the ring is full: retire the oldest descriptor and its data */
		uint64_t d = desc_off(L.tail_id);
		unsigned st = desc_state(d);

		if ((get_long(d) & id_mask()) == L.tail_id && st != ST_REUSABLE) {
			uint64_t next = get_long(d + 2 * o.word);

			if (st == ST_RESERVED)
				die(EX_IO, "internal: oldest descriptor is still reserved");
			if (!(next & 1))
				data_push_tail(next);
			put_long(d, sv(L.tail_id, ST_REUSABLE));
		}
		L.tail_id = (L.tail_id + 1) & id_mask();
	}
	L.head_id = id;
	put_long(desc_off(id), sv(id, ST_RESERVED));
	memset(img + info_off(id), 0, INFO_SIZE);
	if ((L.next_seq & (L.count - 1)) != (id & (L.count - 1)))
		die(EX_IO, "internal: seq and id disagree");
	put(info_off(id) + INFO_SEQ, L.next_seq++, 8);
	return id;
}

/* Allocate a data block for len text bytes: lpos pair, and where the text goes (or false). */
static bool data_alloc(uint64_t id, size_t len, uint64_t *begin, uint64_t *next, uint64_t *text_off)
{
	uint64_t size = ((uint64_t)len + o.word + o.word - 1) & ~(uint64_t)(o.word - 1);
	uint64_t b = L.head_lpos, n = (b + size) & wmask();
	bool wrapped;

	if (size > L.size - o.word)
		return false;
	wrapped = o.exact_fit ? data_wraps(b) != data_wraps(n - 1) : data_wraps(b) != data_wraps(n);
	if (wrapped)
		n = ((n & ~(L.size - 1)) + size) & wmask();
	data_push_tail((n - L.size) & wmask());
	L.head_lpos = n;
	put_long(L.data + data_index(b), id);
	if (wrapped)
		put_long(L.data, id);
	*begin = b;
	*next = n;
	*text_off = L.data + (wrapped ? 0 : data_index(b)) + o.word;
	return true;
}

enum rec_kind { REC_TEXT, REC_EMPTY, REC_LOST, REC_RESERVED };

static void lockless_record(enum rec_kind kind, const unsigned char *text, size_t len,
			    unsigned st)
{
	uint64_t id = desc_reserve(), d = desc_off(id), in = info_off(id);
	uint64_t begin = FAILED_LPOS, next = FAILED_LPOS, toff;

	if (kind == REC_EMPTY || (kind == REC_TEXT && !len)) {
		/* the kernel allocates no data block for an empty text */
		begin = next = NO_LPOS;
		len = 0;
	} else if (kind == REC_LOST || !data_alloc(id, len, &begin, &next, &toff)) {
		len = 0;
		kind = REC_LOST;
	} else {
		memcpy(img + toff, text, len);
	}
	put_long(d + o.word, begin);
	put_long(d + 2 * o.word, next);
	put(in + INFO_TS, attr.ts, 8);
	put(in + INFO_TEXT_LEN, len, 2);
	img[in + INFO_FACILITY] = (uint8_t)attr.facility;
	img[in + INFO_FLAGS_LEVEL] = flags_level(LOG_NEWLINE, attr.level);
	put(in + INFO_CALLER, attr.caller, 4);
	if (attr.dict_len) {
		size_t n = attr.dict_len < 16 ? attr.dict_len : 16;

		memcpy(img + in + INFO_DEV, attr.dict, n);      /* subsystem */
	}
	put_long(d, sv(id, kind == REC_RESERVED ? ST_RESERVED : st));
}

static void lockless_setup(void)
{
	uint64_t w = o.word, off;

	if (o.count_bits < 1 || o.count_bits > 24)
		die(EX_USAGE, "--count-bits must be 1..24");
	if (!o.size_bits_set)
		o.size_bits = o.count_bits + 5;
	if (o.size_bits < 4 || o.size_bits > 31)
		die(EX_USAGE, "--size-bits must be 4..31");
	L.count = 1ull << o.count_bits;
	L.size = 1ull << o.size_bits;
	L.desc_size = 3 * w;
	L.has_last_finalized = o.format == F_LOCKLESS;
	L.desc_ring_size = (L.has_last_finalized ? 6 : 5) * w;
	L.data_ring_size = 4 * w;
	L.prb_ptr = 0;
	L.prb = 0x40;
	off = 4096;
	L.descs = off;
	off += L.count * L.desc_size;
	off = (off + 63) & ~63ull;
	L.infos = off;
	off += L.count * INFO_SIZE;
	off = (off + 4095) & ~4095ull;
	L.data = off;
	img_size = off + L.size;
	img_size = (img_size + 4095) & ~4095ull;
	img = calloc(1, img_size);
	if (!img)
		die(EX_IO, "out of memory for a %zu-byte image", img_size);

	/* the initial state of DEFINE_PRINTKRB: head = tail = the last descriptor, reusable */
	L.head_id = L.tail_id = (-(L.count + 1)) & id_mask();
	put_long(desc_off(L.head_id), sv(L.head_id, ST_REUSABLE));
	put_long(desc_off(L.head_id) + w, FAILED_LPOS);
	put_long(desc_off(L.head_id) + 2 * w, FAILED_LPOS);
	put(info_off(0) + INFO_SEQ, -L.count, 8);
	L.head_lpos = L.tail_lpos = (-L.size) & wmask();
}

static void lockless_finish(void)
{
	uint64_t w = o.word, dr = L.prb, tr = L.prb + L.desc_ring_size;

	put_long(L.prb_ptr, sym_of(L.prb));
	put(dr, o.count_bits, 4);
	put_long(dr + w, vaddr_of(L.descs));
	put_long(dr + 2 * w, vaddr_of(L.infos));
	put_long(dr + 3 * w, L.head_id);
	put_long(dr + 4 * w, L.tail_id);
	put(tr, o.size_bits, 4);
	put_long(tr + w, vaddr_of(L.data));
	put_long(tr + 2 * w, L.head_lpos);
	put_long(tr + 3 * w, L.tail_lpos);

	if (o.format == F_LOCKLESS_510) {
		vi_add("SIZE(atomic64_t)=8\nOFFSET(atomic64_t.counter)=0\n");
	}
	vi_add("SYMBOL(prb)=%" PRIx64 "\n", sym_of(L.prb_ptr));
	vi_add("SYMBOL(printk_rb_static)=%" PRIx64 "\n", sym_of(L.prb));
	vi_add("SYMBOL(clear_seq)=%" PRIx64 "\n", sym_of(0x800));
	vi_add("SIZE(printk_ringbuffer)=%" PRIu64 "\n", L.desc_ring_size + L.data_ring_size + w);
	vi_add("OFFSET(printk_ringbuffer.desc_ring)=0\n");
	vi_add("OFFSET(printk_ringbuffer.text_data_ring)=%" PRIu64 "\n", L.desc_ring_size);
	vi_add("OFFSET(printk_ringbuffer.fail)=%" PRIu64 "\n", L.desc_ring_size + L.data_ring_size);
	vi_add("SIZE(prb_desc_ring)=%" PRIu64 "\n", L.desc_ring_size);
	vi_add("OFFSET(prb_desc_ring.count_bits)=0\n");
	vi_add("OFFSET(prb_desc_ring.descs)=%" PRIu64 "\n", w);
	vi_add("OFFSET(prb_desc_ring.infos)=%" PRIu64 "\n", 2 * w);
	vi_add("OFFSET(prb_desc_ring.head_id)=%" PRIu64 "\n", 3 * w);
	vi_add("OFFSET(prb_desc_ring.tail_id)=%" PRIu64 "\n", 4 * w);
	vi_add("SIZE(prb_desc)=%" PRIu64 "\n", L.desc_size);
	vi_add("OFFSET(prb_desc.state_var)=0\n");
	vi_add("OFFSET(prb_desc.text_blk_lpos)=%" PRIu64 "\n", w);
	vi_add("SIZE(prb_data_blk_lpos)=%" PRIu64 "\n", 2 * w);
	vi_add("OFFSET(prb_data_blk_lpos.begin)=0\n");
	vi_add("OFFSET(prb_data_blk_lpos.next)=%" PRIu64 "\n", w);
	vi_add("SIZE(printk_info)=%d\n", INFO_SIZE);
	vi_add("OFFSET(printk_info.seq)=%d\n", INFO_SEQ);
	vi_add("OFFSET(printk_info.ts_nsec)=%d\n", INFO_TS);
	vi_add("OFFSET(printk_info.text_len)=%d\n", INFO_TEXT_LEN);
	vi_add("OFFSET(printk_info.caller_id)=%d\n", INFO_CALLER);
	vi_add("OFFSET(printk_info.dev_info)=%d\n", INFO_DEV);
	vi_add("SIZE(dev_printk_info)=64\nOFFSET(dev_printk_info.subsystem)=0\n"
	       "LENGTH(printk_info_subsystem)=16\nOFFSET(dev_printk_info.device)=16\n"
	       "LENGTH(printk_info_device)=48\n");
	vi_add("SIZE(prb_data_ring)=%" PRIu64 "\n", L.data_ring_size);
	vi_add("OFFSET(prb_data_ring.size_bits)=0\n");
	vi_add("OFFSET(prb_data_ring.data)=%" PRIu64 "\n", w);
	vi_add("OFFSET(prb_data_ring.head_lpos)=%" PRIu64 "\n", 2 * w);
	vi_add("OFFSET(prb_data_ring.tail_lpos)=%" PRIu64 "\n", 3 * w);
	vi_add("SIZE(atomic_long_t)=%" PRIu64 "\nOFFSET(atomic_long_t.counter)=0\n", w);
	if (o.format == F_LOCKLESS)
		vi_add("SIZE(latched_seq)=24\nOFFSET(latched_seq.val)=8\n");
}

/* Records still in the ring, oldest first, as a reader sees them (for --expect). */
static void lockless_expect(void)
{
	uint64_t id = L.tail_id;

	for (;;) {
		uint64_t d = desc_off(id), in = info_off(id);
		unsigned st = desc_state(d);

		if ((get_long(d) & id_mask()) == id && (st == ST_COMMITTED || st == ST_FINALIZED)) {
			uint64_t b = get_long(d + o.word), n = get_long(d + 2 * o.word);
			size_t len = (size_t)get(in + INFO_TEXT_LEN, 2);

			if ((b & 1) && (n & 1)) {
				/* an empty line, or lost text: kexec-tools prints both as empty */
				expect_record(get(in + INFO_TS, 8), NULL, 0);
			} else {
				bool wrapped = o.exact_fit ? data_wraps(b) != data_wraps(n - 1)
							   : data_wraps(b) != data_wraps(n);
				uint64_t t = L.data + (wrapped ? 0 : data_index(b)) + o.word;

				expect_record(get(in + INFO_TS, 8), img + t, len);
			}
		}
		if (id == L.head_id)
			break;
		id = (id + 1) & id_mask();
	}
}

/* --set for the lockless ring: FIELD is prb.X, sym.prb, desc.SEQ.X or info.SEQ.X */
static bool lockless_set(const char *field, uint64_t v)
{
	uint64_t w = o.word, dr = L.prb, tr = L.prb + L.desc_ring_size;
	unsigned long long seq;
	char what[32];
	int n = 0;

	if (!strcmp(field, "sym.prb")) put_long(L.prb_ptr, v);
	else if (!strcmp(field, "prb.count_bits")) put(dr, v, 4);
	else if (!strcmp(field, "prb.descs")) put_long(dr + w, v);
	else if (!strcmp(field, "prb.infos")) put_long(dr + 2 * w, v);
	else if (!strcmp(field, "prb.head_id")) put_long(dr + 3 * w, v);
	else if (!strcmp(field, "prb.tail_id")) put_long(dr + 4 * w, v);
	else if (!strcmp(field, "prb.size_bits")) put(tr, v, 4);
	else if (!strcmp(field, "prb.data")) put_long(tr + w, v);
	else if (!strcmp(field, "prb.head_lpos")) put_long(tr + 2 * w, v);
	else if (!strcmp(field, "prb.tail_lpos")) put_long(tr + 3 * w, v);
	else if (sscanf(field, "desc.%llu.%31s%n", &seq, what, &n) == 2 && !field[n]) {
		uint64_t d = desc_off(seq);

		if (!strcmp(what, "state")) put_long(d, sv(get_long(d) & id_mask(), (unsigned)v & 3));
		else if (!strcmp(what, "id")) put_long(d, sv(v & id_mask(), desc_state(d)));
		else if (!strcmp(what, "state_var")) put_long(d, v);
		else if (!strcmp(what, "begin")) put_long(d + w, v);
		else if (!strcmp(what, "next")) put_long(d + 2 * w, v);
		else return false;
	} else if (sscanf(field, "info.%llu.%31s%n", &seq, what, &n) == 2 && !field[n]) {
		uint64_t in = info_off(seq);

		if (!strcmp(what, "seq")) put(in + INFO_SEQ, v, 8);
		else if (!strcmp(what, "text_len")) put(in + INFO_TEXT_LEN, v, 2);
		else if (!strcmp(what, "ts_nsec")) put(in + INFO_TS, v, 8);
		else if (!strcmp(what, "level")) img[in + INFO_FLAGS_LEVEL] = flags_level(LOG_NEWLINE, (unsigned)v);
		else return false;
	} else {
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------- structured */

static struct {
	uint64_t vars;          /* log_buf pointer, log_buf_len, log_first_idx, log_next_idx */
	uint64_t buf;
	uint64_t hdr;           /* sizeof(struct printk_log) */
	uint64_t first_idx, next_idx, first_seq, next_seq;
	uint64_t *rec_idx;      /* idx of each record by seq, for --set */
	size_t nrec, caprec;
} S;

#define S_LOG_BUF 0
#define S_LOG_BUF_LEN 0x10
#define S_FIRST_IDX 0x14
#define S_NEXT_IDX 0x18
#define S_CLEAR_IDX 0x1c

static uint64_t s_len(uint64_t idx)
{
	return get(S.buf + idx + 8, 2);
}

static uint64_t s_next(uint64_t idx)
{
	if (!s_len(idx))
		return s_len(0);
	return idx + s_len(idx);
}

static bool s_has_space(uint64_t size, bool empty)
{
	uint64_t free;

	if (S.next_idx > S.first_idx || empty)
		free = o.log_buf_len - S.next_idx > S.first_idx ? o.log_buf_len - S.next_idx
								: S.first_idx;
	else
		free = S.first_idx - S.next_idx;
	return free >= size + S.hdr;
}

static void structured_setup(void)
{
	if (o.log_buf_len < 64 || o.log_buf_len > (1ull << 31) || (o.log_buf_len & (o.log_buf_len - 1)))
		die(EX_USAGE, "--log-buf-len must be a power of two, 64..2G");
	if (!o.log_align)
		o.log_align = o.big ? 8 : 4;
	S.hdr = o.caller_field ? 20 : 16;
	S.hdr = (S.hdr + o.log_align - 1) & ~(uint64_t)(o.log_align - 1);
	S.vars = 0;
	S.buf = 4096;
	img_size = (S.buf + o.log_buf_len + 4095) & ~4095ull;
	img = calloc(1, img_size);
	if (!img)
		die(EX_IO, "out of memory");
}

static void structured_record(const unsigned char *text, size_t len)
{
	uint64_t size = S.hdr + len + attr.dict_len, m;

	size += (-size) & (o.log_align - 1);
	if (len > 0xffff || size + S.hdr > o.log_buf_len)
		die(EX_USAGE, "a %zu-byte record does not fit a %" PRIu64 "-byte log_buf", len,
		    o.log_buf_len);
	while (S.first_seq < S.next_seq && !s_has_space(size, false)) {
		S.first_idx = s_next(S.first_idx);
		S.first_seq++;
	}
	if (!s_has_space(size, S.first_seq == S.next_seq))
		die(EX_IO, "internal: no room in log_buf");
	if (S.next_idx + size + S.hdr > o.log_buf_len) {
		memset(img + S.buf + S.next_idx, 0, S.hdr);
		S.next_idx = 0;
	}
	m = S.buf + S.next_idx;
	memset(img + m, 0, size);
	put(m, attr.ts, 8);
	put(m + 8, size, 2);
	put(m + 10, len, 2);
	put(m + 12, attr.dict_len, 2);
	img[m + 14] = (uint8_t)attr.facility;
	img[m + 15] = flags_level(LOG_NEWLINE, attr.level);
	if (o.caller_field)
		put(m + 16, attr.caller, 4);
	memcpy(img + m + S.hdr, text, len);
	if (attr.dict_len)
		memcpy(img + m + S.hdr + len, attr.dict, attr.dict_len);
	if (S.nrec == S.caprec) {
		S.caprec = S.caprec * 2 + 64;
		S.rec_idx = realloc(S.rec_idx, S.caprec * sizeof(*S.rec_idx));
		if (!S.rec_idx)
			die(EX_IO, "out of memory");
	}
	S.rec_idx[S.nrec++] = S.next_idx;
	S.next_idx += size;
	S.next_seq++;
}

static void structured_finish(void)
{
	const char *t = o.format == F_STRUCTURED_35 ? "log" : "printk_log";

	put_long(S.vars + S_LOG_BUF, vaddr_of(S.buf));
	put(S.vars + S_LOG_BUF_LEN, o.log_buf_len, 4);
	put(S.vars + S_FIRST_IDX, S.first_idx, 4);
	put(S.vars + S_NEXT_IDX, S.next_idx, 4);
	put(S.vars + S_CLEAR_IDX, S.first_idx, 4);
	vi_add("SYMBOL(log_buf)=%" PRIx64 "\n", sym_of(S_LOG_BUF));
	vi_add("SYMBOL(log_buf_len)=%" PRIx64 "\n", sym_of(S_LOG_BUF_LEN));
	vi_add("SYMBOL(log_first_idx)=%" PRIx64 "\n", sym_of(S_FIRST_IDX));
	if (o.format == F_STRUCTURED)
		vi_add("SYMBOL(clear_idx)=%" PRIx64 "\n", sym_of(S_CLEAR_IDX));
	vi_add("SYMBOL(log_next_idx)=%" PRIx64 "\n", sym_of(S_NEXT_IDX));
	vi_add("SIZE(%s)=%" PRIu64 "\n", t, S.hdr);
	vi_add("OFFSET(%s.ts_nsec)=0\nOFFSET(%s.len)=8\nOFFSET(%s.text_len)=10\n"
	       "OFFSET(%s.dict_len)=12\n", t, t, t, t);
	if (o.caller_field)
		vi_add("OFFSET(%s.caller_id)=16\n", t);
}

static void structured_expect(void)
{
	uint64_t idx = S.first_idx;

	for (uint64_t seq = S.first_seq; seq < S.next_seq; seq++) {
		if (!s_len(idx)) {
			/* kexec-tools prints the wrap marker as an empty record */
			expect_record(get(S.buf + idx, 8), NULL, 0);
			idx = 0;
		}
		expect_record(get(S.buf + idx, 8), img + S.buf + idx + S.hdr,
			      (size_t)get(S.buf + idx + 10, 2));
		idx += s_len(idx);
	}
}

static bool structured_set(const char *field, uint64_t v)
{
	unsigned long long seq;
	char what[32];
	int n = 0;

	if (!strcmp(field, "log.buf")) put_long(S.vars + S_LOG_BUF, v);
	else if (!strcmp(field, "log.buf_len")) put(S.vars + S_LOG_BUF_LEN, v, 4);
	else if (!strcmp(field, "log.first_idx")) put(S.vars + S_FIRST_IDX, v, 4);
	else if (!strcmp(field, "log.next_idx")) put(S.vars + S_NEXT_IDX, v, 4);
	else if (sscanf(field, "rec.%llu.%31s%n", &seq, what, &n) == 2 && !field[n]) {
		uint64_t m;

		if (seq >= S.nrec)
			die(EX_USAGE, "--set=%s: there is no record %llu", field, seq);
		m = S.buf + S.rec_idx[seq];
		if (!strcmp(what, "len")) put(m + 8, v, 2);
		else if (!strcmp(what, "text_len")) put(m + 10, v, 2);
		else if (!strcmp(what, "dict_len")) put(m + 12, v, 2);
		else if (!strcmp(what, "ts_nsec")) put(m, v, 8);
		else return false;
	} else {
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------- legacy */

#define G_LOG_BUF 0
#define G_LOG_END 0x10
#define G_LOG_BUF_LEN 0x14
#define G_LOGGED_CHARS 0x18

static struct {
	uint64_t buf, end, logged;
} G;

static void legacy_setup(void)
{
	if (o.log_buf_len < 64 || o.log_buf_len > (1ull << 31) || (o.log_buf_len & (o.log_buf_len - 1)))
		die(EX_USAGE, "--log-buf-len must be a power of two, 64..2G");
	G.buf = 4096;
	G.end = o.log_end & 0xffffffffu;
	img_size = (G.buf + o.log_buf_len + 4095) & ~4095ull;
	img = calloc(1, img_size);
	if (!img)
		die(EX_IO, "out of memory");
}

static void legacy_char(unsigned char c)
{
	img[G.buf + (G.end & (o.log_buf_len - 1))] = c;
	G.end = (G.end + 1) & 0xffffffffu;
	if (G.logged < o.log_buf_len)
		G.logged++;
}

static void legacy_record(const unsigned char *text, size_t len)
{
	char prefix[64];
	int n = snprintf(prefix, sizeof(prefix), "<%u>[%5" PRIu64 ".%06" PRIu64 "] ", attr.level,
			 attr.ts / 1000000000, attr.ts % 1000000000 / 1000);

	for (int i = 0; i < n; i++)
		legacy_char((unsigned char)prefix[i]);
	for (size_t i = 0; i < len; i++)
		legacy_char(text[i]);
	if (!len || text[len - 1] != '\n')
		legacy_char('\n');
}

static void legacy_finish(void)
{
	put_long(G_LOG_BUF, vaddr_of(G.buf));
	put(G_LOG_END, G.end, 4);
	put(G_LOG_BUF_LEN, o.log_buf_len, 4);
	put(G_LOGGED_CHARS, G.logged, 4);
	vi_add("SYMBOL(log_buf)=%" PRIx64 "\n", sym_of(G_LOG_BUF));
	vi_add("SYMBOL(log_end)=%" PRIx64 "\n", sym_of(G_LOG_END));
	vi_add("SYMBOL(log_buf_len)=%" PRIx64 "\n", sym_of(G_LOG_BUF_LEN));
	vi_add("SYMBOL(logged_chars)=%" PRIx64 "\n", sym_of(G_LOGGED_CHARS));
}

/* the characters still in the buffer, oldest first */
static void legacy_expect(void)
{
	uint64_t n = G.logged;

	if (!expect_fp)
		return;
	for (uint64_t i = 0; i < n; i++)
		fputc(img[G.buf + ((G.end - n + i) & (o.log_buf_len - 1))], expect_fp);
}

static bool legacy_set(const char *field, uint64_t v)
{
	if (!strcmp(field, "log.buf")) put_long(G_LOG_BUF, v);
	else if (!strcmp(field, "log.end")) put(G_LOG_END, v, 4);
	else if (!strcmp(field, "log.buf_len")) put(G_LOG_BUF_LEN, v, 4);
	else if (!strcmp(field, "log.logged_chars")) put(G_LOGGED_CHARS, v, 4);
	else return false;
	return true;
}

/* ---------------------------------------------------------------- command line */

static void usage(void)
{
	fputs("Usage:\n"
	      " " PROG " [options] IMAGE VMCOREINFO\n"
	      "\n"
	      "Write a kernel memory image holding a printk log of the records given, and the\n"
	      "VMCOREINFO text that describes it.  Prints the mkvmcore options that map IMAGE:\n"
	      "  mkvmcore --vmcoreinfo-file=VMCOREINFO $(" PROG " ... IMAGE VMCOREINFO) OUT\n"
	      "\n"
	      "Layout:\n"
	      "     --format=F            lockless (default), lockless-5.10, structured,\n"
	      "                             structured-3.5, legacy\n"
	      "     --class=64|32         the kernel's word size (default 64)\n"
	      "     --endian=little|big   byte order (default little)\n"
	      "     --paddr=ADDR          physical address of IMAGE (default 0x1000000)\n"
	      "     --vaddr=ADDR          its virtual address (default 0xffff888000000000 +\n"
	      "                             PADDR; 32-bit: 0xc0000000 + PADDR)\n"
	      "     --sym-vaddr=ADDR      address the symbols (first page) here, mapped by a\n"
	      "                             second PT_LOAD (a kernel text mapping)\n"
	      "     --count-bits=N        lockless: 2^N descriptors (default 5)\n"
	      "     --size-bits=N         lockless: 2^N bytes of text (default count-bits + 5)\n"
	      "     --exact-fit           lockless: a block ending at the ring's end does not wrap\n"
	      "     --log-buf-len=N       structured, legacy: log_buf size (default 4096)\n"
	      "     --log-align=4|8       structured: record alignment (default 4; big-endian 8)\n"
	      "     --caller-id           structured: records have caller_id (5.1+)\n"
	      "     --log-end=N           legacy: initial value of log_end (default 0)\n"
	      "     --osrelease=S         OSRELEASE (default by format)\n"
	      "\n"
	      "Records, in order (attributes apply to the records after them):\n"
	      "     --rec=TEXT            one record\n"
	      "     --gen=COUNT,LEN       COUNT records of LEN bytes (\"record N ...\")\n"
	      "     --empty               an empty line (lockless: no data block)\n"
	      "     --lost                a record whose text was lost (lockless)\n"
	      "     --reserve=TEXT        a record still being written (lockless: reserved)\n"
	      "     --open=TEXT           a record committed but not finalized (lockless)\n"
	      "     --level=N --facility=N --caller=T<pid>|C<cpu> --ts=NSEC --ts-step=NSEC\n"
	      "     --dict=TEXT           dictionary (structured) / dev_info subsystem (lockless)\n"
	      "\n"
	      "Hostile variants (after the log is written):\n"
	      "     --set=FIELD=VALUE     lockless: sym.prb, prb.{count_bits,descs,infos,head_id,\n"
	      "                             tail_id,size_bits,data,head_lpos,tail_lpos},\n"
	      "                             desc.SEQ.{state,id,state_var,begin,next},\n"
	      "                             info.SEQ.{seq,text_len,ts_nsec,level};\n"
	      "                           structured: log.{buf,buf_len,first_idx,next_idx},\n"
	      "                             rec.SEQ.{len,text_len,dict_len,ts_nsec};\n"
	      "                           legacy: log.{buf,end,buf_len,logged_chars}\n"
	      "     --key=KEY=VALUE       add or replace a VMCOREINFO line\n"
	      "     --drop-key=KEY        remove a VMCOREINFO line\n"
	      "\n"
	      "Output:\n"
	      "     --expect=FILE         the records still in the log, as vmcore-dmesg prints them\n"
	      " -h, --help                display this help\n"
	      "\n"
	      "TEXT takes the escapes \\xNN \\\\ \\, \\n \\t.  Numbers are decimal or 0x hex.\n", stdout);
}

enum {
	O_FORMAT = 256, O_CLASS, O_ENDIAN, O_PADDR, O_VADDR, O_SYM_VADDR, O_COUNT_BITS, O_SIZE_BITS,
	O_EXACT_FIT, O_LOG_BUF_LEN, O_LOG_ALIGN, O_CALLER_ID, O_LOG_END, O_OSRELEASE, O_REC, O_GEN,
	O_EMPTY, O_LOST, O_RESERVE, O_OPEN, O_LEVEL, O_FACILITY, O_CALLER, O_TS, O_TS_STEP, O_DICT,
	O_SET, O_KEY, O_DROP_KEY, O_EXPECT,
};

static const struct option longopts[] = {
	{ "format", required_argument, NULL, O_FORMAT },
	{ "class", required_argument, NULL, O_CLASS },
	{ "endian", required_argument, NULL, O_ENDIAN },
	{ "paddr", required_argument, NULL, O_PADDR },
	{ "vaddr", required_argument, NULL, O_VADDR },
	{ "sym-vaddr", required_argument, NULL, O_SYM_VADDR },
	{ "count-bits", required_argument, NULL, O_COUNT_BITS },
	{ "size-bits", required_argument, NULL, O_SIZE_BITS },
	{ "exact-fit", no_argument, NULL, O_EXACT_FIT },
	{ "log-buf-len", required_argument, NULL, O_LOG_BUF_LEN },
	{ "log-align", required_argument, NULL, O_LOG_ALIGN },
	{ "caller-id", no_argument, NULL, O_CALLER_ID },
	{ "log-end", required_argument, NULL, O_LOG_END },
	{ "osrelease", required_argument, NULL, O_OSRELEASE },
	{ "rec", required_argument, NULL, O_REC },
	{ "gen", required_argument, NULL, O_GEN },
	{ "empty", no_argument, NULL, O_EMPTY },
	{ "lost", no_argument, NULL, O_LOST },
	{ "reserve", required_argument, NULL, O_RESERVE },
	{ "open", required_argument, NULL, O_OPEN },
	{ "level", required_argument, NULL, O_LEVEL },
	{ "facility", required_argument, NULL, O_FACILITY },
	{ "caller", required_argument, NULL, O_CALLER },
	{ "ts", required_argument, NULL, O_TS },
	{ "ts-step", required_argument, NULL, O_TS_STEP },
	{ "dict", required_argument, NULL, O_DICT },
	{ "set", required_argument, NULL, O_SET },
	{ "key", required_argument, NULL, O_KEY },
	{ "drop-key", required_argument, NULL, O_DROP_KEY },
	{ "expect", required_argument, NULL, O_EXPECT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static bool is_lockless(void)
{
	return o.format == F_LOCKLESS || o.format == F_LOCKLESS_510;
}

static void add_record(enum rec_kind kind, const unsigned char *text, size_t len, unsigned st)
{
	if (is_lockless())
		lockless_record(kind, text, len, st);
	else if (kind == REC_LOST || kind == REC_RESERVED)
		die(EX_USAGE, "--lost, --reserve and --open are for the lockless ring buffer");
	else if (o.format == F_LEGACY)
		legacy_record(text, len);
	else
		structured_record(text, len);
	attr.ts += attr.ts_step;
}

/* deterministic text for --gen: "record N " then letters, LEN bytes */
static void gen_records(const char *arg)
{
	char *comma;
	uint64_t count, len;
	unsigned char *buf;

	comma = strchr(arg, ',');
	if (!comma)
		die(EX_USAGE, "--gen=COUNT,LEN");
	*comma = '\0';
	count = num("--gen", arg);
	len = num("--gen", comma + 1);
	*comma = ',';
	if (len > 0xffff)
		die(EX_USAGE, "--gen: LEN is at most 65535");
	buf = malloc(len + 32);
	if (!buf)
		die(EX_IO, "out of memory");
	for (uint64_t i = 0; i < count; i++) {
		int n = snprintf((char *)buf, 32, "record %" PRIu64 " ", i);

		for (uint64_t k = (uint64_t)n; k < len; k++)
			buf[k] = (unsigned char)('a' + (i * 7 + k) % 26);
		add_record(REC_TEXT, buf, len, ST_FINALIZED);
	}
	free(buf);
}

static void parse_layout(int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_FORMAT: {
			size_t i;

			for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
				if (!strcmp(optarg, format_names[i]))
					break;
			if (i == sizeof(format_names) / sizeof(format_names[0]))
				die(EX_USAGE, "unknown --format '%s'", optarg);
			o.format = (enum format)i;
			break;
		}
		case O_CLASS:
			if (strcmp(optarg, "64") && strcmp(optarg, "32"))
				die(EX_USAGE, "--class is 64 or 32");
			o.word = optarg[0] == '6' ? 8 : 4;
			break;
		case O_ENDIAN:
			if (strcmp(optarg, "little") && strcmp(optarg, "big"))
				die(EX_USAGE, "--endian is little or big");
			o.big = optarg[0] == 'b';
			break;
		case O_PADDR: o.paddr = num("--paddr", optarg); break;
		case O_VADDR: o.vaddr = num("--vaddr", optarg); o.vaddr_set = true; break;
		case O_SYM_VADDR: o.sym_vaddr = num("--sym-vaddr", optarg); o.sym_vaddr_set = true; break;
		case O_COUNT_BITS: o.count_bits = (unsigned)num("--count-bits", optarg); break;
		case O_SIZE_BITS: o.size_bits = (unsigned)num("--size-bits", optarg); o.size_bits_set = true; break;
		case O_EXACT_FIT: o.exact_fit = true; break;
		case O_LOG_BUF_LEN: o.log_buf_len = num("--log-buf-len", optarg); break;
		case O_LOG_ALIGN:
			o.log_align = (unsigned)num("--log-align", optarg);
			if (o.log_align != 4 && o.log_align != 8)
				die(EX_USAGE, "--log-align is 4 or 8");
			break;
		case O_CALLER_ID: o.caller_field = true; break;
		case O_LOG_END: o.log_end = num("--log-end", optarg); break;
		case O_OSRELEASE: o.osrelease = optarg; break;
		case O_EXPECT: o.expect = optarg; break;
		case 'h': usage(); exit(0);
		case '?': die(EX_USAGE, "bad option");
		default: break;
		}
	}
	if (argc - optind != 2)
		die(EX_USAGE, "IMAGE and VMCOREINFO are needed");
	if (!o.vaddr_set)
		o.vaddr = o.word == 8 ? 0xffff888000000000ull + o.paddr : 0xc0000000ull + o.paddr;
	if (o.word == 4 && (o.vaddr > 0xffffffffu || (o.sym_vaddr_set && o.sym_vaddr > 0xffffffffu)))
		die(EX_USAGE, "a 32-bit address is needed with --class=32");
}

static void parse_records(int argc, char **argv)
{
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		unsigned char *t;
		size_t len;

		switch (c) {
		case O_REC:
		case O_RESERVE:
		case O_OPEN:
			t = unescape("--rec", optarg, &len);
			if (len > 0xffff)
				die(EX_USAGE, "a record holds at most 65535 bytes");
			add_record(c == O_RESERVE ? REC_RESERVED : REC_TEXT, t, len,
				   c == O_OPEN ? ST_COMMITTED : ST_FINALIZED);
			free(t);
			break;
		case O_GEN: gen_records(optarg); break;
		case O_EMPTY: add_record(REC_EMPTY, NULL, 0, ST_FINALIZED); break;
		case O_LOST: add_record(REC_LOST, NULL, 0, ST_FINALIZED); break;
		case O_LEVEL: attr.level = (unsigned)num("--level", optarg) & 7; break;
		case O_FACILITY: attr.facility = (unsigned)num("--facility", optarg) & 0xff; break;
		case O_CALLER:
			if (optarg[0] != 'T' && optarg[0] != 'C')
				die(EX_USAGE, "--caller is T<pid> or C<cpu>");
			attr.caller = (uint32_t)num("--caller", optarg + 1) & 0x7fffffff;
			if (optarg[0] == 'C')
				attr.caller |= 0x80000000u;
			break;
		case O_TS: attr.ts = num("--ts", optarg); break;
		case O_TS_STEP: attr.ts_step = num("--ts-step", optarg); break;
		case O_DICT:
			free(attr.dict);
			attr.dict = unescape("--dict", optarg, &attr.dict_len);
			break;
		default: break;
		}
	}
}

static void parse_edits(int argc, char **argv)
{
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		char *eq;
		bool ok;

		if (c != O_SET && c != O_KEY && c != O_DROP_KEY)
			continue;
		if (c == O_DROP_KEY) {
			vi_edit(optarg, NULL);
			continue;
		}
		eq = strchr(optarg, '=');
		if (c == O_KEY) {
			/* KEY=VALUE where KEY may hold no '=' */
			if (!eq)
				die(EX_USAGE, "--key=KEY=VALUE");
			*eq = '\0';
			vi_edit(optarg, eq + 1);
			*eq = '=';
			continue;
		}
		if (!eq)
			die(EX_USAGE, "--set=FIELD=VALUE");
		*eq = '\0';
		if (is_lockless())
			ok = lockless_set(optarg, num("--set", eq + 1));
		else if (o.format == F_LEGACY)
			ok = legacy_set(optarg, num("--set", eq + 1));
		else
			ok = structured_set(optarg, num("--set", eq + 1));
		if (!ok)
			die(EX_USAGE, "--set: unknown field '%s' for --format=%s", optarg,
			    format_names[o.format]);
		*eq = '=';
	}
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		die(EX_IO, "%s: %s", path, strerror(errno));
}

int main(int argc, char **argv)
{
	const char *image, *vipath;
	static const char *const rel[] = {
		[F_LOCKLESS] = "6.12.0-kx", [F_LOCKLESS_510] = "5.10.0-kx",
		[F_STRUCTURED] = "5.4.0-kx", [F_STRUCTURED_35] = "3.10.0-kx", [F_LEGACY] = "2.6.32-kx",
	};

	parse_layout(argc, argv);
	image = argv[optind];
	vipath = argv[optind + 1];
	if (o.expect) {
		expect_fp = fopen(o.expect, "w");
		if (!expect_fp)
			die(EX_IO, "%s: %s", o.expect, strerror(errno));
	}
	vi_add("OSRELEASE=%s\nPAGESIZE=4096\n", o.osrelease ? o.osrelease : rel[o.format]);
	if (is_lockless())
		lockless_setup();
	else if (o.format == F_LEGACY)
		legacy_setup();
	else
		structured_setup();

	parse_records(argc, argv);

	if (is_lockless()) {
		lockless_finish();
		lockless_expect();
	} else if (o.format == F_LEGACY) {
		legacy_finish();
		legacy_expect();
	} else {
		structured_finish();
		structured_expect();
	}
	vi_add("CRASHTIME=1700000000\n");
	parse_edits(argc, argv);

	if (expect_fp && fclose(expect_fp) != 0)
		die(EX_IO, "%s: %s", o.expect, strerror(errno));
	write_file(image, img, img_size);
	write_file(vipath, vi, vi_len);
	printf("--load=0x%" PRIx64 ",%zu,0x%" PRIx64 ",file=%s", o.paddr, img_size, o.vaddr, image);
	if (o.sym_vaddr_set)
		printf(" --load=0x%" PRIx64 ",4096,0x%" PRIx64 ",file=%s", o.paddr, o.sym_vaddr, image);
	printf("\n");
	free(img);
	free(vi);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_PRINTK_H
#define KX_PRINTK_H
/*
 * The kernel log (printk buffer) of a crashed kernel, found through VMCOREINFO alone:
 *  - lockless ring buffer (5.10+): SYMBOL(prb) and the SIZE/OFFSET keys of printk_ringbuffer,
 *    prb_desc_ring, prb_desc, prb_data_blk_lpos, printk_info, prb_data_ring, atomic_long_t;
 *  - structured log (3.5-5.9): SYMBOL(log_buf, log_buf_len, log_first_idx, log_next_idx) and
 *    struct printk_log (3.11+) or struct log (3.5-3.10);
 *  - legacy byte buffer: SYMBOL(log_buf, log_end, log_buf_len, logged_chars).
 * Kernel memory is read through a callback, so the walkers run as well on an in-memory image as
 * on a vmcore.  A walk reads one record at a time; the only buffer is one record's text (at most
 * 64 KiB).  Every value read is checked before use: ids and positions against the ring, lengths
 * against their block, and the walk is bounded by the size of the buffer, so hostile input ends
 * in an error naming the key or the address, never in a loop.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum kx_printk_format {
	KX_PRINTK_LOCKLESS = 1,
	KX_PRINTK_STRUCTURED,
	KX_PRINTK_LEGACY,
};

/* "lockless", "structured", "legacy" */
const char *kx_printk_format_name(enum kx_printk_format f);

/* Where things are, from VMCOREINFO (offsets in bytes). */
struct kx_printk_layout {
	enum kx_printk_format format;
	unsigned word;                  /* sizeof(long) of the crashed kernel: 4 or 8 */
	bool big_endian;
	bool has_level;                 /* facility and level can be found (see printk.c) */
	bool has_caller;

	/* lockless */
	uint64_t prb;                   /* SYMBOL(prb): the pointer variable */
	uint64_t desc_ring, text_data_ring;                     /* in printk_ringbuffer */
	uint64_t count_bits, descs, infos, head_id, tail_id;    /* in prb_desc_ring */
	uint64_t desc_size, state_var, text_blk_lpos;          /* prb_desc */
	uint64_t lpos_begin, lpos_next;                         /* prb_data_blk_lpos */
	uint64_t info_size, info_seq, info_ts_nsec, info_text_len, info_caller_id;
	uint64_t size_bits, data, head_lpos, tail_lpos;         /* in prb_data_ring */
	uint64_t counter;               /* atomic_long_t.counter */

	/* structured and legacy */
	uint64_t log_buf, log_buf_len;  /* SYMBOL()s */
	uint64_t log_first_idx, log_next_idx;
	uint64_t log_end, logged_chars;
	uint64_t log_size, log_ts_nsec, log_len, log_text_len, log_dict_len, log_caller_id;
	const char *log_struct;         /* "printk_log" or "log" */
};

/*
 * Find the format and the layout in the VMCOREINFO text.  word and big_endian describe the
 * crashed kernel.  -EBADMSG with err naming the missing or bad key.
 */
int kx_printk_layout_parse(const char *vmcoreinfo, size_t len, unsigned word, bool big_endian,
			   struct kx_printk_layout *ret, struct kx_err *err);

/*
 * Kernel memory: read() gives len bytes at virtual address addr (what names them for messages);
 * offset(), when set, the file offset of addr, so that messages can point into the file.
 */
struct kx_printk_mem {
	int (*read)(void *ctx, uint64_t addr, void *buf, size_t len, const char *what,
		    struct kx_err *err);
	int (*offset)(void *ctx, uint64_t addr, uint64_t *ret);
	void *ctx;
};

#define KX_PRINTK_TEXT_MAX 65536        /* text_len is 16 bits; legacy lines are cut here */

struct kx_printk_record {
	uint64_t seq;           /* lockless: the kernel's; structured and legacy: from 0 */
	uint64_t ts_nsec;
	bool has_ts;            /* legacy: parsed from a "[%5lu.%06lu]" prefix */
	int level, facility;    /* -1 when unknown */
	bool has_caller;
	uint32_t caller_id;     /* bit 31: CPU number, else thread id */
	bool lost;              /* lockless: the text was lost (no data block); text is empty */
	bool wrap_marker;       /* structured: the empty header that marks the wrap to offset 0 */
	bool raw;               /* legacy: text is a line of the byte stream, newline included */
	uint64_t addr;          /* kernel address of the descriptor, header or line */
	const unsigned char *text;      /* valid until the next call */
	size_t text_len;
	/* the message alone: a legacy line without its "<N>[time] " prefix and newline; else text */
	const unsigned char *body;
	size_t body_len;
};

struct kx_printk_iter {
	struct kx_printk_layout lay;
	struct kx_printk_mem mem;
	unsigned char *buf;     /* KX_PRINTK_TEXT_MAX bytes */
	bool done;
	uint64_t seq;           /* next relative sequence number (structured, legacy) */
	uint64_t errors;        /* malformed records met so far */

	/* lockless */
	uint64_t id, head_id, tail_id, id_mask, count;
	uint64_t descs_addr, infos_addr, data_addr, data_size, head_lpos, tail_lpos, lmask;

	/* structured */
	uint64_t buf_addr, buf_len, idx, first_idx, next_idx;
	bool wrapped;

	/* legacy: the stream is [pos, end) of log_end-relative positions */
	uint64_t pos, end;
	size_t have, used;      /* bytes in buf, bytes of buf already returned */
};

/*
 * Read the ring's header and check it.  -EBADMSG (err says which key or value is wrong), or the
 * memory reader's error.  kx_printk_iter_free() afterwards in any case.
 */
int kx_printk_iter_init(struct kx_printk_iter *it, const struct kx_printk_layout *lay,
			const struct kx_printk_mem *mem, struct kx_err *err);
void kx_printk_iter_free(struct kx_printk_iter *it);

/*
 * 1 and the next record, oldest first; 0 at the end; <0 for a record or structure that is
 * malformed or unreadable (err describes the first problem).  After an error in one record the
 * walk goes on with the next (it->done stays false); an error that breaks the walk itself sets
 * it->done.  Descriptors that hold no record (reserved, reusable, or of another id) are skipped.
 */
int kx_printk_iter_next(struct kx_printk_iter *it, struct kx_printk_record *ret, struct kx_err *err);

/* "T123" or "C1" (the kernel's notation for caller_id) into buf (>= 12 bytes). */
char *kx_printk_caller(uint32_t caller_id, char *buf, size_t size);

#endif

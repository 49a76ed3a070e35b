// SPDX-License-Identifier: GPL-2.0-or-later
/* vmcore-dd --extract and --dump: device-dump data out to files or standard output. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "dd.h"
#include "fileout.h"
#include "notes.h"
#include "strutil.h"
#include "units.h"

/*
 * File names handed out in this run, to de-duplicate: a hash set (open addressing, FNV-1a),
 * and with each plain name the next ".K" to try for it, so that n dumps of one name cost O(n)
 * and not O(n^2) probes.
 */
struct name_slot {
	char *name;             /* NULL: free */
	unsigned next;          /* for a plain name: the next suffix number to try */
};

struct names {
	struct name_slot *t;
	size_t n, cap;          /* cap: a power of two, at most half full */
};

static size_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3u;
	return (size_t)h;
}

static struct name_slot *names_slot(const struct names *s, const char *name)
{
	size_t i = name_hash(name) & (s->cap - 1);

	while (s->t[i].name && strcmp(s->t[i].name, name))
		i = (i + 1) & (s->cap - 1);
	return &s->t[i];
}

static bool names_has(const struct names *s, const char *name)
{
	return s->cap && names_slot(s, name)->name;
}

static int names_add(struct names *s, const char *name)
{
	struct name_slot *slot;

	if (2 * (s->n + 1) > s->cap) {
		struct names g = { .cap = s->cap ? 2 * s->cap : 64 };

		g.t = calloc(g.cap, sizeof(*g.t));
		if (!g.t)
			return -ENOMEM;
		for (size_t i = 0; i < s->cap; i++)
			if (s->t[i].name)
				*names_slot(&g, s->t[i].name) = s->t[i];
		g.n = s->n;
		free(s->t);
		*s = g;
	}
	slot = names_slot(s, name);
	if (slot->name)
		return 0;
	slot->name = strdup(name);
	if (!slot->name)
		return -ENOMEM;
	s->n++;
	return 0;
}

static void names_free(struct names *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->t[i].name);
	free(s->t);
}

/* The sanitised name, with ".1", ".2", … when an earlier dump of this run took it. */
static void unique_name(struct names *used, const struct kx_vmcoredd *dd, size_t index,
			const char *suffix, char *buf, size_t size)
{
	char base[NAME_MAX + 1 - 24];
	struct name_slot *plain;
	unsigned k;

	kx_safe_filename(dd->name, dd->name_len, (unsigned)index, base, sizeof(base));
	snprintf(buf, size, "%s%s", base, suffix);
	if (!names_has(used, buf))
		return;
	plain = names_slot(used, buf);
	for (k = plain->next ? plain->next : 1;; k++) {
		snprintf(buf, size, "%s.%u%s", base, k, suffix);
		if (!names_has(used, buf))
			break;
	}
	plain->next = k + 1;
}

static int open_extract_dir(const char *dir, struct kx_err *err)
{
	return kx_open_dir_safe(dir, true, err);
}

/* Write len bytes at off into dirfd/name atomically (one file: --dump --to). */
static int write_one(struct kx_vmcore *v, int dirfd, const char *name, uint64_t off, uint64_t len,
		     bool force, struct kx_err *err)
{
	struct kx_atomic a;
	int r;

	r = kx_atomic_open(dirfd, name, force, &a, err);
	if (r < 0)
		return r;
	r = kx_copy_range(kx_vmcore_fd(v), off, len, a.fd, err);
	if (r == 0)
		r = kx_atomic_commit(&a, force, true, err);
	kx_atomic_abort(&a);
	return r;
}

/*
 * --extract copies dumps into temporary files in batches: each copy starts its own writeback and
 * closes; at the end of a batch one syncfs makes them all durable and they are renamed into place
 * in order.  So the disk writes while the next dump is copied, and still no file appears under its
 * name before its data is on disk.  The directory is synced after each batch.
 */
#define EXTRACT_BATCH 64

struct pending {
	struct kx_atomic a;
	size_t index;
	struct kx_vmcoredd dd;
	uint64_t len;
	bool partial;
};

struct extract {
	struct kx_vmcore *v;
	const struct dd_opts *o;
	int dirfd;
	struct kx_json *json;
	struct pending batch[EXTRACT_BATCH];
	size_t count;           /* files copied, not yet committed */
	size_t written;
	int first;              /* first error */
	bool first_reported;    /* ... already printed with its dump (report_failure) */
	size_t failed;          /* dumps not extracted */
	struct kx_err *err;
};

static void report_failure(struct extract *x, size_t index, const struct kx_vmcoredd *dd,
			   const char *fname, const struct kx_err *e)
{
	char text[640], name[4 * KX_VMCOREDD_NAME_BYTES + 1];

	if (x->json) {
		kx_json_object_begin(x->json, NULL);
		kx_json_u64(x->json, "index", index);
		kx_json_bytes(x->json, "name", dd->name, dd->name_len);
		kx_json_string(x->json, "file", fname);
		kx_json_string(x->json, "error", e->msg[0] ? e->msg : strerror(-e->code));
		kx_json_object_end(x->json);
	} else {
		kx_error("dump %zu \"%s\": %s", index,
			kx_escape(dd->name, dd->name_len, name, sizeof(name)),
			kx_err_text(e, text, sizeof(text)));
	}
	x->failed++;
	if (!x->first) {
		*x->err = *e;
		x->first = e->code;
		x->first_reported = true;
	}
}

static void report_written(struct extract *x, const struct pending *p)
{
	char shown[4 * KX_VMCOREDD_NAME_BYTES + 1];

	x->written++;
	if (x->json) {
		kx_json_object_begin(x->json, NULL);
		kx_json_u64(x->json, "index", p->index);
		kx_json_bytes(x->json, "name", p->dd.name, p->dd.name_len);
		kx_json_string(x->json, "file", p->a.name);
		kx_json_u64(x->json, "size", p->len);
		kx_json_u64(x->json, "offset", p->dd.data_offset);
		kx_json_bool(x->json, "partial", p->partial);
		kx_json_object_end(x->json);
	} else {
		kx_escape(p->dd.name, p->dd.name_len, shown, sizeof(shown));
		printf("%zu %s -> %s/%s (%" PRIu64 " bytes%s)\n", p->index, shown,
		       x->o->extract_dir, p->a.name, p->len, p->partial ? ", truncated" : "");
	}
}

/* Make the batch durable, rename each file into place in order, sync the directory. */
static void commit_batch(struct extract *x)
{
	struct kx_err e;
	bool synced;

	if (!x->count)
		return;
	kx_err_clear(&e);
	synced = kx_sync_fs(x->dirfd, &e) == 0;
	for (size_t i = 0; i < x->count; i++) {
		struct pending *p = &x->batch[i];

		if (!synced) {
			kx_atomic_abort(&p->a);
			report_failure(x, p->index, &p->dd, p->a.name, &e);
			continue;
		}
		kx_err_clear(&e);
		if (kx_atomic_commit(&p->a, x->o->force, false, &e) < 0)
			report_failure(x, p->index, &p->dd, p->a.name, &e);
		else
			report_written(x, p);
		kx_atomic_abort(&p->a);
	}
	x->count = 0;
	kx_err_clear(&e);
	if (synced && kx_sync_dir(x->dirfd, &e) < 0 && !x->first) {
		*x->err = e;
		x->first = e.code;
	}
}

/* Copy one dump into a temporary file and add it to the batch. */
static void extract_one(struct extract *x, size_t index, const struct kx_vmcoredd *dd,
			const char *fname, uint64_t len, bool partial)
{
	struct pending *p;
	struct kx_err e;

	if (x->count == EXTRACT_BATCH)
		commit_batch(x);
	p = &x->batch[x->count];
	*p = (struct pending){ .a = { .fd = -1 }, .index = index, .dd = *dd, .len = len,
			       .partial = partial };
	kx_err_clear(&e);
	if (kx_atomic_open(x->dirfd, fname, x->o->force, &p->a, &e) < 0 ||
	    kx_copy_range(kx_vmcore_fd(x->v), dd->data_offset, len, p->a.fd, &e) < 0 ||
	    kx_atomic_close_batched(&p->a, &e) < 0) {
		kx_atomic_abort(&p->a);
		commit_batch(x);        /* what came before is reported first */
		report_failure(x, index, dd, fname, &e);
		return;
	}
	x->count++;
}

int dd_extract(struct kx_vmcore *v, const struct dd_opts *o, struct kx_err *err)
{
	const uint64_t file_size = kx_vmcore_info(v)->file_size;
	struct extract x = { .v = v, .o = o, .err = err };
	struct names used = { 0 };
	struct kx_note_iter it;
	struct kx_json j;
	struct kx_note n;
	size_t count = 0;
	int dirfd, r;

	dirfd = open_extract_dir(o->extract_dir, err);
	if (dirfd < 0) {
		if (o->out_mode == KX_OUT_JSON)
			kx_out_json_error(stdout, o->vmcore, err);
		return dirfd;
	}
	x.dirfd = dirfd;
	if (o->out_mode == KX_OUT_JSON) {
		x.json = &j;
		kx_json_init(&j, stdout);
		kx_json_object_begin(&j, NULL);
		kx_json_string(&j, "vmcore", o->vmcore);
		kx_json_string(&j, "directory", o->extract_dir);
		kx_json_array_begin(&j, "extracted");
	}
	kx_note_iter_init(&it, v);
	for (;;) {
		struct kx_vmcoredd dd;
		struct kx_err e;
		char fname[NAME_MAX + 1];
		uint64_t len;
		size_t index;

		kx_err_clear(&e);
		r = kx_note_iter_next(&it, &n, &e);
		if (r == 0)
			break;
		if (r == 1 && kx_note_is_vmcoredd(&n))
			r = kx_note_vmcoredd(v, &n, &dd, &e);
		else if (r == 1)
			continue;
		if (r < 0) {
			if (!x.first) {
				*err = e;
				x.first = r;
			}
			continue;
		}
		index = count++;
		len = dd.data_size;
		if (n.truncated) {
			/* keep what the file still holds, under a name that says it is partial */
			len = dd.data_offset < file_size ? file_size - dd.data_offset : 0;
			unique_name(&used, &dd, index, ".partial", fname, sizeof(fname));
		} else {
			unique_name(&used, &dd, index, "", fname, sizeof(fname));
		}
		if (names_add(&used, fname) < 0) {
			kx_err_set(&e, -ENOMEM, "out of memory");
			report_failure(&x, index, &dd, fname, &e);
			break;
		}
		extract_one(&x, index, &dd, fname, len, n.truncated);
	}
	commit_batch(&x);
	if (x.json) {
		kx_json_array_end(&j);
		if (x.first)
			kx_out_json_error_member(&j, err);
		kx_json_object_end(&j);
	} else if (count == 0 && !x.first) {
		printf("no device dumps in %s\n", o->vmcore);
	}
	if (x.first && x.first_reported && !x.json) {
		/* each failure was printed with its dump: the last word is the count, not the
		 * first failure once more */
		kx_err_clear(err);
		kx_err_set(err, x.first, "%zu of %zu device dump%s not extracted (see above)",
			   x.failed, count, count == 1 ? " was" : "s were");
	}
	names_free(&used);
	close(dirfd);
	return x.first;
}

/* --dump=NAME|INDEX: an all-digit selector is an index, anything else a name. */
static int find_dump(struct kx_vmcore *v, const char *sel, struct kx_vmcoredd *ret,
		     struct kx_note *ret_note, struct kx_err *err)
{
	struct kx_note_iter it;
	struct kx_note n;
	uint64_t want = 0;
	size_t count = 0, matches = 0, first_index = 0, second_index = 0;
	bool by_index = sel[0] >= '0' && sel[0] <= '9' && strspn(sel, "0123456789") == strlen(sel);
	int r;

	if (by_index && kx_parse_u64(sel, &want) < 0)
		return kx_err_set(err, -ESRCH, "no device dump with index %s", sel);
	kx_note_iter_init(&it, v);
	while ((r = kx_note_iter_next(&it, &n, err)) != 0) {
		struct kx_vmcoredd dd;
		bool match;

		if (r < 0 && matches == 1) {
			kx_err_clear(err);      /* the match stands; what follows it is unreadable */
			break;
		}
		if (r < 0)
			return r;
		if (!kx_note_is_vmcoredd(&n))
			continue;
		r = kx_note_vmcoredd(v, &n, &dd, err);
		if (r < 0)
			return r;
		match = by_index ? count == want
				 : dd.name_len == strlen(sel) && !memcmp(dd.name, sel, dd.name_len);
		if (match) {
			if (matches == 0) {
				*ret = dd;
				*ret_note = n;
				first_index = count;
			} else if (matches == 1) {
				second_index = count;
			}
			matches++;
			if (by_index)
				break;
		}
		count++;
	}
	if (matches == 0)
		return kx_err_set(err, -ESRCH, "no device dump %s %s ('vmcore-dd --list' lists them)",
				  by_index ? "with index" : "named", sel);
	if (matches > 1)
		return kx_err_set(err, -ENOTUNIQ, "%zu device dumps are named %s (indexes %zu, %zu, …): "
				  "select one by index", matches, sel, first_index, second_index);
	return 0;
}

int dd_dump(struct kx_vmcore *v, const struct dd_opts *o, struct kx_err *err)
{
	struct kx_vmcoredd dd = { 0 };
	struct kx_note n = { 0 };
	int r, dirfd;
	const char *base;

	r = find_dump(v, o->dump, &dd, &n, err);
	if (r < 0)
		return r;
	if (n.truncated)
		return kx_err_at(err, -EBADMSG, n.offset, "truncated: device dump %s needs %" PRIu64
				 " bytes at 0x%" PRIx64 " but the file ends at 0x%" PRIx64
				 " (--extract saves the part that is there)", o->dump, dd.data_size,
				 dd.data_offset, kx_vmcore_info(v)->file_size);
	if (!o->to) {
		if (isatty(STDOUT_FILENO))
			return kx_err_set(err, -ENOTTY, "refusing to write binary dump data to a "
					  "terminal: redirect standard output or use --to=FILE");
		r = kx_copy_range(kx_vmcore_fd(v), dd.data_offset, dd.data_size, STDOUT_FILENO, err);
		return r;
	}
	r = kx_open_parent(o->to, &dirfd, &base, err);
	if (r < 0)
		return r;
	{
		struct stat st;

		/* --to=DIR/ or --to=DIR: a directory is not a file name */
		if (!*base || (fstatat(dirfd, base, &st, 0) == 0 && S_ISDIR(st.st_mode))) {
			close(dirfd);
			return kx_err_set(err, -EISDIR, "--to=%s names a directory: give the file to "
					  "write, e.g. --to=%s%sNAME (or --extract=DIR for every "
					  "dump)", o->to, o->to, *base ? "/" : "");
		}
	}
	r = write_one(v, dirfd, base, dd.data_offset, dd.data_size, o->force, err);
	close(dirfd);
	return r;
}

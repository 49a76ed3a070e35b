// SPDX-License-Identifier: GPL-2.0-or-later
/* vmcore-dd --extract and --dump: device-dump data out to files or standard output. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dd.h"
#include "fileout.h"
#include "notes.h"
#include "strutil.h"
#include "units.h"

/* File names handed out in this run, to de-duplicate. */
struct names {
	char (*v)[NAME_MAX + 1];
	size_t n, cap;
};

static bool names_has(const struct names *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return true;
	return false;
}

static int names_add(struct names *s, const char *name)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		void *p = realloc(s->v, cap * sizeof(*s->v));

		if (!p)
			return -ENOMEM;
		s->v = p;
		s->cap = cap;
	}
	snprintf(s->v[s->n++], sizeof(s->v[0]), "%s", name);
	return 0;
}

/* The sanitised name, with ".1", ".2", … when an earlier dump of this run took it. */
static void unique_name(const struct names *used, const struct kx_vmcoredd *dd, size_t index,
			const char *suffix, char *buf, size_t size)
{
	char base[NAME_MAX + 1 - 24];

	kx_safe_filename(dd->name, dd->name_len, (unsigned)index, base, sizeof(base));
	snprintf(buf, size, "%s%s", base, suffix);
	for (unsigned k = 1; names_has(used, buf); k++)
		snprintf(buf, size, "%s.%u%s", base, k, suffix);
}

static int open_extract_dir(const char *dir, struct kx_err *err)
{
	int fd;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return kx_err_set(err, -errno, "cannot create directory %s: %s", dir, strerror(errno));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return kx_err_set(err, -errno, "cannot open directory %s: %s", dir, strerror(errno));
	return fd;
}

/* Write len bytes at off into dirfd/name atomically. */
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
		r = kx_atomic_commit(&a, force, err);
	kx_atomic_abort(&a);
	return r;
}

int dd_extract(struct kx_vmcore *v, const struct dd_opts *o, struct kx_err *err)
{
	const uint64_t file_size = kx_vmcore_info(v)->file_size;
	struct kx_json j, *json = NULL;
	struct names used = { 0 };
	struct kx_note_iter it;
	struct kx_note n;
	size_t count = 0, written = 0;
	int dirfd, r, first = 0;

	dirfd = open_extract_dir(o->extract_dir, err);
	if (dirfd < 0) {
		if (o->out_mode == KX_OUT_JSON)
			kx_out_json_error(stdout, o->vmcore, err);
		return dirfd;
	}
	if (o->out_mode == KX_OUT_JSON) {
		json = &j;
		kx_json_init(json, stdout);
		kx_json_object_begin(json, NULL);
		kx_json_string(json, "vmcore", o->vmcore);
		kx_json_string(json, "directory", o->extract_dir);
		kx_json_array_begin(json, "extracted");
	}
	kx_note_iter_init(&it, v);
	while ((r = kx_note_iter_next(&it, &n, err)) != 0) {
		struct kx_vmcoredd dd;
		char fname[NAME_MAX + 1], shown[4 * KX_VMCOREDD_NAME_BYTES + 1];
		uint64_t len;
		size_t index;

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
		index = count++;
		len = dd.data_size;
		if (n.truncated) {
			/* keep what the file still holds, under a name that says it is partial */
			len = dd.data_offset < file_size ? file_size - dd.data_offset : 0;
			unique_name(&used, &dd, index, ".partial", fname, sizeof(fname));
		} else {
			unique_name(&used, &dd, index, "", fname, sizeof(fname));
		}
		r = names_add(&used, fname);
		if (r < 0) {
			first = first ? first : kx_err_set(err, r, "out of memory");
			break;
		}
		kx_escape(dd.name, dd.name_len, shown, sizeof(shown));
		r = write_one(v, dirfd, fname, dd.data_offset, len, o->force, err);
		if (r < 0) {
			char text[640];

			if (!json)
				fprintf(stderr, "vmcore-dd: dump %zu \"%s\": %s\n", index, shown,
					kx_err_text(err, text, sizeof(text)));
			/* a refused or failed file is reported; go on with the others */
			first = first ? first : r;
			continue;
		}
		written++;
		if (json) {
			kx_json_object_begin(json, NULL);
			kx_json_u64(json, "index", index);
			kx_json_bytes(json, "name", dd.name, dd.name_len);
			kx_json_string(json, "file", fname);
			kx_json_u64(json, "size", len);
			kx_json_u64(json, "offset", dd.data_offset);
			kx_json_bool(json, "partial", n.truncated);
			kx_json_object_end(json);
		} else {
			printf("%zu %s -> %s/%s (%" PRIu64 " bytes%s)\n", index, shown, o->extract_dir,
			       fname, len, n.truncated ? ", truncated" : "");
		}
	}
	if (json) {
		kx_json_array_end(json);
		if (first)
			kx_out_json_error_member(json, err);
		kx_json_object_end(json);
	} else if (count == 0 && !first) {
		printf("no device dumps in %s\n", o->vmcore);
	}
	free(used.v);
	close(dirfd);
	return first;
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
	char *copy, *dir, *base;

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
	copy = strdup(o->to);
	if (!copy)
		return -ENOMEM;
	base = basename(copy);
	dir = strdup(o->to);
	if (!dir) {
		free(copy);
		return -ENOMEM;
	}
	dirfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		r = kx_err_set(err, -errno, "cannot open the directory of %s: %s", o->to,
			       strerror(errno));
	} else {
		r = write_one(v, dirfd, base, dd.data_offset, dd.data_size, o->force, err);
		close(dirfd);
	}
	free(copy);
	free(dir);
	return r;
}

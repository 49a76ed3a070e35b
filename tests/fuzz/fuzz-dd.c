// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the vmcore-dd front end on arbitrary bytes.  Each input becomes a memfd that
 * vmcore-dd's own modes read (list, notes, segments and check, as a table and as JSON), then is
 * extracted into a new private directory and its first dump written with --to.  What the
 * extraction leaves is checked: only regular files, directly in that directory, one per device
 * dump the note walk decodes, and nothing beside the directory.  A violation aborts, so
 * libFuzzer keeps the input.  Run with -close_fd_mask=3 (run-fuzz.sh does): the modes print.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dd.h"
#include "notes.h"
#include "vmcore.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char top[64];            /* a private directory on tmpfs, made once */
static unsigned long serial;

static void remove_top(void)
{
	rmdir(top);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(top, sizeof(top), "/dev/shm/kx-fuzz-dd.XXXXXX");
	if (!mkdtemp(top)) {
		snprintf(top, sizeof(top), "/tmp/kx-fuzz-dd.XXXXXX");
		if (!mkdtemp(top))
			abort();
	}
	atexit(remove_top);
	return 0;
}

/* The device dumps the note walk decodes: what a successful extraction must have written. */
static size_t count_dumps(struct kx_vmcore *v)
{
	struct kx_note_iter it;
	struct kx_note n;
	struct kx_err err;
	size_t count = 0;
	int r;

	kx_note_iter_init(&it, v);
	kx_err_clear(&err);
	while ((r = kx_note_iter_next(&it, &n, &err)) != 0) {
		struct kx_vmcoredd dd;

		if (r > 0 && kx_note_is_vmcoredd(&n) && kx_note_vmcoredd(v, &n, &dd, &err) == 0)
			count++;
		kx_err_clear(&err);
	}
	return count;
}

/* Every entry of dir is a regular file; returns how many, after removing them and dir. */
static size_t check_and_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t files = 0;

	if (!d)
		abort();
	while ((e = readdir(d)) != NULL) {
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			abort();        /* a directory, a link or a device made from vmcore bytes */
		if (unlinkat(dirfd(d), e->d_name, 0) < 0)
			abort();
		files++;
	}
	closedir(d);
	if (rmdir(dir) < 0)
		abort();
	return files;
}

/* top holds nothing but what this run made (the extraction cannot write beside its directory). */
static void check_top_empty(void)
{
	DIR *d = opendir(top);
	struct dirent *e;

	if (!d)
		abort();
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			abort();
	closedir(d);
}

static void run_modes(struct kx_vmcore *v, struct dd_opts *o)
{
	static const enum kx_out_mode outs[] = { KX_OUT_TABLE, KX_OUT_JSON };
	struct kx_err err;

	for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++) {
		o->out_mode = outs[i];
		kx_err_clear(&err);
		dd_list(v, o, &err);
		kx_err_clear(&err);
		dd_notes(v, o, &err);
		kx_err_clear(&err);
		dd_segments(v, o, &err);
		kx_err_clear(&err);
		dd_check(v, o, &err);
	}
	o->out_mode = KX_OUT_TABLE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dd_opts o = { .vmcore = "fuzz", .out_mode = KX_OUT_TABLE, .expect = -1 };
	struct kx_vmcore *v = NULL;
	char path[64], dir[128], to[160];
	struct kx_err err;
	size_t dumps, files;
	int fd, rd;

	fd = memfd_create("fuzz-vmcore-dd", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	kx_err_clear(&err);
	if (kx_vmcore_open(path, &v, &err) < 0) {
		close(fd);
		return 0;
	}
	run_modes(v, &o);

	snprintf(dir, sizeof(dir), "%s/x%lu", top, serial++);
	if (mkdir(dir, 0700) < 0)
		abort();
	o.mode = DD_EXTRACT;
	o.extract_dir = dir;
	kx_err_clear(&err);
	dd_extract(v, &o, &err);
	dumps = count_dumps(v);

	/* --dump=0 --to=DIR/one: the same dump again, under a name the caller chose */
	o.mode = DD_DUMP;
	o.dump = "0";
	snprintf(to, sizeof(to), "%s/one", dir);
	o.to = to;
	kx_err_clear(&err);
	rd = dd_dump(v, &o, &err);

	/*
	 * Into a new directory on tmpfs nothing can fail to be written: every dump the walk decodes
	 * is a file under its own name (a malformed note elsewhere makes the extraction fail, not
	 * lose or merge a dump), and "one" when --dump succeeded.
	 */
	files = check_and_empty(dir);
	if (files != dumps + (rd == 0))
		abort();
	check_top_empty();
	kx_vmcore_close(v);
	close(fd);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_FILEOUT_H
#define KX_FILEOUT_H
/*
 * Writing dump data safely: an unnamed file (O_TMPFILE) in the target directory, or where the
 * file system has none a temporary file created 0600 with O_EXCL under a random name; filled,
 * fsync'ed, then given its name without replacing an existing file (unless asked) and the
 * directory fsync'ed.  A failure at any step removes the temporary file; an unnamed one leaves
 * nothing behind even when the process is killed, a named one is removed on the signals
 * kx_atomic_cleanup_on_signals() catches.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct kx_atomic {
	int dirfd;
	int fd;
	bool unnamed;           /* O_TMPFILE: no name until commit */
	bool batched;           /* kx_atomic_close_batched(): synced by the caller's syncfs */
	int slot;               /* in the table the signal handler removes, or -1 */
	char tmpname[64];       /* the named temporary file, or "" */
	char name[NAME_MAX + 1];
};

/*
 * A directory to write into, opened (O_DIRECTORY) the way a root tool must, where other users
 * may have written on the way: the path is walked one component at a time, never through a
 * symbolic link another user owns (one owned by root or by this user is followed; 40 at most),
 * and the directory reached must be this user's or root's, and not writable by group or others
 * unless it is sticky and this user's (root's /tmp, for root).  With `create` a missing last
 * component is made, mode 0700.  The fd, or -errno with err naming the path and the rule it
 * broke (-EPERM), or "cannot open the directory …".
 */
int kx_open_dir_safe(const char *path, bool create, struct kx_err *err);

/*
 * The directory a path names its file in, opened with kx_open_dir_safe(), and the file's name
 * in it (a pointer into path): "a/b/c" gives a/b and "c", "c" gives . and "c", "/c" gives / and
 * "c".  For output by path: open the parent, then kx_atomic_open(dirfd, name, …).
 */
int kx_open_parent(const char *path, int *ret_dirfd, const char **ret_name, struct kx_err *err);

/* Create the temporary file for `name` in dirfd.  -EEXIST (unless replace) when name exists. */
int kx_atomic_open(int dirfd, const char *name, bool replace, struct kx_atomic *ret,
		   struct kx_err *err);
/* The same with a named temporary file, as on a file system without O_TMPFILE. */
int kx_atomic_open_named(int dirfd, const char *name, bool replace, struct kx_atomic *ret,
			 struct kx_err *err);
/*
 * For tools that write dump data: SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT and SIGXFSZ remove
 * the named temporary files still open, then end the process as the signal would have (ignored
 * signals stay ignored).  SIGKILL cannot be caught: only unnamed files survive it cleanly.
 */
void kx_atomic_cleanup_on_signals(void);
/*
 * For many files at once: start the data's writeback and close the temporary file (an unnamed
 * one stays open until its commit, or it would be gone); the caller
 * makes every such file durable with one kx_sync_fs() before committing them.
 */
int kx_atomic_close_batched(struct kx_atomic *a, struct kx_err *err);
int kx_sync_fs(int dirfd, struct kx_err *err);
/* fsync (unless closed batched), rename into place (never over an existing file unless
 * replace), and with sync_dir fsync the directory (or once for many files: kx_sync_dir). */
int kx_atomic_commit(struct kx_atomic *a, bool replace, bool sync_dir, struct kx_err *err);
int kx_sync_dir(int dirfd, struct kx_err *err);
/* Remove the temporary file; safe after a failed commit. */
void kx_atomic_abort(struct kx_atomic *a);

/*
 * PATH holds buf whole or is left as it was: a temporary file in its directory, synced, renamed
 * over it (mode 0600).  `what` names the option in messages ("--dtb-out").
 */
int kx_write_file_atomic(const char *path, const void *buf, size_t size, const char *what,
			 struct kx_err *err);

/*
 * Copy len bytes from in_fd at offset off to out_fd's current position: copy_file_range where the
 * kernel allows it, else sendfile, else read/write through a 256 KiB buffer.  A short source is
 * -EBADMSG (truncated, with the offset).
 */
int kx_copy_range(int in_fd, uint64_t off, uint64_t len, int out_fd, struct kx_err *err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_CHILD_H
#define KX_CHILD_H
/*
 * Run another program and wait for it: the one fork/exec/wait of the tools (kexec restoring a
 * load by repeating its command, kexec-hotplug's worker reloading, its helper starting the
 * worker).  The child's standard input and output go to /dev/null; its standard error is
 * inherited, sent to /dev/null, or captured (its last bytes kept: the last lines say what
 * happened).  A child that cannot enter `cwd` exits 126, one that cannot be executed 127, each
 * with a line on its standard error.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum kx_child_stderr { KX_CHILD_STDERR_INHERIT, KX_CHILD_STDERR_NULL, KX_CHILD_STDERR_CAPTURE };

struct kx_child {
	const char *path;               /* absolute, or looked up in PATH with `search` */
	char *const *argv;
	bool search;
	const char *cwd;                /* NULL: this process's */
	const char *const *env;         /* "NAME=VALUE" set in the child, NULL-terminated, or NULL */
	enum kx_child_stderr err;
	bool detach;                    /* a new session, not waited for: returns 0 once started */
};

/*
 * 0..255 the exit status, 128 + N killed by signal N; -errno when it could not be started or
 * waited for.  With KX_CHILD_STDERR_CAPTURE, `out` gets the end of what it wrote (NUL-ended).
 */
int kx_child_run(const struct kx_child *c, char *out, size_t out_size);

/* waitpid for one child, EINTR retried: its status as above, or -errno. */
int kx_child_wait(pid_t pid);

#endif

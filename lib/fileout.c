// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fileio.h"
#include "fileout.h"

/*
 * Named temporary files still in the directory, for the signal handler to remove.  A slot is
 * filled before `used` is set and `used` cleared before it is reused, so the handler never sees a
 * half-written name; a name already renamed away is an ENOENT it ignores.
 */
#define PENDING_MAX 256

static struct {
	volatile sig_atomic_t used;
	int dirfd;
	char name[64];
} pending[PENDING_MAX];

static void pending_add(struct kx_atomic *a)
{
	a->slot = -1;
	for (int i = 0; i < PENDING_MAX; i++) {
		if (pending[i].used)
			continue;
		pending[i].dirfd = a->dirfd;
		memcpy(pending[i].name, a->tmpname, sizeof(pending[i].name));
		pending[i].used = 1;
		a->slot = i;
		return;
	}
}

static void pending_drop(struct kx_atomic *a)
{
	if (a->slot >= 0)
		pending[a->slot].used = 0;
	a->slot = -1;
}

static void remove_pending(int sig)
{
	int saved = errno;

	for (int i = 0; i < PENDING_MAX; i++)
		if (pending[i].used)
			unlinkat(pending[i].dirfd, pending[i].name, 0);
	errno = saved;
	/* SA_RESETHAND put the default action back: the signal ends the process as it would have */
	raise(sig);
}

void kx_atomic_cleanup_on_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGXFSZ };
	struct sigaction sa = { .sa_handler = remove_pending, .sa_flags = SA_RESETHAND };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* a signal the caller's parent ignores stays ignored (nohup, a shell's trap '' …) */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

/* A visible temporary name nobody can guess ahead (getrandom), so none can be planted. */
static int random_name(struct kx_atomic *a, struct kx_err *err)
{
	uint64_t rnd;

	if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return kx_err_set(err, -EIO, "cannot create a temporary file for %s: getrandom: %s",
				  a->name, strerror(errno));
	snprintf(a->tmpname, sizeof(a->tmpname), ".kexec-ext.%016llx.tmp", (unsigned long long)rnd);
	return 0;
}

static int check_name(int dirfd, const char *name, bool replace, struct kx_atomic *a,
		      struct kx_err *err)
{
	struct stat st;

	*a = (struct kx_atomic){ .dirfd = dirfd, .fd = -1, .slot = -1 };
	if (strlen(name) >= sizeof(a->name) || strchr(name, '/') || !*name || name[0] == '.')
		return kx_err_set(err, -EINVAL, "refusing unsafe file name '%s'", name);
	snprintf(a->name, sizeof(a->name), "%s", name);
	if (!replace && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return kx_err_set(err, -EEXIST, "%s already exists (use --force to replace it)", name);
	return 0;
}

int kx_atomic_open_named(int dirfd, const char *name, bool replace, struct kx_atomic *ret,
			 struct kx_err *err)
{
	struct kx_atomic a;
	int r = check_name(dirfd, name, replace, &a, err);

	if (r < 0)
		return r;
	for (unsigned attempt = 0; attempt < 100; attempt++) {
		r = random_name(&a, err);
		if (r < 0)
			return r;
		a.fd = openat(dirfd, a.tmpname,
			      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (a.fd >= 0)
			break;
		if (errno != EEXIST)
			return kx_err_set(err, -errno, "cannot create a temporary file for %s: %s",
					  name, strerror(errno));
	}
	if (a.fd < 0)   /* an I/O failure (exit 3), not "NAME exists" */
		return kx_err_set(err, -EIO, "cannot create a temporary file for %s: 100 random "
				  "names were all taken", name);
	pending_add(&a);
	*ret = a;
	return 0;
}

int kx_atomic_open(int dirfd, const char *name, bool replace, struct kx_atomic *ret,
		   struct kx_err *err)
{
	struct kx_atomic a;
	int r = check_name(dirfd, name, replace, &a, err);

	if (r < 0)
		return r;
	/*
	 * An unnamed file (O_TMPFILE): nothing is left in the directory whatever ends the process,
	 * SIGKILL and power loss included.  A file system without it (EOPNOTSUPP, or EISDIR from a
	 * kernel older than 3.11) gets a named temporary file instead.
	 */
	a.fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (a.fd >= 0) {
		a.unnamed = true;
		*ret = a;
		return 0;
	}
	return kx_atomic_open_named(dirfd, name, replace, ret, err);
}

/* Give the unnamed file fd the name `to` in dirfd; -EEXIST when it exists. */
static int link_unnamed(int fd, int dirfd, const char *to)
{
	char proc[40];

	if (linkat(fd, "", dirfd, to, AT_EMPTY_PATH) == 0)
		return 0;
	/* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; /proc's link to the fd does not */
	if (errno != ENOENT && errno != EPERM)
		return -errno;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return linkat(AT_FDCWD, proc, dirfd, to, AT_SYMLINK_FOLLOW) == 0 ? 0 : -errno;
}

int kx_atomic_close_batched(struct kx_atomic *a, struct kx_err *err)
{
	int r = 0;

	/* writeback starts now and overlaps with the copies that follow */
	(void)sync_file_range(a->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	a->batched = true;
	if (a->unnamed)         /* closing it would free it: it is linked at commit */
		return 0;
	if (close(a->fd) < 0)
		r = kx_err_set(err, -errno, "cannot write %s: %s", a->name, strerror(errno));
	a->fd = -1;
	return r;
}

int kx_sync_fs(int dirfd, struct kx_err *err)
{
	if (syncfs(dirfd) < 0)
		return kx_err_set(err, -errno, "cannot sync the file system: %s", strerror(errno));
	return 0;
}

int kx_sync_dir(int dirfd, struct kx_err *err)
{
	if (fsync(dirfd) < 0 && errno != EINVAL && errno != EBADF)
		return kx_err_set(err, -errno, "cannot sync the directory: %s", strerror(errno));
	return 0;
}

static int rename_noreplace(int dirfd, const char *from, const char *to)
{
#ifdef SYS_renameat2
	if (syscall(SYS_renameat2, dirfd, from, dirfd, to, 1 /* RENAME_NOREPLACE */) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
#endif
	/* file systems without RENAME_NOREPLACE: link() fails on an existing name too */
	if (linkat(dirfd, from, dirfd, to, 0) < 0)
		return -errno;
	unlinkat(dirfd, from, 0);
	return 0;
}

/* Name the unnamed file: linked where nothing may be replaced, else linked aside and renamed. */
/*
 * Links the unnamed file in: at its name (!replace: EEXIST when taken), or (replace) at a random
 * name renamed over its name.  1 when 100 random names were all taken: an I/O failure, not
 * "NAME exists" (EEXIST would say that).
 */
static int commit_unnamed(struct kx_atomic *a, bool replace)
{
	int r = -EEXIST;

	if (!replace)
		return link_unnamed(a->fd, a->dirfd, a->name);
	for (unsigned attempt = 0; attempt < 100 && r == -EEXIST; attempt++) {
		r = random_name(a, NULL);
		if (r < 0)
			return r;
		r = link_unnamed(a->fd, a->dirfd, a->tmpname);
	}
	if (r < 0) {
		a->tmpname[0] = '\0';
		return r == -EEXIST ? 1 : r;
	}
	pending_add(a);
	return renameat(a->dirfd, a->tmpname, a->dirfd, a->name) < 0 ? -errno : 0;
}

int kx_atomic_commit(struct kx_atomic *a, bool replace, bool sync_dir, struct kx_err *err)
{
	int r;

	if (a->fd >= 0 && !a->batched && fsync(a->fd) < 0 && errno != EINVAL)
		return kx_err_set(err, -errno, "cannot sync %s: %s", a->name, strerror(errno));
	if (a->unnamed) {
		r = commit_unnamed(a, replace);
		if (r == 1)
			return kx_err_set(err, -EIO, "cannot commit %s: 100 random temporary names "
					  "were all taken", a->name);
	} else {
		if (a->fd >= 0 && close(a->fd) < 0) {
			a->fd = -1;
			return kx_err_set(err, -errno, "cannot write %s: %s", a->name,
					  strerror(errno));
		}
		a->fd = -1;
		if (replace)
			r = renameat(a->dirfd, a->tmpname, a->dirfd, a->name) < 0 ? -errno : 0;
		else
			r = rename_noreplace(a->dirfd, a->tmpname, a->name);
	}
	if (r == -EEXIST)
		return kx_err_set(err, r, "%s already exists (use --force to replace it)", a->name);
	if (r < 0)
		return kx_err_set(err, r, "cannot rename into %s: %s", a->name, strerror(-r));
	pending_drop(a);
	a->tmpname[0] = '\0';
	if (a->fd >= 0 && close(a->fd) < 0) {
		a->fd = -1;
		return kx_err_set(err, -errno, "cannot write %s: %s", a->name, strerror(errno));
	}
	a->fd = -1;
	return sync_dir ? kx_sync_dir(a->dirfd, err) : 0;
}

void kx_atomic_abort(struct kx_atomic *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
	if (a->tmpname[0])
		unlinkat(a->dirfd, a->tmpname, 0);
	pending_drop(a);
	a->tmpname[0] = '\0';
}

static int copy_rw(int in_fd, uint64_t off, uint64_t len, int out_fd, struct kx_err *err)
{
	enum { BUFSZ = 256 * 1024 };
	char *buf = malloc(BUFSZ);
	int r = 0;

	if (!buf)
		return -ENOMEM;
	while (len > 0) {
		size_t want = len < BUFSZ ? (size_t)len : BUFSZ;
		ssize_t n = pread(in_fd, buf, want, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = kx_err_at(err, -errno, off, "read error: %s", strerror(errno));
			break;
		}
		if (n == 0) {
			r = kx_err_at(err, -EBADMSG, off, "truncated: the file ends at 0x%llx with "
				      "%llu bytes still to copy", (unsigned long long)off,
				      (unsigned long long)len);
			break;
		}
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(out_fd, buf + done, (size_t)(n - done));

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				r = kx_err_set(err, -errno, "write error: %s", strerror(errno));
				goto out;
			}
			done += w;
		}
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
out:
	free(buf);
	return r;
}

int kx_copy_range(int in_fd, uint64_t off, uint64_t len, int out_fd, struct kx_err *err)
{
	bool try_cfr = true, try_sendfile = true;

	while (len > 0) {
		size_t chunk = len < (1U << 30) ? (size_t)len : (1U << 30);
		off_t o = (off_t)off;
		ssize_t n = -1;

		if (try_cfr) {
			n = copy_file_range(in_fd, &o, out_fd, NULL, chunk, 0);
			if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
				      errno == EOPNOTSUPP || errno == EBADF || errno == ETXTBSY)) {
				try_cfr = false;
				continue;
			}
		} else if (try_sendfile) {
			n = sendfile(out_fd, in_fd, &o, chunk);
			if (n < 0 && (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
				try_sendfile = false;
				continue;
			}
		} else {
			return copy_rw(in_fd, off, len, out_fd, err);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kx_err_at(err, -errno, off, "copy error: %s", strerror(errno));
		if (n == 0)
			return kx_err_at(err, -EBADMSG, off, "truncated: the file ends at 0x%llx with "
					 "%llu bytes still to copy", (unsigned long long)off,
					 (unsigned long long)len);
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

#define LINKS_MAX 40

/* Walk path from *fd (replaced by each directory reached); see kx_open_dir_safe(). */
static int walk(int *fd, const char *path, bool create, const char *orig, unsigned *links,
		struct kx_err *err)
{
	char comp[NAME_MAX + 1];
	const char *p = path;

	if (*p == '/') {
		int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (root < 0)
			return kx_err_set(err, -errno, "cannot open /: %s", strerror(errno));
		close(*fd);
		*fd = root;
	}
	for (;;) {
		const char *end;
		struct stat st;
		bool last;
		int next;

		p += strspn(p, "/");
		if (!*p)
			return 0;
		end = strchrnul(p, '/');
		if ((size_t)(end - p) > NAME_MAX)
			return kx_err_set(err, -ENAMETOOLONG, "%s: a name in it is too long", orig);
		memcpy(comp, p, (size_t)(end - p));
		comp[end - p] = '\0';
		p = end;
		last = !p[strspn(p, "/")];
		if (!strcmp(comp, "."))
			continue;
		if (fstatat(*fd, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT || !last || !create ||
			    (mkdirat(*fd, comp, 0700) < 0 && errno != EEXIST) ||
			    fstatat(*fd, comp, &st, AT_SYMLINK_NOFOLLOW) < 0)
				return kx_err_set(err, -errno, "cannot open the directory %s: %s",
						  orig, strerror(errno));
		}
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t n;
			int r;

			if (st.st_uid != geteuid() && st.st_uid != 0)
				return kx_err_set(err, -EPERM, "refusing the directory %s: %s in it is "
						  "a symbolic link owned by uid %u, neither this user "
						  "nor root (another user could have planted it); give "
						  "the directory itself", orig, comp,
						  (unsigned)st.st_uid);
			if (++*links > LINKS_MAX)
				return kx_err_set(err, -ELOOP, "cannot open the directory %s: more "
						  "than %d symbolic links", orig, LINKS_MAX);
			n = readlinkat(*fd, comp, target, sizeof(target) - 1);
			if (n < 0)
				return kx_err_set(err, -errno, "cannot open the directory %s: %s",
						  orig, strerror(errno));
			target[n] = '\0';
			r = walk(fd, target, create && last, orig, links, err);
			if (r < 0)
				return r;
			continue;
		}
		if (!S_ISDIR(st.st_mode))
			return kx_err_set(err, -ENOTDIR, "cannot open the directory %s: %s is not a "
					  "directory", orig, comp);
		next = openat(*fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0)
			return kx_err_set(err, -errno, "cannot open the directory %s: %s", orig,
					  strerror(errno));
		close(*fd);
		*fd = next;
	}
}

int kx_open_dir_safe(const char *path, bool create, struct kx_err *err)
{
	unsigned links = 0;
	struct stat st;
	int fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return kx_err_set(err, -errno, "cannot open the current directory: %s",
				  strerror(errno));
	r = walk(&fd, path, create, path, &links, err);
	if (r == 0 && fstat(fd, &st) < 0)
		r = kx_err_set(err, -errno, "cannot open the directory %s: %s", path,
			       strerror(errno));
	if (r == 0 && st.st_uid != geteuid() && st.st_uid != 0)
		r = kx_err_set(err, -EPERM, "refusing the directory %s: it belongs to uid %u, "
			       "neither this user nor root (another user could read or replace "
			       "what is written there); use a directory of your own", path,
			       (unsigned)st.st_uid);
	if (r == 0 && (st.st_mode & (S_IWGRP | S_IWOTH)) &&
	    !((st.st_mode & S_ISVTX) && st.st_uid == geteuid()))
		r = kx_err_set(err, -EPERM, "refusing the directory %s: it is writable by group or "
			       "others (mode %04o)%s; chmod go-w it or use a directory of your own",
			       path, (unsigned)(st.st_mode & 07777),
			       st.st_mode & S_ISVTX ? " and not yours" : "");
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int kx_open_parent(const char *path, int *ret_dirfd, const char **ret_name, struct kx_err *err)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int fd;

	if (slash && (size_t)(slash - path) >= sizeof(dir))
		return kx_err_set(err, -ENAMETOOLONG, "%s: name too long", path);
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash == path ? 1 : slash - path) : 1,
		 slash ? path : ".");
	fd = kx_open_dir_safe(dir, false, err);
	if (fd < 0)
		return fd;
	*ret_dirfd = fd;
	*ret_name = slash ? slash + 1 : path;
	return 0;
}

int kx_write_file_atomic(const char *path, const void *buf, size_t size, const char *what,
			 struct kx_err *err)
{
	struct kx_atomic a;
	const char *name;
	struct kx_err pe;
	int dirfd, r;

	kx_err_clear(&pe);
	r = kx_open_parent(path, &dirfd, &name, &pe);
	if (r < 0)
		return kx_err_set(err, r, "%s: %s", what, pe.msg);
	r = kx_atomic_open(dirfd, name, true, &a, err);
	if (r == 0) {
		r = kx_write_all(a.fd, buf, size);
		if (r < 0)
			kx_err_set(err, r, "%s: cannot write %s: %s", what, path, strerror(-r));
		if (r == 0)
			r = kx_atomic_commit(&a, true, false, err);
		if (r < 0)
			kx_atomic_abort(&a);
	}
	close(dirfd);
	return r;
}

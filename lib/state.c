// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileout.h"
#include "fileio.h"
#include "state.h"
#include "strutil.h"

#define RECORD_MAX_BYTES (4u << 20)

const char *kx_state_dir(void)
{
	const char *d = getenv("KEXEC_STATE_DIR");

	return d && *d ? d : KX_STATE_DIR_DEFAULT;
}

static const char *const hotplug_mode_names[] = {
	[KX_HOTPLUG_UNKNOWN] = "unknown", [KX_HOTPLUG_KERNEL] = "kernel",
	[KX_HOTPLUG_FALLBACK] = "fallback", [KX_HOTPLUG_NONE] = "none",
};

const char *kx_hotplug_mode_name(enum kx_hotplug_mode m)
{
	return (unsigned)m < sizeof(hotplug_mode_names) / sizeof(hotplug_mode_names[0]) ?
		hotplug_mode_names[m] : "unknown";
}

int kx_hotplug_mode_parse(const char *s, size_t len, enum kx_hotplug_mode *ret)
{
	for (unsigned m = KX_HOTPLUG_KERNEL; m <= KX_HOTPLUG_NONE; m++)
		if (strlen(hotplug_mode_names[m]) == len && !memcmp(s, hotplug_mode_names[m], len)) {
			*ret = (enum kx_hotplug_mode)m;
			return 0;
		}
	return -EINVAL;
}

/* A growing text buffer. */
struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void sb_value(struct sbuf *b, const char *key, const char *value)
{
	size_t n = strlen(value), size = 4 * n + 1;
	char *esc = malloc(size);

	if (!esc) {
		b->oom = true;
		return;
	}
	kx_escape(value, n, esc, size);
	sb_add(b, key, strlen(key));
	sb_add(b, " ", 1);
	sb_add(b, esc, strlen(esc));
	sb_add(b, "\n", 1);
	free(esc);
}

int kx_crash_record_format(const struct kx_crash_record *rec, char **ret, struct kx_err *err)
{
	struct sbuf b = { 0 };

	sb_printf(&b, "# kexec-ext: how the crash kernel in place was loaded (see kexec(8))\n");
	sb_printf(&b, "version 1\ntime %lld\n", rec->time);
	sb_value(&b, "syscall", rec->syscall);
	sb_printf(&b, "flags %#llx\n", (unsigned long long)rec->flags);
	sb_value(&b, "kernel", rec->kernel ? rec->kernel : "");
	if (rec->initrd)
		sb_value(&b, "initrd", rec->initrd);
	sb_value(&b, "cmdline", rec->cmdline ? rec->cmdline : "");
	sb_value(&b, "cwd", rec->cwd ? rec->cwd : "/");
	if (rec->hotplug != KX_HOTPLUG_UNKNOWN)
		sb_printf(&b, "hotplug %s\n", kx_hotplug_mode_name(rec->hotplug));
	for (size_t i = 0; i < rec->ram.n; i++)
		sb_printf(&b, "ram %#llx %#llx\n", (unsigned long long)rec->ram.r[i].start,
			  (unsigned long long)rec->ram.r[i].end);
	for (size_t i = 0; i < rec->argc; i++)
		sb_value(&b, "arg", rec->argv[i]);
	if (b.oom) {
		free(b.p);
		return kx_err_set(err, -ENOMEM, "out of memory");
	}
	*ret = b.p;
	return 0;
}

char *kx_state_unescape(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			out[o++] = s[i];
			continue;
		}
		if (i + 1 < n && s[i + 1] == '\\') {
			out[o++] = '\\';
			i++;
		} else if (i + 3 < n && s[i + 1] == 'x' && kx_hexval(s[i + 2]) >= 0 &&
			   kx_hexval(s[i + 3]) >= 0 && (kx_hexval(s[i + 2]) | kx_hexval(s[i + 3]))) {
			out[o++] = (char)(kx_hexval(s[i + 2]) << 4 | kx_hexval(s[i + 3]));
			i += 3;
		} else {
			free(out);
			return NULL;
		}
	}
	out[o] = '\0';
	return out;
}

static int set_str(char **field, const char *v, size_t n)
{
	char *s = kx_state_unescape(v, n);

	if (!s)
		return -EBADMSG;
	free(*field);
	*field = s;
	return 0;
}

int kx_crash_record_parse(const char *text, size_t len, struct kx_crash_record *ret,
			  struct kx_err *err)
{
	struct kx_crash_record rec = { 0 };
	size_t pos = 0, cap = 0;
	unsigned lineno = 0;
	bool have_version = false;
	int r = 0;

	while (pos < len && r == 0) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		const char *sp = memchr(line, ' ', n);
		size_t klen = sp ? (size_t)(sp - line) : n;
		const char *v = sp ? sp + 1 : line + n;
		size_t vlen = (size_t)(line + n - v);
		char num[48];

		pos += n + 1;
		lineno++;
		if (n == 0 || line[0] == '#')
			continue;
#define KEY(k) (klen == strlen(k) && !memcmp(line, k, klen))
		if (vlen < sizeof(num)) {
			memcpy(num, v, vlen);
			num[vlen] = '\0';
		} else {
			num[0] = '\0';
		}
		if (KEY("version")) {
			if (strcmp(num, "1"))
				r = -EPROTONOSUPPORT;
			have_version = true;
		} else if (KEY("time")) {
			char *end;

			errno = 0;
			rec.time = strtoll(num, &end, 10);
			if (errno || !num[0] || *end)
				r = -EBADMSG;
		} else if (KEY("flags")) {
			char *end;

			errno = 0;
			rec.flags = strtoull(num, &end, 0);
			if (errno || !num[0] || *end)
				r = -EBADMSG;
		} else if (KEY("syscall")) {
			if (vlen >= sizeof(rec.syscall))
				r = -EBADMSG;
			else
				memcpy(rec.syscall, v, vlen), rec.syscall[vlen] = '\0';
		} else if (KEY("kernel")) {
			r = set_str(&rec.kernel, v, vlen);
		} else if (KEY("initrd")) {
			r = set_str(&rec.initrd, v, vlen);
		} else if (KEY("cmdline")) {
			r = set_str(&rec.cmdline, v, vlen);
		} else if (KEY("cwd")) {
			r = set_str(&rec.cwd, v, vlen);
		} else if (KEY("hotplug")) {
			if (kx_hotplug_mode_parse(v, vlen, &rec.hotplug) < 0)
				r = -EBADMSG;
		} else if (KEY("ram")) {
			unsigned long long a, z;
			char tail;

			/* bounded by the size kx_state_read() reads and by KX_RANGES_MAX */
			if (sscanf(num, "%llx %llx%c", &a, &z, &tail) != 2 || a > z)
				r = -EBADMSG;
			else if (kx_ranges_add(&rec.ram, a, z) < 0)
				r = -ENOMEM;
		} else if (KEY("arg")) {
			if (rec.argc == cap) {
				char **na;

				if (cap >= KX_STATE_MAX_ARGS) {
					r = -E2BIG;
					break;
				}
				cap = cap ? cap * 2 : 8;
				na = realloc(rec.argv, (cap + 1) * sizeof(*na));
				if (!na) {
					r = -ENOMEM;
					break;
				}
				rec.argv = na;
			}
			rec.argv[rec.argc] = NULL;
			r = set_str(&rec.argv[rec.argc], v, vlen);
			if (r == 0)
				rec.argv[++rec.argc] = NULL;
		}
#undef KEY
	}
	if (r == 0 && (!have_version || !rec.syscall[0] || !rec.kernel || !rec.cmdline))
		r = kx_err_set(err, -EBADMSG, "incomplete record: version, syscall, kernel and "
			       "cmdline are required");
	else if (r == -EPROTONOSUPPORT)
		kx_err_set(err, r, "line %u: record version is not 1", lineno);
	else if (r == -ENOMEM)
		kx_err_set(err, r, "out of memory");
	else if (r == -E2BIG)
		r = kx_err_set(err, -EBADMSG, "more than %u arguments", KX_STATE_MAX_ARGS);
	else if (r < 0)
		r = kx_err_set(err, -EBADMSG, "line %u: malformed value", lineno);
	if (r < 0) {
		kx_crash_record_free(&rec);
		return r;
	}
	*ret = rec;
	return 0;
}

void kx_crash_record_free(struct kx_crash_record *rec)
{
	free(rec->kernel);
	free(rec->initrd);
	free(rec->cmdline);
	free(rec->cwd);
	kx_ranges_free(&rec->ram);
	for (size_t i = 0; i < rec->argc; i++)
		free(rec->argv[i]);
	free(rec->argv);
	*rec = (struct kx_crash_record){ 0 };
}

int kx_state_lock(const char *dir, int *ret_fd, struct kx_err *err)
{
	char path[PATH_MAX];
	int fd;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return kx_err_set(err, -errno, "cannot create the state directory %s: %s", dir,
				  strerror(errno));
	if (snprintf(path, sizeof(path), "%s/lock", dir) >= (int)sizeof(path))
		return kx_err_set(err, -ENAMETOOLONG, "state directory name too long");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return kx_err_set(err, -errno, "cannot open %s: %s", path, strerror(errno));
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;

			close(fd);
			return kx_err_set(err, -e, "cannot lock %s: %s", path, strerror(e));
		}
	}
	*ret_fd = fd;
	return 0;
}

int kx_state_write(const char *dir, const struct kx_crash_record *rec, struct kx_err *err)
{
	struct kx_atomic a;
	char *text;
	size_t len;
	bool opened;
	int dirfd, r;

	r = kx_crash_record_format(rec, &text, err);
	if (r < 0)
		return r;
	len = strlen(text);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		r = kx_err_set(err, -errno, "cannot create %s: %s", dir, strerror(errno));
		free(text);
		return r;
	}
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		r = kx_err_set(err, -errno, "cannot open %s: %s", dir, strerror(errno));
		free(text);
		return r;
	}
	r = kx_atomic_open(dirfd, KX_STATE_RECORD, true, &a, err);
	opened = r == 0;
	if (r == 0 && (r = kx_write_all(a.fd, text, len)) < 0)
		kx_err_set(err, r, "cannot write %s/%s: %s", dir, KX_STATE_RECORD, strerror(-r));
	if (r == 0)
		r = kx_atomic_commit(&a, true, true, err);
	if (r < 0 && opened)
		kx_atomic_abort(&a);
	close(dirfd);
	free(text);
	return r;
}

int kx_state_read(const char *dir, struct kx_crash_record *ret, struct kx_err *err)
{
	char path[PATH_MAX], *text;
	struct kx_err re;
	struct stat dst;
	size_t n;
	int r;

	if (snprintf(path, sizeof(path), "%s/%s", dir, KX_STATE_RECORD) >= (int)sizeof(path))
		return kx_err_set(err, -ENAMETOOLONG, "state directory name too long");
	/* the record is replayed as root: the directory and the file must be root's own */
	if (stat(dir, &dst) == 0 && kx_check_trusted(&dst, dir, err) < 0)
		return -EPERM;
	kx_err_clear(&re);
	r = kx_read_small_file(AT_FDCWD, path, NULL, RECORD_MAX_BYTES,
			       KX_READ_REGULAR | KX_READ_NOFOLLOW | KX_READ_TRUSTED, &text, &n, &re);
	if (r == -EINVAL || r == -EFBIG || r == -ELOOP)
		return kx_err_set(err, -EBADMSG, "%s is not a record of at most %u bytes", path,
				  RECORD_MAX_BYTES);
	if (r < 0) {
		if (err)
			*err = re;
		return r;
	}
	r = kx_crash_record_parse(text, n, ret, err);
	if (r < 0 && err && err->msg[0]) {
		/* name the file in front of the parser's message */
		char tmp[sizeof(err->msg)];
		int len = snprintf(tmp, sizeof(tmp), "%.200s: ", path);

		snprintf(tmp + len, sizeof(tmp) - (size_t)len, "%.*s", (int)(sizeof(tmp) - (size_t)len - 1),
			 err->msg);
		memcpy(err->msg, tmp, sizeof(tmp));
	}
	free(text);
	return r;
}

int kx_state_remove(const char *dir, struct kx_err *err)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, KX_STATE_RECORD) >= (int)sizeof(path))
		return kx_err_set(err, -ENAMETOOLONG, "state directory name too long");
	if (unlink(path) < 0 && errno != ENOENT)
		return kx_err_set(err, -errno, "cannot remove %s: %s", path, strerror(errno));
	return 0;
}

static int marker_path(const char *dir, char *path, size_t size)
{
	return snprintf(path, size, "%s/%s", dir, KX_STATE_MARKER) >= (int)size ? -ENAMETOOLONG : 0;
}

int kx_state_mark(const char *dir, const char *who, struct kx_err *err)
{
	char path[PATH_MAX], text[128];
	int fd, n, r = 0;

	if (marker_path(dir, path, sizeof(path)) < 0)
		return kx_err_set(err, -ENAMETOOLONG, "state directory name too long");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return kx_err_set(err, -errno, "cannot write %s: %s", path, strerror(errno));
	n = snprintf(text, sizeof(text), "pid %ld time %lld by %.32s\n", (long)getpid(),
		     (long long)time(NULL), who);
	if (kx_write_all(fd, text, (size_t)n) < 0 || fsync(fd) < 0)
		r = kx_err_set(err, -errno, "cannot write %s: %s", path, strerror(errno));
	close(fd);
	return r;
}

void kx_state_unmark(const char *dir)
{
	char path[PATH_MAX];

	if (marker_path(dir, path, sizeof(path)) == 0)
		unlink(path);
}

int kx_state_marked(const char *dir, char *info, size_t size)
{
	char path[PATH_MAX], *text;
	struct kx_err e;
	size_t n;
	int r;

	if (size)
		info[0] = '\0';
	if (marker_path(dir, path, sizeof(path)) < 0)
		return 0;
	kx_err_clear(&e);
	r = kx_read_small_file(AT_FDCWD, path, NULL, 128,
			       KX_READ_REGULAR | KX_READ_NOFOLLOW | KX_READ_TRUSTED, &text, &n, &e);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r == -EPERM || r == -EACCES ? -EPERM : 0;
	if (size) {
		size_t k = n < size ? n : size - 1;

		memcpy(info, text, k);
		info[k] = '\0';
		info[strcspn(info, "\n")] = '\0';
		for (size_t i = 0; info[i]; i++)
			if ((unsigned char)info[i] < 0x20 || (unsigned char)info[i] > 0x7e)
				info[i] = '?';
	}
	free(text);
	return 1;
}

bool kx_crash_record_replayable(const struct kx_crash_record *rec, char *why, size_t size)
{
	static const char *const other[] = {
		"--load", "--exec", "--unload", "--force", "--status", "--dry-run", "--help",
		"--version", "--load-preserve-context", "--load-jump-back-helper", "--reuseinitrd",
		"--print-ckr-size", "--estimate", "--elfcorehdr-out",
	};
	bool panic = false;

	for (size_t i = 1; i < rec->argc; i++) {
		const char *a = rec->argv[i];

		if (!strcmp(a, "--"))
			break;
		if (!strcmp(a, "--load-panic")) {
			panic = true;
			continue;
		}
		for (size_t k = 0; k < sizeof(other) / sizeof(other[0]); k++) {
			size_t len = strlen(other[k]);

			if (!strncmp(a, other[k], len) && (a[len] == '\0' || a[len] == '=')) {
				snprintf(why, size, "its argument %.64s is not a crash load", a);
				return false;
			}
		}
		if (a[0] != '-' || a[1] == '-' || a[1] == '\0')
			continue;
		/* a cluster of short options: -t is the only one with an argument */
		for (const char *c = a + 1; *c && *c != 't'; c++) {
			if (*c == 'p')
				panic = true;
			else if (strchr("lefuS", *c)) {
				snprintf(why, size, "its argument %.64s (-%c) is not a crash load", a, *c);
				return false;
			}
		}
		if (strchr(a + 1, 't') && !strchr(a + 1, 't')[1])
			i++;    /* "-t TYPE": skip TYPE */
	}
	if (!panic)
		snprintf(why, size, "its arguments have no -p: it is not a crash load");
	return panic;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "hpstate.h"
#include "state.h"
#include "strutil.h"

#define STATUS_MAX_BYTES 65536

int64_t kx_hp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t kx_hp_status_pending(const struct kx_hp_status *st)
{
	uint64_t n = 0;

	for (unsigned k = 0; k < KX_HP_KINDS; k++)
		n += st->pending[k];
	return n;
}

/* the numeric fields, in the order they are written */
static const struct {
	const char *key;
	size_t off;
	bool is_signed;
} numbers[] = {
#define N(f, s) { #f, offsetof(struct kx_hp_status, f), s }
	N(events, false), N(ignored, false), N(reloads, false), N(reregisters, false),
	N(failures, false), N(seq, false), N(handled, false), N(first_pending_ms, true),
	N(last_event_ms, true), N(last_reload_time, true), N(last_reload_ms, false),
#undef N
};

static const struct {
	const char *key;
	size_t off, size;
} strings[] = {
#define S(f) { #f, offsetof(struct kx_hp_status, f), sizeof(((struct kx_hp_status *)0)->f) }
	S(last_reason), S(last_error), S(mode),
#undef S
};

int kx_hp_status_format(const struct kx_hp_status *st, char **ret)
{
	char *buf, *p;
	size_t size = 4096 + 4 * (sizeof(st->last_reason) + sizeof(st->last_error) + sizeof(st->mode));
	size_t left;
	int n;

	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	p = buf;
	left = size;
#define OUT(...) do { n = snprintf(p, left, __VA_ARGS__); p += n; left -= (size_t)n; } while (0)
	OUT("# kexec-hotplug: events, reloads, the pending burst (see kexec-hotplug(8))\nversion 1\n");
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		const char *f = (const char *)st + numbers[i].off;

		if (numbers[i].is_signed)
			OUT("%s %" PRId64 "\n", numbers[i].key, *(const int64_t *)(const void *)f);
		else
			OUT("%s %" PRIu64 "\n", numbers[i].key, *(const uint64_t *)(const void *)f);
	}
	for (unsigned k = 0; k < KX_HP_KINDS; k++)
		if (st->pending[k])
			OUT("pending %s %" PRIu64 "\n", kx_hp_kind_name(k), st->pending[k]);
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		const char *f = (const char *)st + strings[i].off;

		OUT("%s ", strings[i].key);
		kx_escape(f, strnlen(f, strings[i].size), p, left);
		n = (int)strlen(p);
		p += n;
		left -= (size_t)n;
		OUT("\n");
	}
#undef OUT
	*ret = buf;
	return 0;
}

static int parse_number(const char *v, size_t vlen, bool is_signed, void *field)
{
	char num[32], *end;

	if (vlen == 0 || vlen >= sizeof(num))
		return -EBADMSG;
	memcpy(num, v, vlen);
	num[vlen] = '\0';
	errno = 0;
	if (is_signed) {
		long long x = strtoll(num, &end, 10);

		if (errno || *end)
			return -EBADMSG;
		*(int64_t *)field = x;
	} else {
		unsigned long long x;

		if (num[0] == '-')
			return -EBADMSG;
		x = strtoull(num, &end, 10);
		if (errno || *end)
			return -EBADMSG;
		*(uint64_t *)field = x;
	}
	return 0;
}

int kx_hp_status_parse(const char *text, size_t len, struct kx_hp_status *ret, struct kx_err *err)
{
	struct kx_hp_status st = { 0 };
	size_t pos = 0;
	unsigned lineno = 0;

	while (pos < len) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		const char *sp = memchr(line, ' ', n);
		size_t klen = sp ? (size_t)(sp - line) : n;
		const char *v = sp ? sp + 1 : line + n;
		size_t vlen = (size_t)(line + n - v);
		bool known = false;

		pos += n + 1;
		lineno++;
		if (n == 0 || line[0] == '#')
			continue;
#define KEY(k) (klen == strlen(k) && !memcmp(line, k, klen))
		if (KEY("version")) {
			if (vlen != 1 || v[0] != '1')
				return kx_err_set(err, -EBADMSG, "line %u: status version is not 1", lineno);
			continue;
		}
		if (KEY("pending")) {
			const char *sp2 = memchr(v, ' ', vlen);
			unsigned k;

			if (!sp2 || kx_hp_kind_parse(v, (size_t)(sp2 - v), &k) < 0)
				return kx_err_set(err, -EBADMSG, "line %u: pending: unknown kind", lineno);
			if (parse_number(sp2 + 1, (size_t)(v + vlen - sp2 - 1), false, &st.pending[k]) < 0)
				return kx_err_set(err, -EBADMSG, "line %u: pending: not a number", lineno);
			continue;
		}
		for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]) && !known; i++) {
			if (!KEY(numbers[i].key))
				continue;
			known = true;
			if (parse_number(v, vlen, numbers[i].is_signed, (char *)&st + numbers[i].off) < 0)
				return kx_err_set(err, -EBADMSG, "line %u: %s: not a number", lineno,
						  numbers[i].key);
		}
		for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]) && !known; i++) {
			char *s;

			if (!KEY(strings[i].key))
				continue;
			known = true;
			s = kx_state_unescape(v, vlen);
			if (!s)
				return kx_err_set(err, -EBADMSG, "line %u: malformed value", lineno);
			snprintf((char *)&st + strings[i].off, strings[i].size, "%s", s);
			free(s);
		}
#undef KEY
		/* unknown keys: a newer kexec-hotplug wrote them */
	}
	*ret = st;
	return 0;
}

static int read_status(int dirfd, const char *dir, struct kx_hp_status *ret, struct kx_err *err)
{
	struct kx_err re, pe;
	char name[PATH_MAX], *text;
	size_t n;
	int r;

	snprintf(name, sizeof(name), "%s/%s", dir, KX_HP_STATUS_FILE);
	kx_err_clear(&re);
	r = kx_read_small_file(dirfd, KX_HP_STATUS_FILE, name, STATUS_MAX_BYTES,
			       KX_READ_REGULAR | KX_READ_NOFOLLOW, &text, &n, &re);
	if (r == -ENOENT) {
		*ret = (struct kx_hp_status){ 0 };
		return 0;
	}
	if (r == -EINVAL || r == -EFBIG || r == -ELOOP)
		return kx_err_set(err, -EBADMSG, "%s/%s is not a status file of at most %u bytes; "
				  "remove it", dir, KX_HP_STATUS_FILE, STATUS_MAX_BYTES);
	if (r < 0) {
		if (err)
			*err = re;
		return r;
	}
	kx_err_clear(&pe);
	r = kx_hp_status_parse(text, n, ret, &pe);
	if (r < 0)
		kx_err_set(err, r, "%.200s/%s: %.200s; remove it to start the counters afresh", dir,
			   KX_HP_STATUS_FILE, pe.msg);
	free(text);
	return r;
}

int kx_hp_status_load(const char *dir, struct kx_hp_status *ret, struct kx_err *err)
{
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (dirfd < 0 && errno == ENOENT) {
		*ret = (struct kx_hp_status){ 0 };
		return 0;
	}
	if (dirfd < 0)
		return kx_err_set(err, -errno, "cannot open %s: %s", dir, strerror(errno));
	r = read_status(dirfd, dir, ret, err);
	close(dirfd);
	return r;
}

/* temporary file + rename; no fsync: the counters live on /run (tmpfs) and a torn write is
 * impossible, a lost one harmless */
static int write_status(int dirfd, const char *dir, const struct kx_hp_status *st,
			struct kx_err *err)
{
	static const char tmp[] = KX_HP_STATUS_FILE ".tmp";
	char *text;
	size_t len;
	int fd, r = 0;

	if (kx_hp_status_format(st, &text) < 0)
		return kx_err_set(err, -ENOMEM, "out of memory");
	len = strlen(text);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		r = kx_err_set(err, -errno, "cannot create %s/%s: %s", dir, tmp, strerror(errno));
	if (r == 0 && (r = kx_write_all(fd, text, len)) < 0)
		kx_err_set(err, r, "cannot write %s/%s: %s", dir, tmp, strerror(-r));
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = kx_err_set(err, -errno, "cannot write %s/%s: %s", dir, tmp, strerror(errno));
	if (r == 0 && renameat(dirfd, tmp, dirfd, KX_HP_STATUS_FILE) < 0)
		r = kx_err_set(err, -errno, "cannot rename %s/%s: %s", dir, tmp, strerror(errno));
	if (r < 0)
		unlinkat(dirfd, tmp, 0);
	free(text);
	return r;
}

int kx_hp_status_update(const char *dir, bool (*fn)(struct kx_hp_status *st, void *ctx), void *ctx,
			struct kx_hp_status *ret_after, struct kx_err *err)
{
	struct kx_hp_status st;
	int dirfd, lockfd, r;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return kx_err_set(err, -errno, "cannot create the state directory %s: %s", dir,
				  strerror(errno));
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return kx_err_set(err, -errno, "cannot open %s: %s", dir, strerror(errno));
	lockfd = openat(dirfd, KX_HP_STATUS_LOCK, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lockfd < 0) {
		r = kx_err_set(err, -errno, "cannot open %s/%s: %s", dir, KX_HP_STATUS_LOCK,
			       strerror(errno));
		close(dirfd);
		return r;
	}
	while ((r = flock(lockfd, LOCK_EX)) < 0 && errno == EINTR)
		;
	if (r < 0)
		r = kx_err_set(err, -errno, "cannot lock %s/%s: %s", dir, KX_HP_STATUS_LOCK,
			       strerror(errno));
	if (r == 0) {
		struct kx_err re;

		kx_err_clear(&re);
		r = read_status(dirfd, dir, &st, &re);
		if (r == -EBADMSG || r == -EPROTO || r == -EOVERFLOW || r == -EINVAL) {
			/* a status that cannot be read must not stop every later reload: keep it
			 * aside for the admin and count afresh, saying so in last_error */
			char *advice = strstr(re.msg, "; remove it");

			if (advice)
				*advice = '\0';        /* done here instead */
			renameat(dirfd, KX_HP_STATUS_FILE, dirfd, KX_HP_STATUS_FILE ".bad");
			st = (struct kx_hp_status){ 0 };
			snprintf(st.last_error, sizeof(st.last_error), "%.300s: moved to %s.bad, "
				 "counters started afresh", re.msg, KX_HP_STATUS_FILE);
			fn(&st, ctx);
			r = write_status(dirfd, dir, &st, err);
			goto done;
		}
		if (r < 0 && err)
			*err = re;
	}
	if (r == 0 && fn(&st, ctx))
		r = write_status(dirfd, dir, &st, err);
done:
	if (r == 0 && ret_after)
		*ret_after = st;
	close(lockfd);
	close(dirfd);
	return r;
}

int kx_hp_worker_lock(const char *dir, int *ret_fd, struct kx_err *err)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, KX_HP_WORKER_LOCK);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return kx_err_set(err, -errno, "cannot open %s: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int r = errno == EWOULDBLOCK ? -EWOULDBLOCK : -errno;

		close(fd);
		if (r != -EWOULDBLOCK)
			kx_err_set(err, r, "cannot lock %s: %s", path, strerror(-r));
		return r;
	}
	*ret_fd = fd;
	return 0;
}

bool kx_hp_worker_running(const char *dir)
{
	struct kx_err e;
	int fd;

	kx_err_clear(&e);
	if (kx_hp_worker_lock(dir, &fd, &e) == -EWOULDBLOCK)
		return true;
	if (!e.code)
		close(fd);
	return false;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fadump.h"
#include "fileio.h"
#include "hotplug.h"
#include "kexecsys.h"

#define IOMEM_MAX_BYTES (64u << 20)

/* Read a whole file under the sysroot into a new NUL-terminated buffer of at most `max` bytes. */
static int read_all(const struct kx_sysroot *s, const char *path, size_t max, char **ret,
		    size_t *ret_len, struct kx_err *err)
{
	char full[PATH_MAX];

	if (!kx_sysroot_path(s, path, full, sizeof(full)))
		return kx_err_set(err, -ENAMETOOLONG, "cannot open %s: %s", path,
				  strerror(ENAMETOOLONG));
	return kx_read_small_file(AT_FDCWD, full, path, max, 0, ret, ret_len, err);
}

static int read_int(const struct kx_sysroot *s, const char *path, int base, uint64_t *ret)
{
	return kx_sysroot_read_u64(s, path, base, ret);
}

/* The 2025+ /sys/kernel/kexec/NAME, else the old /sys/kernel/OLDNAME. */
static int read_kexec_attr(const struct kx_sysroot *s, const char *name, const char *oldname,
			   uint64_t *ret)
{
	char path[128];
	int r;

	snprintf(path, sizeof(path), "/sys/kernel/kexec/%s", name);
	r = read_int(s, path, 10, ret);
	if (r == -ENOENT || r == -ENOTDIR) {
		snprintf(path, sizeof(path), "/sys/kernel/%s", oldname);
		r = read_int(s, path, 10, ret);
	}
	return r;
}

static int tri(int r, uint64_t v)
{
	return r < 0 ? KX_TRI_UNKNOWN : v != 0;
}

/* 0, 1, or unknown (absent, unreadable, not a number) */
static int read_tri(const struct kx_sysroot *s, const char *path)
{
	uint64_t v = 0;
	int r = read_int(s, path, 10, &v);

	return tri(r, v);
}

static const char *const hp_paths[KX_HP_SUBSYSTEMS] = {
	[KX_HP_MEMORY] = "/sys/devices/system/memory/crash_hotplug",
	[KX_HP_CPU] = "/sys/devices/system/cpu/crash_hotplug",
};

int kx_read_crash_loaded_settled(const struct kx_sysroot *s)
{
	int v = kx_read_crash_loaded(s);

	for (unsigned n = 1; v == 0 && n < KX_CRASH_LOADED_READS; n++) {
		nanosleep(&(struct timespec){ 0, KX_CRASH_LOADED_READ_MS * 1000000L }, NULL);
		v = kx_read_crash_loaded(s);
	}
	return v;
}

const char *kx_crash_loaded_path(const struct kx_sysroot *s)
{
	uint64_t v;
	int r = read_int(s, "/sys/kernel/kexec/crash_loaded", 10, &v);

	return r == -ENOENT || r == -ENOTDIR ? "/sys/kernel/kexec_crash_loaded"
					     : "/sys/kernel/kexec/crash_loaded";
}

int kx_read_crash_loaded(const struct kx_sysroot *s)
{
	uint64_t v = 0;
	int r = read_kexec_attr(s, "crash_loaded", "kexec_crash_loaded", &v);

	return tri(r, v);
}

void kx_hp_sys_read(const struct kx_sysroot *s, bool expect_kernel, unsigned rereads,
		    unsigned reread_ms, struct kx_hp_sys *ret)
{
	struct kx_fadump_state fa;
	char buf[64];
	size_t len;

	*ret = (struct kx_hp_sys){ 0 };
	ret->crash_loaded = kx_read_crash_loaded(s);
	kx_fadump_read(s, &fa);
	ret->fadump_enabled = fa.enabled;
	ret->fadump_registered = fa.registered;
	ret->fadump_hotplug_ready = fa.hotplug_ready;
	if (kx_sysroot_read(s, "/sys/firmware/dump/dump_type", buf, sizeof(buf), &len) == 0)
		ret->standalone_dump = len > 0 && strncmp(buf, "none", 4) != 0;
	if (kx_sysroot_read(s, "/proc/sys/kernel/arch", buf, sizeof(buf), &len) == 0)
		ret->s390 = !strncmp(buf, "s390", 4);
	for (unsigned i = 0; i < KX_HP_SUBSYSTEMS; i++) {
		ret->crash_hotplug[i] = read_tri(s, hp_paths[i]);
		/* 0 while the kernel's kexec lock is busy: read again before believing it */
		for (unsigned n = 0; expect_kernel && ret->crash_hotplug[i] == 0 && n < rereads; n++) {
			nanosleep(&(struct timespec){ reread_ms / 1000, (long)(reread_ms % 1000) * 1000000 },
				  NULL);
			ret->crash_hotplug[i] = read_tri(s, hp_paths[i]);
			ret->rereads[i]++;
		}
	}
}

static void read_text_line(const struct kx_sysroot *s, const char *path, char *buf, size_t size)
{
	size_t len = 0;

	if (kx_sysroot_read(s, path, buf, size, &len) < 0) {
		buf[0] = '\0';
		return;
	}
	while (len && isspace((unsigned char)buf[len - 1]))
		buf[--len] = '\0';
}

static long long read_limit(const struct kx_sysroot *s, const char *path)
{
	char buf[32];
	char *end;
	long long v;

	read_text_line(s, path, buf, sizeof(buf));
	if (!buf[0])
		return -2;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || *end || v < -1)
		return -2;
	return v;
}

void kx_kexec_sys_read(const struct kx_sysroot *s, struct kx_kexec_sys *k)
{
	uint64_t v = 0;
	char buf[128];
	int r;

	memset(k, 0, sizeof(*k));
	read_text_line(s, "/proc/sys/kernel/osrelease", k->osrelease, sizeof(k->osrelease));
	if (sscanf(k->osrelease, "%u.%u", &k->kver_major, &k->kver_minor) != 2)
		k->kver_major = k->kver_minor = 0;
	read_text_line(s, "/proc/sys/kernel/arch", k->arch, sizeof(k->arch));
	if (!k->arch[0] && !s->root[0]) {
		struct utsname u;

		if (uname(&u) == 0)
			snprintf(k->arch, sizeof(k->arch), "%s", u.machine);
	}

	r = read_kexec_attr(s, "loaded", "kexec_loaded", &v);
	k->kexec_loaded = tri(r, v);
	k->crash_loaded = kx_read_crash_loaded(s);
	r = read_kexec_attr(s, "crash_size", "kexec_crash_size", &v);
	k->has_crash_size = r == 0;
	k->crash_size = r == 0 ? v : 0;
	r = read_kexec_attr(s, "crash_elfcorehdr_size", "crash_elfcorehdr_size", &v);
	k->has_elfcorehdr_size = r == 0;
	k->elfcorehdr_size = r == 0 ? v : 0;
	k->mem_crash_hotplug = read_tri(s, hp_paths[KX_HP_MEMORY]);
	k->cpu_crash_hotplug = read_tri(s, hp_paths[KX_HP_CPU]);
	r = read_int(s, "/proc/sys/kernel/kexec_load_disabled", 10, &v);
	k->kexec_load_disabled = tri(r, v);
	k->load_limit_panic = read_limit(s, "/proc/sys/kernel/kexec_load_limit_panic");
	k->load_limit_reboot = read_limit(s, "/proc/sys/kernel/kexec_load_limit_reboot");

	/* "none [integrity] confidentiality": the bracketed one is active */
	read_text_line(s, "/sys/kernel/security/lockdown", buf, sizeof(buf));
	{
		char *lb = strchr(buf, '['), *rb = lb ? strchr(lb, ']') : NULL;

		if (lb && rb && (size_t)(rb - lb - 1) < sizeof(k->lockdown)) {
			memcpy(k->lockdown, lb + 1, (size_t)(rb - lb - 1));
			k->lockdown[rb - lb - 1] = '\0';
		}
	}
}

bool kx_kver_at_least(const struct kx_kexec_sys *k, unsigned major, unsigned minor)
{
	if (!k->kver_major)
		return false;
	return k->kver_major > major || (k->kver_major == major && k->kver_minor >= minor);
}

int kx_read_iomem(const struct kx_sysroot *s, struct kx_iomem *ret, struct kx_err *err)
{
	char *text;
	size_t len;
	int r;

	r = read_all(s, "/proc/iomem", IOMEM_MAX_BYTES, &text, &len, err);
	if (r < 0)
		return r;
	r = kx_iomem_parse(text, len, ret, err);
	free(text);
	return r;
}

static int cmp_cpu(const void *a, const void *b)
{
	const struct kx_crash_cpu *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* "cpu" followed by decimal digits only, N < KX_CRASH_MAX_CPUS * 16 */
static bool cpu_dir_name(const char *name, unsigned *ret)
{
	unsigned long v;
	char *end;

	if (strncmp(name, "cpu", 3) || !isdigit((unsigned char)name[3]))
		return false;
	errno = 0;
	v = strtoul(name + 3, &end, 10);
	if (errno || *end || v > 1000000)
		return false;
	*ret = (unsigned)v;
	return true;
}

int kx_read_crash_cpus(const struct kx_sysroot *s, struct kx_crash_cpu **ret, size_t *ret_n,
		       struct kx_err *err)
{
	const char *cpudir = "/sys/devices/system/cpu";
	struct kx_crash_cpu *cpus = NULL;
	size_t n = 0, cap = 0, missing = 0;
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (!kx_sysroot_path(s, cpudir, path, sizeof(path)))
		return kx_err_set(err, -ENAMETOOLONG, "sysroot path too long");
	d = opendir(path);
	if (!d)
		return kx_err_set(err, -errno, "cannot read %s: %s", cpudir, strerror(errno));
	while ((de = readdir(d))) {
		struct kx_crash_cpu c = { 0 };
		char p[128];

		if (!cpu_dir_name(de->d_name, &c.id))
			continue;
		snprintf(p, sizeof(p), "%s/%.16s/crash_notes", cpudir, de->d_name);
		r = read_int(s, p, 16, &c.notes_addr);
		if (r == -ENOENT) {
			missing++;
			r = 0;
			continue;
		}
		if (r < 0) {
			r = kx_err_set(err, r, "cannot read %s: %s", p, r == -EINVAL ?
				       "not a hex address" : strerror(-r));
			break;
		}
		snprintf(p, sizeof(p), "%s/%.16s/crash_notes_size", cpudir, de->d_name);
		r = read_int(s, p, 10, &c.notes_size);
		if (r < 0) {
			r = kx_err_set(err, r, "cannot read %s: %s", p, r == -EINVAL ?
				       "not a decimal size" : strerror(-r));
			break;
		}
		if (c.notes_size == 0 || c.notes_size > (1u << 20) || c.notes_addr == 0) {
			r = kx_err_set(err, -EBADMSG, "%s/%s: crash_notes at %#llx of %llu bytes is "
				       "not a note buffer", cpudir, de->d_name,
				       (unsigned long long)c.notes_addr,
				       (unsigned long long)c.notes_size);
			break;
		}
		if (n == cap) {
			struct kx_crash_cpu *nc;

			if (n >= KX_CRASH_MAX_CPUS) {
				r = kx_err_set(err, -EBADMSG, "%s: more than %u CPUs with crash_notes",
					       cpudir, KX_CRASH_MAX_CPUS);
				break;
			}
			cap = cap ? cap * 2 : 16;
			nc = realloc(cpus, cap * sizeof(*nc));
			if (!nc) {
				r = kx_err_set(err, -ENOMEM, "out of memory");
				break;
			}
			cpus = nc;
		}
		cpus[n++] = c;
	}
	closedir(d);
	if (r == 0 && n == 0)
		r = kx_err_set(err, -ENOENT, "no CPU in %s has crash_notes (%zu CPUs without): the "
			       "kernel has no kdump support (CONFIG_CRASH_DUMP)", cpudir, missing);
	if (r < 0) {
		free(cpus);
		return r;
	}
	qsort(cpus, n, sizeof(*cpus), cmp_cpu);
	*ret = cpus;
	*ret_n = n;
	return 0;
}

int kx_read_possible_cpus(const struct kx_sysroot *s, unsigned *ret, struct kx_err *err)
{
	char buf[4096], *p, *tok, *save = NULL;
	unsigned long total = 0;
	int r;

	r = kx_sysroot_read(s, "/sys/devices/system/cpu/possible", buf, sizeof(buf), NULL);
	if (r < 0)
		return kx_err_set(err, r, "cannot read /sys/devices/system/cpu/possible: %s",
				  strerror(-r));
	buf[strcspn(buf, "\n")] = '\0';
	for (p = buf; (tok = strtok_r(p, ",", &save)); p = NULL) {
		unsigned long a, b;
		char *end;

		errno = 0;
		a = strtoul(tok, &end, 10);
		b = a;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		if (errno || *end || end == tok || b < a || b >= KX_CRASH_MAX_CPUS)
			return kx_err_set(err, -EBADMSG, "/sys/devices/system/cpu/possible: \"%.40s\" is "
					  "not a CPU list below %u", tok, KX_CRASH_MAX_CPUS);
		total += b - a + 1;
	}
	if (!total || total > KX_CRASH_MAX_CPUS)
		return kx_err_set(err, -EBADMSG, "/sys/devices/system/cpu/possible lists %lu CPUs",
				  total);
	*ret = (unsigned)total;
	return 0;
}

int kx_read_vmcoreinfo(const struct kx_sysroot *s, uint64_t *ret_addr, uint64_t *ret_size,
		       struct kx_err *err)
{
	unsigned long long addr, size;
	char buf[128], extra;
	int r;

	r = kx_sysroot_read(s, "/sys/kernel/vmcoreinfo", buf, sizeof(buf), NULL);
	if (r < 0)
		return kx_err_set(err, r, "cannot read /sys/kernel/vmcoreinfo: %s", strerror(-r));
	if (sscanf(buf, "%llx %llx %c", &addr, &size, &extra) != 2 || !addr || !size ||
	    size > (1u << 20))
		return kx_err_set(err, -EBADMSG, "/sys/kernel/vmcoreinfo: expected \"ADDR SIZE\" in "
				  "hex, got \"%.40s\"", buf);
	*ret_addr = addr;
	*ret_size = size;
	return 0;
}

int kx_read_kallsyms(const struct kx_sysroot *s, const char *const *names, uint64_t *values,
		     bool *found, size_t n, struct kx_err *err)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0, left = n;
	bool all_zero = true;
	FILE *fp;
	int r = 0;

	for (size_t i = 0; i < n; i++)
		found[i] = false;
	if (!kx_sysroot_path(s, "/proc/kallsyms", path, sizeof(path)))
		return kx_err_set(err, -ENAMETOOLONG, "sysroot path too long");
	fp = fopen(path, "re");
	if (!fp)
		return kx_err_set(err, -errno, "cannot open /proc/kallsyms: %s", strerror(errno));
	/*
	 * 100,000 lines and more: the name is compared first and only a wanted line is parsed (a
	 * sscanf per line cost seconds of a load in a TCG guest).
	 */
	while (left) {
		ssize_t len = getline(&line, &cap, fp);
		unsigned long long addr;
		char type, *tail;
		size_t i;

		if (len <= 0)
			break;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		tail = strrchr(line, ' ');
		/* core kernel symbols only: "ADDR T name"; module symbols end in "\t[mod]" */
		if (!tail || strchr(tail, '\t'))
			continue;
		tail++;
		for (i = 0; i < n; i++)
			if (!found[i] && !strcmp(tail, names[i]))
				break;
		if (i == n || sscanf(line, "%llx %c", &addr, &type) != 2)
			continue;
		if (addr)
			all_zero = false;
		found[i] = true;
		values[i] = addr;
		left--;
	}
	if (ferror(fp))
		r = kx_err_set(err, -EIO, "error reading /proc/kallsyms");
	free(line);
	fclose(fp);
	if (r == 0 && all_zero && left < n)
		r = kx_err_set(err, -EACCES, "/proc/kallsyms shows every address as 0 "
			       "(kernel.kptr_restrict, or not root): run as root");
	return r;
}

static uint64_t get(const unsigned char *p, unsigned bytes, bool big)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (big ? 8 * (bytes - 1 - i) : 8 * i);
	return v;
}

/* /proc/kcore's program headers (56 bytes each), read whole. */
static int read_kcore_phdrs(const struct kx_sysroot *s, unsigned char **ret, unsigned *ret_n,
			    bool *ret_big, struct kx_err *err)
{
	_cleanup_close_ int fd = kx_sysroot_open(s, "/proc/kcore", O_RDONLY);
	uint64_t phoff;
	unsigned phnum, phentsize;
	unsigned char eh[64], *ph;
	ssize_t got;
	bool big;

	if (fd < 0)
		return kx_err_set(err, fd, "cannot open /proc/kcore: %s", strerror(-fd));
	got = pread(fd, eh, sizeof(eh), 0);
	if (got != (ssize_t)sizeof(eh) || memcmp(eh, ELFMAG, SELFMAG) || eh[EI_CLASS] != ELFCLASS64 ||
	    (eh[EI_DATA] != ELFDATA2LSB && eh[EI_DATA] != ELFDATA2MSB))
		return kx_err_set(err, -EBADMSG, "/proc/kcore is not an ELF64 core file");
	big = eh[EI_DATA] == ELFDATA2MSB;
	phoff = get(eh + 32, 8, big);
	phentsize = (unsigned)get(eh + 54, 2, big);
	phnum = (unsigned)get(eh + 56, 2, big);
	if (phentsize != 56 || phnum == 0 || phoff > (1u << 20))
		return kx_err_set(err, -EBADMSG, "/proc/kcore: unexpected program header table "
				  "(%u entries of %u bytes at %llu)", phnum, phentsize,
				  (unsigned long long)phoff);
	ph = malloc((size_t)phnum * 56);
	if (!ph)
		return kx_err_set(err, -ENOMEM, "out of memory");
	got = pread(fd, ph, (size_t)phnum * 56, (off_t)phoff);
	if (got != (ssize_t)phnum * 56) {
		free(ph);
		return kx_err_set(err, -EBADMSG, "/proc/kcore: program headers truncated");
	}
	*ret = ph;
	*ret_n = phnum;
	*ret_big = big;
	return 0;
}

int kx_read_page_offset(const struct kx_sysroot *s, uint64_t *ret, struct kx_err *err)
{
	_cleanup_free_ unsigned char *ph = NULL;
	uint64_t best_vaddr = UINT64_MAX, best = 0;
	unsigned phnum;
	bool big;
	int r = read_kcore_phdrs(s, &ph, &phnum, &big, err);

	if (r < 0)
		return r;
	for (unsigned i = 0; i < phnum; i++) {
		const unsigned char *p = ph + (size_t)i * 56;
		uint64_t vaddr = get(p + 16, 8, big), paddr = get(p + 24, 8, big);

		/* RAM (and kernel text) have a physical address; vmalloc and vmemmap have -1 */
		if (get(p, 4, big) != PT_LOAD || paddr == UINT64_MAX || vaddr < paddr)
			continue;
		if (vaddr < best_vaddr) {
			best_vaddr = vaddr;
			best = vaddr - paddr;
		}
	}
	if (best_vaddr == UINT64_MAX)
		return kx_err_set(err, -ENODATA, "/proc/kcore has no segment with a physical address");
	*ret = best;
	return 0;
}

int kx_read_kcore_text(const struct kx_sysroot *s, uint64_t paddr, uint64_t *ret_vaddr,
		       uint64_t *ret_paddr, uint64_t *ret_size, struct kx_err *err)
{
	_cleanup_free_ unsigned char *ph = NULL;
	uint64_t best_vaddr = 0, best_paddr = 0, best_size = 0;
	unsigned phnum;
	bool big;
	int r = read_kcore_phdrs(s, &ph, &phnum, &big, err);

	if (r < 0)
		return r;
	for (unsigned i = 0; i < phnum; i++) {
		const unsigned char *p = ph + (size_t)i * 56;
		uint64_t vaddr = get(p + 16, 8, big), start = get(p + 24, 8, big);
		uint64_t memsz = get(p + 40, 8, big);

		if (get(p, 4, big) != PT_LOAD || start == UINT64_MAX || paddr < start ||
		    paddr - start >= memsz || vaddr <= best_vaddr)
			continue;
		best_vaddr = vaddr;
		best_paddr = start;
		best_size = memsz;
	}
	if (!best_size)
		return kx_err_set(err, -ENODATA, "/proc/kcore has no segment at the physical "
				  "address %#llx", (unsigned long long)paddr);
	*ret_vaddr = best_vaddr;
	*ret_paddr = best_paddr;
	*ret_size = best_size;
	return 0;
}

int kx_read_crash_cma(const struct kx_sysroot *s, struct kx_ranges *ret, struct kx_err *err)
{
	char *text, *p, *line;
	size_t len;
	int r;

	r = read_all(s, "/sys/kernel/kexec/crash_cma_ranges", 1u << 20, &text, &len, err);
	if (r == -ENOENT || r == -ENOTDIR) {
		kx_err_clear(err);
		return 0;
	}
	if (r < 0)
		return r;
	for (p = text; (line = strsep(&p, "\n"));) {
		unsigned long long a, b;
		char extra;

		if (!*line)
			continue;
		if (sscanf(line, "%llx-%llx %c", &a, &b, &extra) != 2 || a > b) {
			r = kx_err_set(err, -EBADMSG, "/sys/kernel/kexec/crash_cma_ranges: expected "
				       "\"START-END\" in hex, got \"%.40s\"", line);
			break;
		}
		r = kx_ranges_add(ret, a, b);
		if (r < 0) {
			r = kx_err_set(err, r, "too many crash CMA ranges");
			break;
		}
	}
	free(text);
	return r;
}

int kx_read_system_ram(const struct kx_sysroot *s, struct kx_ranges *ret, struct kx_err *err)
{
	struct kx_crashmem mem;
	struct kx_iomem iomem;
	int r = kx_read_iomem(s, &iomem, err);

	if (r < 0)
		return r;
	r = kx_crashmem_build(&iomem, NULL, NULL, &mem, err);
	kx_iomem_free(&iomem);
	if (r < 0)
		return r;
	*ret = mem.ram;
	mem.ram = (struct kx_ranges){ 0 };
	kx_crashmem_free(&mem);
	return 0;
}

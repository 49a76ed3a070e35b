/*
 * mkvmcore - write a synthetic vmcore (an ELF core file laid out the way Linux
 * /proc/vmcore presents it) for tests, fixtures, fuzz seeds and benchmarks.
 *
 * libelf writes the ELF header and the program headers and converts note
 * headers to the file's byte order; segment content is streamed with pwrite()
 * in chunks of at most CHUNK bytes, and zero content is left as a hole, so
 * memory use does not depend on the size of the dump.
 *
 * Three phases: parse the command line into a model (struct opts), compute the
 * file layout from it (struct layout), write the file.  Every check that can
 * be made happens before OUTPUT is created.  Functions return 0 or the exit
 * status (EX_IO, EX_USAGE) with errmsg filled; main() reports once.
 *
 * The usage text and the layout format are documented in mkvmcore.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <getopt.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG		"mkvmcore"
#define CHUNK		(1u << 20)	/* largest buffer used for content */
#define DD_NAME_MAX	44		/* VMCOREDD_MAX_NAME_BYTES */
#define DD_HDR_SIZE	64		/* note header 12 + "LINUX\0\0\0" 8 + name 44 */
#define DD_NOTE_TYPE	0x700		/* NT_VMCOREDD */
#define DD_MANY_MAX	1000000u
#define MAX_FILE_SIZE	((uint64_t)INT64_MAX)

enum { EX_IO = 1, EX_USAGE = 2 };

static char errmsg[1024];

static int fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
	return status;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p) {
		fprintf(stderr, PROG ": out of memory\n");
		exit(EX_IO);
	}
	return p;
}

static void *xreallocarray(void *p, size_t n, size_t size)
{
	p = reallocarray(p, n ? n : 1, size);
	if (!p) {
		fprintf(stderr, PROG ": out of memory\n");
		exit(EX_IO);
	}
	return p;
}

static char *xstrdup(const char *str)
{
	char *p = strdup(str);

	if (!p) {
		fprintf(stderr, PROG ": out of memory\n");
		exit(EX_IO);
	}
	return p;
}

static uint64_t pad4(uint64_t n)
{
	return (n + 3) & ~(uint64_t)3;
}

/* Round up to a power of two; false on overflow. */
static bool roundup_pow2(uint64_t n, uint64_t align, uint64_t *ret)
{
	if (n > UINT64_MAX - (align - 1))
		return false;
	*ret = (n + align - 1) & ~(align - 1);
	return true;
}

/* ---------------------------------------------------------------- model */

enum fill_kind { FILL_NONE, FILL_PATTERN, FILL_ZERO, FILL_BYTE, FILL_FILE };

/* Content that is streamed, never held in memory. */
struct content {
	enum fill_kind kind;
	uint8_t byte;		/* FILL_BYTE */
	const char *path;	/* FILL_FILE, points into argv */
	uint64_t size;
	unsigned ordinal;	/* FILL_PATTERN: item number among dd/load items */
};

enum note_kind { NOTE_DD, NOTE_PRSTATUS, NOTE_VMCOREINFO, NOTE_RAW };

struct note {
	enum note_kind kind;
	uint8_t *owner;		/* name field bytes before the NUL padding */
	size_t owner_len;
	uint32_t namesz, type;
	uint64_t descsz;
	uint8_t *prefix;	/* first desc bytes, held in memory */
	size_t prefix_len;
	struct content data;	/* desc bytes after the prefix, streamed */
	uint8_t dd_name[DD_NAME_MAX];
	size_t dd_name_len;
	const char *prstatus_arg;	/* built once class and machine are known */
	uint64_t offset;	/* layout */
	size_t dd_index;	/* layout */
};

struct load {
	uint64_t paddr, vaddr;
	bool vaddr_given;
	struct content data;
	uint64_t offset;	/* layout */
};

struct set {
	const char *arg;
	uint64_t offset, value;	/* resolved after layout */
	unsigned width;
};

struct opts {
	int cls;		/* ELFCLASS64 / ELFCLASS32 */
	bool big;
	uint16_t machine, etype;
	uint64_t page;
	bool cli_order, split, layout;
	bool truncate_given;
	uint64_t truncate;
	struct note *notes;
	size_t nnotes;
	struct load *loads;
	size_t nloads, loads_cap;
	char **lines;		/* --loads-from: the lines the loads point into */
	size_t nlines, lines_cap;
	struct set *sets;
	size_t nsets;
	unsigned next_ordinal;
	const char *output;
};

struct layout {
	size_t ehsize, phoff, phentsize, phnum, n_note_phdrs;
	uint64_t shoff;		/* phnum >= PN_XNUM: section header 0 */
	size_t shentsize;
	GElf_Phdr *phdrs;
	struct note **order;	/* notes in file order */
	uint64_t file_size;
};

/* ------------------------------------------------------------ parsing */

/* Length of the field at s: up to the first comma not escaped by a backslash. */
static size_t field_len(const char *s)
{
	size_t i = 0;

	while (s[i] && s[i] != ',')
		i += (s[i] == '\\' && s[i + 1]) ? 2 : 1;
	return i;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode \xNN \\ \, \n \t; anything else after a backslash is an error. */
static int decode_escapes(const char *opt, const char *s, size_t n,
			  uint8_t **ret, size_t *ret_len)
{
	uint8_t *p = xcalloc(n + 1, 1);
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] != '\\') {
			p[len++] = (uint8_t)s[i];
			continue;
		}
		if (++i == n) {
			free(p);
			return fail(EX_USAGE, "%s: trailing backslash in '%.*s'",
				    opt, (int)n, s);
		}
		switch (s[i]) {
		case '\\': p[len++] = '\\'; break;
		case ',': p[len++] = ','; break;
		case 'n': p[len++] = '\n'; break;
		case 't': p[len++] = '\t'; break;
		case 'x':
			hi = i + 1 < n ? hexval(s[i + 1]) : -1;
			lo = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				free(p);
				return fail(EX_USAGE, "%s: '\\x' needs two hex digits in '%.*s'",
					    opt, (int)n, s);
			}
			p[len++] = (uint8_t)(hi << 4 | lo);
			i += 2;
			break;
		default:
			free(p);
			return fail(EX_USAGE, "%s: unknown escape '\\%c' in '%.*s' (use \\xNN)",
				    opt, s[i], (int)n, s);
		}
	}
	*ret = p;
	*ret_len = len;
	return 0;
}

/* Decimal or 0x hex, no sign, no blanks, no overflow. */
static bool parse_num(const char *s, size_t n, uint64_t *ret)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	}
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		int d = hexval((unsigned char)s[i]);

		if (d < 0 || (unsigned)d >= base || v > (UINT64_MAX - (unsigned)d) / base)
			return false;
		v = v * base + (unsigned)d;
	}
	*ret = v;
	return true;
}

static bool parse_snum(const char *s, size_t n, int64_t min, int64_t max, int64_t *ret)
{
	bool neg = n > 0 && s[0] == '-';
	uint64_t v;

	if (!parse_num(s + neg, n - neg, &v))
		return false;
	if (neg ? v > (uint64_t)-(min + 1) + 1 : v > (uint64_t)max)
		return false;
	*ret = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* Number with an optional binary K/M/G suffix. */
static bool parse_size(const char *s, size_t n, uint64_t *ret)
{
	unsigned shift = 0;
	uint64_t v;

	if (n > 0) {
		switch (s[n - 1]) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		}
		if (shift)
			n--;
	}
	if (!parse_num(s, n, &v) || v > (UINT64_MAX >> shift))
		return false;
	*ret = v << shift;
	return true;
}

static int stat_regular(const char *opt, const char *path, uint64_t *ret_size)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return fail(EX_IO, "%s: %s: %s", opt, path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(EX_USAGE, "%s: %s: not a regular file (its size is needed)", opt, path);
	*ret_size = (uint64_t)st.st_size;
	return 0;
}

/* FILL: pattern | zero | byte=N | file=PATH (PATH is the rest of the argument). */
static int parse_fill(const char *opt, const char *s, struct content *c)
{
	uint64_t v;

	if (!s || !strcmp(s, "pattern")) {
		c->kind = FILL_PATTERN;
	} else if (!strcmp(s, "zero")) {
		c->kind = FILL_ZERO;
	} else if (!strncmp(s, "byte=", 5)) {
		if (!parse_num(s + 5, strlen(s + 5), &v) || v > 0xff)
			return fail(EX_USAGE, "%s: bad fill '%s' (byte=0..0xff)", opt, s);
		c->kind = FILL_BYTE;
		c->byte = (uint8_t)v;
	} else if (!strncmp(s, "file=", 5)) {
		struct stat st;

		if (!s[5])
			return fail(EX_USAGE, "%s: fill 'file=' needs a PATH", opt);
		if (stat(s + 5, &st) < 0)
			return fail(EX_IO, "%s: %s: %s", opt, s + 5, strerror(errno));
		c->kind = FILL_FILE;
		c->path = s + 5;
	} else {
		return fail(EX_USAGE, "%s: unknown fill '%s' (pattern, zero, byte=0xNN, file=PATH)",
			    opt, s);
	}
	return 0;
}

/* SIZE field; '-' means the size of the file=PATH fill. */
static int parse_content_size(const char *opt, const char *s, size_t n, struct content *c)
{
	if (n == 1 && s[0] == '-') {
		if (c->kind != FILL_FILE)
			return fail(EX_USAGE, "%s: SIZE '-' needs fill file=PATH", opt);
		return stat_regular(opt, c->path, &c->size);
	}
	if (!parse_size(s, n, &c->size))
		return fail(EX_USAGE, "%s: bad SIZE '%.*s' (bytes, optional K/M/G suffix)",
			    opt, (int)n, s);
	return 0;
}

static struct note *new_note(struct opts *o, enum note_kind kind)
{
	struct note *n;

	o->notes = xreallocarray(o->notes, o->nnotes + 1, sizeof(*o->notes));
	n = &o->notes[o->nnotes++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	return n;
}

static void set_owner(struct note *n, const char *owner, uint32_t namesz)
{
	n->owner_len = strlen(owner);
	n->owner = xcalloc(n->owner_len + 1, 1);
	memcpy(n->owner, owner, n->owner_len);
	n->namesz = namesz;
}

static void add_dd(struct opts *o, const uint8_t *name, size_t name_len,
		   const struct content *data)
{
	struct note *n = new_note(o, NOTE_DD);

	set_owner(n, "LINUX", 8);
	n->type = DD_NOTE_TYPE;
	memcpy(n->dd_name, name, name_len);
	n->dd_name_len = name_len;
	n->prefix = xcalloc(DD_NAME_MAX, 1);
	memcpy(n->prefix, name, name_len);
	n->prefix_len = DD_NAME_MAX;
	n->data = *data;
	n->data.ordinal = o->next_ordinal++;
}

/* s is "FIELD[,REST]": the length of FIELD, and REST or NULL. */
static void split_field(const char *s, const char **ret_rest, size_t *ret_len)
{
	const char *comma = strchr(s, ',');

	*ret_len = comma ? (size_t)(comma - s) : strlen(s);
	*ret_rest = comma ? comma + 1 : NULL;
}

static int parse_dd(struct opts *o, const char *arg)
{
	const char *opt = "--dd", *size, *fill;
	struct content c = { 0 };
	size_t len = field_len(arg), size_len;
	uint8_t *name;
	size_t name_len;
	int r;

	if (arg[len] != ',')
		return fail(EX_USAGE, "%s: expected NAME,SIZE[,FILL], got '%s'", opt, arg);
	r = decode_escapes(opt, arg, len, &name, &name_len);
	if (r)
		return r;
	if (name_len > DD_NAME_MAX) {
		free(name);
		return fail(EX_USAGE, "%s: name '%.*s' is %zu bytes after decoding, at most %d",
			    opt, (int)len, arg, name_len, DD_NAME_MAX);
	}
	size = arg + len + 1;
	split_field(size, &fill, &size_len);
	r = parse_fill(opt, fill, &c);
	if (!r)
		r = parse_content_size(opt, size, size_len, &c);
	if (!r)
		add_dd(o, name, name_len, &c);
	free(name);
	return r;
}

static int parse_dd_many(struct opts *o, const char *arg)
{
	const char *opt = "--dd-many", *size, *fill;
	struct content c = { 0 };
	size_t len = strcspn(arg, ","), size_len;
	uint64_t count;
	int r;

	if (arg[len] != ',')
		return fail(EX_USAGE, "%s: expected COUNT,SIZE[,FILL], got '%s'", opt, arg);
	if (!parse_num(arg, len, &count) || count > DD_MANY_MAX)
		return fail(EX_USAGE, "%s: bad COUNT '%.*s' (0..%u)", opt, (int)len, arg,
			    DD_MANY_MAX);
	size = arg + len + 1;
	split_field(size, &fill, &size_len);
	r = parse_fill(opt, fill, &c);
	if (!r)
		r = parse_content_size(opt, size, size_len, &c);
	for (uint64_t i = 0; !r && i < count; i++) {
		char name[32];
		int n = snprintf(name, sizeof(name), "dev%" PRIu64, i);

		add_dd(o, (const uint8_t *)name, (size_t)n, &c);
	}
	return r;
}

static int parse_vmcoreinfo(struct opts *o, const char *arg, bool from_file)
{
	const char *opt = from_file ? "--vmcoreinfo-file" : "--vmcoreinfo";
	struct note *n;
	uint8_t *text = NULL;
	size_t len = 0;
	uint64_t fsize = 0;
	int r;

	if (from_file)
		r = stat_regular(opt, arg, &fsize);
	else
		r = decode_escapes(opt, arg, strlen(arg), &text, &len);
	if (r)
		return r;
	n = new_note(o, NOTE_VMCOREINFO);
	set_owner(n, "VMCOREINFO", 11);
	n->type = 0;
	if (from_file) {
		n->data.kind = FILL_FILE;
		n->data.path = arg;
		n->data.size = fsize;
	} else {
		n->prefix = text;
		n->prefix_len = len;
	}
	return 0;
}

static int parse_note(struct opts *o, const char *arg)
{
	const char *opt = "--note", *type, *data;
	size_t len = field_len(arg), type_len;
	uint8_t *owner;
	size_t owner_len;
	uint64_t t;
	struct note *n;
	int r;

	if (arg[len] != ',')
		return fail(EX_USAGE, "%s: expected OWNER,TYPE,DATA, got '%s'", opt, arg);
	type = arg + len + 1;
	split_field(type, &data, &type_len);
	if (!parse_num(type, type_len, &t) || t > UINT32_MAX)
		return fail(EX_USAGE, "%s: bad TYPE '%.*s' (0..0xffffffff)", opt,
			    (int)type_len, type);
	if (!data)
		data = "";
	r = decode_escapes(opt, arg, len, &owner, &owner_len);
	if (r)
		return r;
	if (owner_len >= UINT32_MAX) {
		free(owner);
		return fail(EX_USAGE, "%s: OWNER too long", opt);
	}
	n = new_note(o, NOTE_RAW);
	n->owner = owner;
	n->owner_len = owner_len;
	n->namesz = (uint32_t)owner_len + 1;
	n->type = (uint32_t)t;
	if (data[0] == '@') {
		n->data.kind = FILL_FILE;
		n->data.path = data + 1;
		return stat_regular(opt, data + 1, &n->data.size);
	}
	len = strlen(data);
	if (len % 2)
		return fail(EX_USAGE, "%s: DATA '%s' is not whole hex bytes", opt, data);
	n->prefix = xcalloc(len / 2, 1);
	n->prefix_len = len / 2;
	for (size_t i = 0; i < len; i += 2) {
		int hi = hexval((unsigned char)data[i]), lo = hexval((unsigned char)data[i + 1]);

		if (hi < 0 || lo < 0)
			return fail(EX_USAGE, "%s: DATA '%s' is not hex (or @PATH)", opt, data);
		n->prefix[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int parse_load(struct opts *o, const char *arg)
{
	const char *opt = "--load", *size, *vaddr, *fill = NULL;
	struct content c = { 0 };
	size_t len = strcspn(arg, ","), size_len, vaddr_len = 0;
	struct load *l;
	uint64_t paddr, va = 0;
	int r;

	if (arg[len] != ',')
		return fail(EX_USAGE, "%s: expected PADDR,SIZE[,VADDR[,FILL]], got '%s'", opt, arg);
	if (!parse_num(arg, len, &paddr))
		return fail(EX_USAGE, "%s: bad PADDR '%.*s'", opt, (int)len, arg);
	size = arg + len + 1;
	split_field(size, &vaddr, &size_len);
	if (vaddr)
		split_field(vaddr, &fill, &vaddr_len);
	if (vaddr_len && !parse_num(vaddr, vaddr_len, &va))
		return fail(EX_USAGE, "%s: bad VADDR '%.*s'", opt, (int)vaddr_len, vaddr);
	r = parse_fill(opt, fill, &c);
	if (!r)
		r = parse_content_size(opt, size, size_len, &c);
	if (r)
		return r;
	if (o->nloads == o->loads_cap) {
		o->loads_cap = o->loads_cap ? 2 * o->loads_cap : 16;
		o->loads = xreallocarray(o->loads, o->loads_cap, sizeof(*o->loads));
	}
	l = &o->loads[o->nloads++];
	memset(l, 0, sizeof(*l));
	l->paddr = paddr;
	l->vaddr = va;
	l->vaddr_given = vaddr_len > 0;
	l->data = c;
	l->data.ordinal = o->next_ordinal++;
	return 0;
}

static int parse_machine(const char *s, uint16_t *ret)
{
	static const struct { const char *name; uint16_t em; } names[] = {
		{ "x86_64", EM_X86_64 }, { "i386", EM_386 }, { "aarch64", EM_AARCH64 },
		{ "arm", EM_ARM }, { "ppc64", EM_PPC64 }, { "ppc", EM_PPC },
		{ "s390", EM_S390 }, { "riscv", EM_RISCV },
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name)) {
			*ret = names[i].em;
			return 0;
		}
	if (!parse_num(s, strlen(s), &v) || v > UINT16_MAX)
		return fail(EX_USAGE, "--machine: unknown machine '%s' (x86_64, i386, aarch64, "
			    "arm, ppc64, ppc, s390, riscv or a number)", s);
	*ret = (uint16_t)v;
	return 0;
}

/* ------------------------------------------------------------ prstatus */

static const char *const x86_64_regs[] = {
	"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
	"rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags",
	"rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs",
};

static const char *const i386_regs[] = {
	"ebx", "ecx", "edx", "esi", "edi", "ebp", "eax", "ds", "es", "fs", "gs",
	"orig_eax", "eip", "cs", "eflags", "esp", "ss",
};

static unsigned prstatus_nreg(const struct opts *o)
{
	if (o->cls == ELFCLASS32)
		return o->machine == EM_386 ? 17 : 18;
	switch (o->machine) {
	case EM_AARCH64: return 34;
	case EM_PPC64: return 48;
	default: return 27;	/* x86_64, s390x and everything else */
	}
}

static void put_uint(uint8_t *p, unsigned width, uint64_t v, bool big)
{
	for (unsigned i = 0; i < width; i++) {
		unsigned shift = 8 * (big ? width - 1 - i : i);

		p[i] = (uint8_t)(v >> shift);
	}
}

static int reg_index(const struct opts *o, const char *name, size_t len, unsigned nreg,
		     unsigned *ret)
{
	const char *const *names = NULL;
	size_t count = 0;
	uint64_t v;

	if (o->cls == ELFCLASS64 && o->machine == EM_X86_64) {
		names = x86_64_regs;
		count = sizeof(x86_64_regs) / sizeof(x86_64_regs[0]);
	} else if (o->cls == ELFCLASS32 && o->machine == EM_386) {
		names = i386_regs;
		count = sizeof(i386_regs) / sizeof(i386_regs[0]);
	}
	for (size_t i = 0; i < count; i++)
		if (strlen(names[i]) == len && !memcmp(names[i], name, len)) {
			*ret = (unsigned)i;
			return 0;
		}
	if (len > 3 && !memcmp(name, "reg", 3) && parse_num(name + 3, len - 3, &v) && v < nreg) {
		*ret = (unsigned)v;
		return 0;
	}
	return fail(EX_USAGE, "--prstatus: unknown register '%.*s' (%s, or reg0..reg%u)",
		    (int)len, name,
		    names == x86_64_regs ? "r15 r14 ... gs as in struct user_regs_struct" :
		    names == i386_regs ? "ebx ecx ... ss as in struct user_regs_struct" :
		    "no register names for this machine",
		    nreg - 1);
}

/* PID[,SIGNAL[,REG=VAL...]] -> struct elf_prstatus of the file's class. */
static int build_prstatus(const struct opts *o, struct note *n)
{
	const char *opt = "--prstatus", *s = n->prstatus_arg;
	bool c64 = o->cls == ELFCLASS64;
	unsigned nreg = prstatus_nreg(o), word = c64 ? 8 : 4;
	size_t reg_off = c64 ? 112 : 72;
	size_t size = reg_off + (size_t)nreg * word + 4;
	int64_t pid, sig = 0;
	size_t len = strcspn(s, ",");
	uint8_t *d;

	size = (size + word - 1) / word * word;
	if (!parse_snum(s, len, INT32_MIN, INT32_MAX, &pid))
		return fail(EX_USAGE, "%s: bad PID '%.*s'", opt, (int)len, s);
	s += len;
	if (*s == ',' && !memchr(s + 1, '=', strcspn(s + 1, ","))) {
		s++;
		len = strcspn(s, ",");
		if (!parse_snum(s, len, INT16_MIN, INT16_MAX, &sig))
			return fail(EX_USAGE, "%s: bad SIGNAL '%.*s'", opt, (int)len, s);
		s += len;
	}
	d = xcalloc(size, 1);
	n->prefix = d;
	n->prefix_len = size;
	put_uint(d + 0, 4, (uint64_t)sig, o->big);	/* pr_info.si_signo */
	put_uint(d + 12, 2, (uint64_t)sig, o->big);	/* pr_cursig */
	put_uint(d + (c64 ? 32 : 24), 4, (uint64_t)pid, o->big);	/* pr_pid */
	while (*s == ',') {
		const char *eq, *val;
		unsigned idx = 0;
		uint64_t v;
		int r;

		s++;
		len = strcspn(s, ",");
		eq = memchr(s, '=', len);
		if (!eq)
			return fail(EX_USAGE, "%s: expected REG=VAL, got '%.*s'", opt, (int)len, s);
		r = reg_index(o, s, (size_t)(eq - s), nreg, &idx);
		if (r)
			return r;
		val = eq + 1;
		if (!parse_num(val, (size_t)(s + len - val), &v) || (!c64 && v > UINT32_MAX))
			return fail(EX_USAGE, "%s: bad value '%.*s' for a %u-byte register",
				    opt, (int)(s + len - val), val, word);
		put_uint(d + reg_off + (size_t)idx * word, word, v, o->big);
		s += len;
	}
	return 0;
}

/* --loads-from=FILE: one --load argument per line (more than a command line holds). */
static int parse_loads_from(struct opts *o, const char *path)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int r = 0;

	if (!f)
		return fail(EX_IO, "--loads-from: %s: %s", path, strerror(errno));
	while (!r && (n = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0)
			continue;
		/* the load keeps pointers into its argument (file=PATH): each line stays */
		if (o->nlines == o->lines_cap) {
			o->lines_cap = o->lines_cap ? 2 * o->lines_cap : 16;
			o->lines = xreallocarray(o->lines, o->lines_cap, sizeof(*o->lines));
		}
		o->lines[o->nlines] = xstrdup(line);
		r = parse_load(o, o->lines[o->nlines++]);
		if (r)
			fprintf(stderr, "mkvmcore: --loads-from: %s: line %zu\n", path, lineno);
	}
	if (!r && ferror(f))
		r = fail(EX_IO, "--loads-from: %s: %s", path, strerror(errno));
	free(line);
	fclose(f);
	return r;
}

/* ------------------------------------------------------------ layout */

static bool add_ok(uint64_t a, uint64_t b, uint64_t *ret)
{
	if (a > MAX_FILE_SIZE || b > MAX_FILE_SIZE - a)
		return false;
	*ret = a + b;
	return true;
}

static int finalize_notes(struct opts *o)
{
	for (size_t i = 0; i < o->nnotes; i++) {
		struct note *n = &o->notes[i];
		uint64_t total;
		int r;

		switch (n->kind) {
		case NOTE_DD:
			if (!add_ok(DD_HDR_SIZE, n->data.size, &total) ||
			    !roundup_pow2(total, o->page, &total) || total - 20 > UINT32_MAX)
				return fail(EX_USAGE, "--dd: SIZE %" PRIu64 " is too large for one note",
					    n->data.size);
			n->descsz = total - 20;
			break;
		case NOTE_PRSTATUS:
			set_owner(n, "CORE", 5);
			n->type = NT_PRSTATUS;
			r = build_prstatus(o, n);
			if (r)
				return r;
			n->descsz = n->prefix_len;
			break;
		default:
			n->descsz = n->prefix_len + n->data.size;
			if (n->descsz > UINT32_MAX)
				return fail(EX_USAGE, "note data of %" PRIu64 " bytes is too large",
					    n->descsz);
			break;
		}
	}
	return 0;
}

static uint64_t note_size(const struct note *n)
{
	return 12 + pad4(n->namesz) + pad4(n->descsz);
}

static int check32(const struct opts *o, size_t index, const char *field, uint64_t v)
{
	if (o->cls == ELFCLASS32 && v > UINT32_MAX)
		return fail(EX_USAGE, "program header %zu: %s 0x%" PRIx64 " does not fit ELF32",
			    index, field, v);
	return 0;
}

static int compute_layout(struct opts *o, struct layout *L)
{
	size_t k = 0, ndd = 0;
	uint64_t pos;
	int r;

	r = finalize_notes(o);
	if (r)
		return r;
	L->ehsize = o->cls == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	L->phentsize = o->cls == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	L->n_note_phdrs = o->split ? o->nnotes : o->nnotes > 0;
	L->phnum = L->n_note_phdrs + o->nloads;
	L->phoff = L->phnum ? L->ehsize : 0;	/* libelf writes 0 without a table */
	/* from PN_XNUM on, e_phnum is PN_XNUM and the count is sh_info of section header 0 */
	if (L->phnum > UINT32_MAX)
		return fail(EX_USAGE, "%zu program headers, at most %u", L->phnum, UINT32_MAX);
	L->phdrs = xcalloc(L->phnum, sizeof(*L->phdrs));
	L->order = xcalloc(o->nnotes, sizeof(*L->order));

	/* Device dumps first in the order given, then the others (unless --cli-order). */
	for (size_t i = 0; i < o->nnotes; i++)
		if (o->cli_order || o->notes[i].kind == NOTE_DD)
			L->order[k++] = &o->notes[i];
	for (size_t i = 0; !o->cli_order && i < o->nnotes; i++)
		if (o->notes[i].kind != NOTE_DD)
			L->order[k++] = &o->notes[i];

	pos = L->ehsize + L->phnum * L->phentsize;
	L->file_size = pos;
	if (!roundup_pow2(pos, o->page, &pos))
		return fail(EX_USAGE, "file too large");
	for (size_t i = 0; i < o->nnotes; i++) {
		struct note *n = L->order[i];
		GElf_Phdr *ph = &L->phdrs[o->split ? i : 0];

		if (n->kind == NOTE_DD)
			n->dd_index = ndd++;
		n->offset = pos;
		if (o->split || i == 0) {
			ph->p_type = PT_NOTE;
			ph->p_offset = pos;
			ph->p_align = 4;
		}
		if (!add_ok(pos, note_size(n), &pos))
			return fail(EX_USAGE, "file too large");
		ph->p_filesz = ph->p_memsz = pos - ph->p_offset;
		L->file_size = pos;
	}
	for (size_t i = 0; i < o->nloads; i++) {
		struct load *l = &o->loads[i];
		GElf_Phdr *ph = &L->phdrs[L->n_note_phdrs + i];

		if (!l->vaddr_given) {
			uint64_t base = o->cls == ELFCLASS64 ? 0xffff888000000000ull : 0xc0000000ull;

			if (l->paddr > UINT64_MAX - base)
				return fail(EX_USAGE, "--load %zu: PADDR 0x%" PRIx64 " too large for the default VADDR",
					    i, l->paddr);
			l->vaddr = base + l->paddr;
		}
		if (!roundup_pow2(pos, o->page, &pos))
			return fail(EX_USAGE, "file too large");
		l->offset = pos;
		ph->p_type = PT_LOAD;
		ph->p_flags = PF_R | PF_W | PF_X;
		ph->p_offset = pos;
		ph->p_paddr = l->paddr;
		ph->p_vaddr = l->vaddr;
		ph->p_filesz = ph->p_memsz = l->data.size;
		if (!add_ok(pos, l->data.size, &pos))
			return fail(EX_USAGE, "file too large");
		L->file_size = pos;
	}
	if (L->phnum >= PN_XNUM) {
		/* the one section header (the count's carrier) goes after everything else */
		L->shentsize = o->cls == ELFCLASS64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
		if (!roundup_pow2(L->file_size, 8, &L->shoff) ||
		    !add_ok(L->shoff, L->shentsize, &L->file_size))
			return fail(EX_USAGE, "file too large");
	}
	for (size_t i = 0; i < L->phnum; i++) {
		const GElf_Phdr *ph = &L->phdrs[i];

		if ((r = check32(o, i, "p_offset", ph->p_offset)) ||
		    (r = check32(o, i, "p_filesz", ph->p_filesz)) ||
		    (r = check32(o, i, "p_paddr", ph->p_paddr)) ||
		    (r = check32(o, i, "p_vaddr", ph->p_vaddr)))
			return r;
	}
	return 0;
}

struct field {
	const char *name;
	unsigned off64, w64, off32, w32;	/* offset and width in ELF64 / ELF32 */
};

/* FIELD=VALUE -> file offset and width, in the valid file's class. */
static int resolve_set(const struct opts *o, const struct layout *L, struct set *s)
{
	static const struct field ehdr[] = {
		{ "type", 16, 2, 16, 2 }, { "machine", 18, 2, 18, 2 },
		{ "phoff", 32, 8, 28, 4 }, { "phentsize", 54, 2, 42, 2 },
		{ "phnum", 56, 2, 44, 2 }, { "class", EI_CLASS, 1, EI_CLASS, 1 },
		{ "data", EI_DATA, 1, EI_DATA, 1 },
	}, phdr[] = {
		{ "type", 0, 4, 0, 4 }, { "offset", 8, 8, 4, 4 }, { "vaddr", 16, 8, 8, 4 },
		{ "paddr", 24, 8, 12, 4 }, { "filesz", 32, 8, 16, 4 }, { "memsz", 40, 8, 20, 4 },
	}, note[] = {
		{ "namesz", 0, 4, 0, 4 }, { "descsz", 4, 4, 4, 4 }, { "type", 8, 4, 8, 4 },
	};
	const char *opt = "--set", *eq = strchr(s->arg, '='), *f = s->arg, *dot;
	bool c64 = o->cls == ELFCLASS64;
	size_t flen;
	uint64_t index = 0, base = 0, limit = 0;
	const char *what = NULL;
	bool found = false;

	if (!eq)
		return fail(EX_USAGE, "%s: expected FIELD=VALUE, got '%s'", opt, s->arg);
	flen = (size_t)(eq - f);
	if (!parse_num(eq + 1, strlen(eq + 1), &s->value))
		return fail(EX_USAGE, "%s: bad VALUE '%s'", opt, eq + 1);

	if (flen > 5 && !memcmp(f, "byte.", 5)) {
		if (!parse_num(f + 5, flen - 5, &s->offset) || s->offset >= L->file_size)
			return fail(EX_USAGE, "%s: bad offset in '%.*s' (file is %" PRIu64 " bytes)",
				    opt, (int)flen, f, L->file_size);
		s->width = 1;
	} else {
		const struct field *tab;
		size_t ntab;

		if (flen > 5 && !memcmp(f, "ehdr.", 5)) {
			tab = ehdr, ntab = sizeof(ehdr) / sizeof(ehdr[0]), what = NULL;
			f += 5;
		} else {
			if (flen > 5 && !memcmp(f, "phdr.", 5)) {
				tab = phdr, ntab = sizeof(phdr) / sizeof(phdr[0]), what = "phdr";
				limit = L->phnum;
			} else if (flen > 5 && !memcmp(f, "note.", 5)) {
				tab = note, ntab = sizeof(note) / sizeof(note[0]), what = "note";
				limit = o->nnotes;
			} else {
				return fail(EX_USAGE, "%s: unknown field '%.*s'", opt, (int)flen, s->arg);
			}
			f += 5;
			dot = memchr(f, '.', (size_t)(eq - f));
			if (!dot || !parse_num(f, (size_t)(dot - f), &index))
				return fail(EX_USAGE, "%s: expected %s.N.FIELD, got '%.*s'", opt,
					    what, (int)flen, s->arg);
			if (index >= limit)
				return fail(EX_USAGE, "%s: %s %" PRIu64 " does not exist (there are %" PRIu64 ")",
					    opt, what, index, limit);
			base = what[0] == 'p' ? L->phoff + index * L->phentsize
					      : L->order[index]->offset;
			f = dot + 1;
		}
		for (size_t i = 0; i < ntab; i++)
			if (strlen(tab[i].name) == (size_t)(eq - f) &&
			    !memcmp(tab[i].name, f, (size_t)(eq - f))) {
				s->offset = base + (c64 ? tab[i].off64 : tab[i].off32);
				s->width = c64 ? tab[i].w64 : tab[i].w32;
				found = true;
			}
		if (!found)
			return fail(EX_USAGE, "%s: unknown field '%.*s'", opt, (int)flen, s->arg);
	}
	if (s->width < 8 && s->value >> (8 * s->width))
		return fail(EX_USAGE, "%s: value %s does not fit the %u-byte field '%.*s'",
			    opt, eq + 1, s->width, (int)flen, s->arg);
	return 0;
}

/* ------------------------------------------------------------ writing */

struct writer {
	int fd;
	const char *path;
	uint8_t *buf;		/* CHUNK bytes */
	Elf *elf;
	bool big;
};

static int pwrite_all(struct writer *w, const void *buf, size_t n, uint64_t off)
{
	const uint8_t *p = buf;

	while (n) {
		ssize_t k = pwrite(w->fd, p, n, (off_t)off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return fail(EX_IO, "%s: write at offset %" PRIu64 ": %s", w->path, off,
				    strerror(errno));
		p += k;
		n -= (size_t)k;
		off += (uint64_t)k;
	}
	return 0;
}

static void fill_pattern(uint8_t *buf, size_t n, uint64_t k, unsigned ordinal)
{
	uint64_t base = (uint64_t)ordinal * 29 + 1;

	for (size_t j = 0; j < n; j++, k++)
		buf[j] = (uint8_t)((k >> 12) * 131 + k * 7 + base);
}

static int write_content(struct writer *w, uint64_t off, const struct content *c)
{
	uint64_t done = 0;
	int fd = -1, r = 0;

	if (c->kind == FILL_NONE || c->kind == FILL_ZERO || c->size == 0)
		return 0;	/* the file was extended: a hole reads as zeros */
	if (c->kind == FILL_BYTE)
		memset(w->buf, c->byte, CHUNK);
	if (c->kind == FILL_FILE) {
		fd = open(c->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fail(EX_IO, "%s: %s", c->path, strerror(errno));
	}
	while (!r && done < c->size) {
		size_t n = c->size - done < CHUNK ? (size_t)(c->size - done) : CHUNK;

		if (c->kind == FILL_PATTERN) {
			fill_pattern(w->buf, n, done, c->ordinal);
		} else if (c->kind == FILL_FILE) {
			ssize_t k = read(fd, w->buf, n);

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				r = fail(EX_IO, "%s: read: %s", c->path, strerror(errno));
				break;
			}
			if (k == 0)
				break;	/* shorter than SIZE: the rest stays zero */
			n = (size_t)k;
		}
		r = pwrite_all(w, w->buf, n, off + done);
		done += n;
	}
	if (fd >= 0)
		close(fd);
	return r;
}

static int write_note(struct writer *w, const struct note *n)
{
	size_t name_pad = (size_t)pad4(n->namesz);
	size_t head = 12 + name_pad + n->prefix_len;
	uint8_t *buf = xcalloc(head, 1);
	int r;

	put_uint(buf, 4, n->namesz, w->big);
	put_uint(buf + 4, 4, (uint32_t)n->descsz, w->big);
	put_uint(buf + 8, 4, n->type, w->big);
	memcpy(buf + 12, n->owner, n->owner_len);
	if (n->prefix_len)
		memcpy(buf + 12 + name_pad, n->prefix, n->prefix_len);
	r = pwrite_all(w, buf, head, n->offset);
	free(buf);
	if (!r)
		r = write_content(w, n->offset + head, &n->data);
	return r;
}

static int write_elf_headers(const struct opts *o, const struct layout *L, Elf *elf,
			     const char *path)
{
	GElf_Ehdr eh;

	if (!gelf_newehdr(elf, o->cls) || !gelf_getehdr(elf, &eh))
		goto elf_error;
	eh.e_ident[EI_DATA] = o->big ? ELFDATA2MSB : ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = o->etype;
	eh.e_machine = o->machine;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = L->phoff;
	eh.e_ehsize = (GElf_Half)L->ehsize;
	eh.e_phentsize = (GElf_Half)L->phentsize;
	eh.e_shentsize = 0;
	if (!gelf_update_ehdr(elf, &eh))
		goto elf_error;
	if (L->phnum) {
		if (!gelf_newphdr(elf, L->phnum))
			goto elf_error;
		for (size_t i = 0; i < L->phnum; i++) {
			GElf_Phdr ph = L->phdrs[i];

			if (!gelf_update_phdr(elf, (int)i, &ph))
				goto elf_error;
		}
	}
	elf_flagelf(elf, ELF_C_SET, ELF_F_LAYOUT);
	if (elf_update(elf, ELF_C_WRITE) < 0)
		goto elf_error;
	return 0;
elf_error:
	return fail(EX_IO, "%s: libelf: %s", path, elf_errmsg(-1));
}

/*
 * From PN_XNUM program headers on, libelf cannot write the file: the headers are written here.
 * e_phnum is PN_XNUM, e_shnum 1, and section header 0 (SHT_NULL) holds the count in sh_info, as
 * makedumpfile's ELF dumps with that many segments do.
 */
static int write_xnum_headers(struct writer *w, const struct opts *o, const struct layout *L)
{
	const bool is64 = o->cls == ELFCLASS64, big = o->big;
	size_t table = L->phnum * L->phentsize;
	uint8_t eh[sizeof(Elf64_Ehdr)] = { 0 }, sh[sizeof(Elf64_Shdr)] = { 0 };
	uint8_t *ph = xcalloc(table, 1);
	int r;

	memcpy(eh, ELFMAG, SELFMAG);
	eh[EI_CLASS] = (uint8_t)o->cls;
	eh[EI_DATA] = big ? ELFDATA2MSB : ELFDATA2LSB;
	eh[EI_VERSION] = EV_CURRENT;
	put_uint(eh + 16, 2, o->etype, big);
	put_uint(eh + 18, 2, o->machine, big);
	put_uint(eh + 20, 4, EV_CURRENT, big);
	if (is64) {
		put_uint(eh + 32, 8, L->phoff, big);
		put_uint(eh + 40, 8, L->shoff, big);
		put_uint(eh + 52, 2, L->ehsize, big);
		put_uint(eh + 54, 2, L->phentsize, big);
		put_uint(eh + 56, 2, PN_XNUM, big);
		put_uint(eh + 58, 2, L->shentsize, big);
		put_uint(eh + 60, 2, 1, big);
		put_uint(sh + 44, 4, L->phnum, big);
	} else {
		put_uint(eh + 28, 4, L->phoff, big);
		put_uint(eh + 32, 4, L->shoff, big);
		put_uint(eh + 40, 2, L->ehsize, big);
		put_uint(eh + 42, 2, L->phentsize, big);
		put_uint(eh + 44, 2, PN_XNUM, big);
		put_uint(eh + 46, 2, L->shentsize, big);
		put_uint(eh + 48, 2, 1, big);
		put_uint(sh + 28, 4, L->phnum, big);
	}
	for (size_t i = 0; i < L->phnum; i++) {
		const GElf_Phdr *p = &L->phdrs[i];
		uint8_t *q = ph + i * L->phentsize;

		put_uint(q, 4, p->p_type, big);
		if (is64) {
			put_uint(q + 4, 4, p->p_flags, big);
			put_uint(q + 8, 8, p->p_offset, big);
			put_uint(q + 16, 8, p->p_vaddr, big);
			put_uint(q + 24, 8, p->p_paddr, big);
			put_uint(q + 32, 8, p->p_filesz, big);
			put_uint(q + 40, 8, p->p_memsz, big);
			put_uint(q + 48, 8, p->p_align, big);
		} else {
			put_uint(q + 4, 4, p->p_offset, big);
			put_uint(q + 8, 4, p->p_vaddr, big);
			put_uint(q + 12, 4, p->p_paddr, big);
			put_uint(q + 16, 4, p->p_filesz, big);
			put_uint(q + 20, 4, p->p_memsz, big);
			put_uint(q + 24, 4, p->p_flags, big);
			put_uint(q + 28, 4, p->p_align, big);
		}
	}
	r = pwrite_all(w, eh, L->ehsize, 0);
	if (!r)
		r = pwrite_all(w, ph, table, L->phoff);
	if (!r)
		r = pwrite_all(w, sh, L->shentsize, L->shoff);
	free(ph);
	return r;
}

static int write_vmcore(const struct opts *o, const struct layout *L, uint64_t *ret_size)
{
	struct writer w = { .path = o->output, .big = o->big };
	uint64_t size = L->file_size;
	int r;

	w.fd = open(o->output, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w.fd < 0)
		return fail(EX_IO, "%s: %s", o->output, strerror(errno));
	if (L->phnum >= PN_XNUM) {
		r = write_xnum_headers(&w, o, L);
	} else {
		w.elf = elf_begin(w.fd, ELF_C_WRITE, NULL);
		if (!w.elf) {
			r = fail(EX_IO, "%s: libelf: %s", o->output, elf_errmsg(-1));
			goto out;
		}
		r = write_elf_headers(o, L, w.elf, o->output);
	}
	if (r)
		goto out;
	/* Extend first: whatever is not written below (zero fill, padding) is a hole. */
	if (ftruncate(w.fd, (off_t)L->file_size) < 0) {
		r = fail(EX_IO, "%s: extend to %" PRIu64 " bytes: %s", o->output,
			 L->file_size, strerror(errno));
		goto out;
	}
	w.buf = xcalloc(CHUNK, 1);
	for (size_t i = 0; !r && i < o->nnotes; i++)
		r = write_note(&w, L->order[i]);
	for (size_t i = 0; !r && i < o->nloads; i++)
		r = write_content(&w, o->loads[i].offset, &o->loads[i].data);
	for (size_t i = 0; !r && i < o->nsets; i++) {
		uint8_t v[8];

		put_uint(v, o->sets[i].width, o->sets[i].value, o->big);
		r = pwrite_all(&w, v, o->sets[i].width, o->sets[i].offset);
	}
	if (!r && o->truncate_given) {
		if (ftruncate(w.fd, (off_t)o->truncate) < 0)
			r = fail(EX_IO, "%s: truncate to %" PRIu64 " bytes: %s", o->output,
				 o->truncate, strerror(errno));
		size = o->truncate;
	}
out:
	free(w.buf);
	if (w.elf)
		elf_end(w.elf);
	if (close(w.fd) < 0 && !r)
		r = fail(EX_IO, "%s: close: %s", o->output, strerror(errno));
	if (r)
		unlink(o->output);	/* no half-written fixture */
	else
		*ret_size = size;
	return r;
}

/* ------------------------------------------------------------ --layout */

static void print_escaped(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\\' || p[i] == ',')
			printf("\\%c", p[i]);
		else if (p[i] > ' ' && p[i] < 0x7f)
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
}

static void print_layout(const struct opts *o, const struct layout *L, uint64_t final_size)
{
	printf("ehdr class=%d endian=%s machine=%u type=%u phoff=%zu phnum=%zu phentsize=%zu\n",
	       o->cls == ELFCLASS64 ? 64 : 32, o->big ? "big" : "little", o->machine,
	       o->etype, L->phoff, L->phnum, L->phentsize);
	for (size_t i = 0; i < L->phnum; i++) {
		const GElf_Phdr *ph = &L->phdrs[i];

		printf("phdr %zu type=%s offset=%" PRIu64 " filesz=%" PRIu64 " paddr=%" PRIu64
		       " vaddr=%" PRIu64 "\n", i, ph->p_type == PT_NOTE ? "NOTE" : "LOAD",
		       ph->p_offset, ph->p_filesz, ph->p_paddr, ph->p_vaddr);
	}
	for (size_t i = 0; i < o->nnotes; i++) {
		const struct note *n = L->order[i];
		uint64_t name_off = n->offset + 12, desc_off = name_off + pad4(n->namesz);

		printf("note %zu offset=%" PRIu64 " namesz=%u descsz=%" PRIu64 " type=%u owner=",
		       i, n->offset, n->namesz, n->descsz, n->type);
		print_escaped(n->owner, strnlen((const char *)n->owner, n->owner_len));
		printf(" name_offset=%" PRIu64 " desc_offset=%" PRIu64 " end=%" PRIu64 "\n",
		       name_off, desc_off, desc_off + pad4(n->descsz));
	}
	for (size_t i = 0; i < o->nnotes; i++) {
		const struct note *n = L->order[i];

		if (n->kind != NOTE_DD)
			continue;
		printf("dd %zu note=%zu name=", n->dd_index, i);
		print_escaped(n->dd_name, n->dd_name_len);
		printf(" data_offset=%" PRIu64 " data_size=%" PRIu64 " size=%" PRIu64 "\n",
		       n->offset + DD_HDR_SIZE, n->data.size, n->descsz - DD_NAME_MAX);
	}
	for (size_t i = 0; i < o->nloads; i++)
		printf("load %zu phdr=%zu offset=%" PRIu64 " size=%" PRIu64 "\n", i,
		       L->n_note_phdrs + i, o->loads[i].offset, o->loads[i].data.size);
	printf("size %" PRIu64 "\n", final_size);
}

/* ------------------------------------------------------------ main */

static void usage(void)
{
	fputs(
"Usage:\n"
" " PROG " [options] OUTPUT\n"
"\n"
"Write a synthetic vmcore: an ELF core file laid out as Linux /proc/vmcore\n"
"presents it, with device dumps (NT_VMCOREDD notes), other notes and PT_LOADs.\n"
"\n"
"Header:\n"
"     --class=64|32             ELF class (default 64)\n"
"     --endian=little|big       byte order (default little)\n"
"     --machine=NAME|NUM        x86_64 (default), i386, aarch64, arm, ppc64,\n"
"                                 ppc, s390, riscv, or a number\n"
"     --etype=core|exec|NUM     e_type (default core)\n"
"     --page-size=N             device-dump rounding and segment alignment\n"
"                                 (default 4096; a power of two >= 512)\n"
"\n"
"Notes (device dumps first, in the order given, then the other notes):\n"
"     --dd=NAME,SIZE[,FILL]     one device dump; NAME is at most 44 bytes\n"
"                                 after decoding (44 bytes: no NUL)\n"
"     --dd-many=COUNT,SIZE[,FILL]\n"
"                               COUNT device dumps named dev0, dev1, ...\n"
"     --prstatus=PID[,SIGNAL[,REG=VAL...]]\n"
"                               CORE/NT_PRSTATUS note; REG is an x86_64 (or\n"
"                                 i386) register name, or regN (any machine)\n"
"     --vmcoreinfo=TEXT         VMCOREINFO note with TEXT (no NUL added)\n"
"     --vmcoreinfo-file=PATH    VMCOREINFO note with the content of PATH\n"
"     --note=OWNER,TYPE,DATA    any note; n_namesz = length of OWNER + 1;\n"
"                                 DATA is hex bytes (may be empty) or @PATH\n"
"     --cli-order               keep all notes in command-line order\n"
"\n"
"Segments:\n"
"     --load=PADDR,SIZE[,VADDR[,FILL]]\n"
"                               PT_LOAD with SIZE bytes; VADDR defaults to\n"
"                                 0xffff888000000000+PADDR (ELF64) or\n"
"                                 0xc0000000+PADDR (ELF32)\n"
"     --loads-from=FILE         one --load argument per line of FILE (from\n"
"                                 65535 program headers on, e_phnum is\n"
"                                 PN_XNUM and the count is sh_info of section\n"
"                                 header 0)\n"
"     --split-notes             one PT_NOTE per note, not one merged PT_NOTE\n"
"\n"
"Malformed variants (on the valid file: --set edits in order, then --truncate):\n"
"     --set=FIELD=VALUE         overwrite one field in the file's class and\n"
"                                 byte order: ehdr.{phnum,phoff,phentsize,\n"
"                                 type,machine,class,data},\n"
"                                 phdr.N.{type,offset,filesz,memsz,paddr,vaddr},\n"
"                                 note.N.{namesz,descsz,type}, byte.OFFSET\n"
"     --truncate=OFFSET         cut the file to OFFSET bytes\n"
"\n"
"Output:\n"
"     --layout                  print the layout of the file to stdout\n"
" -h, --help                    display this help\n"
"\n"
"NAME, OWNER and TEXT take the escapes \\xNN \\\\ \\, \\n \\t. SIZE is bytes with\n"
"an optional binary K/M/G suffix. FILL is pattern (the default), zero (a hole),\n"
"byte=0xNN or file=PATH (SIZE '-': the file's size; a shorter file is padded\n"
"with zeros). Numbers are decimal or 0x hex. The pattern and the --layout\n"
"format are described in mkvmcore.md.\n",
	      stdout);
}

enum {
	OPT_CLASS = 256, OPT_ENDIAN, OPT_MACHINE, OPT_ETYPE, OPT_PAGE_SIZE, OPT_DD,
	OPT_DD_MANY, OPT_PRSTATUS, OPT_VMCOREINFO, OPT_VMCOREINFO_FILE, OPT_NOTE,
	OPT_CLI_ORDER, OPT_LOAD, OPT_LOADS_FROM, OPT_SPLIT_NOTES, OPT_SET, OPT_TRUNCATE, OPT_LAYOUT,
};

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "class", required_argument, NULL, OPT_CLASS },
		{ "endian", required_argument, NULL, OPT_ENDIAN },
		{ "machine", required_argument, NULL, OPT_MACHINE },
		{ "etype", required_argument, NULL, OPT_ETYPE },
		{ "page-size", required_argument, NULL, OPT_PAGE_SIZE },
		{ "dd", required_argument, NULL, OPT_DD },
		{ "dd-many", required_argument, NULL, OPT_DD_MANY },
		{ "prstatus", required_argument, NULL, OPT_PRSTATUS },
		{ "vmcoreinfo", required_argument, NULL, OPT_VMCOREINFO },
		{ "vmcoreinfo-file", required_argument, NULL, OPT_VMCOREINFO_FILE },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "cli-order", no_argument, NULL, OPT_CLI_ORDER },
		{ "load", required_argument, NULL, OPT_LOAD },
		{ "loads-from", required_argument, NULL, OPT_LOADS_FROM },
		{ "split-notes", no_argument, NULL, OPT_SPLIT_NOTES },
		{ "set", required_argument, NULL, OPT_SET },
		{ "truncate", required_argument, NULL, OPT_TRUNCATE },
		{ "layout", no_argument, NULL, OPT_LAYOUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c, r = 0;

	opterr = 0;
	while (!r && (c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CLASS:
			if (strcmp(optarg, "64") && strcmp(optarg, "32"))
				return fail(EX_USAGE, "--class: '%s' is not 64 or 32", optarg);
			o->cls = optarg[0] == '6' ? ELFCLASS64 : ELFCLASS32;
			break;
		case OPT_ENDIAN:
			if (strcmp(optarg, "little") && strcmp(optarg, "big"))
				return fail(EX_USAGE, "--endian: '%s' is not little or big", optarg);
			o->big = optarg[0] == 'b';
			break;
		case OPT_MACHINE:
			r = parse_machine(optarg, &o->machine);
			break;
		case OPT_ETYPE:
			if (!strcmp(optarg, "core"))
				o->etype = ET_CORE;
			else if (!strcmp(optarg, "exec"))
				o->etype = ET_EXEC;
			else if (parse_num(optarg, strlen(optarg), &v) && v <= UINT16_MAX)
				o->etype = (uint16_t)v;
			else
				return fail(EX_USAGE, "--etype: '%s' is not core, exec or 0..0xffff",
					    optarg);
			break;
		case OPT_PAGE_SIZE:
			if (!parse_size(optarg, strlen(optarg), &v) || v < 512 || v > (1u << 30) ||
			    (v & (v - 1)))
				return fail(EX_USAGE, "--page-size: '%s' is not a power of two in 512..1G",
					    optarg);
			o->page = v;
			break;
		case OPT_DD:
			r = parse_dd(o, optarg);
			break;
		case OPT_DD_MANY:
			r = parse_dd_many(o, optarg);
			break;
		case OPT_PRSTATUS:
			new_note(o, NOTE_PRSTATUS)->prstatus_arg = optarg;
			break;
		case OPT_VMCOREINFO:
		case OPT_VMCOREINFO_FILE:
			r = parse_vmcoreinfo(o, optarg, c == OPT_VMCOREINFO_FILE);
			break;
		case OPT_NOTE:
			r = parse_note(o, optarg);
			break;
		case OPT_CLI_ORDER:
			o->cli_order = true;
			break;
		case OPT_LOAD:
			r = parse_load(o, optarg);
			break;
		case OPT_LOADS_FROM:
			r = parse_loads_from(o, optarg);
			break;
		case OPT_SPLIT_NOTES:
			o->split = true;
			break;
		case OPT_SET:
			o->sets = xreallocarray(o->sets, o->nsets + 1, sizeof(*o->sets));
			memset(&o->sets[o->nsets], 0, sizeof(*o->sets));
			o->sets[o->nsets++].arg = optarg;
			break;
		case OPT_TRUNCATE:
			if (!parse_num(optarg, strlen(optarg), &o->truncate) ||
			    o->truncate > MAX_FILE_SIZE)
				return fail(EX_USAGE, "--truncate: bad OFFSET '%s'", optarg);
			o->truncate_given = true;
			break;
		case OPT_LAYOUT:
			o->layout = true;
			break;
		case 'h':
			usage();
			exit(0);
		case ':':
			return fail(EX_USAGE, "option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				return fail(EX_USAGE, "unknown option '-%c'", optopt);
			return fail(EX_USAGE, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (r)
		return r;
	if (optind >= argc)
		return fail(EX_USAGE, "no OUTPUT file given");
	if (optind + 1 < argc)
		return fail(EX_USAGE, "unexpected argument '%s' (one OUTPUT only)", argv[optind + 1]);
	o->output = argv[optind];
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .cls = ELFCLASS64, .machine = EM_X86_64, .etype = ET_CORE,
			  .page = 4096 };
	struct layout L = { 0 };
	uint64_t final_size = 0;
	int r;

	r = parse_args(argc, argv, &o);
	if (!r)
		r = compute_layout(&o, &L);
	for (size_t i = 0; !r && i < o.nsets; i++)
		r = resolve_set(&o, &L, &o.sets[i]);
	if (!r && elf_version(EV_CURRENT) == EV_NONE)
		r = fail(EX_IO, "libelf: %s", elf_errmsg(-1));
	if (!r)
		r = write_vmcore(&o, &L, &final_size);
	if (!r && o.layout)
		print_layout(&o, &L, final_size);
	if (!r && (fflush(stdout) != 0 || ferror(stdout)))
		r = fail(EX_IO, "stdout: %s", strerror(errno));

	for (size_t i = 0; i < o.nnotes; i++) {
		free(o.notes[i].owner);
		free(o.notes[i].prefix);
	}
	free(o.notes);
	free(o.loads);
	for (size_t i = 0; i < o.nlines; i++)
		free(o.lines[i]);
	free(o.lines);
	free(o.sets);
	free(L.phdrs);
	free(L.order);

	if (r) {
		fprintf(stderr, PROG ": %s\n", errmsg);
		if (r == EX_USAGE)
			fprintf(stderr, "Try '" PROG " --help'.\n");
	}
	return r;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* vmcore-dmesg: the kernel log of the crashed kernel, from a vmcore. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dmesg.h"
#include "fileout.h"
#include "machine.h"
#include "output.h"
#include "units.h"
#include "vaddr.h"
#include "vmcore.h"
#include "vmcoreinfo.h"

#define PROG "vmcore-dmesg"


static void usage(FILE *fp)
{
	fputs("Usage:\n"
	      " " PROG " [options] [VMCORE]\n"
	      "\n"
	      "Print the kernel log of the crashed kernel from a vmcore: the lockless ring buffer\n"
	      "(5.10+), the structured log (3.5-5.9) or the legacy buffer, found through VMCOREINFO.\n"
	      "Without options the output is exactly that of kexec-tools' vmcore-dmesg.\n"
	      "VMCORE defaults to /proc/vmcore.\n"
	      "\n"
	      "Options:\n"
	      "     --seq                prefix each record with its sequence number\n"
	      "     --level              prefix each record with <facility*8+level>, as dmesg -r\n"
	      "     --caller             add the caller: [  T123] (thread id) or [    C1] (CPU)\n"
	      "     --since-seq=N        only the records from sequence number N on\n"
	      " -J, --json               JSON: one object per record (seq, ts_nsec, level,\n"
	      "                            facility, caller, lost, text)\n"
	      " -o, --output=FILE        write to FILE (mode 0600, atomically) instead of\n"
	      "                            standard output\n"
	      " -f, --force              with --output: replace an existing FILE\n"
	      "\n"
	      " -h, --help               display this help\n"
	      " -V, --version            display version\n"
	      "\n"
	      "Exit status: 0 ok; 1 malformed or truncated vmcore or log (what could be read is\n"
	      "still printed), or --output FILE exists; 2 usage; 3 I/O error.  See vmcore-dmesg(8).\n",
	      fp);
}

enum { OPT_SEQ = 256, OPT_LEVEL, OPT_CALLER, OPT_SINCE };

/* 0 to run, 1 to exit 0 (help, version), or -exit status */
static int parse_args(int argc, char **argv, struct dmesg_opts *o)
{
	static const struct option longopts[] = {
		{ "seq", no_argument, NULL, OPT_SEQ },
		{ "level", no_argument, NULL, OPT_LEVEL },
		{ "caller", no_argument, NULL, OPT_CALLER },
		{ "since-seq", required_argument, NULL, OPT_SINCE },
		{ "json", no_argument, NULL, 'J' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct dmesg_opts){ .vmcore = "/proc/vmcore" };
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":Jo:fhV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SEQ: o->seq = true; break;
		case OPT_LEVEL: o->level = true; break;
		case OPT_CALLER: o->caller = true; break;
		case OPT_SINCE:
			if (kx_parse_u64(optarg, &o->since) < 0)
				return kx_usage_error("--since-seq needs a sequence number, not '%s'", optarg);
			o->since_set = true;
			break;
		case 'J': o->json = true; break;
		case 'o':
			if (!*optarg)
				return kx_usage_error("--output needs a file name");
			o->output = optarg;
			break;
		case 'f': o->force = true; break;
		case 'h': usage(stdout); return KX_EXIT_OK;
		case 'V': printf(PROG " from " PACKAGE_NAME " " PACKAGE_VERSION "\n"); return KX_EXIT_OK;
		case ':': return kx_usage_error("option '%s' needs an argument", argv[optind - 1]);
		default: return kx_usage_error("unrecognized option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		o->vmcore = argv[optind++];
	if (optind < argc)
		return kx_usage_error("unexpected argument '%s' (one VMCORE at a time)", argv[optind]);
	if (o->force && !o->output)
		return kx_usage_error("--force only applies to --output");
	if (o->json && (o->seq || o->level || o->caller))
		return kx_usage_error("--json has every field; --seq, --level and --caller are "
				    "for the text output");
	return KX_CLI_CONTINUE;
}

/* ---- output file */

struct out_file {
	struct kx_atomic a;
	int dirfd;
	bool open, force;
};

static int out_file_open(const char *path, bool force, struct out_file *f, FILE **ret,
			 struct kx_err *err)
{
	const char *name;
	int r, fd;

	*f = (struct out_file){ .dirfd = -1, .force = force };
	r = kx_open_parent(path, &f->dirfd, &name, err);
	if (r < 0)
		return r;
	r = kx_atomic_open(f->dirfd, name, force, &f->a, err);
	if (r < 0)
		return r;
	/* the stream gets its own descriptor: the commit needs a->fd after fclose() */
	fd = dup(f->a.fd);
	*ret = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!*ret) {
		r = kx_err_set(err, -errno, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		kx_atomic_abort(&f->a);
		return r;
	}
	f->open = true;
	return 0;
}

/* Flush and commit (or throw away) the output file. */
static int out_file_close(struct out_file *f, FILE *fp, bool keep, struct kx_err *err)
{
	int r = 0;

	if (f->open) {
		if (fflush(fp) != 0 || ferror(fp))
			r = kx_err_set(err, -EIO, "cannot write %s: %s", f->a.name, strerror(errno));
		if (fclose(fp) != 0 && r == 0)
			r = kx_err_set(err, -EIO, "cannot write %s: %s", f->a.name, strerror(errno));
		if (r == 0 && keep)
			r = kx_atomic_commit(&f->a, f->force, true, err);
		if (r < 0 || !keep)
			kx_atomic_abort(&f->a);
	}
	if (f->dirfd >= 0)
		close(f->dirfd);
	return r;
}

/* ---- the walk */

static int mem_read(void *ctx, uint64_t addr, void *buf, size_t len, const char *what,
		    struct kx_err *err)
{
	return kx_vaddr_read(ctx, addr, buf, len, what, err);
}

static int mem_offset(void *ctx, uint64_t addr, uint64_t *ret)
{
	struct kx_vaddr_loc loc;
	int r = kx_vaddr_translate(ctx, addr, "", &loc, NULL);

	if (r < 0 || !loc.file_bytes)
		return r < 0 ? r : -ENODATA;
	*ret = loc.offset;
	return 0;
}

/* sizeof(long) of the crashed kernel: the machine's (which wins over the ELF class: i386 PAE,
 * 32-bit ARM and PowerPC dumps can be ELF64), else the class's for a machine not in the table */
static unsigned kernel_word(const struct kx_vmcore_info *info)
{
	const struct kx_machine *m = kx_machine_by_elf(info->machine, info->elfclass,
						       info->data == ELFDATA2MSB);

	if (m)
		return m->word_size;
	return info->elfclass == ELFCLASS64 ? 8 : 4;
}

static int exit_for(int r)
{
	if (r >= 0)
		return KX_EXIT_OK;
	if (kx_err_is_malformed(r) || r == -EPROTONOSUPPORT || r == -EEXIST)
		return KX_EXIT_FAIL;
	return KX_EXIT_IO;
}

struct run {
	struct kx_vmcore *v;
	struct kx_vaddr *a;
	char *vi;
	size_t vi_len;
	struct kx_printk_iter it;
	bool it_init;
};

/* Everything up to the first record.  <0 with err set. */
static int prepare(const struct dmesg_opts *o, struct run *run, struct kx_err *err)
{
	const struct kx_vmcore_info *info;
	struct kx_printk_layout lay;
	struct kx_printk_mem mem;
	int r;

	r = kx_vmcore_open(o->vmcore, &run->v, err);
	if (r < 0)
		return r;
	info = kx_vmcore_info(run->v);
	if (info->type != ET_CORE)
		kx_warn("%s is an ELF file of type %u, not a core dump "
			"(ET_CORE)", o->vmcore, info->type);
	r = kx_vmcoreinfo_read(run->v, &run->vi, &run->vi_len, err);
	if (r == -ENOENT || r == -EFBIG)
		return -EBADMSG;        /* no usable VMCOREINFO: the vmcore is not what it should be */
	if (r < 0)
		return r;
	r = kx_printk_layout_parse(run->vi, run->vi_len, kernel_word(info),
				   info->data == ELFDATA2MSB, &lay, err);
	if (r < 0)
		return r;
	r = kx_vaddr_open(run->v, run->vi, run->vi_len, &run->a, err);
	if (r < 0)
		return r;
	mem = (struct kx_printk_mem){ .read = mem_read, .offset = mem_offset, .ctx = run->a };
	run->it_init = true;
	return kx_printk_iter_init(&run->it, &lay, &mem, err);
}

int main(int argc, char **argv)
{
	static char obuf[256 * 1024];
	struct dmesg_opts o;
	struct dmesg_out out = { 0 };
	struct out_file of = { .dirfd = -1 };
	struct run run = { 0 };
	struct kx_printk_record rec;
	struct kx_err err;
	char text[640];
	FILE *fp = stdout;
	int r, rr, status;

	kx_cli_init(PROG);
	r = parse_args(argc, argv, &o);
	if (r != KX_CLI_CONTINUE)
		return r;
	kx_atomic_cleanup_on_signals();     /* no temporary file left behind by ^C */

	kx_err_clear(&err);
	if (o.output && out_file_open(o.output, o.force, &of, &fp, &err) < 0) {
		kx_error("%s", kx_err_text(&err, text, sizeof(text)));
		return exit_for(err.code);
	}
	setvbuf(fp, obuf, _IOFBF, sizeof(obuf));
	if (dmesg_out_init(&out, fp, &o) < 0) {
		kx_error("out of memory");
		return KX_EXIT_IO;
	}

	r = prepare(&o, &run, &err);
	if (r < 0) {
		if (o.json)
			kx_out_json_error(fp, o.vmcore, &err);
	} else {
		uint64_t nrec = 0;

		dmesg_out_begin(&out, o.vmcore, run.it.lay.format);
		while ((rr = kx_printk_iter_next(&run.it, &rec, &err)) != 0)
			if (rr > 0) {
				nrec++;
				dmesg_out_record(&out, &rec);
			} else if (r == 0) {
				r = rr;
			}
		dmesg_out_end(&out, &err);
		/* an empty ring is possible (nothing logged yet), but far likelier a VMCOREINFO
		 * that does not describe this memory: say so rather than print nothing */
		if (r == 0 && nrec == 0)
			kx_warn("%s: the %s printk log holds no record (%llu malformed skipped): "
				"nothing was logged, or VMCOREINFO does not describe this memory",
				o.vmcore, kx_printk_format_name(run.it.lay.format),
				(unsigned long long)run.it.errors);
	}
	if (r < 0) {
		kx_error("%s: %s", o.vmcore, kx_err_text(&err, text, sizeof(text)));
		if (run.it.errors > 1)
			kx_error("%s: %llu malformed records in all", o.vmcore,
				(unsigned long long)run.it.errors);
	}
	status = exit_for(r);

	if (run.it_init)
		kx_printk_iter_free(&run.it);
	kx_vaddr_close(run.a);
	free(run.vi);
	kx_vmcore_close(run.v);
	dmesg_out_free(&out);

	if (o.output) {
		struct kx_err werr;

		kx_err_clear(&werr);
		/* what could be read is kept; an I/O error, or nothing read, leaves no file behind */
		bool keep = status == KX_EXIT_OK || (status == KX_EXIT_FAIL && (out.printed || o.json));

		if (out_file_close(&of, fp, keep, &werr) < 0) {
			kx_error("%s", kx_err_text(&werr, text, sizeof(text)));
			return KX_EXIT_IO;
		}
	} else if (fflush(stdout) != 0 || ferror(stdout)) {
		kx_error("write error on standard output");
		return KX_EXIT_IO;
	}
	return status;
}

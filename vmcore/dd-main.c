// SPDX-License-Identifier: GPL-2.0-or-later
/* vmcore-dd: list and extract device dumps and list every note of a vmcore. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dd.h"
#include "devdump.h"
#include "fileout.h"
#include "sysroot.h"

#define PROG "vmcore-dd"


static void usage(FILE *fp)
{
	fputs("Usage:\n"
	      " " PROG " [options] [VMCORE]\n"
	      "\n"
	      "List and extract the device dumps (ELF note type 0x700) of a vmcore and list its\n"
	      "notes.  VMCORE defaults to /proc/vmcore.\n"
	      "\n"
	      "Modes:\n"
	      " -l, --list               list device dumps: INDEX NAME SIZE OFFSET (default)\n"
	      " -n, --notes              list every note, decoded\n"
	      " -s, --segments           list the PT_LOAD segments (memory in the dump)\n"
	      " -x, --extract=DIR        write each device dump to DIR/<name>\n"
	      " -d, --dump=NAME|INDEX    write one device dump to standard output\n"
	      "     --check              verify the structure; exit 1 on any inconsistency\n"
	      "\n"
	      "Options:\n"
	      "     --to=FILE            with --dump: write to FILE instead of standard output\n"
	      "     --expect=N           with --list: exit 1 when fewer than N device dumps are\n"
	      "                            found (kexec_dd= of /proc/cmdline sets what is\n"
	      "                            expected; a shortfall is otherwise a warning)\n"
	      "     --sysroot=DIR        read DIR/proc/cmdline (and DIR/proc/vmcore by default)\n"
	      " -f, --force              replace existing files (--extract, --dump --to)\n"
	      " -J, --json               JSON output (--list, --notes, --segments, --extract, --check)\n"
	      " -o, --output=COLS        columns to print (+COLS adds to the default)\n"
	      " -r, --raw                raw output, no alignment\n"
	      "     --noheadings         don't print headings\n"
	      "\n"
	      " -h, --help               display this help\n"
	      " -V, --version            display version\n"
	      "\n"
	      "Columns for --list:\n", fp);
	kx_out_help(fp, dd_list_cols, dd_list_ncols);
	fputs("\nColumns for --notes:\n", fp);
	kx_out_help(fp, dd_note_cols, dd_note_ncols);
	fputs("\nColumns for --segments:\n", fp);
	kx_out_help(fp, dd_segment_cols, dd_segment_ncols);
	fputs("\nExit status: 0 ok; 1 malformed or truncated vmcore, or a refused write (file exists,\n"
	      "no such dump); 2 usage (also --dump to a terminal); 3 I/O error.  See vmcore-dd(8).\n",
	      fp);
}

/*
 * The input of every mode: VMCORE when one is named, else /proc/vmcore under --sysroot=DIR (the
 * running system's without it).  0, or the exit status with the problem printed.
 */
static int resolve_input(const char *sysroot, const char *given, struct kx_sysroot *ret_root,
			 struct dd_opts *o)
{
	static char vmcore[PATH_MAX];
	int r = kx_sysroot_init(ret_root, sysroot);

	if (r < 0) {
		kx_error("--sysroot=%s: %s", sysroot, strerror(-r));
		return KX_EXIT_USAGE;
	}
	if (given) {
		o->vmcore = given;
		return 0;
	}
	if (!kx_sysroot_path(ret_root, "/proc/vmcore", vmcore, sizeof(vmcore))) {
		kx_error("--sysroot=%s: %s", sysroot, strerror(ENAMETOOLONG));
		return KX_EXIT_USAGE;
	}
	o->vmcore = vmcore;
	return 0;
}

/*
 * In the capture kernel, /proc/cmdline carries what the loader budgeted (kexec_dd=COUNT:BYTES,
 * kexec(8)); --sysroot=DIR reads DIR/proc/cmdline instead.
 */
static void read_expected(const struct kx_sysroot *s, const char *sysroot, struct dd_opts *o)
{
	char buf[4096];
	int r = kx_sysroot_read(s, "/proc/cmdline", buf, sizeof(buf), NULL);

	if (r < 0) {
		fprintf(stderr, PROG ": warning: cannot read /proc/cmdline%s%s: %s; expected device "
			"dumps unknown\n", sysroot ? " under " : "", sysroot ? sysroot : "",
			strerror(-r));
		return;
	}
	o->cmdline_read = true;
	r = kx_dd_cmdline_parse(buf, &o->expected_count, &o->expected_bytes);
	if (r < 0)
		kx_warn("ignoring a malformed kexec_dd= on the command line "
			"(expected kexec_dd=COUNT:BYTES)");
	o->has_expected = r == 1;
}

static const char *const mode_names[] = {
	[DD_LIST] = "--list", [DD_NOTES] = "--notes", [DD_SEGMENTS] = "--segments",
	[DD_EXTRACT] = "--extract", [DD_DUMP] = "--dump", [DD_CHECK] = "--check",
};

enum { OPT_CHECK = 256, OPT_TO, OPT_NOHEADINGS, OPT_EXPECT, OPT_SYSROOT };

static int parse_args(int argc, char **argv, struct dd_opts *o)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "notes", no_argument, NULL, 'n' },
		{ "segments", no_argument, NULL, 's' },
		{ "extract", required_argument, NULL, 'x' },
		{ "dump", required_argument, NULL, 'd' },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "to", required_argument, NULL, OPT_TO },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'J' },
		{ "output", required_argument, NULL, 'o' },
		{ "raw", no_argument, NULL, 'r' },
		{ "noheadings", no_argument, NULL, OPT_NOHEADINGS },
		{ "expect", required_argument, NULL, OPT_EXPECT },
		{ "sysroot", required_argument, NULL, OPT_SYSROOT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool mode_set = false, json = false, raw = false;
	const char *sysroot = NULL, *given = NULL;
	struct kx_sysroot root;
	int c, r;

	*o = (struct dd_opts){ .mode = DD_LIST, .expect = -1 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":lnsx:d:fJo:rhV", longopts, NULL)) != -1) {
		enum dd_mode m;

		switch (c) {
		case 'l': m = DD_LIST; goto mode;
		case 'n': m = DD_NOTES; goto mode;
		case 's': m = DD_SEGMENTS; goto mode;
		case 'x': m = DD_EXTRACT; o->extract_dir = optarg; goto mode;
		case 'd': m = DD_DUMP; o->dump = optarg; goto mode;
		case OPT_CHECK: m = DD_CHECK;
		mode:
			if (mode_set && o->mode != m) {
				return kx_usage_error("%s and %s are mutually exclusive",
						      mode_names[o->mode], mode_names[m]);
			}
			mode_set = true;
			o->mode = m;
			break;
		case OPT_TO: o->to = optarg; break;
		case 'f': o->force = true; break;
		case 'J': json = true; break;
		case 'o': o->columns = optarg; break;
		case 'r': raw = true; break;
		case OPT_NOHEADINGS: o->noheadings = true; break;
		case OPT_EXPECT: {
			char *end;

			errno = 0;
			o->expect = strtol(optarg, &end, 10);
			if (!*optarg || *end || errno || o->expect < 0 || o->expect > KX_DD_MAX_DEVICES)
				return kx_usage_error("--expect=%s: not a number of device dumps", optarg);
			break;
		}
		case OPT_SYSROOT: sysroot = optarg; break;
		case 'h': usage(stdout); return KX_EXIT_OK;
		case 'V': printf(PROG " from " PACKAGE_NAME " " PACKAGE_VERSION "\n"); return KX_EXIT_OK;
		case ':': return kx_usage_error("option '%s' needs an argument", argv[optind - 1]);
		default: return kx_usage_error("unrecognized option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		given = argv[optind++];
	if (optind < argc)
		return kx_usage_error("unexpected argument '%s' (one VMCORE at a time)", argv[optind]);
	if (o->expect >= 0 && o->mode != DD_LIST)
		return kx_usage_error("--expect only applies to --list");
	r = resolve_input(sysroot, given, &root, o);
	if (r != 0)
		return r;
	/* /proc/vmcore named explicitly is the capture kernel's own dump too */
	if (o->mode == DD_LIST && (sysroot || !given || !strcmp(o->vmcore, "/proc/vmcore")))
		read_expected(&root, sysroot, o);
	if (json && raw)
		return kx_usage_error("--json and --raw are mutually exclusive");
	o->out_mode = json ? KX_OUT_JSON : raw ? KX_OUT_RAW : KX_OUT_TABLE;
	if (o->to && o->mode != DD_DUMP)
		return kx_usage_error("--to only applies to --dump");
	if (o->force && o->mode != DD_EXTRACT && !(o->mode == DD_DUMP && o->to))
		return kx_usage_error("--force only applies to --extract and --dump --to");
	if (json && o->mode == DD_DUMP)
		return kx_usage_error("--dump writes raw data; --json does not apply");
	if (o->columns && o->mode != DD_LIST && o->mode != DD_NOTES && o->mode != DD_SEGMENTS)
		return kx_usage_error("--output only applies to --list, --notes and --segments");
	if (o->mode == DD_EXTRACT && !*o->extract_dir)
		return kx_usage_error("--extract needs a directory");
	return KX_CLI_CONTINUE;
}

static int exit_for(int r)
{
	if (r >= 0)
		return KX_EXIT_OK;
	if (kx_err_is_malformed(r) || r == -EEXIST || r == -ESRCH || r == -ENOTUNIQ)
		return KX_EXIT_FAIL;
	if (r == -ENOTTY || r == -EINVAL)
		return KX_EXIT_USAGE;
	return KX_EXIT_IO;
}

int main(int argc, char **argv)
{
	struct kx_vmcore *v = NULL;
	struct kx_err err;
	struct dd_opts o;
	char text[640];
	int r;

	kx_cli_init(PROG);
	r = parse_args(argc, argv, &o);
	if (r != KX_CLI_CONTINUE)
		return r;
	kx_atomic_cleanup_on_signals();     /* no temporary file left behind by ^C */

	kx_err_clear(&err);
	r = kx_vmcore_open(o.vmcore, &v, &err);
	if (r < 0) {
		kx_error("%s: %s", o.vmcore, kx_err_text(&err, text, sizeof(text)));
		if (o.out_mode == KX_OUT_JSON)
			kx_out_json_error(stdout, o.vmcore, &err);
		/* a file that is not a usable ELF core is malformed input; failing to open it is I/O */
		return kx_err_is_malformed(r) || r == -EPROTONOSUPPORT ? KX_EXIT_FAIL : KX_EXIT_IO;
	}
	if (kx_vmcore_info(v)->type != ET_CORE)
		kx_warn("%s is an ELF file of type %u, not a core dump "
			"(ET_CORE)", o.vmcore, kx_vmcore_info(v)->type);

	switch (o.mode) {
	case DD_LIST: r = dd_list(v, &o, &err); break;
	case DD_NOTES: r = dd_notes(v, &o, &err); break;
	case DD_SEGMENTS: r = dd_segments(v, &o, &err); break;
	case DD_EXTRACT: r = dd_extract(v, &o, &err); break;
	case DD_DUMP: r = dd_dump(v, &o, &err); break;
	case DD_CHECK: r = dd_check(v, &o, &err); break;
	}
	if (r == -EINVAL)
		kx_usage_error("%s", kx_err_text(&err, text, sizeof(text)));
	else if (r < 0 && o.mode != DD_CHECK)
		kx_error("%s: %s", o.vmcore, kx_err_text(&err, text, sizeof(text)));
	kx_vmcore_close(v);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		kx_error("write error on standard output");
		return KX_EXIT_IO;
	}
	return exit_for(r);
}

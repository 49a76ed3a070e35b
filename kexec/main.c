// SPDX-License-Identifier: GPL-2.0-or-later
/* kexec: load a kernel for kexec or kdump with kexec-tools' options; command line and dispatch. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "devdump.h"
#include "kexec.h"
#include "plan.h"
#include "state.h"
#include "syscall.h"

static void usage(FILE *fp)
{
	fputs("Usage:\n"
	      " " PROG " [options] -l|-p|-f KERNEL\n"
	      " " PROG " [options] -u|-e|-S|--print-ckr-size\n"
	      " " PROG " --estimate [options] [KERNEL]\n"
	      "\n"
	      "Load a kernel to boot into with kexec (-l), or the kernel that captures a crash\n"
	      "dump (-p, kdump), with kexec-tools' options.  Everything that can be checked is\n"
	      "checked before the kernel is asked, and the load plan can be seen first.\n"
	      "\n"
	      "Actions:\n"
	      " -l, --load                 load KERNEL to boot into with -e\n"
	      " -p, --load-panic           load KERNEL as the crash kernel; with -u and -S: act on\n"
	      "                              the crash kernel\n"
	      " -f, --force                load KERNEL as with -l and boot into it at once,\n"
	      "                              without shutting services down (as -e does)\n"
	      " -u, --unload               unload the kexec kernel (with -p: the crash kernel)\n"
	      " -e, --exec                 reboot into the kernel loaded with -l, at once: sync,\n"
	      "                              network interfaces down, no service shutdown\n"
	      " -S, --status               exit 1 when the crash kernel (with -l: the kexec\n"
	      "                              kernel) is loaded, 0 when not\n"
	      "     --print-ckr-size       print the size of the crash kernel reservation in\n"
	      "                              bytes (with -d: each range)\n"
	      "     --estimate             print the crash kernel memory KERNEL (default\n"
	      "                              /boot/vmlinuz-RELEASE, with its initrd) needs:\n"
	      "                              kernel, initrd, runtime, device dumps\n"
	      "\n"
	      "Load options:\n"
	      "     --initrd=FILE          the initrd (also --ramdisk)\n"
	      "     --append=STRING        kernel command line (also --command-line); given\n"
	      "                              more than once, the strings are joined\n"
	      "     --reuse-cmdline        start from this kernel's command line, without\n"
	      "                              BOOT_IMAGE= (and with -p without crashkernel=)\n"
	      " -t, --type=TYPE            the image type (x86_64: bzImage64, elf-x86_64 with\n"
	      "                              -c), or the container: uki, vmlinuz\n"
	      " -s, --kexec-file-syscall   load with kexec_file_load\n"
	      " -c, --kexec-syscall        load with kexec_load: kexec builds every segment,\n"
	      "                              the elfcorehdr and its own purgatory\n"
	      " -a, --kexec-syscall-auto   kexec_file_load, falling back to kexec_load (default)\n"
	      " -i, --no-checks            no SHA-256 check of the segments in purgatory\n"
	      "                              (kexec_load only)\n"
	      "     --hotplug              with -p: the kernel keeps the elfcorehdr right across\n"
	      "                              memory and CPU hotplug (default where supported;\n"
	      "                              an error where not)\n"
	      "     --mem-min=ADDR, --mem-max=ADDR\n"
	      "                            with -c: place every segment within [ADDR, ADDR]\n"
	      "     --no-cma               with kexec_file_load: no segment in CMA memory\n"
	      "     --force-dtb            with kexec_file_load: hand the device tree over\n"
	      "                              (x86_64; arm64 and ppc64 always do)\n"
	      "     --dtb=FILE             with -c: the device tree to edit for the new kernel\n"
	      "                              (arm64; default /sys/firmware/fdt; also\n"
	      "                              --devicetreeblob)\n"
	      "     --serial=PORT          with -c on x86_64: where purgatory reports a failed\n"
	      "                              segment check (ttyS0-ttyS3 or 0xPORT; default the\n"
	      "                              console= port, else ttyS0)\n"
	      "     --serial-baud=BAUD     with --serial: program the port to BAUD first\n"
	      "     --pass-memmap-cmdline  with -p -c on x86_64: the capture memory map also as\n"
	      "                              memmap= on the command line\n"
	      "\n"
	      "Before -e and -f reboot:\n"
	      " -x, --no-ifdown            leave the network interfaces up\n"
	      " -y, --no-sync              do not sync the file systems\n"
	      "\n"
	      "Extensions:\n"
	      "     --dry-run              check and print the load plan, load nothing\n"
	      "     --json                 JSON output (load plans, -u, -S, --print-ckr-size)\n"
	      "     --load-anyway          load even when a check made before the syscall fails\n"
	      "     --no-hotplug           with -p: do not ask the kernel to keep the\n"
	      "                              elfcorehdr right; kexec-hotplug reloads instead\n"
	      "     --fadump               with -p, -u -p and -S: register, unregister or show\n"
	      "                              firmware-assisted dump (POWER) instead of a crash\n"
	      "                              kernel; --append: words the capture boot adds\n"
	      "     --elfcorehdr-out=FILE  with -p: write the ELF core header a kexec_load\n"
	      "                              would carry, for readelf\n"
	      "     --dtb-out=FILE         with -c: write the edited device tree, for dtc\n"
	      "     --sysroot=DIR          read /proc and /sys under DIR\n"
	      "     --device-dump-budget=SPEC\n"
	      "                            with -p: memory for device dumps: auto, none, SIZE\n"
	      "                              or MATCH=SIZE[,...] (MATCH: driver or PCI address)\n"
	      "     --device-dump-conf=FILE\n"
	      "                            the driver budgets (default " KX_DD_CONF_DEFAULT ",\n"
	      "                              or $KEXEC_DEVICE_DUMP_CONF)\n"
	      "\n"
	      "kexec-tools options accepted that change nothing here (see kexec(8)):\n"
	      "  --args-linux --args-elf --args-none (no ELF kernel is loaded), --elf64-core-headers\n"
	      "  (always), --noefi --reuse-video-type --console-serial (what -c always does),\n"
	      "  --dt-no-old-root (no device tree is built from the running one's root=)\n"
	      "kexec-tools options refused, each with the reason: --exec-live-update,\n"
	      "  --load-live-update, --load-preserve-context, --load-jump-back-helper, --entry,\n"
	      "  --module, --real-mode, --entry-32bit, --elf32-core-headers, --console-vga,\n"
	      "  --reset-vga, --reuseinitrd\n"
	      "\n"
	      " -d, --debug                print the plan and each syscall on standard error;\n"
	      "                              ask the kernel for its own debug output too\n"
	      " -h, --help                 display this help (also -?)\n"
	      " -v, --version              display version (-V as well)\n"
	      "\n"
	      "Each successful crash load is recorded in $KEXEC_STATE_DIR (default /run/kexec),\n"
	      "so that a load the kernel rejects is followed by restoring the previous one.\n"
	      "\n"
	      "Exit status: 0 ok; 1 failure (the message names the cause and the fix); 2 usage;\n"
	      "-S: 1 loaded, 0 not loaded.  See kexec(8).\n", fp);
}

enum {
	OPT_INITRD = 256, OPT_APPEND, OPT_REUSE_CMDLINE, OPT_PRINT_CKR, OPT_DRY_RUN, OPT_JSON,
	OPT_ELFCOREHDR_OUT, OPT_SYSROOT, OPT_LOAD_ANYWAY, OPT_HOTPLUG, OPT_NO_HOTPLUG, OPT_ESTIMATE,
	OPT_DD_BUDGET, OPT_DD_CONF, OPT_FADUMP, OPT_DTB, OPT_DTB_OUT, OPT_MEM_MIN, OPT_MEM_MAX,
	OPT_NO_CMA, OPT_FORCE_DTB, OPT_SERIAL, OPT_SERIAL_BAUD, OPT_MEMMAP_CMDLINE,
	OPT_DT_NO_OLD_ROOT, OPT_NO_EFFECT, OPT_REFUSED,
};

/*
 * kexec-tools options whose meaning cannot apply to this kexec: each gets its reason and what
 * to do instead, exit 2 (never "unrecognized option").
 */
static const char use_kexec_tools[] = "use kexec-tools' kexec for that";
static const struct refused_opt {
	const char *name;
	int has_arg;
	const char *why;
} refused_opts[] = {
	{ "exec-live-update", no_argument, "Xen live update (a new hypervisor replacing the "
	  "running one) is not a Linux kexec: this kexec loads Linux kernels only; %s" },
	{ "load-live-update", no_argument, "Xen live update (a new hypervisor replacing the "
	  "running one) is not a Linux kexec: this kexec loads Linux kernels only; %s" },
	{ "load-preserve-context", no_argument, "kexec jump (an image that returns to this "
	  "kernel, KEXEC_PRESERVE_CONTEXT) needs an image written for it, and this kexec loads "
	  "Linux kernels only; %s" },
	{ "load-jump-back-helper", no_argument, "kexec jump (an image that returns to this "
	  "kernel, KEXEC_PRESERVE_CONTEXT) needs an image written for it, and this kexec loads "
	  "Linux kernels only; %s" },
	{ "entry", required_argument, "it sets the entry of a kexec jump image (see "
	  "--load-preserve-context), which this kexec does not load; %s" },
	{ "module", required_argument, "multiboot modules go with multiboot kernels, and this "
	  "kexec loads Linux kernels only; %s" },
	{ "real-mode", no_argument, "this kexec starts an x86 kernel at its 64-bit entry "
	  "(boot protocol 2.12, every x86_64 kernel has it), never at the 16-bit one: drop the "
	  "option" },
	{ "entry-32bit", no_argument, "this kexec starts an x86 kernel at its 64-bit entry "
	  "(boot protocol 2.12, every x86_64 kernel has it), never at the 32-bit one: drop the "
	  "option" },
	{ "elf32-core-headers", no_argument, "an ELF32 core header cannot describe memory above "
	  "4 GiB, and every capture kernel reads the ELF64 one this kexec writes: drop the "
	  "option (--elf64-core-headers is the default)" },
	{ "console-vga", no_argument, "purgatory here writes only its failure line, and only to "
	  "a serial port: use --serial=PORT" },
	{ "reset-vga", no_argument, "purgatory here leaves the display as it is: the new kernel "
	  "sets it up from the screen_info handed over; drop the option" },
	{ "reuseinitrd", no_argument, "the initrd the first boot kept with retain_initrd is not "
	  "reused here (the capture kernel gets a copy of its own in the reservation): pass the "
	  "initrd again with --initrd=FILE" },
};

/* kexec-tools options accepted that change nothing this kexec does (kexec(8) says why). */
static const char *const no_effect_opts[] = {
	"args-linux", "args-elf", "args-none", "elf64-core-headers", "noefi",
	"reuse-video-type", "console-serial",
};

/* kexec-tools' -t names of loaders this kexec does not have, per arch, with the reason. */
static const char not_linux[] = "is not a loader of Linux kernel images in this kexec; use "
				"kexec-tools' kexec for that";
static const struct other_type {
	const char *arch, *type, *why;
} other_types[] = {
	{ "x86_64", "bzImage", "is kexec-tools' 32-bit entry loader; this kexec starts a bzImage "
	  "at its 64-bit entry: -t bzImage64" },
	{ "x86_64", "elf-x86", not_linux }, { "x86_64", "multiboot-x86", not_linux },
	{ "x86_64", "multiboot2-x86", not_linux }, { "x86_64", "beoboot-x86", not_linux },
	{ "x86_64", "nbi-x86", not_linux },
	{ "arm64", "vmlinux", "is kexec-tools' ELF vmlinux loader; this kexec loads the Image "
	  "(/boot/vmlinuz-RELEASE, compressed or not): -t Image or no -t" },
	{ "arm64", "uImage", "is a U-Boot wrapped image; pass the Image inside it" },
};

/* What the options said, before it is turned into one action: every flag is only ever set. */
struct seen {
	bool l, p, u, e, S, f, x, y, ckr, est;
	char sysmode;                   /* 's', 'c', 'a' or 0 */
	const char *load_only;          /* the first load-only option given, for messages */
	int given[48];                  /* the options that have a rule below, in the order given */
	unsigned ngiven;
	const char *no_effect;          /* the last option accepted that changes nothing */
};

/*
 * Where each option applies, and the sentence when it does not (%s: the option): the actions
 * it goes with, and within a load whether it needs -p (a crash load) or -c (kexec_load).  An
 * option is one row here, not an `if` in decide().  A row with only_warn set is accepted where
 * it has no effect (kexec-tools ignores it there) and says so in a warning.
 */
#define ON(a) (1u << (a))
#define ALL_ACTIONS (ON(ACT_LOAD) | ON(ACT_UNLOAD) | ON(ACT_EXEC) | ON(ACT_STATUS) | \
		     ON(ACT_PRINT_CKR) | ON(ACT_ESTIMATE))
static const char load_only[] = "%s only applies to loading (-l, -p, -f)";
static const char no_elfcorehdr[] = "%s applies to -p only: only a crash load has an elfcorehdr";
static const char own_dtb[] = "%s needs -c: with kexec_file_load the kernel edits its own "
			      "device tree";
static const char kernel_places[] = "%s has no effect with -s: kexec_file_load places the "
				    "segments itself";
static const char file_only[] = "%s has no effect with -c: it is a kexec_file_load flag";
static const char purgatory_only[] = "%s has no effect with -s: the kernel's own purgatory "
				     "prints nothing";
#define RULE(id_, name_, actions_, not_here_, ...) \
	{ .id = (id_), .name = (name_), .actions = (actions_), .not_here = (not_here_), __VA_ARGS__ }
static const struct opt_rule {
	int id;                         /* the option's getopt value */
	const char *name;
	unsigned actions;
	const char *not_here;
	bool needs_crash;
	const char *not_crash;
	bool needs_kload;               /* -c */
	bool needs_file;                /* not -c */
	const char *not_mode;           /* when the syscall is the other one */
	bool only_warn;                 /* not_mode is a warning, the load goes on */
} opt_rules[] = {
	RULE(OPT_INITRD, "--initrd", ON(ACT_LOAD), load_only),
	RULE(OPT_APPEND, "--append", ON(ACT_LOAD), load_only),
	RULE(OPT_REUSE_CMDLINE, "--reuse-cmdline", ON(ACT_LOAD), load_only),
	RULE('t', "--type", ON(ACT_LOAD), load_only),
	RULE('i', "--no-checks", ON(ACT_LOAD), load_only),
	RULE(OPT_LOAD_ANYWAY, "--load-anyway", ON(ACT_LOAD), load_only),
	RULE(OPT_HOTPLUG, "--hotplug", ON(ACT_LOAD), load_only, .needs_crash = true,
	     .not_crash = no_elfcorehdr),
	RULE(OPT_NO_HOTPLUG, "--no-hotplug", ON(ACT_LOAD), load_only, .needs_crash = true,
	     .not_crash = no_elfcorehdr),
	RULE(OPT_ELFCOREHDR_OUT, "--elfcorehdr-out", ON(ACT_LOAD), load_only, .needs_crash = true,
	     .not_crash = "%s needs -p: only a crash load has an elfcorehdr"),
	RULE(OPT_DTB, "--dtb", ON(ACT_LOAD), load_only, .needs_kload = true, .only_warn = true,
	     .not_mode = "%s has no effect with -s: kexec_file_load's kernel edits its own "
			 "device tree"),
	RULE(OPT_DTB_OUT, "--dtb-out", ON(ACT_LOAD), load_only, .needs_kload = true,
	     .not_mode = own_dtb),
	RULE(OPT_MEM_MIN, "--mem-min", ON(ACT_LOAD), load_only, .needs_kload = true,
	     .not_mode = kernel_places, .only_warn = true),
	RULE(OPT_MEM_MAX, "--mem-max", ON(ACT_LOAD), load_only, .needs_kload = true,
	     .not_mode = kernel_places, .only_warn = true),
	RULE(OPT_NO_CMA, "--no-cma", ON(ACT_LOAD), load_only, .needs_file = true,
	     .not_mode = file_only, .only_warn = true),
	RULE(OPT_FORCE_DTB, "--force-dtb", ON(ACT_LOAD), load_only, .needs_file = true,
	     .not_mode = file_only, .only_warn = true),
	RULE(OPT_SERIAL, "--serial", ON(ACT_LOAD), load_only, .needs_kload = true,
	     .not_mode = purgatory_only, .only_warn = true),
	RULE(OPT_SERIAL_BAUD, "--serial-baud", ON(ACT_LOAD), load_only, .needs_kload = true,
	     .not_mode = purgatory_only, .only_warn = true),
	RULE(OPT_MEMMAP_CMDLINE, "--pass-memmap-cmdline", ON(ACT_LOAD), load_only,
	     .needs_crash = true, .not_crash = "%s applies to -p: only a capture kernel is given "
	     "the memory it may use", .needs_kload = true, .only_warn = true,
	     .not_mode = "%s has no effect with -s: kexec_file_load hands the memory map over "
			 "itself"),
	RULE(OPT_DT_NO_OLD_ROOT, "--dt-no-old-root", ON(ACT_LOAD), load_only),
	RULE('s', "-s", ON(ACT_LOAD) | ON(ACT_UNLOAD), "%s only applies to loading and unloading"),
	RULE('c', "-c", ON(ACT_LOAD) | ON(ACT_UNLOAD), "%s only applies to loading and unloading"),
	RULE('a', "-a", ON(ACT_LOAD) | ON(ACT_UNLOAD), "%s only applies to loading and unloading"),
	RULE('x', "-x", ON(ACT_LOAD) | ON(ACT_EXEC), "%s only applies to -e and -f: it is about "
	     "what happens before the reboot"),
	RULE('y', "-y", ON(ACT_LOAD) | ON(ACT_EXEC), "%s only applies to -e and -f: it is about "
	     "what happens before the reboot"),
	RULE(OPT_DRY_RUN, "--dry-run", ON(ACT_LOAD) | ON(ACT_UNLOAD) | ON(ACT_EXEC),
	     "%s only applies to -l, -p, -f, -u and -e"),
	RULE(OPT_JSON, "--json", ALL_ACTIONS & ~ON(ACT_EXEC), "%s does not apply to -e"),
	RULE(OPT_DD_BUDGET, "--device-dump-budget", ON(ACT_LOAD) | ON(ACT_ESTIMATE),
	     "%s only applies to -p and --estimate", .needs_crash = true,
	     .not_crash = "%s only applies to -p and --estimate"),
};

static const struct opt_rule *rule_of(int id)
{
	for (size_t i = 0; i < sizeof(opt_rules) / sizeof(opt_rules[0]); i++)
		if (opt_rules[i].id == id)
			return &opt_rules[i];
	return NULL;
}

static void note_given(struct seen *s, int id)
{
	for (unsigned i = 0; i < s->ngiven; i++)
		if (s->given[i] == id)
			return;
	if (rule_of(id) && s->ngiven < sizeof(s->given) / sizeof(s->given[0]))
		s->given[s->ngiven++] = id;
}

/* Every option given against its row, in the order given: the first that does not apply. */
static int check_rules(const struct seen *s, const struct kexec_opts *o)
{
	for (unsigned i = 0; i < s->ngiven; i++) {
		const struct opt_rule *r = rule_of(s->given[i]);
		bool kload = s->sysmode == 'c';

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		if (!(r->actions & ON(o->action)))
			return kx_usage_error(r->not_here, r->name);
		if (o->action == ACT_LOAD && (r->id == 'x' || r->id == 'y') && !o->exec_now)
			return kx_usage_error(r->not_here, r->name);
		if (o->action == ACT_LOAD && r->needs_crash && !o->crash) {
			if (!r->only_warn)
				return kx_usage_error(r->not_crash, r->name);
			kx_warn(r->not_crash, r->name);
			continue;
		}
		/* -a tries kexec_file_load first: an option for -c still applies on a fallback */
		if (o->action == ACT_LOAD && ((r->needs_kload && s->sysmode == 's') ||
					      (r->needs_kload && !r->only_warn && !kload) ||
					      (r->needs_file && kload))) {
			if (!r->only_warn)
				return kx_usage_error(r->not_mode, r->name);
			kx_warn(r->not_mode, r->name);
		}
#pragma GCC diagnostic pop
	}
	return KX_CLI_CONTINUE;
}

static int set_sysmode(struct seen *s, char mode)
{
	if (s->sysmode && s->sysmode != mode)
		return kx_usage_error("-%c and -%c are mutually exclusive", s->sysmode, mode);
	s->sysmode = mode;
	return KX_CLI_CONTINUE;
}

/* Turn what was seen into one action; the order of the options never matters. */
static int decide(const struct seen *s, struct kexec_opts *o)
{
	const char *acts[6];
	unsigned n = 0;
	int r;

	if (s->u)
		acts[n++] = "-u";
	if (s->e)
		acts[n++] = "-e";
	if (s->S)
		acts[n++] = "-S";
	if (s->ckr)
		acts[n++] = "--print-ckr-size";
	if (s->est)
		acts[n++] = "--estimate";
	if (s->f && (s->u || s->S || s->ckr || s->est))
		return kx_usage_error("-f and %s are mutually exclusive: -f loads a kernel and boots "
				      "into it", acts[0]);
	if (n > 1)
		return kx_usage_error("%s and %s are mutually exclusive", acts[0], acts[1]);
	if (s->l && s->p)
		return kx_usage_error("-l and -p are mutually exclusive: load a kernel to boot into "
				   "(-l) or a crash kernel (-p)");
	if (s->f && s->p)
		return kx_usage_error("-f boots into the kernel it loads, at once; a crash kernel "
				      "(-p) runs only on a panic: load with -p, or boot with -f");
	if (s->f) {
		/* -f is -l and -e in one (-l and -e given with it add nothing) */
		o->action = ACT_LOAD;
		o->exec_now = true;
	} else if (s->u)
		o->action = ACT_UNLOAD;
	else if (s->e)
		o->action = ACT_EXEC;
	else if (s->S)
		o->action = ACT_STATUS;
	else if (s->ckr)
		o->action = ACT_PRINT_CKR;
	else if (s->est)
		o->action = ACT_ESTIMATE;
	else if (s->l || s->p)
		o->action = ACT_LOAD;
	else
		return kx_usage_error("nothing to do: give -l or -p with a KERNEL, or -f, -u, -e, -S "
				   "or --print-ckr-size");
	/* -S asks about the crash kernel unless -l says otherwise (kexec-tools) */
	o->crash = s->p || (o->action == ACT_STATUS && !s->l) || o->action == ACT_ESTIMATE;
	o->no_sync = s->y;
	o->no_ifdown = s->x;

	if (o->fadump) {
		if (o->action != ACT_LOAD && o->action != ACT_UNLOAD && o->action != ACT_STATUS)
			return kx_usage_error("--fadump applies to -p (register), -u -p (unregister) "
					   "and -S");
		if (s->l || s->f)
			return kx_usage_error("--fadump is a crash dump mechanism: %s does not apply",
					      s->f ? "-f" : "-l");
		if (o->action == ACT_LOAD && s->load_only && strcmp(s->load_only, "--append"))
			return kx_usage_error("%s does not apply to --fadump: the firmware boots this "
					   "kernel again to capture, only --append adds to its "
					   "command line", s->load_only);
		if (s->sysmode || o->dd_spec || o->elfcorehdr_out)
			return kx_usage_error("%s does not apply to --fadump: nothing is loaded",
					   s->sysmode == 's' ? "-s" : s->sysmode == 'c' ? "-c" :
					   s->sysmode == 'a' ? "-a" : o->dd_spec ?
					   "--device-dump-budget" : "--elfcorehdr-out");
		o->crash = true;
		return KX_CLI_CONTINUE;
	}
	if (o->action == ACT_ESTIMATE) {
		if (s->l || s->p)
			return kx_usage_error("--estimate takes no -l or -p: it estimates a crash load");
		if (o->dry_run || o->elfcorehdr_out || o->load_anyway)
			return kx_usage_error("--estimate loads nothing: %s does not apply",
					   o->dry_run ? "--dry-run" : o->load_anyway ? "--load-anyway"
					   : "--elfcorehdr-out");
		o->sysmode = SYSMODE_AUTO;
		return KX_CLI_CONTINUE;
	}
	if (o->action == ACT_EXEC && (s->p || s->l))
		return kx_usage_error("-e reboots into the kernel loaded earlier with -l (a crash "
				      "kernel runs only on a panic): load and execute in two steps, "
				      "or use -f");
	if (o->action == ACT_PRINT_CKR && (s->p || s->l))
		return kx_usage_error("--print-ckr-size takes no -l or -p");
	if (o->mem_min_set && o->mem_max_set && o->mem_min > o->mem_max)
		return kx_usage_error("--mem-min=%#" PRIx64 " is above --mem-max=%#" PRIx64,
				      o->mem_min, o->mem_max);
	r = check_rules(s, o);
	if (r != KX_CLI_CONTINUE)
		return r;
	o->sysmode = s->sysmode == 's' ? SYSMODE_FILE : s->sysmode == 'c' ? SYSMODE_KEXEC_LOAD
									  : SYSMODE_AUTO;
	return KX_CLI_CONTINUE;
}

/* --mem-min / --mem-max: an address as kexec-tools reads it (0x hex, 0 octal, decimal). */
static int parse_addr(const char *opt, const char *arg, uint64_t *ret)
{
	char *end;

	errno = 0;
	*ret = strtoull(arg, &end, 0);
	if (!*arg || *end || errno || *arg == '-')
		return kx_usage_error("%s=%s is not an address (0x-hex or decimal)", opt, arg);
	return KX_CLI_CONTINUE;
}

/* --serial-baud: a rate the 16550's 115200 Hz base divides exactly, 9600 or more. */
static int parse_baud(const char *arg, unsigned *ret)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (!*arg || *end || errno || v < 9600 || v > 115200 || 115200 % v)
		return kx_usage_error("--serial-baud=%s is not a rate a 16550 can run at (9600, "
				      "19200, 38400, 57600 or 115200)", arg);
	*ret = (unsigned)v;
	return KX_CLI_CONTINUE;
}

static bool set_load_only(struct seen *s, const char *name)
{
	if (!s->load_only)
		s->load_only = name;
	return true;
}

static int parse_args(int argc, char **argv, struct kexec_opts *o)
{
	/* kexec-tools' own options first (kexec(8)'s table), then this kexec's extensions */
	static const struct option base_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ "force", no_argument, NULL, 'f' },
		{ "no-checks", no_argument, NULL, 'i' },
		{ "no-ifdown", no_argument, NULL, 'x' },
		{ "no-sync", no_argument, NULL, 'y' },
		{ "load", no_argument, NULL, 'l' },
		{ "unload", no_argument, NULL, 'u' },
		{ "exec", no_argument, NULL, 'e' },
		{ "type", required_argument, NULL, 't' },
		{ "load-panic", no_argument, NULL, 'p' },
		{ "mem-min", required_argument, NULL, OPT_MEM_MIN },
		{ "mem-max", required_argument, NULL, OPT_MEM_MAX },
		{ "kexec-file-syscall", no_argument, NULL, 's' },
		{ "kexec-syscall", no_argument, NULL, 'c' },
		{ "kexec-syscall-auto", no_argument, NULL, 'a' },
		{ "debug", no_argument, NULL, 'd' },
		{ "status", no_argument, NULL, 'S' },
		{ "print-ckr-size", no_argument, NULL, OPT_PRINT_CKR },
		{ "hotplug", no_argument, NULL, OPT_HOTPLUG },
		{ "no-cma", no_argument, NULL, OPT_NO_CMA },
		{ "force-dtb", no_argument, NULL, OPT_FORCE_DTB },
		{ "initrd", required_argument, NULL, OPT_INITRD },
		{ "ramdisk", required_argument, NULL, OPT_INITRD },
		{ "append", required_argument, NULL, OPT_APPEND },
		{ "command-line", required_argument, NULL, OPT_APPEND },
		{ "reuse-cmdline", no_argument, NULL, OPT_REUSE_CMDLINE },
		{ "dtb", required_argument, NULL, OPT_DTB },
		{ "devicetreeblob", required_argument, NULL, OPT_DTB },
		{ "serial", required_argument, NULL, OPT_SERIAL },
		{ "serial-baud", required_argument, NULL, OPT_SERIAL_BAUD },
		{ "pass-memmap-cmdline", no_argument, NULL, OPT_MEMMAP_CMDLINE },
		{ "dt-no-old-root", no_argument, NULL, OPT_DT_NO_OLD_ROOT },
		{ "no-hotplug", no_argument, NULL, OPT_NO_HOTPLUG },
		{ "load-anyway", no_argument, NULL, OPT_LOAD_ANYWAY },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "elfcorehdr-out", required_argument, NULL, OPT_ELFCOREHDR_OUT },
		{ "sysroot", required_argument, NULL, OPT_SYSROOT },
		{ "estimate", no_argument, NULL, OPT_ESTIMATE },
		{ "device-dump-budget", required_argument, NULL, OPT_DD_BUDGET },
		{ "device-dump-conf", required_argument, NULL, OPT_DD_CONF },
		{ "fadump", no_argument, NULL, OPT_FADUMP },
		{ "dtb-out", required_argument, NULL, OPT_DTB_OUT },
	};
#define NBASE (sizeof(base_opts) / sizeof(base_opts[0]))
#define NREFUSED (sizeof(refused_opts) / sizeof(refused_opts[0]))
#define NNOEFFECT (sizeof(no_effect_opts) / sizeof(no_effect_opts[0]))
	static struct option longopts[NBASE + NREFUSED + NNOEFFECT + 1];
	static char *orig[KX_STATE_MAX_ARGS + 1];
	struct seen s = { 0 };
	int c, r, idx;

	/* getopt_long permutes argv: the state record wants the command as it was given */
	if (argc > KX_STATE_MAX_ARGS)
		return kx_usage_error("more than %d arguments", KX_STATE_MAX_ARGS);
	memcpy(orig, argv, (size_t)argc * sizeof(*argv));
	memcpy(longopts, base_opts, sizeof(base_opts));
	for (size_t i = 0; i < NREFUSED; i++)
		longopts[NBASE + i] = (struct option){ refused_opts[i].name, refused_opts[i].has_arg,
						       NULL, OPT_REFUSED };
	for (size_t i = 0; i < NNOEFFECT; i++)
		longopts[NBASE + NREFUSED + i] = (struct option){ no_effect_opts[i], no_argument,
								  NULL, OPT_NO_EFFECT };
	*o = (struct kexec_opts){ .argc = argc, .argv = orig, .hotplug = -1 };
	opterr = 0;
	/* kexec-tools' short options (h?vdfixyluet:pscaS) and -V */
	while ((c = getopt_long(argc, argv, ":h?vdfixyluet:pscaSV", longopts, &idx)) != -1) {
		/* getopt answers '?' both for -? and for an option it does not know */
		if (c == '?' && optind > 0 && !strcmp(argv[optind - 1], "-?"))
			c = 'h';
		note_given(&s, c);
		switch (c) {
		case 'l': s.l = true; break;
		case 'p': s.p = true; break;
		case 'u': s.u = true; break;
		case 'e': s.e = true; break;
		case 'S': s.S = true; break;
		case 'f': s.f = true; break;
		case 'x': s.x = true; break;
		case 'y': s.y = true; break;
		case OPT_PRINT_CKR: s.ckr = true; break;
		case OPT_INITRD:
			if (o->initrd && strcmp(o->initrd, optarg))
				return kx_usage_error("--initrd given twice ('%s' and '%s')", o->initrd,
						   optarg);
			o->initrd = optarg;
			set_load_only(&s, "--initrd");
			break;
		case OPT_APPEND:
			if (o->nappends == KEXEC_MAX_APPENDS)
				return kx_usage_error("more than %d --append options",
						   KEXEC_MAX_APPENDS);
			o->appends[o->nappends++] = optarg;
			set_load_only(&s, "--append");
			break;
		case OPT_REUSE_CMDLINE:
			o->reuse_cmdline = set_load_only(&s, "--reuse-cmdline");
			break;
		case 't':
			o->type = optarg;
			set_load_only(&s, "--type");
			break;
		case 's':
		case 'c':
		case 'a':
			r = set_sysmode(&s, (char)c);
			if (r != KX_CLI_CONTINUE)
				return r;
			break;
		case 'i': o->no_checks = set_load_only(&s, "--no-checks"); break;
		case OPT_LOAD_ANYWAY: o->load_anyway = set_load_only(&s, "--load-anyway"); break;
		case OPT_HOTPLUG:
		case OPT_NO_HOTPLUG:
			if (o->hotplug >= 0 && o->hotplug != (c == OPT_HOTPLUG))
				return kx_usage_error("--hotplug and --no-hotplug are mutually exclusive");
			o->hotplug = c == OPT_HOTPLUG;
			set_load_only(&s, c == OPT_HOTPLUG ? "--hotplug" : "--no-hotplug");
			break;
		case OPT_MEM_MIN:
		case OPT_MEM_MAX:
			r = parse_addr(c == OPT_MEM_MIN ? "--mem-min" : "--mem-max", optarg,
				       c == OPT_MEM_MIN ? &o->mem_min : &o->mem_max);
			if (r != KX_CLI_CONTINUE)
				return r;
			*(c == OPT_MEM_MIN ? &o->mem_min_set : &o->mem_max_set) = true;
			set_load_only(&s, c == OPT_MEM_MIN ? "--mem-min" : "--mem-max");
			break;
		case OPT_NO_CMA: o->no_cma = set_load_only(&s, "--no-cma"); break;
		case OPT_FORCE_DTB: o->force_dtb = set_load_only(&s, "--force-dtb"); break;
		case OPT_SERIAL:
			if (!*optarg)
				return kx_usage_error("--serial needs a port (ttyS0-ttyS3 or 0xPORT)");
			o->serial = optarg;
			set_load_only(&s, "--serial");
			break;
		case OPT_SERIAL_BAUD:
			r = parse_baud(optarg, &o->serial_baud);
			if (r != KX_CLI_CONTINUE)
				return r;
			set_load_only(&s, "--serial-baud");
			break;
		case OPT_MEMMAP_CMDLINE:
			o->memmap_cmdline = set_load_only(&s, "--pass-memmap-cmdline");
			break;
		case OPT_DT_NO_OLD_ROOT:
			o->dt_no_old_root = set_load_only(&s, "--dt-no-old-root");
			break;
		case OPT_NO_EFFECT:
			s.no_effect = longopts[idx].name;
			break;
		case OPT_REFUSED: {
			const struct refused_opt *ro = &refused_opts[idx - (int)NBASE];

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			char why[400];

			snprintf(why, sizeof(why), ro->why, use_kexec_tools);
#pragma GCC diagnostic pop
			return kx_usage_error("--%s is not supported: %s", ro->name, why);
		}
		case OPT_DRY_RUN: o->dry_run = true; break;
		case OPT_JSON: o->json = true; break;
		case OPT_ELFCOREHDR_OUT:
			if (!*optarg)
				return kx_usage_error("--elfcorehdr-out needs a file name");
			o->elfcorehdr_out = optarg;
			set_load_only(&s, "--elfcorehdr-out");
			break;
		case OPT_DTB:
		case OPT_DTB_OUT:
			if (!*optarg)
				return kx_usage_error("--%s needs a file name",
						   c == OPT_DTB ? "dtb" : "dtb-out");
			*(c == OPT_DTB ? &o->dtb : &o->dtb_out) = optarg;
			set_load_only(&s, c == OPT_DTB ? "--dtb" : "--dtb-out");
			break;
		case OPT_SYSROOT: o->sysroot = optarg; break;
		case OPT_ESTIMATE: s.est = true; break;
		case OPT_DD_BUDGET: {
			struct kx_dd_spec spec;
			struct kx_err e;

			kx_err_clear(&e);
			if (kx_dd_spec_parse(optarg, &spec, &e) < 0)
				return kx_usage_error("%s", e.msg);
			kx_dd_spec_free(&spec);
			o->dd_spec = optarg;
			break;
		}
		case OPT_DD_CONF:
			if (!*optarg)
				return kx_usage_error("--device-dump-conf needs a file name");
			o->dd_conf = optarg;
			break;
		case OPT_FADUMP: o->fadump = true; break;
		case 'd': o->debug = true; break;
		case 'h': usage(stdout); return KX_EXIT_OK;
		case 'v':
		case 'V': printf(PROG " from " PACKAGE_NAME " " PACKAGE_VERSION "\n"); return KX_EXIT_OK;
		case ':': return kx_usage_error("option '%s' needs an argument", argv[optind - 1]);
		default: return kx_usage_error("unrecognized option '%s'", argv[optind - 1]);
		}
	}
	/* -d must be known before the rules' warnings, whatever its place on the line */
	kx_log_set_debug(o->debug);
	if (s.no_effect)
		kx_debug("--%s: accepted as kexec-tools accepts it; it changes nothing here (kexec(8))",
			 s.no_effect);
	r = decide(&s, o);
	if (r != KX_CLI_CONTINUE)
		return r;
	if (o->fadump && optind < argc)
		return kx_usage_error("--fadump loads no KERNEL ('%s'): the firmware boots this kernel "
				   "again to capture the dump", argv[optind]);
	if (optind < argc && (o->action == ACT_LOAD || o->action == ACT_ESTIMATE))
		o->kernel = argv[optind++];
	if (optind < argc)
		return kx_usage_error("unexpected argument '%s'", argv[optind]);
	if (o->action == ACT_LOAD && !o->kernel && !o->fadump)
		return kx_usage_error("-%c needs the KERNEL to load", o->exec_now ? 'f' :
				      o->crash ? 'p' : 'l');
	return KX_CLI_CONTINUE;
}

/*
 * A --sysroot tree without proc/sys/kernel/arch (an admin's copy of /proc and /sys often lacks
 * it): the arch is the one whose image KERNEL is.
 */
static const struct kx_arch_ops *arch_from_image(const char *path)
{
	const struct kx_arch_ops *a = NULL;
	unsigned char *head = malloc(KX_FILE_HEAD);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (head && fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (n = pread(fd, head, KX_FILE_HEAD, 0)) > 0)
		a = kx_arch_for_image(&(struct kx_file){ .path = path, .fd = fd,
							 .size = (uint64_t)st.st_size, .head = head,
							 .head_len = (size_t)n });
	if (fd >= 0)
		close(fd);
	free(head);
	return a;
}

int main(int argc, char **argv)
{
	struct kexec_opts o;
	struct kexec_ctx c = { .o = &o };
	struct kx_err err;
	int r;

	kx_cli_init(PROG);
	r = parse_args(argc, argv, &o);
	if (r != KX_CLI_CONTINUE)
		return r;
	kx_log_set_debug(o.debug);

	r = kx_sysroot_init(&c.sysroot, o.sysroot);
	if (r < 0) {
		kx_error("--sysroot=%s: %s", o.sysroot, strerror(-r));
		return KX_EXIT_USAGE;
	}
	kx_syscall_init(&c.sysroot);
	/* another machine's /proc and /sys cannot guide a load into this kernel */
	if (c.sysroot.root[0] && !o.dry_run && !kx_syscall_fake() &&
	    (o.action == ACT_LOAD || o.action == ACT_UNLOAD || o.action == ACT_EXEC)) {
		kx_usage_error("--sysroot describes another machine: with -l, -p, -u and -e it needs "
			    "--dry-run");
		return KX_EXIT_USAGE;
	}
	kx_kexec_sys_read(&c.sysroot, &c.sys);
	c.arch = kx_arch_find(c.sys.arch);
	if (!c.arch && !c.sys.arch[0] && c.sysroot.root[0] && o.kernel && !o.fadump &&
	    (o.action == ACT_LOAD || o.action == ACT_ESTIMATE)) {
		c.arch = arch_from_image(o.kernel);
		if (!c.arch) {
			kx_error("--sysroot=%s has no proc/sys/kernel/arch, and %s is not a kernel "
				 "image that tells its architecture (this kexec loads %s; an s390x "
				 "image tells none): write the machine's arch (uname -m) to "
				 "%s/proc/sys/kernel/arch", o.sysroot, o.kernel, kx_arch_names(),
				 o.sysroot);
			return KX_EXIT_FAIL;
		}
		snprintf(c.sys.arch, sizeof(c.sys.arch), "%s", c.arch->machine);
		kx_warn("--sysroot=%s has no proc/sys/kernel/arch: %s, the architecture of %s",
			o.sysroot, c.arch->name, o.kernel);
	}
	c.state_dir = kx_state_dir();
	kx_debug("kernel %s, arch %s, state dir %s%s", c.sys.osrelease[0] ?
		    c.sys.osrelease : "?", c.sys.arch[0] ? c.sys.arch : "?", c.state_dir,
		    kx_syscall_fake() ? ", syscalls faked (KEXEC_EXT_FAKE_SYSCALL)" : "");

	if (o.action == ACT_ESTIMATE && !o.kernel) {
		static char kpath[PATH_MAX], ipath[PATH_MAX];

		/* the running kernel's image and initrd, as Debian and Fedora name them */
		snprintf(kpath, sizeof(kpath), "/boot/vmlinuz-%s", c.sys.osrelease);
		snprintf(ipath, sizeof(ipath), "/boot/initrd.img-%s", c.sys.osrelease);
		if (access(ipath, R_OK) != 0)
			snprintf(ipath, sizeof(ipath), "/boot/initramfs-%s.img", c.sys.osrelease);
		o.kernel = kpath;
		if (!o.initrd && access(ipath, R_OK) == 0)
			o.initrd = ipath;
	}
	if ((o.action == ACT_LOAD || o.action == ACT_ESTIMATE) && !o.fadump) {
		if (!c.arch) {
			kx_error("loading on %s is not supported (this kexec loads on %s)",
				c.sys.arch[0] ? c.sys.arch : "this architecture", kx_arch_names());
			return KX_EXIT_FAIL;
		}
		/* the x86 boot protocol's setup_data device tree is not built here */
		if (o.dtb && o.sysmode == SYSMODE_KEXEC_LOAD && !strcmp(c.arch->name, "x86_64")) {
			kx_usage_error("--dtb with -c is not supported on x86_64: this kexec adds no "
				       "device tree to the boot parameters; use -s --force-dtb to hand "
				       "the running kernel's over");
			return KX_EXIT_USAGE;
		}
		if (o.type) {
			bool known = plan_container_type(o.type);

			for (const char *const *t = c.arch->image_types; *t; t++)
				known = known || !strcmp(*t, o.type);
			for (size_t i = 0; !known && i < sizeof(other_types) / sizeof(other_types[0]);
			     i++) {
				const struct other_type *t = &other_types[i];

				if (!strcmp(t->arch, c.arch->name) && !strcmp(t->type, o.type)) {
					kx_usage_error("-t %s %s", o.type, t->why);
					return KX_EXIT_USAGE;
				}
			}
			if (!known) {
				char names[128] = "";

				for (const char *const *t = c.arch->image_types; *t; t++)
					snprintf(names + strlen(names), sizeof(names) - strlen(names),
						 "%s%s", t == c.arch->image_types ? "" : ", ", *t);
				kx_usage_error("unknown image type '%s' (%s: %s; any arch: uki, "
					       "vmlinuz)", o.type, c.arch->name, names);
				return KX_EXIT_USAGE;
			}
		}
	}

	kx_err_clear(&err);
	switch (o.action) {
	case ACT_LOAD:
		r = o.fadump ? kexec_fadump_register(&c, &err) : kexec_do_load(&c, &err);
		/* -f: boot into what was just loaded (a failed exec returns, the kernel stays) */
		if (r == 0 && o.exec_now) {
			fflush(stdout);
			r = kexec_do_exec(&c, &err);
		}
		break;
	case ACT_UNLOAD:
		r = o.fadump ? kexec_fadump_unregister(&c, &err) : kexec_do_unload(&c, &err);
		break;
	case ACT_EXEC: r = kexec_do_exec(&c, &err); break;
	case ACT_STATUS:
		r = o.fadump ? kexec_fadump_status(&c, &err) : kexec_do_status(&c, &err);
		break;
	case ACT_PRINT_CKR: r = kexec_do_print_ckr(&c, &err); break;
	case ACT_ESTIMATE: r = kexec_do_estimate(&c, &err); break;
	default: r = kx_err_set(&err, -EINVAL, "no action"); break;
	}
	if (r < 0 && err.code) {
		char text[640];

		kx_error("%s", kx_err_text(&err, text, sizeof(text)));
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		kx_error("write error on standard output");
		return KX_EXIT_FAIL;
	}
	return r < 0 ? KX_EXIT_FAIL : r;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: /proc/iomem text through everything a crash load does with it — the tree
 * parser, the crash memory model (x86's first MiB left out), the elfcorehdr builder over the
 * resulting ranges and the kexec_file_load layout in the main crash range.  The same bytes also
 * go through the state record parser and --reuse-cmdline, two more parsers of text a user or
 * another program wrote.
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "crashmem.h"
#include "elfcorehdr.h"
#include "iomem.h"
#include "segments.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/*
 * Every input allocates a few KiB (the tree, the ranges, a 4 KiB header): at ~40k inputs a second
 * ASan's default 256 MiB quarantine of freed memory alone would pass the -rss_limit_mb=256 that
 * run-fuzz.sh sets to catch real growth.  A smaller quarantine still catches use-after-free of
 * anything freed within the last few thousand inputs.
 */
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=32";
}

static void crash_load(const struct kx_crashmem *c)
{
	static const struct kx_elf_note_seg cpu = { 0x3fa1e5c8, 368 };
	struct kx_elfcorehdr_in in = {
		.machine = EM_X86_64, .cpu_notes = &cpu, .ncpu_notes = 1, .has_vmcoreinfo = true,
		.vmcoreinfo = { 0x3f9fd000, 0x1024 }, .has_text = c->has_kernel,
		.text_vaddr = 0xffffffff81000000, .text_paddr = c->kernel_start,
		.text_size = c->kernel_end - c->kernel_start + 1, .ranges = &c->dump,
		.page_offset = 0xffff888000000000,
	};
	const struct kx_crash_range *m = kx_crashmem_main(c);
	struct kx_segments s;
	size_t sz, phnum;
	void *buf;

	if (kx_elfcorehdr_build(&in, &buf, &sz, &phnum, NULL) == 0) {
		if (sz < 64 || phnum != kx_elfcorehdr_phnum(&in))
			abort();
		free(buf);
	}
	if (!m)
		return;
	kx_segments_init(&s, 4096);
	kx_segments_place(&s, &(struct kx_segment){ .name = "elfcorehdr", .bufsz = 917680,
						   .align = 4096 }, m->start, m->end);
	kx_segments_place(&s, &(struct kx_segment){ .name = "kernel", .bufsz = 8 << 20,
						   .memsz = 64 << 20, .align = 2 << 20,
						   .min = 16 << 20, .top_down = true },
			  m->start, m->end);
	for (size_t i = 0; i < s.n; i++)
		if (s.seg[i].placed && (s.seg[i].mem < m->start ||
					s.seg[i].mem + s.seg[i].memsz - 1 > m->end))
			abort();        /* placed outside the region */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct kx_range first_mib = { 0, 0xfffff };
	struct kx_ranges excl = { .r = (struct kx_range *)&first_mib, .n = 1, .cap = 1 };
	struct kx_crash_record rec;
	struct kx_crashmem c;
	struct kx_iomem m;
	char *text, *out;

	if (kx_iomem_parse((const char *)data, size, &m, NULL) == 0) {
		for (size_t i = 0; i < m.n; i++) {
			/* the tree is consistent: parents come first and contain their children */
			int p = m.nodes[i].parent;

			if (p >= (int)i || (p >= 0 && (m.nodes[i].start < m.nodes[p].start ||
						       m.nodes[i].end > m.nodes[p].end)))
				abort();
		}
		if (kx_crashmem_build(&m, &excl, NULL, &c, NULL) == 0) {
			crash_load(&c);
			kx_crashmem_free(&c);
		}
		kx_iomem_free(&m);
	}

	if (kx_crash_record_parse((const char *)data, size, &rec, NULL) == 0)
		kx_crash_record_free(&rec);

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (kx_cmdline_reuse(text, true, &out, NULL) == 0) {
		if (strlen(out) > strlen(text))
			abort();        /* reuse only ever removes */
		free(out);
	}
	free(text);
	return 0;
}

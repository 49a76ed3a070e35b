# arch/x86_64: the x86_64 ops (bzImage probe, kexec_file_load layout, kexec_load with its own
# boot_params, e820 and purgatory), all of it in this one fragment (included by Makefile.in
# after arch/arch.mk, which sets ARCH_OBJS).
ARCH_X86_64_OBJS = arch/x86_64/x86_64.o arch/x86_64/bzimage.o arch/x86_64/kload.o \
                   arch/x86_64/vmlinux.o
ARCH_OBJS += $(ARCH_X86_64_OBJS)
$(ARCH_X86_64_OBJS): CPPFLAGS += -I$(srcdir)/arch

# ---- boot_params ("zero page") and e820 builders for the kexec_load path: pure code, unit
# tested on every host
ARCH_OBJS  += arch/x86_64/bootparams.o arch/x86_64/e820.o
UNIT_TESTS += tests/unit/test-bootparams tests/unit/test-e820

tests/unit/test-bootparams.o tests/unit/test-e820.o: CPPFLAGS += -I$(srcdir)/arch \
                                                 -DKX_TEST_SRCDIR='"$(srcdir)"'

tests/unit/test-bootparams: tests/unit/test-bootparams.o arch/x86_64/bootparams.o \
                            arch/x86_64/e820.o arch/x86_64/bzimage.o lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $< arch/x86_64/bootparams.o arch/x86_64/e820.o \
	  arch/x86_64/bzimage.o $(KX_LIBS) $(CMOCKA_LIBS)

tests/unit/test-e820: tests/unit/test-e820.o arch/x86_64/e820.o lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $< arch/x86_64/e820.o $(KX_LIBS) $(CMOCKA_LIBS)
# a path from configure (srcdir, the build directory) is baked in: a new configure rebuilds it
tests/unit/test-bootparams.o tests/unit/test-e820.o: Makefile

# ---- the purgatory: freestanding code the
# kernel jumps to after kexec_load, built into a flat position-independent blob that the
# loader embeds (arch/x86_64/purgatory-blob.S) and patches (arch/x86_64/purgatory.c).
#
# The blob is built with $(CC) only when $(CC) targets x86_64 (`$(CC) -dumpmachine`, not a
# configure result); elsewhere the loader-side code still builds and reports -ENOTSUP.
# Build-time checks refuse a blob that would break once loaded at an arbitrary address:
# absolute or GOT relocations in any object, SSE/MMX registers anywhere in its code (CR4 has
# no OSFXSR there), a file size other than the memory it claims.
PURG_DIR     = arch/x86_64/purgatory
PURG_X86_64 := $(filter x86_64-%,$(shell $(CC) -dumpmachine 2>/dev/null))
READELF     ?= readelf
OBJCOPY     ?= objcopy
OBJDUMP     ?= objdump
NM          ?= nm

# Host side: the patcher and the SHA-256 the loader computes digests with.
PURG_HOST_OBJS = arch/x86_64/purgatory.o $(PURG_DIR)/sha256.o
ifneq ($(PURG_X86_64),)
PURG_HOST_OBJS += arch/x86_64/purgatory-blob.o
arch/x86_64/purgatory.o tests/unit/test-purgatory.o: CPPFLAGS += -DKX_HAVE_PURGATORY_BLOB=1
all: $(PURG_DIR)/purgatory.bin
endif
ARCH_OBJS += $(PURG_HOST_OBJS)
$(PURG_HOST_OBJS) tests/unit/test-purgatory.o tests/unit/test-sha256.o: CPPFLAGS += -I$(srcdir)/arch

# Purgatory side: no libc, no SSE, no red zone, position independent, everything hidden.
# gcc only: do not turn loops into memcpy/memset calls (clang has no such flag).
PURG_NO_LDP := $(shell $(CC) -fno-tree-loop-distribute-patterns -E -x c /dev/null >/dev/null 2>&1 \
                 && echo -fno-tree-loop-distribute-patterns)
PURG_CFLAGS = -std=gnu11 $(WARNINGS) $(WERROR_CFLAGS) -O2 -ffreestanding -fno-builtin \
              -nostdlib -fno-stack-protector -fno-stack-clash-protection -fcf-protection=none \
              -mno-red-zone -mgeneral-regs-only -fno-asynchronous-unwind-tables \
              -fno-unwind-tables -fpie -fvisibility=hidden -fno-common $(PURG_NO_LDP) \
              -I$(srcdir)/$(PURG_DIR)
PURG_OBJS   = $(PURG_DIR)/entry.pg.o $(PURG_DIR)/purgatory.pg.o $(PURG_DIR)/check.pg.o \
              $(PURG_DIR)/sha256.pg.o

$(PURG_DIR)/%.pg.o: $(PURG_DIR)/%.c
	@$(MKDIR_P) $(@D)
	$(CC) $(PURG_CFLAGS) -MMD -MP -c -o $@ $<

$(PURG_DIR)/%.pg.o: $(PURG_DIR)/%.S
	@$(MKDIR_P) $(@D)
	$(CC) $(PURG_CFLAGS) -MMD -MP -c -o $@ $<

$(PURG_DIR)/purgatory.elf: $(PURG_OBJS) $(PURG_DIR)/purgatory.lds
	@for o in $(PURG_OBJS); do \
	  bad=`$(READELF) -rW $$o | grep -E 'R_X86_64_(64|32|32S|GOTPCREL|GOTPCRELX|REX_GOTPCRELX|GOT32|GOT64|GOTOFF64)[[:space:]]'`; \
	  if test -n "$$bad"; then \
	    echo "$$o: absolute or GOT relocation; the purgatory runs at an address chosen at load time and nothing relocates it: use RIP-relative addressing and hidden symbols" >&2; \
	    echo "$$bad" >&2; exit 1; fi; \
	done
	$(CC) -nostdlib -static -no-pie -Wl,--no-dynamic-linker -Wl,--build-id=none \
	  -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -Wl,-T,$(srcdir)/$(PURG_DIR)/purgatory.lds -o $@.tmp $(PURG_OBJS)
	@bad=`$(OBJDUMP) -d $@.tmp | grep -E '%([xyz]mm[0-9]|mm[0-7]|k[0-7])'`; \
	if test -n "$$bad"; then \
	  echo "$@: SSE/MMX/AVX registers used; the kernel enters the purgatory without CR4.OSFXSR, so they fault (build with -mgeneral-regs-only)" >&2; \
	  echo "$$bad" | head -5 >&2; rm -f $@.tmp; exit 1; fi
	mv $@.tmp $@

$(PURG_DIR)/purgatory.bin: $(PURG_DIR)/purgatory.elf
	$(OBJCOPY) -O binary $< $@.tmp
	@size=`wc -c <$@.tmp`; \
	end=`$(NM) $< | awk '$$3 == "kx_purgatory_end" { print $$1 }'`; \
	if test -z "$$end" || test "$$size" -ne "$$((0x$$end))"; then \
	  echo "$@: $$size bytes but the purgatory uses 0x$$end; a section ended up outside the flat binary (see purgatory.lds)" >&2; \
	  rm -f $@.tmp; exit 1; fi
	mv $@.tmp $@

arch/x86_64/purgatory-blob.o: arch/x86_64/purgatory-blob.S $(PURG_DIR)/purgatory.bin
	@$(MKDIR_P) $(@D)
	$(CC) -c -o $@ $<

UNIT_TESTS += tests/unit/test-sha256 tests/unit/test-purgatory
ifneq ($(PURG_X86_64),)
# the blob run on a CPU through KVM (skips itself where /dev/kvm is unusable)
UNIT_TESTS += tests/unit/test-purgatory-kvm
tests/unit/test-purgatory-kvm.o: CPPFLAGS += -I$(srcdir)/arch
tests/unit/test-purgatory-kvm: tests/unit/test-purgatory-kvm.o $(PURG_HOST_OBJS) lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $< $(PURG_HOST_OBJS) $(KX_LIBS) $(CMOCKA_LIBS)
endif

tests/unit/test-sha256: tests/unit/test-sha256.o $(PURG_DIR)/sha256.o lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $< $(PURG_DIR)/sha256.o $(KX_LIBS) $(CMOCKA_LIBS)

tests/unit/test-purgatory: tests/unit/test-purgatory.o $(PURG_HOST_OBJS) lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $< $(PURG_HOST_OBJS) $(KX_LIBS) $(CMOCKA_LIBS)

clean: clean-purgatory
clean-purgatory:
	rm -f $(PURG_OBJS) $(PURG_OBJS:.o=.d) $(PURG_DIR)/purgatory.elf $(PURG_DIR)/purgatory.bin
	rm -f $(PURG_DIR)/purgatory.elf.tmp $(PURG_DIR)/purgatory.bin.tmp
.PHONY: clean-purgatory

-include $(PURG_OBJS:.o=.d)

# ---- the ELF vmlinux (kexec-tools' elf-x86_64) for kexec_load: pure, unit tested
UNIT_TESTS += tests/unit/test-vmlinux
tests/unit/test-vmlinux.o: CPPFLAGS += -I$(srcdir)/arch
tests/unit/test-vmlinux: tests/unit/test-vmlinux.o arch/x86_64/vmlinux.o arch/x86_64/bootparams.o \
                         arch/x86_64/e820.o arch/x86_64/bzimage.o lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $< arch/x86_64/vmlinux.o arch/x86_64/bootparams.o \
	  arch/x86_64/e820.o arch/x86_64/bzimage.o $(KX_LIBS) $(CMOCKA_LIBS)

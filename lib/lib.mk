# lib/: the core library every tool, unit test and fuzzer links (included by Makefile.in first).
# Every source of lib/ is listed here and only here; lib/kdump.mk and lib/fdt.mk add the unit
# tests, fuzzers and flags of the parts with a library of their own.
LIB_SRCS = lib/err.c lib/cli.c lib/child.c lib/fileio.c lib/units.c lib/sysroot.c lib/strutil.c \
           lib/vmcore.c lib/notes.c lib/vmcoreinfo.c lib/json.c lib/output.c lib/fileout.c \
           lib/ranges.c lib/iomem.c lib/crashmem.c lib/elfcorehdr.c lib/cmdline.c \
           lib/segments.c lib/kexecsys.c lib/state.c lib/devdump.c lib/udevdev.c lib/fadump.c \
           lib/hotplug.c lib/kdump.c lib/machine.c lib/dtb.c lib/printk.c lib/printk-mem.c \
           lib/printk-lockless.c lib/printk-log.c lib/vaddr.c lib/unpack.c \
           lib/unpack-codec.c lib/unpack-pe.c

# libudev enumerates devices for the device-dump budgets
lib/udevdev.o: CPPFLAGS += $(LIBUDEV_CFLAGS)

# kernel image unpacking (lib/unpack*.c): its codecs come from configure (KDUMP_LIBS); the unit
# test makes its inputs with the same libraries' encoders
UNIT_TESTS += tests/unit/test-unpack
FUZZERS    += tests/fuzz/fuzz-unpack
# the bzImage of mk-bzimage.sh (a PE, not a UKI: test-unpack lays a PE header over it)
tests/fixtures/bzimage-unpack: $(srcdir)/tests/fixtures/mk-bzimage.sh
	@$(MKDIR_P) $(@D)
	bash $< $@
tests/unit/test-unpack.o: CPPFLAGS += -DKX_BZIMAGE='"$(CURDIR)/tests/fixtures/bzimage-unpack"'
tests/unit/test-unpack.o: Makefile
tests/unit/test-unpack: tests/fixtures/bzimage-unpack
clean: clean-unpack
clean-unpack:
	rm -f tests/fixtures/bzimage-unpack
	rm -rf tests/fixtures/arm64-images
.PHONY: clean-unpack
# its seeds are the inputs the unit test builds (tests/fuzz/run-fuzz.sh)
fuzz: tests/unit/test-unpack

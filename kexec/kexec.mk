# kexec: the loader (included by Makefile.in).  The arch/ objects it links come from
# arch/arch.mk, which Makefile.in includes first (fragments are included sorted by path), so
# $(ARCH_OBJS) is set when the prerequisites below are read.  The crash memory model, the
# elfcorehdr builder and friends live in lib/.
LIB_SRCS += lib/ranges.c lib/iomem.c lib/crashmem.c lib/elfcorehdr.c lib/cmdline.c \
            lib/segments.c lib/kexecsys.c lib/state.c

KEXEC_OBJS = kexec/main.o kexec/plan.o kexec/plan-print.o kexec/load.o kexec/status.o \
             kexec/syscall.o kexec/explain.o
PROGRAM_OBJS  += $(KEXEC_OBJS)
SBIN_PROGRAMS += kexec/kexec
MAN8          += man/kexec.8
UNIT_TESTS    += tests/unit/test-ranges tests/unit/test-iomem tests/unit/test-crashmem \
                 tests/unit/test-elfcorehdr tests/unit/test-cmdline tests/unit/test-segments \
                 tests/unit/test-state tests/unit/test-arch-x86-64
FUZZERS       += tests/fuzz/fuzz-iomem
BENCHES       += bench/kexec-load.sh

# kexec and the tests of arch code see arch/arch.h
$(KEXEC_OBJS) tests/unit/test-arch-x86-64.o: CPPFLAGS += -I$(srcdir)/arch

kexec/kexec: $(KEXEC_OBJS) $(ARCH_OBJS) lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $(KEXEC_OBJS) $(ARCH_OBJS) $(KX_LIBS)

tests/unit/test-arch-x86-64: tests/unit/test-arch-x86-64.o $(ARCH_OBJS) lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $< $(ARCH_OBJS) $(KX_LIBS) $(CMOCKA_LIBS)

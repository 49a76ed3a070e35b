# arch/x86_64: boot_params ("zero page") and e820 builders for the kexec_load path (included by
# Makefile.in after arch/arch.mk, which sets ARCH_OBJS).  Pure code, unit tested on every host.
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

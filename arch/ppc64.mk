# arch/ppc64: ELF vmlinux images for ppc64 and ppc64le, RAM from the device tree (libfdt), the
# kernel's kexec_file_load segments listed unplaced (included by Makefile.in after arch/arch.mk)
ARCH_PPC64_OBJS = arch/ppc64/ppc64.o arch/ppc64/devtree.o
ARCH_OBJS      += $(ARCH_PPC64_OBJS)
UNIT_TESTS     += tests/unit/test-arch-ppc64

$(ARCH_PPC64_OBJS) tests/unit/test-arch-ppc64.o: CPPFLAGS += -I$(srcdir)/arch $(LIBFDT_CFLAGS)
tests/unit/test-arch-ppc64.o: CPPFLAGS += -DKX_DTB_DIR='"$(CURDIR)/tests/fixtures/dts"'

tests/unit/test-arch-ppc64: tests/unit/test-arch-ppc64.o $(ARCH_PPC64_OBJS) lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $< $(ARCH_PPC64_OBJS) $(KX_LIBS) $(CMOCKA_LIBS)
# a path from configure (srcdir, the build directory) is baked in: a new configure rebuilds it
tests/unit/test-arch-ppc64.o: Makefile

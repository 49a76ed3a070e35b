# arch/arm64: Image header and the kernel's kexec_file_load layout (pure; included by Makefile.in
# after arch/arch.mk, so ARCH_OBJS is already set)
ARCH_ARM64_OBJS = arch/arm64/arm64.o arch/arm64/kload.o
ARCH_OBJS      += $(ARCH_ARM64_OBJS)
UNIT_TESTS     += tests/unit/test-arch-arm64

$(ARCH_ARM64_OBJS) tests/unit/test-arch-arm64.o: CPPFLAGS += -I$(srcdir)/arch

tests/unit/test-arch-arm64: tests/unit/test-arch-arm64.o $(ARCH_ARM64_OBJS) lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $< $(ARCH_ARM64_OBJS) $(KX_LIBS) $(CMOCKA_LIBS)

# arm64 kexec_load plans (kload.c, in ARCH_ARM64_OBJS above): the unit test edits DTBs that dtc
# compiles from tests/fixtures/dts (the pattern rule of lib/fdt.mk, read after this file)
UNIT_TESTS += tests/unit/test-arm64-kload
ARM64_KLOAD_DTBS = tests/fixtures/dts/arm64-kdump.dtb tests/fixtures/dts/arm64-virt.dtb

tests/unit/test-arm64-kload.o: CPPFLAGS += -I$(srcdir)/arch $(LIBFDT_CFLAGS) \
	-DKX_DTB_DIR='"$(CURDIR)/tests/fixtures/dts"'

tests/unit/test-arm64-kload: tests/unit/test-arm64-kload.o $(ARCH_ARM64_OBJS) lib/libkx.a \
		$(ARM64_KLOAD_DTBS)
	$(CC) $(KX_LDFLAGS) -o $@ $< $(ARCH_ARM64_OBJS) $(KX_LIBS) $(CMOCKA_LIBS)
# a path from configure (srcdir, the build directory) is baked in: a new configure rebuilds it
tests/unit/test-arm64-kload.o: Makefile

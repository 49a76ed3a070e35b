# arch/arm64: Image header and the kernel's kexec_file_load layout (pure; included by Makefile.in
# after arch/arch.mk, so ARCH_OBJS is already set)
ARCH_ARM64_OBJS = arch/arm64/arm64.o
ARCH_OBJS      += $(ARCH_ARM64_OBJS)
UNIT_TESTS     += tests/unit/test-arch-arm64

$(ARCH_ARM64_OBJS) tests/unit/test-arch-arm64.o: CPPFLAGS += -I$(srcdir)/arch

tests/unit/test-arch-arm64: tests/unit/test-arch-arm64.o $(ARCH_ARM64_OBJS) lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $< $(ARCH_ARM64_OBJS) $(KX_LIBS) $(CMOCKA_LIBS)

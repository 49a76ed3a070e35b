# arch/s390: s390x images and the kernel's kexec_file_load layout (pure; included by
# Makefile.in after arch/arch.mk)
ARCH_S390_OBJS = arch/s390/s390.o
ARCH_OBJS     += $(ARCH_S390_OBJS)
UNIT_TESTS    += tests/unit/test-arch-s390

$(ARCH_S390_OBJS) tests/unit/test-arch-s390.o: CPPFLAGS += -I$(srcdir)/arch

tests/unit/test-arch-s390: tests/unit/test-arch-s390.o $(ARCH_S390_OBJS) lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $< $(ARCH_S390_OBJS) $(KX_LIBS) $(CMOCKA_LIBS)

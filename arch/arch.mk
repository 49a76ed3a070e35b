# arch/: one struct kx_arch_ops per architecture directory (included by Makefile.in).
# Pure code: it compiles (and its unit tests run) on every host.
ARCH_OBJS = arch/arch.o arch/x86_64/x86_64.o arch/x86_64/bzimage.o arch/x86_64/kload.o
PROGRAM_OBJS += $(ARCH_OBJS)

$(ARCH_OBJS): CPPFLAGS += -I$(srcdir)/arch

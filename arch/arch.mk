# arch/: one struct kx_arch_ops per architecture directory (included by Makefile.in).
# Pure code: it compiles (and its unit tests run) on every host.
ARCH_OBJS = arch/arch.o
PROGRAM_OBJS += $(ARCH_OBJS)

arch/arch.o: CPPFLAGS += -I$(srcdir)/arch

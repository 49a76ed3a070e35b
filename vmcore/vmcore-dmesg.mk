# vmcore-dmesg: the kernel log of a vmcore (included by Makefile.in)
VMCORE_DMESG_OBJS = vmcore/dmesg-main.o vmcore/dmesg-print.o
PROGRAM_OBJS  += $(VMCORE_DMESG_OBJS)
BIN_PROGRAMS  += vmcore/vmcore-dmesg
MAN8          += man/vmcore-dmesg.8
UNIT_TESTS    += tests/unit/test-printk tests/unit/test-vaddr
TOOLS         += tests/tools/mkprintk
FUZZERS       += tests/fuzz/fuzz-printk
BENCHES       += bench/vmcore-dmesg.sh

vmcore/vmcore-dmesg: $(VMCORE_DMESG_OBJS) lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $(VMCORE_DMESG_OBJS) $(KX_LIBS)

tests/tools/mkprintk: tests/tools/mkprintk.c
	@$(MKDIR_P) $(@D)
	$(CC) -std=gnu11 -Wall -Wextra $(WERROR_CFLAGS) $(SANITIZE_CFLAGS) $(CFLAGS) -o $@ $< $(KX_LDFLAGS)
# the fuzz seeds for fuzz-printk come from mkprintk
fuzz: tests/tools/mkprintk

# vmcore-dd: device dumps and notes of a vmcore (included by Makefile.in)
VMCORE_DD_OBJS = vmcore/dd-main.o vmcore/dd-list.o vmcore/dd-extract.o vmcore/dd-check.o
PROGRAM_OBJS  += $(VMCORE_DD_OBJS)
BIN_PROGRAMS  += vmcore/vmcore-dd
MAN8          += man/vmcore-dd.8

vmcore/vmcore-dd: $(VMCORE_DD_OBJS) lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $(VMCORE_DD_OBJS) $(KX_LIBS)

# the front end under libFuzzer: its modes (not dd-main.c, which has main) on the library sources
VMCORE_DD_FUZZ_SRCS = vmcore/dd-list.c vmcore/dd-extract.c vmcore/dd-check.c
FUZZERS       += tests/fuzz/fuzz-dd
tests/fuzz/fuzz-dd: tests/fuzz/fuzz-dd.c $(VMCORE_DD_FUZZ_SRCS) $(LIB_SRCS) config.h
	@$(MKDIR_P) $(@D)
	$(CLANG) -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined $(KX_CPPFLAGS) -I$(srcdir)/vmcore \
	  $(LIBELF_CFLAGS) $(SMARTCOLS_CFLAGS) -o $@ $< $(addprefix $(srcdir)/,$(VMCORE_DD_FUZZ_SRCS)) \
	  $(addprefix $(srcdir)/,$(LIB_SRCS)) $(SMARTCOLS_LIBS) $(LIBELF_LIBS) $(LIBUDEV_LIBS) \
	  $(LIBFDT_LIBS) $(KDUMP_LIBS)

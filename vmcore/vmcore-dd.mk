# vmcore-dd: device dumps and notes of a vmcore (included by Makefile.in)
VMCORE_DD_OBJS = vmcore/dd-main.o vmcore/dd-list.o vmcore/dd-extract.o vmcore/dd-check.o
PROGRAM_OBJS  += $(VMCORE_DD_OBJS)
BIN_PROGRAMS  += vmcore/vmcore-dd
MAN8          += man/vmcore-dd.8

vmcore/vmcore-dd: $(VMCORE_DD_OBJS) lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $(VMCORE_DD_OBJS) $(KX_LIBS)

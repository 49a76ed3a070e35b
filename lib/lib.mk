# lib/: the core library every tool, unit test and fuzzer links (included by Makefile.in first).
# Every source of lib/ is listed here and only here; lib/kdump.mk and lib/fdt.mk add the unit
# tests, fuzzers and flags of the parts with a library of their own.
LIB_SRCS = lib/err.c lib/cli.c lib/child.c lib/fileio.c lib/units.c lib/sysroot.c lib/strutil.c \
           lib/vmcore.c lib/notes.c lib/vmcoreinfo.c lib/json.c lib/output.c lib/fileout.c \
           lib/ranges.c lib/iomem.c lib/crashmem.c lib/elfcorehdr.c lib/cmdline.c \
           lib/segments.c lib/kexecsys.c lib/state.c lib/devdump.c lib/udevdev.c lib/fadump.c \
           lib/hotplug.c lib/kdump.c lib/machine.c lib/dtb.c lib/printk.c lib/printk-mem.c \
           lib/printk-lockless.c lib/printk-log.c lib/vaddr.c lib/unpack.c

# libudev enumerates devices for the device-dump budgets
lib/udevdev.o: CPPFLAGS += $(LIBUDEV_CFLAGS)

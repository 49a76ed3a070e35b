# kexec: the loader (included by Makefile.in).  The arch/ objects it links come from
# arch/arch.mk, which Makefile.in includes first (fragments are included sorted by path), so
# $(ARCH_OBJS) is set when the prerequisites below are read.  The crash memory model, the
# elfcorehdr builder and friends live in lib/.

KEXEC_OBJS = kexec/main.o kexec/plan.o kexec/plan-util.o kexec/plan-crash.o kexec/plan-kload.o \
             kexec/plan-print.o kexec/load.o kexec/status.o kexec/syscall.o kexec/explain.o \
             kexec/budget.o kexec/estimate.o kexec/fadump.o kexec/plan-unpack.o
PROGRAM_OBJS  += $(KEXEC_OBJS)
SBIN_PROGRAMS += kexec/kexec
MAN8          += man/kexec.8
MAN5          += man/kexec-device-dump.conf.5
UNIT_TESTS    += tests/unit/test-ranges tests/unit/test-iomem tests/unit/test-crashmem \
                 tests/unit/test-elfcorehdr tests/unit/test-cmdline tests/unit/test-segments \
                 tests/unit/test-state tests/unit/test-arch-x86-64 tests/unit/test-devdump \
                 tests/unit/test-fadump
FUZZERS       += tests/fuzz/fuzz-iomem
BENCHES       += bench/kexec-load.sh

# kexec and the tests of arch code see arch/arch.h
$(KEXEC_OBJS) tests/unit/test-arch-x86-64.o: CPPFLAGS += -I$(srcdir)/arch

# the shipped device-dump.conf is read from $(sysconfdir)/kexec/; libudev enumerates devices
kexec/budget.o kexec/main.o: CPPFLAGS += -DKX_SYSCONFDIR='"$(sysconfdir)"'
# the path above comes from configure: a new configure rebuilds what has it
kexec/budget.o kexec/main.o: Makefile

kexec/kexec: $(KEXEC_OBJS) $(ARCH_OBJS) lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $(KEXEC_OBJS) $(ARCH_OBJS) $(KX_LIBS) $(LIBUDEV_LIBS)

# Test builds of kexec, each with its own build of the syscall seam (never installed):
#   tests/tools/kexec-test     the fake (KX_TEST_SEAMS: KEXEC_EXT_FAKE_SYSCALL, syscall.h) that
#                              the Bats specs drive; the installed kexec/kexec has none
#   tests/tools/kexec-corrupt  corrupts one segment after purgatory's digest was computed
#                              (KX_TEST_HOOKS: KEXEC_EXT_TEST_CORRUPT=NAME): the lab shows that
#                              purgatory then stops the boot
TOOLS += tests/tools/kexec-test tests/tools/kexec-corrupt
KEXEC_SEAMLESS_OBJS = $(filter-out kexec/syscall.o,$(KEXEC_OBJS))
tests/tools/kexec-syscall-fake.o: SEAM_DEFS = -DKX_TEST_SEAMS
tests/tools/kexec-syscall-hooks.o: SEAM_DEFS = -DKX_TEST_HOOKS
tests/tools/kexec-syscall-fake.o tests/tools/kexec-syscall-hooks.o: kexec/syscall.c config.h
	@$(MKDIR_P) $(@D)
	$(CC) $(KX_CPPFLAGS) $(CPPFLAGS) -I$(srcdir)/arch $(SEAM_DEFS) $(KX_CFLAGS) $(CFLAGS) \
	  -MMD -MP -c -o $@ $<
tests/tools/kexec-test: tests/tools/kexec-syscall-fake.o
tests/tools/kexec-corrupt: tests/tools/kexec-syscall-hooks.o
tests/tools/kexec-test tests/tools/kexec-corrupt: $(KEXEC_SEAMLESS_OBJS) $(ARCH_OBJS) lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $(filter %.o,$^) $(KX_LIBS) $(LIBUDEV_LIBS)

install: install-device-dump-conf
install-device-dump-conf:
	$(MKDIR_P) $(DESTDIR)$(sysconfdir)/kexec
	test -e $(DESTDIR)$(sysconfdir)/kexec/device-dump.conf || \
	  $(INSTALL) -m 0644 $(srcdir)/kexec/device-dump.conf $(DESTDIR)$(sysconfdir)/kexec/
uninstall: uninstall-device-dump-conf
uninstall-device-dump-conf:
	rm -f $(DESTDIR)$(sysconfdir)/kexec/device-dump.conf
	-rmdir $(DESTDIR)$(sysconfdir)/kexec 2>/dev/null
.PHONY: install-device-dump-conf uninstall-device-dump-conf

tests/unit/test-arch-x86-64: tests/unit/test-arch-x86-64.o $(ARCH_OBJS) lib/libkx.a
	$(CC) $(KX_LDFLAGS) -o $@ $< $(ARCH_OBJS) $(KX_LIBS) $(CMOCKA_LIBS)

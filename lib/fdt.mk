# Device trees through libfdt (included by Makefile.in): the RAM a DTB describes and the /chosen
# edit of a crash load.  lib/dtb.h, not fdt.h: libfdt.h includes <fdt.h>, which -I lib would make ours.  configure finds libfdt (LIBFDT_CFLAGS/LIBFDT_LIBS).  The unit test
# reads DTBs that dtc (Debian: device-tree-compiler) compiles from tests/fixtures/dts/*.dts.
KX_LIBS    += $(LIBFDT_LIBS)
UNIT_TESTS += tests/unit/test-fdt
FUZZERS    += tests/fuzz/fuzz-fdt
DTC        ?= dtc

lib/dtb.o: CPPFLAGS += $(LIBFDT_CFLAGS)
tests/unit/test-fdt.o: CPPFLAGS += $(LIBFDT_CFLAGS) -DKX_DTB_DIR='"$(CURDIR)/tests/fixtures/dts"'

DTB_FIXTURES = $(patsubst $(srcdir)/%.dts,%.dtb,$(wildcard $(srcdir)/tests/fixtures/dts/*.dts))

tests/fixtures/dts/%.dtb: tests/fixtures/dts/%.dts
	@$(MKDIR_P) $(@D)
	@command -v $(DTC) >/dev/null || { echo "$(DTC) not found: install the Debian package device-tree-compiler"; exit 1; }
	$(DTC) -q -I dts -O dtb -o $@ $<

tests: $(DTB_FIXTURES)
tests/unit/test-fdt: $(DTB_FIXTURES)

clean: clean-dtb
clean-dtb:
	rm -f $(DTB_FIXTURES)
.PHONY: clean-dtb
# a path from configure (srcdir, the build directory) is baked in: a new configure rebuilds it
tests/unit/test-fdt.o: Makefile

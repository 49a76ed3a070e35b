# makedumpfile's kdump-compressed format (included by Makefile.in); the decompressors come from
# configure (KDUMP_LIBS, part of KX_LIBS)
UNIT_TESTS    += tests/unit/test-kdump
FUZZERS       += tests/fuzz/fuzz-kdump
BENCHES       += bench/vmcore-dmesg-kdump.sh
UNIT_TESTS    += tests/unit/test-machine

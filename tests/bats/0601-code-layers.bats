#!/usr/bin/env bats
# The files of each tool directory call each other in one direction only (tests/tools/
# check-layers.sh over the build's objects): the layers of kexec/ and udev/ stay layers.

load helpers

LAYERS=$SRCDIR/tests/tools/check-layers.sh

@test "kexec/, udev/ and vmcore/ of this build have no circle of calls between their files" {
	run -0 bash "$LAYERS" "${BUILD:-$SRCDIR/build}"
	assert_line --regexp '^kexec: [0-9]+ call edges between [0-9]+ files, no circle$'
	assert_line --regexp '^udev: [0-9]+ call edges between [0-9]+ files, no circle$'
	assert_line --regexp '^vmcore: [0-9]+ call edges between [0-9]+ files, no circle$'
}

@test "two files that call each other are named with the symbols that close the circle" {
	mkdir -p "$BATS_TEST_TMPDIR/b/t"
	cd "$BATS_TEST_TMPDIR/b/t"
	printf 'int two(void);\nint one(void) { return two(); }\n' >a.c
	printf 'int one(void);\nint two(void) { return 1; }\nint three(void) { return one(); }\n' >b.c
	printf 'int one(void);\nint four(void) { return one(); }\n' >c.c
	cc -c a.c b.c c.c
	run -1 bash "$LAYERS" "$BATS_TEST_TMPDIR/b" t
	assert_output "t: the files call each other in a circle:
  t/a.c calls two in t/b.c
  t/b.c calls one in t/a.c"
	rm b.o
	run -0 bash "$LAYERS" "$BATS_TEST_TMPDIR/b" t
	assert_output "t: 1 call edges between 2 files, no circle"
}

#!/usr/bin/env bats
# vmcore-dd command line: help, version, usage errors (exit 2), defaults.

load helpers

setup() {
	cd "$BATS_TEST_TMPDIR"
}

@test "--help lists every option and the columns, exit 0" {
	run -0 vdd --help
	for opt in -l --list -n --notes -s --segments -x --extract=DIR -d --dump=NAME\|INDEX --check \
		--to=FILE -f --force -J --json -o --output=COLS -r --raw --noheadings -h --help -V --version; do
		assert_output --partial -- "$opt"
	done
	assert_output --partial "Columns for --notes:"
	assert_output --partial "DESCRIPTION  decoded content"
	assert_line --index 0 "Usage:"
}

@test "every long option in --help is in the man page and vice versa" {
	man=$SRCDIR/man/vmcore-dd.8
	[ -f "$man" ]
	help_opts=$(vdd --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
	man_opts=$(sed 's/\\-/-/g' "$man" | grep -oE -- '--[a-z][a-z-]*' | sort -u)
	diff -u <(echo "$help_opts") <(echo "$man_opts")
}

@test "-V prints the version" {
	run -0 vdd -V
	assert_output --regexp '^vmcore-dd from kexec-ext [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "an unknown option is a usage error with a hint" {
	run -2 vdd --bogus
	assert_output $'vmcore-dd: unrecognized option \'--bogus\'\nTry \'vmcore-dd --help\' for more information.'
	run -2 vdd -q
	assert_line --index 0 "vmcore-dd: unrecognized option '-q'"
}

@test "a missing option argument is a usage error" {
	run -2 vdd --extract
	assert_line --index 0 "vmcore-dd: option '--extract' needs an argument"
}

@test "two modes at once are a usage error naming both" {
	run -2 vdd --list --notes c
	assert_line --index 0 "vmcore-dd: --list and --notes are mutually exclusive"
	run -2 vdd -x d --check c
	assert_line --index 0 "vmcore-dd: --extract and --check are mutually exclusive"
}

@test "options that don't apply to the mode are usage errors" {
	run -2 vdd --to=f c
	assert_line --index 0 "vmcore-dd: --to only applies to --dump"
	run -2 vdd --force c
	assert_line --index 0 "vmcore-dd: --force only applies to --extract and --dump --to"
	run -2 vdd -d 0 -J c
	assert_line --index 0 "vmcore-dd: --dump writes raw data; --json does not apply"
	run -2 vdd --check -o NAME c
	assert_line --index 0 "vmcore-dd: --output only applies to --list, --notes and --segments"
	run -2 vdd -J -r c
	assert_line --index 0 "vmcore-dd: --json and --raw are mutually exclusive"
	run -2 vdd a b
	assert_line --index 0 "vmcore-dd: unexpected argument 'b' (one VMCORE at a time)"
}

@test "VMCORE defaults to /proc/vmcore" {
	[ -e /proc/vmcore ] && skip "this machine is a capture kernel"
	run -3 vdd
	assert_output "vmcore-dd: /proc/vmcore: cannot open /proc/vmcore: No such file or directory"
}

@test "the same listing is repeatable: mode given twice is fine" {
	mkcore c --dd='a,1'
	run -0 vdd -l -l c
	assert_line --index 1 --regexp '^ +0 a +4032 +0x1040$'
}

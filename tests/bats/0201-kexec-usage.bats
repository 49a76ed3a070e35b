#!/usr/bin/env bats
# kexec command line: help, version, usage errors (exit 2), and that the order of options never
# changes what a command does.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { "$KEXEC" "$@"; }

setup() {
	cd "$BATS_TEST_TMPDIR"
	# never a real kexec syscall from a test, whatever a test gets wrong
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" qemu-1g-6.12 sys
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" vmlinuz
	truncate -s 40M initrd.img
}

@test "--help lists every action and option, usage first, exit 0" {
	run -0 kx --help
	assert_line --index 0 "Usage:"
	assert_line --index 1 " kexec [options] -l|-p|-f KERNEL"
	for opt in -l --load -p --load-panic -u --unload -e --exec -S --status --print-ckr-size \
		--initrd=FILE --ramdisk --append=STRING --command-line --reuse-cmdline -t --type=TYPE \
		-s --kexec-file-syscall -c --kexec-syscall -a --kexec-syscall-auto -i --no-checks \
		--load-anyway -f --force -x --no-ifdown -y --no-sync --dry-run --json --elfcorehdr-out=FILE --sysroot=DIR -d --debug -h --help \
		-V --version; do
		assert_output --partial -- "$opt"
	done
	assert_output --partial "Exit status: 0 ok; 1 failure"
}

@test "every long option in --help is in the man page and vice versa" {
	man=$SRCDIR/man/kexec.8
	[ -f "$man" ]
	help_opts=$(kx --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
	man_opts=$(sed 's/\\-/-/g' "$man" | grep -oE -- '--[a-z][a-z-]*' | sort -u)
	diff -u <(echo "$help_opts") <(echo "$man_opts")
}

@test "the man page renders without warnings" {
	run -0 groff -man -Tutf8 -ww -z "$SRCDIR/man/kexec.8"
	assert_output ""
}

@test "-V and -v (kexec-tools) print the version" {
	run -0 kx -V
	assert_output --regexp '^kexec from kexec-ext [0-9]+\.[0-9]+\.[0-9]+$'
	run -0 kx -v
	assert_output --regexp '^kexec from kexec-ext '
}

@test "an unknown option or a missing argument is a usage error with a hint" {
	run -2 kx --bogus
	assert_output $'kexec: unrecognized option \'--bogus\'\nTry \'kexec --help\' for more information.'
	run -2 kx -z -p vmlinuz
	assert_line --index 0 "kexec: unrecognized option '-z'"
	run -2 kx -p vmlinuz --initrd
	assert_line --index 0 "kexec: option '--initrd' needs an argument"
	run -2 kx -p -t
	assert_line --index 0 "kexec: option '-t' needs an argument"
}

@test "nothing to do is a usage error naming the actions" {
	run -2 kx
	assert_line --index 0 "kexec: nothing to do: give -l or -p with a KERNEL, or -f, -u, -e, -S or --print-ckr-size"
	run -2 kx vmlinuz
	assert_line --index 0 --partial "kexec: nothing to do"
}

@test "two actions at once are a usage error naming both" {
	run -2 kx -u -e
	assert_line --index 0 "kexec: -u and -e are mutually exclusive"
	run -2 kx -S --print-ckr-size
	assert_line --index 0 "kexec: -S and --print-ckr-size are mutually exclusive"
	run -2 kx -p -l vmlinuz
	assert_line --index 0 "kexec: -l and -p are mutually exclusive: load a kernel to boot into (-l) or a crash kernel (-p)"
	run -2 kx -e -p
	assert_line --index 0 --partial "kexec: -e reboots into the kernel loaded earlier with -l"
	run -2 kx -s -c -p vmlinuz
	assert_line --index 0 "kexec: -s and -c are mutually exclusive"
	run -2 kx -p -a -s vmlinuz
	assert_line --index 0 "kexec: -a and -s are mutually exclusive"
}

@test "options that don't apply to the action are usage errors" {
	run -2 kx -u --initrd=initrd.img
	assert_line --index 0 "kexec: --initrd only applies to loading (-l, -p, -f)"
	run -2 kx -S --append=x
	assert_line --index 0 "kexec: --append only applies to loading (-l, -p, -f)"
	run -2 kx -S -s
	assert_line --index 0 "kexec: -s only applies to loading and unloading"
	run -2 kx -S --dry-run
	assert_line --index 0 "kexec: --dry-run only applies to -l, -p, -f, -u and -e"
	run -2 kx -l --elfcorehdr-out=e vmlinuz
	assert_line --index 0 "kexec: --elfcorehdr-out needs -p: only a crash load has an elfcorehdr"
	run -2 kx -e --json
	assert_line --index 0 "kexec: --json does not apply to -e"
	run -2 kx --print-ckr-size -p
	assert_line --index 0 "kexec: --print-ckr-size takes no -l or -p"
	run -2 kx -u -p --load-anyway
	assert_line --index 0 "kexec: --load-anyway only applies to loading (-l, -p, -f)"
}

@test "a load needs exactly one KERNEL" {
	run -2 kx -p --initrd=initrd.img
	assert_line --index 0 "kexec: -p needs the KERNEL to load"
	run -2 kx -l
	assert_line --index 0 "kexec: -l needs the KERNEL to load"
	run -2 kx -p vmlinuz vmlinuz2
	assert_line --index 0 "kexec: unexpected argument 'vmlinuz2'"
	run -2 kx -u vmlinuz
	assert_line --index 0 "kexec: unexpected argument 'vmlinuz'"
	run -2 kx -p vmlinuz --initrd=a --initrd=b
	assert_line --index 0 "kexec: --initrd given twice ('a' and 'b')"
}

@test "an image type this architecture does not load is a usage error" {
	run -2 kx -p --dry-run --sysroot=sys -t multiboot-x86 vmlinuz
	assert_line --index 0 "kexec: -t multiboot-x86 is not a loader of Linux kernel images in this kexec; use kexec-tools' kexec for that"
	run -2 kx -p --dry-run --sysroot=sys -t pe-x86 vmlinuz
	assert_line --index 0 "kexec: unknown image type 'pe-x86' (x86_64: bzImage64, elf-x86_64; any arch: uki, vmlinuz)"
	run -0 kx -p --dry-run --sysroot=sys --type=bzImage64 vmlinuz
}

@test "a --sysroot that is not a directory is a usage error" {
	run -2 kx -S --sysroot=/nonexistent
	assert_output "kexec: --sysroot=/nonexistent: No such file or directory"
	run -2 kx -S --sysroot=vmlinuz
	assert_output "kexec: --sysroot=vmlinuz: Not a directory"
}

@test "--sysroot with a real load, unload or exec is refused: it describes another machine" {
	unset KEXEC_EXT_FAKE_SYSCALL
	run -2 kx -p --sysroot=sys vmlinuz
	assert_line --index 0 "kexec: --sysroot describes another machine: with -l, -p, -u and -e it needs --dry-run"
	run -2 kx -u -p --sysroot=sys
	run -2 kx -e --sysroot=sys
	run -0 kx -p --dry-run --sysroot=sys vmlinuz
	run -0 kx -S --sysroot=sys
}

@test "the order of options never changes a load: every permutation plans the same" {
	kx -p -s vmlinuz --initrd=initrd.img --append=irqpoll --append="nr_cpus=1" -d \
		--sysroot=sys --dry-run --json >want.json 2>/dev/null
	for args in \
		"--append=irqpoll --dry-run --sysroot=sys -d --initrd=initrd.img vmlinuz -s -p --json --append=nr_cpus=1" \
		"--json -d --sysroot=sys vmlinuz --append=irqpoll -p --append=nr_cpus=1 --dry-run --initrd=initrd.img -s" \
		"--kexec-file-syscall --load-panic --ramdisk=initrd.img --command-line=irqpoll --command-line=nr_cpus=1 --debug --sysroot=sys --dry-run --json vmlinuz"; do
		# shellcheck disable=SC2086
		kx $args >got.json 2>/dev/null
		diff -u want.json got.json
	done
	# and the flags are those of -p and -d together, whatever came first
	run jq -r .flags want.json
	assert_output 10        # KEXEC_FILE_ON_CRASH | KEXEC_FILE_DEBUG (6.12)
}

@test "-u -p and -p -u unload the crash kernel alike" {
	kx -u -p --sysroot=sys
	kx -p -u --sysroot=sys
	kx --unload --load-panic --sysroot=sys
	run cat syscalls
	assert_output "$(printf 'kexec_file_load kernel=- initrd=- cmdline_len=0 flags=0x3 cmdline= -> 0\n%.0s' 1 2 3)"
}

@test "-S asks about the crash kernel unless -l says otherwise, in any order" {
	echo 1 >sys/sys/kernel/kexec_crash_loaded
	run -1 kx -S --sysroot=sys
	run -1 kx --sysroot=sys -p -S
	run -0 kx -S -l --sysroot=sys
	run -0 kx -l --status --sysroot=sys
}

#!/usr/bin/env bats
# kexec -S and --print-ckr-size: what is loaded and what is reserved, read from /sys and
# /proc (kexec-tools' exit codes and output for scripts; -d and --json for people and programs).

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { "$KEXEC" "$@"; }
mksys() { bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" "$@"; }

setup() {
	cd "$BATS_TEST_TMPDIR"
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
}

@test "-S: exit 1 when the crash kernel is loaded, 0 when not, and nothing printed" {
	mksys qemu-1g-6.12 sys
	run -0 kx -S --sysroot=sys
	assert_output ""
	echo 1 >sys/sys/kernel/kexec_crash_loaded
	run -1 kx -S --sysroot=sys
	assert_output ""
	run -1 kx -S -p --sysroot=sys
	# -l asks about the kexec kernel instead
	run -0 kx -S -l --sysroot=sys
	echo 1 >sys/sys/kernel/kexec_loaded
	run -1 kx -S -l --sysroot=sys
}

@test "-S reads the 2025+ /sys/kernel/kexec/ names first" {
	mksys qemu-1g-6.12 sys
	mkdir sys/sys/kernel/kexec
	echo 1 >sys/sys/kernel/kexec/crash_loaded
	run -1 kx -S --sysroot=sys
	echo 0 >sys/sys/kernel/kexec/crash_loaded
	echo 1 >sys/sys/kernel/kexec_crash_loaded
	run -0 kx -S --sysroot=sys
}

@test "-S on a kernel without kdump support answers 0 and says why" {
	mksys qemu-1g-6.12 sys
	rm sys/sys/kernel/kexec_crash_loaded
	run -0 kx -S --sysroot=sys
	assert_output 'kexec: cannot tell whether a crash kernel is loaded: /sys/kernel/kexec_crash_loaded is missing (a kernel without kdump (CONFIG_CRASH_DUMP) support); reporting "not loaded"'
	run -0 --separate-stderr kx -S --json --sysroot=sys
	assert_equal "$(jq -c .loaded <<<"$output")" null
}

@test "-S --json: loaded, sizes, crash hotplug and the recorded load" {
	mksys qemu-1g-6.12 sys
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" vmlinuz
	kx -p vmlinuz --append=irqpoll --sysroot=sys
	run -1 kx -S --json --sysroot=sys
	run jq -c '[.image, .loaded, .kexec_crash_size, .crash_elfcorehdr_size, .crash_hotplug, .recorded_load.syscall, .recorded_load.flags, .recorded_load.kernel, .recorded_load.command_line, .recorded_load.argv[1:]]' <<<"$output"
	assert_output "[\"crash\",true,268435456,917616,{\"memory\":0,\"cpu\":0},\"kexec_file_load\",6,\"$BATS_TEST_TMPDIR/vmlinuz\",\"irqpoll\",[\"-p\",\"vmlinuz\",\"--append=irqpoll\",\"--sysroot=sys\"]]"
	# 6.1: no crash hotplug files at all
	mksys qemu-1g-6.1 sys61
	# (the record of the load above is in the state dir: -S warns it is not loaded here)
	run -0 --separate-stderr kx -S --json --sysroot=sys61
	run jq -c '[.loaded, .crash_elfcorehdr_size, .crash_hotplug]' <<<"$output"
	assert_output '[false,null,{"memory":null,"cpu":null}]'
}

@test "--print-ckr-size prints the reservation in bytes, as kexec-tools" {
	mksys qemu-1g-6.12 sys
	run -0 kx --print-ckr-size --sysroot=sys
	assert_output 268435456
	mksys no-crashkernel none
	run -0 kx --print-ckr-size --sysroot=none
	assert_output 0
}

@test "--print-ckr-size counts low and high ranges; -d lists them, --json too" {
	mksys ranges-8192 sys
	run -0 kx --print-ckr-size --sysroot=sys
	assert_output 536870912
	run -0 --separate-stderr kx --print-ckr-size -d --sysroot=sys
	cat >expected <<'EOF'
536870912
0x30000000-0x3fffffff 256 MiB (low)
0x110000000-0x11fffffff 256 MiB (main)
EOF
	assert_output_file expected
	run -0 kx --print-ckr-size --json --sysroot=sys
	run jq -c '.crash_kernel | [.total, .kexec_crash_size, [.ranges[] | [.start, .size, .role]]]' <<<"$output"
	assert_output '[536870912,268435456,[[805306368,268435456,"low"],[4563402752,268435456,"main"]]]'
}

@test "--print-ckr-size falls back to kexec_crash_size when /proc/iomem hides addresses" {
	mksys qemu-1g-6.12 sys
	sed -i 's/^\( *\)[0-9a-f]*-[0-9a-f]* :/\100000000-00000000 :/' sys/proc/iomem
	run -0 kx --print-ckr-size --sysroot=sys
	assert_output 268435456
	rm sys/sys/kernel/kexec_crash_size
	run -1 kx --print-ckr-size --sysroot=sys
	assert_output "kexec: /proc/iomem shows every address as 0: it was read without CAP_SYS_ADMIN; run as root"
}

@test "on this machine, --print-ckr-size and -S agree with /proc/iomem and /sys" {
	[ "$(id -u)" = 0 ] || skip "reading /proc/iomem addresses needs root"
	unset KEXEC_EXT_FAKE_SYSCALL
	want=0
	while IFS= read -r line; do
		case $line in
		*" : Crash kernel")
			r=${line%% : *}
			r=${r// /}
			want=$((want + 0x${r#*-} - 0x${r%-*} + 1))
			;;
		esac
	done </proc/iomem
	run -0 kx --print-ckr-size
	assert_output "$want"
	if [ -r /sys/kernel/kexec_crash_loaded ]; then
		loaded=$(cat /sys/kernel/kexec_crash_loaded)
		run kx -S
		assert_equal "$status" "$loaded"
	else
		run -0 kx -S
		assert_output --partial "cannot tell whether a crash kernel is loaded"
	fi
}

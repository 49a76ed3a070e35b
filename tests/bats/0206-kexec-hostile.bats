#!/usr/bin/env bats
# kexec on hostile input: absurd /proc/iomem, missing or malformed /sys files, files that are not
# kernels.  Every case ends in one clear message and exit 1 (or a warning where the load does
# not need the broken part), never a crash (the sanitizer build runs these too).

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { "$KEXEC" "$@"; }

setup() {
	cd "$BATS_TEST_TMPDIR"
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" qemu-1g-6.12 sys
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" vmlinuz
}

@test "absurd /proc/iomem lines are refused naming the line" {
	while IFS='|' read -r line message; do
		printf '00000000-00000fff : Reserved\n%b\n' "$line" >sys/proc/iomem
		run -1 kx -p --dry-run --sysroot=sys vmlinuz
		assert_output "kexec: /proc/iomem line 2: $message (at offset 0x1d)"
	done <<-'EOF'
	ffffffffffffffffff-1 : System RAM|expected "START-END : NAME" with hex addresses of at most 16 digits
	00002000-00001000 : System RAM|range 2000-1000 ends before it starts
	  00000000-ffffffff : System RAM|0-ffffffff is not inside its parent 0-fff (line 1)
	    00000000-00000fff : System RAM|indented 2 levels but the line before is at level 0
	00001000-00001fff: System RAM|expected " : " and a name after the address range
	\x01\x02\x03garbage|expected "START-END : NAME" with hex addresses of at most 16 digits
	EOF
}

@test "a /proc/iomem of binary noise or without a newline does not crash" {
	head -c 65536 /dev/urandom >sys/proc/iomem
	run -1 kx -p --dry-run --sysroot=sys vmlinuz
	assert_output --regexp '^kexec: /proc/iomem line 1: '
	printf '00000000-ffffffff : System RAM' >sys/proc/iomem
	run -1 kx -p --dry-run --sysroot=sys vmlinuz
	assert_output --partial "no memory is reserved for a crash kernel"
}

@test "a missing /proc/iomem or one that hides its addresses says what to do" {
	rm sys/proc/iomem
	run -1 kx -p --dry-run --sysroot=sys vmlinuz
	assert_output "kexec: cannot open /proc/iomem: No such file or directory"
	# the size alone is in /sys as well
	run -0 --separate-stderr kx --print-ckr-size --sysroot=sys
	assert_output 268435456
	printf '00000000-00000000 : System RAM\n  00000000-00000000 : Crash kernel\n' >sys/proc/iomem
	run -1 kx -p --dry-run --sysroot=sys vmlinuz
	assert_output "kexec: /proc/iomem shows every address as 0: it was read without CAP_SYS_ADMIN; run as root"
}

@test "malformed crash_notes, vmcoreinfo and kallsyms are warnings for a file load" {
	echo nonsense >sys/sys/devices/system/cpu/cpu1/crash_notes
	echo 1 >sys/sys/kernel/vmcoreinfo
	echo "0000000000000000 T _text" >sys/proc/kallsyms
	run -0 kx -p --dry-run --sysroot=sys vmlinuz
	assert_line "warning       no CPU notes for the elfcorehdr: cannot read /sys/devices/system/cpu/cpu1/crash_notes: not a hex address"
	assert_line "warning       no VMCOREINFO note for the elfcorehdr: /sys/kernel/vmcoreinfo: expected \"ADDR SIZE\" in hex, got \"1"
	assert_line "warning       no kernel text PT_LOAD: /proc/kallsyms shows every address as 0 (kernel.kptr_restrict, or not root): run as root"
	run -1 kx -p --dry-run --sysroot=sys vmlinuz --elfcorehdr-out=e
	assert_output --partial "kexec: cannot build the elfcorehdr without the CPUs' crash_notes"
}

@test "a CPU note of absurd size and a sysfs number past 64 bits are refused" {
	echo 99999999 >sys/sys/devices/system/cpu/cpu0/crash_notes_size
	run -0 kx -p --dry-run --sysroot=sys vmlinuz
	assert_line "warning       no CPU notes for the elfcorehdr: /sys/devices/system/cpu/cpu0: crash_notes at 0x3fa1e5c8 of 99999999 bytes is not a note buffer"
	echo 368 >sys/sys/devices/system/cpu/cpu0/crash_notes_size
	echo 99999999999999999999999 >sys/sys/kernel/kexec_crash_size
	run -0 kx -p --dry-run --json --sysroot=sys vmlinuz
	assert_equal "$(jq -c .crash_kernel.kexec_crash_size <<<"$output")" null
}

@test "files that are not kernels, or not files, are refused before anything else" {
	run -1 kx -p --dry-run --sysroot=sys /dev/null
	assert_output "kexec: the kernel /dev/null is not a regular file"
	run -1 kx -p --dry-run --sysroot=sys .
	assert_output "kexec: the kernel . is not a regular file"
	: >empty
	run -1 kx -p --dry-run --sysroot=sys empty
	assert_output "kexec: empty: not a bzImage: 0 bytes is shorter than the two sectors of a boot sector and setup header"
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" old --protocol=0x0207
	run -1 kx -p --dry-run --sysroot=sys old
	assert_output "kexec: old: boot protocol 2.07 is older than 2.12, which kexec_file_load needs (kernel 3.8 or later)"
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" k32 --xloadflags=0x0
	run -1 kx -p --dry-run --sysroot=sys k32
	assert_output "kexec: k32: not a 64-bit kernel (xloadflags 0x0 lacks XLF_KERNEL_64)"
	head -c 20000 vmlinuz >short
	run -1 kx -p --dry-run --sysroot=sys short
	assert_output "kexec: short: truncated bzImage: 20000 bytes, but its setup code alone takes 20480"
	run -1 kx -p --dry-run --sysroot=sys vmlinuz --initrd=missing.img
	assert_output "kexec: cannot open the initrd missing.img: No such file or directory"
	[ ! -e syscalls ]
}

@test "an architecture this kexec does not load on is named" {
	echo riscv64 >sys/proc/sys/kernel/arch
	run -1 kx -p --dry-run --sysroot=sys vmlinuz
	assert_output --regexp '^kexec: loading on riscv64 is not supported \(this kexec loads on x86_64, .*aarch64.*\)$'
	# an arch it knows, with an image of another: the probe says what is wrong
	echo aarch64 >sys/proc/sys/kernel/arch
	run -1 kx -p --dry-run --sysroot=sys vmlinuz
	assert_output 'kexec: vmlinuz: no arm64 Image magic "ARM\x64" at offset 0x38'
	# what needs no arch code still works
	run -0 kx --print-ckr-size --sysroot=sys
	assert_output 268435456
}

@test "a huge /proc/cmdline for --reuse-cmdline is refused, not truncated" {
	head -c 70000 /dev/zero | tr '\0' x >sys/proc/cmdline
	run -1 kx -p --dry-run --sysroot=sys vmlinuz --reuse-cmdline
	assert_output "kexec: --reuse-cmdline: cannot read /proc/cmdline: File too large"
}

@test "a record with hostile content is not trusted for a restore" {
	mkdir state
	{
		printf 'version 1\nsyscall kexec_load\nflags 0x1\nkernel /k\ncmdline c\n'
		for i in $(seq 5000); do echo "arg x"; done
	} >state/crash-load
	echo 1 >sys/sys/kernel/kexec_crash_loaded
	KEXEC_EXT_FAKE_ERRNO=EINVAL run -1 kx -p -s vmlinuz --sysroot=sys
	assert_line --index 0 "kexec: warning: ignoring the saved load: $BATS_TEST_TMPDIR/state/crash-load: more than 4096 arguments"
	assert_line --partial "restoring it failed: it was not loaded by this kexec"
	printf 'version 1\nsyscall kexec_load\nflags 0x1\nkernel /k\ncmdline c\n' >state/crash-load
	echo 1 >sys/sys/kernel/kexec_crash_loaded
	KEXEC_EXT_FAKE_ERRNO=EINVAL run -1 kx -p -s vmlinuz --sysroot=sys
	assert_line --partial "restoring it failed: the record of the kexec_load load has no command to repeat"
	printf 'version 1\nsyscall kexec_magic\nflags 0x1\nkernel /k\ncmdline c\narg kexec\n' >state/crash-load
	echo 1 >sys/sys/kernel/kexec_crash_loaded
	KEXEC_EXT_FAKE_ERRNO=EINVAL run -1 kx -p -s vmlinuz --sysroot=sys
	assert_line --partial "restoring it failed: it was loaded with kexec_magic, which this version cannot repeat"
	assert_equal "$(wc -l <syscalls)" 3
}

@test "--json stays valid JSON when kexec stops before a plan exists" {
	run -1 --separate-stderr kx -p --dry-run --json --sysroot=sys missing
	assert_equal "$(jq -r .error.message <<<"$output")" "cannot open the kernel missing: No such file or directory"
	assert_equal "$(jq -r .action <<<"$output")" load
	rm sys/proc/iomem sys/sys/kernel/kexec_crash_size
	run -1 --separate-stderr kx --print-ckr-size --json --sysroot=sys
	assert_equal "$(jq -r .error.message <<<"$output")" "cannot open /proc/iomem: No such file or directory"
}

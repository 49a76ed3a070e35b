#!/usr/bin/env bats
# kexec on s390x: -p -s loads through kexec_file_load, laid out back to back from the start of
# the crash range (no elfcorehdr segment: the capture kernel builds the ELF header); -S says when
# a stand-alone dump (zfcpdump, NVMe or ECKD dump, /sys/firmware/dump/dump_type) is configured,
# which builds the header at dump time, so nothing needs reloading on hotplug.  The fixture is an
# LPAR with a zfcpdump device and crashkernel=256M (mk-kexec-sysroot.sh s390-zfcpdump).

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { "$KEXEC" "$@"; }
mksys() { bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" "$@"; }

setup() {
	cd "$BATS_TEST_TMPDIR"
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	mksys s390-zfcpdump sys
	# the kernel takes any file as an s390 image; 8 MiB of zeros is one
	truncate -s 8M image
}

@test "-S --json names the stand-alone dump and that hotplug needs no reload" {
	run -0 kx -S --json --sysroot=sys
	run jq -c '[.loaded, .hotplug, .standalone_dump, .fadump]' <<<"$output"
	assert_output '[false,"stand-alone dump (header built at dump time)",{"dump_type":"fcp","reload_needed_on_hotplug":false},null]'
}

@test "-S stays silent for scripts; -S -d says which mechanism writes the dump" {
	run -0 kx -S --sysroot=sys
	assert_output ""
	run -0 kx -S -d --sysroot=sys
	assert_line "kexec: hotplug: stand-alone dump (header built at dump time)"
	assert_line "kexec: s390 stand-alone dump: fcp (the dump tool builds the ELF header at dump time: nothing needs reloading on hotplug)"
}

@test "without a dump device, a loaded s390 kdump still needs no reload: its capture kernel builds the header" {
	echo none >sys/sys/firmware/dump/dump_type
	echo 1 >sys/sys/kernel/kexec_crash_loaded
	run -1 kx -S --json --sysroot=sys
	run jq -c '[.loaded, .hotplug, .standalone_dump]' <<<"$output"
	assert_output '[true,"stand-alone dump (header built at dump time)",{"dump_type":"none","reload_needed_on_hotplug":false}]'
	run -1 kx -S -d --sysroot=sys
	assert_line "kexec: s390 stand-alone dump: none"
}

@test "-p -s plan: kernel, purgatory and IPL report back to back from the crash range start" {
	run -0 --separate-stderr kx -p -s --dry-run --json --sysroot=sys image --append="root=/dev/dasda1"
	run jq -c '[.arch, .syscall, .flags, [.segments[] | [.name, .start, .memsz]]]' <<<"$output"
	assert_output '["s390x","kexec_file_load",6,[["kernel",268435456,8388608],["purgatory",276824064,16384],["ipl_report",276840448,4096]]]'
}

@test "-p -s loads through kexec_file_load and is recorded" {
	run -0 kx -p -s --sysroot=sys image --append="root=/dev/dasda1"
	assert_equal "$(cat syscalls)" "kexec_file_load kernel=$BATS_TEST_TMPDIR/image initrd=- cmdline_len=17 flags=0x6 cmdline=root=/dev/dasda1 -> 0"
	run -0 grep '^syscall ' state/crash-load
	assert_output "syscall kexec_file_load"
	run -1 kx -S --json --sysroot=sys
	run jq -c '[.loaded, .hotplug]' <<<"$output"
	assert_output '[true,"stand-alone dump (header built at dump time)"]'
}

@test "an x86 bzImage or an ELF for another machine is not taken for an s390 image" {
	printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00' >x86.elf
	truncate -s 4096 x86.elf
	run -1 kx -p -s --dry-run --sysroot=sys x86.elf
	assert_output "kexec: x86.elf: an ELF file for another machine than s390"
}

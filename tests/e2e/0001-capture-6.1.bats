#!/usr/bin/env bats
# Debian 6.1 (no crash hotplug): load, panic, capture; the saved vmcore is whole and readable.

load helpers

setup_file() {
	export SCENARIO=capture-6.1 VMCORE="$LAB_OUT/capture-6.1.vmcore"
	[ -n "$KVER_61" ] || skip "no Debian 6.1 kernel in /boot (apt-get install linux-image-amd64)"
	lab_cycle "$SCENARIO" "$KVER_61" "/boot/vmlinuz-$KVER_61" "kx_mode=s" || true
}

setup() {
	export SCENARIO=capture-6.1 VMCORE="$LAB_OUT/capture-6.1.vmcore"
}

@test "6.1: kexec -p -s loads the capture kernel and a panic saves /proc/vmcore" {
	assert_loaded_and_captured
}

@test "6.1: the vmcore has one NT_PRSTATUS per CPU and VMCOREINFO with the guest's OSRELEASE" {
	assert_notes_match_guest
}

@test "6.1: the PT_LOAD segments cover the guest's RAM outside the crashkernel" {
	assert_ram_covered
}

@test "6.1: vmcore-dd --check passes inside the capture kernel and on the saved file" {
	assert_inside_check_ok
}

@test "6.1: vmcore-dmesg prints the panic, byte for byte what Debian's vmcore-dmesg prints" {
	assert_dmesg_matches_debian
}

@test "6.1: vmcore-dmesg in the capture kernel reads /proc/vmcore and finds the panic" {
	run -0 grep -a 'INSIDE_DMESG_RC=0' "$LAB_LOGS/$SCENARIO.log"
	run -0 grep -a 'INSIDE_DMESG .*sysrq: Trigger a crash' "$LAB_LOGS/$SCENARIO.log"
}

@test "6.1: vmcore-dmesg reads the same log from makedumpfile's kdump-compressed copy" {
	assert_kdump_copy_same_dmesg
}

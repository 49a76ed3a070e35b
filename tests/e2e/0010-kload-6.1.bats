#!/usr/bin/env bats
# Debian 6.1, kexec_load (-c): our segments, our elfcorehdr, our purgatory; the capture kernel
# boots from them and /proc/vmcore is whole.

load helpers

setup_file() {
	export SCENARIO=kload-6.1 VMCORE="$LAB_OUT/kload-6.1.vmcore"
	[ -n "$KVER_61" ] || skip "no Debian 6.1 kernel in /boot (apt-get install linux-image-amd64)"
	lab_cycle "$SCENARIO" "$KVER_61" "/boot/vmlinuz-$KVER_61" "kx_mode=c" || true
}

setup() {
	export SCENARIO=kload-6.1 VMCORE="$LAB_OUT/kload-6.1.vmcore"
}

@test "6.1 -c: kexec -p -c loads the capture kernel with kexec_load and a panic saves /proc/vmcore" {
	run -0 grep -a 'mode=-c' "$LAB_LOGS/$SCENARIO.log"
	assert_loaded_and_captured
}

@test "6.1 -c: the vmcore has one NT_PRSTATUS per CPU and VMCOREINFO with the guest's OSRELEASE" {
	assert_notes_match_guest
}

@test "6.1 -c: the PT_LOADs of our elfcorehdr cover the guest's RAM outside the crashkernel" {
	assert_ram_covered
}

@test "6.1 -c: vmcore-dmesg prints the panic, byte for byte what Debian's vmcore-dmesg prints" {
	assert_dmesg_matches_debian
}

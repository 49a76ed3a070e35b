#!/usr/bin/env bats
# Debian 6.12, kexec_load (-c) in crash hotplug mode (KEXEC_UPDATE_ELFCOREHDR): a 1 GiB DIMM
# hot-added after the load is in the vmcore without any reload: the kernel rewrote our header.

load helpers

setup_file() {
	export SCENARIO=kload-6.12 VMCORE="$LAB_OUT/kload-6.12.vmcore"
	[ -n "$KVER_612" ] || skip "no Debian 6.12 kernel in /boot (apt-get install linux-image-6.12-amd64)"
	lab_cycle "$SCENARIO" "$KVER_612" "/boot/vmlinuz-$KVER_612" "kx_mode=c kx_hotplug=1" || true
}

setup() {
	export SCENARIO=kload-6.12 VMCORE="$LAB_OUT/kload-6.12.vmcore"
}

@test "6.12 -c: kexec -p -c loads the capture kernel with kexec_load and a panic saves /proc/vmcore" {
	run -0 grep -a 'mode=-c' "$LAB_LOGS/$SCENARIO.log"
	assert_loaded_and_captured
}

@test "6.12 -c: the vmcore has one NT_PRSTATUS per CPU and VMCOREINFO with the guest's OSRELEASE" {
	assert_notes_match_guest
}

@test "6.12 -c: the PT_LOADs of our elfcorehdr cover the guest's RAM outside the crashkernel" {
	assert_ram_covered
}

@test "6.12 -c: vmcore-dmesg prints the panic, byte for byte what Debian's vmcore-dmesg prints" {
	assert_dmesg_matches_debian
}

@test "6.12 -c: the load asked the kernel to keep the header updated and the DIMM is in the vmcore" {
	run -0 grep -a 'HOTPLUG_DONE' "$LAB_LOGS/$SCENARIO.log"
	run -0 "$VMCORE_DD" --segments --raw --noheadings -o PADDR,PEND "$VMCORE"
	assert_line '0x100000000 0x140000000'
	assert_ram_covered AFTER_
}

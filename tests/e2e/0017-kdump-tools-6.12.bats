#!/usr/bin/env bats
# Debian 6.12: Debian's kdump-tools 1.8.1, unchanged, loads the capture kernel through our kexec
# at /sbin/kexec (`kdump-config load` in guest/kdump-tools.sh; kdump-config, its shell and tools
# come from initramfs-kdump-tools.sh), then a panic; the vmcore is checked as in 0002-capture-6.12.

load helpers

setup_file() {
	export SCENARIO=kdump-tools-6.12 VMCORE="$LAB_OUT/kdump-tools-6.12.vmcore"
	[ -n "$KVER_612" ] || skip "no Debian 6.12 kernel in /boot (apt-get install linux-image-6.12-amd64)"
	LAB_INITRAMFS_HOOK=initramfs-kdump-tools.sh \
		lab_cycle "$SCENARIO" "$KVER_612" "/boot/vmlinuz-$KVER_612" "kx_test=kdump-tools" || true
}

setup() {
	export SCENARIO=kdump-tools-6.12 VMCORE="$LAB_OUT/kdump-tools-6.12.vmcore"
}

@test "6.12: kdump-config load exits 0 with our kexec, and a panic saves /proc/vmcore" {
	run -0 grep -a 'KDUMP_CONFIG_LOAD ' "$LAB_LOGS/$SCENARIO.log"
	assert_line --partial 'KDUMP_CONFIG_LOAD loaded kdump kernel.'
	refute_line --partial 'kexec:'
	assert_loaded_and_captured
}

@test "6.12: kdump-config ran /sbin/kexec -p with its command line, initrd and kernel; the capture kernel got that line" {
	local want='/sbin/kexec -p --command-line="console=ttyS0 acpi_no_memhotplug panic=-1 kx_test=capture reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb" --initrd=/var/lib/kdump/initrd.img /var/lib/kdump/vmlinuz'
	run -0 grep -a 'KDUMP_CONFIG_CMD ' "$LAB_LOGS/$SCENARIO.log"
	assert_output --partial "KDUMP_CONFIG_CMD $want"
	run -0 grep -a 'CAPTURE_CMDLINE ' "$LAB_LOGS/$SCENARIO.log"
	assert_output --partial ' console=ttyS0 acpi_no_memhotplug panic=-1 kx_test=capture reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb'
	# and the kernel's own addition (kexec_file_load puts it first)
	assert_output --regexp 'CAPTURE_CMDLINE (.* )?elfcorehdr=0x[0-9a-f]+ '
}

@test "6.12: kdump-config status reads the kernel's kexec_crash_loaded: ready to kdump" {
	run -0 grep -a 'KDUMP_CONFIG_STATUS ' "$LAB_LOGS/$SCENARIO.log"
	assert_output --partial 'KDUMP_CONFIG_STATUS current state   : ready to kdump'
	run -0 grep -a 'PANIC_ON_OOPS=1' "$LAB_LOGS/$SCENARIO.log"
}

@test "6.12: the vmcore has one NT_PRSTATUS per CPU and VMCOREINFO with the guest's OSRELEASE" {
	assert_notes_match_guest
}

@test "6.12: the PT_LOAD segments cover the guest's RAM outside the crashkernel" {
	assert_ram_covered
}

@test "6.12: vmcore-dd --check passes inside the capture kernel and on the saved file" {
	assert_inside_check_ok
}

@test "6.12: vmcore-dmesg prints the panic, byte for byte what Debian's vmcore-dmesg prints" {
	assert_dmesg_matches_debian
}

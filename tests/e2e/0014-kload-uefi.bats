#!/usr/bin/env bats
# kexec -p -c on a UEFI guest (OVMF): the first kernel boots through EFI; the capture kernel is
# started without EFI runtime services (efi_info left empty) and finds ACPI through the RSDP
# address kexec hands over (boot_params.acpi_rsdp_addr and acpi_rsdp=, read from
# /sys/firmware/efi/systab); /proc/vmcore is whole.

load helpers

setup_file() {
	export SCENARIO=kload-uefi-6.12 VMCORE="$LAB_OUT/kload-uefi-6.12.vmcore"
	[ -n "$KVER_612" ] || skip "no Debian 6.12 kernel in /boot (apt-get install linux-image-6.12-amd64)"
	[ -f /usr/share/ovmf/OVMF.fd ] || skip "no OVMF (apt-get install ovmf)"
	LAB_BIOS=/usr/share/ovmf/OVMF.fd lab_cycle "$SCENARIO" "$KVER_612" "/boot/vmlinuz-$KVER_612" \
		"kx_mode=c" || true
}

setup() {
	export SCENARIO=kload-uefi-6.12 VMCORE="$LAB_OUT/kload-uefi-6.12.vmcore"
}

@test "UEFI -c: the first kernel booted through EFI" {
	run -0 grep -a 'efi: EFI v' "$LAB_LOGS/$SCENARIO.log"
}

@test "UEFI -c: the capture kernel got the RSDP instead of EFI, and found ACPI" {
	run -0 grep -ao 'Command line: elfcorehdr=0x[0-9a-f]* acpi_rsdp=0x[0-9a-f]* ' "$LAB_LOGS/$SCENARIO.log"
	# after the panic: no EFI in the capture kernel, ACPI tables found
	run -0 sh -c "sed -n '/PANIC_NOW/,\$p' '$LAB_LOGS/$SCENARIO.log' | grep -a 'ACPI: RSDP 0x'"
	run -1 sh -c "sed -n '/PANIC_NOW/,\$p' '$LAB_LOGS/$SCENARIO.log' | grep -a 'efi: EFI v'"
}

@test "UEFI -c: a panic is captured and the vmcore covers the guest's RAM" {
	assert_loaded_and_captured
	assert_notes_match_guest
	assert_ram_covered
}

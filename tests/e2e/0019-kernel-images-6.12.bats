#!/usr/bin/env bats
# Debian 6.12, the kernel files other than a bzImage (issue 17), each loaded in the first kernel
# and then captured, the vmcore checked as in 0002:
#   uki      kexec -p -s /boot/uki.efi with no --initrd and no --append: a Unified Kernel Image
#            made from the lab's kernel (tests/e2e/initramfs-images.sh); its .linux goes to the
#            kernel as a memfd, its .initrd (the capture archive) too, its .cmdline is the
#            capture kernel's command line.
#   vmlinux  kexec -p -c /boot/vmlinux: the ELF vmlinux inside the same bzImage, loaded by our
#            kexec_load path at a 2 MiB boundary of the crash kernel region (the kernel moves
#            itself there: phys_base), entered at its startup_64 by our purgatory.

load helpers

images_cycle() {
	LAB_INITRAMFS_HOOK=initramfs-images.sh \
		lab_cycle "images-$1-6.12" "$KVER_612" "/boot/vmlinuz-$KVER_612" "kx_image=$1 kx_mode=$2" || true
}

setup_file() {
	[ -n "$KVER_612" ] || skip "no Debian 6.12 kernel in /boot (apt-get install linux-image-6.12-amd64)"
	images_cycle uki s
	images_cycle vmlinux c
}

use() {
	export SCENARIO=images-$1-6.12 VMCORE="$LAB_OUT/images-$1-6.12.vmcore"
}

@test "6.12 UKI: kexec -p -s of the UKI alone loads it and a panic saves /proc/vmcore" {
	use uki
	assert_loaded_and_captured
}

@test "6.12 UKI: the plan used the image's .initrd and .cmdline; the capture kernel booted with that line" {
	use uki
	run -0 grep -a 'IMAGE_PLAN ' "$LAB_LOGS/$SCENARIO.log"
	assert_line --regexp 'IMAGE_PLAN   UKI +at 0x[0-9a-f]+, '
	assert_line --regexp "IMAGE_PLAN initrd +the image's \.initrd"
	run -0 grep -a 'CAPTURE_CMDLINE ' "$LAB_LOGS/$SCENARIO.log"
	assert_output --regexp 'CAPTURE_CMDLINE (.* )?elfcorehdr=0x[0-9a-f]+ console=ttyS0 irqpoll nr_cpus=1 reset_devices acpi_no_memhotplug panic=-1 kx_test=capture'
}

@test "6.12 UKI: one NT_PRSTATUS per CPU, VMCOREINFO, RAM covered, dmesg as Debian's vmcore-dmesg reads it" {
	use uki
	assert_notes_match_guest
	assert_ram_covered
	assert_dmesg_matches_debian
}

@test "6.12 vmlinux: kexec -p -c of the ELF vmlinux loads it and a panic saves /proc/vmcore" {
	use vmlinux
	assert_loaded_and_captured
	run -0 grep -a 'IMAGE_PLAN kernel ' "$LAB_LOGS/$SCENARIO.log"
	assert_output --regexp 'IMAGE_PLAN kernel +/boot/vmlinux: elf-x86_64, '
}

@test "6.12 vmlinux: one NT_PRSTATUS per CPU, VMCOREINFO, RAM covered, dmesg as Debian's vmcore-dmesg reads it" {
	use vmlinux
	assert_notes_match_guest
	assert_ram_covered
	assert_dmesg_matches_debian
}

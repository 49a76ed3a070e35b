#!/usr/bin/env bats
# arm64, Debian 12's arm64 kernel 6.12: QEMU virt (TCG) boots it from -kernel, our kexec loads
# it as Debian ships it and gzip'ed as Ubuntu does (-p -s; -p -c where the kernel has no
# kexec_file_load), a panic is captured and the vmcore checked as on x86_64.  What runs and
# why: tests/e2e/arm64.bash.

LAB_ARCH=arm64
load helpers
load arm64
SERIES=6.12

setup_file() {
	arm64_setup_file
}

setup() {
	arm64_setup
}

@test "arm64 6.12: Debian's arm64 Image boots in QEMU virt (TCG) from -kernel, crashkernel= reserved" {
	arm64_assert_booted
}

@test "arm64 6.12: our kexec -p -s of the Image: loaded, or the kernel's missing kexec_file_load named" {
	arm64_assert_ours_s_load /boot/vmlinuz
}

@test "arm64 6.12: our kexec -p -s of the gzip'ed Image unpacks it into a memfd for the kernel" {
	arm64_vars "arm64-$SERIES-gz"
	arm64_assert_gzip_plan
	arm64_assert_ours_s_load /boot/vmlinuz.gz
}

@test "arm64 6.12: our kexec loads the capture kernel (-s, else -c: kexec_load, our purgatory), a panic boots it, it saves /proc/vmcore" {
	arm64_assert_captured /boot/vmlinuz
}

@test "arm64 6.12: the vmcore has one NT_PRSTATUS per CPU and VMCOREINFO with the guest's OSRELEASE" {
	assert_notes_match_guest
}

@test "arm64 6.12: the PT_LOAD segments cover the guest's RAM outside the crashkernel" {
	assert_ram_covered
}

@test "arm64 6.12: vmcore-dd --check passes inside the capture kernel and on the saved file" {
	assert_inside_check_ok
}

@test "arm64 6.12: vmcore-dmesg of the saved vmcore prints what the capture kernel read from /proc/vmcore" {
	arm64_assert_dmesg_same_as_inside
}

@test "arm64 6.12: the gzip'ed Image's run is captured the same way and its vmcore passes the same checks" {
	arm64_assert_gzip_run
}

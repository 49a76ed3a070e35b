#!/usr/bin/env bats
# Fedora/RHEL's kdump-utils (kdumpctl) on top of our kexec: the exact kexec command shapes
# kdumpctl runs, replayed through the test build with the syscall fake playing a QEMU guest
# (fixture qemu-1g-6.12), with the exit statuses kdumpctl branches on and the state it reads back.
# Source read: github.com/rhkdump/kdump-utils at 63f248c (2026-03-23) and its history:
#   kdumpctl load_kdump()           args = prepare_kexec_args "$KEXEC_ARGS", then -p,
#                                   --command-line=$(prepare_cmdline …), --initrd=$TARGET_INITRD,
#                                   $KDUMP_KERNEL; "$KEXEC" "${args[@]}"; non-zero → "failed to
#                                   load kdump kernel", return 1
#   gen-kdump-sysconfig.sh          KEXEC_ARGS default per arch: x86_64, aarch64, ppc64le, s390x "-s"
#   kdump-lib.sh prepare_kexec_args appends " -s" again when is_secure_boot_enforced
#   kdumpctl load_kdump() from      standard_kexec_args="-d -p": with KEXEC_ARGS=-s the shape
#     88a8b94 (2020) to 3028529     -s -d -p …, the one installed systems of those years run
#     (2024)
#   kdumpctl stop_kdump()           "$KEXEC -s -p -u" under Secure Boot, else "$KEXEC -p -u";
#                                   $? != 0 → "failed to unload kdump kernel", return 1
#   kdumpctl reload()               stop_kdump, then setup_initrd and start_dump (→ load_kdump);
#                                   run by kdump-udev-throttler for 98-kexec.rules' events
#   kdump-lib.sh is_kernel_loaded() [[ $(< /sys/kernel/kexec_crash_loaded) -eq 1 ]]; kdumpctl
#                                   status exits 0 when it holds ("operational"), 3 when not
# kdumpctl itself is not run here (bash, systemd, dracut and the kdump initrd build are what it
# needs); the command shapes and the branch conditions are.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { "$KEXEC" "$@"; }

# a RHEL 10 guest's names; the kernel file is the synthetic bzImage
KVER=6.12.0-55.el10.x86_64
# what prepare_cmdline leaves of a RHEL /proc/cmdline (root=, crashkernel= removed) and appends on
# x86_64 (gen-kdump-sysconfig.sh: the _common and x86_64 KDUMP_COMMANDLINE_APPEND), then the boot
# CPU's APIC id
CMDLINE="BOOT_IMAGE=(hd0,gpt2)/vmlinuz-$KVER ro rhgb console=ttyS0 novmcoredd hugetlb_cma=0 kfence.sample_interval=0 initramfs_options=size=90% irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=off numa=off udev.children-max=2 panic=10 acpi_no_memhotplug transparent_hugepage=never nokaslr hest_disable cma=0 pcie_ports=compat disable_cpu_apicid=0"

setup() {
	cd "$BATS_TEST_TMPDIR"
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" qemu-1g-6.12 sys
	mkdir -p boot
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" "boot/vmlinuz-$KVER"
	truncate -s 40M "boot/initramfs-${KVER}kdump.img"
	D=$BATS_TEST_TMPDIR
	KERNEL=$D/boot/vmlinuz-$KVER
	INITRD=$D/boot/initramfs-${KVER}kdump.img
	LOAD_CALL="kexec_file_load kernel=$KERNEL initrd=$INITRD cmdline_len=$((${#CMDLINE} + 1)) flags=0x2 cmdline=$CMDLINE -> 0"
	UNLOAD_CALL="kexec_file_load kernel=- initrd=- cmdline_len=0 flags=0x3 cmdline= -> 0"
}

# kdumpctl's is_kernel_loaded kdump, and the status it makes of it (0 operational, 3 not)
is_kernel_loaded() { [[ $(<"$D/sys/sys/kernel/kexec_crash_loaded") -eq 1 ]]; }
kdumpctl_status() { if is_kernel_loaded; then echo 0; else echo 3; fi; }

# load_kdump with KEXEC_ARGS as given: [KEXEC_ARGS…] -p --command-line= --initrd= KERNEL
load_kdump() {
	local -a args
	IFS=' ' read -r -a args <<<"$1"
	kx "${args[@]}" -p "--command-line=$CMDLINE" "--initrd=$INITRD" "$KERNEL" --sysroot=sys
}

@test "load_kdump, x86_64 default KEXEC_ARGS=-s: kexec -s -p loads by kexec_file_load; status 0" {
	assert_equal "$(kdumpctl_status)" 3
	run -0 load_kdump "-s"
	assert_output ""
	assert_equal "$(cat syscalls)" "$LOAD_CALL"
	assert_equal "$(kdumpctl_status)" 0
}

@test "the 2020-2024 shape kexec -s -d -p: the same load with KEXEC_FILE_DEBUG, the plan on stderr" {
	run -0 --separate-stderr load_kdump "-s -d"
	assert_output ""
	run -0 grep -c '^crash kernel load plan$' <<<"$stderr"
	assert_equal "$(cat syscalls)" "${LOAD_CALL/flags=0x2/flags=0xa}"
	assert_equal "$(kdumpctl_status)" 0
}

@test "under Secure Boot prepare_kexec_args adds a second -s: kexec -s -s -p is the same load" {
	run -0 load_kdump "-s -s"
	assert_equal "$(cat syscalls)" "$LOAD_CALL"
	assert_equal "$(kdumpctl_status)" 0
}

@test "a load the kernel rejects exits non-zero (load_kdump's failure branch); -s never tries kexec_load" {
	for errno in EKEYREJECTED ENOEXEC EINVAL ENOMEM; do
		rm -f syscalls
		KEXEC_EXT_FAKE_ERRNO=$errno run -1 load_kdump "-s"
		assert_line --index 0 --partial "kexec: loading the crash kernel $KERNEL failed: "
		assert_equal "$(cat syscalls)" "${LOAD_CALL% -> 0} -> $errno"
		assert_equal "$(kdumpctl_status)" 3
	done
}

@test "stop_kdump: kexec -p -u and kexec -s -p -u exit 0 and the crash kernel is gone; a refusal is non-zero" {
	load_kdump "-s"
	rm syscalls
	run -0 kx -p -u --sysroot=sys
	assert_output ""
	assert_equal "$(cat syscalls)" "$UNLOAD_CALL"
	assert_equal "$(kdumpctl_status)" 3
	load_kdump "-s"
	rm syscalls
	run -0 kx -s -p -u --sysroot=sys
	assert_equal "$(cat syscalls)" "$UNLOAD_CALL"
	assert_equal "$(kdumpctl_status)" 3
	# the kernel refuses: stop_kdump's "$? != 0" branch, and the crash kernel stays
	load_kdump "-s"
	KEXEC_EXT_FAKE_ERRNO=EPERM run -1 kx -s -p -u --sysroot=sys
	assert_line --index 0 --partial "kexec: unloading the crash kernel failed"
	assert_equal "$(kdumpctl_status)" 0
}

@test "kdumpctl reload (what the udev throttler runs): unload, then the same load; loaded again" {
	load_kdump "-s"
	rm syscalls
	kx -p -u --sysroot=sys
	assert_equal "$(kdumpctl_status)" 3              # the window kdumpctl's reload leaves open
	run -0 load_kdump "-s"
	assert_equal "$(cat syscalls)" "$UNLOAD_CALL
$LOAD_CALL"
	assert_equal "$(kdumpctl_status)" 0
	# our record, which kexec-hotplug replays, is of the load kdumpctl made
	run -0 grep -E '^(syscall|flags|kernel|initrd) ' state/crash-load
	assert_output "syscall kexec_file_load
flags 0x2
kernel $KERNEL
initrd $INITRD"
}

# shellcheck shell=bash
# LAB_INITRAMFS_HOOK for the kernel image scenarios (tests/e2e/0019): the first kernel's /boot
# gets, made from the lab's own kernel (/boot/vmlinuz there) and capture archive:
#   uki.efi   a Unified Kernel Image: the kernel's own PE file (Debian's x86_64 vmlinuz is an EFI
#             stub) with .linux (the kernel), .initrd (the capture archive) and .cmdline (the
#             capture command line of guest/first.sh) added by objcopy, as systemd's ukify lays
#             them out;
#   vmlinux   the ELF vmlinux the bzImage carries (tests/tools/bzimage-vmlinux.sh).
# The UKI's command line is the one guest/first.sh gives with --append.
IMAGES_CAPTURE_CMDLINE="console=ttyS0 irqpoll nr_cpus=1 reset_devices acpi_no_memhotplug panic=-1 kx_test=capture"

initramfs_hook_key() {
	echo "$IMAGES_CAPTURE_CMDLINE"
	cat "$SRCDIR/tests/tools/bzimage-vmlinux.sh"
}

initramfs_hook() {
	:
}

# initramfs_hook_boot BOOTDIR KVER
initramfs_hook_boot() {
	local boot=$1
	printf '%s' "$IMAGES_CAPTURE_CMDLINE" >"$boot/uki.cmdline"
	objcopy --add-section .linux="$boot/vmlinuz" --add-section .initrd="$boot/capture.cpio.gz" \
		--add-section .cmdline="$boot/uki.cmdline" "$boot/vmlinuz" "$boot/uki.efi"
	rm "$boot/uki.cmdline"
	bash "$SRCDIR/tests/tools/bzimage-vmlinux.sh" "$boot/vmlinuz" "$boot/vmlinux"
}

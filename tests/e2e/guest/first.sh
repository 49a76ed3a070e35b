#!/bin/sh
# First kernel: load the capture kernel with kexec -p, optionally wait for a DIMM hot-added by the
# host over QMP (hotplug=1), then panic with sysrq-c.
#   kx_kernel=FILE   the kernel to load (default /boot/vmlinuz; /boot/vmlinuz.gz on arm64 guests)
#   kx_plan=1        print the load plan first (--dry-run), each line as "PLAN …"
#   kx_fallback=LOADER,MODE  when that load fails, load the same kernel with LOADER -p -MODE
#                    instead (a syscall the kernel has), so that the capture still runs
# The capture kernel's console is the first kernel's (console= on its command line).
. /e2e/lib.sh
kexec=$(param kx_kexec /usr/sbin/kexec)
mode=$(param kx_mode s)
# kx_corrupt=SEGMENT: the test build that corrupts SEGMENT after purgatory's digest was made
corrupt=$(param kx_corrupt '')
if [ -n "$corrupt" ]; then
	kexec=/usr/sbin/kexec-corrupt
	export KEXEC_EXT_TEST_CORRUPT=$corrupt
fi
echo "FIRST_START kver=$(uname -r) ncpus=$(grep -c ^processor /proc/cpuinfo) kexec=$kexec mode=-$mode"
ram_ranges
[ "$(param kx_snapshot 0)" = 1 ] && /e2e/snapshot.sh
kernel=$(param kx_kernel /boot/vmlinuz)
cmdline="console=$(param console ttyS0) irqpoll nr_cpus=1 reset_devices acpi_no_memhotplug panic=-1 kx_test=capture $(param kx_capture_extra '' | tr , ' ')"
if [ "$(param kx_plan 0)" = 1 ]; then
	"$kexec" -p -"$mode" --dry-run "$kernel" --initrd=/boot/capture.cpio.gz --append="$cmdline" 2>&1 |
		sed 's/^/PLAN /'
fi
t0=$(up)
# kx_kexec_extra=OPT,OPT: more kexec options for this load
# kx_image=uki: /boot/uki.efi with its own .initrd and .cmdline (tests/e2e/initramfs-images.sh);
# kx_image=vmlinux: the ELF vmlinux of the kernel
case $(param kx_image vmlinuz) in
uki) set -- /boot/uki.efi ;;
vmlinux) set -- /boot/vmlinux --initrd=/boot/capture.cpio.gz --append="$cmdline" ;;
*) set -- "$kernel" --initrd=/boot/capture.cpio.gz --append="$cmdline" ;;
esac
# shellcheck disable=SC2046 # one word per option
"$kexec" -p -"$mode" $(param kx_kexec_extra '' | tr , ' ') "$@"
rc=$?
echo "KEXEC_LOAD_RC=$rc took=$t0..$(up)"
[ "$(param kx_image vmlinuz)" = vmlinuz ] ||
	"$kexec" -p -"$mode" --dry-run "$@" | sed -n 's/^/IMAGE_PLAN /p'
echo "CRASH_LOADED=$(cat /sys/kernel/kexec_crash_loaded)"
fallback=$(param kx_fallback '')
if [ "$rc" != 0 ] && [ -n "$fallback" ]; then
	t0=$(up)
	"${fallback%,*}" -p -"${fallback#*,}" "$kernel" --initrd=/boot/capture.cpio.gz --append="$cmdline"
	echo "FALLBACK_LOAD_RC=$? loader=${fallback%,*} mode=-${fallback#*,} kernel=$kernel took=$t0..$(up)"
	echo "FALLBACK_CRASH_LOADED=$(cat /sys/kernel/kexec_crash_loaded)"
fi
for f in /sys/devices/system/memory/crash_hotplug /sys/devices/system/cpu/crash_hotplug; do
	[ -e "$f" ] && echo "CRASH_HOTPLUG $f=$(cat "$f")"
done
if [ "$(param kx_hotplug 0)" = 1 ]; then
	n0=$(mem_blocks)
	echo "READY_FOR_HOTPLUG blocks=$n0"
	i=0
	while [ "$(mem_blocks)" -le "$n0" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 3 # let the rest of the DIMM's blocks arrive
	for d in /sys/devices/system/memory/memory*; do
		[ "$(cat "$d/state")" = offline ] && echo online >"$d/state"
	done
	sleep 2
	echo "HOTPLUG_DONE blocks=$(mem_blocks) waited=${i}x0.1s"
	ram_ranges | sed 's/^/AFTER_/'
	if [ "$(param kx_unplug 0)" = 1 ]; then
		n1=$(mem_blocks)
		echo "READY_FOR_UNPLUG blocks=$n1 zones=$(cat /sys/devices/system/memory/memory*/valid_zones 2>/dev/null | sort | uniq -c | tr -s ' \n' ' ')"
		i=0
		while [ "$(mem_blocks)" -ge "$n1" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
		sleep 3
		echo "UNPLUG_DONE blocks=$(mem_blocks) waited=${i}x0.1s"
		ram_ranges | sed 's/^/UNPLUGGED_/'
	fi
fi
panic_now

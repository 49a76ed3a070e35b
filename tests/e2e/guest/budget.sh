#!/bin/sh
# First kernel: device-dump budgets against the real kernel and the real libudev.  A test config
# budgets virtio_blk (a driver this guest really has), `auto` must find the disk; a budget too large
# for the reservation is refused before the syscall while the loaded crash kernel stays; the
# capture kernel's vmcore-dd then reports expected vs found.
. /e2e/lib.sh
kexec=$(param kx_kexec /usr/sbin/kexec)
echo "FIRST_START kver=$(uname -r) ncpus=$(grep -c ^processor /proc/cpuinfo) kexec=$kexec"
ram_ranges
load_modules # virtio_blk binds the disk
echo "virtio_blk 16M" >/tmp/device-dump.conf
cmdline="console=ttyS0 irqpoll nr_cpus=1 reset_devices acpi_no_memhotplug panic=-1 kx_test=capture"
conf=--device-dump-conf=/tmp/device-dump.conf

"$kexec" -p -s "$conf" --device-dump-budget=auto --dry-run --json /boot/vmlinuz \
	--initrd=/boot/capture.cpio.gz --append="$cmdline" >/tmp/plan.json
echo "BUDGET_DRYRUN_RC=$?"
tr -d '\n' </tmp/plan.json | grep -o '"kexec_dd[^,]*' | sed 's/^/BUDGET_PLAN /'
tr -d '\n' </tmp/plan.json | grep -o 'virtio_blk[^}]*' | head -n 3 | sed 's/^/BUDGET_DEVICE /'
"$kexec" --estimate "$conf" /boot/vmlinuz --initrd=/boot/capture.cpio.gz | sed 's/^/BUDGET_ESTIMATE /'

"$kexec" -p -s "$conf" /boot/vmlinuz --initrd=/boot/capture.cpio.gz --append="$cmdline"
echo "KEXEC_LOAD_RC=$?"
echo "CRASH_LOADED=$(cat /sys/kernel/kexec_crash_loaded)"
"$kexec" -p -s --device-dump-budget=virtio_blk=512M /boot/vmlinuz --initrd=/boot/capture.cpio.gz \
	--append="$cmdline" 2>/tmp/refused.txt
echo "BUDGET_REFUSED rc=$? loaded=$(cat /sys/kernel/kexec_crash_loaded)"
sed 's/^/BUDGET_REFUSED_MSG /' /tmp/refused.txt
panic_now

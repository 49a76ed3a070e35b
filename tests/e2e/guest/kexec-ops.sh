#!/bin/sh
# First kernel: kexec-ext's loader against the real kernel — -S, --print-ckr-size and -u -p against
# sysfs, a load refused before the syscall, a load the kernel rejects (past our checks with --load-anyway)
# followed by the automatic restore — then a panic that must still be captured.
. /e2e/lib.sh
kexec=$(param kx_kexec /usr/sbin/kexec)
echo "FIRST_START kver=$(uname -r) ncpus=$(grep -c ^processor /proc/cpuinfo) kexec=$kexec"
ram_ranges
cmdline="console=ttyS0 irqpoll nr_cpus=1 reset_devices acpi_no_memhotplug panic=-1 kx_test=capture"
load() { "$kexec" -p -s /boot/vmlinuz --initrd=/boot/capture.cpio.gz --append="$cmdline" "$@"; }
load_big() { "$kexec" -p -s /boot/vmlinuz --initrd=/tmp/big.img --append="$cmdline" "$@"; }
loaded() { cat /sys/kernel/kexec_crash_loaded; }

load
echo "KEXEC_LOAD_RC=$?"
echo "CRASH_LOADED=$(loaded)"
"$kexec" -S
echo "OPS_STATUS_LOADED rc=$? sysfs=$(loaded)"
"$kexec" -S --json | tr -d '\n' | sed 's/^/OPS_STATUS_JSON /'
echo
echo "OPS_CKR_SIZE ours=$("$kexec" --print-ckr-size) sysfs=$(cat /sys/kernel/kexec_crash_size)"
"$kexec" -p -u
echo "OPS_UNLOAD rc=$? sysfs=$(loaded)"
"$kexec" -S
echo "OPS_STATUS_UNLOADED rc=$? sysfs=$(loaded)"
load
echo "OPS_RELOAD rc=$? sysfs=$(loaded)"

# an initrd that with the kernel needs more than the 256 MiB reservation (220 MiB: enough, and
# small enough that the guest, which holds it in tmpfs while the kernel reads it, does not OOM)
dd if=/dev/zero of=/tmp/big.img bs=1M count=220 2>/dev/null
load_big 2>/tmp/refused.txt
echo "OPS_REFUSED rc=$? sysfs=$(loaded)"
sed 's/^/OPS_REFUSED_MSG /' /tmp/refused.txt
load_big --load-anyway 2>/tmp/forced.txt
echo "OPS_FORCED rc=$? sysfs=$(loaded)"
sed 's/^/OPS_FORCED_MSG /' /tmp/forced.txt
rm -f /tmp/big.img

panic_now

#!/bin/sh
# First kernel: load a kernel to boot into with our kexec -l -c (kexec_load, our purgatory, the
# firmware's memory map), then kexec -e: the second kernel runs guest/second.sh.  With
# kx_mode=f: kexec -f -c, kexec-tools' load-and-boot in one command.
. /e2e/lib.sh
kexec=$(param kx_kexec /usr/sbin/kexec)
echo "FIRST_START kver=$(uname -r) ncpus=$(grep -c ^processor /proc/cpuinfo) kexec=$kexec"
if [ "$(param kx_mode e)" = f ]; then
	echo "EXEC_NOW uptime=$(up)"
	"$kexec" -f -c /boot/vmlinuz --initrd=/boot/capture.cpio.gz \
		--append="console=ttyS0 panic=-1 kx_test=second kx_from=$(uname -r)"
	echo "KEXEC_F_RETURNED rc=$? loaded=$(cat /sys/kernel/kexec_loaded)"
	exit 0
fi
"$kexec" -l -c /boot/vmlinuz --initrd=/boot/capture.cpio.gz \
	--append="console=ttyS0 panic=-1 kx_test=second kx_from=$(uname -r)"
echo "KEXEC_L_RC=$? loaded=$(cat /sys/kernel/kexec_loaded)"
"$kexec" -l -c --dry-run /boot/vmlinuz --initrd=/boot/capture.cpio.gz | sed -n 's/^entry/PLAN_ENTRY/p'
sync
echo "EXEC_NOW uptime=$(up)"
"$kexec" -e
echo "KEXEC_E_RETURNED rc=$?"

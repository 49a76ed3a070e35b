#!/bin/sh
# First kernel, kdump-tools scenarios (tests/e2e/0016, 0017): Debian's kdump-config, unchanged
# (added by tests/e2e/initramfs-kdump-tools.sh), loads the capture kernel with our kexec at
# /sbin/kexec; then a panic.  The files its package and kernel hook would have installed are set
# up first, as on a Debian machine: /etc/default/kdump-tools (the package's defaults, with
# KDUMP_CMDLINE naming the lab's capture scenario), /var/lib/kdump/initrd.img-KVER (the capture
# archive) with latest_sysctls-KVER, /boot/vmlinuz-KVER.
. /e2e/lib.sh
kexec=$(param kx_kexec /usr/sbin/kexec)
kver=$(uname -r)
echo "FIRST_START kver=$kver ncpus=$(grep -c ^processor /proc/cpuinfo) kexec=$kexec client=kdump-config"
ram_ranges
if [ ! -x /usr/sbin/kdump-config ]; then
	echo "KDUMP_TOOLS_MISSING: the archive has no kdump-config (LAB_INITRAMFS_HOOK not set)"
	exit 1
fi
ln -sf "$kexec" /sbin/kexec
ln -sf /boot/vmlinuz "/boot/vmlinuz-$kver"
mkdir -p /etc/default /var/lib/kdump
ln -sf /boot/capture.cpio.gz "/var/lib/kdump/initrd.img-$kver"
cp /etc/kdump/sysctl.conf "/var/lib/kdump/latest_sysctls-$kver"
cp /usr/share/kdump-tools/kdump-tools.conf /etc/default/kdump-tools
echo 'KDUMP_CMDLINE="console=ttyS0 acpi_no_memhotplug panic=-1 kx_test=capture"' >>/etc/default/kdump-tools
# Debian's /bin/sh is dash: kdump-config runs with it, as there
t0=$(up)
dash /usr/sbin/kdump-config load >/tmp/load.out 2>&1
rc=$?
sed 's/^/KDUMP_CONFIG_LOAD /' /tmp/load.out
echo "KEXEC_LOAD_RC=$rc took=$t0..$(up)"
echo "CRASH_LOADED=$(cat /sys/kernel/kexec_crash_loaded)"
echo "KDUMP_CONFIG_CMD $(cat /var/crash/kexec_cmd 2>/dev/null)"
dash /usr/sbin/kdump-config status 2>&1 | sed 's/^/KDUMP_CONFIG_STATUS /'
echo "PANIC_ON_OOPS=$(cat /proc/sys/kernel/panic_on_oops)"
panic_now

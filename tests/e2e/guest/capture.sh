#!/bin/sh
# Capture kernel: add the test device dumps (before anything opens /proc/vmcore: its size is fixed
# at first open), inspect /proc/vmcore with vmcore-dd in place, save it to /dev/vda.
. /e2e/lib.sh
echo "CAPTURE_START kver=$(uname -r) uptime=$(up) memtotal=$(grep MemTotal /proc/meminfo | tr -s ' ')"
echo "CAPTURE_CMDLINE $(cat /proc/cmdline)"
for m in /lib/modules/early/*.ko; do
	[ -f "$m" ] || continue
	insmod "$m"
	echo "INSMOD $m rc=$?"
done
dmesg | grep KX_VMCOREDD
echo "=== vmcore-dd --list /proc/vmcore"
vmcore-dd --list --raw --noheadings /proc/vmcore >/tmp/dd.txt
echo "INSIDE_DD_RC=$?"
sed 's/^/INSIDE_DD /' /tmp/dd.txt
if grep -q kexec_dd= /proc/cmdline; then
	echo "CAPTURE_KEXEC_DD $(grep -o 'kexec_dd=[^ ]*' /proc/cmdline)"
	vmcore-dd /proc/vmcore >/tmp/list.txt 2>/tmp/list.err
	echo "INSIDE_LIST_RC=$?"
	sed 's/^/INSIDE_LIST /' /tmp/list.txt /tmp/list.err
	vmcore-dd --expect=1 /proc/vmcore >/dev/null 2>/tmp/expect.err
	echo "INSIDE_EXPECT_RC=$?"
	sed 's/^/INSIDE_EXPECT /' /tmp/expect.err
fi
vmcore-dd --check /proc/vmcore >/tmp/check.txt
echo "INSIDE_CHECK_RC=$?"
sed 's/^/INSIDE_CHECK /' /tmp/check.txt
vmcore-dd --segments --raw --noheadings -o PADDR,PEND /proc/vmcore | sed 's/^/INSIDE_SEG /'
/usr/bin/time -f 'INSIDE_RSS_KIB %M' vmcore-dd --notes /proc/vmcore >/dev/null
if command -v vmcore-dmesg >/dev/null; then
	/usr/bin/time -f 'INSIDE_DMESG_RSS_KIB %M' vmcore-dmesg /proc/vmcore >/tmp/dmesg.txt
	echo "INSIDE_DMESG_RC=$? lines=$(wc -l </tmp/dmesg.txt) sha256=$(sha256sum </tmp/dmesg.txt | cut -d' ' -f1)"
	grep -E 'sysrq|Kernel panic' /tmp/dmesg.txt | sed 's/^/INSIDE_DMESG /'
fi
load_modules
if [ "$(param kx_save 1)" = 0 ]; then
	echo "CAPTURE: kx_save=0, vmcore not saved"
elif [ -b /dev/vda ]; then
	size=$(stat -c %s /proc/vmcore)
	echo "VMCORE_SIZE=$size"
	t0=$(up)
	dd if=/proc/vmcore of=/dev/vda bs=1M conv=fsync 2>&1 | tail -n 1
	sync
	echo "VMCORE_SAVED took=$t0..$(up)"
else
	echo "CAPTURE: no /dev/vda, vmcore not saved"
fi
echo "CAPTURE_DONE uptime=$(up)"

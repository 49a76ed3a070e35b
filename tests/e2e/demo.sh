#!/usr/bin/env bash
# The README's main job: one real kdump cycle in a QEMU VM, shown as it happens.
#   boot a kernel with crashkernel=256M → kexec -p loads the capture kernel → a 1 GiB DIMM is
#   hot-added over QMP → panic (sysrq-c) → the capture kernel saves /proc/vmcore → vmcore-dd (and
#   vmcore-dmesg) on the saved vmcore.
# Kernel: the lab's device-dump kernel (built on first use from Debian's linux-source-6.12 by
# build-ddkernel.sh in a few minutes, with a progress line every 30 s; cached after that), whose
# test driver adds device dumps in the capture kernel.  KX_DEMO_KERNEL=debian boots Debian's 6.12
# instead (no device dumps: Debian leaves CONFIG_PROC_VMCORE_DEVICE_DUMP unset).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lab.bash"
lab_init
say() { printf '\n==> %s\n' "$*"; }

choice=${KX_DEMO_KERNEL:-ddkernel}
kdir=""
case $choice in
ddkernel)
	say "device-dump kernel: building it, or reusing the cached one (a few minutes on first use)"
	kdir=$(bash "$here/build-ddkernel.sh")
	;;
debian) ;;
*) echo "demo: KX_DEMO_KERNEL=$choice: say ddkernel or debian" >&2; exit 2 ;;
esac
if [ -n "$kdir" ]; then
	kver=$(cat "$kdir/kver") kimg="$kdir/bzImage"
	mkdir -p "$LAB_OUT/ddmod" && cp "$kdir/kx_vmcoredd_test.ko" "$LAB_OUT/ddmod/"
	export LAB_EARLY="$LAB_OUT/ddmod"
	say "kernel $kver (the lab's, with CONFIG_PROC_VMCORE_DEVICE_DUMP and a test driver's device dumps)"
else
	kver=$KVER_612 kimg=/boot/vmlinuz-$KVER_612
	say "kernel $kver (Debian's; no device dumps: Debian leaves CONFIG_PROC_VMCORE_DEVICE_DUMP unset)"
fi
say "accelerator $(lab_accel); serial log: $LAB_LOGS/demo.log"

name=demo
lab_cycle "$name" "$kver" "$kimg" "kx_mode=s kx_hotplug=1" &
pid=$!
# progress: the milestones of the cycle as the serial log shows them
seen=""
while kill -0 "$pid" 2>/dev/null; do
	for m in FIRST_START KEXEC_LOAD_RC READY_FOR_HOTPLUG HOTPLUG_DONE PANIC_NOW CAPTURE_START INSIDE_DD_RC VMCORE_SAVED QEMU_EXIT; do
		case " $seen " in *" $m "*) continue ;; esac
		line=$(grep -a -m1 "$m" "$LAB_LOGS/$name.log" 2>/dev/null) || continue
		seen="$seen $m"
		echo "    $line"
	done
	sleep 1
done
wait "$pid" || true
vmcore="$LAB_OUT/$name.vmcore"
if [ ! -s "$vmcore" ]; then
	lab_fail_context "$name"
	exit 1
fi
grep -a 'INSIDE_DD ' "$LAB_LOGS/$name.log" | sed 's/^/    /' || true

say "vmcore-dd --segments $vmcore   (the DIMM is the range at 0x100000000)"
"$VMCORE_DD" --segments "$vmcore"
say "vmcore-dd --notes"
"$VMCORE_DD" --notes "$vmcore"
say "vmcore-dd --list"
"$VMCORE_DD" --list "$vmcore"
if [ -n "$kdir" ]; then
	say "vmcore-dd --extract=$LAB_OUT/demo-dumps/got, compared with what the test driver wrote"
	lab_dd_compare "$vmcore" "$LAB_OUT/demo-dumps" | sed 's/^/    /'
	[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "demo: the extracted device dumps differ" >&2; exit 1; }
fi
say "vmcore-dd --check"
"$VMCORE_DD" --check "$vmcore"
dmesg_bin="$BUILD/vmcore/vmcore-dmesg"
[ -x "$dmesg_bin" ] || dmesg_bin=/usr/sbin/vmcore-dmesg
say "$(basename "$dmesg_bin") (last lines) via $dmesg_bin"
"$dmesg_bin" "$vmcore" | tail -n 12
rm -f "$vmcore"
say "demo done in $(lab_elapsed "$name") s of VM time"

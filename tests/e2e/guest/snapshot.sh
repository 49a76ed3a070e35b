#!/bin/sh
# Print, between SNAP markers on the serial console, the /proc and /sys files kexec reads (the
# sysroot of `kexec --sysroot`), so that the host can rebuild them as a fixture
# (tests/fixtures/take-lab-snapshot.sh).  Binary /proc/kcore headers go base64-encoded.
snap_text() {
	[ -e "$1" ] || return 0
	echo "SNAP_FILE $1"
	sed 's/^/SNAP|/' "$1"
	echo "SNAP_END"
}
for f in /proc/iomem /proc/cmdline /proc/sys/kernel/osrelease /proc/sys/kernel/arch \
	/proc/sys/kernel/kexec_load_disabled /proc/sys/kernel/kexec_load_limit_panic \
	/proc/sys/kernel/kexec_load_limit_reboot /sys/kernel/kexec_loaded /sys/kernel/kexec_crash_loaded \
	/sys/kernel/kexec_crash_size /sys/kernel/vmcoreinfo /sys/kernel/crash_elfcorehdr_size \
	/sys/kernel/security/lockdown /sys/devices/system/cpu/possible /sys/devices/system/cpu/present \
	/sys/devices/system/memory/crash_hotplug /sys/devices/system/cpu/crash_hotplug; do
	snap_text "$f"
done
for c in /sys/devices/system/cpu/cpu[0-9]*; do
	snap_text "$c/crash_notes"
	snap_text "$c/crash_notes_size"
	snap_text "$c/online"
done
# the symbols kexec looks up, not all of kallsyms
grep -E ' (_text|_stext|startup_64|_end)$' /proc/kallsyms >/tmp/kallsyms
echo "SNAP_FILE /proc/kallsyms"
sed 's/^/SNAP|/' /tmp/kallsyms
echo "SNAP_END"
# /proc/kcore: the ELF header and program headers only
echo "SNAP_B64 /proc/kcore"
dd if=/proc/kcore bs=4096 count=1 2>/dev/null | base64 | sed 's/^/SNAP|/'
echo "SNAP_END"

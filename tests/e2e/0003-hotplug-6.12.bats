#!/usr/bin/env bats
# Debian 6.12, kexec_file_load: the kernel maintains the elfcorehdr across memory hotplug, so a
# 1 GiB DIMM hot-added after the load (QMP object-add + device_add pc-dimm) is in the vmcore.

load helpers

setup_file() {
	export SCENARIO=hotplug-6.12 VMCORE="$LAB_OUT/hotplug-6.12.vmcore"
	[ -n "$KVER_612" ] || skip "no Debian 6.12 kernel in /boot (apt-get install linux-image-6.12-amd64)"
	lab_cycle "$SCENARIO" "$KVER_612" "/boot/vmlinuz-$KVER_612" "kx_mode=s kx_hotplug=1" || true
}

setup() {
	export SCENARIO=hotplug-6.12 VMCORE="$LAB_OUT/hotplug-6.12.vmcore"
}

@test "6.12 hotplug: the DIMM arrived after the load and the capture still happened" {
	run -0 grep -a 'HOTPLUG_DONE' "$LAB_LOGS/$SCENARIO.log"
	# 1 GiB = 8 blocks of 128 MiB more than before
	before=$(grep -ao 'READY_FOR_HOTPLUG blocks=[0-9]*' "$LAB_LOGS/$SCENARIO.log" | cut -d= -f2)
	after=$(lab_log_value "$SCENARIO" blocks)
	[ $((after - before)) -eq 8 ]
	run -0 grep -a '"return"' "$LAB_LOGS/$SCENARIO.qmp"
	assert_loaded_and_captured
}

@test "6.12 hotplug: the kernel reports crash hotplug support for memory and CPUs" {
	run -0 grep -a 'CRASH_HOTPLUG /sys/devices/system/memory/crash_hotplug=1' "$LAB_LOGS/$SCENARIO.log"
	run -0 grep -a 'CRASH_HOTPLUG /sys/devices/system/cpu/crash_hotplug=1' "$LAB_LOGS/$SCENARIO.log"
}

@test "6.12 hotplug: --segments shows the hot-added DIMM at 4 GiB in the vmcore" {
	run -0 "$VMCORE_DD" --segments --raw --noheadings -o PADDR,PEND "$VMCORE"
	assert_line '0x100000000 0x140000000'
}

@test "6.12 hotplug: the PT_LOADs cover all RAM after the hotplug, outside the crashkernel" {
	assert_ram_covered AFTER_
}

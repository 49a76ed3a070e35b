#!/usr/bin/env bats
# virtio-mem (issue 18): a virtio-mem-pci device with nothing plugged at boot, grown to 1 GiB over
# QMP (qom-set requested-size) after the crash kernel is loaded, udevd running our rule:
#   6.1   no crash hotplug: kexec-hotplug reloads our kexec -p -c load after the burst;
#   6.12  crash hotplug: the kernel maintains the header of our kexec -p -s load, no reload.
# Either way the plugged memory ("System RAM (virtio_mem)" in /proc/iomem) is in the vmcore.

load helpers

vmem_cycle() {
	LAB_INITRAMFS_HOOK=initramfs-virtio-mem.sh lab_cycle "vmem-$1" "$2" "/boot/vmlinuz-$2" \
		"kx_mode=$3 kx_hotplug=1 kx_vmem=1 kx_add_reloads=$4 kx_test=hotplug-udev" || true
}

setup_file() {
	[ -n "$KVER_61" ] && vmem_cycle 6.1 "$KVER_61" c 1
	[ -n "$KVER_612" ] && vmem_cycle 6.12 "$KVER_612" s 0
	true
}

use() {
	export SCENARIO=vmem-$1 VMCORE="$LAB_OUT/vmem-$1.vmcore"
	[ -n "$2" ] || skip "no Debian $1 kernel in /boot"
	run -1 grep -a HPUDEV_MISSING "$LAB_LOGS/$SCENARIO.log"
}

# bytes of System RAM in the guest's RAM_RANGE lines with this prefix ("" before, AFTER_ after)
ram_total() {
	local t=0 a b
	while read -r a b; do
		t=$((t + 0x$b - 0x$a + 1))
	done < <(grep -ao "] ${1}RAM_RANGE [0-9a-f]* [0-9a-f]*" "$LAB_LOGS/$SCENARIO.log" | awk '{ print $3, $4 }')
	echo "$t"
}

# the growth arrived: 1 GiB more System RAM after it than before
assert_vmem_plugged() {
	assert_equal $(($(ram_total AFTER_) - $(ram_total ""))) $((1 << 30))
}

@test "6.1 virtio-mem: 1 GiB plugged after the load, kexec-hotplug reloaded, nothing failed" {
	use 6.1 "$KVER_61"
	run -0 grep -ao 'HPUDEV_ADD_SETTLED rc=0 .*' "$LAB_LOGS/$SCENARIO.log"
	run -0 jq -r '[.reloads >= 1, .failures, .pending] | @tsv' <<<"${output#HPUDEV_ADD_SETTLED rc=0 }"
	assert_output "true	0	0"
	assert_vmem_plugged
}

@test "6.1 virtio-mem: the capture happened and the vmcore covers the plugged memory" {
	use 6.1 "$KVER_61"
	assert_loaded_and_captured
	assert_ram_covered AFTER_
}

@test "6.12 virtio-mem: the kernel maintained the header, no reload; the vmcore covers the plugged memory" {
	use 6.12 "$KVER_612"
	run -0 grep -ao 'HPUDEV_ADD_SETTLED rc=0 .*' "$LAB_LOGS/$SCENARIO.log"
	run -0 jq -r '[.reloads, .failures, .pending] | @tsv' <<<"${output#HPUDEV_ADD_SETTLED rc=0 }"
	assert_output "0	0	0"
	assert_vmem_plugged
	assert_loaded_and_captured
	assert_ram_covered AFTER_
}

#!/usr/bin/env bats
# Issue 7 (b): Debian 6.1 (no crash hotplug), our kexec -p -c, udevd running our rule: a 1 GiB DIMM
# hot-added over QMP is reloaded by kexec-hotplug at most twice, a sampler polling
# kexec_crash_loaded reports the total time without a crash kernel, and the vmcore covers the DIMM.

load helpers

setup_file() {
	export SCENARIO=hpudev-6.1 VMCORE="$LAB_OUT/hpudev-6.1.vmcore"
	[ -n "$KVER_61" ] || skip "no Debian 6.1 kernel in /boot"
	lab_cycle "$SCENARIO" "$KVER_61" "/boot/vmlinuz-$KVER_61" "kx_mode=c kx_hotplug=1 kx_test=hotplug-udev" || true
}

setup() {
	export SCENARIO=hpudev-6.1 VMCORE="$LAB_OUT/hpudev-6.1.vmcore"
	# the lab carries the rule, the helper and the sampler: a guest without them is a failure
	run -1 grep -a HPUDEV_MISSING "$LAB_LOGS/$SCENARIO.log"
}

@test "6.1 udev: the DIMM arrived, kexec-hotplug reloaded once or twice, nothing failed" {
	run -0 grep -ao 'HPUDEV_ADD_SETTLED rc=0 .*' "$LAB_LOGS/$SCENARIO.log"
	json=${output#HPUDEV_ADD_SETTLED rc=0 }
	run -0 jq -r '[.reloads, .failures, .pending] | @tsv' <<<"$json"
	reloads=$(cut -f1 <<<"$output")
	[ "$reloads" -ge 1 ] && [ "$reloads" -le 2 ]
	assert_equal "$(cut -f2- <<<"$output")" "0	0"
}

@test "6.1 udev: the sampler saw the system loaded at the end and names the unarmed time" {
	run -0 grep -ao 'SAMPLER reads=[0-9]* zero_ms=[0-9.]* zero_runs=[0-9]* longest_zero_ms=[0-9.]* end=1' "$LAB_LOGS/$SCENARIO.log"
	echo "# $output; one load syscall by hand: $(lab_log_value "$SCENARIO" LOAD_SYSCALL_MS) ms" >&3
}

@test "6.1 udev: the capture happened and the PT_LOADs cover the hot-added DIMM" {
	assert_loaded_and_captured
	assert_ram_covered AFTER_
}

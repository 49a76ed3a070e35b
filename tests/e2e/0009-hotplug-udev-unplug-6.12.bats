#!/usr/bin/env bats
# Issue 7 (c): Debian 6.12 with crash hotplug, our kexec -p -s (the kernel maintains the header),
# udevd running our rule.  A 1 GiB DIMM hot-added (onlined movable) needs no reload; hot-removed
# again over QMP, it does: the kernel rebuilt its header at MEM_OFFLINE while the DIMM was still
# listed (see 0005) and never after remove_memory().  kexec-hotplug reloads on the memory
# "remove" event, and the capture kernel's /proc/vmcore no longer has the DIMM.

load helpers

setup_file() {
	export SCENARIO=hpudev-unplug-6.12
	[ -n "$KVER_612" ] || skip "no Debian 6.12 kernel in /boot"
	lab_cycle "$SCENARIO" "$KVER_612" "/boot/vmlinuz-$KVER_612" \
		"kx_mode=s kx_hotplug=1 kx_unplug=1 kx_add_reloads=0 kx_test=hotplug-udev memhp_default_state=online_movable kx_capture_extra=kx_save=0" || true
}

setup() {
	export SCENARIO=hpudev-unplug-6.12
	run -1 grep -a HPUDEV_MISSING "$LAB_LOGS/$SCENARIO.log"
}

@test "6.12 udev unplug: the hot-add needed no reload, the hot-remove at least one; settled, armed" {
	run -0 grep -ao 'HPUDEV_ADD_SETTLED rc=0 .*' "$LAB_LOGS/$SCENARIO.log"
	assert_equal "$(jq -r '[.reloads, .failures] | @tsv' <<<"${output#HPUDEV_ADD_SETTLED rc=0 }")" "0	0"
	# under TCG the DIMM's offline and remove events come as more than one burst (each more than
	# the quiet period after the last), and events during a reload make one more: 1 to 3 reloads
	run -0 grep -ao 'HPUDEV_REMOVE_SETTLED rc=0 .*' "$LAB_LOGS/$SCENARIO.log"
	json=${output#HPUDEV_REMOVE_SETTLED rc=0 }
	assert_equal "$(jq -r '[.reloads >= 1, .failures, .pending, .armed] | @tsv' <<<"$json")" "true	0	0	true"
	echo "# reloads after the removal: $(jq .reloads <<<"$json")" >&3
}

@test "6.12 udev unplug: the capture kernel's /proc/vmcore no longer has the removed DIMM" {
	run -0 grep -a 'INSIDE_CHECK_RC=0' "$LAB_LOGS/$SCENARIO.log"
	run -1 grep -a '] INSIDE_SEG 0x100000000 ' "$LAB_LOGS/$SCENARIO.log"
	run -0 lab_uncovered "$LAB_LOGS/$SCENARIO.log" UNPLUGGED_ -
	assert_output ""
}

@test "6.12 udev unplug: the sampler saw a crash kernel loaded at the end" {
	run -0 grep -ao 'SAMPLER reads=[0-9]* zero_ms=[0-9.]* zero_runs=[0-9]* longest_zero_ms=[0-9.]* end=1' "$LAB_LOGS/$SCENARIO.log"
	echo "# $output" >&3
}

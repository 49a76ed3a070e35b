#!/usr/bin/env bats
# The lab retries a guest whose kernel crashes before our code runs (lab_boot): here the first boot
# of the device-dump kernel is made to panic on purpose (rdinit= names no file, so the kernel finds
# no init and panics), the second boots normally and the kdump cycle completes.

load helpers

setup_file() {
	export SCENARIO=boot-retry VMCORE="$LAB_OUT/boot-retry.vmcore"
	local kdir
	kdir=$(bash "$BATS_TEST_DIRNAME/build-ddkernel.sh")
	sed -i "/^$SCENARIO: /d" "$LAB_LOGS/boot-retries" 2>/dev/null || true
	LAB_BREAK_FIRST_BOOT=rdinit=/kx-no-such-init \
		lab_cycle "$SCENARIO" "$(cat "$kdir/kver")" "$kdir/bzImage" "kx_mode=s" || true
}

setup() {
	export SCENARIO=boot-retry VMCORE="$LAB_OUT/boot-retry.vmcore"
}

@test "boot retry: the first boot panicked before the scenario and is reported with the kernel's panic line" {
	run -0 grep -a 'Kernel panic - not syncing' "$LAB_LOGS/$SCENARIO.boot1.log"
	run -1 grep -a 'SCENARIO_BEGIN' "$LAB_LOGS/$SCENARIO.boot1.log"
	run -0 grep "^$SCENARIO: boot 1 did not reach the scenario (Kernel panic - not syncing: .*); booted again$" "$LAB_LOGS/boot-retries"
	run -1 grep "^$SCENARIO: boot 2" "$LAB_LOGS/boot-retries"
}

@test "boot retry: the second boot ran the scenario to a capture" {
	assert_loaded_and_captured
	run -1 grep -a 'kx-no-such-init' "$LAB_LOGS/$SCENARIO.log"
}

#!/usr/bin/env bats
# Device-dump budgets on Debian's 6.12 with our kexec: `auto` finds the guest's virtio disk through
# the real libudev (a test config budgets virtio_blk), the budget reaches the capture kernel as
# kexec_dd=, a budget the reservation cannot hold is refused before the syscall with the loaded
# crash kernel kept, and vmcore-dd in the capture kernel reports expected vs found (Debian kernels
# add no device dumps: reported, not an error, unless --expect).

load helpers

setup_file() {
	export SCENARIO=budget-6.12 VMCORE="$LAB_OUT/budget-6.12.vmcore"
	[ -n "$KVER_612" ] || skip "no Debian 6.12 kernel in /boot"
	lab_cycle "$SCENARIO" "$KVER_612" "/boot/vmlinuz-$KVER_612" "kx_test=budget" || true
}

setup() {
	export SCENARIO=budget-6.12 VMCORE="$LAB_OUT/budget-6.12.vmcore"
}

@test "budget: auto finds the virtio disk through libudev and records kexec_dd=1:16777216" {
	run -0 grep -a 'BUDGET_DRYRUN_RC=0' "$LAB_LOGS/$SCENARIO.log"
	run -0 grep -a 'BUDGET_DEVICE virtio_blk' "$LAB_LOGS/$SCENARIO.log"
	run -0 grep -a 'BUDGET_ESTIMATE device dumps .*virtio_blk' "$LAB_LOGS/$SCENARIO.log"
	run -0 grep -a 'CAPTURE_KEXEC_DD kexec_dd=1:16777216' "$LAB_LOGS/$SCENARIO.log"
}

@test "budget: a budget the reservation cannot hold is refused before the syscall, the crash kernel stays" {
	run -0 grep -a 'KEXEC_LOAD_RC=0' "$LAB_LOGS/$SCENARIO.log"
	run -0 grep -a 'BUDGET_REFUSED rc=1 loaded=1' "$LAB_LOGS/$SCENARIO.log"
	run -0 grep -a 'BUDGET_REFUSED_MSG .*device dumps 512 \[virtio_blk .*crashkernel=' "$LAB_LOGS/$SCENARIO.log"
}

@test "budget: the capture kernel reports 1 expected, 0 found; only --expect makes it fail" {
	assert_loaded_and_captured
	run -0 grep -a 'INSIDE_LIST_RC=0' "$LAB_LOGS/$SCENARIO.log"
	run -0 grep -a 'INSIDE_LIST .*expected 1 device dump.*found 0' "$LAB_LOGS/$SCENARIO.log"
	run -0 grep -a 'INSIDE_EXPECT_RC=1' "$LAB_LOGS/$SCENARIO.log"
}

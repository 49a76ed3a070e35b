# Shared by the lab scenarios (tests/e2e/*.bats).
bats_require_minimum_version 1.5.0
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
source "$BATS_TEST_DIRNAME/lab.bash"
lab_init

# A failed test shows the end of the serial log and where the whole log is.
teardown() {
	if [ -z "${BATS_TEST_COMPLETED:-}" ] && [ -n "${SCENARIO:-}" ]; then
		lab_fail_context "$SCENARIO"
	fi
}

log() { cat "$LAB_LOGS/$SCENARIO.log"; }

# the common checks of a kdump cycle, on the serial log and the saved vmcore
assert_loaded_and_captured() {
	run -0 grep -a 'KEXEC_LOAD_RC=' "$LAB_LOGS/$SCENARIO.log"
	assert_output --partial 'KEXEC_LOAD_RC=0'
	run -0 grep -a 'CRASH_LOADED=' "$LAB_LOGS/$SCENARIO.log"
	assert_output --partial 'CRASH_LOADED=1'
	run -0 grep -a 'CAPTURE_START' "$LAB_LOGS/$SCENARIO.log"
	run -0 grep -a 'VMCORE_SAVED' "$LAB_LOGS/$SCENARIO.log"
	[ -s "$VMCORE" ]
}

# one NT_PRSTATUS per CPU of the first kernel, and VMCOREINFO naming the guest's kernel
assert_notes_match_guest() {
	local ncpus kver
	ncpus=$(lab_log_value "$SCENARIO" ncpus)
	kver=$(grep -ao 'FIRST_START kver=[^ ]*' "$LAB_LOGS/$SCENARIO.log" | head -n 1 | cut -d= -f2)
	[ -n "$ncpus" ] && [ -n "$kver" ]
	run -0 "$VMCORE_DD" --notes --json "$VMCORE"
	run -0 jq -r '[.notes[] | select(.type_name == "NT_PRSTATUS")] | length' <<<"$output"
	assert_output "$ncpus"
	run -0 "$VMCORE_DD" --notes --json "$VMCORE"
	run -0 jq -r '.notes[] | select(.type_name == "VMCOREINFO") | .osrelease' <<<"$output"
	assert_output "$kver"
}

# --segments covers all of the first kernel's RAM but the crashkernel range and [0, 1 MiB)
assert_ram_covered() {
	run -0 lab_uncovered "$LAB_LOGS/$SCENARIO.log" "${1:-}" "$VMCORE"
	assert_output ""
}

# the capture kernel's own vmcore-dd ran on /proc/vmcore and found the structure sound
assert_inside_check_ok() {
	run -0 grep -a 'INSIDE_CHECK_RC=' "$LAB_LOGS/$SCENARIO.log"
	assert_output --partial 'INSIDE_CHECK_RC=0'
	run -0 "$VMCORE_DD" --check "$VMCORE"
	assert_line --partial ': OK'
}

# our vmcore-dmesg prints exactly what Debian's (kexec-tools) prints for this real vmcore, and the
# panic is in it
assert_dmesg_matches_debian() {
	"$BUILD/vmcore/vmcore-dmesg" "$VMCORE" >"$BATS_TEST_TMPDIR/ours.txt"
	/usr/sbin/vmcore-dmesg "$VMCORE" >"$BATS_TEST_TMPDIR/debian.txt"
	cmp "$BATS_TEST_TMPDIR/ours.txt" "$BATS_TEST_TMPDIR/debian.txt"
	run -0 grep -c . "$BATS_TEST_TMPDIR/ours.txt"
	[ "$output" -gt 100 ]
	run -0 grep 'sysrq: Trigger a crash' "$BATS_TEST_TMPDIR/ours.txt"
}

# the kdump-compressed copy distributions keep (makedumpfile -l -d 31) gives the same log
assert_kdump_copy_same_dmesg() {
	makedumpfile -l -d 31 "$VMCORE" "$BATS_TEST_TMPDIR/kd" >/dev/null 2>&1
	"$BUILD/vmcore/vmcore-dmesg" "$VMCORE" >"$BATS_TEST_TMPDIR/elf.txt"
	"$BUILD/vmcore/vmcore-dmesg" "$BATS_TEST_TMPDIR/kd" >"$BATS_TEST_TMPDIR/kd.txt"
	cmp "$BATS_TEST_TMPDIR/elf.txt" "$BATS_TEST_TMPDIR/kd.txt"
	run -0 "$VMCORE_DD" --check "$BATS_TEST_TMPDIR/kd"
}

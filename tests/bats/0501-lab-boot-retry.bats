#!/usr/bin/env bats
# The lab's harness (tests/e2e/lab.bash): a guest whose kernel crashes before our code runs is an
# infrastructure failure, booted once more and reported; a failure after that point is the
# scenario's own and is never retried.  QEMU is replaced by a function that writes the serial log
# a real boot would (tests/e2e/0015 does the same with a real VM).

load helpers

setup() {
	cd "$BATS_TEST_TMPDIR"
	source "$SRCDIR/tests/e2e/lab.bash"
	LAB_LOGS=$BATS_TEST_TMPDIR/logs
	mkdir -p "$LAB_LOGS"
	echo 0 >boots
}

# fake_boot OUTCOME…: lab_boot_once writing one serial log per call, the Nth from the Nth OUTCOME:
# oops (6.12's int3 oops 2 s into boot), hang (no output, QEMU killed by the timeout), ok, late
# (a panic after SCENARIO_BEGIN); records the kernel arguments of each call
fake_boot() {
	printf '%s\n' "$@" >outcomes
	lab_boot_once() {
		local n log="$LAB_LOGS/$1.log"
		n=$(( $(cat boots) + 1 )) && echo "$n" >boots
		echo "$4" >>args
		case $(sed -n "${n}p" outcomes) in
		oops) printf '[   2.101] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI\n[   2.102] Kernel panic - not syncing: Fatal exception in interrupt\nQEMU_EXIT rc=0 accel=tcg wall=2.2\n' >"$log" ;;
		hang) printf 'QEMU_EXIT rc=124 accel=tcg wall=900.0\n' >"$log"; return 124 ;;
		ok) printf '[   1.500] SCENARIO_BEGIN test=first\n[   1.600] FIRST_START\nQEMU_EXIT rc=0 accel=tcg wall=9.0\n' >"$log" ;;
		late) printf '[   1.500] SCENARIO_BEGIN test=first\n[   3.000] Kernel panic - not syncing: ours\nQEMU_EXIT rc=0 accel=tcg wall=3.1\n' >"$log" ;;
		esac
	}
}

@test "a guest that oopses before the scenario starts is booted once more and the retry is reported with the oops line" {
	fake_boot oops ok
	run -0 lab_boot s1 6.12 vmlinuz "kx_test=first"
	assert_equal "$(cat boots)" 2
	run -0 cat "$LAB_LOGS/boot-retries"
	assert_output "s1: boot 1 did not reach the scenario (Oops: int3: 0000 [#1] PREEMPT SMP NOPTI); booted again"
	run -0 grep -c SCENARIO_BEGIN "$LAB_LOGS/s1.log"
	run -0 grep -c 'Oops: int3' "$LAB_LOGS/s1.boot1.log"
}

@test "a crash after the scenario started is the scenario's own failure: no second boot" {
	fake_boot late ok
	run -0 lab_boot s2 6.12 vmlinuz "kx_test=first"
	assert_equal "$(cat boots)" 1
	[ ! -e "$LAB_LOGS/boot-retries" ]
	[ ! -e "$LAB_LOGS/s2.boot1.log" ]
}

@test "two boots that both fail before the scenario: QEMU's status is returned and both logs are kept" {
	fake_boot hang hang
	run -124 lab_boot s3 6.12 vmlinuz "kx_test=first"
	assert_equal "$(cat boots)" 2
	run -0 cat "$LAB_LOGS/boot-retries"
	assert_line --index 0 "s3: boot 1 did not reach the scenario (no scenario start; QEMU_EXIT rc=124 accel=tcg wall=900.0); booted again"
	assert_line --index 1 --partial "s3: boot 2 did not reach the scenario either (no scenario start; QEMU_EXIT rc=124"
	[ -s "$LAB_LOGS/s3.boot1.log" ] && [ -s "$LAB_LOGS/s3.log" ]
}

@test "LAB_BREAK_FIRST_BOOT reaches the first attempt only" {
	fake_boot oops ok
	LAB_BREAK_FIRST_BOOT=rdinit=/kx-none run -0 lab_boot s4 6.12 vmlinuz "kx_test=first"
	run -0 cat args
	assert_line --index 0 "kx_test=first rdinit=/kx-none"
	assert_line --index 1 "kx_test=first"
}

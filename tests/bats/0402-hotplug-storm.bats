#!/usr/bin/env bats
# kexec-hotplug under a burst: 1000 udev events at once coalesce into at most two reloads of the
# saved load, never an unload; a worker SIGKILLed in the middle of a reload blocks nothing and
# the next event repairs the load; under systemd the worker is started with systemd-run.

load helpers
load 0400-hotplug-lib

setup() {
	cd "$BATS_TEST_TMPDIR"
	hp_env "$BATS_TEST_TMPDIR"
	bash "$MKHP" sys loaded=1
	save_record "$BATS_TEST_TMPDIR" none
}

@test "1000 concurrent events: at most 2 reloads, no unload, the saved argv, counts that add up" {
	# 1000 sanitized processes take ~12 s to start on 2 shared cores, with gaps between events
	# above a second (more while the rest of make check runs): the quiet period must outlast the
	# gaps of the burst it coalesces
	printf 'quiet_ms = 5000\nmax_settle_ms = 120000\nspawn = fork\n' >hotplug.conf
	export KX_STANDIN_SLEEP=0.2
	for i in $(seq 1000); do
		if ((i % 2)); then event online memory & else event add cpu & fi
	done
	wait
	wait_idle 60
	run -0 wc -l <kexec.log
	[ "$output" -ge 1 ] && [ "$output" -le 2 ]
	run grep -c -- ' -u' kexec.log
	assert_output 0
	assert_equal "$(tail -n 1 kexec.log | sed 's/^pid=[0-9]* ppid=[0-9]* //')" "cwd=$BATS_TEST_TMPDIR argv=${SAVED_ARGS[*]}"
	assert_equal "$(cat sys/sys/kernel/kexec_crash_loaded)" 1
	run -0 "$HP" status --json
	jq -e . <<<"$output" >/dev/null
	assert_equal "$(jq -c '[.events, .ignored, .failures, .pending, .mode]' <<<"$output")" '[1000,0,0,0,"udev reload"]'
	assert_equal "$(jq .reloads <<<"$output")" "$(wc -l <kexec.log)"
	assert_equal "$(jq -r .last_reload.duration_ms <<<"$output" | awk '{ print ($1 >= 200 && $1 < 5000) }')" 1
}

@test "a worker SIGKILLed mid-reload leaves no lock behind; the next event reloads (repair)" {
	KX_STANDIN_SLEEP=30 event online memory
	for i in $(seq 200); do [ -s kexec.log ] && break; sleep 0.05; done
	run -0 cat kexec.log
	standin=$(sed 's/^pid=\([0-9]*\).*/\1/' kexec.log)
	worker=$(sed 's/^pid=[0-9]* ppid=\([0-9]*\).*/\1/' kexec.log)
	worker_holds_lock
	kill -KILL "$worker" "$standin"
	# the kernel had dropped the old image when the load was cut short
	assert_equal "$(cat sys/sys/kernel/kexec_crash_loaded)" 0
	for i in $(seq 100); do worker_holds_lock || break; sleep 0.05; done
	run -1 worker_holds_lock
	event online memory
	wait_idle
	assert_equal "$(wc -l <kexec.log)" 2
	assert_equal "$(cat sys/sys/kernel/kexec_crash_loaded)" 1
	run -0 "$HP" status --json
	assert_equal "$(jq -c '[.events, .reloads, .pending]' <<<"$output")" "[2,1,0]"
	assert_equal "$(jq -r .last_reason <<<"$output")" "a load is recorded but no crash kernel is loaded (a reload was cut short): reloading it"
}

@test "when systemd-run fails the worker is started as a detached child, with a warning" {
	printf '#!/bin/sh\nexit 1\n' >failing-systemd-run
	chmod +x failing-systemd-run
	printf 'quiet_ms = 50\nspawn = systemd\nsystemd_run = %s\n' "$BATS_TEST_TMPDIR/failing-systemd-run" >hotplug.conf
	# -v: what goes to syslog is on stderr too
	run -0 env ACTION=add SUBSYSTEM=cpu DEVPATH=/devices/system/cpu/cpu0 "$HP" -v
	assert_output --partial "$BATS_TEST_TMPDIR/failing-systemd-run $HP worker exited 1: starting the worker as a detached child instead"
	wait_idle
	assert_equal "$(wc -l <kexec.log)" 1
	printf 'systemd_run = systemd-run\n' >hotplug.conf
	run -0 "$HP" -v status
	assert_line --index 0 --partial "line 1: systemd_run = systemd-run: expected an absolute path"
}

@test "the worker holds the state lock from reading the saved load to the end of its reload" {
	export KX_STANDIN_LOCKS=$BATS_TEST_TMPDIR/locks
	event online memory
	wait_idle
	run cat locks
	assert_output "KEXEC_EXT_LOCK_HELD=1 state-lock=held"
	# and lets go of it: an admin's kexec is not kept waiting
	flock -n state/lock true
}

@test "events during a reload make exactly one more settled reload" {
	KX_STANDIN_SLEEP=1 event online memory
	for i in $(seq 200); do [ -s kexec.log ] && break; sleep 0.05; done
	for i in $(seq 20); do event online memory & done
	wait
	wait_idle
	assert_equal "$(wc -l <kexec.log)" 2
	assert_equal "$(status_field reloads)" 2
	assert_equal "$(status_field events)" 21
}

@test "under systemd the worker is started by systemd-run --no-block with our environment" {
	mkdir bin
	cat >bin/systemd-run <<-'EOF'
	#!/bin/bash
	echo "$*" >>"$KX_SYSTEMD_RUN_LOG"
	# what systemd would do: run the last two arguments (program, "worker") as a service
	n=$#
	setsid "${@:n-1}" </dev/null >/dev/null 2>&1 &
	EOF
	chmod +x bin/systemd-run
	export KX_SYSTEMD_RUN_LOG=$BATS_TEST_TMPDIR/systemd-run.log
	printf 'quiet_ms = 50\nspawn = systemd\nsystemd_run = %s\n' "$BATS_TEST_TMPDIR/bin/systemd-run" >hotplug.conf
	# by its absolute path: udev's PATH need not have it
	PATH=/usr/bin:/bin event add cpu
	wait_idle
	run -0 cat systemd-run.log
	assert_output --partial "--no-block --collect --quiet"
	assert_output --partial "--setenv=KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state"
	assert_output --partial "--setenv=KEXEC_HOTPLUG_KEXEC=$BATS_TEST_TMPDIR/kexec"
	assert_output --regexp "kexec-hotplug worker$"
	assert_equal "$(wc -l <kexec.log)" 1
}

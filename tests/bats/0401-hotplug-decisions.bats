#!/usr/bin/env bats
# kexec-hotplug's decision list (DESIGN.md), one row per line: a sysroot fixture, a saved load in
# the given mode, one udev event; the stand-in kexec records whether the saved load was reloaded,
# fadump's `registered` whether it was re-registered, and `status` says why.

load helpers
load 0400-hotplug-lib

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# run_row SYSROOT RECORD ACTION SUBSYSTEM: one event against a fresh fixture in ./row
run_row() {
	local d=$BATS_TEST_TMPDIR/row
	rm -rf "$d"
	hp_env "$d"
	# shellcheck disable=SC2086
	bash "$MKHP" "$d/sys" $1
	[ -e "$d/sys/sys/kernel/fadump/registered" ] && touch -d 2000-01-01 "$d/sys/sys/kernel/fadump/registered"
	local rec=${2% cut}
	[ "$rec" = - ] || save_record "$d" $rec
	# "… cut": the load-in-progress marker a load cut short leaves (lib/state.h)
	[ "$rec" = "$2" ] || echo "pid 1 time 1732147200 by kexec" >"$d/state/load-in-progress"
	event "$3" "$4"
	wait_idle
}

# what happened in the row: reload / reregister / ignore, and the status' last reason
outcome() {
	local d=$BATS_TEST_TMPDIR/row reg=$BATS_TEST_TMPDIR/row/sys/sys/kernel/fadump/registered
	if [ -s "$d/kexec.log" ]; then
		echo reload
	elif [ -e "$reg" ] && [ "$(stat -c %Y "$reg")" -gt 946771200 ]; then
		echo "reregister $(cat "$reg")"
	else
		echo ignore
	fi
}

@test "every row of the decision list gives its action and says why in status" {
	while IFS='|' read -r sysroot record ev expect reason; do
		# shellcheck disable=SC2086
		run_row "$sysroot" "$record" $ev
		got=$(outcome)
		why=$(status_field last_reason)
		if [ "$got" != "$expect" ] || [[ $why != *"$reason"* ]]; then
			echo "row [$sysroot|$record|$ev]: got '$got' ($why), expected '$expect' ($reason)"
			return 1
		fi
		if [ "$got" = reload ]; then
			# the saved argv with the installed kexec, in the saved cwd, exactly once
			assert_equal "$(cat row/kexec.log | sed 's/^pid=[0-9]* ppid=[0-9]* //')" \
				"cwd=$BATS_TEST_TMPDIR/row argv=${SAVED_ARGS[*]}"
		fi
	done <<-'EOF'
	loaded=0|-|online memory|ignore|nothing is loaded or registered
	loaded=0 mem_hp=1 cpu_hp=1|-|add cpu|ignore|nothing is loaded or registered
	loaded=0 fadump_enabled=1 fadump_registered=1 fadump_ready=1|-|online memory|ignore|fadump: the capture kernel builds the elfcorehdr (hotplug_ready 1)
	loaded=0 fadump_enabled=1 fadump_registered=1 fadump_ready=0|-|offline memory|reregister 1|fadump without hotplug_ready: re-registering
	loaded=0 fadump_enabled=1 fadump_registered=1|-|add cpu|reregister 1|fadump without hotplug_ready: re-registering
	loaded=0 fadump_enabled=1 fadump_registered=0|-|online memory|ignore|nothing is loaded or registered
	loaded=0 dump_type=fcp arch=s390x|-|online memory|ignore|s390 stand-alone dump: the header is built at dump time
	loaded=1 arch=s390x|none|online memory|ignore|s390: the capture kernel builds the elfcorehdr
	loaded=1 mem_hp=1 cpu_hp=1|kernel|online memory|ignore|memory crash_hotplug 1: the kernel updates the header
	loaded=1 mem_hp=1 cpu_hp=1|kernel|add cpu|ignore|cpu crash_hotplug 1: the kernel updates the header
	loaded=1 mem_hp=1 cpu_hp=1|kernel|remove cpu|ignore|cpu crash_hotplug 1: the kernel updates the header
	loaded=1 mem_hp=1 cpu_hp=1|kernel|remove memory|reload|memory remove: the kernel's header still lists the range after removal; reloading
	loaded=1 mem_hp=1 cpu_hp=1|kernel|offline memory|reload|memory offline: the kernel's header still lists the range after removal; reloading
	loaded=1 mem_hp=0 cpu_hp=0|kernel|online memory|reload|memory crash_hotplug reads 0 (after 5 re-reads): the kernel does not update this image's header; reloading
	loaded=1|kernel|online memory|reload|no memory crash_hotplug: the kernel does not update the header; reloading
	loaded=1|old|online memory|reload|no memory crash_hotplug: the kernel does not update the header; reloading
	loaded=1 mem_hp=1 cpu_hp=1|old|online memory|ignore|memory crash_hotplug 1: the kernel updates the header
	loaded=1 mem_hp=1 cpu_hp=1|fallback|online memory|reload|saved load in fallback mode: reloading
	loaded=1 mem_hp=1 cpu_hp=1|none|add cpu|reload|saved load in none mode: reloading
	loaded=1 mem_hp=1 cpu_hp=1|old kexec_load 0x3e0001|online memory|reload|saved load in kexec_load mode: reloading
	loaded=1 mem_hp=1 cpu_hp=1|old kexec_load 0x3e0005|online memory|ignore|memory crash_hotplug 1: the kernel updates the header
	loaded=0 mem_hp=1 cpu_hp=1|kernel cut|online memory|reload|a load is recorded but no crash kernel is loaded (a reload was cut short): reloading it
	loaded=0 mem_hp=1 cpu_hp=1|kernel|online memory|ignore|no load was cut short: it was unloaded on purpose
	EOF
}

@test "a crash_hotplug that reads 0 once (kexec lock busy) and then 1 is re-read, not reloaded" {
	hp_env "$BATS_TEST_TMPDIR/row"
	bash "$MKHP" row/sys loaded=1 mem_hp=fifo cpu_hp=1
	save_record row kernel
	# the kernel's answers, one per read: busy, then the truth
	# (the pause keeps the two answers out of one read of the pipe; the re-reads wait up to 2 s)
	printf 'rereads = 100\nreread_ms = 20\n' >>row/hotplug.conf
	{ echo 0 >row/sys/sys/devices/system/memory/crash_hotplug; sleep 0.5; echo 1 >row/sys/sys/devices/system/memory/crash_hotplug; } &
	feeder=$!
	event online memory
	# status reads the file too: wait for the worker's two reads, then make it a plain file
	timeout 20 tail --pid=$feeder -f /dev/null
	rm row/sys/sys/devices/system/memory/crash_hotplug
	echo 1 >row/sys/sys/devices/system/memory/crash_hotplug
	wait_idle
	assert_equal "$(cat row/kexec.log)" ""
	assert_equal "$(status_field last_reason)" "memory crash_hotplug 1: the kernel updates the header"
	assert_equal "$(status_field ignored)" 1
}

@test "a synthetic event (coldplug, udevadm trigger) is ignored at once, without a worker" {
	hp_env "$BATS_TEST_TMPDIR/row"
	bash "$MKHP" row/sys loaded=1
	save_record row none
	SYNTH_UUID=0 event online memory
	[ ! -e row/state/hotplug.worker.lock ]
	run -0 "$HP" status --json
	assert_equal "$(jq -r .last_reason <<<"$output")" "synthetic event (SYNTH_UUID: boot coldplug or udevadm trigger)"
	assert_equal "$(jq -c '[.events, .ignored, .reloads, .pending]' <<<"$output")" "[1,1,0,0]"
	assert_equal "$(cat row/kexec.log)" ""
}

@test "a crash kernel loaded without a record is reported stale, counted as a failure" {
	hp_env "$BATS_TEST_TMPDIR/row"
	bash "$MKHP" row/sys loaded=1 mem_hp=0
	event online memory
	wait_idle
	run -0 "$HP" status
	assert_line "mode:         loaded without a record"
	assert_line "failures:     1"
	assert_line "last error:   the crash kernel was loaded without a kexec-ext record: its elfcorehdr is stale and cannot be reloaded; load it with kexec -p"
	assert_equal "$(cat row/kexec.log)" ""
}

@test "a reload the kernel rejects is a failure with kexec's own words; the next burst retries" {
	hp_env "$BATS_TEST_TMPDIR/row"
	bash "$MKHP" row/sys loaded=1
	save_record row none
	KX_STANDIN_RC=1 event add cpu
	wait_idle
	run -0 "$HP" status --json
	assert_equal "$(jq -c '[.events, .reloads, .failures]' <<<"$output")" "[1,0,1]"
	assert_equal "$(jq -r .last_error <<<"$output")" "$BATS_TEST_TMPDIR/row/kexec exited 1: kexec: standin failure"
	# tried three times (again after 1 s and 3 s), then left to the next event or check
	assert_equal "$(wc -l <row/kexec.log)" 3
	event add cpu
	wait_idle
	assert_equal "$(status_field reloads)" 1
	assert_equal "$(wc -l <row/kexec.log)" 4
}

@test "an unreadable hotplug.status is moved aside, not left to stop every later reload" {
	hp_env "$BATS_TEST_TMPDIR/row"
	bash "$MKHP" row/sys loaded=1
	save_record row none
	printf 'version 7\ngarbage\n' >row/state/hotplug.status
	event add cpu
	wait_idle
	assert_equal "$(wc -l <row/kexec.log)" 1
	assert_equal "$(cat row/state/hotplug.status.bad)" "version 7
garbage"
	run -0 "$HP" status --json
	assert_equal "$(jq -c '[.events, .reloads]' <<<"$output")" "[1,1]"
	assert_equal "$(jq -r .last_error <<<"$output")" "$BATS_TEST_TMPDIR/row/state/hotplug.status: line 1: status version is not 1: moved to hotplug.status.bad, counters started afresh"
}

@test "a saved load another user could have written is not replayed as root" {
	hp_env "$BATS_TEST_TMPDIR/row"
	bash "$MKHP" row/sys loaded=1
	save_record row none
	chmod 0666 row/state/crash-load
	event add cpu
	wait_idle
	assert_equal "$(cat row/kexec.log)" ""
	run -0 --separate-stderr "$HP" status
	assert_equal "$stderr" "kexec-hotplug: warning: $BATS_TEST_TMPDIR/row/state/crash-load is writable by group or others (mode 0666): another user could have written it; chmod go-w it or remove it"
	chmod 0644 row/state/crash-load
	chown nobody row/state/crash-load
	event add cpu
	wait_idle
	assert_equal "$(cat row/kexec.log)" ""
	run -0 --separate-stderr "$HP" status
	[[ $stderr == *"crash-load belongs to uid $(id -u nobody), neither this user nor root"* ]]
	chown root row/state/crash-load
	event add cpu
	wait_idle
	assert_equal "$(wc -l <row/kexec.log)" 1
}

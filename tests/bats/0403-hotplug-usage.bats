#!/usr/bin/env bats
# kexec-hotplug's command line, its status output, and the udev rule as built and installed.

load helpers
load 0400-hotplug-lib

setup() {
	cd "$BATS_TEST_TMPDIR"
	hp_env "$BATS_TEST_TMPDIR"
}

@test "without an event or a command it says how it is meant to be run" {
	unset ACTION
	run -2 "$HP"
	assert_output "kexec-hotplug: no ACTION in the environment: udev runs this with an event (see kexec-hotplug(8)); try 'kexec-hotplug status'
Try 'kexec-hotplug --help' for more information."
	run -2 "$HP" reload
	assert_line --index 0 "kexec-hotplug: unknown command 'reload' (worker, status or check)"
	run -2 "$HP" worker --json
	assert_line --index 0 "kexec-hotplug: --json goes with status"
	run -0 "$HP" --help
	assert_line --index 0 "Usage:"
}

@test "status on a fresh system: nothing loaded, every counter 0, valid JSON" {
	bash "$MKHP" sys loaded=0
	run -0 "$HP" status
	assert_output "mode:         nothing loaded
armed:        no: nothing is loaded or registered
saved load:   none
events:       0
ignored:      0
reloads:      0
re-registers: 0
failures:     0
pending:      0
last reload:  never
last reason:  -
last error:   -"
	run -0 "$HP" status --json
	assert_equal "$(jq -c . <<<"$output")" '{"mode":"nothing loaded","armed":false,"armed_text":"no: nothing is loaded or registered","freshness":null,"saved_load":null,"events":0,"ignored":0,"reloads":0,"reregisters":0,"failures":0,"pending":0,"last_reload":null,"last_reason":null,"last_error":null}'
}

@test "a bad configuration line is reported with its line and the defaults are used" {
	printf 'quiet_ms = 50\nquiet = 3\n' >hotplug.conf
	bash "$MKHP" sys loaded=0
	run -0 "$HP" -v status
	assert_line --index 0 "kexec-hotplug: $BATS_TEST_TMPDIR/hotplug.conf: line 2: unknown setting \"quiet\" (known: quiet_ms, max_settle_ms, spawn, systemd_run, rereads, reread_ms); defaults used"
	KEXEC_HOTPLUG_QUIET_MS=soon run -0 "$HP" -v status
	assert_line --index 1 "kexec-hotplug: KEXEC_HOTPLUG_QUIET_MS: quiet_ms = soon: expected a whole number no larger than 600000; ignored"
}

@test "a corrupt status file is named with its line, in text and in JSON" {
	bash "$MKHP" sys loaded=0
	mkdir -p state
	printf 'version 1\nevents many\n' >state/hotplug.status
	run -1 --separate-stderr "$HP" status --json
	msg="$BATS_TEST_TMPDIR/state/hotplug.status: line 2: events: not a number; remove it to start the counters afresh"
	assert_equal "$(jq -r .error.message <<<"$output")" "$msg"
	assert_equal "$stderr" "kexec-hotplug: $msg"
}

@test "the rule runs the installed helper for real memory and cpu events only, and installs to udevdir" {
	B=${BUILD:-$SRCDIR/build}
	libexec=$(sed -n 's/^libexecdir *= *//p' "$B/Makefile")
	udevdir=$(sed -n 's/^udevdir *= *//p' "$B/Makefile")
	prefix=$(sed -n 's/^prefix *= *//p' "$B/Makefile")
	libexec=${libexec//'${exec_prefix}'/$prefix}
	run -0 grep -v '^#' "$B/udev/98-kexec-hotplug.rules"
	assert_output "SUBSYSTEM!=\"memory|cpu\", GOTO=\"kexec_hotplug_end\"
ENV{SYNTH_UUID}==\"?*\", GOTO=\"kexec_hotplug_end\"
SUBSYSTEM==\"memory\", ACTION==\"online|offline|remove\", RUN+=\"$libexec/kexec-ext/kexec-hotplug\"
SUBSYSTEM==\"cpu\", ACTION==\"add|remove|online|offline\", RUN+=\"$libexec/kexec-ext/kexec-hotplug\"
LABEL=\"kexec_hotplug_end\""
	make -s -C "$B" install-udev-rules DESTDIR="$BATS_TEST_TMPDIR/inst" >/dev/null
	cmp "$B/udev/98-kexec-hotplug.rules" "inst$udevdir/rules.d/98-kexec-hotplug.rules"
	make -s -C "$B" uninstall-udev-rules DESTDIR="$BATS_TEST_TMPDIR/inst" >/dev/null
	[ ! -e "inst$udevdir/rules.d/98-kexec-hotplug.rules" ]
	# installed with another prefix than configured: the rule names where the helper really is
	make -s -C "$B" install-udev-rules DESTDIR="$BATS_TEST_TMPDIR/inst2" prefix=/usr >/dev/null
	run -0 grep -c 'RUN+="/usr/libexec/kexec-ext/kexec-hotplug"' "inst2$udevdir/rules.d/98-kexec-hotplug.rules"
	assert_output 2
}

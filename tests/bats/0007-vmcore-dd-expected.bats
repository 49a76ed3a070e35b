#!/usr/bin/env bats
# vmcore-dd --list in the capture kernel: expected device dumps (kexec_dd=COUNT:BYTES, which
# kexec -p puts on the capture command line) against the ones found, with a fake /proc/cmdline
# (--sysroot) and synthetic vmcores.

load helpers

setup() {
	cd "$BATS_TEST_TMPDIR"
	mkdir -p sys/proc
	# two cxgb4 adapters budgeted at 32 MiB each
	echo "BOOT_IMAGE=/vmlinuz console=ttyS0 irqpoll nr_cpus=1 reset_devices kexec_dd=2:67108864 elfcorehdr=0x2b000000" >sys/proc/cmdline
}

@test "both budgeted dumps found: the footer says so, no warning" {
	mkcore c --dd='cxgb4_0000:02:00.4,100000' --dd='cxgb4_0000:03:00.4,4032'
	run -0 --separate-stderr vdd --sysroot=sys c
	cat >expected <<-'END'
	INDEX NAME                       SIZE     OFFSET
	    0 cxgb4_0000:02:00.4       102336     0x1040
	    1 cxgb4_0000:03:00.4         4032    0x1a040
	expected 2 device dumps in 67108864 bytes (kexec_dd=2:67108864), found 2 (106368 bytes)
	END
	assert_output_file expected
	[ -z "$stderr" ]
}

@test "a budgeted dump that is missing is a warning, exit 0" {
	mkcore c --dd='cxgb4_0000:02:00.4,4032'
	run -0 --separate-stderr vdd --sysroot=sys c
	assert_line --index 2 "expected 2 device dumps in 67108864 bytes (kexec_dd=2:67108864), found 1 (4032 bytes)"
	[ "$stderr" = "vmcore-dd: warning: 2 device dumps budgeted at load time, 1 found: a driver did not write its dump (or the capture kernel has novmcoredd, or no CONFIG_PROC_VMCORE_DEVICE_DUMP)" ]
}

@test "--expect=N makes a missing dump exit 1; enough dumps exit 0" {
	mkcore c --dd='cxgb4_0000:02:00.4,4032'
	run -1 --separate-stderr vdd --sysroot=sys --expect=2 c
	[ "$stderr" = "vmcore-dd: c: expected at least 2 device dumps (--expect), found 1" ]
	run -0 vdd --sysroot=sys --expect=1 c
	# without any kexec_dd= (a saved dump, no --sysroot), --expect alone decides
	run -1 vdd --expect=3 c
	run -0 vdd --expect=0 c
	run -2 vdd --expect=two c
	assert_line --index 0 "vmcore-dd: --expect=two: not a number of device dumps"
	run -2 vdd --notes --expect=1 c
	assert_line --index 0 "vmcore-dd: --expect only applies to --list"
}

@test "dumps larger than the budget are a warning" {
	echo "kexec_dd=1:4096" >sys/proc/cmdline
	mkcore c --dd='cxgb4_0000:02:00.4,100000'
	run -0 --separate-stderr vdd --sysroot=sys c
	[ "$stderr" = "vmcore-dd: warning: the device dumps take 102336 bytes, more than the 4096 budgeted at load time: raise the budget (kexec --device-dump-budget, /etc/kexec/device-dump.conf)" ]
}

@test "JSON: an expected member with count, bytes, found, missing, over_budget" {
	mkcore c --dd='cxgb4_0000:02:00.4,4032'
	run -0 --separate-stderr vdd --sysroot=sys --json c
	cat >expected <<-'END'
	{
	   "vmcore": "c",
	   "device_dumps": [
	      {"index": 0, "name": "cxgb4_0000:02:00.4", "size": 4032, "offset": 4160}
	   ],
	   "expected": {
	      "count": 2,
	      "bytes": 67108864,
	      "from": "kexec_dd",
	      "found": 1,
	      "found_bytes": 4032,
	      "missing": true,
	      "over_budget": false
	   }
	}
	END
	assert_output_file expected
	python3 -m json.tool <<<"$output" >/dev/null
}

@test "no kexec_dd= (a Debian capture kernel, budget none): expected nothing, found 0, exit 0" {
	echo "console=ttyS0 irqpoll" >sys/proc/cmdline
	mkcore c --prstatus=1,11
	run -0 --separate-stderr vdd --sysroot=sys c
	assert_line "expected nothing (no kexec_dd= on the command line), found 0 (0 bytes)"
	[ -z "$stderr" ]
	run -0 vdd --sysroot=sys --json c
	assert_line --partial '"count": null'
}

@test "--sysroot alone reads DIR/proc/vmcore; a malformed kexec_dd= is ignored with a warning" {
	echo "kexec_dd=2" >sys/proc/cmdline
	mkcore sys/proc/vmcore --dd='x,10'
	run -0 --separate-stderr vdd --sysroot=sys
	assert_line --index 1 --partial "    0 x"
	assert_line --index 2 "expected nothing (no kexec_dd= on the command line), found 1 (4032 bytes)"
	[ "$stderr" = "vmcore-dd: warning: ignoring a malformed kexec_dd= on the command line (expected kexec_dd=COUNT:BYTES)" ]
}

@test "a saved dump without --sysroot has no footer (the running system's cmdline is not its own)" {
	mkcore c --dd='x,10'
	run -0 vdd c
	refute_output --partial "expected"
}

#!/usr/bin/env bats
# kexec -c: a segment corrupted after the digest was computed (the test build
# tests/tools/kexec-corrupt flips one byte of the initrd on its way to kexec_load) is caught by our
# purgatory on the panic: it prints the mismatch on the serial console and halts instead of
# starting the capture kernel.  The load names the port and has purgatory program it first
# (--serial=ttyS0 --serial-baud=115200, kexec-tools' options), so the line shows that path works.

load helpers

setup_file() {
	export SCENARIO=kload-corrupt
	[ -n "$KVER_61" ] || skip "no Debian 6.1 kernel in /boot (apt-get install linux-image-amd64)"
	local sock="$LAB_OUT/$SCENARIO.qmp.sock"
	rm -f "$sock"
	LAB_QMP=$sock KX_LAB_TIMEOUT=400 lab_boot "$SCENARIO" "$KVER_61" "/boot/vmlinuz-$KVER_61" \
		"crashkernel=256M kx_test=first kx_mode=c kx_corrupt=initrd kx_kexec_extra=--serial=ttyS0,--serial-baud=115200" &
	local pid=$!
	# purgatory halts: once it has spoken (or nothing came), stop QEMU
	lab_wait_log "$SCENARIO" 'kexec-ext purgatory:' 300 || true
	sleep 1
	lab_qmp "$sock" '{"execute": "quit"}' >/dev/null 2>&1 || true
	wait "$pid" || true
}

setup() {
	export SCENARIO=kload-corrupt
}

@test "corrupt -c: the test build loaded the crash kernel with a corrupted initrd" {
	run -0 grep -a 'mode=-c' "$LAB_LOGS/$SCENARIO.log"
	run -0 grep -a 'KEXEC_LOAD_RC=0' "$LAB_LOGS/$SCENARIO.log"
	run -0 grep -a 'CRASH_LOADED=1' "$LAB_LOGS/$SCENARIO.log"
	run -0 grep -a 'PANIC_NOW' "$LAB_LOGS/$SCENARIO.log"
}

@test "corrupt -c: purgatory names the segment whose digest does not match and starts nothing" {
	run -0 grep -a 'kexec-ext purgatory: segment digest mismatch' "$LAB_LOGS/$SCENARIO.log"
	# the initrd is the second segment (index 1) of the load
	assert_output --partial 'region 1'
	# no second kernel: after the panic, no kernel banner and no capture
	run -1 sh -c "sed -n '/PANIC_NOW/,\$p' '$LAB_LOGS/$SCENARIO.log' | grep -a 'Linux version'"
	run -1 grep -a 'VMCORE_SAVED' "$LAB_LOGS/$SCENARIO.log"
}

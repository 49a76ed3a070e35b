#!/usr/bin/env bats
# A crashkernel reservation too small for the load plus its device-dump budgets is refused
# before any syscall, naming every term, each budgeted device and the crashkernel= that fits;
# the crash kernel loaded before stays loaded; --load-anyway loads with a warning.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { umockdev-run --device "$BATS_TEST_TMPDIR/devices" -- "$KEXEC" "$@"; }

REFUSAL="the crash kernel reservation is 256 MiB but this load needs 335.6 MiB (kernel 63.5 + initrd 40 + initrd unpacked 40 + boot data 0.1 + runtime 64 + device dumps 128 [cxgb4 0000:02:00.4 32, cxgb4 0000:03:00.4 32, cxgb4 0000:04:00.4 32, cxgb4 0000:05:00.4 32]); boot with crashkernel=352M, or pass a smaller --device-dump-budget= (none: no budget), or --load-anyway to load all the same"

setup() {
	command -v umockdev-run >/dev/null || skip "umockdev-run is not installed (apt-get install umockdev)"
	cd "$BATS_TEST_TMPDIR"
	# under umockdev's preload, ASan must not insist on coming first, and a sanitizer log_path
	# crashes at start-up: reports go to stderr instead (and still fail the test: exitcode)
	ASAN_OPTIONS=$(sed -E 's/(^|:)log_path=[^:]*//' <<<"${ASAN_OPTIONS:-}")
	UBSAN_OPTIONS=$(sed -E 's/(^|:)log_path=[^:]*//' <<<"${UBSAN_OPTIONS:-}")
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" UBSAN_OPTIONS
	export KEXEC_EXT_FAKE_SYSCALL=$BATS_TEST_TMPDIR/syscalls KEXEC_STATE_DIR=$BATS_TEST_TMPDIR/state
	export KEXEC_DEVICE_DUMP_CONF=$SRCDIR/kexec/device-dump.conf
	bash "$SRCDIR/tests/fixtures/mk-umockdev-devices.sh" devices cxgb4=4 virtio e1000e
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" qemu-1g-6.1 sys
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" vmlinuz
	truncate -s 40M initrd.img
	D=$BATS_TEST_TMPDIR
}

@test "four cxgb4 adapters in 256 MiB: refused with every term, each adapter and crashkernel=352M" {
	run -1 kx -p --sysroot=sys vmlinuz --initrd=initrd.img --append=irqpoll
	assert_output "kexec: $REFUSAL"
	[ ! -e syscalls ]
}

@test "the crash kernel loaded before stays loaded when the budget refuses a load" {
	run -0 kx -p --sysroot=sys vmlinuz --initrd=initrd.img --append=old --device-dump-budget=none
	[ "$(cat sys/sys/kernel/kexec_crash_loaded)" = 1 ]
	run -1 kx -p --sysroot=sys vmlinuz --initrd=initrd.img --append=new
	assert_output "kexec: $REFUSAL"
	assert_equal "$(cat syscalls)" "kexec_file_load kernel=$D/vmlinuz initrd=$D/initrd.img cmdline_len=4 flags=0x2 cmdline=old -> 0"
	[ "$(cat sys/sys/kernel/kexec_crash_loaded)" = 1 ]
	grep -qx 'cmdline old' state/crash-load
}

@test "--dry-run shows the refusal in the plan and the JSON, and exits 1" {
	run -1 --separate-stderr kx -p --dry-run --sysroot=sys vmlinuz --initrd=initrd.img
	assert_line "memory model  335.6 MiB needed of 256 MiB reserved (TOO SMALL): kernel 63.5 MiB + initrd 40 MiB + initrd unpacked 40 MiB + boot data 36 KiB + runtime 64 MiB + device dumps 128 MiB; crashkernel=352M fits"
	assert_line "refused       $REFUSAL"
	run -1 --separate-stderr kx -p --dry-run --json --sysroot=sys vmlinuz --initrd=initrd.img
	assert_line '      "fits": false,'
	assert_line '      "recommended_crashkernel": "352M"'
	assert_line "      \"message\": \"$REFUSAL\","
}

@test "--load-anyway loads all the same, with a warning, and records the budget on the command line" {
	run -0 --separate-stderr kx -p --load-anyway --sysroot=sys vmlinuz --initrd=initrd.img --append=irqpoll
	[ "$stderr" = "kexec: warning: --load-anyway: loading although $REFUSAL" ]
	assert_equal "$(cat syscalls)" "kexec_file_load kernel=$D/vmlinuz initrd=$D/initrd.img cmdline_len=29 flags=0x2 cmdline=irqpoll kexec_dd=4:134217728 -> 0"
}

@test "a smaller budget fits: one adapter by address" {
	run -0 kx -p --sysroot=sys vmlinuz --initrd=initrd.img --append=irqpoll --device-dump-budget=02:00.4=32M
	assert_equal "$(cat syscalls)" "kexec_file_load kernel=$D/vmlinuz initrd=$D/initrd.img cmdline_len=28 flags=0x2 cmdline=irqpoll kexec_dd=1:33554432 -> 0"
}

@test "a total SIZE in the message is named as the option gave it" {
	run -1 kx -p --sysroot=sys vmlinuz --device-dump-budget=1G
	assert_output "kexec: the crash kernel reservation is 256 MiB but this load needs 1151.6 MiB (kernel 63.5 + boot data 0.1 + runtime 64 + device dumps 1024 [--device-dump-budget=1G]); boot with crashkernel=1152M, or pass a smaller --device-dump-budget= (none: no budget), or --load-anyway to load all the same"
}

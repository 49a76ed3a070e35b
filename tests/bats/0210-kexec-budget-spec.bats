#!/usr/bin/env bats
# kexec -p --device-dump-budget=SPEC: MATCH=SIZE by driver and by PCI address, a total SIZE,
# none, sizes as crashkernel= writes them, and SPECs that are refused.  Devices: two cxgb4
# adapters, a virtio-blk disk and an e1000e NIC, faked with umockdev.

load helpers

KEXEC=${KEXEC:-${BUILD:-$SRCDIR/build}/tests/tools/kexec-test}
kx() { umockdev-run --device "$BATS_TEST_TMPDIR/devices" -- "$KEXEC" "$@"; }

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
	bash "$SRCDIR/tests/fixtures/mk-umockdev-devices.sh" devices cxgb4=2 virtio e1000e
	bash "$SRCDIR/tests/fixtures/mk-kexec-sysroot.sh" qemu-1g-6.1 sys
	bash "$SRCDIR/tests/fixtures/mk-bzimage.sh" vmlinuz
}

# the budget section of a dry-run plan
budget() { sed -n '/^device dumps/,/^memory model/p' <<<"$output"; }

@test "MATCH by driver budgets every device bound to it, at that size each" {
	run -0 kx -p --dry-run --sysroot=sys vmlinuz --device-dump-budget=cxgb4=16M
	cat >expected <<-'EOF'
	device dumps  cxgb4=16M (from --device-dump-budget): 2 devices, 32 MiB; kexec_dd=2:33554432
	  DRIVER            PCI           NETDEV            BUDGET
	  cxgb4             0000:02:00.4  enp2s0f4          16 MiB
	  cxgb4             0000:03:00.4  enp3s0f4          16 MiB
	memory model  159.6 MiB needed of 256 MiB reserved: kernel 63.5 MiB + initrd 0 B + initrd unpacked 0 B + boot data 36 KiB + runtime 64 MiB + device dumps 32 MiB; crashkernel=160M fits
	EOF
	diff -u expected <(budget)
}

@test "MATCH by PCI address (long or short form) budgets that device; 512K and 8M sizes" {
	run -0 kx -p --dry-run --sysroot=sys vmlinuz --device-dump-budget=03:00.4=512K,virtio_blk=8M
	cat >expected <<-'EOF'
	device dumps  03:00.4=512K,virtio_blk=8M (from --device-dump-budget): 2 devices, 8.5 MiB; kexec_dd=2:8912896
	  DRIVER            PCI           NETDEV            BUDGET
	  virtio_blk        0000:00:04.0  -                 8 MiB
	  cxgb4             0000:03:00.4  enp3s0f4          512 KiB
	memory model  136.1 MiB needed of 256 MiB reserved: kernel 63.5 MiB + initrd 0 B + initrd unpacked 0 B + boot data 36 KiB + runtime 64 MiB + device dumps 8.5 MiB; crashkernel=160M fits
	EOF
	diff -u expected <(budget)
	run -1 kx -p --dry-run --sysroot=sys vmlinuz --device-dump-budget=0000:02:00.4=1G
	assert_line "device dumps  0000:02:00.4=1G (from --device-dump-budget): 1 device, 1 GiB; kexec_dd=1:1073741824"
}

@test "a MATCH by driver works for any bound device (virtio_blk, as in the lab) and goes to the load" {
	run -0 kx -p --sysroot=sys vmlinuz --append=irqpoll --device-dump-budget=virtio_blk=32M
	assert_equal "$(cat syscalls)" "kexec_file_load kernel=$BATS_TEST_TMPDIR/vmlinuz initrd=- cmdline_len=28 flags=0x6 cmdline=irqpoll kexec_dd=1:33554432 -> 0"
}

@test "a total SIZE is recorded with count 0; none records nothing" {
	run -0 kx -p --sysroot=sys vmlinuz --append=irqpoll --device-dump-budget=64M
	run -0 kx -p --sysroot=sys vmlinuz --append=irqpoll --device-dump-budget=none
	cat >expected <<-EOF
	kexec_file_load kernel=$BATS_TEST_TMPDIR/vmlinuz initrd=- cmdline_len=28 flags=0x6 cmdline=irqpoll kexec_dd=0:67108864 -> 0
	kexec_file_load kernel=$BATS_TEST_TMPDIR/vmlinuz initrd=- cmdline_len=8 flags=0x6 cmdline=irqpoll -> 0
	EOF
	diff -u expected syscalls
}

@test "a driver no device is bound to is an error naming the bound drivers; nothing is loaded" {
	run -1 kx -p --sysroot=sys vmlinuz --device-dump-budget=cxgb4=32M,mlx5_core=8M
	assert_output "kexec: --device-dump-budget: no device is bound to a driver named 'mlx5_core' (bound drivers: virtio-pci, virtio_blk, pcieport, e1000e, cxgb4)"
	run -1 kx -p --sysroot=sys vmlinuz --device-dump-budget=0000:09:00.0=8M
	assert_output "kexec: --device-dump-budget: no device with a driver at PCI address 0000:09:00.0"
	[ ! -e syscalls ]
}

@test "malformed SPECs are usage errors" {
	while IFS='|' read -r spec msg; do
		run -2 "$KEXEC" -p --dry-run --sysroot=sys vmlinuz "--device-dump-budget=$spec"
		assert_line --index 0 "kexec: $msg"
	done <<-'EOF'
	cxgb4=32Q|--device-dump-budget: 'cxgb4=32Q': '32Q' is not a size (like 512K, 32M, 1G)
	cxgb4|--device-dump-budget=cxgb4: not auto, none, a size (like 64M) or MATCH=SIZE,...
	cx/gb4=1M|--device-dump-budget: 'cx/gb4=1M': 'cx/gb4' is not a driver name (letters, digits, '_', '-') or a PCI address
	02:00.9=1M|--device-dump-budget: '02:00.9=1M': '02:00.9' is not a PCI address (DDDD:BB:DD.F)
	cxgb4=1M,,e1000e=1M|--device-dump-budget=cxgb4=1M,,e1000e=1M: an empty entry
	cxgb4=1M,cxgb4=2M|--device-dump-budget: cxgb4 is given twice
	EOF
	run -2 "$KEXEC" -l --dry-run --sysroot=sys vmlinuz --device-dump-budget=none
	assert_line --index 0 "kexec: --device-dump-budget only applies to -p and --estimate"
}
